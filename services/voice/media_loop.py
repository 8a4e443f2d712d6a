"""The media loop: one live call (a Twilio phone call or the widget's microphone) between its
audio socket and the conversation's workflow.

Audio never goes through Temporal. The loop hears the caller (voice activity detection, then
end of turn after a configurable silence), has each utterance transcribed and posts it as a
visitor message Update on the conversation's ``ConversationWorkflow``, exactly as a typed
chat message. It follows the conversation's event table (woken by NOTIFY) for the answer's
tokens and speaks them sentence by sentence as they arrive. ``mark`` messages tell it what the
caller has actually heard; speech over the answer (barge-in) sends ``clear``, stops the
synthesis and stores the answer as interrupted with the part that was heard.

Both sockets speak the Twilio Media Streams protocol: 8 kHz mu-law, 20 ms frames.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from sqlalchemy import func
from sqlmodel import col, select

from core.conversation_events import append_event, events_after
from core.db import SessionMaker, org_session
from core.event_hub import EventHub
from core.logging import get_logger
from core.models import (
    CallOutcome,
    Channel,
    ConversationEvent,
    DocumentStatus,
    KnowledgeDocument,
    Organization,
)
from core.settings import Settings
from services.calls import CallSession, TransferOutcome
from services.errors import RefusedError
from services.voice.audio import FRAME_BYTES, FRAME_SECONDS, ulaw_decode, ulaw_encode
from services.voice.sentences import SentenceSplitter, speakable
from services.voice.speech import SpeechStack, TranscriptionSession
from workflows.conversation import Interruption

log = get_logger(__name__)

ULAW_SILENCE = b"\xff"
TRANSFER_DIGIT = "0"
VOCABULARY_TITLES = 40
BROWSER_HANDOFF = "I've asked a member of our team to join. They'll answer you here in the chat."


class MediaSocket(Protocol):
    """A Twilio Media Streams peer: JSON messages in and out."""

    async def receive(self) -> dict[str, Any] | None:
        """The next message, or None once the peer has gone."""

    async def send(self, message: dict[str, Any]) -> None: ...


class CallControl(Protocol):
    """What the loop asks of the call's record and its telephony (``services.calls.Calls``)."""

    async def transfer(self, session: CallSession) -> tuple[TransferOutcome, str]: ...

    async def ended(self, session: CallSession, outcome: CallOutcome) -> None: ...

    async def alive(self, session: CallSession) -> None: ...


class ConversationPort(Protocol):
    """The conversation's workflow, as ``services.conversations.Conversations`` offers it."""

    async def post(
        self, org_id: uuid.UUID, conversation_id: uuid.UUID, text: str, message_id: uuid.UUID
    ) -> Any: ...

    async def signal(
        self, org_id: uuid.UUID, conversation_id: uuid.UUID, name: str, arg: Any = None
    ) -> None: ...


class Recorder(Protocol):
    """A call recording (``services.voice.recording.CallRecording``)."""

    def caller(self, frame: bytes) -> None: ...

    def assistant(self, frame: bytes) -> None: ...

    def cleared(self) -> None: ...

    async def save(self) -> bool: ...


@dataclass(frozen=True)
class LoopSettings:
    end_of_turn_ms: int = 700
    barge_in_ms: int = 300
    speech_threshold: float = 0.5
    start_ms: int = 60  # speech this long starts an utterance
    min_utterance_ms: int = 200  # shorter bursts (a click, a cough) are not a turn
    pre_roll_ms: int = 300  # audio kept from before the utterance started
    max_utterance_ms: int = 30_000
    heartbeat_seconds: float = 5.0

    @classmethod
    def of(cls, settings: Settings) -> LoopSettings:
        return cls(
            end_of_turn_ms=settings.voice_end_of_turn_ms,
            barge_in_ms=settings.voice_barge_in_ms,
            speech_threshold=settings.voice_speech_threshold,
            heartbeat_seconds=settings.voice_heartbeat_seconds,
        )

    def frames(self, ms: int) -> int:
        return max(1, round(ms / (FRAME_SECONDS * 1000)))


@dataclass
class TurnTiming:
    """One turn's latency: from the caller's last voiced frame to the first answer audio sent,
    and the part of it that is the end-of-turn silence (endpointing)."""

    last_speech_at: float
    endpointed_at: float
    first_audio_at: float | None = None

    @property
    def total(self) -> float | None:
        return None if self.first_audio_at is None else self.first_audio_at - self.last_speech_at

    @property
    def after_endpointing(self) -> float | None:
        return None if self.first_audio_at is None else self.first_audio_at - self.endpointed_at


@dataclass
class _Piece:
    text: str
    turn: uuid.UUID | None  # the visitor message answered; None for the greeting and notices
    last: bool = False  # the turn's final piece


@dataclass
class _Turn:
    """An answer being spoken."""

    id: uuid.UUID
    splitter: SentenceSplitter = field(default_factory=SentenceSplitter)
    streamed: str = ""  # the text received as tokens so far
    heard: list[str] = field(default_factory=list)
    decision: str | None = None
    interrupted: bool = False
    outstanding: int = 0  # pieces sent whose marks have not come back


class MediaLoop:
    def __init__(
        self,
        socket: MediaSocket,
        call: CallSession,
        *,
        stack: SpeechStack,
        conversations: ConversationPort,
        calls: CallControl,
        hub: EventHub,
        session_maker: SessionMaker,
        settings: LoopSettings | None = None,
        recorder: Recorder | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._socket = socket
        self._call = call
        self._stack = stack
        self._conversations = conversations
        self._calls = calls
        self._hub = hub
        self._session_maker = session_maker
        self._settings = settings or LoopSettings()
        self._recorder = recorder
        self._clock = clock
        self._detector = stack.detector()
        self._stream_sid: str | None = None
        self._say: asyncio.Queue[_Piece] = asyncio.Queue()
        self._marks: dict[str, _Piece] = {}
        self._mark_seq = 0
        self._turns: dict[uuid.UUID, _Turn] = {}
        self._speaking: _Turn | None = None
        self._notices = 0  # greetings and other lines said outside a turn, not yet played
        self._posted: set[uuid.UUID] = set()
        self._outcome: CallOutcome | None = None
        self._ending = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._speaker_task: asyncio.Task[None] | None = None
        self._stt: TranscriptionSession | None = None
        self._timing: TurnTiming | None = None
        self.timings: list[TurnTiming] = []
        # Endpointing state.
        self._in_utterance = False
        self._pre_roll: deque[np.ndarray[Any, Any]] = deque(
            maxlen=self._settings.frames(self._settings.pre_roll_ms)
        )
        self._speech_run = 0
        self._silence_run = 0
        self._voiced = 0
        self._utterance_frames = 0
        self._last_voiced_at = 0.0
        self._transferring = False
        self._handed_off = False  # a transfer was asked for: the conversation is the team's
        self._transfer_task: asyncio.Task[None] | None = None

    # The call from start to end --------------------------------------------------------

    async def run(self) -> CallOutcome:
        """Serve the call until it ends; returns (and records) its outcome."""
        started = self._clock()
        log.info("call started", call_id=str(self._call.call_id), channel=self._call.channel)
        outcome = CallOutcome.FAILED
        try:
            self._stt = await self._stack.transcriber.open(await self._vocabulary())
            after = await self._last_event_id()
            await self._announce("call.started", {"call_id": str(self._call.call_id)})
            self._spawn(self._follow_events(after), "events")
            self._spawn(self._beat(), "heartbeat")
            self._speaker_task = asyncio.create_task(self._speaker(), name="speaker")
            if self._call.greeting:
                await self._say.put(_Piece(self._call.greeting, None, last=True))
            receiver = asyncio.create_task(self._receive(), name="receiver")
            ending = asyncio.create_task(self._ending.wait(), name="ending")
            try:
                await asyncio.wait({receiver, ending}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                ending.cancel()
                if not receiver.done():
                    receiver.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await receiver
            if not receiver.cancelled():
                receiver.result()  # a failure to hear the caller fails the call
            if self._transfer_task is not None:
                # Twilio ends the stream as it dials: the transfer's answer decides the outcome.
                try:
                    await asyncio.wait_for(asyncio.shield(self._transfer_task), 15)
                except Exception as error:
                    log.warning("transfer failed", error=type(error).__name__)
            outcome = self._outcome or CallOutcome.COMPLETED
        except Exception as error:
            log.warning("call failed", call_id=str(self._call.call_id), error=type(error).__name__)
        finally:
            await self._shut_down()
            try:
                await asyncio.shield(self._finish(outcome))
            except Exception as error:
                log.warning(
                    "call record not finished",
                    call_id=str(self._call.call_id),
                    error=type(error).__name__,
                )
            log.info(
                "call ended",
                call_id=str(self._call.call_id),
                outcome=outcome.value,
                seconds=round(self._clock() - started, 1),
            )
        return outcome

    async def _beat(self) -> None:
        while True:
            await self._calls.alive(self._call)
            await asyncio.sleep(self._settings.heartbeat_seconds)

    async def _finish(self, outcome: CallOutcome) -> None:
        if self._recorder is not None:
            await self._recorder.save()
        await self._calls.ended(self._call, outcome)
        await self._announce(
            "call.ended", {"call_id": str(self._call.call_id), "outcome": outcome.value}
        )
        if (
            self._call.channel is Channel.PHONE
            and outcome is CallOutcome.COMPLETED
            and not self._handed_off
        ):  # the call was the conversation; one handed to a person stays for them
            with contextlib.suppress(RefusedError):
                await self._conversations.signal(
                    self._call.org_id, self._call.conversation_id, "end"
                )

    async def _shut_down(self) -> None:
        tasks = [
            *self._tasks,
            *(task for task in (self._speaker_task, self._transfer_task) if task is not None),
        ]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._stt is not None:
            with contextlib.suppress(Exception):
                await self._stt.close()

    def _end(self, outcome: CallOutcome) -> None:
        if self._outcome is None or self._outcome is CallOutcome.COMPLETED:
            self._outcome = outcome
        self._ending.set()

    def _spawn(self, work: Awaitable[None], name: str) -> None:
        async def guarded() -> None:
            try:
                await work
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("call task failed", task=name, error=type(error).__name__)
                self._end(CallOutcome.FAILED)

        task = asyncio.create_task(guarded(), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # Hearing the caller ----------------------------------------------------------------

    async def _receive(self) -> None:
        while True:
            message = await self._socket.receive()
            if message is None:
                return  # the caller hung up, or the connection went
            event = message.get("event")
            if event == "start":
                start = message.get("start") or {}
                self._stream_sid = start.get("streamSid") or message.get("streamSid")
            elif event == "media":
                media = message.get("media") or {}
                if media.get("track", "inbound") == "inbound":
                    await self._hear(base64.b64decode(media.get("payload", "")))
            elif event == "mark":
                self._played((message.get("mark") or {}).get("name", ""))
            elif event == "dtmf":
                if (message.get("dtmf") or {}).get("digit") == TRANSFER_DIGIT:
                    self._start_transfer()
            elif event == "stop":
                return

    async def _hear(self, frame: bytes) -> None:
        if not frame:
            return
        if self._recorder is not None:
            self._recorder.caller(frame)
        samples = ulaw_decode(frame)
        speech = self._detector.probability(samples) >= self._settings.speech_threshold
        settings = self._settings
        if not self._in_utterance:
            self._pre_roll.append(samples)
            self._speech_run = self._speech_run + 1 if speech else 0
            if self._speech_run >= settings.frames(settings.start_ms):
                self._in_utterance = True
                self._voiced = self._speech_run
                self._silence_run = 0
                self._utterance_frames = len(self._pre_roll)
                self._last_voiced_at = self._clock()
                assert self._stt is not None
                await self._stt.feed(np.concatenate(list(self._pre_roll)))
                self._pre_roll.clear()
            return
        assert self._stt is not None
        await self._stt.feed(samples)
        self._utterance_frames += 1
        if speech:
            self._voiced += 1
            self._silence_run = 0
            self._last_voiced_at = self._clock()
        else:
            self._silence_run += 1
        if self._voiced >= settings.frames(settings.barge_in_ms) and self._playing():
            await self._barge_in()
        if self._silence_run >= settings.frames(
            settings.end_of_turn_ms
        ) or self._utterance_frames >= settings.frames(settings.max_utterance_ms):
            await self._end_of_turn()

    async def _end_of_turn(self) -> None:
        voiced_ms = self._voiced * FRAME_SECONDS * 1000
        self._in_utterance = False
        self._speech_run = self._silence_run = self._voiced = self._utterance_frames = 0
        assert self._stt is not None
        if voiced_ms < self._settings.min_utterance_ms:
            await self._stt.finish()  # a click or a cough: heard, not a turn
            return
        timing = TurnTiming(last_speech_at=self._last_voiced_at, endpointed_at=self._clock())
        text = (await self._stt.finish()).strip()
        if not text:
            return
        self._spawn(self._post(text, timing), "post")

    async def _post(self, text: str, timing: TurnTiming) -> None:
        message_id = uuid.uuid4()
        self._posted.add(message_id)
        self._timing = timing
        try:
            await self._conversations.post(
                self._call.org_id, self._call.conversation_id, text, message_id
            )
        except RefusedError as error:
            log.warning("utterance not taken", call_id=str(self._call.call_id), status=error.status)
            self._posted.discard(message_id)
            await self._say.put(
                _Piece("Sorry, I couldn't take that in. Please try again.", None, last=True)
            )

    # Following the answer --------------------------------------------------------------

    async def _vocabulary(self) -> list[str]:
        """What callers of this organization are likely to name: the organization and the
        titles of its ready articles (the speech-to-text hears them better for it)."""
        async with org_session(self._session_maker, self._call.org_id) as session:
            organization = await session.get(Organization, self._call.org_id)
            titles = (
                await session.exec(
                    select(KnowledgeDocument.title)
                    .where(KnowledgeDocument.status == DocumentStatus.READY)
                    .order_by(col(KnowledgeDocument.updated_at).desc())
                    .limit(VOCABULARY_TITLES)
                )
            ).all()
        names = [organization.name] if organization is not None else []
        return names + [title for title in titles if title]

    async def _announce(self, kind: str, data: dict[str, Any]) -> None:
        """Tell the conversation's streams (the operator's inbox) about the call."""
        async with org_session(self._session_maker, self._call.org_id) as session:
            await append_event(session, self._call.org_id, self._call.conversation_id, kind, data)

    async def _last_event_id(self) -> int:
        async with org_session(self._session_maker, self._call.org_id) as session:
            newest = (
                await session.exec(
                    select(func.max(col(ConversationEvent.id))).where(
                        ConversationEvent.conversation_id == self._call.conversation_id
                    )
                )
            ).first()
        return int(newest or 0)

    async def _follow_events(self, after: int) -> None:
        with self._hub.waiter(self._call.conversation_id) as woken:
            while True:
                woken.clear()
                async with org_session(self._session_maker, self._call.org_id) as session:
                    events = await events_after(session, after, self._call.conversation_id)
                for event in events:
                    assert event.id is not None
                    after = event.id
                    await self._on_event(event.type, event.data)
                if len(events) >= 500:
                    continue
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(woken.wait(), 5.0)

    async def _on_event(self, kind: str, data: dict[str, Any]) -> None:
        if kind == "call.end_requested":
            if data.get("call_id") == str(self._call.call_id):
                self._end(CallOutcome.ENDED_BY_OPERATOR)
            return
        turn_id = _uuid(data.get("turn_id"))
        if kind == "turn.restarted" and turn_id in self._turns:
            # The worker died mid-answer and the turn runs again: what was already queued is
            # not said twice; the new stream is followed from where the old one got to.
            turn = self._turns[turn_id]
            turn.splitter = _Skipping(turn.splitter.consumed)
            turn.streamed = ""
            return
        if kind == "token" and turn_id is not None:
            await self._on_tokens(turn_id, str(data.get("text", "")))
        elif kind == "message.done" and turn_id is not None:
            await self._on_answer(turn_id, data)
        elif kind == "message.created" and data.get("role") == "operator":
            await self._say.put(_Piece(speakable(str(data.get("content", ""))), None, last=True))

    def _turn(self, turn_id: uuid.UUID) -> _Turn | None:
        if turn_id not in self._posted:
            return None  # another channel's turn in the same conversation
        turn = self._turns.get(turn_id)
        if turn is None:
            turn = self._turns[turn_id] = _Turn(turn_id)
        return None if turn.interrupted else turn

    async def _on_tokens(self, turn_id: uuid.UUID, text: str) -> None:
        turn = self._turn(turn_id)
        if turn is None:
            return
        turn.streamed += text
        for piece in turn.splitter.push(text):
            await self._say.put(_Piece(piece, turn_id))

    async def _on_answer(self, turn_id: uuid.UUID, data: dict[str, Any]) -> None:
        turn = self._turn(turn_id)
        if turn is None:
            return
        content = str(data.get("content", ""))
        if content.startswith(turn.streamed):
            pieces = turn.splitter.push(content[len(turn.streamed) :])
        elif turn.splitter.consumed == 0:  # the stored answer is not what streamed (an
            turn.splitter = SentenceSplitter()  # apology after a failure): say it instead
            pieces = turn.splitter.push(content)
        else:
            pieces = []
        pieces += turn.splitter.flush()
        turn.decision = str(data.get("decision") or "")
        for index, piece in enumerate(pieces):
            await self._say.put(_Piece(piece, turn_id, last=index == len(pieces) - 1))
        if not pieces:
            await self._say.put(_Piece("", turn_id, last=True))

    # Speaking --------------------------------------------------------------------------

    async def _speaker(self) -> None:
        while True:
            piece = await self._say.get()
            turn = self._turns.get(piece.turn) if piece.turn else None
            if turn is not None and turn.interrupted:
                continue
            if turn is not None:
                self._speaking = turn
                turn.outstanding += 1
            else:
                self._notices += 1
            if piece.text and self._stack.synthesizer is not None:
                await self._speak(piece.text)
            await self._send_mark(piece)

    async def _speak(self, text: str) -> None:
        assert self._stack.synthesizer is not None
        pending = b""
        chunks = self._stack.synthesizer.synthesize(text)
        try:
            async for samples in chunks:
                # Whole 20 ms frames go out as soon as they are synthesized: the caller's
                # first audio does not wait for more of it.
                pending += ulaw_encode(samples)
                whole = len(pending) - len(pending) % FRAME_BYTES
                if whole:
                    await self._send_audio(pending[:whole])
                    pending = pending[whole:]
        finally:
            await chunks.aclose()  # type: ignore[attr-defined]
        if pending:
            pending += ULAW_SILENCE * (-len(pending) % FRAME_BYTES)
            await self._send_audio(pending)

    async def _send_audio(self, audio: bytes) -> None:
        if self._timing is not None and self._timing.first_audio_at is None:
            self._timing.first_audio_at = self._clock()
            self.timings.append(self._timing)
            log.info(
                "answer audio started",
                call_id=str(self._call.call_id),
                after_speech_ms=round((self._timing.total or 0) * 1000),
                after_endpointing_ms=round((self._timing.after_endpointing or 0) * 1000),
            )
            self._timing = None
        if self._recorder is not None:
            for start in range(0, len(audio), FRAME_BYTES):
                self._recorder.assistant(audio[start : start + FRAME_BYTES])
        await self._socket.send(
            {
                "event": "media",
                "streamSid": self._stream_sid,
                "media": {"payload": base64.b64encode(audio).decode()},
            }
        )

    async def _send_mark(self, piece: _Piece) -> None:
        self._mark_seq += 1
        name = f"p{self._mark_seq}"
        self._marks[name] = piece
        await self._socket.send(
            {"event": "mark", "streamSid": self._stream_sid, "mark": {"name": name}}
        )

    def _played(self, name: str) -> None:
        """The caller has heard everything up to mark ``name``."""
        piece = self._marks.pop(name, None)
        if piece is None:
            return
        if piece.turn is None:
            self._notices = max(0, self._notices - 1)
            return
        turn = self._turns.get(piece.turn)
        if turn is None:
            return
        turn.outstanding = max(0, turn.outstanding - 1)
        if piece.text:
            turn.heard.append(piece.text)
        if piece.last and turn.outstanding == 0:
            if self._speaking is turn:
                self._speaking = None
            if turn.decision == "handoff" and not turn.interrupted:
                self._start_transfer()

    def _playing(self) -> bool:
        """Something is being said: an answer (until its last mark is back) or a notice."""
        turn = self._speaking
        return (turn is not None and not turn.interrupted) or self._notices > 0

    async def _barge_in(self) -> None:
        """The caller speaks over what is being said: stop it where it is and listen. An
        answer cut short is stored as interrupted, with the part that was heard."""
        turn = self._speaking
        self._speaking = None
        self._notices = 0
        if turn is not None:
            turn.interrupted = True
        # First stop synthesizing and drop what was queued, so nothing more is sent; then
        # forget the marks (those Twilio echoes on clear were not heard) and clear.
        if self._speaker_task is not None:
            self._speaker_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._speaker_task
        while not self._say.empty():
            self._say.get_nowait()
        self._marks.clear()
        if self._recorder is not None:
            self._recorder.cleared()
        await self._socket.send({"event": "clear", "streamSid": self._stream_sid})
        self._speaker_task = asyncio.create_task(self._speaker(), name="speaker")
        if turn is None:
            return
        heard = " ".join(turn.heard)
        log.info("barge-in", call_id=str(self._call.call_id), heard_chars=len(heard))
        self._spawn(self._store_interruption(turn.id, heard), "interruption")

    async def _store_interruption(self, turn_id: uuid.UUID, heard: str) -> None:
        with contextlib.suppress(RefusedError):
            await self._conversations.signal(
                self._call.org_id,
                self._call.conversation_id,
                "answer_interrupted",
                Interruption(visitor_message_id=turn_id, heard=heard),
            )

    # Transfer to a person --------------------------------------------------------------

    def _start_transfer(self) -> None:
        if self._transfer_task is None or self._transfer_task.done():
            self._transfer_task = asyncio.create_task(self._transfer(), name="transfer")

    async def _transfer(self) -> None:
        if self._transferring:
            return
        self._transferring = True
        self._handed_off = True
        if self._call.channel is not Channel.PHONE:
            with contextlib.suppress(RefusedError):
                await self._conversations.signal(
                    self._call.org_id, self._call.conversation_id, "request_human"
                )
            await self._say.put(_Piece(BROWSER_HANDOFF, None, last=True))
            return
        outcome, line = await self._calls.transfer(self._call)
        log.info("transfer", call_id=str(self._call.call_id), outcome=outcome.value)
        if outcome is TransferOutcome.DIALLED:
            self._outcome = CallOutcome.TRANSFERRED  # Twilio ends the stream as it dials
            return
        if outcome is TransferOutcome.CLOSED:
            self._outcome = CallOutcome.CALLBACK
        if line:
            await self._say.put(_Piece(line, None, last=True))
        self._transferring = outcome is TransferOutcome.CLOSED


class _Skipping(SentenceSplitter):
    """A restarted turn's splitter: the first ``skip`` characters of the new stream were
    already cut into pieces (and queued) from the first attempt's stream."""

    def __init__(self, skip: int) -> None:
        super().__init__()
        self._skip = skip
        self.consumed = skip

    def push(self, text: str) -> list[str]:
        if self._skip >= len(text):
            self._skip -= len(text)
            return []
        text, self._skip = text[self._skip :], 0
        return super().push(text)


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None
