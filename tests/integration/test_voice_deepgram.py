"""Deepgram through the real deepgram-sdk against the local fake speaking its protocol."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from deepgram.core.api_error import ApiError
from pydantic import SecretStr

from core.settings import Settings
from services.voice import deepgram
from services.voice.audio import SAMPLE_RATE
from services.voice.deepgram import DeepgramSynthesizer, DeepgramTranscriber
from services.voice.speech import speech_stack
from tests.fakes.deepgram import FakeDeepgram
from tests.voice_audio import spoken_samples

API_KEY = "dg-test-key"


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[FakeDeepgram, str]]:
    fake = FakeDeepgram(api_key=API_KEY)
    with fake.serve() as base_url:
        yield fake, base_url


@pytest.fixture
def fake(served: tuple[FakeDeepgram, str]) -> FakeDeepgram:
    server, _ = served
    server.listens.clear()
    server.speaks.clear()
    server.refused = 0
    server.endpointing_finals = False
    return server


def _settings(base_url: str, key: str = API_KEY) -> Settings:
    return Settings(_env_file=None, deepgram_api_key=SecretStr(key), deepgram_base_url=base_url)


async def test_live_transcription_returns_each_utterances_final_text(
    served: tuple[FakeDeepgram, str], fake: FakeDeepgram, tmp_path: Path
) -> None:
    fake.hears("How do I reset my lamp?", "And the Wi-Fi?")
    speech = spoken_samples("How do I reset my lamp?", tmp_path)
    session = await DeepgramTranscriber(_settings(served[1])).open()
    for start in range(0, len(speech), 160):
        await session.feed(speech[start : start + 160])
    assert await session.finish() == "How do I reset my lamp?"
    assert await session.finish() == "", "no audio since: nothing to finalize"
    await session.feed(speech[:1600])
    assert await session.finish() == "And the Wi-Fi?"
    await session.close()

    (connection,) = fake.listens
    assert connection.authorization == f"Token {API_KEY}"
    assert connection.query == {
        "model": "nova-3",
        "encoding": "mulaw",
        "sample_rate": "8000",
        "channels": "1",
        "smart_format": "true",
        "interim_results": "true",
    }
    assert connection.audio_bytes == len(speech) + 1600, "one mu-law byte per sample"
    assert connection.finalizes == 2
    assert connection.close_stream


async def test_finish_does_not_wait_when_deepgram_has_finalized_already(
    served: tuple[FakeDeepgram, str], fake: FakeDeepgram
) -> None:
    fake.endpointing_finals = True
    fake.hears("Is the lamp dimmable?")
    session = await DeepgramTranscriber(_settings(served[1])).open()
    await session.feed(np.zeros(1600, dtype=np.int16))
    await asyncio.sleep(0.1)  # the final arrives while the caller is still silent
    started = time.perf_counter()
    assert await session.finish() == "Is the lamp dimmable?"
    assert time.perf_counter() - started < deepgram.SETTLED_SECONDS / 3, "no wait at all"
    await session.close()
    assert fake.listens[0].finalizes == 1


async def test_an_idle_connection_is_kept_alive(
    served: tuple[FakeDeepgram, str], fake: FakeDeepgram, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deepgram, "KEEPALIVE_SECONDS", 0.1)
    session = await DeepgramTranscriber(_settings(served[1])).open()
    await asyncio.sleep(0.5)
    await session.close()
    assert fake.listens[0].keepalives >= 2


async def test_a_wrong_key_is_refused(served: tuple[FakeDeepgram, str], fake: FakeDeepgram) -> None:
    with pytest.raises(ApiError) as refused:
        await DeepgramTranscriber(_settings(served[1], "dg-wrong")).open()
    assert refused.value.status_code == 401
    with pytest.raises(ApiError) as refused:
        async for _ in DeepgramSynthesizer(_settings(served[1], "dg-wrong")).synthesize("Hi."):
            pass
    assert refused.value.status_code == 401
    assert fake.refused == 2
    assert not fake.listens
    assert not fake.speaks


async def test_aura_streams_8_khz_audio_for_the_text(
    served: tuple[FakeDeepgram, str], fake: FakeDeepgram
) -> None:
    text = "Press and hold the brightness dial for twelve seconds."
    chunks = [chunk async for chunk in DeepgramSynthesizer(_settings(served[1])).synthesize(text)]
    audio = np.concatenate(chunks)
    assert len(chunks) > 1, "streamed in pieces"
    assert len(audio) / SAMPLE_RATE == pytest.approx(fake.speech_seconds(text), abs=0.01)
    assert np.abs(audio).max() > 5000
    (request,) = fake.speaks
    assert request.text == text
    assert request.authorization == f"Token {API_KEY}"
    assert request.query == {
        "model": "aura-2-thalia-en",
        "encoding": "mulaw",
        "sample_rate": "8000",
        "container": "none",
    }
    assert request.audio_bytes == len(audio)


async def test_the_keyed_stack_talks_to_the_configured_address(
    served: tuple[FakeDeepgram, str], fake: FakeDeepgram
) -> None:
    stack = speech_stack(_settings(served[1]))
    assert stack.synthesizer is not None
    chunks = [chunk async for chunk in stack.synthesizer.synthesize("Hello.")]
    assert sum(len(chunk) for chunk in chunks) > 0
    assert len(fake.speaks) == 1


async def test_the_organizations_vocabulary_goes_to_deepgram_as_key_terms(
    served: tuple[FakeDeepgram, str], fake: FakeDeepgram
) -> None:
    session = await DeepgramTranscriber(_settings(served[1])).open(["Lumen", "Wi-Fi setup"])
    await session.close()
    (connection,) = fake.listens
    assert connection.keyterms == ["Lumen", "Wi-Fi setup"]
