"""Analytics: what an organization's conversations add up to over a range of days.

Everything is counted over the conversations *started* in the range (``from`` to ``to``,
both whole days, in the caller's time zone; UTC when none is given), except satisfaction,
which counts the feedback on the AI's answers written in the range, and knowledge gaps,
which take the visitor questions written in the range.

How a handoff is recognised, and its cause (the first handoff of a conversation counts):

- the AI's answer with ``trail.decision == "handoff"``: ``requested`` when the visitor asked
  for a person (``trail.route == "requested a person"``), ``dissatisfied`` when the visitor
  was unhappy with recent answers (``trail.route == "dissatisfied"``), ``ai_error`` when the
  model failed (``trail.error``), otherwise ``unanswered`` (the knowledge did not cover it);
- a ``handoff.requested`` conversation event without such an answer before it: the visitor
  pressed "talk to a person" (``requested``), or the assistant failed after its retries
  (``ai_error``);
- no handoff but an operator joined or wrote: ``operator_took_over``.

"Resolved by the AI" is a conversation that ended (resolved or closed) with no handoff, no
operator joining and no operator message. Operators' first response time runs from the
handoff to the first operator message after it; resolution time from the handoff to the
conversation's resolution. Medians and 90th percentiles interpolate linearly between ranks.

Knowledge gaps are the visitor questions the AI declined (handed off as ``unanswered``) or
whose answer got a thumbs-down: the most recent :data:`MAX_GAP_QUESTIONS` of them are
embedded with the app's embedder and grouped greedily by cosine similarity to each group's
centroid, largest group first.
"""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import numpy as np
from pydantic import BaseModel, Field
from sqlalchemy import ARRAY, Uuid, any_, bindparam, func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from agents.providers.embeddings import Embedder
from core.db import SessionMaker, org_session
from core.models import (
    Channel,
    Conversation,
    ConversationEvent,
    ConversationStatus,
    Message,
    MessageRole,
)
from services.errors import RefusedError

MAX_RANGE_DAYS = 366
EARLIEST, LATEST = date(2000, 1, 1), date(2199, 12, 31)
MAX_GAP_QUESTIONS = 200  # the most recent questions embedded per request
MAX_GAP_CLUSTERS = 20
GAP_EXAMPLES = 3
GAP_SIMILARITY = 0.55  # cosine to a group's centroid to join it (all-MiniLM-L6-v2)
QUESTION_PREVIEW = 300  # characters of a question shown

HandoffCause = Literal["requested", "dissatisfied", "unanswered", "ai_error", "operator_took_over"]
HANDOFF_CAUSES: tuple[HandoffCause, ...] = (
    "unanswered",
    "requested",
    "dissatisfied",
    "ai_error",
    "operator_took_over",
)
VISITOR_ASKED_EVENT_REASON = "the visitor asked for a person"
ENDED = {ConversationStatus.RESOLVED, ConversationStatus.CLOSED}


class AnalyticsError(RefusedError):
    """An analytics request refused (a bad range or time zone)."""


# -- the answer ------------------------------------------------------------------------------


class DayCount(BaseModel):
    day: date
    total: int
    by_channel: dict[Channel, int] = Field(description="Conversations started, per channel")


class CauseCount(BaseModel):
    cause: HandoffCause
    count: int
    share: float = Field(description="Of all conversations started in the range")


class Resolution(BaseModel):
    conversations: int
    resolved_by_ai: int
    resolved_by_ai_share: float | None = Field(
        description="Ended with no handoff and no operator; None without conversations"
    )
    handed_off: int
    handoff_rate: float | None
    handoff_causes: list[CauseCount]


class Satisfaction(BaseModel):
    thumbs_up: int
    thumbs_down: int
    thumbs_up_share: float | None = Field(description="Up of all rated answers; None if none")


class Durations(BaseModel):
    count: int
    median_seconds: float | None
    p90_seconds: float | None


class ResponseTimes(BaseModel):
    first_response: Durations = Field(description="Handoff to the first operator message")
    resolution: Durations = Field(description="Handoff to the conversation's resolution")


class HourCounts(BaseModel):
    weekday: int = Field(ge=0, le=6, description="0 is Monday")
    hours: list[int] = Field(description="24 counts, hour 0 to 23, of conversations started")


class GapExample(BaseModel):
    message_id: uuid.UUID
    conversation_id: uuid.UUID
    text: str
    asked_at: datetime


class KnowledgeGap(BaseModel):
    label: str = Field(description="The question nearest the group's centre")
    count: int
    declined: int = Field(description="Questions the AI could not answer from the knowledge")
    thumbs_down: int = Field(description="Answers the visitor rated down")
    examples: list[GapExample]


class KnowledgeGaps(BaseModel):
    questions: int = Field(description="Questions found in the range")
    considered: int = Field(description="The most recent ones grouped (at most a cap)")
    clusters: list[KnowledgeGap]


class Analytics(BaseModel):
    start: date = Field(description="First day, in time_zone")
    end: date = Field(description="Last day (inclusive), in time_zone")
    time_zone: str
    days: list[DayCount]
    resolution: Resolution
    satisfaction: Satisfaction
    response_times: ResponseTimes
    busiest_hours: list[HourCounts]
    knowledge_gaps: KnowledgeGaps


# -- the range -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Range:
    start: date
    end: date  # inclusive
    zone: ZoneInfo
    time_zone: str

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time(), self.zone).astimezone(UTC)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time(), self.zone).astimezone(UTC)

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def parse_range(start: date | None, end: date | None, time_zone: str | None) -> Range:
    """The days asked for: both given, or the last 30 days up to today when neither is."""
    name = (time_zone or "UTC").strip()
    if name not in _time_zones():
        raise AnalyticsError(422, "tz is not a known time zone, e.g. Europe/Berlin")
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise AnalyticsError(422, "tz is not a known time zone, e.g. Europe/Berlin") from None
    if (start is None) != (end is None):
        raise AnalyticsError(422, "give both from and to, or neither (the last 30 days)")
    if start is None or end is None:
        end = datetime.now(zone).date()
        start = end - timedelta(days=29)
    if start < EARLIEST or end > LATEST:
        raise AnalyticsError(422, f"days must lie between {EARLIEST} and {LATEST}")
    if start > end:
        raise AnalyticsError(422, "from must be on or before to")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise AnalyticsError(422, f"the range may span at most {MAX_RANGE_DAYS} days")
    return Range(start, end, zone, name)


# -- the figures -----------------------------------------------------------------------------


@dataclass
class _Facts:
    """What one conversation contributes."""

    channel: Channel
    status: ConversationStatus
    created_at: datetime
    resolved_at: datetime | None
    handoff_at: datetime | None = None
    cause: HandoffCause | None = None
    operator_joined: bool = False
    operator_messages: list[datetime] = field(default_factory=list)


def _trail_cause(trail: Mapping[str, Any]) -> HandoffCause:
    if trail.get("error"):
        return "ai_error"
    route = trail.get("route")
    if route == "requested a person":
        return "requested"
    if route == "dissatisfied":
        return "dissatisfied"
    return "unanswered"


def _event_cause(data: Mapping[str, Any]) -> HandoffCause:
    return "requested" if data.get("reason") == VISITOR_ASKED_EVENT_REASON else "ai_error"


async def compute(
    maker: SessionMaker, embedder: Embedder, org_id: uuid.UUID, days: Range
) -> Analytics:
    async with org_session(maker, org_id) as session:
        # Plain rows, not entities: a year can hold many conversations. (Five columns: more
        # than sqlmodel's select() has types for, so SQLAlchemy's.)
        rows: Any = sa_select(
            col(Conversation.id),
            col(Conversation.channel),
            col(Conversation.status),
            col(Conversation.created_at),
            col(Conversation.resolved_at),
        ).where(
            col(Conversation.org_id) == org_id,
            col(Conversation.created_at) >= days.since,
            col(Conversation.created_at) < days.until,
        )
        facts: dict[uuid.UUID, _Facts] = {
            conversation_id: _Facts(channel, status, created_at, resolved_at)
            for conversation_id, channel, status, created_at, resolved_at in await session.exec(
                rows
            )
        }
        # The conversations' ids as one array parameter: an index lookup per id, whatever
        # the planner knows of the tables' sizes.
        ids = any_(bindparam("conversation_ids", list(facts), type_=ARRAY(Uuid())))
        # The AI's handoffs, and every operator message, of those conversations.
        answers = await session.exec(
            select(Message.conversation_id, Message.created_at, Message.trail)
            .where(
                Message.org_id == org_id,
                col(Message.conversation_id) == ids,
                Message.role == MessageRole.ASSISTANT,
                col(Message.trail)["decision"].astext == "handoff",
            )
            .order_by(col(Message.created_at))
        )
        for conversation_id, at, trail in answers:
            fact = facts.get(conversation_id)
            if fact is not None and fact.handoff_at is None:
                fact.handoff_at, fact.cause = at, _trail_cause(trail)
        events = await session.exec(
            select(
                ConversationEvent.conversation_id,
                ConversationEvent.created_at,
                ConversationEvent.type,
                ConversationEvent.data,
            )
            .where(
                ConversationEvent.org_id == org_id,
                col(ConversationEvent.conversation_id) == ids,
                col(ConversationEvent.type).in_(["handoff.requested", "operator.joined"]),
            )
            .order_by(col(ConversationEvent.created_at))
        )
        for conversation_id, at, kind, data in events:
            fact = facts.get(conversation_id)
            if fact is None:
                continue
            if kind == "operator.joined":
                fact.operator_joined = True
            elif fact.handoff_at is None or at < fact.handoff_at:
                # An event before the AI's handoff answer: the visitor's button, or a failure.
                fact.handoff_at, fact.cause = at, _event_cause(data)
        operator_messages = await session.exec(
            select(Message.conversation_id, Message.created_at)
            .where(
                Message.org_id == org_id,
                col(Message.conversation_id) == ids,
                Message.role == MessageRole.OPERATOR,
            )
            .order_by(col(Message.created_at))
        )
        for conversation_id, at in operator_messages:
            if (fact := facts.get(conversation_id)) is not None:
                fact.operator_messages.append(at)
        feedback = (
            await session.exec(
                select(Message.feedback).where(
                    Message.org_id == org_id,
                    Message.role == MessageRole.ASSISTANT,
                    col(Message.feedback).is_not(None),
                    col(Message.created_at) >= days.since,
                    col(Message.created_at) < days.until,
                )
            )
        ).all()
        gap_total, gap_rows = await _gap_questions(session, org_id, days)

    for fact in facts.values():
        if fact.cause is None and (fact.operator_joined or fact.operator_messages):
            fact.cause = "operator_took_over"
    return Analytics(
        start=days.start,
        end=days.end,
        time_zone=days.time_zone,
        days=_per_day(facts.values(), days),
        resolution=_resolution(list(facts.values())),
        satisfaction=_satisfaction([value for value in feedback if value is not None]),
        response_times=_response_times(facts.values()),
        busiest_hours=_busiest_hours(facts.values(), days.zone),
        knowledge_gaps=await _knowledge_gaps(embedder, gap_total, gap_rows),
    )


def _per_day(facts: Any, days: Range) -> list[DayCount]:
    counts: dict[date, dict[Channel, int]] = {day: dict.fromkeys(Channel, 0) for day in days.days()}
    for fact in facts:
        day = fact.created_at.astimezone(days.zone).date()
        if day in counts:
            counts[day][fact.channel] += 1
    return [
        DayCount(day=day, total=sum(channels.values()), by_channel=channels)
        for day, channels in counts.items()
    ]


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _resolution(facts: list[_Facts]) -> Resolution:
    total = len(facts)
    by_ai = sum(
        1
        for fact in facts
        if fact.status in ENDED and fact.cause is None and not fact.operator_messages
    )
    causes = defaultdict[HandoffCause, int](int)
    for fact in facts:
        if fact.cause is not None:
            causes[fact.cause] += 1
    handed_off = sum(causes.values())
    return Resolution(
        conversations=total,
        resolved_by_ai=by_ai,
        resolved_by_ai_share=_share(by_ai, total),
        handed_off=handed_off,
        handoff_rate=_share(handed_off, total),
        handoff_causes=[
            CauseCount(cause=cause, count=causes[cause], share=_share(causes[cause], total) or 0.0)
            for cause in HANDOFF_CAUSES
        ],
    )


def _satisfaction(values: list[int]) -> Satisfaction:
    up = sum(1 for value in values if value > 0)
    down = sum(1 for value in values if value < 0)
    return Satisfaction(thumbs_up=up, thumbs_down=down, thumbs_up_share=_share(up, up + down))


def percentile(values: list[float], p: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _durations(values: list[float]) -> Durations:
    return Durations(
        count=len(values), median_seconds=percentile(values, 50), p90_seconds=percentile(values, 90)
    )


def _response_times(facts: Any) -> ResponseTimes:
    first: list[float] = []
    resolved: list[float] = []
    for fact in facts:
        if fact.handoff_at is None:
            continue
        after = [at for at in fact.operator_messages if at >= fact.handoff_at]
        if after:
            first.append((after[0] - fact.handoff_at).total_seconds())
        if (
            fact.status is ConversationStatus.RESOLVED
            and fact.resolved_at is not None
            and fact.resolved_at >= fact.handoff_at
        ):
            resolved.append((fact.resolved_at - fact.handoff_at).total_seconds())
    return ResponseTimes(first_response=_durations(first), resolution=_durations(resolved))


def _busiest_hours(facts: Any, zone: ZoneInfo) -> list[HourCounts]:
    grid = [[0] * 24 for _ in range(7)]
    for fact in facts:
        local = fact.created_at.astimezone(zone)
        grid[local.weekday()][local.hour] += 1
    return [HourCounts(weekday=weekday, hours=hours) for weekday, hours in enumerate(grid)]


# -- knowledge gaps --------------------------------------------------------------------------


@dataclass(frozen=True)
class _GapQuestion:
    message_id: uuid.UUID
    conversation_id: uuid.UUID
    text: str
    asked_at: datetime
    declined: bool


async def _gap_questions(
    session: Any, org_id: uuid.UUID, days: Range
) -> tuple[int, list[_GapQuestion]]:
    """Visitor questions in the range whose answer declined (handoff, knowledge did not cover
    it) or got a thumbs-down: how many there are, and the most recent
    :data:`MAX_GAP_QUESTIONS` of them."""
    answer = aliased(Message)
    declined = (
        (col(answer.trail)["decision"].astext == "handoff")
        & (func.coalesce(col(answer.trail)["route"].astext, "") != "requested a person")
        & col(answer.trail)["error"].astext.is_(None)
    )
    conditions = (
        Message.org_id == org_id,
        answer.org_id == org_id,
        Message.role == MessageRole.VISITOR,
        col(Message.created_at) >= days.since,
        col(Message.created_at) < days.until,
        func.length(func.trim(col(Message.content))) > 0,
        declined | (col(answer.feedback) < 0),
    )
    total = (
        await session.exec(
            select(func.count())
            .select_from(Message)
            .join(answer, col(answer.reply_to_id) == col(Message.id))
            .where(*conditions)
        )
    ).one()
    rows = await session.exec(
        select(Message, declined)
        .join(answer, col(answer.reply_to_id) == col(Message.id))
        .where(*conditions)
        .order_by(col(Message.created_at).desc())
        .limit(MAX_GAP_QUESTIONS)
    )
    return int(total), [
        _GapQuestion(
            question.id,
            question.conversation_id,
            question.content,
            question.created_at,
            bool(was_declined),
        )
        for question, was_declined in rows
    ]


async def _knowledge_gaps(
    embedder: Embedder, total: int, considered: list[_GapQuestion]
) -> KnowledgeGaps:
    if not considered:
        return KnowledgeGaps(questions=total, considered=0, clusters=[])
    vectors = np.asarray(
        await embedder.embed_documents([q.text[: QUESTION_PREVIEW * 2] for q in considered]),
        dtype=np.float64,
    )
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = vectors / np.where(norms == 0, 1.0, norms)
    groups = cluster(vectors, GAP_SIMILARITY)
    gaps: list[tuple[int, int, KnowledgeGap]] = []
    for order, members in enumerate(groups):
        centre = vectors[members].mean(axis=0)
        nearest = members[int(np.argmax(vectors[members] @ centre))]
        items = [considered[index] for index in members]
        examples, seen = [], set()
        for item in items:  # most recent first, one per wording
            key = " ".join(item.text.lower().split())
            if key in seen:
                continue
            seen.add(key)
            examples.append(
                GapExample(
                    message_id=item.message_id,
                    conversation_id=item.conversation_id,
                    text=_preview(item.text),
                    asked_at=item.asked_at,
                )
            )
            if len(examples) == GAP_EXAMPLES:
                break
        declined = sum(1 for item in items if item.declined)
        gaps.append(
            (
                -len(items),
                order,
                KnowledgeGap(
                    label=_preview(considered[nearest].text),
                    count=len(items),
                    declined=declined,
                    thumbs_down=len(items) - declined,
                    examples=examples,
                ),
            )
        )
    gaps.sort(key=lambda entry: (entry[0], entry[1]))
    return KnowledgeGaps(
        questions=total,
        considered=len(considered),
        clusters=[gap for _, _, gap in gaps[:MAX_GAP_CLUSTERS]],
    )


def cluster(vectors: np.ndarray[Any, Any], threshold: float) -> list[list[int]]:
    """Greedy grouping of unit vectors: each joins the group whose centroid it is most similar
    to, when that similarity reaches ``threshold``, else starts a group. Groups keep their
    members in input order."""
    groups: list[list[int]] = []
    sums: list[np.ndarray[Any, Any]] = []
    for index, vector in enumerate(vectors):
        best, best_similarity = -1, threshold
        for number, total in enumerate(sums):
            norm = float(np.linalg.norm(total))
            similarity = float(vector @ total) / norm if norm else 0.0
            if similarity >= best_similarity:
                best, best_similarity = number, similarity
        if best < 0:
            groups.append([index])
            sums.append(vector.copy())
        else:
            groups[best].append(index)
            sums[best] = sums[best] + vector
    return groups


def _preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= QUESTION_PREVIEW else flat[: QUESTION_PREVIEW - 1] + "…"
