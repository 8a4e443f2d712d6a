"""Webhook events: what an organization can subscribe to, how an event is recorded, and how
a delivery is signed (Standard Webhooks).

Durable emission, by an outbox. An event is a ``webhook_events`` row written in the *same
transaction* as the change it announces (the message stored, the document marked ready), so
either both are committed or neither is: a process that dies after the commit loses nothing,
and one that dies before it has announced nothing that did not happen. A dispatcher
(``services.webhooks``) then starts one delivery workflow per subscribed endpoint and marks
the row dispatched. A crash between starting the workflows and marking the row only means the
row is dispatched again: the delivery id (and so the workflow id) is derived from the event id
and the endpoint id, and a workflow id is never reused, so nothing is delivered twice.

The same transaction sends ``NOTIFY webhook_events`` (no payload: a transaction that records
many events sends one notification), which PostgreSQL delivers on commit only, so the
dispatchers wake as the event becomes visible; a rolled-back change wakes nobody.

Nothing is written when no enabled endpoint of the organization subscribes to the type, so an
organization without webhooks pays one indexed lookup per event. Payloads carry ids and the
minimum needed: never message text, names, emails or phone numbers.
"""

from __future__ import annotations

import base64
import secrets
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from standardwebhooks import Webhook

from core.models import WebhookEndpoint, WebhookEvent

CONVERSATION_CREATED = "conversation.created"
CONVERSATION_RESOLVED = "conversation.resolved"
MESSAGE_CREATED = "message.created"
HANDOFF_REQUESTED = "handoff.requested"
DOCUMENT_READY = "document.ready"
DOCUMENT_FAILED = "document.failed"
CALL_ENDED = "call.ended"
EXPORT_READY = "export.ready"
DELETION_COMPLETED = "deletion.completed"

EVENT_TYPES: tuple[str, ...] = (
    CONVERSATION_CREATED,
    CONVERSATION_RESOLVED,
    MESSAGE_CREATED,
    HANDOFF_REQUESTED,
    DOCUMENT_READY,
    DOCUMENT_FAILED,
    CALL_ENDED,
    EXPORT_READY,
    DELETION_COMPLETED,
)
# The dispatchers LISTEN on this channel; ``record_event`` notifies it.
CHANNEL = "webhook_events"
SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
_SECRET_BYTES = 24


def new_secret() -> str:
    """A signing secret as Standard Webhooks writes it: ``whsec_`` and base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(_SECRET_BYTES)).decode()


def signature_headers(
    secret: str, message_id: str, at: datetime, body: str, *, previous: str | None = None
) -> dict[str, str]:
    """The three Standard Webhooks headers for one delivery: ``webhook-signature`` is
    ``v1,`` and the base64 HMAC-SHA256 of ``{id}.{timestamp}.{body}`` under the secret; with
    ``previous`` (a rotated secret still in its overlap) a second one follows, after a space,
    so a receiver that knows either secret verifies the message."""
    signatures = [Webhook(key).sign(message_id, at, body) for key in (secret, previous) if key]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


async def record_event(
    session: AsyncSession,
    org_id: uuid.UUID,
    type: str,
    data: dict[str, Any],
    *,
    conversation_id: uuid.UUID | None = None,
    contact_id: uuid.UUID | None = None,
    event_id: uuid.UUID | None = None,
) -> uuid.UUID | None:
    """Write the event to the outbox in the caller's transaction, when an enabled endpoint
    of the organization wants it. ``event_id`` makes a repeated call (a retried activity)
    write it once. Returns the event id, or None when nobody subscribes."""
    if type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {type}")
    subscribed = (
        await session.exec(
            select(WebhookEndpoint.id)
            .where(
                WebhookEndpoint.org_id == org_id,
                col(WebhookEndpoint.enabled).is_(True),
                col(WebhookEndpoint.event_types).contains([type]),
            )
            .limit(1)
        )
    ).first()
    if subscribed is None:
        return None
    event_id = event_id or uuid.uuid4()
    await session.exec(
        insert(WebhookEvent)
        .values(
            id=event_id,
            org_id=org_id,
            type=type,
            data=data,
            conversation_id=conversation_id,
            contact_id=contact_id,
            created_at=datetime.now(UTC),
        )
        .on_conflict_do_nothing(index_elements=["id"])
    )
    await notify_dispatchers(session)
    return event_id


async def notify_dispatchers(session: AsyncSession) -> None:
    """Wake the dispatchers when the caller's transaction commits."""
    connection = await session.connection()
    await connection.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


def conversation_webhook(type: str, data: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The webhook event (type, payload) a conversation-stream event announces, if any:
    the payload keeps ids, the role and the status, never the text."""
    if type in {"message.created", "message.done"}:  # done: the assistant's answer stored
        return MESSAGE_CREATED, {"message_id": data.get("id"), "role": data.get("role")}
    if type == "handoff.requested":
        return HANDOFF_REQUESTED, {}
    if type == "status.changed" and data.get("status") == "resolved":
        return CONVERSATION_RESOLVED, {}
    return None
