"""The call audio format: mu-law against the stdlib reference, frames, WAV, resampling."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from services.voice.audio import (
    FRAME_BYTES,
    SAMPLE_RATE,
    Resampler,
    Samples,
    read_wav,
    resample,
    split_frames,
    ulaw_decode,
    ulaw_encode,
    wav_bytes,
)
from tests.voice_audio import word_error_rate

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop  # the reference G.711 implementation, deprecated in 3.11, gone in 3.13


def _tone(hz: float, seconds: float, rate: int, amplitude: float = 10_000) -> Samples:
    t = np.arange(int(seconds * rate)) / rate
    return (np.sin(2 * np.pi * hz * t) * amplitude).astype(np.int16)


def _peak_hz(samples: Samples, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64) * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[int(np.argmax(spectrum))])


def test_ulaw_encoding_matches_audioop_for_every_16_bit_value() -> None:
    every = np.arange(-32768, 32768, dtype=np.int16)
    assert ulaw_encode(every) == audioop.lin2ulaw(every.tobytes(), 2)


def test_ulaw_decoding_matches_audioop_for_every_byte() -> None:
    every = bytes(range(256))
    reference = np.frombuffer(audioop.ulaw2lin(every, 2), dtype="<i2")
    assert np.array_equal(ulaw_decode(every), reference)


def test_ulaw_round_trip_keeps_speech_level_audio_within_quantisation_error() -> None:
    tone = _tone(440, 0.5, SAMPLE_RATE)
    back = ulaw_decode(ulaw_encode(tone))
    error = np.abs(back.astype(np.int32) - tone.astype(np.int32))
    # mu-law steps grow with the magnitude: at most 1/16 of it, plus the smallest step
    assert np.all(error <= np.abs(tone.astype(np.int32)) / 16 + 8)
    assert ulaw_decode(b"\xff") == 0


def test_split_frames_pads_the_last_frame_with_mu_law_silence() -> None:
    frames = split_frames(b"\x01" * (FRAME_BYTES * 2 + 10))
    assert [len(frame) for frame in frames] == [FRAME_BYTES] * 3
    assert frames[2] == b"\x01" * 10 + b"\xff" * (FRAME_BYTES - 10)
    assert split_frames(b"") == []
    assert np.all(ulaw_decode(frames[2][10:]) == 0)


def test_wav_round_trip_keeps_samples_and_rate() -> None:
    tone = _tone(300, 0.2, 22050)
    samples, rate = read_wav(wav_bytes(tone, 22050))
    assert rate == 22050
    assert np.array_equal(samples, tone)


@pytest.mark.parametrize(("from_rate", "to_rate"), [(22050, 8000), (8000, 16000), (8000, 8000)])
def test_resampling_keeps_a_tones_frequency_and_duration(from_rate: int, to_rate: int) -> None:
    tone = _tone(1000, 1.0, from_rate)
    out = resample(tone, from_rate, to_rate)
    assert abs(len(out) - to_rate) <= 2
    assert abs(_peak_hz(out, to_rate) - 1000) < 5
    assert 0.6 < np.std(out) / np.std(tone) < 1.2  # the level survives


def test_streamed_resampling_matches_a_whole_tone() -> None:
    tone = _tone(700, 1.0, 22050)
    stream = Resampler(22050, SAMPLE_RATE)
    pieces = [stream.process(tone[i : i + 999]) for i in range(0, len(tone), 999)]
    out = np.concatenate([*pieces, stream.flush()])
    assert abs(len(out) - SAMPLE_RATE) <= 2
    assert abs(_peak_hz(out, SAMPLE_RATE) - 700) < 5


def test_word_error_rate_counts_substitutions_deletions_and_insertions() -> None:
    assert word_error_rate("How do I reset it?", "how do i reset it") == 0
    assert word_error_rate("how do I reset it", "how do I set it") == pytest.approx(1 / 5)
    assert word_error_rate("how do I reset it", "how I reset it now please") == pytest.approx(3 / 5)


def test_quick_streamed_resampling_returns_each_chunk_at_once() -> None:
    tone = _tone(700, 0.2, SAMPLE_RATE)
    quick = Resampler(SAMPLE_RATE, 16_000, quality="QQ")
    sizes = [len(quick.process(tone[i : i + 160])) for i in range(0, len(tone), 160)]
    assert all(abs(size - 320) <= 8 for size in sizes), sizes
