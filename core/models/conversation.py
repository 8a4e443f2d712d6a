"""Contacts (the organization's customers), conversations, messages and calls."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Column, Identity, Index, Text, text
from sqlmodel import Field

from core.models.base import OrgOwned, enum_field, id_field, json_field, timestamp_field


class Channel(StrEnum):
    CHAT = "chat"
    VOICE = "voice"
    PHONE = "phone"


class ConversationStatus(StrEnum):
    OPEN = "open"
    WAITING_FOR_HUMAN = "waiting_for_human"
    WITH_OPERATOR = "with_operator"
    RESOLVED = "resolved"
    CLOSED = "closed"  # ended by the visitor; takes no more messages


class MessageRole(StrEnum):
    VISITOR = "visitor"
    ASSISTANT = "assistant"
    OPERATOR = "operator"
    SYSTEM = "system"


class MessageStatus(StrEnum):
    COMPLETE = "complete"
    FAILED = "failed"
    # A spoken answer the caller talked over: ``trail["heard"]`` holds the part played.
    INTERRUPTED = "interrupted"


class CallOutcome(StrEnum):
    COMPLETED = "completed"  # the caller (or the assistant) hung up after the conversation
    TRANSFERRED = "transferred"  # put through to a person (``transfer_target``)
    CALLBACK = "callback"  # outside business hours: a callback was offered, waits in the inbox
    ENDED_BY_OPERATOR = "ended_by_operator"
    FAILED = "failed"  # the media connection broke (the voice process died, the network)
    NOT_ANSWERED = "not_answered"  # the stream never started (busy, no-answer, refused)


class Contact(OrgOwned, table=True):
    __tablename__ = "contacts"

    id: uuid.UUID = id_field()
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320, index=True)
    phone: str | None = Field(default=None, max_length=40)
    # True when the organization's backend vouched for the identity (signed widget identify).
    verified: bool = False
    external_id: str | None = Field(default=None, max_length=200)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class Conversation(OrgOwned, table=True):
    __tablename__ = "conversations"
    __table_args__ = (
        Index("ix_conversations_org_status_updated", "org_id", "status", "updated_at"),
    )

    id: uuid.UUID = id_field()
    contact_id: uuid.UUID | None = Field(
        default=None, foreign_key="contacts.id", ondelete="CASCADE", index=True
    )
    channel: Channel = enum_field(Channel, Channel.CHAT)
    status: ConversationStatus = enum_field(ConversationStatus, ConversationStatus.OPEN)
    assignee_id: uuid.UUID | None = Field(
        default=None, foreign_key="members.id", ondelete="SET NULL"
    )
    workflow_id: str | None = Field(default=None, max_length=200)
    needs_human: bool = False
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()
    last_message_at: datetime | None = timestamp_field(nullable=True)
    resolved_at: datetime | None = timestamp_field(nullable=True)


class Message(OrgOwned, table=True):
    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_conversation_created", "conversation_id", "created_at"),
        # Full-text search over messages for the inbox ('simple': no language's stemming).
        Index(
            "ix_messages_content_search",
            text("to_tsvector('simple', content)"),
            postgresql_using="gin",
        ),
    )

    id: uuid.UUID = id_field()
    conversation_id: uuid.UUID = Field(foreign_key="conversations.id", ondelete="CASCADE")
    role: MessageRole = enum_field(MessageRole)
    content: str = Field(sa_type=Text)
    status: MessageStatus = enum_field(MessageStatus, MessageStatus.COMPLETE)
    citations: list[dict[str, Any]] = json_field(list)
    # The decision trail of an assistant answer: retrieved chunks, decision and why.
    trail: dict[str, Any] = json_field()
    model: str | None = Field(default=None, max_length=100)
    prompt_version: str | None = Field(default=None, max_length=40)
    author_member_id: uuid.UUID | None = Field(
        default=None, foreign_key="members.id", ondelete="SET NULL"
    )
    feedback: int | None = None
    # The visitor message an assistant answer replies to: one answer per message, however
    # often the turn is retried.
    reply_to_id: uuid.UUID | None = Field(default=None, unique=True)
    created_at: datetime = timestamp_field()


class ConversationNote(OrgOwned, table=True):
    """A private note operators leave on a conversation. Visitors never see it; it is exported
    and erased with the conversation's messages."""

    __tablename__ = "conversation_notes"
    __table_args__ = (
        Index("ix_conversation_notes_conversation_created", "conversation_id", "created_at"),
    )

    id: uuid.UUID = id_field()
    conversation_id: uuid.UUID = Field(foreign_key="conversations.id", ondelete="CASCADE")
    author_member_id: uuid.UUID | None = Field(
        default=None, foreign_key="members.id", ondelete="SET NULL", index=True
    )
    content: str = Field(sa_type=Text)
    created_at: datetime = timestamp_field()
    updated_at: datetime | None = timestamp_field(nullable=True)


class Call(OrgOwned, table=True):
    """A phone call or in-browser voice session; its transcript lives in ``messages``.

    ``direction`` is ``inbound`` (a phone call) or ``browser`` (the widget's microphone).
    The media stream is opened with a single-use, short-lived token: only its SHA-256 is
    stored, with its expiry and when it was used.
    """

    __tablename__ = "calls"

    id: uuid.UUID = id_field()
    conversation_id: uuid.UUID | None = Field(
        default=None, foreign_key="conversations.id", ondelete="CASCADE", index=True
    )
    contact_id: uuid.UUID | None = Field(
        default=None, foreign_key="contacts.id", ondelete="CASCADE", index=True
    )
    direction: str = Field(default="inbound", max_length=10)
    from_number: str | None = Field(default=None, max_length=40)
    to_number: str | None = Field(default=None, max_length=40)
    provider_call_id: str | None = Field(default=None, max_length=64, index=True)
    status: str = Field(default="ringing", max_length=20)
    started_at: datetime = timestamp_field()
    ended_at: datetime | None = timestamp_field(nullable=True)
    duration_seconds: int | None = None
    phone_number_id: uuid.UUID | None = Field(
        default=None, foreign_key="phone_numbers.id", ondelete="SET NULL", index=True
    )
    outcome: CallOutcome | None = enum_field(CallOutcome, nullable=True)
    transfer_target: str | None = Field(default=None, max_length=40)
    # True when the organization records calls: the audio is in storage under the call's id.
    recorded: bool = False
    stream_token_hash: str | None = Field(default=None, max_length=64, unique=True)
    stream_token_expires_at: datetime | None = timestamp_field(nullable=True)
    stream_token_used_at: datetime | None = timestamp_field(nullable=True)
    # The media loop's heartbeat while the call is live: a call whose loop died (its process
    # killed) stops beating and is ended as failed by the sweep (services.calls).
    alive_at: datetime | None = timestamp_field(nullable=True)


class ConversationEvent(OrgOwned, table=True):
    """The conversation's stream: tokens, finished messages, operator and status changes.

    Ids are monotonic (a sequence), announced with NOTIFY; a client that reconnects, or an
    API that restarts, replays everything after the last id it saw.
    """

    __tablename__ = "conversation_events"
    __table_args__ = (Index("ix_conversation_events_conversation_id_id", "conversation_id", "id"),)

    id: int | None = Field(
        default=None, sa_column=Column(BigInteger, Identity(always=True), primary_key=True)
    )
    conversation_id: uuid.UUID = Field(foreign_key="conversations.id", ondelete="CASCADE")
    type: str = Field(max_length=40)
    data: dict[str, Any] = json_field()
    created_at: datetime = timestamp_field()
