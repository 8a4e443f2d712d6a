"""Organizations, their members, API keys and local sign-in links."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.models.base import OrgOwned, enum_field, id_field, json_field, timestamp_field


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    OPERATOR = "operator"
    COMPLIANCE = "compliance"


def new_public_key() -> str:
    return "pk_" + secrets.token_urlsafe(18)


def new_widget_secret() -> str:
    return "ws_" + secrets.token_urlsafe(32)


class Organization(SQLModel, table=True):
    __tablename__ = "organizations"

    id: uuid.UUID = id_field()
    name: str = Field(max_length=200)
    # The identity provider's organization id (Clerk), when members sign in through it.
    external_id: str | None = Field(default=None, unique=True, max_length=200)
    # The widget's public key (in the embed snippet) and the secret a customer's backend
    # signs verified identities with.
    public_key: str = Field(default_factory=new_public_key, unique=True, max_length=40)
    widget_secret: str = Field(default_factory=new_widget_secret, max_length=80)
    settings: dict[str, Any] = json_field()
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class Member(OrgOwned, table=True):
    """A person who works in an organization's dashboard. No password: identity is external."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("org_id", "idp_user_id"),)

    id: uuid.UUID = id_field()
    idp_user_id: str = Field(max_length=200, index=True)
    name: str = Field(default="", max_length=200)
    email: str | None = Field(default=None, max_length=320)
    role: Role = enum_field(Role, Role.OPERATOR)
    is_platform_staff: bool = False
    created_at: datetime = timestamp_field()
    last_seen_at: datetime | None = timestamp_field(nullable=True)


class ApiKey(OrgOwned, table=True):
    """A server-to-server credential. Only a SHA-256 of the secret is stored; it is shown once."""

    __tablename__ = "api_keys"

    id: uuid.UUID = id_field()
    name: str = Field(max_length=200)
    prefix: str = Field(max_length=16)
    key_hash: str = Field(max_length=64, unique=True)
    role: Role = enum_field(Role, Role.ADMIN)
    created_by: uuid.UUID | None = Field(
        default=None, foreign_key="members.id", ondelete="SET NULL"
    )
    created_at: datetime = timestamp_field()
    last_used_at: datetime | None = timestamp_field(nullable=True)
    revoked_at: datetime | None = timestamp_field(nullable=True)


class SignInLink(OrgOwned, table=True):
    """A one-time sign-in link for local auth mode (the embedded default). Stored hashed."""

    __tablename__ = "sign_in_links"

    id: uuid.UUID = id_field()
    member_id: uuid.UUID = Field(foreign_key="members.id", ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = timestamp_field()
    expires_at: datetime = timestamp_field()
    used_at: datetime | None = timestamp_field(nullable=True)


class SavedReply(OrgOwned, table=True):
    """A canned answer operators insert with ``/shortcut`` while replying."""

    __tablename__ = "saved_replies"
    __table_args__ = (UniqueConstraint("org_id", "shortcut", name="uq_saved_replies_shortcut"),)

    id: uuid.UUID = id_field()
    shortcut: str = Field(max_length=40)
    title: str = Field(max_length=200)
    content: str = Field(sa_type=Text)
    created_by: uuid.UUID | None = Field(
        default=None, foreign_key="members.id", ondelete="SET NULL", index=True
    )
    created_at: datetime = timestamp_field()
    updated_at: datetime | None = timestamp_field(nullable=True)


class Invitation(OrgOwned, table=True):
    """An invitation to join an organization with a role. Only a SHA-256 of the one-time link's
    token is stored; the link is shown (or emailed) once."""

    __tablename__ = "invitations"

    id: uuid.UUID = id_field()
    email: str = Field(max_length=320)
    role: Role = enum_field(Role, Role.OPERATOR)
    token_hash: str = Field(max_length=64, unique=True)
    invited_by: uuid.UUID | None = Field(
        default=None, foreign_key="members.id", ondelete="SET NULL", index=True
    )
    created_at: datetime = timestamp_field()
    expires_at: datetime = timestamp_field()
    accepted_at: datetime | None = timestamp_field(nullable=True)
    revoked_at: datetime | None = timestamp_field(nullable=True)
