"""Conversation activities: store messages, apply state changes, run one agent turn.

All writes are keyed by ids the workflow passes (message ids, the visitor message a turn
answers), so a retried activity stores nothing twice. Every change is also appended to the
conversation's event stream, which the API fans out to browsers.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DataError, IntegrityError
from sqlmodel import col, select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from agents.support.turn import (
    Decision,
    HistoryMessage,
    LLMUnavailableError,
    TurnInput,
    TurnOutcome,
    TurnRunner,
)
from core import metrics
from core.conversation_events import append_event
from core.db import SessionMaker, org_session
from core.logging import get_logger
from core.models import (
    Call,
    Channel,
    Conversation,
    ConversationStatus,
    Message,
    MessageRole,
    MessageStatus,
    Organization,
)
from core.organization_settings import OrganizationSettings

log = get_logger(__name__)

UNSTORABLE_MESSAGE = "UnstorableMessage"
HISTORY_MESSAGES = 20
TOKEN_FLUSH_SECONDS = 0.05
_ENDS_SENTENCE = re.compile(r"[.!?]\s*$|\n")
APOLOGY = (
    "Sorry, I can't answer right now. Would you like to talk to a person? "
    'Tap "Talk to a human" and someone from our team will take over.'
)


@dataclass
class StoreMessage:
    org_id: uuid.UUID
    conversation_id: uuid.UUID
    message_id: uuid.UUID
    role: str  # visitor, operator, system
    text: str
    author_member_id: uuid.UUID | None = None


@dataclass
class ConversationChange:
    org_id: uuid.UUID
    conversation_id: uuid.UUID
    event: str  # status.changed, operator.joined, operator.left, handoff.requested, ...
    status: str | None = None
    needs_human: bool | None = None
    assignee_id: uuid.UUID | None = None
    clear_assignee: bool = False
    data: dict[str, Any] | None = None


@dataclass
class InterruptedAnswer:
    """A spoken answer the caller talked over: ``heard`` is the part that was played."""

    org_id: uuid.UUID
    conversation_id: uuid.UUID
    message_id: uuid.UUID
    heard: str


@dataclass
class TurnRequest:
    org_id: uuid.UUID
    conversation_id: uuid.UUID
    visitor_message_id: uuid.UUID
    dissatisfaction: int = 0


@dataclass
class TurnResult:
    decision: str
    message_id: uuid.UUID


def answer_id(visitor_message_id: uuid.UUID) -> uuid.UUID:
    """The assistant message answering a visitor message: the same id on every retry."""
    return uuid.uuid5(visitor_message_id, "answer")


class ConversationActivities:
    def __init__(self, session_maker: SessionMaker, agent: TurnRunner) -> None:
        self._session_maker = session_maker
        self._agent = agent

    @activity.defn
    async def store_message(self, message: StoreMessage) -> None:
        """Store one message and announce it. A message the database refuses (NUL in its
        text, a conversation that no longer exists) can never be stored: that fails at once,
        without retries, and names the kind of error only, never the text."""
        try:
            await self._store_message(message)
        except (DataError, IntegrityError) as error:
            raise ApplicationError(
                f"the message cannot be stored ({type(error.orig).__name__})",
                type=UNSTORABLE_MESSAGE,
                non_retryable=True,
            ) from None

    async def _store_message(self, message: StoreMessage) -> None:
        async with org_session(self._session_maker, message.org_id) as session:
            now = datetime.now(UTC)
            row: dict[str, Any] = {
                "id": message.message_id,
                "org_id": message.org_id,
                "conversation_id": message.conversation_id,
                "role": MessageRole(message.role),
                "content": message.text,
                "author_member_id": message.author_member_id,
                "citations": [],
                "trail": {},
                "created_at": now,
            }
            inserted = await session.exec(
                insert(Message)
                .values(**row)
                .on_conflict_do_nothing(index_elements=["id"])
                .returning(col(Message.id))
            )
            if inserted.first() is None:
                return  # stored by an earlier attempt, event included
            await self._touch(session, message.conversation_id, now)
            stored = Message(**row)  # as stored: its event needs no read back
            await append_event(
                session,
                message.org_id,
                message.conversation_id,
                "message.created",
                message_json(stored),
            )

    @activity.defn
    async def apply_change(self, change: ConversationChange) -> None:
        async with org_session(self._session_maker, change.org_id) as session:
            conversation = await session.get(Conversation, change.conversation_id)
            if conversation is None:
                return
            if change.status is not None:
                conversation.status = ConversationStatus(change.status)
                if conversation.status is ConversationStatus.RESOLVED:
                    conversation.resolved_at = datetime.now(UTC)
            if change.needs_human is not None:
                conversation.needs_human = change.needs_human
            if change.assignee_id is not None:
                conversation.assignee_id = change.assignee_id
            if change.clear_assignee:
                conversation.assignee_id = None
            conversation.updated_at = datetime.now(UTC)
            session.add(conversation)
            data = {
                **(change.data or {}),
                "status": conversation.status.value,
                "needs_human": conversation.needs_human,
            }
            await append_event(session, change.org_id, change.conversation_id, change.event, data)

    @activity.defn
    async def mark_interrupted(self, interrupted: InterruptedAnswer) -> None:
        """Store that a spoken answer was cut short, with the part the caller heard; the
        answer's full text stays, so the transcript shows both. Idempotent."""
        async with org_session(self._session_maker, interrupted.org_id) as session:
            message = await session.get(Message, interrupted.message_id)
            if message is None or message.status is MessageStatus.INTERRUPTED:
                return
            message.status = MessageStatus.INTERRUPTED
            message.trail = {**message.trail, "heard": interrupted.heard}
            session.add(message)
            await append_event(
                session,
                interrupted.org_id,
                interrupted.conversation_id,
                "message.interrupted",
                {"message_id": str(message.id), "heard": interrupted.heard},
            )

    @activity.defn
    async def run_turn(self, request: TurnRequest) -> TurnResult:
        """Answer one visitor message, streaming tokens into the event store."""
        message_id = answer_id(request.visitor_message_id)
        async with org_session(self._session_maker, request.org_id) as session:
            if await session.get(Message, message_id) is not None:
                return TurnResult(decision="answer", message_id=message_id)  # already done
            started = time.perf_counter()
            turn = await self._turn_input(session, request)
        # The turn's start is announced while the agent begins, not before: it is written by
        # the time the first token is (the stream waits for it), but no longer on its way.
        announced = asyncio.create_task(self._announce_start(request))
        stream = _TokenStream(self._session_maker, request, announced)
        ticker = asyncio.create_task(_heartbeat_while_alive())
        try:
            try:
                outcome = await self._agent.run_turn(turn, stream.write)
            except Exception as error:
                if not _is_model_failure(error):
                    raise
                log.warning("model unavailable", error_type=type(error).__name__)
                outcome = TurnOutcome(
                    decision=Decision.HANDOFF,
                    text=APOLOGY,
                    citations=[],
                    reason=f"the language model failed: {type(error).__name__}",
                    trail={"error": type(error).__name__},
                    model="unavailable",
                    prompt_version="",
                )
            await announced
        except BaseException:
            # The attempt is over (an error, or cancelled): its announcement goes with it.
            announced.cancel()
            await asyncio.gather(announced, return_exceptions=True)
            raise
        finally:
            ticker.cancel()
        await stream.close()
        await self._store_answer(request, message_id, outcome)
        _count_turn(outcome, time.perf_counter() - started)
        return TurnResult(decision=outcome.decision.value, message_id=message_id)

    async def _announce_start(self, request: TurnRequest) -> None:
        """``turn.started`` on the conversation's stream (after ``turn.restarted`` when this
        is a retry: the visitor's screen drops what the failed attempt showed)."""
        turn = {"turn_id": str(request.visitor_message_id)}
        async with org_session(self._session_maker, request.org_id) as session:
            if activity.info().attempt > 1:
                await append_event(
                    session, request.org_id, request.conversation_id, "turn.restarted", turn
                )
            await append_event(
                session, request.org_id, request.conversation_id, "turn.started", turn
            )

    async def _turn_input(self, session: Any, request: TurnRequest) -> TurnInput:
        """What the agent needs, in two queries (this is on the way of every answer): the
        conversation with its organization and whether a call is live on it, then the
        question with the messages before it."""
        live_call = (
            select(Call.id)
            .where(
                Call.conversation_id == request.conversation_id,
                col(Call.stream_token_used_at).is_not(None),
                col(Call.ended_at).is_(None),
            )
            .exists()
        )
        found = (
            await session.exec(
                select(Conversation, Organization, live_call)
                .join(Organization, col(Organization.id) == Conversation.org_id)
                .where(col(Conversation.id) == request.conversation_id)
            )
        ).first()
        conversation, organization, call_live = found if found is not None else (None, None, False)
        asked_at = (
            select(Message.created_at)
            .where(col(Message.id) == request.visitor_message_id)
            .scalar_subquery()
        )
        messages = (
            await session.exec(
                select(Message)
                .where(
                    Message.conversation_id == request.conversation_id,
                    col(Message.created_at) <= asked_at,
                )
                .order_by(col(Message.created_at).desc())
                .limit(HISTORY_MESSAGES + 1)
            )
        ).all()
        question = next((m for m in messages if m.id == request.visitor_message_id), None)
        earlier = [m for m in messages if m.id != request.visitor_message_id][:HISTORY_MESSAGES]
        history = [
            HistoryMessage(role=message.role.value, content=message.content)
            for message in reversed(earlier)
        ]
        return TurnInput(
            org_id=request.org_id,
            conversation_id=request.conversation_id,
            question=question.content if question else "",
            history=history,
            dissatisfaction=request.dissatisfaction,
            organization_name=organization.name if organization else "the company",
            # Read aloud: a phone or voice conversation, or a chat with a live call on it
            # (the widget's microphone in an open chat).
            spoken=conversation is not None
            and (conversation.channel is not Channel.CHAT or bool(call_live)),
            operating_point=(
                OrganizationSettings.of(organization.settings, organization.id).answer_threshold
                if organization
                else None
            ),
        )

    async def _store_answer(
        self, request: TurnRequest, message_id: uuid.UUID, outcome: TurnOutcome
    ) -> None:
        async with org_session(self._session_maker, request.org_id) as session:
            trail = {
                **outcome.trail,
                "decision": outcome.decision.value,
                "reason": outcome.reason,
                "model": outcome.model,
                "prompt_version": outcome.prompt_version,
            }
            inserted = await session.exec(
                insert(Message)
                .values(
                    id=message_id,
                    org_id=request.org_id,
                    conversation_id=request.conversation_id,
                    role=MessageRole.ASSISTANT,
                    content=outcome.text,
                    citations=[_citation_json(citation) for citation in outcome.citations],
                    trail=_jsonable(trail),
                    model=outcome.model[:100],
                    prompt_version=outcome.prompt_version[:40],
                    reply_to_id=request.visitor_message_id,
                    created_at=datetime.now(UTC),
                )
                .on_conflict_do_nothing()
                .returning(col(Message.id))
            )
            if inserted.first() is None:
                return
            stored = await session.get(Message, message_id)
            assert stored is not None
            await self._touch(session, request.conversation_id)
            await append_event(
                session,
                request.org_id,
                request.conversation_id,
                "message.done",
                {
                    **message_json(stored),
                    "turn_id": str(request.visitor_message_id),
                    "decision": outcome.decision.value,
                },
            )

    async def _touch(
        self, session: Any, conversation_id: uuid.UUID, now: datetime | None = None
    ) -> None:
        """The conversation's last message is now. A statement, not a loaded object: this is
        on the way of every visitor message."""
        now = now or datetime.now(UTC)
        await session.exec(
            update(Conversation)
            .where(col(Conversation.id) == conversation_id)
            .values(last_message_at=now, updated_at=now)
        )


def _count_turn(outcome: TurnOutcome, seconds: float) -> None:
    metrics.TURNS.labels(outcome.decision.value).inc()
    metrics.TURN_SECONDS.observe(seconds)
    if outcome.decision is Decision.HANDOFF:
        metrics.HANDOFFS.labels(_handoff_cause(outcome)).inc()


def _handoff_cause(outcome: TurnOutcome) -> str:
    """Why a person takes over: the cause the agent recorded in the trail (requested,
    dissatisfied, unanswered), or a model that failed."""
    if outcome.model == "unavailable":
        return "model_failure"
    return str(outcome.trail.get("handoff_cause", "unanswered"))


async def _heartbeat_while_alive(every: float = 1.0) -> None:
    """Tell Temporal this worker is alive while the model thinks: a turn is retried elsewhere
    only when its worker really stops, not when the model is slow to start."""
    while True:
        activity.heartbeat()
        await asyncio.sleep(every)


class _TokenStream:
    """Buffers tokens and appends them as events: the first at once, then at most every 50 ms,
    so the visitor sees text immediately without one database write per token; a token that
    ends a sentence goes at once (a call speaks whole sentences). What is buffered is written
    50 ms later even if no further token comes (a model that pauses mid-answer does not hold
    back the words it has already given)."""

    def __init__(
        self, session_maker: SessionMaker, request: TurnRequest, announced: asyncio.Task[None]
    ) -> None:
        self._session_maker = session_maker
        self._request = request
        self._announced = announced  # the turn's start: written before any token
        self._buffer: list[str] = []
        self._last_flush = 0.0
        self._lock = asyncio.Lock()
        self._later: asyncio.Task[None] | None = None

    async def write(self, token: str) -> None:
        self._buffer.append(token)
        wait = TOKEN_FLUSH_SECONDS - (time.monotonic() - self._last_flush)
        if wait <= 0 or _ENDS_SENTENCE.search(token):
            await self.flush()  # a whole sentence can be spoken now: it goes at once
        elif self._later is None or self._later.done():
            self._later = asyncio.create_task(self._flush_after(wait))

    async def _flush_after(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        await self.flush()

    async def flush(self) -> None:
        async with self._lock:
            if not self._buffer:
                return
            await self._announced
            text = "".join(self._buffer)
            self._buffer.clear()
            self._last_flush = time.monotonic()
            activity.heartbeat()
            async with org_session(self._session_maker, self._request.org_id) as session:
                await append_event(
                    session,
                    self._request.org_id,
                    self._request.conversation_id,
                    "token",
                    {"turn_id": str(self._request.visitor_message_id), "text": text},
                )

    async def close(self) -> None:
        """Write what is left, once a scheduled flush (at most 50 ms away) has run."""
        if self._later is not None:
            await self._later
        await self.flush()


def message_json(message: Message) -> dict[str, Any]:
    """A message as the widget, the dashboard and the event stream show it."""
    return {
        "id": str(message.id),
        "conversation_id": str(message.conversation_id),
        "role": message.role.value,
        "content": message.content,
        "citations": message.citations,
        "feedback": message.feedback,
        "created_at": message.created_at.isoformat(),
    }


def _citation_json(citation: Any) -> dict[str, Any]:
    return {
        "number": citation.number,
        "chunk_id": str(citation.chunk_id),
        "document_id": str(citation.document_id),
        "title": citation.title,
        "section": citation.section,
        "source_url": citation.source_url,
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, float | int | str | bool) or value is None:
        return value
    return str(value)


def _is_model_failure(error: Exception) -> bool:
    """The agent's own signal that the LLM failed, or an error of the OpenAI client."""
    if isinstance(error, LLMUnavailableError):
        return True
    import openai

    return isinstance(error, openai.APIError)
