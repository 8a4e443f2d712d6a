"""Conversations as the API uses them: start, post, signal, list, read.

The workflow owns the conversation's state; this module writes the row it starts from,
talks to the workflow (Update-with-Start for messages, signals for everything else) and
reads what the activities stored.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnClause, literal_column, tuple_
from sqlalchemy.dialects.postgresql import distinct_on
from sqlmodel import col, func, select
from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from core.db import SessionMaker, org_session
from core.ids import conversation_workflow_id, search_attributes
from core.models import (
    Channel,
    Conversation,
    ConversationStatus,
    Message,
    Organization,
)
from core.organization_settings import OrganizationSettings
from core.settings import Settings
from core.webhooks import CONVERSATION_CREATED, record_event
from services.errors import RefusedError
from workflows.conversation import (
    MESSAGE_NOT_STORED,
    ConversationInput,
    ConversationSettings,
    ConversationView,
    ConversationWorkflow,
    PostedMessage,
    VisitorMessage,
)


class ConversationError(RefusedError):
    """A request to a conversation refused: the HTTP status and a message for the caller."""


@dataclass(frozen=True)
class ConversationFilters:
    status: ConversationStatus | None = None
    channel: Channel | None = None
    since: datetime | None = None
    until: datetime | None = None
    assignee_id: uuid.UUID | None = None
    needs_human: bool | None = None
    contact_id: uuid.UUID | None = None
    unassigned: bool = False  # only conversations nobody is assigned to
    text: str | None = None  # full-text search over the messages (websearch syntax)


@dataclass(frozen=True)
class Cursor:
    """Where a page of the inbox ends: the last row's (updated_at, id), newest first."""

    updated_at: datetime
    id: uuid.UUID

    def encode(self) -> str:
        raw = f"{self.updated_at.isoformat()}|{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
            at, _, row_id = raw.partition("|")
            cursor = cls(updated_at=datetime.fromisoformat(at), id=uuid.UUID(row_id))
        except ValueError as error:
            raise ConversationError(422, "cursor is not one this API returned") from error
        if cursor.updated_at.tzinfo is None:
            raise ConversationError(422, "cursor is not one this API returned")
        return cursor


@dataclass(frozen=True)
class ConversationListPage:
    rows: list[Conversation]
    total: int
    next_cursor: Cursor | None
    previews: dict[uuid.UUID, str]  # conversation id -> its last message, shortened


# The expression of the GIN index ix_messages_content_search, written out exactly (the
# configuration as a literal regconfig, not a bound parameter) so the planner matches it.
MESSAGE_SEARCH_VECTOR: ColumnClause[Any] = literal_column(
    "to_tsvector('simple'::regconfig, messages.content)"
)
PREVIEW_CHARS = 140


def message_search(text: str) -> Any:
    """``messages`` rows whose content matches ``text`` (websearch syntax: words, "phrases",
    -excluded, or), through the full-text index."""
    return MESSAGE_SEARCH_VECTOR.op("@@")(
        func.websearch_to_tsquery(literal_column("'simple'::regconfig"), text)
    )


class Conversations:
    def __init__(self, session_maker: SessionMaker, temporal: Client, settings: Settings) -> None:
        self._session_maker = session_maker
        self._temporal = temporal
        self._settings = settings

    async def start(
        self, org_id: uuid.UUID, contact_id: uuid.UUID | None, channel: Channel = Channel.CHAT
    ) -> Conversation:
        """The row only: the workflow starts with the first message (Update-with-Start)."""
        async with org_session(self._session_maker, org_id) as session:
            conversation = Conversation(org_id=org_id, contact_id=contact_id, channel=channel)
            conversation.workflow_id = conversation_workflow_id(org_id, conversation.id)
            session.add(conversation)
            await session.flush()
            await record_event(
                session,
                org_id,
                CONVERSATION_CREATED,
                {"conversation_id": str(conversation.id), "channel": channel.value},
                conversation_id=conversation.id,
            )
        return conversation

    async def post(
        self,
        org_id: uuid.UUID,
        conversation_id: uuid.UUID,
        text: str,
        message_id: uuid.UUID,
        *,
        contact_id: uuid.UUID | None = None,
    ) -> PostedMessage:
        """Hand a visitor message to the conversation's workflow, starting it if needed; returns
        once the message is stored. With ``contact_id``, only that contact's conversation: any
        other is 404, as one that does not exist."""
        options = await self._start_options(org_id, conversation_id, contact_id)
        start = WithStartWorkflowOperation(ConversationWorkflow.run, **options)
        try:
            return await self._temporal.execute_update_with_start_workflow(
                ConversationWorkflow.post_message,
                VisitorMessage(message_id=message_id, text=text),
                start_workflow_operation=start,
            )
        except WorkflowUpdateFailedError as error:
            cause = error.cause
            unavailable = isinstance(cause, ApplicationError) and cause.type == MESSAGE_NOT_STORED
            raise ConversationError(
                503 if unavailable else 422, getattr(cause, "message", None) or str(cause)
            ) from error

    async def signal(
        self, org_id: uuid.UUID, conversation_id: uuid.UUID, name: str, arg: Any = None
    ) -> None:
        handle = self._handle(org_id, conversation_id)
        try:
            if arg is None:
                await handle.signal(name)
            else:
                await handle.signal(name, arg)
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                raise ConversationError(409, "the conversation is not active") from error
            raise

    async def signal_with_start(
        self, org_id: uuid.UUID, conversation_id: uuid.UUID, name: str
    ) -> None:
        """Signal the conversation's workflow, starting it first when no message has yet (a
        call put through to a person before the caller said anything)."""
        await self._temporal.start_workflow(
            ConversationWorkflow.run,
            **await self._start_options(org_id, conversation_id),
            start_signal=name,
        )

    async def _start_options(
        self, org_id: uuid.UUID, conversation_id: uuid.UUID, contact_id: uuid.UUID | None = None
    ) -> Any:
        """How the conversation's workflow starts (by its first message or signal); refused
        when the conversation has ended. One transaction reads the conversation and its
        organization's settings (one query): this is on the way of every visitor message."""
        async with org_session(self._session_maker, org_id) as session:
            found = (
                await session.exec(
                    select(Conversation, Organization)
                    .join(Organization, col(Organization.id) == Conversation.org_id)
                    .where(col(Conversation.id) == conversation_id)
                )
            ).first()
        conversation, organization = found if found is not None else (None, None)
        if conversation is None or contact_id not in (None, conversation.contact_id):
            raise ConversationError(404, "no such conversation")
        if conversation.status is ConversationStatus.CLOSED:
            raise ConversationError(409, "the conversation has ended")
        return {
            "arg": ConversationInput(
                org_id=org_id,
                conversation_id=conversation_id,
                settings=_conversation_settings(organization, org_id),
            ),
            "id": conversation_workflow_id(org_id, conversation_id),
            "id_conflict_policy": WorkflowIDConflictPolicy.USE_EXISTING,
            "task_queue": self._settings.temporal.task_queues.conversations,
            "search_attributes": search_attributes(org_id, "conversation"),
        }

    async def view(self, org_id: uuid.UUID, conversation_id: uuid.UUID) -> ConversationView | None:
        try:
            return await self._handle(org_id, conversation_id).query(
                ConversationWorkflow.view, rpc_timeout=timedelta(seconds=1)
            )
        except RPCError:
            return None

    async def get(self, org_id: uuid.UUID, conversation_id: uuid.UUID) -> Conversation:
        async with org_session(self._session_maker, org_id) as session:
            conversation = await session.get(Conversation, conversation_id)
        if conversation is None:
            raise ConversationError(404, "no such conversation")
        return conversation

    async def messages(self, org_id: uuid.UUID, conversation_id: uuid.UUID) -> list[Message]:
        async with org_session(self._session_maker, org_id) as session:
            return list(
                (
                    await session.exec(
                        select(Message)
                        .where(Message.conversation_id == conversation_id)
                        .order_by(col(Message.created_at), col(Message.id))
                    )
                ).all()
            )

    async def list(
        self,
        org_id: uuid.UUID,
        filters: ConversationFilters,
        limit: int,
        offset: int = 0,
        cursor: Cursor | None = None,
    ) -> tuple[list[Conversation], int]:
        page = await self.page(org_id, filters, limit, offset=offset, cursor=cursor)
        return page.rows, page.total

    async def page(
        self,
        org_id: uuid.UUID,
        filters: ConversationFilters,
        limit: int,
        *,
        offset: int = 0,
        cursor: Cursor | None = None,
        previews: bool = False,
    ) -> ConversationListPage:
        """A page of the organization's conversations, last active first (updated_at, then
        id); ``cursor`` (keyset) continues after the previous page's last row."""
        query = select(Conversation)
        if filters.status is not None:
            query = query.where(Conversation.status == filters.status)
        if filters.channel is not None:
            query = query.where(Conversation.channel == filters.channel)
        if filters.since is not None:
            query = query.where(col(Conversation.created_at) >= filters.since)
        if filters.until is not None:
            query = query.where(col(Conversation.created_at) < filters.until)
        if filters.assignee_id is not None:
            query = query.where(Conversation.assignee_id == filters.assignee_id)
        if filters.unassigned:
            query = query.where(col(Conversation.assignee_id).is_(None))
        if filters.needs_human is not None:
            query = query.where(Conversation.needs_human == filters.needs_human)
        if filters.contact_id is not None:
            query = query.where(Conversation.contact_id == filters.contact_id)
        if filters.text:
            matching = select(col(Message.conversation_id)).where(message_search(filters.text))
            query = query.where(col(Conversation.id).in_(matching))
        order = (col(Conversation.updated_at).desc(), col(Conversation.id).desc())
        async with org_session(self._session_maker, org_id) as session:
            total = (await session.exec(select(func.count()).select_from(query.subquery()))).one()
            if cursor is not None:
                query = query.where(
                    tuple_(col(Conversation.updated_at), col(Conversation.id))
                    < tuple_(cursor.updated_at, cursor.id)
                )
            rows = list(
                (await session.exec(query.order_by(*order).limit(limit + 1).offset(offset))).all()
            )
            more = len(rows) > limit
            rows = rows[:limit]
            shown = await self._previews(session, [row.id for row in rows]) if previews else {}
        last = rows[-1] if more and rows else None
        return ConversationListPage(
            rows=rows,
            total=total,
            next_cursor=Cursor(last.updated_at, last.id) if last else None,
            previews=shown,
        )

    @staticmethod
    async def _previews(session: Any, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
        """Each conversation's newest message, cut to PREVIEW_CHARS (one query, through
        ix_messages_conversation_created)."""
        if not ids:
            return {}
        newest = (
            select(col(Message.conversation_id), col(Message.content))
            .where(col(Message.conversation_id).in_(ids))
            .ext(distinct_on(col(Message.conversation_id)))
            .order_by(col(Message.conversation_id), col(Message.created_at).desc())
        )
        found = await session.exec(newest)
        return {
            conversation_id: (
                content if len(content) <= PREVIEW_CHARS else content[: PREVIEW_CHARS - 1] + "…"
            )
            for conversation_id, content in found
        }

    def _handle(
        self, org_id: uuid.UUID, conversation_id: uuid.UUID
    ) -> WorkflowHandle[ConversationWorkflow, str]:
        return self._temporal.get_workflow_handle_for(
            ConversationWorkflow.run, conversation_workflow_id(org_id, conversation_id)
        )


def _conversation_settings(
    organization: Organization | None, org_id: uuid.UUID
) -> ConversationSettings:
    """What a conversation's workflow is started with, from its organization's settings."""
    chosen = OrganizationSettings.of(organization.settings if organization else {}, org_id)
    return ConversationSettings(
        idle_timeout_seconds=chosen.idle_timeout_seconds,
        handoff_timeout_seconds=chosen.handoff_timeout_seconds,
        resolved_retention_seconds=chosen.resolved_retention_seconds,
        max_history_events=chosen.max_history_events,
    )
