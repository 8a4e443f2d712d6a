"""`voice` and `voice-offline`: from the caller's last speech frame to the first answer audio.

Both place real phone calls: the fake Twilio (``tests/fakes/twilio.py``) signs the voice
webhook and reads the TwiML (``stream=False``), then this module drives the Media Stream
WebSocket itself, as Twilio does: ``connected``, ``start``, then one 20 ms mu-law frame every
20 ms for the whole call (the caller's speech when there is some, mu-law silence otherwise),
every ``mark`` echoed the moment it arrives (what is sent counts as played at once), every
message from the server stamped when it is read. The caller's speech is made once by
espeak-ng (``tests/voice_audio.spoken_wav``); Silero VAD in the media loop hears it.

t0 is when the last frame holding speech was sent (the WAV's last 20 ms frame whose RMS is
above :data:`SPEECH_RMS`); t1 is when the first ``media`` message of the answer arrives (the
greeting and the previous answer are over: the line is quiet before each question). Reported:
t1 - t0 (``total``), and t1 - t0 minus the end-of-turn silence setting (``overhead``, the
issue's figure). That subtraction is only as exact as the VAD: Silero hears the end of speech
a frame or five away from where the level drops, so the caller also feeds every frame it
sends to a Silero detector of its own, which sees exactly what the loop's detector sees, and
so finds the frame that ended the turn. ``endpointed`` is t0 to that frame, ``pipeline`` that
frame to t1: what the product adds once it knows the caller has finished. A breakdown, each
stage from that frame, comes from the organization's inbox event stream (the visitor message
stored, the first ``token``, the first sentence complete) and, in ``voice``, from the fakes
(the agent's judge request, the first text-to-speech request).

`voice` (``--repeat`` turns, default 100, in calls of :data:`TURNS_PER_CALL`): the pipeline
overhead with instant providers. Everything is real (the API with uvicorn, the Temporal dev
server, the workers, embedded PostgreSQL, the media loop, Silero) except speech-to-text and
text-to-speech, the fake Deepgram through the real deepgram-sdk (it "hears" each utterance as
its scripted transcript the moment ``Finalize`` arrives and speaks a tone), and the model, the
instant fake OpenAI of ``turns`` (a judge call and a streamed two-sentence answer per turn).
Every turn is checked: the transcript stored, the scripted answer given, no barge-in. The
baseline, measured in the same run, is the bare Update round trip to a running conversation
workflow (and Update-with-Start), as ``turns`` measures it. One more call of
:data:`ENDPOINTED_TURNS` turns has the fake behave as Deepgram does when its own endpointing
finalized the words before our end of turn (``endpointing_finals``: ``Finalize`` then gets no
answer), reported as ``pipeline_deepgram_finalized_first``.

`voice-offline` (``--repeat`` turns, default 20, in calls of :data:`OFFLINE_TURNS_PER_CALL`):
the offline stack on this machine, voice to voice: faster-whisper tiny.en, Piper (espeak-ng
without it), the keyless agent (local MiniLM retrieval, extractive answers) over the demo
shop's articles (``services/demo/articles``), questions Whisper tiny.en hears well over the
phone band. The visitor message stored tells speech-to-text apart (``stt_share``: from the
frame that ended the turn to the message stored, over ``after_endpoint``), and the first
sentence complete in the answer's tokens the speaking (``tts_share``: from it to the first
audio).

Everything runs in this one process (API, workers, the caller, the fakes in threads), on a
machine other work may share: the 1-minute load average is stored before and after.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import tempfile
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from fastapi import Request, Response
from fastapi.responses import JSONResponse
from pydantic import SecretStr
from sqlmodel import select
from starlette.middleware.base import RequestResponseEndpoint
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from agents.providers.embeddings import create_embedder
from agents.support.prompts import JUDGE_TOOL_NAME
from bench.framework import BenchResult, Metric, Options, Parameter, p50
from bench.stack import Stack, load_average, running_stack, serving_api
from bench.turns import (
    JUDGEMENT,
    KNOWLEDGE,
    UNLIMITED,
    EventStream,
    InstantModel,
    Setup,
    StreamEvent,
    p95,
    update_with_start_round_trips,
)
from core.db import org_session
from core.models import Call, DocumentStatus, KnowledgeDocument, Organization
from core.settings import Settings
from services.demo import demo_articles
from services.voice.audio import (
    FRAME_BYTES,
    FRAME_SECONDS,
    SAMPLE_RATE,
    read_wav,
    split_frames,
    ulaw_decode,
    ulaw_encode,
)
from services.voice.media_loop import LoopSettings
from services.voice.sentences import SentenceSplitter
from services.voice.speech import speech_stack
from services.voice.vad import SileroDetector
from tests.factories import member_headers
from tests.fakes.deepgram import FakeDeepgram
from tests.fakes.twilio import FakeTwilio
from tests.voice_audio import espeak_executable, spoken_wav

VOICE_NAME = "voice"
OFFLINE_NAME = "voice-offline"
DEFAULT_TURNS = 100
TURNS_PER_CALL = 10
ENDPOINTED_TURNS = 10  # `voice`: one more call, Deepgram having finalized each utterance
DEFAULT_OFFLINE_TURNS = 20
OFFLINE_TURNS_PER_CALL = 5
AIM_OVERHEAD_P50_MS = 150.0
API_KEY = "sk-bench-voice"
DEEPGRAM_KEY = "dg-bench-voice"
ACCOUNT_SID = "AC" + "7" * 28 + "4321"
AUTH_TOKEN = "benchtoken" + "3" * 22
NUMBER = "+15550108001"
NUMBER_SID = "PN" + "d" * 32
CALLER = "+15550108999"
PUBLIC_URL = "https://voice.bench.test"
GREETING = "Hi."
SPEECH_RMS = 100.0  # a 20 ms frame above this RMS (of 32767) holds speech
LEAD_IN_SECONDS = 0.3  # silence before each question, after the line went quiet
ANSWER_WITHIN = 20.0  # seconds from t0 to the first answer audio, instant providers
OFFLINE_ANSWER_WITHIN = 90.0
QUIET_SECONDS = 0.4  # no audio for this long after message.done: the answer is over
OFFLINE_QUIET_SECONDS = 2.0  # Piper's next sentence can take a while on a busy machine
QUESTION = "How do I reset my lamp?"
# Two sentences, so the first is spoken while the second is still streaming, as a real
# model's answer is; the citation mark is not read out.
ANSWER = (
    "Hold the brightness dial on the base for 12 seconds [1]. "
    "Release it when the ring pulses amber three times."
)
# Whisper tiny.en, prompted with the shop's vocabulary as calls prompt it, hears espeak-ng say
# these exactly over the phone band; none of them asks for a person.
OFFLINE_QUESTIONS = (
    "How long is the warranty on my lamp?",
    "What happens to my data when I delete my account?",
    "Can the lamp get warmer in the evening?",
    "How do I cancel my Cloud Plus subscription?",
    "How do I return the lamp?",
)
SILENCE_FRAME = b"\xff" * FRAME_BYTES
MAX_LATE_FRAMES = 2  # the caller fell this far behind real time: it resynchronizes


# -- the caller ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Utterance:
    """A question as the caller says it: 20 ms mu-law frames up to the last one that holds
    speech."""

    text: str
    frames: list[bytes]

    @property
    def seconds(self) -> float:
        return len(self.frames) * FRAME_SECONDS


def utterance(text: str, folder: Path) -> Utterance:
    samples, rate = read_wav(spoken_wav(text, folder / f"{uuid.uuid4().hex}.wav"))
    assert rate == SAMPLE_RATE
    frames = split_frames(ulaw_encode(samples))
    levels = [_rms(ulaw_decode(frame)) for frame in frames]
    voiced = [index for index, level in enumerate(levels) if level >= SPEECH_RMS]
    if not voiced:
        raise RuntimeError(f"espeak-ng said nothing audible for {text!r}")
    return Utterance(text, frames[: voiced[-1] + 1])


def _rms(samples: np.ndarray[Any, Any]) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))


class Caller:
    """One call's Media Stream, driven as Twilio drives it (see the module's docstring).

    Every frame sent is also fed to a Silero detector of its own: the media loop's detector
    is fed exactly the same frames from the start of the call, so this one says which frames
    the loop took for speech, and so when its end of turn came (``endpointed_at``)."""

    def __init__(
        self, websocket: ClientConnection, call_sid: str, threshold: float, end_frames: int
    ) -> None:
        self._ws = websocket
        self._detector = SileroDetector()
        self._threshold = threshold
        self._end_frames = end_frames
        self.sent: list[tuple[float, bool]] = []  # each frame: when it went out, speech?
        self.call_sid = call_sid
        self.stream_sid = "MZ" + uuid.uuid4().hex
        self._pending: deque[tuple[bytes, asyncio.Future[float] | None]] = deque()
        self._tasks: list[asyncio.Task[None]] = []
        self._activity = asyncio.Event()
        self.media: list[float] = []  # perf_counter() of each media message read
        self.media_bytes = 0
        self.last_activity = time.perf_counter()
        self.marks = 0
        self.clears = 0
        self.resyncs = 0  # times the caller fell behind real time and skipped ahead

    async def start(self) -> None:
        await self._ws.send(json.dumps({"event": "connected", "protocol": "Call"}))
        await self._ws.send(
            json.dumps(
                {
                    "event": "start",
                    "sequenceNumber": "1",
                    "streamSid": self.stream_sid,
                    "start": {
                        "streamSid": self.stream_sid,
                        "accountSid": ACCOUNT_SID,
                        "callSid": self.call_sid,
                        "tracks": ["inbound"],
                        "customParameters": {},
                        "mediaFormat": {
                            "encoding": "audio/x-mulaw",
                            "sampleRate": SAMPLE_RATE,
                            "channels": 1,
                        },
                    },
                }
            )
        )
        self._tasks = [asyncio.create_task(self._pump()), asyncio.create_task(self._read())]

    async def stop(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            await self._ws.send(json.dumps({"event": "stop", "streamSid": self.stream_sid}))
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                await task
        await self._ws.close()

    def say(self, spoken: Utterance) -> asyncio.Future[float]:
        """Queue ``spoken`` after the frames already queued; the future is the time its last
        (voiced) frame was sent."""
        sent: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        for index, frame in enumerate(spoken.frames):
            self._pending.append((frame, sent if index == len(spoken.frames) - 1 else None))
        return sent

    def endpointed_at(self, before: float) -> float:
        """When the frame that ended the caller's turn went out, as the media loop decides it:
        the end-of-turn silence counted in frames after the last one its VAD took for speech
        (the last such frame sent before ``before``)."""
        for index in range(len(self.sent) - 1, -1, -1):
            at, speech = self.sent[index]
            if speech and at <= before:
                end = index + self._end_frames
                if end >= len(self.sent):
                    raise RuntimeError("the answer came before the end of the caller's turn")
                return self.sent[end][0]
        raise RuntimeError("the caller's VAD never heard speech")

    async def first_media_after(self, moment: float, within: float) -> float:
        deadline = time.monotonic() + within
        while True:
            later = [at for at in self.media[-50:] if at > moment]
            if later:
                return later[0]
            await self._wait(deadline, "no answer audio")

    async def quiet(self, seconds: float, within: float) -> None:
        """Until nothing has come from the server for ``seconds``."""
        deadline = time.monotonic() + within
        while time.perf_counter() - self.last_activity < seconds:
            self._activity.clear()
            remaining = seconds - (time.perf_counter() - self.last_activity)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._activity.wait(), max(0.0, remaining))
            if time.monotonic() > deadline:
                raise TimeoutError(f"the line did not go quiet within {within:.0f}s")
            self._check_alive()

    async def _wait(self, deadline: float, what: str) -> None:
        self._check_alive()
        self._activity.clear()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(what)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._activity.wait(), min(remaining, 0.5))

    def _check_alive(self) -> None:
        for task in self._tasks:
            if task.done():
                task.result()  # raises what ended it
                raise RuntimeError("the media stream ended")

    async def _pump(self) -> None:
        chunk = 0
        due = time.perf_counter()
        while True:
            frame, sent = self._pending.popleft() if self._pending else (SILENCE_FRAME, None)
            chunk += 1
            await self._ws.send(
                json.dumps(
                    {
                        "event": "media",
                        "sequenceNumber": str(chunk + 1),
                        "streamSid": self.stream_sid,
                        "media": {
                            "track": "inbound",
                            "chunk": str(chunk),
                            "timestamp": str(chunk * 20),
                            "payload": base64.b64encode(frame).decode(),
                        },
                    }
                )
            )
            at = time.perf_counter()
            if sent is not None and not sent.done():
                sent.set_result(at)
            speech = self._detector.probability(ulaw_decode(frame)) >= self._threshold
            self.sent.append((at, speech))
            due += FRAME_SECONDS
            late = time.perf_counter() - due
            if late > MAX_LATE_FRAMES * FRAME_SECONDS:
                due = time.perf_counter()  # no burst of frames to catch up: Twilio paces them
                self.resyncs += 1
            await asyncio.sleep(max(0.0, due - time.perf_counter()))

    async def _read(self) -> None:
        async for raw in self._ws:
            at = time.perf_counter()
            message = json.loads(raw)
            event = message.get("event")
            if event == "media":
                self.media.append(at)
                self.media_bytes += len(base64.b64decode(message["media"]["payload"]))
            elif event == "mark":
                self.marks += 1
                await self._ws.send(
                    json.dumps(
                        {"event": "mark", "streamSid": self.stream_sid, "mark": message["mark"]}
                    )
                )
            elif event == "clear":
                self.clears += 1
            self.last_activity = at
            self._activity.set()


# -- the instrumented fakes ------------------------------------------------------------------


class StampedModel(InstantModel):
    """The instant model of ``turns``, noting when each judge request arrives."""

    def __init__(self, api_key: str) -> None:
        self.judge_requests: list[float] = []
        super().__init__(api_key)

    async def _admit(self, request: Request) -> tuple[dict[str, Any], JSONResponse | None]:
        at = time.perf_counter()
        body, refusal = await super()._admit(request)
        if body.get("tools"):
            with self._lock:
                self.judge_requests.append(at)
        return body, refusal

    def script_voice_turns(self, count: int) -> None:
        for _ in range(count):
            self.reply_tool_call(JUDGE_TOOL_NAME, JUDGEMENT)
            self.reply_text(ANSWER)


def stamped_deepgram() -> tuple[FakeDeepgram, list[float]]:
    """The fake Deepgram, noting when each text-to-speech request arrives."""
    fake = FakeDeepgram(api_key=DEEPGRAM_KEY)
    speaks: list[float] = []

    @fake.app.middleware("http")
    async def stamp(request: Request, call_next: RequestResponseEndpoint) -> Response:
        if request.url.path == "/v1/speak":
            speaks.append(time.perf_counter())
        return await call_next(request)

    return fake, speaks


# -- one turn --------------------------------------------------------------------------------


@dataclass
class Timeline:
    """The turn's events on the organization's inbox stream, for one call's conversation."""

    stored: StreamEvent | None = None  # the visitor message's message.created
    message_id: str | None = None
    transcript: str = ""
    tokens: list[StreamEvent] = field(default_factory=list)
    done: StreamEvent | None = None

    def first_piece_at(self) -> float | None:
        """When the media loop had its first piece to speak: the token event that completed
        the answer's first sentence (or clause), else message.done."""
        splitter = SentenceSplitter()
        for event in self.tokens:
            if splitter.push(str(event.data.get("text", ""))):
                return event.at
        return None if self.done is None else self.done.at


async def follow_turn(
    stream: EventStream, conversation_id: str, after: float, deadline: float
) -> Timeline:
    """Read the inbox stream until the answer to the visitor's next message is done."""
    timeline = Timeline()
    while timeline.done is None:
        event = await stream.next(deadline)
        if event.at < after:
            continue
        data = event.data
        if event.type == "message.created" and timeline.message_id is None:
            if data.get("conversation_id") == conversation_id and data.get("role") == "visitor":
                timeline.stored = event
                timeline.message_id = str(data.get("id"))
                timeline.transcript = str(data.get("content", ""))
        elif timeline.message_id and data.get("turn_id") == timeline.message_id:
            if event.type == "token":
                timeline.tokens.append(event)
            elif event.type == "message.done":
                timeline.done = event
    return timeline


@dataclass(frozen=True)
class VoiceTurn:
    """One question's answer, in seconds: ``total`` and ``endpointed`` from t0 (the last
    voiced frame sent), the rest from the end of the turn (the frame that ended it sent)."""

    first: bool  # the call's first question (its Update-with-Start starts the workflow)
    total: float  # t0 to the first answer audio read by the caller (t1)
    endpointed: float  # t0 to the frame that ended the turn: the silence, with the VAD's tail
    after_endpoint: float  # to t1: the pipeline
    stored: float  # the visitor message stored (its message.created on the inbox stream)
    first_token: float | None  # the answer's first token event (None: none streamed)
    first_piece: float  # the first sentence (or clause) complete in the token events
    done: float  # message.done
    judge_request: float | None  # the agent's judge request reached the instant model
    tts_request: float | None  # the first text-to-speech request reached the fake Deepgram
    transcript: str
    answer: str
    decision: str


@dataclass
class Rig:
    """What a benchmark's calls need: the fake Twilio, the stack and API, the organization
    and its inbox stream, and the stamps the instrumented fakes take (empty offline)."""

    twilio: FakeTwilio
    stack: Stack
    api_url: str
    org: PhoneOrg
    stream: EventStream
    within: float  # seconds for an answer to start, and for the line to go quiet
    quiet: float  # no audio for this long after message.done: the answer is over
    judge_requests: list[float] = field(default_factory=list)
    speak_requests: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class PhoneOrg:
    org_id: uuid.UUID
    public_key: str
    headers: dict[str, str]


@dataclass
class PlacedCall:
    caller: Caller
    conversation_id: str
    sid: str


async def phone_org(stack: Stack, api_url: str) -> PhoneOrg:
    """An organization with the fake's Twilio account connected, its number imported and a
    one-word greeting (its knowledge base is added by the caller)."""
    org_id = await stack.create_organization("Lumen")
    headers = await member_headers(stack.settings, stack.session_maker, org_id)
    async with httpx.AsyncClient(base_url=api_url, headers=headers, timeout=30) as client:
        steps: list[tuple[str, str, dict[str, str] | None]] = [
            ("PUT", "telephony/account", {"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN}),
            ("POST", "phone-numbers/import", None),
            ("PUT", "telephony/settings", {"call_greeting": GREETING}),
        ]
        for method, path, body in steps:
            response = await client.request(method, f"/api/orgs/{org_id}/{path}", json=body)
            if response.status_code != 200:
                raise RuntimeError(f"{method} {path} answered {response.status_code}")
    async with org_session(stack.session_maker, org_id) as session:
        organization = await session.get(Organization, org_id)
        assert organization is not None
        public_key = organization.public_key
    return PhoneOrg(org_id, public_key, headers)


@contextlib.asynccontextmanager
async def placed_call(rig: Rig) -> AsyncIterator[PlacedCall]:
    """A signed inbound call answered with TwiML, its Media Stream opened by this caller and
    the greeting heard out; hung up afterwards (``stop``, close, the status callback)."""
    twilio, api_url = rig.twilio, rig.api_url
    call = await twilio.call(api_url, PUBLIC_URL, to=NUMBER, from_=CALLER, stream=False)
    if call.status_code != 200 or call.stream_url is None:
        raise RuntimeError(f"the voice webhook answered {call.status_code}: {call.twiml[:200]}")
    async with org_session(rig.stack.session_maker, rig.org.org_id) as session:
        row = (await session.exec(select(Call).where(Call.provider_call_id == call.sid))).one()
    websocket = await connect(FakeTwilio.local_ws_url(call.stream_url, api_url))
    settings = rig.stack.settings
    caller = Caller(
        websocket,
        call.sid,
        settings.voice_speech_threshold,
        LoopSettings.of(settings).frames(settings.voice_end_of_turn_ms),
    )
    await caller.start()
    try:
        await caller.first_media_after(0.0, rig.within)  # the greeting
        await caller.quiet(rig.quiet, rig.within)
        yield PlacedCall(caller, str(row.conversation_id), call.sid)
    finally:
        await caller.stop()
        await twilio.post_webhook(
            api_url,
            PUBLIC_URL,
            "/api/twilio/status",
            {
                "CallSid": call.sid,
                "AccountSid": ACCOUNT_SID,
                "From": CALLER,
                "To": NUMBER,
                "Direction": "inbound",
                "ApiVersion": "2010-04-01",
                "CallStatus": "completed",
                "CallDuration": "1",
            },
        )


async def ask(rig: Rig, call: PlacedCall, spoken: Utterance, *, first: bool) -> VoiceTurn:
    """One question and its answer: the caller says ``spoken`` after a short silence; t0 is
    when its last voiced frame went out, t1 when the first answer audio came in; then the rest
    of the answer is let out until the line is quiet."""
    caller = call.caller
    await asyncio.sleep(LEAD_IN_SECONDS)
    clears = caller.clears
    t0 = await asyncio.wait_for(caller.say(spoken), spoken.seconds + 10)
    t1 = await caller.first_media_after(t0, rig.within)
    end = caller.endpointed_at(t1)
    timeline = await follow_turn(
        rig.stream, call.conversation_id, t0, time.monotonic() + rig.within
    )
    await caller.quiet(rig.quiet, rig.within)
    if caller.clears != clears:
        raise RuntimeError("the caller's question was taken for a barge-in (clear)")
    assert timeline.stored is not None
    assert timeline.done is not None
    first_piece = timeline.first_piece_at()
    assert first_piece is not None
    return VoiceTurn(
        first=first,
        total=t1 - t0,
        endpointed=end - t0,
        after_endpoint=t1 - end,
        stored=timeline.stored.at - end,
        first_token=timeline.tokens[0].at - end if timeline.tokens else None,
        first_piece=first_piece - end,
        done=timeline.done.at - end,
        judge_request=first_after(rig.judge_requests, t0, end),
        tts_request=first_after(rig.speak_requests, t0, end),
        transcript=timeline.transcript,
        answer=str(timeline.done.data.get("content", "")),
        decision=str(timeline.done.data.get("decision") or ""),
    )


def first_after(moments: Sequence[float], after: float, origin: float) -> float | None:
    """The first of ``moments`` after ``after``, in seconds from ``origin``."""
    later = [moment for moment in list(moments) if moment > after]
    return min(later) - origin if later else None


@dataclass
class CallsRun:
    turns: list[VoiceTurn]
    calls: int
    resyncs: int
    wall: float
    load_before: float
    load_after: float


async def run_calls(
    rig: Rig,
    utterances: Sequence[Utterance],
    turns: int,
    per_call: int,
    before_turn: Any = None,
) -> CallsRun:
    """``turns`` questions (``utterances`` in turn) in calls of ``per_call``, one at a time."""
    measured: list[VoiceTurn] = []
    calls = resyncs = 0
    load_before = load_average()
    started = time.perf_counter()
    while len(measured) < turns:
        async with placed_call(rig) as call:
            calls += 1
            for number in range(min(per_call, turns - len(measured))):
                spoken = utterances[len(measured) % len(utterances)]
                if before_turn is not None:
                    before_turn(spoken)
                measured.append(await ask(rig, call, spoken, first=number == 0))
            resyncs += call.caller.resyncs
        print(
            f"   {len(measured)}/{turns} turns, first answer audio p50 "
            f"{p50([t.total for t in measured]) * 1000:.0f} ms after the last speech frame",
            flush=True,
        )
    return CallsRun(
        measured, calls, resyncs, time.perf_counter() - started, load_before, load_average()
    )


def phone_settings(twilio: FakeTwilio) -> dict[str, Any]:
    return {
        "twilio_api_base_url": twilio.base_url,
        "public_url": PUBLIC_URL,
        "visitor_messages_per_minute": UNLIMITED,
        "new_visitors_per_minute": UNLIMITED,
        "visitor_conversations_per_hour": UNLIMITED,
        "address_conversations_per_hour": UNLIMITED,
        "twilio_webhooks_per_minute": 10_000,
        "seed_demo": False,
    }


def ms(values: Sequence[float]) -> list[float]:
    return [round(value * 1000, 3) for value in values]


def spoken_pieces(answer: str) -> list[str]:
    """What the media loop says of ``answer``, piece by piece."""
    splitter = SentenceSplitter()
    return [*splitter.push(answer), *splitter.flush()]


def loop_parameters(settings: Settings) -> dict[str, Parameter]:
    return {
        "end_of_turn_ms": settings.voice_end_of_turn_ms,
        "barge_in_ms": settings.voice_barge_in_ms,
        "speech_threshold": settings.voice_speech_threshold,
    }


# -- `voice` ---------------------------------------------------------------------------------


async def measure_voice(turns: int) -> BenchResult:
    espeak_executable()
    model = StampedModel(API_KEY)
    deepgram, speak_requests = stamped_deepgram()
    with (
        model.serve() as openai_url,
        deepgram.serve() as deepgram_url,
        tempfile.TemporaryDirectory(prefix="perceptron-bench-voice-") as folder,
    ):
        keyed = Settings(openai_api_key=SecretStr(API_KEY), openai_base_url=openai_url)
        embedder = create_embedder(keyed)
        async with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN, numbers=[(NUMBER_SID, NUMBER)]) as twilio:
            update = {
                **phone_settings(twilio),
                "openai_api_key": keyed.openai_api_key,
                "openai_base_url": openai_url,
                "deepgram_api_key": SecretStr(DEEPGRAM_KEY),
                "deepgram_base_url": deepgram_url,
            }
            async with (
                running_stack(worker_embedder=embedder, settings_update=update) as stack,
                serving_api(stack.settings, embedder) as api_url,
                httpx.AsyncClient(base_url=api_url, timeout=None) as client,
            ):
                settings = stack.settings
                description = speech_stack(settings).description
                spoken = utterance(QUESTION, Path(folder))
                org = await phone_org(stack, api_url)
                await stack.ingest_files(org.org_id, KNOWLEDGE, within=60.0)
                setup = Setup(stack, model, api_url, org.org_id, org.public_key)
                stream = EventStream(client, f"/api/orgs/{org.org_id}/inbox/events", org.headers)
                await stream.open()
                rig = Rig(
                    twilio,
                    stack,
                    api_url,
                    org,
                    stream,
                    ANSWER_WITHIN,
                    QUIET_SECONDS,
                    model.judge_requests,
                    speak_requests,
                )

                def script(_: Utterance) -> None:
                    model.script_voice_turns(1)
                    deepgram.hears(QUESTION)

                try:
                    # Warm up, off the clock: the clients, the workflows, Silero, the route.
                    await run_calls(rig, [spoken], 2, 2, script)
                    await update_with_start_round_trips(setup, 3)
                    baseline = await update_with_start_round_trips(setup, max(20, turns // 4))
                    print(
                        f"   bare Update p50: {p50(baseline.existing) * 1000:.1f} ms on a "
                        f"running workflow, {p50(baseline.new) * 1000:.1f} ms starting it",
                        flush=True,
                    )
                    run = await run_calls(rig, [spoken], turns, TURNS_PER_CALL, script)
                    # Deepgram's own endpointing (10 ms by default) has usually finalized the
                    # words before our end of turn; its Finalize then gets no answer.
                    deepgram.endpointing_finals = True
                    finalized = await run_calls(
                        rig, [spoken], ENDPOINTED_TURNS, ENDPOINTED_TURNS, script
                    )
                finally:
                    await stream.close()
                if model.unscripted or model.pending_replies:
                    raise RuntimeError(
                        f"the model script went astray: {model.unscripted} unscripted requests, "
                        f"{model.pending_replies} replies left"
                    )
                if deepgram.pending_transcripts:
                    raise RuntimeError(
                        f"{deepgram.pending_transcripts} scripted utterances were never heard"
                    )
                expected = {*spoken_pieces(ANSWER), GREETING}
                unexpected = [s.text for s in deepgram.speaks if s.text not in expected]
                if unexpected:
                    raise RuntimeError(f"the call said what no answer holds: {unexpected[:3]}")
    every = [*run.turns, *finalized.turns]
    wrong = [t for t in every if t.transcript != QUESTION or t.answer != ANSWER]
    if wrong or any(t.decision != "answer" for t in every):
        raise RuntimeError(f"{len(wrong)} turns were not the scripted question and answer")
    return voice_result(
        run, finalized, baseline.existing, baseline.new, spoken, settings, description
    )


def voice_result(
    run: CallsRun,
    finalized: CallsRun,
    update_existing: Sequence[float],
    update_with_start: Sequence[float],
    spoken: Utterance,
    settings: Settings,
    description: str,
) -> BenchResult:
    endpointing = settings.voice_end_of_turn_ms / 1000
    turns = run.turns

    def values(figures: Sequence[float | None]) -> list[float]:
        return ms([figure for figure in figures if figure is not None])

    samples = {
        "total": values([t.total for t in turns]),
        "overhead": values([t.total - endpointing for t in turns]),
        "endpointed": values([t.endpointed for t in turns]),
        "pipeline": values([t.after_endpoint for t in turns]),
        "pipeline_first_turn": values([t.after_endpoint for t in turns if t.first]),
        "pipeline_follow_up": values([t.after_endpoint for t in turns if not t.first]),
        "pipeline_deepgram_finalized_first": values([t.after_endpoint for t in finalized.turns]),
        "stored": values([t.stored for t in turns]),
        "judge_request": values([t.judge_request for t in turns]),
        "first_token": values([t.first_token for t in turns]),
        "first_piece": values([t.first_piece for t in turns]),
        "tts_request": values([t.tts_request for t in turns]),
        "update_existing_workflow": ms(update_existing),
        "update_with_start": ms(update_with_start),
    }
    base = "update_existing_workflow_p50"
    metrics = [
        Metric(base, p50(samples["update_existing_workflow"]), "ms"),
        Metric("update_with_start_p50", p50(samples["update_with_start"]), "ms"),
        Metric("total_p50", p50(samples["total"]), "ms"),
        Metric("total_p95", p95(samples["total"]), "ms"),
        Metric("endpointing_silence", endpointing * 1000, "ms"),
        Metric("overhead_p50", p50(samples["overhead"]), "ms", base),
        Metric("overhead_p95", p95(samples["overhead"]), "ms", base),
        Metric("endpointed_p50", p50(samples["endpointed"]), "ms"),
        Metric("endpointed_p95", p95(samples["endpointed"]), "ms"),
        Metric("pipeline_p50", p50(samples["pipeline"]), "ms", base),
        Metric("pipeline_p95", p95(samples["pipeline"]), "ms", base),
        Metric("pipeline_first_turn_p50", p50(samples["pipeline_first_turn"]), "ms"),
        Metric("pipeline_follow_up_p50", p50(samples["pipeline_follow_up"]), "ms"),
        Metric(
            "pipeline_deepgram_finalized_first_p50",
            p50(samples["pipeline_deepgram_finalized_first"]),
            "ms",
        ),
    ]
    for stage in ("stored", "judge_request", "first_token", "first_piece", "tts_request"):
        if samples[stage]:
            metrics.append(Metric(f"{stage}_p50", p50(samples[stage]), "ms"))
    return BenchResult(
        name=VOICE_NAME,
        metrics=metrics,
        parameters={
            "turns": len(turns),
            "calls": run.calls,
            "turns_per_call": TURNS_PER_CALL,
            **loop_parameters(settings),
            "speech": description,
            "stt_tts": "FakeDeepgram through deepgram-sdk (scripted transcript at Finalize, "
            "instant tone)",
            "llm": "real SupportAgent LLM path against the instant FakeOpenAI "
            "(judge function call + streamed two-sentence answer per turn)",
            "vad": "Silero (faster-whisper's silero_vad_v6.onnx) in the media loop",
            "question": QUESTION,
            "question_seconds": round(spoken.seconds, 2),
            "answer": ANSWER,
            "greeting": GREETING,
            "t0": f"the last 20 ms frame with RMS >= {SPEECH_RMS:.0f} sent",
            "t1": "the first media message of the answer read",
            "overhead": "t1 - t0 - endpointing_silence (the issue's figure)",
            "endpointed": "t0 to the frame that ended the turn (the loop's VAD, mirrored)",
            "pipeline": "that frame sent to t1; the stages (stored, judge_request, "
            "first_token, first_piece, tts_request) are from it too",
            "deepgram_finalized_first_turns": len(finalized.turns),
            "deepgram_finalized_first": "the fake's endpointing_finals: the transcript comes "
            "final with the utterance's first audio and Finalize gets no answer, as Deepgram "
            "does when its own endpointing got there first",
            "caller_resyncs": run.resyncs + finalized.resyncs,
            "aim_overhead_p50_ms": AIM_OVERHEAD_P50_MS,
            "wall_s": round(run.wall, 1),
            "load_average_before": round(run.load_before, 2),
            "load_average_after": round(run.load_after, 2),
        },
        samples=samples,
    )


def run_voice(options: Options) -> BenchResult:
    return asyncio.run(measure_voice(options.repeat or DEFAULT_TURNS))


# -- `voice-offline` -------------------------------------------------------------------------


async def measure_offline(turns: int) -> BenchResult:
    espeak_executable()
    with tempfile.TemporaryDirectory(prefix="perceptron-bench-voice-offline-") as folder:
        async with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN, numbers=[(NUMBER_SID, NUMBER)]) as twilio:
            update = {
                **phone_settings(twilio),
                "openai_api_key": None,
                "deepgram_api_key": None,
            }
            async with (
                running_stack(settings_update=update) as stack,
                serving_api(stack.settings, stack.embedder) as api_url,
                httpx.AsyncClient(base_url=api_url, timeout=None) as client,
            ):
                settings = stack.settings
                stack_description = speech_stack(settings).description
                spoken = [utterance(text, Path(folder)) for text in OFFLINE_QUESTIONS]
                org = await phone_org(stack, api_url)
                await ingest_demo_articles(stack, org.org_id)
                stream = EventStream(client, f"/api/orgs/{org.org_id}/inbox/events", org.headers)
                await stream.open()
                rig = Rig(
                    twilio,
                    stack,
                    api_url,
                    org,
                    stream,
                    OFFLINE_ANSWER_WITHIN,
                    OFFLINE_QUIET_SECONDS,
                )
                try:
                    # Warm up, off the clock: Whisper and Piper load on first use.
                    await run_calls(rig, spoken[:1], 1, 1)
                    run = await run_calls(rig, spoken, turns, OFFLINE_TURNS_PER_CALL)
                finally:
                    await stream.close()
    return offline_result(run, spoken, settings, stack_description)


async def ingest_demo_articles(stack: Stack, org_id: uuid.UUID, within: float = 180.0) -> None:
    articles = demo_articles()
    for path in articles:
        await stack.knowledge.add_file(org_id, path.name, "text/markdown", path.read_bytes())
    deadline = time.monotonic() + within
    while True:
        async with org_session(stack.session_maker, org_id) as session:
            documents = (await session.exec(select(KnowledgeDocument))).all()
        if any(d.status is DocumentStatus.FAILED for d in documents):
            raise RuntimeError("a demo article failed to ingest")
        if sum(d.status is DocumentStatus.READY for d in documents) == len(articles):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"the demo articles were not ready within {within:.0f}s")
        await asyncio.sleep(0.2)


def offline_result(
    run: CallsRun, spoken: Sequence[Utterance], settings: Settings, description: str
) -> BenchResult:
    endpointing = settings.voice_end_of_turn_ms / 1000
    turns = run.turns
    # Per turn, from the frame that ended it: hearing (Whisper decodes the utterance, then the
    # Update stores the message), the agent (to the first piece to say), speaking (Piper's
    # first audio of that piece, sent).
    after = [t.after_endpoint for t in turns]
    stt = [t.stored for t in turns]
    agent = [t.first_piece - t.stored for t in turns]
    tts = [t.after_endpoint - t.first_piece for t in turns]
    heard_exactly = sum(
        t.transcript.strip().lower().rstrip("?.") == text.lower().rstrip("?.")
        for t, text in zip(turns, _asked(spoken, len(turns)), strict=True)
    )
    samples = {
        "total": ms([t.total for t in turns]),
        "endpointed": ms([t.endpointed for t in turns]),
        "after_endpoint": ms(after),
        "stt_and_post": ms(stt),
        "agent_to_first_piece": ms(agent),
        "tts_first_audio": ms(tts),
        "stt_share": [round(s / a, 4) for s, a in zip(stt, after, strict=True)],
        "tts_share": [round(s / a, 4) for s, a in zip(tts, after, strict=True)],
    }
    metrics = [
        Metric("total_p50", p50(samples["total"]), "ms"),
        Metric("total_p95", p95(samples["total"]), "ms"),
        Metric("endpointing_silence", endpointing * 1000, "ms"),
        Metric("endpointed_p50", p50(samples["endpointed"]), "ms"),
        Metric("after_endpoint_p50", p50(samples["after_endpoint"]), "ms"),
        Metric("after_endpoint_p95", p95(samples["after_endpoint"]), "ms"),
        Metric("stt_and_post_p50", p50(samples["stt_and_post"]), "ms"),
        Metric("agent_to_first_piece_p50", p50(samples["agent_to_first_piece"]), "ms"),
        Metric("tts_first_audio_p50", p50(samples["tts_first_audio"]), "ms"),
        Metric("stt_share_p50", p50(samples["stt_share"]), "ratio"),
        Metric("tts_share_p50", p50(samples["tts_share"]), "ratio"),
        Metric("questions_heard_exactly", heard_exactly / len(turns), "ratio"),
        Metric("answered", sum(t.decision == "answer" for t in turns) / len(turns), "ratio"),
    ]
    return BenchResult(
        name=OFFLINE_NAME,
        metrics=metrics,
        parameters={
            "turns": len(turns),
            "calls": run.calls,
            "turns_per_call": OFFLINE_TURNS_PER_CALL,
            **loop_parameters(settings),
            "speech": description,
            "agent": "keyless SupportAgent (local MiniLM retrieval, extractive answers)",
            "knowledge": f"{len(demo_articles())} demo shop articles (services/demo/articles)",
            "questions": " | ".join(u.text for u in spoken),
            "t0": f"the last 20 ms frame with RMS >= {SPEECH_RMS:.0f} sent",
            "t1": "the first media message of the answer read",
            "caller_resyncs": run.resyncs,
            "wall_s": round(run.wall, 1),
            "load_average_before": round(run.load_before, 2),
            "load_average_after": round(run.load_after, 2),
        },
        samples=samples,
    )


def _asked(spoken: Sequence[Utterance], count: int) -> list[str]:
    return [spoken[index % len(spoken)].text for index in range(count)]


def run_offline(options: Options) -> BenchResult:
    return asyncio.run(measure_offline(options.repeat or DEFAULT_OFFLINE_TURNS))
