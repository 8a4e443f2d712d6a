"""`turns` and `turns-concurrent`: what a conversation turn costs on top of the model.

The model answers instantly, so what is left is the product's own overhead. Everything else is
real: the API (uvicorn, in this process), the Temporal dev server, the workers
(``build_workers``), embedded PostgreSQL, and the real ``SupportAgent`` on its LLM path
(retrieval, the judge's function call, the streamed answer) talking to the local fake OpenAI
server (``tests/fakes/openai.py``), which also embeds. Each turn is scripted there as one judge
call (``record_answerability``: answerable, passage 1) and one text reply citing [1], each
taken by the request that asks for its kind (see :class:`InstantModel`); a tiny knowledge base
(three short Markdown files, embedded by the same fake) gives retrieval something to return.
Every turn is checked: answered, citing, the streamed text equal to the stored answer; the
script must be used up exactly. Rate limits are raised (one address makes all the visitors).
CPU per turn is reported for this process (API, workers, fake model and client together) and
for PostgreSQL and Temporal under it.

`turns` (``--repeat`` turns, default 200, in conversations of five messages): per turn, the
time from the POST of the visitor message to the first ``token`` event and to
``message.done`` on the conversation's server-sent event stream, which is opened once per
conversation before its first message, so no connect cost is counted. The first message of a
conversation is the Update-with-Start that starts its workflow (the conversation row is
created first, without text, as the widget does before a first message); the others update
the running workflow; both are reported. Baseline, measured in the same run: the bare
Update-with-Start round trip to the workflow (``execute_update_with_start_workflow`` of
``ConversationWorkflow.post_message``, a new workflow id each time), straight from a Temporal
client, without the API, the agent or the stream.

`turns-concurrent` (``--repeat`` conversations, default 200, of five messages each): every
conversation at once, each sending its next message when the previous answer's
``message.done`` arrives. Afterwards the database must hold, for every conversation, exactly
five visitor and five assistant messages, every answer replying to a distinct visitor message
of its own conversation, and every stream must have shown each answer exactly once. Reports
turn times (the POST alone too), wall time and turns per second; gives up with an error after
ten minutes. Everything runs in this one process, so its CPU (one core, for the GIL) is the
likely ceiling; the PostgreSQL pool is the product's default unless ``CONCURRENT_POOL_SIZE``
says otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import math
import time
import uuid
from collections import Counter, deque
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import yaml
from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import SecretStr
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import col, func, select
from temporalio.client import WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy

from activities.conversation import answer_id
from agents.providers.embeddings import create_embedder
from agents.support.prompts import JUDGE_TOOL_NAME
from bench.framework import BenchResult, Metric, Options, p50
from bench.stack import Stack, cpu_seconds, load_average, running_stack, serving_api
from core.db import org_session
from core.ids import conversation_workflow_id, search_attributes
from core.models import (
    ConversationEvent,
    Message,
    MessageRole,
    Organization,
)
from core.settings import Settings
from services.conversations import Conversations
from tests.fakes.openai import DEFAULT_CHAT_REPLY, FakeOpenAI, ScriptedReply
from tests.fixtures.documents import load_articles
from workflows.conversation import ConversationInput, ConversationWorkflow, VisitorMessage

API_KEY = "sk-bench-turns"
DEFAULT_TURNS = 200
MESSAGES_PER_CONVERSATION = 5
DEFAULT_CONVERSATIONS = 200  # `turns-concurrent`
CONCURRENT_LIMIT_SECONDS = 600.0
TURN_TIMEOUT_SECONDS = 30.0
WARMUP_TURNS = 3
CONCURRENT_POOL_SIZE: int | None = None  # None: the product's default (settings.db_pool_size)
AIM_FIRST_TOKEN_P50_MS = 60.0
AIM_FIRST_TOKEN_P95_MS = 150.0
ANSWER = "Hold the dial on the base for 12 seconds until the ring pulses amber [1]."
JUDGEMENT: dict[str, Any] = {
    "answerable": True,
    "needs_clarification": False,
    "reason": "",
    "passage_ids": [1],
}
# Rate limits are per visitor and per address; the benchmark is one address making many
# visitors quickly, which is not what they are for.
UNLIMITED = 1_000_000
KNOWLEDGE = {
    "factory-reset.md": (
        "# Factory reset\n\nPress and hold the brightness dial on the base for 12 seconds. "
        "Release it when the ring pulses amber three times. Wait about 40 seconds until the "
        "ring glows soft white: the reset is complete.\n"
    ),
    "wifi-setup.md": (
        "# Wi-Fi setup\n\nThe lamp joins 2.4 GHz networks only. Open the app, tap Add lamp and "
        "keep the phone within two metres of the lamp while it connects.\n"
    ),
    "warranty.md": (
        "# Warranty\n\nEvery lamp has a two-year warranty. Keep the receipt; we replace a "
        "faulty lamp free of charge within that time.\n"
    ),
}


@dataclass(frozen=True)
class CpuClock:
    """CPU seconds (user + system) of this process (API, workers, the fake model and the
    client, all in one) and of the processes under it (PostgreSQL, the Temporal dev server)."""

    own: float
    children: float

    @classmethod
    def read(cls) -> CpuClock:
        own = psutil.Process().cpu_times()
        mine = own.user + own.system
        return cls(mine, cpu_seconds() - mine)

    def __sub__(self, earlier: CpuClock) -> CpuClock:
        return CpuClock(self.own - earlier.own, self.children - earlier.children)


def percentile(samples: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) with linear interpolation between the closest ranks."""
    ordered = sorted(samples)
    if not ordered:
        raise ValueError("no samples")
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def p95(samples: Sequence[float]) -> float:
    return percentile(samples, 0.95)


# -- the instant model ---------------------------------------------------------------------

_OFFERS_TOOLS: contextvars.ContextVar[bool] = contextvars.ContextVar("offers_tools", default=False)


class InstantModel(FakeOpenAI):
    """The fake OpenAI server with its scripted replies taken by kind: a request that offers
    tools (the judge) gets the next function-call reply, any other the next text reply. With
    turns running at once, one turn's judge and another's answer interleave, and a single
    queue would hand each the other's reply. A request with nothing scripted is counted."""

    def __init__(self, api_key: str) -> None:
        self._tool_replies: deque[ScriptedReply] = deque()
        self._text_replies: deque[ScriptedReply] = deque()
        self.unscripted = 0
        super().__init__(api_key=api_key)

    def script_turns(self, count: int) -> None:
        for _ in range(count):
            self.reply_tool_call(JUDGE_TOOL_NAME, JUDGEMENT)
            self.reply_text(ANSWER)

    @property
    def pending_replies(self) -> int:
        with self._lock:
            return len(self._tool_replies) + len(self._text_replies)

    def _queue(self, reply: ScriptedReply) -> None:
        with self._lock:
            (self._tool_replies if reply.tool_calls else self._text_replies).append(reply)

    async def _admit(self, request: Request) -> tuple[dict[str, Any], JSONResponse | None]:
        body, refusal = await super()._admit(request)
        # Same task as the route that called us: the route reads it in _next_reply.
        _OFFERS_TOOLS.set(bool(body.get("tools")))
        return body, refusal

    def _next_reply(self) -> ScriptedReply:
        with self._lock:
            queue = self._tool_replies if _OFFERS_TOOLS.get() else self._text_replies
            if queue:
                return queue.popleft()
            self.unscripted += 1
            return ScriptedReply(DEFAULT_CHAT_REPLY)


# -- one conversation over HTTP --------------------------------------------------------------


@dataclass(frozen=True)
class StreamEvent:
    at: float  # perf_counter() when the event was read whole
    type: str
    data: dict[str, Any]  # the event's own data (the stream wraps it with ids and a type)


class EventStream:
    """One conversation's server-sent event stream, read on a task of its own from the
    moment it is open, every event stamped with the time it was read."""

    def __init__(self, client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> None:
        self._client = client
        self._url = url
        self._headers = headers
        self._events: asyncio.Queue[StreamEvent | None] = asyncio.Queue()  # None: it ended
        self._open = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.done_per_turn: Counter[str] = Counter()

    async def open(self, within: float = TURN_TIMEOUT_SECONDS) -> None:
        self._task = asyncio.create_task(self._read())
        opened = asyncio.create_task(self._open.wait())
        await asyncio.wait({self._task, opened}, timeout=within, return_when="FIRST_COMPLETED")
        if not self._open.is_set():
            opened.cancel()
            if self._task.done():
                self._task.result()  # raises what went wrong
            raise TimeoutError(f"the event stream {self._url} did not open within {within}s")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def next(self, deadline: float) -> StreamEvent:
        event = await asyncio.wait_for(self._events.get(), max(0.0, deadline - time.monotonic()))
        if event is None:
            self._events.put_nowait(None)  # for the next reader too
            if self._task is not None:
                await asyncio.wait({self._task}, timeout=1.0)
                if self._task.done() and not self._task.cancelled():
                    self._task.result()  # raises what ended it
            raise RuntimeError(f"the event stream {self._url} ended")
        return event

    async def _read(self) -> None:
        try:
            await self._follow()
        finally:
            self._events.put_nowait(None)

    async def _follow(self) -> None:
        async with self._client.stream(
            "GET", self._url, headers=self._headers, timeout=None
        ) as response:
            if response.status_code != 200:
                body = await response.aread()
                raise RuntimeError(f"{self._url} answered {response.status_code}: {body[:200]!r}")
            kind, data = "message", ""
            async for line in response.aiter_lines():
                if line.startswith("retry:"):
                    self._open.set()  # sent once the server listens for this conversation
                elif line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: "):
                    data = line[6:]
                elif line == "" and data:
                    inner = json.loads(data).get("data") or {}
                    if kind == "message.done":
                        self.done_per_turn[str(inner.get("turn_id"))] += 1
                    self._events.put_nowait(StreamEvent(time.perf_counter(), kind, inner))
                    kind, data = "message", ""


@dataclass(frozen=True)
class TurnTiming:
    first: bool  # the conversation's first message (the Update-with-Start that starts it)
    post: float  # seconds from sending the POST to its response
    turn_started: float  # seconds from sending the POST to the turn.started event
    first_token: float  # seconds from sending the POST to the first token event
    done: float  # seconds from sending the POST to message.done


@dataclass
class Conversation:
    client: httpx.AsyncClient
    headers: dict[str, str]
    id: str
    stream: EventStream
    timeout: float = TURN_TIMEOUT_SECONDS  # for one turn, from its POST to message.done
    turns: list[TurnTiming] = field(default_factory=list)
    check: Callable[[dict[str, Any], str], None] | None = None  # None: the scripted answer
    decisions: list[str] = field(default_factory=list)  # each turn's decision, in order

    async def say(self, text: str) -> TurnTiming:
        """Post a visitor message and follow its turn on the stream until message.done."""
        message_id = str(uuid.uuid4())
        deadline = time.monotonic() + self.timeout
        sent = time.perf_counter()
        response = await self.client.post(
            f"/api/widget/conversations/{self.id}/messages",
            json={"text": text, "client_message_id": message_id},
            headers=self.headers,
        )
        posted = time.perf_counter()
        if response.status_code != 202:
            raise RuntimeError(
                f"posting a message answered {response.status_code}: {response.text}"
            )
        if response.json()["message_id"] != message_id:
            raise RuntimeError("the API stored the message under another id")
        first_token: float | None = None
        turn_started: float | None = None
        streamed: list[str] = []
        while True:
            try:
                event = await self.stream.next(deadline)
            except TimeoutError:
                raise TimeoutError(
                    f"no message.done within {self.timeout:.0f}s for a message of "
                    f"conversation {self.id}"
                ) from None
            if event.data.get("turn_id") != message_id:
                continue  # the visitor message itself, or the turn starting
            if event.type == "turn.started":
                turn_started = event.at
            elif event.type == "token":
                first_token = first_token or event.at
                streamed.append(str(event.data.get("text", "")))
            elif event.type == "message.done":
                (self.check or _check_answer)(event.data, "".join(streamed))
                self.decisions.append(str(event.data.get("decision")))
                if first_token is None or turn_started is None:
                    raise RuntimeError("message.done arrived without turn.started and a token")
                timing = TurnTiming(
                    first=not self.turns,
                    post=posted - sent,
                    turn_started=turn_started - sent,
                    first_token=first_token - sent,
                    done=event.at - sent,
                )
                self.turns.append(timing)
                return timing


def _check_answer(done: dict[str, Any], streamed: str) -> None:
    if done.get("decision") != "answer" or not done.get("citations"):
        raise RuntimeError(
            f"the turn was not answered by the scripted model: {done.get('decision')!r}, "
            f"{str(done.get('content'))[:200]!r}"
        )
    if done.get("content") != ANSWER or streamed != ANSWER:
        raise RuntimeError(f"unexpected answer {done.get('content')!r} (streamed {streamed!r})")


@contextlib.asynccontextmanager
async def conversation(
    client: httpx.AsyncClient, public_key: str, turn_timeout: float = TURN_TIMEOUT_SECONDS
) -> AsyncIterator[Conversation]:
    """A new visitor's new conversation (the row only, as the widget's first step), with its
    event stream open."""
    response = await client.post(
        "/api/widget/visitors", json={}, headers={"x-perceptron-key": public_key}
    )
    if response.status_code != 201:
        raise RuntimeError(f"starting a visitor answered {response.status_code}: {response.text}")
    headers = {"Authorization": f"Bearer {response.json()['visitor_token']}"}
    response = await client.post("/api/widget/conversations", json={}, headers=headers)
    if response.status_code != 201:
        raise RuntimeError(
            f"starting a conversation answered {response.status_code}: {response.text}"
        )
    conversation_id = response.json()["conversation"]["id"]
    stream = EventStream(client, f"/api/widget/conversations/{conversation_id}/events", headers)
    try:
        await stream.open()
        yield Conversation(client, headers, conversation_id, stream, turn_timeout)
    finally:
        await stream.close()


def question(number: int) -> str:
    return f"How do I reset my lamp to factory settings? (question {number})"


# -- the stack -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setup:
    stack: Stack
    model: InstantModel
    api_url: str
    org_id: uuid.UUID
    public_key: str


@contextlib.asynccontextmanager
async def instant_stack(pool_size: int | None = None) -> AsyncIterator[Setup]:
    """The whole stack with the instant model, the API serving, an organization with a tiny
    knowledge base ingested (embedded by the fake) and ready."""
    model = InstantModel(API_KEY)
    with model.serve() as base_url:
        keyed = Settings(openai_api_key=SecretStr(API_KEY), openai_base_url=base_url)
        embedder = create_embedder(keyed)
        update: dict[str, Any] = {
            "openai_api_key": keyed.openai_api_key,
            "openai_base_url": base_url,
            "visitor_messages_per_minute": UNLIMITED,
            "new_visitors_per_minute": UNLIMITED,
            "visitor_conversations_per_hour": UNLIMITED,
            "address_conversations_per_hour": UNLIMITED,
            "seed_demo": False,
        }
        if pool_size is not None:
            update["db_pool_size"] = pool_size
        async with (
            running_stack(worker_embedder=embedder, settings_update=update) as stack,
            serving_api(stack.settings, embedder) as api_url,
        ):
            org_id = await stack.create_organization("Lumen")
            await stack.ingest_files(org_id, KNOWLEDGE, within=60.0)
            async with org_session(stack.session_maker, org_id) as session:
                organization = await session.get(Organization, org_id)
                assert organization is not None
                public_key = organization.public_key
            yield Setup(stack, model, api_url, org_id, public_key)


def http_client(
    api_url: str, connections: int = 20, timeout: float = TURN_TIMEOUT_SECONDS
) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=api_url,
        timeout=timeout,
        # Idle connections are dropped well before uvicorn closes them (after 5 s): a request
        # sent on a connection the server is closing fails with a read error.
        limits=httpx.Limits(
            max_connections=connections,
            max_keepalive_connections=connections,
            keepalive_expiry=1.0,
        ),
    )


# -- `turns` ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    new: list[float]  # Update-with-Start that starts the workflow (a new id each time)
    existing: list[float]  # the same call once the workflow runs (a second message)


async def update_with_start_round_trips(setup: Setup, count: int) -> Baseline:
    """The bare Update-with-Start of a visitor message, straight from a Temporal client: a
    new conversation (row written beforehand, off the clock) and workflow id each time, then
    a second message to the now running workflow. The turn the workflow runs after each is
    waited for, off the clock, so none overlaps the next call."""
    stack = setup.stack
    conversations = Conversations(stack.session_maker, stack.temporal, stack.settings)
    baseline = Baseline([], [])
    for number in range(count):
        row = await conversations.start(setup.org_id, None)
        for samples in (baseline.new, baseline.existing):
            setup.model.script_turns(1)
            message_id = uuid.uuid4()
            start = WithStartWorkflowOperation(  # as the API builds it, once per call
                ConversationWorkflow.run,
                ConversationInput(org_id=setup.org_id, conversation_id=row.id),
                id=conversation_workflow_id(setup.org_id, row.id),
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                task_queue=stack.settings.temporal.task_queues.conversations,
                search_attributes=search_attributes(setup.org_id, "conversation"),
            )
            started = time.perf_counter()
            await stack.temporal.execute_update_with_start_workflow(
                ConversationWorkflow.post_message,
                VisitorMessage(message_id=message_id, text=question(number)),
                start_workflow_operation=start,
            )
            samples.append(time.perf_counter() - started)
            await wait_answered(setup, message_id)
    return baseline


async def wait_answered(setup: Setup, message_id: uuid.UUID) -> None:
    deadline = time.monotonic() + TURN_TIMEOUT_SECONDS
    while True:
        async with org_session(setup.stack.session_maker, setup.org_id) as session:
            if await session.get(Message, answer_id(message_id)) is not None:
                return
        if time.monotonic() > deadline:
            raise TimeoutError(f"the turn of message {message_id} was not answered in time")
        await asyncio.sleep(0.005)


async def measure_turns(turns: int) -> BenchResult:
    baseline_count = max(20, turns // 4)
    async with instant_stack() as setup, http_client(setup.api_url) as client:
        # Warm up, off the clock: connections, the model client, the first workflow tasks.
        setup.model.script_turns(WARMUP_TURNS)
        async with conversation(client, setup.public_key) as warm:
            for number in range(WARMUP_TURNS):
                await warm.say(question(number))
        await update_with_start_round_trips(setup, 3)

        load_before = load_average()
        baseline = await update_with_start_round_trips(setup, baseline_count)
        print(
            f"   bare Update-with-Start p50: {p50(baseline.new) * 1000:.1f} ms starting the "
            f"workflow, {p50(baseline.existing) * 1000:.1f} ms on a running one",
            flush=True,
        )
        setup.model.script_turns(turns)
        timings: list[TurnTiming] = []
        cpu_started = CpuClock.read()
        started = time.perf_counter()
        with StatementCounter() as statements:
            while len(timings) < turns:
                async with conversation(client, setup.public_key) as chat:
                    for _ in range(min(MESSAGES_PER_CONVERSATION, turns - len(timings))):
                        timings.append(await chat.say(question(len(timings))))
        wall = time.perf_counter() - started
        cpu = CpuClock.read() - cpu_started
        load_after = load_average()
        if setup.model.unscripted or setup.model.pending_replies:
            raise RuntimeError(
                f"the model script went astray: {setup.model.unscripted} unscripted requests, "
                f"{setup.model.pending_replies} replies left"
            )
    result = turns_result(timings, baseline, wall, cpu, load_before, load_after)
    result.metrics.append(
        Metric("sql_statements_per_turn", statements.count / len(timings), "statements")
    )
    return result


class StatementCounter:
    """SQL statements this process sends (API, workers and the stream's reads) while the
    block runs: unlike times on a shared machine, the count does not wobble."""

    def __init__(self) -> None:
        self.count = 0

    def _count(self, *_: Any) -> None:
        self.count += 1

    def __enter__(self) -> StatementCounter:
        event.listen(Engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(Engine, "before_cursor_execute", self._count)


def turns_result(
    timings: Sequence[TurnTiming],
    baseline: Baseline,
    wall: float,
    cpu: CpuClock,
    load_before: float,
    load_after: float,
) -> BenchResult:
    first = [t for t in timings if t.first]
    follow = [t for t in timings if not t.first]

    def ms(values: Sequence[float]) -> list[float]:
        return [round(value * 1000, 3) for value in values]

    samples = {
        "first_token_first_message": ms([t.first_token for t in first]),
        "done_first_message": ms([t.done for t in first]),
        "first_token_follow_up": ms([t.first_token for t in follow]),
        "done_follow_up": ms([t.done for t in follow]),
        "post_first_message": ms([t.post for t in first]),
        "post_follow_up": ms([t.post for t in follow]),
        "turn_started_first_message": ms([t.turn_started for t in first]),
        "turn_started_follow_up": ms([t.turn_started for t in follow]),
        "update_with_start": ms(baseline.new),
        "update_existing_workflow": ms(baseline.existing),
    }
    every_token = samples["first_token_first_message"] + samples["first_token_follow_up"]
    base = "update_with_start_p50"
    metrics = [
        Metric(base, p50(samples["update_with_start"]), "ms"),
        Metric("update_with_start_p95", p95(samples["update_with_start"]), "ms"),
        Metric("first_token_first_p50", p50(samples["first_token_first_message"]), "ms", base),
        Metric("first_token_first_p95", p95(samples["first_token_first_message"]), "ms"),
        Metric("done_first_p50", p50(samples["done_first_message"]), "ms"),
        Metric("done_first_p95", p95(samples["done_first_message"]), "ms"),
        Metric("first_token_follow_up_p50", p50(samples["first_token_follow_up"]), "ms", base),
        Metric("first_token_follow_up_p95", p95(samples["first_token_follow_up"]), "ms"),
        Metric("done_follow_up_p50", p50(samples["done_follow_up"]), "ms"),
        Metric("done_follow_up_p95", p95(samples["done_follow_up"]), "ms"),
        Metric("first_token_all_p50", p50(every_token), "ms", base),
        Metric("first_token_all_p95", p95(every_token), "ms"),
        Metric("post_first_p50", p50(samples["post_first_message"]), "ms"),
        Metric("post_follow_up_p50", p50(samples["post_follow_up"]), "ms"),
        Metric("turn_started_first_p50", p50(samples["turn_started_first_message"]), "ms"),
        Metric("turn_started_follow_up_p50", p50(samples["turn_started_follow_up"]), "ms"),
        Metric("update_existing_workflow_p50", p50(samples["update_existing_workflow"]), "ms"),
        Metric("cpu_per_turn_this_process", cpu.own / len(timings) * 1000, "ms"),
        Metric("cpu_per_turn_postgres_temporal", cpu.children / len(timings) * 1000, "ms"),
    ]
    return BenchResult(
        name="turns",
        metrics=metrics,
        parameters={
            "turns": len(timings),
            "first_messages": len(first),
            "follow_ups": len(follow),
            "messages_per_conversation": MESSAGES_PER_CONVERSATION,
            "baseline_round_trips": len(baseline.new),
            "llm": "real SupportAgent LLM path against the instant FakeOpenAI "
            "(judge function call + streamed text per turn)",
            "embeddings": "FakeOpenAI (OpenAIEmbedder), 3-document knowledge base",
            "first_message": "POST /messages on a conversation created without text "
            "(its Update-with-Start starts the workflow)",
            "sse": "one stream per conversation, opened before the first message",
            "rate_limits": "visitor and new-visitor limits raised for the benchmark",
            "aim_first_token_p50_ms": AIM_FIRST_TOKEN_P50_MS,
            "aim_first_token_p95_ms": AIM_FIRST_TOKEN_P95_MS,
            "wall_s": round(wall, 2),
            "load_average_before": round(load_before, 2),
            "load_average_after": round(load_after, 2),
        },
        samples=samples,
    )


def run(options: Options) -> BenchResult:
    turns = options.repeat or DEFAULT_TURNS
    return asyncio.run(measure_turns(turns))


# -- `turns-concurrent` ----------------------------------------------------------------------


@dataclass(frozen=True)
class Verified:
    conversations: int
    visitor_messages: int
    assistant_messages: int
    done_events: int


async def verify(setup: Setup, chats: Sequence[Conversation]) -> Verified:
    """Every conversation holds exactly its messages and answers, each answer replying to a
    distinct visitor message of its own conversation; every answer was streamed once."""
    wanted = {uuid.UUID(chat.id) for chat in chats}
    async with org_session(setup.stack.session_maker, setup.org_id) as session:
        messages = (
            await session.exec(
                select(Message).where(col(Message.conversation_id).in_(list(wanted)))
            )
        ).all()
        done_rows = (
            await session.exec(
                select(ConversationEvent.conversation_id, func.count())
                .where(
                    ConversationEvent.type == "message.done",
                    col(ConversationEvent.conversation_id).in_(list(wanted)),
                )
                .group_by(col(ConversationEvent.conversation_id))
            )
        ).all()
    done_events = dict(done_rows)
    problems: list[str] = []
    for conversation_id in wanted:
        own = [m for m in messages if m.conversation_id == conversation_id]
        visitors = {m.id for m in own if m.role is MessageRole.VISITOR}
        answers = [m for m in own if m.role is MessageRole.ASSISTANT]
        replied = [m.reply_to_id for m in answers]
        if len(visitors) != MESSAGES_PER_CONVERSATION or len(answers) != len(visitors):
            problems.append(
                f"{conversation_id}: {len(visitors)} visitor, {len(answers)} assistant messages"
            )
        elif len(set(replied)) != len(replied) or set(replied) != visitors:
            problems.append(f"{conversation_id}: answers do not match the visitor messages")
        elif len(own) != 2 * MESSAGES_PER_CONVERSATION:
            problems.append(f"{conversation_id}: {len(own)} messages in all")
        elif done_events.get(conversation_id) != MESSAGES_PER_CONVERSATION:
            problems.append(f"{conversation_id}: {done_events.get(conversation_id)} answers stored")
    for chat in chats:
        repeated = [turn for turn, count in chat.stream.done_per_turn.items() if count != 1]
        if repeated or len(chat.stream.done_per_turn) != MESSAGES_PER_CONVERSATION:
            problems.append(
                f"{chat.id}: the stream showed answers {dict(chat.stream.done_per_turn)}"
            )
    if problems:
        raise RuntimeError(
            f"{len(problems)} conversations lost or duplicated messages: {problems[:5]}"
        )
    return Verified(
        conversations=len(wanted),
        visitor_messages=sum(m.role is MessageRole.VISITOR for m in messages),
        assistant_messages=sum(m.role is MessageRole.ASSISTANT for m in messages),
        done_events=sum(done_events.values()),
    )


async def measure_concurrent(count: int) -> BenchResult:
    pool_size = CONCURRENT_POOL_SIZE
    async with (
        instant_stack(pool_size=pool_size) as setup,
        http_client(
            setup.api_url, connections=2 * count + 20, timeout=CONCURRENT_LIMIT_SECONDS
        ) as client,
        contextlib.AsyncExitStack() as streams,
    ):
        setup.model.script_turns(WARMUP_TURNS)
        async with conversation(client, setup.public_key) as warm:
            for number in range(WARMUP_TURNS):
                await warm.say(question(number))

        opening = asyncio.Semaphore(20)

        async def open_one() -> Conversation:
            async with opening:
                return await streams.enter_async_context(
                    conversation(client, setup.public_key, CONCURRENT_LIMIT_SECONDS)
                )

        chats = list(await asyncio.gather(*(open_one() for _ in range(count))))
        print(f"   {count} conversations with their streams open", flush=True)
        setup.model.script_turns(count * MESSAGES_PER_CONVERSATION)
        go = asyncio.Event()

        async def talk(chat: Conversation) -> None:
            await go.wait()
            for number in range(MESSAGES_PER_CONVERSATION):
                await chat.say(question(number))

        load_before = load_average()
        tasks = [asyncio.create_task(talk(chat)) for chat in chats]
        cpu_started = CpuClock.read()
        started = time.perf_counter()
        go.set()
        progress = asyncio.create_task(report_progress(chats, started))
        limit = asyncio.timeout(CONCURRENT_LIMIT_SECONDS)
        try:
            async with limit:
                await asyncio.gather(*tasks)
        except TimeoutError:
            if not limit.expired():
                raise
            finished = sum(len(chat.turns) for chat in chats)
            raise TimeoutError(
                f"turns-concurrent gave up after {CONCURRENT_LIMIT_SECONDS:.0f}s with "
                f"{finished} of {count * MESSAGES_PER_CONVERSATION} turns answered"
            ) from None
        finally:
            for task in [*tasks, progress]:
                task.cancel()
        wall = time.perf_counter() - started
        cpu = CpuClock.read() - cpu_started
        load_after = load_average()
        used_pool_size = setup.stack.settings.db_pool_size
        await asyncio.sleep(0.5)  # a duplicate answer would show on the streams by now
        verified = await verify(setup, chats)
        if setup.model.unscripted or setup.model.pending_replies:
            raise RuntimeError(
                f"the model script went astray: {setup.model.unscripted} unscripted requests, "
                f"{setup.model.pending_replies} replies left"
            )
    timings = [turn for chat in chats for turn in chat.turns]
    done = [t.done * 1000 for t in timings]
    first_token = [t.first_token * 1000 for t in timings]
    posted = [t.post * 1000 for t in timings]
    return BenchResult(
        name="turns-concurrent",
        metrics=[
            Metric("turn_done_p50", p50(done), "ms"),
            Metric("turn_done_p95", p95(done), "ms"),
            Metric("first_token_p50", p50(first_token), "ms"),
            Metric("first_token_p95", p95(first_token), "ms"),
            Metric("post_p50", p50(posted), "ms"),
            Metric("post_p95", p95(posted), "ms"),
            Metric("wall", wall, "s"),
            Metric("turns_per_second", len(timings) / wall, "turns/s"),
            Metric("cpu_per_turn_this_process", cpu.own / len(timings) * 1000, "ms"),
            Metric("cpu_per_turn_postgres_temporal", cpu.children / len(timings) * 1000, "ms"),
        ],
        parameters={
            "conversations": count,
            "messages_per_conversation": MESSAGES_PER_CONVERSATION,
            "turns": len(timings),
            "verified_conversations": verified.conversations,
            "verified_visitor_messages": verified.visitor_messages,
            "verified_assistant_messages": verified.assistant_messages,
            "verified_message_done_events": verified.done_events,
            "llm": "real SupportAgent LLM path against the instant FakeOpenAI",
            "db_pool_size": used_pool_size,
            "rate_limits": "visitor and new-visitor limits raised for the benchmark",
            "limit_s": CONCURRENT_LIMIT_SECONDS,
            "load_average_before": round(load_before, 2),
            "load_average_after": round(load_after, 2),
        },
        samples={
            "turn_done": [round(v, 3) for v in done],
            "first_token": [round(v, 3) for v in first_token],
            "post": [round(v, 3) for v in posted],
        },
    )


async def report_progress(chats: Sequence[Conversation], started: float) -> None:
    total = len(chats) * MESSAGES_PER_CONVERSATION
    while True:
        await asyncio.sleep(15)
        finished = sum(len(chat.turns) for chat in chats)
        elapsed = time.perf_counter() - started
        print(f"   {finished}/{total} turns answered after {elapsed:.0f}s", flush=True)


def run_concurrent(options: Options) -> BenchResult:
    return asyncio.run(measure_concurrent(options.repeat or DEFAULT_CONVERSATIONS))


# -- `turns-keyless` -------------------------------------------------------------------------

KEYLESS_QUESTIONS = (
    Path(__file__).resolve().parents[1] / "tests" / "integration" / "support_agent_questions.yaml"
)


def _check_streamed(done: dict[str, Any], streamed: str) -> None:
    if done.get("content") != streamed:
        raise RuntimeError("the streamed text differs from the stored answer")


async def measure_keyless(turns: int) -> BenchResult:
    """The keyless agent through the real stack: the local embedding model, the Lumen fixture
    articles, and their answerable questions (each once, in turn) posted through the API; the
    first token and message.done of each answered turn, from the POST."""
    questions = [
        str(item["question"])
        for item in yaml.safe_load(KEYLESS_QUESTIONS.read_text())["answerable"]
    ]
    update: dict[str, Any] = {
        "visitor_messages_per_minute": UNLIMITED,
        "new_visitors_per_minute": UNLIMITED,
        "visitor_conversations_per_hour": UNLIMITED,
        "address_conversations_per_hour": UNLIMITED,
        "seed_demo": False,
    }
    async with (
        running_stack(settings_update=update) as stack,
        serving_api(stack.settings, stack.embedder) as api_url,
    ):
        org_id = await stack.create_organization("Lumen")
        await stack.ingest_files(
            org_id, {f"{article.slug}.md": article.markdown for article in load_articles()}
        )
        async with org_session(stack.session_maker, org_id) as session:
            organization = await session.get(Organization, org_id)
        assert organization is not None
        timings: list[TurnTiming] = []
        decisions: list[str] = []
        async with http_client(api_url) as client:
            async with conversation(client, organization.public_key) as warm:
                warm.check = _check_streamed
                for text in questions[:WARMUP_TURNS]:
                    await warm.say(text)
            load_before = load_average()
            number = 0
            while number < turns:
                async with conversation(client, organization.public_key) as chat:
                    chat.check = _check_streamed
                    for _ in range(min(MESSAGES_PER_CONVERSATION, turns - number)):
                        timings.append(await chat.say(questions[number % len(questions)]))
                        number += 1
                        if chat.decisions[-1] == "handoff":
                            break  # a person has the conversation now: the next one is new
                    decisions += chat.decisions
            load_after = load_average()
    answered = [t for t, d in zip(timings, decisions, strict=True) if d == "answer"]
    first = [t.first_token * 1000 for t in answered]
    done = [t.done * 1000 for t in answered]
    return BenchResult(
        name="turns-keyless",
        metrics=[
            Metric("first_token_p50", p50(first), "ms"),
            Metric("first_token_p95", p95(first), "ms"),
            Metric("done_p50", p50(done), "ms"),
            Metric("done_p95", p95(done), "ms"),
            Metric("answered_share", len(answered) / max(len(timings), 1), "share"),
        ],
        parameters={
            "turns": len(timings),
            "answered_turns": len(answered),
            "agent": "keyless SupportAgent (extractive responder, fitted judge)",
            "embeddings": "local all-MiniLM-L6-v2 int8",
            "knowledge": "the Lumen fixture articles (8)",
            "load_before": load_before,
            "load_after": load_after,
        },
        samples={"first_token_ms": first, "done_ms": done},
    )


def run_keyless(options: Options) -> BenchResult:
    return asyncio.run(measure_keyless(options.repeat or 100))
