"""Test doubles and steps for conversation tests: a scripted agent, a visitor, an SSE reader."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from agents.support.turn import (
    Citation,
    Decision,
    LLMUnavailableError,
    TokenSink,
    TurnInput,
    TurnOutcome,
)
from core.db import SessionMaker, org_session
from core.models import Organization


@dataclass
class ScriptedAgent:
    """Our own TurnRunner protocol, answering from a script: exercises the workflow, the
    activities and the streaming without depending on what the real agent would say."""

    decisions: list[Decision] = field(default_factory=list)  # consumed in order; then answer
    fail_next: int = 0
    token_delay: float = 0.0
    hang: asyncio.Event | None = None  # when set (not None), turns wait until it is set
    turns: list[TurnInput] = field(default_factory=list)

    async def run_turn(self, turn: TurnInput, on_token: TokenSink) -> TurnOutcome:
        self.turns.append(turn)
        if self.fail_next:
            self.fail_next -= 1
            raise LLMUnavailableError("the model timed out")
        decision = self.decisions.pop(0) if self.decisions else Decision.ANSWER
        text = (
            f"You asked: {turn.question} [1]"
            if decision is Decision.ANSWER
            else "Let me get a person from our team to help you."
        )
        words = text.split(" ")
        for index, word in enumerate(words):
            await on_token(word if index == len(words) - 1 else word + " ")
            if self.hang is not None and index == 1:
                await self.hang.wait()
            if self.token_delay:
                await asyncio.sleep(self.token_delay)
        citations = (
            [
                Citation(
                    number=1,
                    chunk_id=uuid.uuid4(),
                    document_id=uuid.uuid4(),
                    title="Help",
                    section="",
                    source_url=None,
                )
            ]
            if decision is Decision.ANSWER
            else []
        )
        return TurnOutcome(
            decision=decision,
            text=text,
            citations=citations,
            reason="scripted",
            trail={"retrieved": []},
            model="scripted",
            prompt_version="test",
        )


@dataclass
class Visitor:
    client: httpx.AsyncClient
    token: str
    contact_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def start(self, text: str | None = None) -> dict[str, Any]:
        body = {} if text is None else {"text": text}
        response = await self.client.post(
            "/api/widget/conversations", json=body, headers=self.headers
        )
        assert response.status_code == 201, response.text
        started: dict[str, Any] = response.json()
        return started

    async def say(self, conversation_id: str, text: str) -> httpx.Response:
        return await self.client.post(
            f"/api/widget/conversations/{conversation_id}/messages",
            json={"text": text},
            headers=self.headers,
        )

    async def history(self, conversation_id: str) -> list[dict[str, Any]]:
        response = await self.client.get(
            f"/api/widget/conversations/{conversation_id}/messages", headers=self.headers
        )
        assert response.status_code == 200, response.text
        messages: list[dict[str, Any]] = response.json()
        return messages


async def new_visitor(
    client: httpx.AsyncClient, public_key: str, origin: str | None = None, **body: str
) -> Visitor:
    headers = {"x-perceptron-key": public_key}
    if origin:
        headers["origin"] = origin
    response = await client.post("/api/widget/visitors", json=body, headers=headers)
    assert response.status_code == 201, response.text
    data = response.json()
    return Visitor(client=client, token=data["visitor_token"], contact_id=data["contact_id"])


async def configure(maker: SessionMaker, org_id: uuid.UUID, **settings: Any) -> None:
    async with org_session(maker, org_id) as session:
        organization = await session.get(Organization, org_id)
        assert organization is not None
        organization.settings = {**organization.settings, **settings}
        session.add(organization)


@dataclass
class SseEvent:
    id: int | None
    type: str
    data: dict[str, Any]


async def read_events(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    until: Callable[[list[SseEvent]], bool],
    within: float = 20.0,
    last_event_id: int | None = None,
) -> list[SseEvent]:
    """Read a server-sent event stream until ``until`` says enough (or fail after ``within``)."""
    events: list[SseEvent] = []
    request_headers = dict(headers)
    if last_event_id is not None:
        request_headers["Last-Event-ID"] = str(last_event_id)
    deadline = time.monotonic() + within

    async def consume() -> None:
        async with client.stream("GET", url, headers=request_headers, timeout=None) as response:
            assert response.status_code == 200, await response.aread()
            assert response.headers["content-type"].startswith("text/event-stream")
            event_id: int | None = None
            event_type = "message"
            data = ""
            async for line in response.aiter_lines():
                if line.startswith("id: "):
                    event_id = int(line[4:])
                elif line.startswith("event: "):
                    event_type = line[7:]
                elif line.startswith("data: "):
                    data = line[6:]
                elif line == "" and data:
                    events.append(SseEvent(event_id, event_type, json.loads(data)))
                    data = ""
                    if until(events):
                        return

    await asyncio.wait_for(consume(), max(0.1, deadline - time.monotonic()))
    return events


def turn_done(events: list[SseEvent], count: int = 1) -> bool:
    return sum(1 for event in events if event.type == "message.done") >= count
