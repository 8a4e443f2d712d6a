"""Telephony: an organization's own Twilio account (sealed with its data key) and the phone
numbers that route calls to its assistant. Calls themselves are in ``core.models.conversation``."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field

from core.models.base import OrgOwned, enum_field, id_field, timestamp_field


class NumberSource(StrEnum):
    OWN = "own"  # a number of the organization's own Twilio account
    PLATFORM = "platform"  # assigned by the platform from its Twilio account


class TelephonyAccount(OrgOwned, table=True):
    """An organization's own Twilio account. The account SID and auth token are sealed
    together (AES-256-GCM) under the organization's data key: never stored or logged in the
    clear, and shredded with the key when the organization is deleted."""

    __tablename__ = "telephony_accounts"

    id: uuid.UUID = id_field()
    org_id: uuid.UUID = Field(foreign_key="organizations.id", ondelete="CASCADE", unique=True)
    provider: str = Field(default="twilio", max_length=20)
    sealed_credentials: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    key_id: str = Field(max_length=64)  # the data key that sealed them
    # Shown in settings so a person can tell which account is connected (``AC…1234``).
    account_hint: str = Field(max_length=12)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class PhoneNumber(OrgOwned, table=True):
    """A number callers dial. Unique across the platform: an inbound call's called number
    names the organization."""

    __tablename__ = "phone_numbers"

    id: uuid.UUID = id_field()
    number: str = Field(max_length=20, unique=True)  # E.164, e.g. +15551234567
    source: NumberSource = enum_field(NumberSource, NumberSource.OWN)
    provider_sid: str | None = Field(default=None, max_length=64)  # Twilio's PN… sid
    label: str = Field(default="", max_length=100)
    # Answered by the assistant, or put straight through to the handoff number.
    assistant_enabled: bool = True
    created_at: datetime = timestamp_field()
