"""Shared column helpers and the ``OrgOwned`` marker every organization's table inherits.

``OrgOwned`` is what the data layer keys its tenant scoping on (see ``core.db``): a query that
touches an ``OrgOwned`` table in a session not bound to an organization raises instead of
returning every tenant's rows.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, Enum
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


def id_field() -> Any:
    return Field(default_factory=new_id, primary_key=True)


def timestamp_field(*, nullable: bool = False, index: bool = False) -> Any:
    if nullable:
        return Field(default=None, sa_type=DateTime(timezone=True), nullable=True, index=index)
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True), index=index)


def enum_field(
    enum: type[StrEnum], default: StrEnum | None = None, *, nullable: bool = False
) -> Any:
    """Stored as VARCHAR holding the value (not a native PostgreSQL enum: easier to extend)."""
    column_type = Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=max(len(member.value) for member in enum) + 8,
        values_callable=lambda members: [member.value for member in members],
    )
    if nullable:
        return Field(default=default, sa_type=column_type, nullable=True)
    if default is None:
        return Field(sa_type=column_type)
    return Field(default=default, sa_type=column_type)


def json_field(default_factory: Any = dict) -> Any:
    return Field(default_factory=default_factory, sa_type=JSONB)


class OrgOwned(SQLModel):
    """A row that belongs to exactly one organization."""

    org_id: uuid.UUID = Field(foreign_key="organizations.id", index=True, ondelete="CASCADE")
