"""The media loop against the real conversation workflow (PostgreSQL, Temporal, the event table
and NOTIFY), with the speech providers replaced by instant local doubles and the Twilio side
by a socket that plays back what it is sent at real time and echoes marks as Twilio does.

What it proves: an utterance ends after the configured silence and becomes a visitor message;
the answer's tokens are spoken sentence by sentence, without citation marks; marks track what
was heard; speaking over the answer clears it and stores it as interrupted with the part that
was heard; pressing 0 and the agent's handoff transfer the call; an operator's "end call"
ends it; the outcome is recorded.
"""

from __future__ import annotations

import asyncio
import base64
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
from sqlmodel import col, select
from temporalio.client import Client

from agents.support.turn import Decision
from core.conversation_events import append_event
from core.db import SessionMaker, org_session
from core.event_hub import EventHub
from core.ids import conversation_workflow_id
from core.models import Call as DbCall
from core.models import (
    CallOutcome,
    Channel,
    ConversationStatus,
    Message,
    MessageRole,
    MessageStatus,
)
from core.settings import Settings
from services.calls import CallSession, TransferOutcome
from services.conversations import Conversations
from services.voice.audio import FRAME_SAMPLES, SAMPLE_RATE, Samples, ulaw_encode
from services.voice.media_loop import LoopSettings, MediaLoop
from services.voice.speech import SpeechStack
from tests.factories import create_organization
from tests.integration.conversation_helpers import ScriptedAgent
from tests.integration.knowledge_helpers import record_history

pytestmark = pytest.mark.usefixtures("conversation_worker")

SPEECH = (np.sin(np.arange(FRAME_SAMPLES) * 2 * np.pi * 440 / SAMPLE_RATE) * 8000).astype(np.int16)
SILENCE = np.zeros(FRAME_SAMPLES, dtype=np.int16)


# Speech doubles: instant, deterministic --------------------------------------------------


class LoudnessDetector:
    def probability(self, frame: Samples) -> float:
        return 1.0 if float(np.sqrt(np.mean(frame.astype(np.float64) ** 2))) > 500 else 0.0

    def reset(self) -> None:
        pass


@dataclass
class ScriptedSession:
    script: list[str]
    fed: int = 0
    finished: list[str] = field(default_factory=list)

    async def feed(self, audio: Samples) -> None:
        self.fed += len(audio)

    async def finish(self) -> str:
        text = self.script.pop(0) if self.script and self.fed else ""
        self.fed = 0
        self.finished.append(text)
        return text

    async def close(self) -> None:
        pass


@dataclass
class ScriptedTranscriber:
    script: list[str]
    name: str = "scripted"
    session: ScriptedSession | None = None
    vocabulary: list[str] = field(default_factory=list)

    async def open(self, vocabulary: Sequence[str] = ()) -> ScriptedSession:
        self.vocabulary = list(vocabulary)
        self.session = ScriptedSession(list(self.script))
        return self.session


@dataclass
class ToneSynthesizer:
    """10 ms of tone per character, in 100 ms chunks; remembers what it was asked to say."""

    name: str = "tone"
    said: list[str] = field(default_factory=list)

    async def synthesize(self, text: str) -> AsyncIterator[Samples]:
        self.said.append(text)
        samples = np.resize(SPEECH, len(text) * SAMPLE_RATE // 100)
        for start in range(0, len(samples), SAMPLE_RATE // 10):
            await asyncio.sleep(0)
            yield samples[start : start + SAMPLE_RATE // 10]


# A Twilio-like peer ----------------------------------------------------------------------


class Phone:
    """Plays what it is sent at real time; echoes a mark once the audio before it has played;
    ``clear`` drops what has not played (and its marks)."""

    def __init__(self) -> None:
        self.inbox: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self.sent: list[dict[str, Any]] = []
        self.audio_seconds = 0.0
        self.clears = 0
        self.echoed = 0
        self._play_until = 0.0
        self._pending: list[asyncio.TimerHandle] = []

    async def receive(self) -> dict[str, Any] | None:
        return await self.inbox.get()

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)
        now = time.monotonic()
        if message["event"] == "media":
            seconds = len(base64.b64decode(message["media"]["payload"])) / SAMPLE_RATE
            self.audio_seconds += seconds
            self._play_until = max(now, self._play_until) + seconds
        elif message["event"] == "mark":
            echo = {"event": "mark", "mark": message["mark"]}
            delay = max(0.0, self._play_until - now)
            handle = asyncio.get_running_loop().call_later(delay, self._echo, echo)
            self._pending.append(handle)
        elif message["event"] == "clear":
            self.clears += 1
            for handle in self._pending:
                handle.cancel()
            self._pending.clear()
            self._play_until = now

    def _echo(self, mark: dict[str, Any]) -> None:
        self.echoed += 1
        self.inbox.put_nowait(mark)

    def start(self) -> None:
        self.inbox.put_nowait({"event": "connected"})
        self.inbox.put_nowait(
            {"event": "start", "start": {"streamSid": "MZ1", "callSid": "CA1"}, "streamSid": "MZ1"}
        )

    async def speak(self, seconds: float, then_silence: float = 1.0) -> None:
        """Speech (a tone), then silence, as 20 ms frames at real time."""
        for frame, count in ((SPEECH, seconds), (SILENCE, then_silence)):
            for _ in range(round(count / 0.02)):
                payload = base64.b64encode(ulaw_encode(frame)).decode()
                await self.inbox.put({"event": "media", "media": {"payload": payload}})
                await asyncio.sleep(0.02)

    def marks_sent(self) -> int:
        return sum(1 for message in self.sent if message["event"] == "mark")


@dataclass
class Control:
    """The call record and telephony, recorded."""

    transfer_outcome: TransferOutcome = TransferOutcome.DIALLED
    transfers: int = 0
    outcomes: list[CallOutcome] = field(default_factory=list)
    beats: int = 0

    async def transfer(self, session: CallSession) -> tuple[TransferOutcome, str]:
        self.transfers += 1
        return self.transfer_outcome, "Our team is closed now; someone will call you back."

    async def ended(self, session: CallSession, outcome: CallOutcome) -> None:
        self.outcomes.append(outcome)

    async def alive(self, session: CallSession) -> None:
        self.beats += 1


@dataclass
class Call:
    loop: MediaLoop
    phone: Phone
    control: Control
    synthesizer: ToneSynthesizer
    session: CallSession
    task: asyncio.Task[CallOutcome]
    transcriber: ScriptedTranscriber

    async def outcome(self, within: float = 20) -> CallOutcome:
        return await asyncio.wait_for(self.task, within)


@pytest.fixture
async def hub(settings: Settings) -> AsyncIterator[EventHub]:
    hub = EventHub(settings.resolved_database_url)
    await hub.start()
    yield hub
    await hub.stop()


@pytest.fixture
def conversations(session_maker: SessionMaker, temporal_client: Any, settings: Settings) -> Any:
    return Conversations(session_maker, temporal_client, settings)


async def place_call(
    session_maker: SessionMaker,
    conversations: Conversations,
    hub: EventHub,
    script: list[str],
    *,
    greeting: str = "",
    control: Control | None = None,
) -> Call:
    organization = await create_organization(session_maker, "Lumen")
    conversation = await conversations.start(organization.id, None, Channel.PHONE)
    session = CallSession(
        org_id=organization.id,
        call_id=uuid.uuid4(),
        conversation_id=conversation.id,
        channel=Channel.PHONE,
        greeting=greeting,
        provider_call_id="CA1",
        recording=False,
    )
    synthesizer = ToneSynthesizer()
    transcriber = ScriptedTranscriber(script)
    stack = SpeechStack(
        detector=LoudnessDetector,
        transcriber=transcriber,
        synthesizer=synthesizer,
        description="test doubles",
    )
    phone = Phone()
    control = control or Control()
    loop = MediaLoop(
        phone,
        session,
        stack=stack,
        conversations=conversations,
        calls=control,
        hub=hub,
        session_maker=session_maker,
        settings=LoopSettings(end_of_turn_ms=400, barge_in_ms=200),
    )
    phone.start()
    task = asyncio.create_task(loop.run())
    return Call(loop, phone, control, synthesizer, session, task, transcriber)


async def messages_of(session_maker: SessionMaker, call: Call) -> list[Message]:
    async with org_session(session_maker, call.session.org_id) as session:
        rows = await session.exec(
            select(Message)
            .where(Message.conversation_id == call.session.conversation_id)
            .order_by(col(Message.created_at))
        )
        return list(rows.all())


async def eventually(check: Any, within: float = 15.0) -> Any:
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.05)


async def test_a_spoken_question_is_answered_aloud_sentence_by_sentence_without_citations(
    session_maker: SessionMaker, conversations: Conversations, hub: EventHub
) -> None:
    call = await place_call(
        session_maker, conversations, hub, ["how do I reset my lamp"], greeting="Hi, Lumen here."
    )
    await call.phone.speak(0.6, then_silence=0.6)

    async def answered() -> list[Message]:
        rows = await messages_of(session_maker, call)
        return rows if any(row.role is MessageRole.ASSISTANT for row in rows) else []

    rows = await eventually(answered)
    assert [(row.role, row.content) for row in rows] == [
        (MessageRole.VISITOR, "how do I reset my lamp"),
        (MessageRole.ASSISTANT, "You asked: how do I reset my lamp [1]"),
    ]
    await eventually(
        lambda: asyncio.sleep(0, "You asked: how do I reset my lamp" in call.synthesizer.said)
    )
    # The speech-to-text was told the organization's name (and would be its articles').
    assert call.transcriber.vocabulary == ["Lumen"]
    # The greeting first; then the answer, read without its citation mark.
    assert call.synthesizer.said[0] == "Hi, Lumen here."
    assert all("[1]" not in text for text in call.synthesizer.said)
    assert call.phone.audio_seconds > 0.3
    assert len(call.loop.timings) == 1
    timing = call.loop.timings[0]
    assert timing.total is not None
    assert timing.after_endpointing is not None
    # The timing is split at the end of the turn: the silence, then the answer's work. How
    # fast is measured in bench/ (a loaded machine delays frames), not asserted here.
    assert timing.endpointed_at >= timing.last_speech_at
    assert timing.after_endpointing >= 0
    assert timing.total == pytest.approx(
        timing.endpointed_at - timing.last_speech_at + timing.after_endpointing
    )
    await call.phone.inbox.put({"event": "stop"})
    assert await call.outcome() is CallOutcome.COMPLETED
    assert call.control.outcomes == [CallOutcome.COMPLETED]


async def test_speaking_over_the_answer_clears_it_and_stores_what_was_heard(
    session_maker: SessionMaker,
    conversations: Conversations,
    hub: EventHub,
    agent: ScriptedAgent,
    temporal_client: Client,
) -> None:
    agent.token_delay = 0.15  # a slow answer: still being spoken when the caller cuts in
    call = await place_call(
        session_maker,
        conversations,
        hub,
        ["tell me everything. about the lamp. in detail. please go on", "stop, thanks"],
    )
    await call.phone.speak(0.5, then_silence=0.5)
    await eventually(lambda: asyncio.sleep(0, call.phone.echoed >= 1))  # a sentence played
    await call.phone.speak(0.5, then_silence=0.6)  # barge in

    assert call.phone.clears == 1

    async def interrupted() -> list[Message]:
        rows = await messages_of(session_maker, call)
        done = [row for row in rows if row.status is MessageStatus.INTERRUPTED]
        answers = [row for row in rows if row.role is MessageRole.ASSISTANT]
        return rows if done and len(answers) == 2 else []

    rows = await eventually(interrupted, within=30)
    first = next(row for row in rows if row.status is MessageStatus.INTERRUPTED)
    heard = first.trail["heard"]
    assert heard
    assert first.content.startswith("You asked:")
    assert len(heard) < len(first.content)  # not all of it was played
    assert [row.content for row in rows if row.role is MessageRole.VISITOR] == [
        "tell me everything. about the lamp. in detail. please go on",
        "stop, thanks",
    ]
    await call.phone.inbox.put(None)  # the caller hangs up
    assert await call.outcome() is CallOutcome.COMPLETED
    await record_history(
        temporal_client,
        conversation_workflow_id(call.session.org_id, call.session.conversation_id),
        "conversation_barge_in",
    )


async def test_pressing_zero_transfers_the_call(
    session_maker: SessionMaker, conversations: Conversations, hub: EventHub
) -> None:
    call = await place_call(session_maker, conversations, hub, [])
    await call.phone.inbox.put({"event": "dtmf", "dtmf": {"digit": "0"}})
    await eventually(lambda: asyncio.sleep(0, call.control.transfers == 1))
    await call.phone.inbox.put({"event": "stop"})  # Twilio ends the stream as it dials
    assert await call.outcome() is CallOutcome.TRANSFERRED


async def test_the_agents_handoff_is_spoken_then_the_call_transferred_or_a_callback_offered(
    session_maker: SessionMaker,
    conversations: Conversations,
    hub: EventHub,
    agent: ScriptedAgent,
) -> None:
    agent.decisions = [Decision.HANDOFF]
    control = Control(transfer_outcome=TransferOutcome.CLOSED)
    call = await place_call(session_maker, conversations, hub, ["a person please"], control=control)
    await call.phone.speak(0.5, then_silence=0.5)
    await eventually(lambda: asyncio.sleep(0, control.transfers == 1))
    await eventually(
        lambda: asyncio.sleep(0, any("call you back" in text for text in call.synthesizer.said))
    )
    assert call.synthesizer.said[0] == "Let me get a person from our team to help you."
    await call.phone.inbox.put({"event": "stop"})
    assert await call.outcome() is CallOutcome.CALLBACK


async def test_an_operator_ends_the_call(
    session_maker: SessionMaker, conversations: Conversations, hub: EventHub
) -> None:
    call = await place_call(session_maker, conversations, hub, [])
    await asyncio.sleep(0.3)
    async with org_session(session_maker, call.session.org_id) as session:
        await append_event(
            session,
            call.session.org_id,
            call.session.conversation_id,
            "call.end_requested",
            {"call_id": str(call.session.call_id)},
        )
    assert await call.outcome() is CallOutcome.ENDED_BY_OPERATOR
    assert call.control.outcomes == [CallOutcome.ENDED_BY_OPERATOR]


async def test_a_click_or_a_cough_is_not_a_turn(
    session_maker: SessionMaker, conversations: Conversations, hub: EventHub
) -> None:
    call = await place_call(session_maker, conversations, hub, ["should not be posted"])
    await call.phone.speak(0.1, then_silence=0.6)
    await asyncio.sleep(0.5)
    assert await messages_of(session_maker, call) == []
    await call.phone.inbox.put(None)
    assert await call.outcome() is CallOutcome.COMPLETED


async def test_answers_are_asked_for_as_speech_while_a_call_is_live_on_the_conversation(
    session_maker: SessionMaker, conversations: Conversations, agent: ScriptedAgent
) -> None:
    """A phone conversation is always spoken; a chat is while the widget's microphone is on."""
    organization = await create_organization(session_maker, "Lumen")
    chat = await conversations.start(organization.id, None, Channel.CHAT)
    await conversations.post(organization.id, chat.id, "typed first", uuid.uuid4())
    await eventually(lambda: asyncio.sleep(0, len(agent.turns) == 1))
    async with org_session(session_maker, organization.id) as session:
        live = DbCall(
            org_id=organization.id,
            conversation_id=chat.id,
            direction="browser",
            status="in-progress",
            stream_token_used_at=datetime.now(UTC),
        )
        session.add(live)
    await conversations.post(organization.id, chat.id, "then said aloud", uuid.uuid4())
    await eventually(lambda: asyncio.sleep(0, len(agent.turns) == 2))
    assert [turn.spoken for turn in agent.turns] == [False, True]


async def test_a_finished_call_closes_its_conversation_unless_it_was_handed_to_a_person(
    session_maker: SessionMaker,
    conversations: Conversations,
    hub: EventHub,
    agent: ScriptedAgent,
) -> None:
    async def status(call: Call) -> ConversationStatus:
        row = await conversations.get(call.session.org_id, call.session.conversation_id)
        return row.status

    plain = await place_call(session_maker, conversations, hub, ["thanks, bye"])
    await plain.phone.speak(0.5, then_silence=0.5)
    await eventually(lambda: asyncio.sleep(0, bool(plain.synthesizer.said)))
    await plain.phone.inbox.put({"event": "stop"})
    assert await plain.outcome() is CallOutcome.COMPLETED
    await eventually(lambda: _is(status(plain), ConversationStatus.CLOSED))

    agent.decisions = [Decision.HANDOFF]
    nobody = Control(transfer_outcome=TransferOutcome.UNAVAILABLE)
    handed = await place_call(
        session_maker, conversations, hub, ["a person please"], control=nobody
    )
    await handed.phone.speak(0.5, then_silence=0.5)
    await eventually(lambda: asyncio.sleep(0, nobody.transfers == 1))
    await handed.phone.inbox.put({"event": "stop"})
    assert await handed.outcome() is CallOutcome.COMPLETED
    await asyncio.sleep(0.5)
    assert await status(handed) is ConversationStatus.WAITING_FOR_HUMAN


async def _is(current: Any, expected: ConversationStatus) -> bool:
    return await current is expected
