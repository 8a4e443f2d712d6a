"""Privacy requests (exports, contact erasure), deletion receipts and the data keys that
encrypt each organization's Temporal payloads.

``DeletionReceipt`` and ``DataKey`` are deliberately *not* organization data: they carry no
foreign key to ``organizations`` and no personal data, so deleting an organization leaves
the receipt (the proof of deletion) and lets the key be destroyed last, on its own.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Index, LargeBinary
from sqlmodel import Field, SQLModel

from core.models.base import OrgOwned, enum_field, id_field, json_field, timestamp_field


class PrivacyRequestKind(StrEnum):
    ORGANIZATION_EXPORT = "organization_export"
    CONTACT_EXPORT = "contact_export"
    CONTACT_ERASURE = "contact_erasure"


class PrivacyRequestStatus(StrEnum):
    PENDING = "pending"
    SCHEDULED = "scheduled"  # an erasure in its grace period; can be cancelled
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class PrivacyRequest(OrgOwned, table=True):
    """An export or a contact erasure, as the dashboard's privacy page lists it.

    ``contact_id`` has no foreign key on purpose: the request (and its receipt of counts)
    outlives the contact it erased. No name, email or phone is ever stored here.
    """

    __tablename__ = "privacy_requests"
    __table_args__ = (Index("ix_privacy_requests_org_created", "org_id", "created_at"),)

    id: uuid.UUID = id_field()
    kind: PrivacyRequestKind = enum_field(PrivacyRequestKind)
    status: PrivacyRequestStatus = enum_field(PrivacyRequestStatus, PrivacyRequestStatus.PENDING)
    contact_id: uuid.UUID | None = None
    reason: str | None = Field(default=None, max_length=60)
    workflow_id: str | None = Field(default=None, max_length=200)
    requested_by_member_id: uuid.UUID | None = Field(
        default=None, foreign_key="members.id", ondelete="SET NULL"
    )
    # What was done: counts per store for an erasure, files and rows for an export.
    receipt: dict[str, Any] = json_field()
    failure_reason: str | None = Field(default=None, max_length=1000)
    # Exports: the ZIP in storage and its expiring one-time-shown download token (hashed).
    file_key: str | None = Field(default=None, max_length=500)
    size_bytes: int | None = None
    download_token_hash: str | None = Field(default=None, max_length=64, unique=True)
    expires_at: datetime | None = timestamp_field(nullable=True)
    downloaded_at: datetime | None = timestamp_field(nullable=True)
    created_at: datetime = timestamp_field()
    completed_at: datetime | None = timestamp_field(nullable=True)


class DeletionSubject(StrEnum):
    ORGANIZATION = "organization"
    MEMBER = "member"


class DeletionStatus(StrEnum):
    SCHEDULED = "scheduled"  # in the grace period
    ON_HOLD = "on_hold"  # a legal hold pauses it
    PURGING = "purging"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    FAILED = "failed"  # its run ended mid-purge (terminated): a new request purges the rest


class DeletionReceipt(SQLModel, table=True):
    """The proof that an organization (or a member account) was deleted: what, when, how
    many rows per store. Kept outside the organization's data; fetched with the one-time
    token handed out when the deletion was requested (only its hash is stored)."""

    __tablename__ = "deletion_receipts"

    id: uuid.UUID = id_field()
    subject: DeletionSubject = enum_field(DeletionSubject)
    org_id: uuid.UUID = Field(index=True)
    member_id: uuid.UUID | None = None
    workflow_id: str = Field(max_length=200, index=True)
    token_hash: str = Field(max_length=64, unique=True)
    status: DeletionStatus = enum_field(DeletionStatus, DeletionStatus.SCHEDULED)
    requested_at: datetime = timestamp_field()
    purge_after: datetime = timestamp_field()
    deadline: datetime = timestamp_field()
    completed_at: datetime | None = timestamp_field(nullable=True)
    cancelled_at: datetime | None = timestamp_field(nullable=True)
    # Store name -> rows (or files, or histories) deleted. Counts only, never content.
    deleted: dict[str, Any] = json_field()


class DataKey(SQLModel, table=True):
    """An organization's payload data key, AES-256, stored wrapped (AES-GCM) under the master
    key. Destroying it (``wrapped_key`` set to NULL) makes every remaining Temporal payload of
    the organization unreadable: crypto-shredding. The row stays as a tombstone so no new key
    is ever issued for a deleted organization."""

    __tablename__ = "data_keys"

    id: uuid.UUID = id_field()
    org_id: uuid.UUID = Field(unique=True)
    wrapped_key: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    created_at: datetime = timestamp_field()
    destroyed_at: datetime | None = timestamp_field(nullable=True)
