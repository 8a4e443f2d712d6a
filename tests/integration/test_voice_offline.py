"""The offline voice on this machine: faster-whisper hears espeak-ng speech at 8 kHz, and
Piper and espeak-ng speak 8 kHz audio that starts before the whole text is synthesized."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import numpy as np
import pytest

from services.voice.audio import SAMPLE_RATE, Samples
from services.voice.espeak import EspeakSynthesizer
from services.voice.piper import PiperSynthesizer, piper_available
from services.voice.speech import Synthesizer
from services.voice.whisper import WhisperTranscriber
from tests.voice_audio import espeak_executable, silence, spoken_samples, word_error_rate

# tiny.en hears espeak-ng's voice through the 8 kHz telephone band far worse than at 16 kHz
# (`python -m bench stt-wer`): these two it hears well, so a regression shows.
QUESTIONS = (
    "How do I change the email address on my account?",
    "Can I get a replacement if the lamp breaks?",
)
THREE_SENTENCES = (
    "Hold the reset button for twelve seconds. The light will blink blue. "
    "Then pair the thermostat again in the app."
)


async def test_whisper_transcribes_spoken_questions_at_8_khz(tmp_path: Path) -> None:
    session = await WhisperTranscriber().open()
    for question in QUESTIONS:  # one session, one utterance after the other, as in a call
        speech = np.concatenate([silence(0.2), spoken_samples(question, tmp_path), silence(0.5)])
        for start in range(0, len(speech), 160):  # fed as the media loop feeds it: 20 ms frames
            await session.feed(speech[start : start + 160])
        text = await session.finish()
        assert word_error_rate(question, text) <= 0.2, text
    assert await session.finish() == "", "finish() with nothing fed is empty"
    await session.close()


async def test_whisper_hears_nothing_in_silence() -> None:
    session = await WhisperTranscriber().open()
    await session.feed(silence(1.0))
    assert len((await session.finish()).split()) <= 1


async def _timed(synthesizer: Synthesizer, text: str) -> tuple[list[float], list[Samples]]:
    started = time.perf_counter()
    arrivals: list[float] = []
    chunks: list[Samples] = []
    async for chunk in synthesizer.synthesize(text):
        arrivals.append(time.perf_counter() - started)
        chunks.append(chunk)
    return arrivals, chunks


def _assert_speech_at_8_khz(chunks: list[Samples], text: str) -> None:
    audio = np.concatenate(chunks)
    assert audio.dtype == np.int16
    seconds = len(audio) / SAMPLE_RATE
    words = len(text.split())
    assert words / 5 < seconds < words, f"{seconds:.1f} s for {words} words"
    assert np.abs(audio).max() > 3000, "audible"
    # 8 kHz and band-limited: nothing above the 4 kHz Nyquist limit to alias from
    spectrum = np.abs(np.fft.rfft(audio.astype(np.float64)))
    frequencies = np.fft.rfftfreq(len(audio), 1 / SAMPLE_RATE)
    assert spectrum[(frequencies > 300) & (frequencies < 3400)].sum() > 0.8 * spectrum.sum()


async def test_espeak_speaks_8_khz_audio_in_a_stream() -> None:
    espeak_executable()
    arrivals, chunks = await _timed(EspeakSynthesizer(), THREE_SENTENCES)
    _assert_speech_at_8_khz(chunks, THREE_SENTENCES)
    assert len(chunks) > 3
    assert arrivals[0] < arrivals[-1]
    assert len(chunks[0]) < sum(len(c) for c in chunks) / 3, "the first chunk is a small part"


@pytest.mark.skipif(not piper_available(), reason="the optional `piper` extra is not installed")
async def test_piper_speaks_the_first_sentence_before_the_rest_is_synthesized() -> None:
    synthesizer = PiperSynthesizer()
    await synthesizer.warm_up()
    arrivals, chunks = await _timed(synthesizer, THREE_SENTENCES)
    _assert_speech_at_8_khz(chunks, THREE_SENTENCES)
    assert len(chunks) == 3, "one chunk per sentence"
    assert arrivals[0] < arrivals[-1] * 0.8
    assert len(chunks[0]) < sum(len(c) for c in chunks) / 2


@pytest.mark.parametrize("make", [EspeakSynthesizer, PiperSynthesizer])
async def test_closing_the_stream_stops_synthesis(make: type[Synthesizer]) -> None:
    if make is PiperSynthesizer and not piper_available():
        pytest.skip("the optional `piper` extra is not installed")
    stream = make().synthesize(THREE_SENTENCES * 3)
    first = await anext(stream)
    assert len(first) > 0
    started = time.perf_counter()
    await stream.aclose()  # type: ignore[attr-defined]  # an async generator
    assert time.perf_counter() - started < 1.0


@pytest.mark.skipif(not piper_available(), reason="the optional `piper` extra is not installed")
async def test_two_calls_can_be_answered_by_piper_at_once() -> None:
    synthesizer = PiperSynthesizer()
    alone = await _timed(synthesizer, THREE_SENTENCES)
    both = await asyncio.gather(
        _timed(synthesizer, THREE_SENTENCES), _timed(synthesizer, "Thank you for calling.")
    )
    assert sum(map(len, both[0][1])) == pytest.approx(sum(map(len, alone[1])), rel=0.05)
    _assert_speech_at_8_khz(both[1][1], "Thank you for calling.")


async def test_the_organizations_vocabulary_helps_whisper_hear_its_names(tmp_path: Path) -> None:
    """Without the organization's words tiny.en hears espeak-ng's "Bluetooth" over the phone
    band as "blue too"; with the help center's titles as its prompt it hears it right."""
    question = "How do I pair my lamp with Bluetooth?"
    speech = np.concatenate([silence(0.2), spoken_samples(question, tmp_path), silence(0.5)])
    heard = {}
    for name, vocabulary in (("plain", ()), ("vocabulary", ("Lumen", "Bluetooth pairing"))):
        session = await WhisperTranscriber().open(vocabulary)
        await session.feed(speech)
        heard[name] = await session.finish()
        await session.close()
    assert "bluetooth" not in heard["plain"].lower(), heard
    assert "bluetooth" in heard["vocabulary"].lower(), heard
