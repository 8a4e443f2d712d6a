"""Shared by the webhook tests: a local receiver that records what it is sent, a condition
waited for, and endpoints and events written straight to the tables."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from core.db import SessionMaker, org_session
from core.encryption import DataKeys, seal
from core.models import WebhookEndpoint, WebhookEvent
from core.ports import free_port
from core.webhooks import new_secret


@dataclass
class Received:
    headers: dict[str, str]
    body: str

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


@dataclass
class Receiver:
    """A local HTTP endpoint: records every request, answers the next scripted status
    (then ``otherwise``)."""

    url: str
    answers: list[int] = field(default_factory=list)
    otherwise: int = 200
    received: list[Received] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append(Received(dict(request.headers), await request.text()))
        status = self.answers.pop(0) if self.answers else self.otherwise
        return web.Response(status=status, text="ok" if status < 300 else "no")

    def of_type(self, type: str) -> list[Received]:
        return [r for r in self.received if r.event["type"] == type]


@asynccontextmanager
async def serve_receiver() -> AsyncIterator[Receiver]:
    port = free_port()
    found = Receiver(url=f"http://127.0.0.1:{port}/hooks")
    app = web.Application()
    app.router.add_post("/hooks", found.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield found
    finally:
        await runner.cleanup()


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("the condition did not hold in time")
        await asyncio.sleep(0.1)


async def add_endpoint(
    maker: SessionMaker,
    keyring: DataKeys,
    org_id: uuid.UUID,
    event_types: list[str],
    url: str = "https://hooks.example.com/in",
    *,
    enabled: bool = True,
    secret: str | None = None,
) -> WebhookEndpoint:
    """An endpoint written to its table, its secret sealed as the service seals it."""
    key = await keyring.for_organization(org_id)
    async with org_session(maker, org_id) as session:
        endpoint = WebhookEndpoint(
            org_id=org_id,
            url=url,
            event_types=event_types,
            sealed_secret=seal(key.key, (secret or new_secret()).encode(), org_id.bytes),
            key_id=key.key_id,
            enabled=enabled,
        )
        session.add(endpoint)
    return endpoint


async def add_event(
    maker: SessionMaker, org_id: uuid.UUID, type: str, created_at: datetime | None = None
) -> WebhookEvent:
    """An outbox row written without ``record_event``: nobody is notified."""
    async with org_session(maker, org_id) as session:
        event = WebhookEvent(
            org_id=org_id,
            type=type,
            data={"document_id": str(uuid.uuid4())},
            created_at=created_at or datetime.now(UTC),
        )
        session.add(event)
    return event
