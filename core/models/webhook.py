"""Webhooks: an organization's endpoints, the events waiting to go out, and each delivery.

``webhook_events`` is the outbox: a row written in the same transaction as the change it
announces (see ``core.webhooks``). It holds ids and the minimum needed, never message text,
emails or phone numbers. An event about a conversation references it (and its contact) with
ON DELETE CASCADE, and a delivery references its event and endpoint the same way, so erasing
a contact or deleting the organization takes the delivery log with it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Index, LargeBinary
from sqlmodel import Field

from core.models.base import OrgOwned, enum_field, id_field, json_field, timestamp_field


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # being tried (the workflow retries with backoff)
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # every try within the delivery window failed, or it was refused


class WebhookEndpoint(OrgOwned, table=True):
    """A URL an organization receives events on. Its signing secret is sealed with the
    organization's data key; it is shown once, when created or rotated. After a rotation the
    secret it replaced (still sealed as it was) signs too, until ``previous_secret_expires_at``,
    so a receiver can switch over without refusing a delivery."""

    __tablename__ = "webhook_endpoints"

    id: uuid.UUID = id_field()
    url: str = Field(max_length=2000)
    description: str = Field(default="", max_length=200)
    event_types: list[str] = json_field(list)
    sealed_secret: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    key_id: str = Field(max_length=64)  # the data key that sealed the secret
    previous_sealed_secret: bytes | None = Field(
        default=None, sa_column=Column(LargeBinary, nullable=True)
    )
    previous_key_id: str | None = Field(default=None, max_length=64)
    previous_secret_expires_at: datetime | None = timestamp_field(nullable=True)
    enabled: bool = True
    consecutive_failures: int = 0
    disabled_reason: str | None = Field(default=None, max_length=200)
    created_by: uuid.UUID | None = Field(
        default=None, foreign_key="members.id", ondelete="SET NULL", index=True
    )
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class WebhookEvent(OrgOwned, table=True):
    """One event to announce (the outbox). ``dispatched_at`` is set once a delivery per
    subscribed endpoint has been started; the row stays for replays."""

    __tablename__ = "webhook_events"
    __table_args__ = (
        Index(
            "ix_webhook_events_pending",
            "created_at",
            postgresql_where="dispatched_at IS NULL",
        ),
    )

    id: uuid.UUID = id_field()
    type: str = Field(max_length=40)
    data: dict[str, Any] = json_field()
    conversation_id: uuid.UUID | None = Field(
        default=None, foreign_key="conversations.id", ondelete="CASCADE", index=True
    )
    contact_id: uuid.UUID | None = Field(
        default=None, foreign_key="contacts.id", ondelete="CASCADE", index=True
    )
    created_at: datetime = timestamp_field()
    dispatched_at: datetime | None = timestamp_field(nullable=True)


class WebhookDelivery(OrgOwned, table=True):
    """One delivery of an event to an endpoint: the delivery log."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_endpoint_created", "endpoint_id", "created_at"),)

    id: uuid.UUID = id_field()
    endpoint_id: uuid.UUID = Field(foreign_key="webhook_endpoints.id", ondelete="CASCADE")
    event_id: uuid.UUID = Field(foreign_key="webhook_events.id", ondelete="CASCADE", index=True)
    event_type: str = Field(max_length=40)
    status: DeliveryStatus = enum_field(DeliveryStatus, DeliveryStatus.PENDING)
    attempts: int = 0
    response_status: int | None = None
    duration_ms: int | None = None
    last_error: str | None = Field(default=None, max_length=200)
    replay_of: uuid.UUID | None = Field(
        default=None, foreign_key="webhook_deliveries.id", ondelete="SET NULL", index=True
    )
    workflow_id: str = Field(max_length=200)
    created_at: datetime = timestamp_field()
    last_attempt_at: datetime | None = timestamp_field(nullable=True)
    finished_at: datetime | None = timestamp_field(nullable=True)
