"""The conversation stream's store: append an event and announce it in one transaction.

Events are rows with monotonic ids; ``NOTIFY conversation_events, '<org>:<conversation>:<id>'``
wakes every API process that streams that conversation. The notification carries only ids,
so a missed one costs nothing: readers always fetch from the table, after the last id seen.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.db import refuse_other_organization
from core.models import ConversationEvent
from core.webhooks import conversation_webhook, record_event

CHANNEL = "conversation_events"
# Events for the organization's members only (private notes): a visitor's stream never
# carries them. Readers leave them out unless they ask for them (``members=True``).
MEMBER_ONLY_PREFIX = "note."


async def append_event(
    session: AsyncSession,
    org_id: uuid.UUID,
    conversation_id: uuid.UUID,
    type: str,
    data: dict[str, Any],
) -> int:
    """Also writes the webhook event it announces, if any, in the same transaction."""
    refuse_other_organization(session, org_id)  # a statement, which no flush guard sees
    webhook = conversation_webhook(type, data)
    if webhook is not None:
        kind, payload = webhook
        await record_event(
            session,
            org_id,
            kind,
            {"conversation_id": str(conversation_id), **payload},
            conversation_id=conversation_id,
        )
    # The row and its notification in one statement: one round trip on the way of every
    # token a visitor waits for.
    inserted = (
        insert(ConversationEvent)
        .values(
            org_id=org_id,
            conversation_id=conversation_id,
            type=type,
            data=data,
            created_at=datetime.now(UTC),
        )
        .returning(col(ConversationEvent.id))
        .cte("inserted")
    )
    announced = select(
        inserted.c.id,
        func.pg_notify(CHANNEL, func.concat(f"{org_id}:{conversation_id}:", inserted.c.id)),
    )
    # Through the session, not its connection: pending rows are flushed first (and checked
    # by the tenant guard), so the event never precedes what it announces.
    event_id: int = (await session.exec(announced)).one()[0]
    return event_id


async def events_after(
    session: AsyncSession,
    after_id: int,
    conversation_id: uuid.UUID | None = None,
    limit: int = 500,
    *,
    members: bool = False,
) -> list[ConversationEvent]:
    """Events newer than ``after_id``, oldest first; of one conversation or of the whole
    organization the session is scoped to. Member-only events (notes) only when
    ``members`` is set: a visitor's stream never asks for them."""
    query = select(ConversationEvent).where(col(ConversationEvent.id) > after_id)
    if not members:
        query = query.where(col(ConversationEvent.type).not_like(f"{MEMBER_ONLY_PREFIX}%"))
    if conversation_id is not None:
        query = query.where(ConversationEvent.conversation_id == conversation_id)
    return list((await session.exec(query.order_by(col(ConversationEvent.id)).limit(limit))).all())


async def last_event_id(session: AsyncSession) -> int:
    """The newest event id of the scoped organization (0 when none)."""
    newest = (
        await session.exec(
            select(ConversationEvent.id).order_by(col(ConversationEvent.id).desc()).limit(1)
        )
    ).first()
    return newest or 0
