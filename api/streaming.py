"""Server-sent events fed by PostgreSQL LISTEN/NOTIFY.

One LISTEN connection per API process wakes the streams of the conversations (and
organizations) a notification names. A stream always reads the events themselves from the
table, after the last id it sent, so nothing is lost when a notification is missed, the
client reconnects (``Last-Event-ID``) or the API restarts.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Callable

import psycopg

from core.conversation_events import CHANNEL, events_after
from core.db import SessionMaker, org_session
from core.logging import get_logger
from core.models import ConversationEvent

log = get_logger(__name__)

KEEPALIVE_SECONDS = 15.0


class EventHub:
    def __init__(self, database_url: str) -> None:
        self._dsn = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
        self._waiters: dict[uuid.UUID, set[asyncio.Event]] = defaultdict(set)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen(), name="event-hub")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def waiter(self, key: uuid.UUID) -> _Subscription:
        return _Subscription(self, key)

    def _add(self, key: uuid.UUID, event: asyncio.Event) -> None:
        self._waiters[key].add(event)

    def _remove(self, key: uuid.UUID, event: asyncio.Event) -> None:
        waiters = self._waiters.get(key)
        if waiters is not None:
            waiters.discard(event)
            if not waiters:
                del self._waiters[key]

    def _wake(self, key: uuid.UUID) -> None:
        for event in self._waiters.get(key, ()):
            event.set()

    async def _listen(self) -> None:
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self._dsn, autocommit=True
                ) as connection:
                    await connection.execute(f"LISTEN {CHANNEL}")
                    # Wake everyone once: anything committed while we were away is read now.
                    for key in list(self._waiters):
                        self._wake(key)
                    async for notification in connection.notifies():
                        self._dispatch(notification.payload)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("event listener lost its connection", error_type=type(error).__name__)
                await asyncio.sleep(1.0)

    def _dispatch(self, payload: str) -> None:
        try:
            org, conversation, _ = payload.split(":")
            self._wake(uuid.UUID(conversation))
            self._wake(uuid.UUID(org))
        except ValueError:
            log.warning("malformed notification")


class _Subscription:
    def __init__(self, hub: EventHub, key: uuid.UUID) -> None:
        self._hub = hub
        self._key = key
        self.event = asyncio.Event()

    def __enter__(self) -> asyncio.Event:
        self._hub._add(self._key, self.event)
        return self.event

    def __exit__(self, *_: object) -> None:
        self._hub._remove(self._key, self.event)


async def event_stream(
    hub: EventHub,
    session_maker: SessionMaker,
    org_id: uuid.UUID,
    last_event_id: int,
    conversation_id: uuid.UUID | None = None,
    render: Callable[[ConversationEvent], dict[str, object]] | None = None,
    *,
    members: bool = False,
) -> AsyncIterator[str]:
    """SSE text for one conversation (or a whole organization's inbox), from after
    ``last_event_id`` on, until the client goes away. Member-only events (private notes)
    are sent only to members' streams (``members=True``), never to a visitor's."""
    key = conversation_id or org_id
    with hub.waiter(key) as woken:
        yield "retry: 1000\n\n"
        while True:
            woken.clear()
            async with org_session(session_maker, org_id) as session:
                events = await events_after(
                    session, last_event_id, conversation_id, members=members
                )
            for event in events:
                assert event.id is not None
                last_event_id = event.id
                body = render(event) if render else default_render(event)
                yield f"id: {event.id}\nevent: {event.type}\ndata: {json.dumps(body)}\n\n"
            if events and len(events) >= 500:
                continue  # more to catch up on
            try:
                await asyncio.wait_for(woken.wait(), KEEPALIVE_SECONDS)
            except TimeoutError:
                yield ": keepalive\n\n"


def default_render(event: ConversationEvent) -> dict[str, object]:
    return {
        "id": event.id,
        "type": event.type,
        "conversation_id": str(event.conversation_id),
        "data": event.data,
        "created_at": event.created_at.isoformat(),
    }
