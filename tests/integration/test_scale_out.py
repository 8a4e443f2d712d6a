"""Two API and two worker processes on one database and one Temporal, 200 conversations sent
round-robin, one API and one worker killed (SIGKILL) mid-run: every message is stored once and
answered once (checked in the database), and event streams that were on the killed API resume
on the other one from their last event id, missing nothing and seeing nothing twice.

The client behaves like a load balancer with health checks: a request that cannot reach an API
(or whose answer is cut off by the kill) goes to the other one, with the same message id."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlmodel import select

from core.db import SessionMaker, org_session
from core.models import ConversationEvent, Message, MessageRole
from core.ports import free_port
from core.settings import Settings
from tests.factories import create_member, create_organization, session_token
from tests.integration.conversation_helpers import configure
from tests.integration.knowledge_helpers import upload, wait_until_final

PERCEPTRON = str(Path(sys.executable).parent / "perceptron")
CONVERSATIONS = 200
WATCHED = 8  # conversations whose event stream is open on the API that is killed
AT_ONCE = 16  # conversations in flight at a time
KILL_AFTER = 70  # conversations started before one API and one worker are killed
ARTICLE = (
    "# Resetting the lamp\n\nHold the dial down for twelve seconds until the lamp blinks "
    "amber. The lamp then restarts with its factory settings.\n"
)
QUESTION = "How do I reset the lamp to its factory settings?"
UNREACHABLE = (httpx.TransportError,)


@dataclass
class Apis:
    """The two API addresses, and which are still believed to be up."""

    clients: list[httpx.AsyncClient]
    down: set[int] = field(default_factory=set)
    failovers: int = 0
    turn: Iterator[int] = field(default_factory=lambda: itertools.cycle([0, 1]))

    def order(self) -> list[int]:
        first = next(self.turn)
        return [index for index in (first, 1 - first) if index not in self.down]

    async def send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Round-robin; on a connection failure or a cut-off answer, the other API."""
        for index in self.order():
            try:
                return await self.clients[index].request(method, url, **kwargs)
            except UNREACHABLE:
                self.down.add(index)
                self.failovers += 1
        raise AssertionError("no API answered")


@dataclass
class Watched:
    """An event stream that follows its conversation across APIs."""

    url: str
    headers: dict[str, str]
    events: list[dict[str, Any]] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    reconnects: int = 0

    def answers(self) -> int:
        return sum(1 for event in self.events if event["type"] == "message.done")


async def test_two_apis_and_two_workers_answer_every_message_once_through_a_kill(
    settings: Settings, session_maker: SessionMaker, tmp_path: Path
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    # A killed worker's turn is taken over after two seconds without a heartbeat.
    await configure(session_maker, organization.id, turn_heartbeat_seconds=2)
    owner = await create_member(session_maker, organization.id)
    ports = [free_port(), free_port()]
    env = _environment(settings, tmp_path)
    with (
        _perceptron(
            ["api"], {**env, "PERCEPTRON_API_PORT": str(ports[0])}, tmp_path / "api-1.log"
        ) as api_one,
        _perceptron(["api"], {**env, "PERCEPTRON_API_PORT": str(ports[1])}, tmp_path / "api-2.log"),
        _perceptron(["worker"], env, tmp_path / "worker-1.log") as worker_one,
        _perceptron(["worker"], env, tmp_path / "worker-2.log"),
    ):
        async with (
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{ports[0]}", timeout=60) as one,
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{ports[1]}", timeout=60) as two,
        ):
            for client in (one, two):
                await _ready(client)
            staff = {"Authorization": f"Bearer {session_token(settings, owner)}"}
            uploaded = await upload(one, organization.id, staff, "reset.md", ARTICLE.encode())
            await wait_until_final(one, organization.id, staff, uploaded.json()["id"])

            apis = Apis([one, two])
            watched: list[Watched] = []
            sent: dict[str, list[uuid.UUID]] = {}
            for _ in range(WATCHED):  # their streams are on the API that will be killed
                conversation_id, headers = await _converse(apis, organization.public_key, sent)
                stream = Watched(f"/api/widget/conversations/{conversation_id}/events", headers)
                watched.append(stream)
            followers = [asyncio.create_task(_follow(stream, [one, two])) for stream in watched]

            gate = asyncio.Semaphore(AT_ONCE)
            started = asyncio.Event()
            progress = itertools.count(1)

            async def conversation() -> None:
                async with gate:
                    await _converse(apis, organization.public_key, sent)
                if next(progress) == KILL_AFTER:
                    started.set()

            runs = [asyncio.create_task(conversation()) for _ in range(CONVERSATIONS - WATCHED)]
            await started.wait()
            api_one.send_signal(signal.SIGKILL)
            worker_one.send_signal(signal.SIGKILL)
            await asyncio.gather(*runs)
            # The watched visitors write again after the kill: the answer reaches the
            # stream that moved to the surviving API.
            for stream in watched:
                conversation_id = stream.url.split("/")[-2]
                await _say(apis, conversation_id, stream.headers, sent, "And the colour?")
            await asyncio.wait_for(asyncio.gather(*followers), 120)
            messages = await _answered(session_maker, organization.id, within=120)

    assert api_one.returncode == -signal.SIGKILL
    assert worker_one.returncode == -signal.SIGKILL
    assert apis.failovers >= 1, "requests meant for the killed API went to the other"
    conversations = {str(m.conversation_id) for m in messages}
    assert set(sent) <= conversations
    assert len(sent) == CONVERSATIONS
    visitors = [m for m in messages if m.role is MessageRole.VISITOR]
    assert Counter(m.id for m in visitors) == Counter(
        message_id for ids in sent.values() for message_id in ids
    ), "every message stored once, whichever API it went to and however often it was sent"
    answered = Counter(m.reply_to_id for m in messages if m.role is MessageRole.ASSISTANT)
    assert answered == Counter(m.id for m in visitors), "every message answered exactly once"
    assert all(m.content.strip() for m in messages if m.role is MessageRole.ASSISTANT), (
        "no empty answer"
    )

    restarted = await _restarted_turns(session_maker, organization.id)
    print(f"{apis.failovers} requests failed over, {restarted} turns restarted on the other worker")
    for stream in watched:
        assert stream.reconnects >= 1, "the stream was on the killed API and moved"
        assert stream.answers() == 2, "both answers reached the stream"
        assert len(stream.ids) == len(set(stream.ids)), "no event twice"
        assert stream.ids == sorted(stream.ids), "in order"


async def _converse(
    apis: Apis, public_key: str, sent: dict[str, list[uuid.UUID]]
) -> tuple[str, dict[str, str]]:
    """A new visitor opens a conversation and asks; returns once the message is accepted."""
    keyed = {"x-perceptron-key": public_key}
    visitor = await apis.send("POST", "/api/widget/visitors", json={}, headers=keyed)
    assert visitor.status_code == 201, visitor.text
    headers = {"Authorization": f"Bearer {visitor.json()['visitor_token']}"}
    opened = await apis.send("POST", "/api/widget/conversations", json={}, headers=headers)
    assert opened.status_code == 201, opened.text
    conversation_id = str(opened.json()["conversation"]["id"])
    await _say(apis, conversation_id, headers, sent, QUESTION)
    return conversation_id, headers


async def _say(
    apis: Apis,
    conversation_id: str,
    headers: dict[str, str],
    sent: dict[str, list[uuid.UUID]],
    text: str,
) -> None:
    message_id = uuid.uuid4()
    sent.setdefault(conversation_id, []).append(message_id)
    url = f"/api/widget/conversations/{conversation_id}/messages"
    body = {"text": text, "client_message_id": str(message_id)}
    for _ in range(3):  # a message that reached a dying API is sent again, same id
        posted = await apis.send("POST", url, json=body, headers=headers)
        if posted.status_code != 503:
            break
        await asyncio.sleep(1)
    assert posted.status_code == 202, posted.text


async def _follow(stream: Watched, clients: list[httpx.AsyncClient]) -> None:
    """Read the stream until both answers arrived; on a broken connection, go on at the
    other API from the last event id, as the widget's EventSource does."""
    index = 0
    while stream.answers() < 2:
        headers = dict(stream.headers)
        if stream.ids:
            headers["Last-Event-ID"] = str(stream.ids[-1])
        try:
            async with clients[index].stream(
                "GET", stream.url, headers=headers, timeout=None
            ) as response:
                assert response.status_code == 200
                await _read(response, stream)
        except UNREACHABLE:
            stream.reconnects += 1
            index = 1 - index
            await asyncio.sleep(0.2)


async def _read(response: httpx.Response, stream: Watched) -> None:
    event_id: int | None = None
    event_type = "message"
    async for line in response.aiter_lines():
        if line.startswith("id: "):
            event_id = int(line[4:])
        elif line.startswith("event: "):
            event_type = line[7:]
        elif line.startswith("data: ") and event_id is not None:
            stream.ids.append(event_id)
            stream.events.append({"type": event_type, "data": json.loads(line[6:])})
            if stream.answers() >= 2:
                return


async def _answered(maker: SessionMaker, org_id: uuid.UUID, within: float) -> list[Message]:
    """Every message, once each visitor message has an answer (a turn that was on the killed
    worker waits for its heartbeat timeout), or as they are after ``within`` seconds."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        async with org_session(maker, org_id) as session:
            messages = list((await session.exec(select(Message))).all())
        asked = sum(1 for m in messages if m.role is MessageRole.VISITOR)
        answers = sum(1 for m in messages if m.role is MessageRole.ASSISTANT)
        if answers >= asked or asyncio.get_running_loop().time() > deadline:
            return messages
        await asyncio.sleep(0.5)


async def _restarted_turns(maker: SessionMaker, org_id: uuid.UUID) -> int:
    async with org_session(maker, org_id) as session:
        found = select(ConversationEvent).where(ConversationEvent.type == "turn.restarted")
        return len((await session.exec(found)).all())


async def _ready(client: httpx.AsyncClient) -> None:
    for _ in range(600):
        try:
            if (await client.get("/readyz", timeout=2)).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.2)
    raise AssertionError(f"the API at {client.base_url} did not get ready")


def _environment(settings: Settings, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": settings.resolved_database_url,
        "TEMPORAL_ADDRESS": settings.resolved_temporal_address,
        "PERCEPTRON_TEMPORAL_CONFIG": str(settings.temporal_config),
        "PERCEPTRON_DATA_DIR": str(tmp_path / "data"),
        "PERCEPTRON_VOICE_WARM_UP": "false",
        "PERCEPTRON_SEED_DEMO": "false",
        # Every visitor comes from loopback: the per-address budgets are not what is tested.
        "PERCEPTRON_NEW_VISITORS_PER_MINUTE": "10000",
        "PERCEPTRON_ADDRESS_CONVERSATIONS_PER_HOUR": "10000",
    }


@contextmanager
def _perceptron(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as output:
        process = subprocess.Popen(
            [PERCEPTRON, *command], env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        if process.returncode not in (0, -signal.SIGKILL, -signal.SIGTERM):
            print(log.read_text(errors="replace")[-4000:])
