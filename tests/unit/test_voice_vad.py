"""Silero VAD (ONNX, no torch) on 8 kHz call frames."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from services.voice.audio import FRAME_SECONDS
from services.voice.vad import SileroDetector
from tests.voice_audio import frames, silence, spoken_samples

SENTENCE = "Hello, I would like to know how to reset my thermostat to its factory settings."


def _probabilities(detector: SileroDetector, samples: np.ndarray) -> np.ndarray:
    return np.array([detector.probability(frame) for frame in frames(samples)])


def test_silero_finds_speech_in_a_spoken_sentence_and_not_around_it(tmp_path: Path) -> None:
    speech = spoken_samples(SENTENCE, tmp_path)
    audio = np.concatenate([silence(1.0), speech, silence(1.0)])
    probabilities = _probabilities(SileroDetector(), audio)
    lead = int(1.0 / FRAME_SECONDS)
    spoken = probabilities[lead : lead + len(speech) // 160]
    assert np.mean(spoken > 0.5) > 0.6, "most of the sentence is speech"
    assert np.all(probabilities[:lead] < 0.2), "the silence before it is not"
    assert np.all(probabilities[-20:] < 0.5), "and the speech ends"


def test_silero_hears_no_speech_in_silence_or_low_noise() -> None:
    detector = SileroDetector()
    assert _probabilities(detector, silence(2.0)).max() < 0.1
    detector.reset()
    noise = np.random.default_rng(7).normal(0, 200, 16_000).astype(np.int16)
    assert _probabilities(detector, noise).max() < 0.3


def test_detectors_keep_their_own_state(tmp_path: Path) -> None:
    speech = spoken_samples(SENTENCE, tmp_path)[:16_000]
    talking, quiet = SileroDetector(), SileroDetector()
    for frame in frames(speech):
        talking.probability(frame)
    assert talking.probability(frames(speech)[-1]) > 0.5
    assert quiet.probability(silence(0.02)) < 0.1
    talking.reset()
    assert talking.probability(silence(0.02)) < 0.1


def test_speech_is_heard_within_a_few_frames_of_its_start(tmp_path: Path) -> None:
    # Each frame reaches the model at once, whatever its place in the stream: a buffering
    # resampler in front of it (soxr's default filter lets 20 ms frames out in ~100 ms
    # blocks) delayed every speech start, end of turn and barge-in by up to 100 ms.
    speech = spoken_samples(SENTENCE, tmp_path)
    for lead in range(50, 55):
        audio = np.concatenate([silence(lead * FRAME_SECONDS), speech, silence(0.5)])
        heard = np.flatnonzero(_probabilities(SileroDetector(), audio) >= 0.5)
        assert heard[0] - lead <= 6, f"speech heard {heard[0] - lead} frames after it started"
