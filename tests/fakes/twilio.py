"""A fake Twilio that speaks Twilio's real protocols, for the phone tests.

- REST (what ``twilio.rest.Client`` calls, pointed here by ``TWILIO_API_BASE_URL``): the
  account, its ``IncomingPhoneNumbers`` (list, update) and ``Calls/{sid}`` updates (``Twiml``,
  ``Status``), behind HTTP Basic auth with the account SID and token; every request is kept.
- Calls: :meth:`FakeTwilio.call` signs the voice webhook exactly as Twilio does
  (``RequestValidator.compute_signature`` over the public URL and the sorted parameters),
  reads the TwiML answer and, for ``<Connect><Stream>``, opens the Media Streams WebSocket
  (the ``wss://`` public URL mapped to the API's local ``ws://`` address), sends ``connected``
  and ``start`` and then streams audio as 20 ms mu-law frames in real time (``speed`` to go
  faster). What the server sends is "played" in real time: ``media`` is kept, each ``mark`` is
  echoed once the audio queued before it has played, and ``clear`` drops unplayed audio.
  A REST redirect to ``<Dial>`` ends the stream as Twilio does (``stop``, close) and records
  the number dialled; hanging up sends ``stop``, closes and posts the status callback.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import secrets
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from xml.etree import ElementTree

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from twilio.request_validator import RequestValidator
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from core.ports import free_port
from services.voice.audio import read_wav, resample, ulaw_encode

SAMPLE_RATE = 8000
FRAME_BYTES = 160
FRAME_SECONDS = 0.02
ULAW_SILENCE = b"\xff"


def wav_as_ulaw(path: Path | str) -> bytes:
    """A WAV file (any rate, mono or stereo) as 8 kHz mu-law, as Twilio carries audio."""
    samples, rate = read_wav(path)
    return ulaw_encode(resample(samples, rate, SAMPLE_RATE))


@dataclass
class RestRequest:
    method: str
    path: str
    form: dict[str, str]
    authorized: bool


@dataclass
class FakeCall:
    """One call the fake placed: the webhook's answer, then its media stream."""

    twilio: FakeTwilio
    sid: str
    from_: str
    to: str
    api_url: str
    public_url: str
    speed: float
    status_code: int = 0
    twiml: str = ""
    said: list[str] = field(default_factory=list)
    dial_target: str | None = None  # from the webhook's <Dial> or a REST redirect
    stream_url: str | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    received: list[bytes] = field(default_factory=list)  # each media payload, decoded
    marks: list[str] = field(default_factory=list)  # echoed, in order
    clears: int = 0
    played_bytes: int = 0
    stream_sid: str = field(default_factory=lambda: "MZ" + secrets.token_hex(16))
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    status_callbacks: list[int] = field(default_factory=list)  # the API's answers
    _ws: ClientConnection | None = None
    _queue: deque[tuple[str, bytes | str]] = field(default_factory=deque)
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _chunk: int = 0
    _started: float = 0.0
    _last_media: float = 0.0
    _completed: bool = False
    _clear_generation: int = 0
    _closing: bool = False  # we are ending the stream (hang-up, redirect)
    closed_by_server: bool = False  # the server closed the media socket itself
    _spoke_until: int = 0  # len(received) when the caller last stopped sending audio

    @property
    def heard_seconds(self) -> float:
        """How much of what the server sent has been played."""
        return self.played_bytes / SAMPLE_RATE

    @property
    def received_seconds(self) -> float:
        return sum(len(payload) for payload in self.received) / SAMPLE_RATE

    # The caller's side ------------------------------------------------------------------

    async def say(self, wav: Path | str, speed: float | None = None) -> None:
        """Stream a WAV file as the caller's voice, frame by frame in real time (or
        ``speed`` times faster)."""
        await self.send_audio(wav_as_ulaw(wav), speed)

    async def send_silence(self, seconds: float) -> None:
        await self.send_audio(ULAW_SILENCE * int(seconds * SAMPLE_RATE))

    async def send_audio(self, ulaw: bytes, speed: float | None = None) -> None:
        ws = self._require_stream()
        pace = speed or self.speed
        if len(ulaw) % FRAME_BYTES:
            ulaw += ULAW_SILENCE * (FRAME_BYTES - len(ulaw) % FRAME_BYTES)
        began = time.monotonic()
        for index in range(0, len(ulaw), FRAME_BYTES):
            self._chunk += 1
            timestamp = int((time.monotonic() - self._started) * 1000)
            await ws.send(
                json.dumps(
                    {
                        "event": "media",
                        "sequenceNumber": str(self._chunk + 1),
                        "streamSid": self.stream_sid,
                        "media": {
                            "track": "inbound",
                            "chunk": str(self._chunk),
                            "timestamp": str(timestamp),
                            "payload": base64.b64encode(ulaw[index : index + FRAME_BYTES]).decode(),
                        },
                    }
                )
            )
            due = began + (index // FRAME_BYTES + 1) * FRAME_SECONDS / pace
            await asyncio.sleep(max(0.0, due - time.monotonic()))
        self._spoke_until = len(self.received)

    async def press(self, digit: str) -> None:
        await self._require_stream().send(
            json.dumps({"event": "dtmf", "streamSid": self.stream_sid, "dtmf": {"digit": digit}})
        )

    async def wait_for_reply(self, within: float = 10.0, quiet: float = 0.6) -> bytes:
        """The audio the server sent after the caller last finished speaking (the end of the
        latest :meth:`say`/:meth:`send_audio`), once it has gone quiet for ``quiet`` seconds."""
        first = self._spoke_until
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if len(self.received) > first and time.monotonic() - self._last_media >= quiet:
                return b"".join(self.received[first:])
            await asyncio.sleep(0.02)
        raise TimeoutError("no reply from the media stream")

    async def hang_up(self) -> None:
        """The caller hangs up: ``stop``, close, then the status callback ``completed``."""
        await self._end_stream()
        await self._complete()

    # Twilio's side ----------------------------------------------------------------------

    async def _open(self, url: str) -> None:
        self.stream_url = url
        self._ws = await connect(self.twilio.local_ws_url(url, self.api_url))
        self._started = time.monotonic()
        await self._ws.send(
            json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"})
        )
        await self._ws.send(
            json.dumps(
                {
                    "event": "start",
                    "sequenceNumber": "1",
                    "streamSid": self.stream_sid,
                    "start": {
                        "streamSid": self.stream_sid,
                        "accountSid": self.twilio.account_sid,
                        "callSid": self.sid,
                        "tracks": ["inbound"],
                        "customParameters": self.parameters,
                        "mediaFormat": {
                            "encoding": "audio/x-mulaw",
                            "sampleRate": SAMPLE_RATE,
                            "channels": 1,
                        },
                    },
                }
            )
        )
        self._tasks = [
            asyncio.create_task(self._receive()),
            asyncio.create_task(self._play()),
        ]

    async def _receive(self) -> None:
        assert self._ws is not None
        try:
            async for raw in self._ws:
                message = json.loads(raw)
                event = message.get("event")
                if event == "media":
                    payload = base64.b64decode(message["media"]["payload"])
                    self.received.append(payload)
                    self._last_media = time.monotonic()
                    self._queue.append(("audio", payload))
                elif event == "mark":
                    self._queue.append(("mark", message["mark"]["name"]))
                elif event == "clear":
                    self.clears += 1
                    self._clear_generation += 1
                    pending = [item for item in self._queue if item[0] == "mark"]
                    self._queue.clear()
                    for _, name in pending:  # Twilio answers a cleared mark at once
                        await self._echo_mark(str(name))
                self._wake.set()
        except ConnectionClosed:
            pass
        finally:
            self.ended.set()
            if not self._closing:
                # The server ended the stream: the call goes on past <Connect>, and with no
                # more TwiML it ends, as Twilio does, with its status callback.
                self.closed_by_server = True
                self.twilio._later(self._complete())

    async def _play(self) -> None:
        while not self.ended.is_set():
            if not self._queue:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), 0.1)
                continue
            kind, value = self._queue.popleft()
            if kind == "mark":
                await self._echo_mark(str(value))
                continue
            assert isinstance(value, bytes)
            generation = self._clear_generation
            for index in range(0, len(value), FRAME_BYTES):
                frame = value[index : index + FRAME_BYTES]
                await asyncio.sleep(len(frame) / SAMPLE_RATE / self.speed)
                if generation != self._clear_generation:
                    break  # cleared while playing: the rest of this payload is dropped
                self.played_bytes += len(frame)

    async def _echo_mark(self, name: str) -> None:
        self.marks.append(name)
        if self._ws is not None:
            with contextlib.suppress(ConnectionClosed):
                await self._ws.send(
                    json.dumps(
                        {"event": "mark", "streamSid": self.stream_sid, "mark": {"name": name}}
                    )
                )

    async def _end_stream(self) -> None:
        if self._ws is None:
            return
        self._closing = True
        with contextlib.suppress(ConnectionClosed):
            await self._ws.send(json.dumps({"event": "stop", "streamSid": self.stream_sid}))
        await self._ws.close()
        self.ended.set()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _complete(self) -> None:
        if self._completed:
            return
        self._completed = True
        duration = int(time.monotonic() - self._started) if self._started else 0
        answer = await self.twilio.post_webhook(
            self.api_url,
            self.public_url,
            "/api/twilio/status",
            {**self._call_params(), "CallStatus": "completed", "CallDuration": str(duration)},
        )
        self.status_callbacks.append(answer.status_code)

    async def _redirected(self, twiml: str) -> None:
        """A REST update replaced the call's TwiML: the stream ends, a <Dial> is followed."""
        root = ElementTree.fromstring(twiml)
        self.said.extend(say.text or "" for say in root.iter("Say"))
        dial = root.find("Dial")
        if dial is not None:
            number = dial.find("Number")
            self.dial_target = (number.text if number is not None else dial.text) or ""
            self.dial_target = self.dial_target.strip()
        await self._end_stream()

    def _call_params(self) -> dict[str, str]:
        return {
            "CallSid": self.sid,
            "AccountSid": self.twilio.account_sid,
            "From": self.from_,
            "To": self.to,
            "Caller": self.from_,
            "Called": self.to,
            "Direction": "inbound",
            "ApiVersion": "2010-04-01",
        }

    def _require_stream(self) -> ClientConnection:
        if self._ws is None:
            raise RuntimeError(f"the call has no media stream (TwiML: {self.twiml})")
        return self._ws


class FakeTwilio:
    """``async with FakeTwilio(sid, token) as twilio``: its REST API at ``twilio.base_url``."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        numbers: list[tuple[str, str]] | None = None,
        speed: float = 1.0,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.numbers = [
            {"sid": sid, "phone_number": number, "friendly_name": f"Line {index + 1}"}
            for index, (sid, number) in enumerate(numbers or [])
        ]
        self.speed = speed
        self.requests: list[RestRequest] = []
        self.calls: dict[str, FakeCall] = {}
        self.base_url = ""
        self._server: uvicorn.Server | None = None
        self._serving: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> FakeTwilio:
        prefix = "/2010-04-01/Accounts/{account}"
        app = Starlette(
            routes=[
                Route(prefix + ".json", self._account, methods=["GET"]),
                Route(prefix + "/IncomingPhoneNumbers.json", self._list_numbers, methods=["GET"]),
                Route(
                    prefix + "/IncomingPhoneNumbers/{sid}.json",
                    self._update_number,
                    methods=["POST"],
                ),
                Route(prefix + "/Calls/{sid}.json", self._update_call, methods=["POST"]),
            ]
        )
        port = free_port()
        self._server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
        )
        self._serving = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._serving.done():
                self._serving.result()
            await asyncio.sleep(0.01)
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *_: object) -> None:
        for call in self.calls.values():
            await call._end_stream()
        for task in list(self._background):
            await task
        if self._server is not None and self._serving is not None:
            self._server.should_exit = True
            await self._serving

    # Calls ------------------------------------------------------------------------------

    async def call(
        self,
        api_url: str,
        public_url: str,
        to: str,
        from_: str,
        *,
        signature: str | None = None,
        speed: float | None = None,
        stream: bool = True,
    ) -> FakeCall:
        """Place an inbound call: the signed voice webhook, then its TwiML is followed.
        ``signature`` overrides the real one (forged-request tests); ``stream=False`` reads
        the ``<Stream>`` without opening it."""
        call = FakeCall(
            twilio=self,
            sid="CA" + uuid.uuid4().hex,
            from_=from_,
            to=to,
            api_url=api_url.rstrip("/"),
            public_url=public_url.rstrip("/"),
            speed=speed or self.speed,
        )
        self.calls[call.sid] = call
        answer = await self.post_webhook(
            call.api_url,
            call.public_url,
            "/api/twilio/voice",
            {**call._call_params(), "CallStatus": "ringing"},
            signature=signature,
        )
        call.status_code = answer.status_code
        call.twiml = answer.text
        if answer.status_code != 200:
            return call
        root = ElementTree.fromstring(answer.text)
        call.said = [say.text or "" for say in root.iter("Say")]
        dial = root.find("Dial")
        if dial is not None:
            call.dial_target = (dial.text or "").strip()
        stream_element = root.find("Connect/Stream")
        if stream_element is not None:
            call.parameters = {
                parameter.get("name", ""): parameter.get("value", "")
                for parameter in stream_element.iter("Parameter")
            }
            call.stream_url = stream_element.get("url", "")
            if stream:
                await call._open(call.stream_url)
        return call

    async def post_webhook(
        self,
        api_url: str,
        public_url: str,
        path: str,
        params: dict[str, str],
        signature: str | None = None,
    ) -> httpx.Response:
        """POST a webhook signed as Twilio signs it: over the public URL it was configured
        with, to the API's local address."""
        signed = signature
        if signed is None:
            signed = RequestValidator(self.auth_token).compute_signature(public_url + path, params)
        async with httpx.AsyncClient(timeout=10) as client:
            return await client.post(
                api_url + path,
                data=params,
                headers={"X-Twilio-Signature": signed, "User-Agent": "TwilioProxy/1.1"},
            )

    @staticmethod
    def local_ws_url(stream_url: str, api_url: str) -> str:
        """The wss:// public stream URL, at the API's own local address."""
        stream, api = urlsplit(stream_url), urlsplit(api_url)
        scheme = "wss" if api.scheme == "https" else "ws"
        return urlunsplit((scheme, api.netloc, stream.path, stream.query, ""))

    # REST -------------------------------------------------------------------------------

    async def _record(self, request: Request) -> tuple[RestRequest, JSONResponse | None]:
        form = {key: str(value) for key, value in (await request.form()).items()}
        expected = (
            "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        )
        authorized = request.headers.get("authorization") == expected and (
            request.path_params.get("account") == self.account_sid
        )
        recorded = RestRequest(request.method, request.url.path, form, authorized)
        self.requests.append(recorded)
        if not authorized:
            return recorded, _twilio_error(401, 20003, "Authenticate")
        return recorded, None

    async def _account(self, request: Request) -> JSONResponse:
        _, refusal = await self._record(request)
        if refusal is not None:
            return refusal
        return JSONResponse(
            {
                "sid": self.account_sid,
                "friendly_name": "Fake account",
                "status": "active",
                "type": "Full",
                "uri": f"/2010-04-01/Accounts/{self.account_sid}.json",
            }
        )

    async def _list_numbers(self, request: Request) -> JSONResponse:
        _, refusal = await self._record(request)
        if refusal is not None:
            return refusal
        uri = f"/2010-04-01/Accounts/{self.account_sid}/IncomingPhoneNumbers.json"
        return JSONResponse(
            {
                "incoming_phone_numbers": [self._number(number) for number in self.numbers],
                "start": 0,
                "end": max(0, len(self.numbers) - 1),
                "page": 0,
                "page_size": 50,
                "first_page_uri": uri + "?PageSize=50&Page=0",
                "previous_page_uri": None,
                "next_page_uri": None,
                "uri": uri,
            }
        )

    async def _update_number(self, request: Request) -> JSONResponse:
        recorded, refusal = await self._record(request)
        if refusal is not None:
            return refusal
        for number in self.numbers:
            if number["sid"] == request.path_params["sid"]:
                number.update(recorded.form)
                return JSONResponse(self._number(number))
        return _twilio_error(404, 20404, "The requested resource was not found")

    async def _update_call(self, request: Request) -> JSONResponse:
        recorded, refusal = await self._record(request)
        if refusal is not None:
            return refusal
        call = self.calls.get(request.path_params["sid"])
        if call is None:
            return _twilio_error(404, 20404, "The requested resource was not found")
        if "Twiml" in recorded.form:
            self._later(call._redirected(recorded.form["Twiml"]))
        if recorded.form.get("Status") == "completed":
            self._later(self._complete(call))
        return JSONResponse(
            {"sid": call.sid, "account_sid": self.account_sid, "status": "in-progress"}
        )

    async def _complete(self, call: FakeCall) -> None:
        await call._end_stream()
        await call._complete()

    def _later(self, work: Any) -> None:
        """After the REST answer, as Twilio does (the API is still waiting for it)."""
        task: asyncio.Task[None] = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _number(self, number: dict[str, str]) -> dict[str, Any]:
        return {
            "sid": number["sid"],
            "account_sid": self.account_sid,
            "phone_number": number["phone_number"],
            "friendly_name": number.get("friendly_name", ""),
            "voice_url": number.get("VoiceUrl"),
            "status_callback": number.get("StatusCallback"),
        }

    def routed(self, sid: str) -> dict[str, str]:
        """A number's stored settings (``VoiceUrl``, ``StatusCallback`` as last set)."""
        return next(number for number in self.numbers if number["sid"] == sid)


def _twilio_error(status: int, code: int, message: str) -> JSONResponse:
    return JSONResponse(
        {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        },
        status_code=status,
    )


@contextlib.asynccontextmanager
async def fake_twilio(
    account_sid: str, auth_token: str, **kwargs: Any
) -> AsyncIterator[FakeTwilio]:
    async with FakeTwilio(account_sid, auth_token, **kwargs) as twilio:
        yield twilio
