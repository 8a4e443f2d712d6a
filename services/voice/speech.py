"""What the media loop needs to hear and speak, and which implementation this process uses.

The protocols are the contract between the media loop and the speech providers;
``speech_stack(settings)`` chooses the providers once per process:

- speech-to-text: Deepgram live (nova-3) when ``DEEPGRAM_API_KEY`` is set, otherwise
  faster-whisper tiny.en on this machine;
- text-to-speech: Deepgram Aura when keyed, otherwise Piper (the optional ``piper`` extra),
  otherwise espeak-ng when it is on PATH, otherwise nothing, which the description says
  plainly (start-up log, ``perceptron check``, the dashboard's telephony page);
- voice activity detection: always Silero on this machine (a detector per call).

``voice_transcriber`` / ``voice_synthesizer`` override the automatic choice. Models load on
first use, once per process, and run in worker threads.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from core.logging import get_logger
from core.settings import Settings, VoiceSynthesizer, VoiceTranscriber
from services.voice.audio import Samples

log = get_logger(__name__)

NO_OFFLINE_VOICE = (
    "no offline voice: neither Piper (the `piper` extra: `make install` brings it) nor "
    "espeak-ng (`apt-get install espeak-ng`) is installed, so calls cannot be answered aloud"
)


class SpeechDetector(Protocol):
    """Stateful voice activity detection, one per call."""

    def probability(self, frame: Samples) -> float:
        """Feed one 20 ms frame at 8 kHz; the speech probability of the latest audio (0..1)."""
        ...

    def reset(self) -> None: ...


class TranscriptionSession(Protocol):
    """One call's speech-to-text."""

    async def feed(self, audio: Samples) -> None:
        """8 kHz audio of the utterance in progress (with a short pre-roll)."""
        ...

    async def finish(self) -> str:
        """The utterance ended: its final text ("" if none); then takes the next one."""
        ...

    async def close(self) -> None: ...


class Transcriber(Protocol):
    name: str

    async def open(self, vocabulary: Sequence[str] = ()) -> TranscriptionSession:
        """A session for one call; ``vocabulary``: names and terms the caller may say (the
        organization's name and its articles' titles), to hear them right."""
        ...


class Synthesizer(Protocol):
    name: str

    def synthesize(self, text: str) -> AsyncIterator[Samples]:
        """8 kHz chunks, the first as soon as ready; ``aclose()`` stops synthesis."""
        ...


@dataclass(frozen=True)
class SpeechStack:
    detector: Callable[[], SpeechDetector]
    transcriber: Transcriber
    synthesizer: Synthesizer | None  # None: no voice available here
    description: str  # e.g. "Deepgram (nova-3, aura-2-thalia-en)"

    @property
    def speaks(self) -> bool:
        return self.synthesizer is not None


class VoiceUnavailableError(RuntimeError):
    """A configured speech provider cannot be used here (a missing key or package)."""


_logged: set[str] = set()


def speech_stack(settings: Settings) -> SpeechStack:
    """The speech providers ``settings`` choose; raises ``VoiceUnavailableError`` when an
    explicitly chosen one cannot work here."""
    from services.voice.vad import SileroDetector

    transcriber = _transcriber(settings)
    synthesizer = _synthesizer(settings)
    stack = SpeechStack(
        detector=SileroDetector,
        transcriber=transcriber,
        synthesizer=synthesizer,
        description=_describe(transcriber, synthesizer),
    )
    if stack.description not in _logged:
        _logged.add(stack.description)
        log.info(
            "voice_stack",
            transcriber=transcriber.name,
            synthesizer=synthesizer.name if synthesizer else None,
            speaks=stack.speaks,
        )
        if synthesizer is None:
            log.warning("voice_unavailable", reason=NO_OFFLINE_VOICE)
    return stack


def _keyed(settings: Settings) -> bool:
    return settings.deepgram_api_key is not None


def _transcriber(settings: Settings) -> Transcriber:
    choice = settings.voice_transcriber
    if choice is VoiceTranscriber.DEEPGRAM or (
        choice is VoiceTranscriber.AUTO and _keyed(settings)
    ):
        if not _keyed(settings):
            raise VoiceUnavailableError(
                "PERCEPTRON_VOICE_TRANSCRIBER=deepgram needs DEEPGRAM_API_KEY"
            )
        from services.voice.deepgram import DeepgramTranscriber

        return DeepgramTranscriber(settings)
    from services.voice.whisper import WhisperTranscriber

    return WhisperTranscriber()


def _synthesizer(settings: Settings) -> Synthesizer | None:
    from services.voice.espeak import EspeakSynthesizer, espeak_path
    from services.voice.piper import PiperSynthesizer, piper_available

    choice = settings.voice_synthesizer
    if choice is VoiceSynthesizer.NONE:
        return None
    if choice is VoiceSynthesizer.DEEPGRAM or (
        choice is VoiceSynthesizer.AUTO and _keyed(settings)
    ):
        if not _keyed(settings):
            raise VoiceUnavailableError(
                "PERCEPTRON_VOICE_SYNTHESIZER=deepgram needs DEEPGRAM_API_KEY"
            )
        from services.voice.deepgram import DeepgramSynthesizer

        return DeepgramSynthesizer(settings)
    if choice is VoiceSynthesizer.PIPER:
        if not piper_available():
            raise VoiceUnavailableError(
                "PERCEPTRON_VOICE_SYNTHESIZER=piper needs the `piper` extra "
                "(make install, or pip install 'perceptron[piper]')"
            )
        return PiperSynthesizer()
    if choice is VoiceSynthesizer.ESPEAK:
        if espeak_path() is None:
            raise VoiceUnavailableError(
                "PERCEPTRON_VOICE_SYNTHESIZER=espeak needs espeak-ng (apt-get install espeak-ng)"
            )
        return EspeakSynthesizer()
    return _offline_synthesizer()


def _offline_synthesizer() -> Synthesizer | None:
    """The best voice this machine has without a network: Piper, espeak-ng, or none."""
    from services.voice.espeak import EspeakSynthesizer, espeak_path
    from services.voice.piper import PiperSynthesizer, piper_available

    if piper_available():
        return PiperSynthesizer()
    if espeak_path() is not None:
        return EspeakSynthesizer()
    return None


def _describe(transcriber: Transcriber, synthesizer: Synthesizer | None) -> str:
    hearing = _deepgram_model(transcriber)
    speaking = _deepgram_model(synthesizer)
    if hearing and speaking:
        return f"Deepgram ({hearing}, {speaking})"
    heard_by = transcriber.name if hearing else f"offline: {transcriber.name}"
    if synthesizer is None:
        return f"{heard_by}; {NO_OFFLINE_VOICE}"
    return f"{heard_by}, {synthesizer.name}"


def _deepgram_model(provider: Transcriber | Synthesizer | None) -> str | None:
    """The Deepgram model a provider uses, without importing the SDK when it is not one."""
    if getattr(provider, "provider", None) != "deepgram":
        return None
    model: str = getattr(provider, "model")  # noqa: B009 - not on the protocol
    return model


async def warm_up(stack: SpeechStack) -> None:
    """Load the offline models now (Whisper, Piper's voice, Silero), in threads, so the first
    call does not wait for them. Providers with nothing to load are skipped."""
    from services.voice.vad import SileroDetector

    for provider in (stack.transcriber, stack.synthesizer):
        load = getattr(provider, "warm_up", None)
        if load is None:
            continue
        try:
            await load()
        except Exception as error:  # the first call will report it as it happens
            log.warning(
                "voice_warm_up_failed", provider=type(provider).__name__, error=type(error).__name__
            )
    await asyncio.to_thread(SileroDetector)
