"""A local stand-in for Deepgram, speaking its real wire protocol to the real deepgram-sdk.

Serves, on a loopback port (point ``deepgram_base_url`` at the URL ``serve()`` yields):

- ``WebSocket /v1/listen`` (live speech-to-text). The query string is the SDK's
  (``model``, ``encoding``, ``sample_rate``, ``channels``, ``smart_format``,
  ``interim_results``...), ``Authorization: Token <key>`` is checked at the handshake (a wrong
  key gets HTTP 401, as Deepgram answers). Binary messages are audio; text messages are the
  control messages ``KeepAlive``, ``Finalize`` and ``CloseStream``. Replies are ``Results``
  messages in Deepgram's shape (``channel.alternatives[].transcript``, ``is_final``,
  ``speech_final``, ``from_finalize``, ``metadata.model_info``...) and, on ``CloseStream``,
  a ``Metadata`` message before the close.
- ``POST /v1/speak`` (Aura text-to-speech): ``{"text": ...}`` in, raw mu-law bytes streamed
  out in pieces.

What it "hears" is a script the test gives (``hears("first utterance", ...)``): when audio
has arrived since the last ``Finalize``, the next ``Finalize`` is answered with the next
scripted transcript (``""`` once the script is used up), after one interim result when the
utterance's first audio arrives. So it is an instant speech-to-text for benchmarks. With
``endpointing_finals`` set it behaves as Deepgram does when its own endpointing has already
finalized an utterance: the transcript arrives as a final (``speech_final``) with the first
audio, and the ``Finalize`` that follows, having nothing left to process, gets no answer. What it
"says" is a deterministic 440 Hz tone of ``SPEAK_SECONDS_PER_CHARACTER`` per character of
text: an instant text-to-speech. Everything received is recorded for assertions.

    fake = FakeDeepgram(api_key="dg-test")
    fake.hears("How do I reset it?")
    with fake.serve() as base_url:   # "http://127.0.0.1:PORT"
        ...
    assert fake.listens[0].audio_bytes > 0
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import uvicorn
from fastapi import FastAPI, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import JSONResponse, Response, StreamingResponse

from services.voice.audio import SAMPLE_RATE, ulaw_encode

SPEAK_SECONDS_PER_CHARACTER = 0.06
SPEAK_PIECE_BYTES = 1600  # 200 ms of 8 kHz mu-law per streamed piece
TONE_HZ = 440.0
MODEL_UUID = "00000000-0000-4000-8000-00000000fa4e"


@dataclass
class ListenConnection:
    """One ``/v1/listen`` connection as the fake saw it."""

    query: dict[str, str]
    authorization: str | None
    audio_bytes: int = 0
    audio_messages: int = 0
    keepalives: int = 0
    finalizes: int = 0
    close_stream: bool = False
    transcripts_sent: list[str] = field(default_factory=list)
    closed: bool = False
    keyterms: list[str] = field(default_factory=list)  # nova-3 key term prompting


@dataclass(frozen=True)
class SpeakRequest:
    query: dict[str, str]
    authorization: str | None
    text: str
    audio_bytes: int


class FakeDeepgram:
    def __init__(self, api_key: str = "dg-test") -> None:
        self.api_key = api_key
        self.listens: list[ListenConnection] = []
        self.speaks: list[SpeakRequest] = []
        self.refused = 0  # handshakes and requests refused for their key
        self.endpointing_finals = False
        self._script: deque[str] = deque()
        self._lock = threading.Lock()
        self.app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
        self._routes()

    # -- the test's side ---------------------------------------------------------------------

    def hears(self, *transcripts: str) -> None:
        """Queue what the next utterances will be transcribed as, one per ``Finalize``."""
        with self._lock:
            self._script.extend(transcripts)

    @property
    def pending_transcripts(self) -> int:
        with self._lock:
            return len(self._script)

    @staticmethod
    def speech_seconds(text: str) -> float:
        """How long the fake's voice speaks ``text``."""
        return len(text) * SPEAK_SECONDS_PER_CHARACTER

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Serve on a free loopback port in a background thread; yields ``http://host:port``."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        server = uvicorn.Server(
            uvicorn.Config(self.app, log_config=None, access_log=False, lifespan="off")
        )
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="fake-deepgram", daemon=True
        )
        thread.start()
        try:
            while not server.started:
                if not thread.is_alive():
                    raise RuntimeError("the fake Deepgram server stopped during startup")
                time.sleep(0.005)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            sock.close()

    # -- the server's side -------------------------------------------------------------------

    def _authorized(self, authorization: str | None) -> bool:
        return authorization == f"Token {self.api_key}"

    def _next_transcript(self) -> str:
        with self._lock:
            return self._script.popleft() if self._script else ""

    def _peek_transcript(self) -> str:
        with self._lock:
            return self._script[0] if self._script else ""

    def _routes(self) -> None:
        @self.app.websocket("/v1/listen")
        async def listen(websocket: WebSocket) -> None:
            authorization = websocket.headers.get("authorization")
            if not self._authorized(authorization):
                with self._lock:
                    self.refused += 1
                await websocket.send_denial_response(JSONResponse(_auth_error(), status_code=401))
                return
            query = websocket.query_params
            connection = ListenConnection(
                {key: value for key, value in query.items() if key != "keyterm"},
                authorization,
                keyterms=query.getlist("keyterm"),
            )
            with self._lock:
                self.listens.append(connection)
            await websocket.accept()
            try:
                await self._listen_loop(websocket, connection)
            except WebSocketDisconnect:
                pass
            finally:
                connection.closed = True

        @self.app.post("/v1/speak", response_model=None)
        async def speak(request: Request) -> Response:
            authorization = request.headers.get("authorization")
            if not self._authorized(authorization):
                with self._lock:
                    self.refused += 1
                return JSONResponse(_auth_error(), status_code=401)
            body = await request.json()
            text = str(body.get("text", ""))
            if not text.strip():
                return JSONResponse(
                    {"err_code": "INVALID_INPUT", "err_msg": "text is empty"}, status_code=400
                )
            audio = _tone(self.speech_seconds(text))
            with self._lock:
                self.speaks.append(
                    SpeakRequest(dict(request.query_params), authorization, text, len(audio))
                )
            return StreamingResponse(
                _pieces(audio), media_type="audio/basic", headers={"dg-request-id": _id()}
            )

    async def _listen_loop(self, websocket: WebSocket, connection: ListenConnection) -> None:
        request_id = _id()
        utterance_audio = 0  # bytes since the last Finalize
        heard_seconds = 0.0  # where the next result starts
        already_final = False  # the utterance was finalized before Finalize came
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            if (data := message.get("bytes")) is not None:
                connection.audio_bytes += len(data)
                connection.audio_messages += 1
                if utterance_audio == 0 and self.endpointing_finals:
                    transcript = self._next_transcript()
                    connection.transcripts_sent.append(transcript)
                    await websocket.send_json(
                        _results(request_id, transcript, heard_seconds, 0.1, final=True)
                    )
                elif utterance_audio == 0 and connection.query.get("interim_results") == "true":
                    first_word = self._peek_transcript().split(" ")[0]
                    await websocket.send_json(
                        _results(request_id, first_word, heard_seconds, 0.1, final=False)
                    )
                utterance_audio += len(data)
                already_final = self.endpointing_finals
                continue
            control = json.loads(message.get("text") or "{}")
            kind = control.get("type")
            if kind == "KeepAlive":
                connection.keepalives += 1
            elif kind == "Finalize":
                connection.finalizes += 1
                if already_final:  # nothing left to process: Deepgram sends nothing
                    utterance_audio = 0
                    already_final = False
                    continue
                duration = utterance_audio / SAMPLE_RATE
                transcript = self._next_transcript() if utterance_audio else ""
                connection.transcripts_sent.append(transcript)
                await websocket.send_json(
                    _results(
                        request_id, transcript, heard_seconds, duration, final=True, finalize=True
                    )
                )
                heard_seconds += duration
                utterance_audio = 0
            elif kind == "CloseStream":
                connection.close_stream = True
                await websocket.send_json(
                    {
                        "type": "Metadata",
                        "transaction_key": "deprecated",
                        "request_id": request_id,
                        "sha256": "0" * 64,
                        "created": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                        "duration": connection.audio_bytes / SAMPLE_RATE,
                        "channels": 1,
                    }
                )
                await websocket.close(code=1000)
                return


def _results(
    request_id: str,
    transcript: str,
    start: float,
    duration: float,
    *,
    final: bool,
    finalize: bool = False,
) -> dict[str, Any]:
    words = transcript.split()
    step = duration / max(len(words), 1)
    message: dict[str, Any] = {
        "type": "Results",
        "channel_index": [0, 1],
        "duration": duration,
        "start": start,
        "is_final": final,
        "speech_final": final,
        "channel": {
            "alternatives": [
                {
                    "transcript": transcript,
                    "confidence": 0.99 if words else 0.0,
                    "words": [
                        {
                            "word": word.strip(".,?!").lower(),
                            "start": start + i * step,
                            "end": start + (i + 1) * step,
                            "confidence": 0.99,
                            "punctuated_word": word,
                        }
                        for i, word in enumerate(words)
                    ],
                }
            ]
        },
        "metadata": {
            "request_id": request_id,
            "model_info": {"name": "general-nova-3", "version": "2025-01-01.0", "arch": "nova-3"},
            "model_uuid": MODEL_UUID,
        },
    }
    if finalize:
        message["from_finalize"] = True
    return message


def _auth_error() -> dict[str, str]:
    return {
        "err_code": "INVALID_AUTH",
        "err_msg": "Invalid credentials.",
        "request_id": _id(),
    }


def _id() -> str:
    return str(uuid.uuid4())


def _tone(seconds: float) -> bytes:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return ulaw_encode((np.sin(2 * np.pi * TONE_HZ * t) * 8000).astype(np.int16))


async def _pieces(audio: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(audio), SPEAK_PIECE_BYTES):
        yield audio[start : start + SPEAK_PIECE_BYTES]
        await asyncio.sleep(0)
