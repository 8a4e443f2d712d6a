"""Server-sent events fed by PostgreSQL LISTEN/NOTIFY.

One LISTEN connection per API process wakes the streams of the conversations (and
organizations) a notification names. A stream always reads the events themselves from the
table, after the last id it sent, so nothing is lost when a notification is missed, the
client reconnects (``Last-Event-ID``) or the API restarts.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable

from core.conversation_events import events_after
from core.db import SessionMaker, org_session
from core.event_hub import EventHub
from core.models import ConversationEvent

__all__ = ["EventHub", "default_render", "event_stream"]

KEEPALIVE_SECONDS = 15.0


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
