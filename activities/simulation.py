"""Simulation activities: write a simulation's cases, run them through the support agent with
and without the candidate change, and summarise what would change.

A case is a question with the messages before it. From recorded conversations, each visitor
message that got an assistant reply is one, and "before" is that recorded reply (its text,
decision, citations, model and prompt version). From a labelled question set, "before" is a
run with the organization's current settings. "After" is always a run with the candidate,
against the knowledge base as it is now.

Nothing reaches a visitor or a conversation: the agent's tokens go nowhere, and no message or
event is written. Cases are rows keyed by (simulation, position), so a retried activity
writes nothing twice and skips what is done; one case that fails is recorded as that case's
error, not the run's. Logs name ids and error types only, never text.
"""

from __future__ import annotations

import asyncio
import difflib
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal, Protocol, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity
from temporalio.exceptions import ApplicationError

from agents.knowledge.retrieval import SearchMode
from agents.support.context import DISSATISFACTION_HANDOFF
from agents.support.evaluation import Labels, Score, score
from agents.support.extractive import EXTRACTIVE_MODEL
from agents.support.turn import Decision, HistoryMessage, TurnInput, TurnOutcome, TurnRunner
from core.db import SessionMaker, org_session
from core.logging import get_logger
from core.models import (
    CaseStatus,
    Channel,
    Conversation,
    KnowledgeChunk,
    KnowledgeDocument,
    Message,
    MessageRole,
    Organization,
    Simulation,
    SimulationResult,
    SimulationStatus,
)

log = get_logger(__name__)

SIMULATION_GONE = "SimulationGone"
NO_CASES = "NoCases"
NON_RETRYABLE_ERRORS = [SIMULATION_GONE, NO_CASES]
MAX_CASES = 2000
HISTORY_MESSAGES = 20
MAX_ERROR = 500

# -- what a simulation is asked to do: validated by the API, stored on the simulation row ----


class Responder(StrEnum):
    KEYLESS = "keyless"  # the keyless judge and the extractive responder
    MODEL = "model"  # the configured chat model (OPENAI_API_KEY)


class Candidate(BaseModel):
    """The change tried. Anything left out stays as the organization has it now; the
    knowledge base is always the one it has now."""

    model_config = ConfigDict(extra="forbid")

    operating_point: float | None = Field(
        default=None,
        ge=0.05,
        le=0.95,
        description="the keyless judge's threshold: higher hands off more, lower answers more",
    )
    k: int | None = Field(default=None, ge=1, le=20, description="passages retrieved per turn")
    search_mode: SearchMode | None = None
    responder: Responder | None = None
    model: str | None = Field(
        default=None, min_length=1, max_length=100, description="the chat model's name"
    )

    @model_validator(mode="after")
    def _model_goes_with_the_model_responder(self) -> Self:
        if self.model is not None and self.responder is Responder.KEYLESS:
            raise ValueError("a model name needs the model responder, not the keyless one")
        return self

    @property
    def setup(self) -> AgentSetup:
        responder = Responder.MODEL if self.model is not None else self.responder
        return AgentSetup(
            k=self.k, search_mode=self.search_mode, responder=responder, model=self.model
        )


class LabelledQuestion(BaseModel):
    """One question of a labelled set, as in ``bench/questions``: articles that answer it and
    facts a right answer holds, or ``why`` the knowledge does not answer it."""

    model_config = ConfigDict(extra="ignore")  # the benchmark files also carry split, ...

    id: str | None = Field(default=None, max_length=200)
    question: str = Field(min_length=1, max_length=4000)
    history: list[str] = Field(
        default_factory=list, max_length=HISTORY_MESSAGES, description="earlier visitor messages"
    )
    articles: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="document ids, file names or titles of the articles that answer it",
    )
    facts: list[str] = Field(default_factory=list, max_length=20)
    why: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _answerable_or_not(self) -> Self:
        if not self.articles and not self.facts and self.why is None:
            raise ValueError("label the question: articles and facts, or why it is unanswerable")
        if (self.articles or self.facts) and self.why is not None:
            raise ValueError("a question has articles and facts, or a why, not both")
        return self


class QuestionCases(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["questions"]
    questions: list[LabelledQuestion] = Field(min_length=1, max_length=MAX_CASES)


class ConversationCases(BaseModel):
    """Recorded conversations: by id, or the last ``last`` ones, or a date range (of the
    questions), or both of those."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["conversations"]
    conversation_ids: list[uuid.UUID] | None = Field(default=None, min_length=1, max_length=500)
    last: int | None = Field(default=None, ge=1, le=1000)
    since: datetime | None = None
    until: datetime | None = None

    @field_validator("since", "until")
    @classmethod
    def _in_utc(cls, value: datetime | None) -> datetime | None:
        """A time without a zone is read as UTC (messages are stored with one)."""
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    @model_validator(mode="after")
    def _one_way_of_choosing(self) -> Self:
        by_range = self.last is not None or self.since is not None or self.until is not None
        if self.conversation_ids is None and not by_range:
            raise ValueError("choose conversations: conversation_ids, last, or since/until")
        if self.conversation_ids is not None and by_range:
            raise ValueError("choose conversations by ids or by last/since/until, not both")
        if self.since and self.until and self.since >= self.until:
            raise ValueError("since must be before until")
        return self


CaseSource = Annotated[QuestionCases | ConversationCases, Field(discriminator="kind")]


class SimulationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: CaseSource
    candidate: Candidate = Field(default_factory=Candidate)


# -- the agents a simulation runs -----------------------------------------------------------


@dataclass(frozen=True)
class AgentSetup:
    """How the agent is built for one side of a simulation; None: as the worker has it."""

    k: int | None = None
    search_mode: SearchMode | None = None
    responder: Responder | None = None
    model: str | None = None


class AgentFactory(Protocol):
    """Builds the support agent for a setup (the worker's: ``workflows/worker.py``)."""

    def __call__(self, setup: AgentSetup) -> TurnRunner: ...


# -- activity inputs and outputs --------------------------------------------------------------


@dataclass
class SimulationRef:
    org_id: uuid.UUID
    simulation_id: uuid.UUID


@dataclass
class CaseCount:
    total: int


@dataclass
class CaseBatch:
    ref: SimulationRef
    start: int  # the first case's position
    count: int


@dataclass
class BatchDone:
    done: int  # cases of the batch run now (failed ones included)
    failed: int


@dataclass
class SimulationFailure:
    reason: str


@dataclass
class SimulationSummary:
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Case:
    """A case row as plain data, read in one transaction and run outside it."""

    seq: int
    question: str
    history: list[dict[str, Any]]
    labels: dict[str, Any]
    before: dict[str, Any] | None
    conversation_id: uuid.UUID | None


async def _discard(_: str) -> None:
    """The token sink of a simulated turn: nothing is streamed to anyone."""


class SimulationActivities:
    def __init__(self, session_maker: SessionMaker, agents: AgentFactory) -> None:
        self._session_maker = session_maker
        self._agents = agents
        self._built: dict[AgentSetup, TurnRunner] = {}

    @activity.defn
    async def prepare_cases(self, ref: SimulationRef) -> CaseCount:
        """Write one pending row per case (once: a retry finds them written) and mark the
        simulation running. A question set's questions move from the simulation row into
        its cases, with their article labels matched to the organization's documents."""
        async with org_session(self._session_maker, ref.org_id) as session:
            simulation = await _simulation(session, ref)
            written = (
                await session.exec(
                    select(func.count())
                    .select_from(SimulationResult)
                    .where(col(SimulationResult.simulation_id) == ref.simulation_id)
                )
            ).one()
            if written:
                return CaseCount(total=written)
            source = simulation.source
            unmatched: list[str] = []
            if source.get("kind") == "questions":
                questions = QuestionCases.model_validate(source)
                rows, unmatched = await _question_cases(session, ref, questions)
                simulation.source = {"kind": "questions", "questions": len(questions.questions)}
            else:
                rows = await _conversation_cases(
                    session, ref, ConversationCases.model_validate(source)
                )
            if not rows:
                raise ApplicationError(
                    "no cases: the conversations chosen have no answered visitor message",
                    type=NO_CASES,
                    non_retryable=True,
                )
            await session.exec(
                insert(SimulationResult)
                .values(rows)
                .on_conflict_do_nothing(constraint="uq_simulation_results_case")
            )
            simulation.status = SimulationStatus.RUNNING
            simulation.total = len(rows)
            simulation.summary = {**simulation.summary, "unmatched_articles": unmatched}
            session.add(simulation)
        log.info("simulation cases written", simulation_id=str(ref.simulation_id), cases=len(rows))
        return CaseCount(total=len(rows))

    @activity.defn
    async def run_cases(self, batch: CaseBatch) -> BatchDone:
        """Run the batch's pending cases, one at a time, heartbeating; each case's result (or
        error) is stored as soon as it is known."""
        async with org_session(self._session_maker, batch.ref.org_id) as session:
            simulation = await _simulation(session, batch.ref)
            candidate = Candidate.model_validate(simulation.candidate)
            organization = await session.get(Organization, batch.ref.org_id)
            rows = (
                await session.exec(
                    select(SimulationResult)
                    .where(
                        col(SimulationResult.simulation_id) == batch.ref.simulation_id,
                        col(SimulationResult.seq) >= batch.start,
                        col(SimulationResult.seq) < batch.start + batch.count,
                        col(SimulationResult.status) == CaseStatus.PENDING,
                    )
                    .order_by(col(SimulationResult.seq))
                )
            ).all()
            cases = [
                _Case(
                    seq=row.seq,
                    question=row.question,
                    history=list(row.history),
                    labels=dict(row.labels),
                    before=dict(row.before) if row.before is not None else None,
                    conversation_id=row.conversation_id,
                )
                for row in rows
            ]
        name = organization.name if organization else "the company"
        failed = 0
        ticker = asyncio.create_task(_heartbeat_while_alive())
        try:
            for case in cases:
                try:
                    values = await self._run_case(batch.ref, name, candidate, case)
                except Exception as error:
                    failed += 1
                    log.warning(
                        "simulation case failed",
                        simulation_id=str(batch.ref.simulation_id),
                        seq=case.seq,
                        error_type=type(error).__name__,
                    )
                    values = {
                        "status": CaseStatus.FAILED,
                        "error": f"{type(error).__name__}: {error}"[:MAX_ERROR],
                    }
                await self._store_case(batch.ref, case.seq, values)
                activity.heartbeat(case.seq)
        finally:
            ticker.cancel()
        await self._count_progress(batch.ref)
        return BatchDone(done=len(cases), failed=failed)

    @activity.defn
    async def finish_simulation(self, ref: SimulationRef) -> SimulationSummary:
        async with org_session(self._session_maker, ref.org_id) as session:
            simulation = await _simulation(session, ref)
            rows = (
                await session.exec(
                    select(SimulationResult).where(
                        col(SimulationResult.simulation_id) == ref.simulation_id
                    )
                )
            ).all()
            counts = summarise(rows)
            simulation.status = SimulationStatus.COMPLETED
            simulation.done = counts["done"] + counts["failed"]
            simulation.failed = counts["failed"]
            simulation.summary = {**simulation.summary, **counts}
            simulation.finished_at = simulation.finished_at or datetime.now(UTC)
            session.add(simulation)
        return SimulationSummary(counts=counts)

    @activity.defn
    async def fail_simulation(self, ref: SimulationRef, failure: SimulationFailure) -> None:
        async with org_session(self._session_maker, ref.org_id) as session:
            simulation = await session.get(Simulation, ref.simulation_id)
            if simulation is None or simulation.status is SimulationStatus.COMPLETED:
                return
            simulation.status = SimulationStatus.FAILED
            simulation.failure_reason = failure.reason[:MAX_ERROR]
            simulation.finished_at = datetime.now(UTC)
            session.add(simulation)

    # -- one case -------------------------------------------------------------------------

    async def _run_case(
        self, ref: SimulationRef, organization: str, candidate: Candidate, case: _Case
    ) -> dict[str, Any]:
        recorded = case.before
        turn = TurnInput(
            org_id=ref.org_id,
            conversation_id=case.conversation_id or uuid.uuid5(ref.simulation_id, str(case.seq)),
            question=case.question,
            history=[HistoryMessage(role=m["role"], content=m["content"]) for m in case.history],
            organization_name=organization,
            spoken=bool(recorded and recorded.get("spoken")),
            dissatisfaction=(
                DISSATISFACTION_HANDOFF
                if recorded and recorded.get("route") == "dissatisfied"
                else 0
            ),
        )
        labels = _labels(case.labels)
        if recorded is None:
            outcome = await self._agent(AgentSetup()).run_turn(turn, _discard)
            before = await self._answer(ref, outcome, labels)
        else:
            before = recorded
        changed = replace(turn, operating_point=candidate.operating_point)
        after = await self._answer(
            ref, await self._agent(candidate.setup).run_turn(changed, _discard), labels
        )
        return {
            "status": CaseStatus.DONE,
            "before": before,
            "after": after,
            "diff": line_diff(str(before.get("text") or ""), after["text"]),
            "decision_changed": before.get("decision") != after["decision"],
            "text_changed": (before.get("text") or "") != after["text"],
        }

    def _agent(self, setup: AgentSetup) -> TurnRunner:
        if setup not in self._built:
            self._built[setup] = self._agents(setup)
        return self._built[setup]

    async def _answer(
        self, ref: SimulationRef, outcome: TurnOutcome, labels: Labels | None
    ) -> dict[str, Any]:
        scores: Score | None = None
        if labels is not None:
            passages = await self._passages(ref, [c.chunk_id for c in outcome.citations])
            scores = score(
                outcome.text,
                outcome.decision,
                [citation.document_id for citation in outcome.citations],
                passages,
                labels,
                quoted=outcome.model == EXTRACTIVE_MODEL,
            )
        return {
            "decision": outcome.decision.value,
            "text": outcome.text,
            "citations": [
                {
                    "number": citation.number,
                    "document_id": str(citation.document_id),
                    "title": citation.title,
                    "chunk_id": str(citation.chunk_id),
                }
                for citation in outcome.citations
            ],
            "reason": outcome.reason,
            "model": outcome.model,
            "prompt_version": outcome.prompt_version,
            "scores": _score_json(scores) if scores is not None else None,
        }

    async def _passages(self, ref: SimulationRef, chunk_ids: Sequence[uuid.UUID]) -> list[str]:
        if not chunk_ids:
            return []
        async with org_session(self._session_maker, ref.org_id) as session:
            rows = (
                await session.exec(
                    select(KnowledgeChunk.id, KnowledgeChunk.section, KnowledgeChunk.content).where(
                        col(KnowledgeChunk.id).in_(chunk_ids)
                    )
                )
            ).all()
        # A passage is its section's heading and its text: an answer may quote the heading.
        content = {row[0]: f"{row[1]}\n\n{row[2]}" if row[1] else row[2] for row in rows}
        return [content[chunk_id] for chunk_id in chunk_ids if chunk_id in content]

    async def _store_case(self, ref: SimulationRef, seq: int, values: dict[str, Any]) -> None:
        async with org_session(self._session_maker, ref.org_id) as session:
            await session.exec(
                update(SimulationResult)
                .where(
                    col(SimulationResult.simulation_id) == ref.simulation_id,
                    col(SimulationResult.seq) == seq,
                    col(SimulationResult.status) == CaseStatus.PENDING,
                )
                .values(**values, finished_at=datetime.now(UTC))
                .execution_options(synchronize_session=False)
            )

    async def _count_progress(self, ref: SimulationRef) -> None:
        async with org_session(self._session_maker, ref.org_id) as session:
            statuses = (
                await session.exec(
                    select(SimulationResult.status, func.count())
                    .where(col(SimulationResult.simulation_id) == ref.simulation_id)
                    .group_by(col(SimulationResult.status))
                )
            ).all()
            counts: dict[str, int] = dict(statuses)
            await session.exec(
                update(Simulation)
                .where(col(Simulation.id) == ref.simulation_id)
                .values(
                    done=counts.get(CaseStatus.DONE, 0) + counts.get(CaseStatus.FAILED, 0),
                    failed=counts.get(CaseStatus.FAILED, 0),
                )
                .execution_options(synchronize_session=False)
            )


def summarise(results: Iterable[SimulationResult]) -> dict[str, int]:
    """Counts over a run: what changed, each side's decisions, and each side's scores where
    the cases are labelled."""
    counts: Counter[str] = Counter()
    for result in results:
        counts["cases"] += 1
        if result.status is CaseStatus.FAILED:
            counts["failed"] += 1
            continue
        if result.status is not CaseStatus.DONE:
            continue
        counts["done"] += 1
        counts["decision_changed"] += result.decision_changed
        counts["text_changed"] += result.text_changed
        counts["labelled"] += bool(result.labels)
        for side, answer in (("before", result.before), ("after", result.after)):
            if not answer:
                continue
            counts[f"{answer.get('decision') or 'unknown'}_{side}"] += 1
            scores = answer.get("scores")
            if not scores:
                continue
            counts[f"decided_right_{side}"] += bool(scores["decided_right"])
            counts[f"all_facts_{side}"] += bool(scores["all_facts"])
            counts[f"right_article_{side}"] += scores["right_article"] is True
            counts[f"unsupported_{side}"] += bool(scores["unsupported_sentences"])
    keys = ["cases", "done", "failed", "decision_changed", "text_changed", "labelled"]
    for side in ("before", "after"):
        keys += [f"{decision.value}_{side}" for decision in Decision]
        keys += [
            f"decided_right_{side}",
            f"all_facts_{side}",
            f"right_article_{side}",
            f"unsupported_{side}",
        ]
    return {key: counts[key] for key in keys} | {
        key: value for key, value in counts.items() if key not in keys
    }


def line_diff(before: str, after: str) -> str:
    """A unified diff of the two answers, line by line ("" when they are the same)."""
    return "\n".join(
        difflib.unified_diff(
            before.splitlines(), after.splitlines(), "before", "after", lineterm=""
        )
    )


# -- cases from their sources --------------------------------------------------------------


async def _question_cases(
    session: AsyncSession, ref: SimulationRef, cases: QuestionCases
) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per labelled question; article labels matched to the organization's
    documents by id, file name or title. Returns the rows and the labels no document has."""
    documents = (
        await session.exec(
            select(KnowledgeDocument.id, KnowledgeDocument.title, KnowledgeDocument.filename)
        )
    ).all()
    # A name two documents share (the same file name in two folders) matches both.
    names: dict[str, list[uuid.UUID]] = {}
    for document_id, title, filename in documents:
        for name in dict.fromkeys([str(document_id), *_names(title, filename)]):
            names.setdefault(name, []).append(document_id)
    unmatched: list[str] = []
    rows = []
    for seq, question in enumerate(cases.questions):
        matched: list[str] = []
        for label in question.articles:
            found = next((names[n] for n in _label_names(label) if n in names), None)
            if found is None:
                unmatched.append(label)
            matched += [str(d) for d in found or [] if str(d) not in matched]
        rows.append(
            _row(
                ref,
                seq,
                question.id or f"question-{seq + 1}",
                question.question,
                [{"role": "visitor", "content": text} for text in question.history],
                labels={
                    "answerable": question.why is None,
                    "articles": matched,
                    "facts": question.facts,
                    "labelled_articles": question.articles,
                },
            )
        )
    return rows, list(dict.fromkeys(unmatched))


def _names(title: str, filename: str | None) -> list[str]:
    names = [title.strip().lower()]
    if filename:
        path = PurePosixPath(filename.lower())
        names += [path.name, path.stem]
    return names


def _label_names(label: str) -> list[str]:
    """A label as an id, a path (``Software Support/Upload/Fix-port-access.md``: its file
    name, its stem, and the stem as words) or a title."""
    text = label.strip().lower()
    path = PurePosixPath(text)
    return [text, path.name, path.stem, path.stem.replace("-", " ").replace("_", " ")]


async def _conversation_cases(
    session: AsyncSession, ref: SimulationRef, chosen: ConversationCases
) -> list[dict[str, Any]]:
    """Every answered visitor message of the chosen conversations, oldest first per
    conversation, with the recorded answer as "before"."""
    conversations = select(Conversation)
    if chosen.conversation_ids is not None:
        conversations = conversations.where(col(Conversation.id).in_(chosen.conversation_ids))
    recent = func.coalesce(col(Conversation.last_message_at), col(Conversation.created_at))
    conversations = conversations.order_by(recent.desc(), col(Conversation.id))
    if chosen.last is not None:
        conversations = conversations.limit(chosen.last)
    found = {c.id: c for c in (await session.exec(conversations.limit(MAX_CASES))).all()}
    if not found:
        return []
    messages = (
        await session.exec(
            select(Message)
            .where(col(Message.conversation_id).in_(list(found)))
            .order_by(col(Message.conversation_id), col(Message.created_at))
        )
    ).all()
    by_conversation: dict[uuid.UUID, list[Message]] = {}
    for message in messages:
        by_conversation.setdefault(message.conversation_id, []).append(message)
    rows: list[dict[str, Any]] = []
    for conversation_id in sorted(found, key=lambda c: _recency(found[c]), reverse=True):
        thread = by_conversation.get(conversation_id, [])
        answers = {
            message.reply_to_id: message
            for message in thread
            if message.role is MessageRole.ASSISTANT and message.reply_to_id is not None
        }
        for position, question in enumerate(thread):
            answer = answers.get(question.id)
            if answer is None or question.role is not MessageRole.VISITOR:
                continue
            if chosen.since and question.created_at < chosen.since:
                continue
            if chosen.until and question.created_at >= chosen.until:
                continue
            history = [
                {"role": m.role.value, "content": m.content}
                for m in thread[max(0, position - HISTORY_MESSAGES) : position]
            ]
            rows.append(
                _row(
                    ref,
                    len(rows),
                    str(question.id),
                    question.content,
                    history,
                    conversation_id=conversation_id,
                    message_id=question.id,
                    before=_recorded(answer, spoken=found[conversation_id].channel != Channel.CHAT),
                )
            )
            if len(rows) >= MAX_CASES:
                return rows
    return rows


def _recency(conversation: Conversation) -> datetime:
    return conversation.last_message_at or conversation.created_at


def _recorded(answer: Message, *, spoken: bool) -> dict[str, Any]:
    """The recorded answer as a simulation's "before": what the visitor got, and its trail."""
    return {
        "decision": answer.trail.get("decision"),
        "text": answer.content,
        "citations": [
            {
                "number": citation.get("number"),
                "document_id": citation.get("document_id"),
                "title": citation.get("title"),
                "chunk_id": citation.get("chunk_id"),
            }
            for citation in answer.citations
        ],
        "reason": answer.trail.get("reason"),
        "model": answer.model,
        "prompt_version": answer.prompt_version,
        "message_id": str(answer.id),
        # How the recorded turn was routed: "dissatisfied" (the visitor had been unhappy
        # with answers in a row) is replayed, so the candidate sees the same turn.
        "route": answer.trail.get("route"),
        "spoken": spoken,
        "scores": None,
    }


def _row(
    ref: SimulationRef,
    seq: int,
    case_key: str,
    question: str,
    history: list[dict[str, Any]],
    *,
    labels: dict[str, Any] | None = None,
    conversation_id: uuid.UUID | None = None,
    message_id: uuid.UUID | None = None,
    before: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "id": uuid.uuid5(ref.simulation_id, f"case-{seq}"),
        "org_id": ref.org_id,
        "simulation_id": ref.simulation_id,
        "seq": seq,
        "case_key": case_key[:200],
        "question": question,
        "history": history,
        "labels": labels or {},
        "status": CaseStatus.PENDING,
        "conversation_id": conversation_id,
        "message_id": message_id,
        "before": before,
        "decision_changed": False,
        "text_changed": False,
    }


def _labels(stored: dict[str, Any]) -> Labels | None:
    if not stored:
        return None
    return Labels(
        answerable=bool(stored.get("answerable")),
        articles=frozenset(uuid.UUID(article) for article in stored.get("articles", [])),
        facts=tuple(stored.get("facts", [])),
    )


def _score_json(result: Score) -> dict[str, Any]:
    return {
        "decided_right": result.decided_right,
        "facts_found": result.facts_found,
        "facts_total": result.facts_total,
        "all_facts": result.all_facts,
        "right_article": result.right_article,
        "unsupported_sentences": result.unsupported_sentences,
    }


async def _simulation(session: AsyncSession, ref: SimulationRef) -> Simulation:
    simulation = await session.get(Simulation, ref.simulation_id)
    if simulation is None:
        raise ApplicationError(
            "the simulation no longer exists", type=SIMULATION_GONE, non_retryable=True
        )
    return simulation


async def _heartbeat_while_alive(every: float = 1.0) -> None:
    """A slow model turn is not a dead worker."""
    while True:
        activity.heartbeat()
        await asyncio.sleep(every)
