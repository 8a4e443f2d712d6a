"""Conversations as the API uses them: start, post, signal, list, read.

The workflow owns the conversation's state; this module writes the row it starts from,
talks to the workflow (Update-with-Start for messages, signals for everything else) and
reads what the activities stored.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

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
        return conversation

    async def post(
        self, org_id: uuid.UUID, conversation_id: uuid.UUID, text: str, message_id: uuid.UUID
    ) -> PostedMessage:
        """Hand a visitor message to the conversation's workflow, starting it if needed; returns
        once the message is stored."""
        conversation = await self.get(org_id, conversation_id)
        if conversation.status is ConversationStatus.CLOSED:
            raise ConversationError(409, "the conversation has ended")
        start = WithStartWorkflowOperation(
            ConversationWorkflow.run,
            ConversationInput(
                org_id=org_id,
                conversation_id=conversation_id,
                settings=await self._conversation_settings(org_id),
            ),
            id=conversation_workflow_id(org_id, conversation_id),
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            task_queue=self._settings.temporal.task_queues.conversations,
            search_attributes=search_attributes(org_id, "conversation"),
        )
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
        self, org_id: uuid.UUID, filters: ConversationFilters, limit: int, offset: int
    ) -> tuple[list[Conversation], int]:
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
        if filters.needs_human is not None:
            query = query.where(Conversation.needs_human == filters.needs_human)
        if filters.contact_id is not None:
            query = query.where(Conversation.contact_id == filters.contact_id)
        async with org_session(self._session_maker, org_id) as session:
            total = (await session.exec(select(func.count()).select_from(query.subquery()))).one()
            rows = (
                await session.exec(
                    query.order_by(col(Conversation.updated_at).desc()).limit(limit).offset(offset)
                )
            ).all()
        return list(rows), total

    def _handle(
        self, org_id: uuid.UUID, conversation_id: uuid.UUID
    ) -> WorkflowHandle[ConversationWorkflow, str]:
        return self._temporal.get_workflow_handle_for(
            ConversationWorkflow.run, conversation_workflow_id(org_id, conversation_id)
        )

    async def _conversation_settings(self, org_id: uuid.UUID) -> ConversationSettings:
        async with org_session(self._session_maker, org_id) as session:
            organization = await session.get(Organization, org_id)
        chosen = OrganizationSettings.of(organization.settings if organization else {}, org_id)
        return ConversationSettings(
            idle_timeout_seconds=chosen.idle_timeout_seconds,
            handoff_timeout_seconds=chosen.handoff_timeout_seconds,
            resolved_retention_seconds=chosen.resolved_retention_seconds,
            max_history_events=chosen.max_history_events,
        )
