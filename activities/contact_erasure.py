"""Contact erasure activities: mark the request, stop the contact's conversation workflows,
delete its rows (counted first, for the receipt), delete the conversations' Temporal
histories, and write the receipt.

Every activity is idempotent: statuses only move forward, the row deletion records its counts
in the request in the same transaction (a retry after a lost reply returns those counts), and
the Temporal loops resume from their last heartbeat, so a receipt never counts twice or zero.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import delete
from sqlmodel import col, func, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from core.db import SessionMaker, org_session
from core.ids import contact_erasure_id, conversation_workflow_id, search_attributes
from core.logging import get_logger
from core.models import (
    AuditLogEntry,
    Call,
    Contact,
    Conversation,
    ConversationEvent,
    ConversationNote,
    Message,
    PrivacyRequest,
    PrivacyRequestKind,
    PrivacyRequestStatus,
    SimulationResult,
    WebhookDelivery,
    WebhookEvent,
    WidgetEvent,
)
from core.storage import FileStorage, recording_key
from core.temporal import delete_workflow_run, workflow_runs
from core.webhooks import DELETION_COMPLETED, record_event

log = get_logger(__name__)

WAITING = (PrivacyRequestStatus.PENDING, PrivacyRequestStatus.SCHEDULED)
ACTIVE_ERASURE = (*WAITING, PrivacyRequestStatus.RUNNING)
# Kept in the request's receipt between the row deletion and the receipt, then dropped.
ERASED_CONVERSATIONS = "erased_conversations"

# The workflow's type and its signal, by name: the starter below sits under the workflows
# layer, and the workflow declares itself with these same names.
WORKFLOW_NAME = "ContactErasureWorkflow"
ERASE_NOW_SIGNAL = "erase_now"


@dataclass
class ContactErasureInput:
    org_id: uuid.UUID
    request_id: uuid.UUID
    contact_id: uuid.UUID
    grace_seconds: float = 0.0


@dataclass
class ErasureRef:
    org_id: uuid.UUID
    request_id: uuid.UUID
    contact_id: uuid.UUID


@dataclass
class ConversationBatch:
    org_id: uuid.UUID
    conversation_ids: list[uuid.UUID]
    # Runs deleted by an earlier step, not to be counted twice.
    skip_runs: list[str] = field(default_factory=list)


class ConversationRuns(BaseModel):
    """Workflow runs deleted (opaque run ids, no personal data) and how many of them were
    still running; also the heartbeat a retried activity resumes from."""

    index: int = 0
    terminated: int = 0
    deleted_runs: list[str] = Field(default_factory=list)


@dataclass
class ErasedRows:
    """Rows deleted per store, and the conversations that actually went: the final sweep
    deletes their histories too, including one started after the list was first taken."""

    deleted: dict[str, int]
    conversation_ids: list[uuid.UUID] = field(default_factory=list)


@dataclass
class ErasureCompletion:
    ref: ErasureRef
    deleted: dict[str, int]
    started_at: datetime
    completed_at: datetime


class ContactErasureStarter:
    """Starts an erasure request's workflow, idempotently: the workflow id is derived from the
    request. Used by the contacts service when an erasure is asked for, and by the daily
    retention sweep, the safety net for requests left without their workflow."""

    def __init__(self, session_maker: SessionMaker, temporal: Client, task_queue: str) -> None:
        self._session_maker = session_maker
        self._temporal = temporal
        self._task_queue = task_queue

    async def start(
        self, request: PrivacyRequest, grace: timedelta, *, erase_now: bool = False
    ) -> None:
        """Start the workflow, or use the one running with the request's id; with
        ``erase_now``, also signal it to end its grace period (signal-with-start)."""
        assert request.contact_id is not None
        workflow_id = request.workflow_id or contact_erasure_id(request.org_id, request.id)
        await self._temporal.start_workflow(
            WORKFLOW_NAME,
            ContactErasureInput(
                org_id=request.org_id,
                request_id=request.id,
                contact_id=request.contact_id,
                grace_seconds=grace.total_seconds(),
            ),
            id=workflow_id,
            task_queue=self._task_queue,
            search_attributes=search_attributes(request.org_id, "contact-erasure"),
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
            start_signal=ERASE_NOW_SIGNAL if erase_now else None,
        )

    async def resume(self, request: PrivacyRequest, *, erase_now: bool) -> None:
        """Make sure the workflow of a request still waiting or running exists. The request
        row is committed before its workflow starts, so a crash in between (or a start that
        failed in a way not caught) leaves a request without a workflow: asking again, or
        reporting the minor, starts it again with the same id. A running one is kept
        (USE_EXISTING); a reported minor's signal ends its grace period, or starts it with
        none. A workflow that has completed is never started again (a cancel wins)."""
        grace = timedelta(0) if erase_now else _remaining_grace(request)
        try:
            await self.start(request, grace, erase_now=erase_now)
        except WorkflowAlreadyStartedError:
            return  # it has completed (erased or cancelled): its request row says which
        except Exception:
            log.exception("contact erasure could not be resumed", request_id=str(request.id))
            raise

    async def resume_stalled(self, org_id: uuid.UUID, requested_before: datetime) -> int:
        """Start again the erasures requested before ``requested_before`` that are still
        waiting or running but have no live workflow (never started, or failed). Returns how
        many were started; each resumes with what is left of its grace period."""
        async with org_session(self._session_maker, org_id) as session:
            stalled = (
                await session.exec(
                    select(PrivacyRequest).where(
                        PrivacyRequest.kind == PrivacyRequestKind.CONTACT_ERASURE,
                        col(PrivacyRequest.status).in_(ACTIVE_ERASURE),
                        col(PrivacyRequest.created_at) < requested_before,
                    )
                )
            ).all()
        resumed = 0
        for request in stalled:
            workflow_id = request.workflow_id or contact_erasure_id(request.org_id, request.id)
            try:
                described = await self._temporal.get_workflow_handle(workflow_id).describe()
            except RPCError as error:
                if error.status != RPCStatusCode.NOT_FOUND:
                    raise
            else:
                if described.status in {
                    WorkflowExecutionStatus.RUNNING,
                    WorkflowExecutionStatus.COMPLETED,
                    WorkflowExecutionStatus.CONTINUED_AS_NEW,
                }:
                    continue
            await self.resume(request, erase_now=False)
            resumed += 1
            log.info("contact erasure resumed", request_id=str(request.id))
        return resumed


def _remaining_grace(request: PrivacyRequest) -> timedelta:
    """What is left of the grace period recorded in the request (none if it is over)."""
    erase_after = request.receipt.get("erase_after")
    if not isinstance(erase_after, str):
        return timedelta(0)
    return max(timedelta(0), datetime.fromisoformat(erase_after) - datetime.now(UTC))


class ContactErasureActivities:
    def __init__(self, session_maker: SessionMaker, temporal: Client, storage: FileStorage) -> None:
        self._session_maker = session_maker
        self._temporal = temporal
        self._storage = storage

    @activity.defn
    async def mark_erasure_running(self, ref: ErasureRef) -> None:
        await self._move(ref, PrivacyRequestStatus.RUNNING)

    @activity.defn
    async def mark_erasure_cancelled(self, ref: ErasureRef) -> None:
        await self._move(ref, PrivacyRequestStatus.CANCELLED)

    @activity.defn
    async def contact_conversations(self, ref: ErasureRef) -> list[uuid.UUID]:
        async with org_session(self._session_maker, ref.org_id) as session:
            return list(
                (
                    await session.exec(
                        select(Conversation.id)
                        .where(Conversation.contact_id == ref.contact_id)
                        .order_by(col(Conversation.created_at), col(Conversation.id))
                    )
                ).all()
            )

    @activity.defn
    async def stop_contact_conversations(self, batch: ConversationBatch) -> ConversationRuns:
        """Before the rows go: delete the conversations' workflows from Temporal. A running
        one is terminated and deleted at once, so it writes nothing more; a closed one's
        history is deleted by the server shortly after (it waits for its close tasks)."""
        return await self._delete_runs(batch)

    @activity.defn
    async def delete_contact_rows(self, ref: ErasureRef) -> ErasedRows:
        """Delete everything of the contact in one transaction: widget events, calls,
        conversation events, private notes, messages, conversations, the contact row, and the
        files that hold its data (its calls' recordings, the exports). Counts per store are
        taken first and kept with the request, with the ids of the conversations deleted (a
        retry after a lost reply returns both).

        The contact's row is locked first: a conversation (or call, or widget event) of the
        contact inserted concurrently waits on that lock and then fails, so what is counted,
        listed and deleted is the same set of rows."""
        async with org_session(self._session_maker, ref.org_id) as session:
            request = await session.get(PrivacyRequest, ref.request_id, with_for_update=True)
            if request is None:
                raise RuntimeError("the privacy request is gone")
            if "deleted" in request.receipt:  # deleted by an earlier attempt
                return ErasedRows(
                    deleted=dict(request.receipt["deleted"]),
                    conversation_ids=[
                        uuid.UUID(value) for value in request.receipt.get(ERASED_CONVERSATIONS, [])
                    ],
                )
            await session.exec(
                select(Contact.id).where(Contact.id == ref.contact_id).with_for_update()
            )
            conversations = select(Conversation.id).where(Conversation.contact_id == ref.contact_id)
            conversation_ids = list(
                (await session.exec(conversations.order_by(col(Conversation.id)))).all()
            )
            of_calls = or_(
                col(Call.contact_id) == ref.contact_id,
                col(Call.conversation_id).in_(conversations),
            )
            of_webhook_events = or_(
                col(WebhookEvent.contact_id) == ref.contact_id,
                col(WebhookEvent.conversation_id).in_(conversations),
            )
            stores: list[tuple[str, Any, Any]] = [
                # The webhook delivery log and outbox: ids only, but about this contact.
                (
                    "webhook_deliveries",
                    WebhookDelivery,
                    col(WebhookDelivery.event_id).in_(
                        select(WebhookEvent.id).where(of_webhook_events)
                    ),
                ),
                ("webhook_events", WebhookEvent, of_webhook_events),
                # Simulation results copy the contact's messages (they would go with the
                # conversations anyway: counted here on their own).
                (
                    "simulation_results",
                    SimulationResult,
                    col(SimulationResult.conversation_id).in_(conversations),
                ),
                (
                    "widget_events",
                    WidgetEvent,
                    or_(
                        col(WidgetEvent.contact_id) == ref.contact_id,
                        col(WidgetEvent.conversation_id).in_(conversations),
                    ),
                ),
                ("calls", Call, of_calls),
                (
                    "conversation_events",
                    ConversationEvent,
                    col(ConversationEvent.conversation_id).in_(conversations),
                ),
                (
                    "conversation_notes",
                    ConversationNote,
                    col(ConversationNote.conversation_id).in_(conversations),
                ),
                ("messages", Message, col(Message.conversation_id).in_(conversations)),
                (
                    "conversations",
                    Conversation,
                    col(Conversation.contact_id) == ref.contact_id,
                ),
                ("contacts", Contact, col(Contact.id) == ref.contact_id),
            ]
            counts: dict[str, int] = {}
            for name, model, condition in stores:
                counts[name] = await _count(session, model, condition)
            calls = (await session.exec(select(Call.id, Call.recorded).where(of_calls))).all()
            for _, model, condition in stores:
                await session.exec(delete(model).where(condition))
            counts["export_files"] = await self._delete_export_files(session, ref)
            counts["recordings"] = await self._delete_recordings(ref.org_id, calls)
            request.receipt = {
                **request.receipt,
                "deleted": counts,
                ERASED_CONVERSATIONS: [str(value) for value in conversation_ids],
            }
            session.add(request)
        log.info("contact rows erased", request_id=str(ref.request_id), **counts)
        return ErasedRows(deleted=counts, conversation_ids=conversation_ids)

    @activity.defn
    async def delete_contact_histories(self, batch: ConversationBatch) -> ConversationRuns:
        """After the rows are gone (so no visitor can start a conversation again): delete
        any run not deleted before, e.g. one a visitor started in between."""
        return await self._delete_runs(batch)

    @activity.defn
    async def complete_erasure(self, completion: ErasureCompletion) -> None:
        """The receipt (counts and timestamps, no personal data) and the audit entry, once."""
        ref = completion.ref
        async with org_session(self._session_maker, ref.org_id) as session:
            request = await session.get(PrivacyRequest, ref.request_id, with_for_update=True)
            if request is None or request.status is PrivacyRequestStatus.COMPLETED:
                return
            request.status = PrivacyRequestStatus.COMPLETED
            request.completed_at = completion.completed_at
            # The receipt keeps counts and timestamps only: the conversation ids were
            # needed until the histories were gone.
            receipt = {k: v for k, v in request.receipt.items() if k != ERASED_CONVERSATIONS}
            request.receipt = {
                **receipt,
                "started_at": completion.started_at.isoformat(),
                "completed_at": completion.completed_at.isoformat(),
                "deleted": completion.deleted,
            }
            session.add(request)
            # The contact is gone: the event names the request only.
            await record_event(
                session,
                ref.org_id,
                DELETION_COMPLETED,
                {"request_id": str(ref.request_id), "subject": "contact"},
                event_id=uuid.uuid5(ref.request_id, DELETION_COMPLETED),
            )
            session.add(
                AuditLogEntry(
                    org_id=ref.org_id,
                    action="privacy.erasure_completed",
                    target_type="privacy_request",
                    target_id=str(ref.request_id),
                    details={
                        "contact_id": str(ref.contact_id),
                        "reason": request.reason,
                        "deleted": completion.deleted,
                    },
                )
            )
        log.info("contact erasure completed", request_id=str(ref.request_id))

    async def _delete_runs(self, batch: ConversationBatch) -> ConversationRuns:
        """Delete every run (continue-as-new makes several) of each conversation workflow,
        except those in ``batch.skip_runs``. Resumes from its last heartbeat when retried."""
        done = ConversationRuns()
        details: Sequence[Any] = activity.info().heartbeat_details
        if details:
            done = ConversationRuns.model_validate(details[0])
        for index in range(done.index, len(batch.conversation_ids)):
            workflow_id = conversation_workflow_id(batch.org_id, batch.conversation_ids[index])
            skip = {*batch.skip_runs, *done.deleted_runs}
            for run_id, running in (await workflow_runs(self._temporal, workflow_id)).items():
                if run_id in skip:
                    continue
                if not await delete_workflow_run(self._temporal, workflow_id, run_id):
                    continue  # deleted already
                done.deleted_runs.append(run_id)
                done.terminated += int(running)
            done.index = index + 1
            activity.heartbeat(done)
        return done

    async def _move(self, ref: ErasureRef, status: PrivacyRequestStatus) -> None:
        """Out of the waiting states only: a retry, or a late step, never moves it back."""
        async with org_session(self._session_maker, ref.org_id) as session:
            request = await session.get(PrivacyRequest, ref.request_id, with_for_update=True)
            if request is None or request.status not in WAITING:
                return
            request.status = status
            if status is PrivacyRequestStatus.CANCELLED:
                request.completed_at = datetime.now(UTC)
                request.receipt = {**request.receipt, "cancelled_at": _now()}
            session.add(request)

    async def _delete_recordings(
        self, org_id: uuid.UUID, calls: Sequence[tuple[uuid.UUID, bool]]
    ) -> int:
        """The erased calls' recordings, before the rows' deletion commits (a retry deletes
        them again harmlessly). Every call's key is deleted, recorded or not, so a recording
        saved just as its call was erased goes too; those marked recorded are counted."""
        for call_id, _ in calls:
            await self._storage.delete(recording_key(org_id, call_id))
        return sum(1 for _, recorded in calls if recorded)

    async def _delete_export_files(self, session: AsyncSession, ref: ErasureRef) -> int:
        """Every export file that holds the contact's data goes too: the contact's own
        exports and the organization's whole exports. Their requests stay (with their
        counts) but their links are expired as the export workflow expires them: no file
        key, no live link (an old link answers 404), expiry now (the status shows it)."""
        exports = (
            await session.exec(
                select(PrivacyRequest)
                .where(
                    or_(
                        (col(PrivacyRequest.kind) == PrivacyRequestKind.CONTACT_EXPORT)
                        & (col(PrivacyRequest.contact_id) == ref.contact_id),
                        col(PrivacyRequest.kind) == PrivacyRequestKind.ORGANIZATION_EXPORT,
                    ),
                    col(PrivacyRequest.file_key).is_not(None),
                )
                .with_for_update()
            )
        ).all()
        now = datetime.now(UTC)
        for export in exports:
            assert export.file_key is not None
            await self._storage.delete(export.file_key)
            export.file_key = None
            export.download_token_hash = None
            export.expires_at = min(export.expires_at or now, now)
            export.receipt = {**(export.receipt or {}), "link_expired": True}
            session.add(export)
        return len(exports)


async def _count(session: AsyncSession, model: Any, condition: Any) -> int:
    return int((await session.exec(select(func.count()).select_from(model).where(condition))).one())


def _now() -> str:
    return datetime.now(UTC).isoformat()
