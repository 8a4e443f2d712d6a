"""Deepgram, when ``DEEPGRAM_API_KEY`` is set: live speech-to-text (nova-3) over the
``/v1/listen`` WebSocket and Aura text-to-speech over ``POST /v1/speak``, both through the
official SDK (deepgram-sdk v7) and both in the call's own format, 8 kHz mu-law.

One listen connection per call. Our VAD decides when an utterance ends; ``finish()`` then
sends ``Finalize``, which makes Deepgram flush what it has heard as final results marked
``from_finalize``, and returns the finals gathered since the last utterance. Deepgram answers
``Finalize`` only when it has audio left to process: when every word heard is already final
(its own endpointing got there first), ``finish()`` returns those finals at once; it waits
briefly only when nothing was heard at all.
Deepgram closes a connection that receives nothing for about 10 s, so an idle connection
sends ``KeepAlive`` every few seconds. ``deepgram_base_url`` points both at another address (the
tests' local fake); its WebSocket address is the same host with ``ws``/``wss``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack
from typing import Any

from deepgram import AsyncDeepgramClient
from deepgram.environment import DeepgramClientEnvironment
from deepgram.listen.v1.socket_client import AsyncV1SocketClient
from deepgram.listen.v1.types.listen_v1results import ListenV1Results

from core.logging import get_logger
from core.settings import Settings
from services.voice.audio import SAMPLE_RATE, Samples, ulaw_decode, ulaw_encode

log = get_logger(__name__)

KEEPALIVE_SECONDS = 4.0
FINALIZE_TIMEOUT_SECONDS = 2.0  # words still interim: wait this long for their finals
SETTLED_SECONDS = 0.3  # nothing heard at all: Deepgram may not answer Finalize


def deepgram_environment(base_url: str | None) -> DeepgramClientEnvironment:
    """The SDK's addresses for ``base_url`` (``https://host[:port]``), or Deepgram's own."""
    if not base_url:
        return DeepgramClientEnvironment.PRODUCTION
    http = base_url.rstrip("/")
    websocket = "ws" + http.removeprefix("http")  # http -> ws, https -> wss
    return DeepgramClientEnvironment(
        base=http, production=websocket, agent=websocket, agent_rest=http
    )


def deepgram_client(settings: Settings) -> AsyncDeepgramClient:
    if settings.deepgram_api_key is None:
        raise RuntimeError("DEEPGRAM_API_KEY is not set")
    return AsyncDeepgramClient(
        api_key=settings.deepgram_api_key.get_secret_value(),
        environment=deepgram_environment(settings.deepgram_base_url),
    )


KEYTERMS = 50


class DeepgramTranscriber:
    """A ``Transcriber`` over Deepgram's live listen WebSocket."""

    provider = "deepgram"

    def __init__(self, settings: Settings) -> None:
        self._client = deepgram_client(settings)
        self.model = settings.deepgram_stt_model
        self.name = f"Deepgram {self.model}"

    async def open(self, vocabulary: Sequence[str] = ()) -> DeepgramSession:
        stack = AsyncExitStack()
        # Key terms (nova-3's keyterm prompting): the names a caller may say.
        terms = [" ".join(term.split()) for term in vocabulary if term.strip()][:KEYTERMS]
        try:
            socket = await stack.enter_async_context(
                self._client.listen.v1.connect(
                    model=self.model,
                    encoding="mulaw",
                    sample_rate=SAMPLE_RATE,
                    channels=1,
                    smart_format="true",
                    interim_results="true",
                    keyterm=terms or None,
                )
            )
        except BaseException:
            await stack.aclose()
            raise
        return DeepgramSession(socket, stack)


class DeepgramSession:
    """One call's listen connection."""

    def __init__(self, socket: AsyncV1SocketClient, stack: AsyncExitStack) -> None:
        self._socket = socket
        self._stack = stack
        self._finals: list[str] = []
        self._finalized = asyncio.Event()
        self._message = asyncio.Event()  # set by every result
        self._interim_pending = False  # words heard but not final yet
        self._audio_since_finish = False
        self._last_sent = time.monotonic()
        self._closed = False
        self._reader = asyncio.create_task(self._read(), name="deepgram-listen")
        self._keepalive = asyncio.create_task(self._keep_alive(), name="deepgram-keepalive")

    async def feed(self, audio: Samples) -> None:
        if len(audio) == 0:
            return
        await self._socket.send_media(ulaw_encode(audio))
        self._audio_since_finish = True
        self._last_sent = time.monotonic()

    async def finish(self) -> str:
        if not self._audio_since_finish:
            return ""
        self._finalized.clear()
        await self._socket.send_finalize()
        sent = self._last_sent = time.monotonic()
        while not self._finalized.is_set():
            if self._finals and not self._interim_pending:
                break  # every word heard is final already: no answer to wait for
            limit = FINALIZE_TIMEOUT_SECONDS if self._interim_pending else SETTLED_SECONDS
            remaining = sent + limit - time.monotonic()
            if remaining <= 0:
                if self._interim_pending:
                    log.warning("deepgram_finalize_timeout", timeout_seconds=limit)
                break
            self._message.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._message.wait(), remaining)
        self._interim_pending = False
        self._audio_since_finish = False
        finals, self._finals = self._finals, []
        return " ".join(text for text in finals if text).strip()

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._keepalive.cancel()
        with contextlib.suppress(Exception):
            await self._socket.send_close_stream()
        try:
            await asyncio.wait_for(asyncio.shield(self._reader), 2.0)
        except (TimeoutError, Exception):
            self._reader.cancel()
        with contextlib.suppress(Exception):
            await self._stack.aclose()

    async def _read(self) -> None:
        try:
            async for message in self._socket:
                if isinstance(message, ListenV1Results):
                    self._take(message)
        except Exception as error:  # the connection ended: finish() then returns what it has
            log.info("deepgram_listen_closed", error=type(error).__name__)
        finally:
            self._finalized.set()
            self._message.set()

    def _take(self, result: ListenV1Results) -> None:
        alternatives = result.channel.alternatives
        transcript = alternatives[0].transcript.strip() if alternatives else ""
        if result.is_final:
            self._finals.append(transcript)
            self._interim_pending = False
        elif transcript:
            self._interim_pending = True
        if result.from_finalize:
            self._finalized.set()
        self._message.set()

    async def _keep_alive(self) -> None:
        while not self._finalized_for_good():
            await asyncio.sleep(KEEPALIVE_SECONDS / 2)
            if time.monotonic() - self._last_sent >= KEEPALIVE_SECONDS:
                try:
                    await self._socket.send_keep_alive()
                except Exception:  # the connection is gone; the reader has said so
                    return
                self._last_sent = time.monotonic()

    def _finalized_for_good(self) -> bool:
        return self._closed or self._reader.done()


class DeepgramSynthesizer:
    """A ``Synthesizer`` over Aura (``POST /v1/speak``), streamed as it is generated."""

    provider = "deepgram"

    def __init__(self, settings: Settings) -> None:
        self._client = deepgram_client(settings)
        self.model = settings.deepgram_tts_model
        self.name = f"Deepgram {self.model}"

    async def synthesize(self, text: str) -> AsyncIterator[Samples]:
        chunks: Any = self._client.speak.v1.audio.generate(
            text=text,
            model=self.model,
            encoding="mulaw",
            sample_rate=SAMPLE_RATE,
            container="none",
        )
        try:
            async for chunk in chunks:
                if chunk:
                    yield ulaw_decode(chunk)
        finally:
            await chunks.aclose()
