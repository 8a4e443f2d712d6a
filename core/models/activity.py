"""What happens around the product: widget analytics events and the audit log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field

from core.models.base import OrgOwned, id_field, json_field, timestamp_field


class WidgetEvent(OrgOwned, table=True):
    """Technical data from the widget. Raw IPs expire after the organization's retention."""

    __tablename__ = "widget_events"
    __table_args__ = (Index("ix_widget_events_org_created", "org_id", "created_at"),)

    id: uuid.UUID = id_field()
    # Indexed: erasing a contact (or a conversation) finds its events without a scan.
    contact_id: uuid.UUID | None = Field(
        default=None, foreign_key="contacts.id", ondelete="CASCADE", index=True
    )
    conversation_id: uuid.UUID | None = Field(
        default=None, foreign_key="conversations.id", ondelete="CASCADE", index=True
    )
    type: str = Field(max_length=40)
    page_url: str | None = Field(default=None, max_length=2000)
    referrer: str | None = Field(default=None, max_length=2000)
    page_title: str | None = Field(default=None, max_length=500)
    browser: str | None = Field(default=None, max_length=100)
    device: str | None = Field(default=None, max_length=40)
    ip_address: str | None = Field(default=None, max_length=45)
    created_at: datetime = timestamp_field()


class AuditLogEntry(OrgOwned, table=True):
    """Who did what to whose data: exports, deletions, holds, transcript reads, key changes."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_org_created", "org_id", "created_at"),)

    id: uuid.UUID = id_field()
    actor_member_id: uuid.UUID | None = Field(
        default=None, foreign_key="members.id", ondelete="SET NULL"
    )
    actor_api_key_id: uuid.UUID | None = Field(
        default=None, foreign_key="api_keys.id", ondelete="SET NULL"
    )
    action: str = Field(max_length=60)
    target_type: str | None = Field(default=None, max_length=40)
    target_id: str | None = Field(default=None, max_length=100)
    details: dict[str, Any] = json_field()
    created_at: datetime = timestamp_field()
