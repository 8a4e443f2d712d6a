"""Activities of an account deletion: purge one store each, and keep the receipt.

Every purge is idempotent and resumable: rows go in batches, each batch in its own transaction
that also adds the batch's row count to the receipt (``deletion_receipts.deleted``). A worker
that dies mid-purge loses at most the batch in flight, the retry carries on with the rows that
are left, and the receipt's counts stay exact. Only ids and counts cross the workflow boundary,
never content.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, delete, func, update
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from core.db import SessionMaker, org_session, platform_session
from core.encryption import DataKeys
from core.identity_provider import IdentityProvider, is_provider_user
from core.ids import sync_source_id
from core.models import (
    ApiKey,
    AuditLogEntry,
    Call,
    Contact,
    Conversation,
    ConversationEvent,
    DeletionReceipt,
    DeletionStatus,
    KnowledgeChunk,
    KnowledgeDocument,
    KnowledgeSource,
    Member,
    Message,
    Organization,
    PhoneNumber,
    PrivacyRequest,
    SignInLink,
    Simulation,
    SimulationResult,
    TelephonyAccount,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WidgetEvent,
)
from core.storage import FileStorage, recordings_prefix
from core.temporal import delete_workflow_run

ACCOUNT_DELETION_KIND = "account-deletion"
MEMBER_DELETION_KIND = "member-deletion"
DEFAULT_BATCH_SIZE = 5000
# Files deleted per batch (at most; smaller if the deletion's batch size is).
_FILES_PER_BATCH = 200
# Temporal calls made at once while terminating or deleting an organization's workflows.
_TEMPORAL_CONCURRENCY = 20


@dataclass
class DeletionRef:
    """The deletion in progress: whose data, which receipt, how big a batch."""

    org_id: uuid.UUID
    receipt_id: uuid.UUID
    batch_size: int = DEFAULT_BATCH_SIZE
    member_id: uuid.UUID | None = None  # a member account's own deletion


@dataclass
class StoreCounts:
    """Rows (files, workflows, users) deleted per store, as recorded on the receipt."""

    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class IdentityUsers:
    """Identity-provider user ids (``user_...``): ids, not personal data."""

    user_ids: list[str] = field(default_factory=list)
    # The provider's organization (``org_...``) when the whole organization is deleted.
    organization_id: str | None = None


@dataclass
class IdentityUsersToDelete:
    ref: DeletionRef
    user_ids: list[str]
    organization_id: str | None = None


@dataclass
class StatusChange:
    receipt_id: uuid.UUID
    status: DeletionStatus
    at: datetime


# The organization's tables in purge order per store: children before parents, so every row
# is counted by its own table rather than vanishing in a cascade.
CONVERSATION_TABLES: list[tuple[str, type[SQLModel]]] = [
    # Simulation results copy conversation text: they go first, then their simulations.
    ("simulation_results", SimulationResult),
    ("simulations", Simulation),
    # The webhook delivery log and outbox reference conversations and contacts.
    ("webhook_deliveries", WebhookDelivery),
    ("webhook_events", WebhookEvent),
    ("conversation_events", ConversationEvent),
    ("messages", Message),
    ("calls", Call),
    ("widget_events", WidgetEvent),
    ("conversations", Conversation),
    ("contacts", Contact),
]
KNOWLEDGE_TABLES: list[tuple[str, type[SQLModel]]] = [
    ("knowledge_chunks", KnowledgeChunk),
    ("knowledge_documents", KnowledgeDocument),
    ("knowledge_sources", KnowledgeSource),
]
ACCOUNT_TABLES: list[tuple[str, type[SQLModel]]] = [
    # The phone numbers and the Twilio account (its sealed credentials: unreadable anyway
    # once the data key is destroyed, last) go with the account.
    ("phone_numbers", PhoneNumber),
    ("telephony_accounts", TelephonyAccount),
    ("webhook_endpoints", WebhookEndpoint),
    ("audit_log", AuditLogEntry),
    ("privacy_requests", PrivacyRequest),
    ("sign_in_links", SignInLink),
    ("api_keys", ApiKey),
    ("members", Member),
]


class AccountDeletionActivities:
    def __init__(
        self,
        session_maker: SessionMaker,
        storage: FileStorage,
        temporal: Client,
        keyring: DataKeys,
        identity: IdentityProvider | None,
    ) -> None:
        self._maker = session_maker
        self._storage = storage
        self._temporal = temporal
        self._keyring = keyring
        self._identity = identity

    # -- the receipt -------------------------------------------------------------------

    @activity.defn
    async def record_status(self, change: StatusChange) -> None:
        values: dict[str, Any] = {"status": change.status}
        if change.status is DeletionStatus.CANCELLED:
            values["cancelled_at"] = change.at
        async with platform_session(self._maker) as session:
            await session.exec(
                update(DeletionReceipt)
                .where(col(DeletionReceipt.id) == change.receipt_id)
                .values(**values)
            )

    @activity.defn
    async def complete_receipt(self, change: StatusChange) -> StoreCounts:
        """Mark the receipt completed; its counts were written batch by batch."""
        async with platform_session(self._maker) as session:
            receipt = await session.get(DeletionReceipt, change.receipt_id)
            if receipt is None:
                return StoreCounts()
            if receipt.status is not DeletionStatus.COMPLETED:
                receipt.status = DeletionStatus.COMPLETED
                receipt.completed_at = change.at
                session.add(receipt)
            return StoreCounts(dict(receipt.deleted))

    # -- (0) who to delete at the identity provider, read before the members go ----------

    @activity.defn
    async def identity_users(self, ref: DeletionRef) -> IdentityUsers:
        async with org_session(self._maker, ref.org_id) as session:
            query = select(Member.idp_user_id).where(Member.org_id == ref.org_id)
            if ref.member_id is not None:
                query = query.where(Member.id == ref.member_id)
            ids = (await session.exec(query)).all()
            external = None
            if ref.member_id is None:
                external = (
                    await session.exec(
                        select(Organization.external_id).where(Organization.id == ref.org_id)
                    )
                ).first()
        return IdentityUsers(sorted(i for i in set(ids) if is_provider_user(i)), external)

    # -- (a) running workflows and schedules ---------------------------------------------

    @activity.defn
    async def stop_workflows(self, ref: DeletionRef) -> StoreCounts:
        """Remove the organization's schedules first (so none starts new work), then terminate
        its running workflows, except deletions. Runs twice: once before the purge, once after
        the organization row is gone (for what started in between)."""
        async with org_session(self._maker, ref.org_id) as session:
            known = (
                await session.exec(
                    select(KnowledgeSource.schedule_id).where(
                        KnowledgeSource.org_id == ref.org_id,
                        col(KnowledgeSource.schedule_id).is_not(None),
                    )
                )
            ).all()
        schedule_ids = {schedule_id for schedule_id in known if schedule_id}
        # The organization's schedules are its sources' syncs (the only schedules an
        # organization has); the server filters them by id, so other organizations' schedules
        # are never listed. This also finds those whose source row is gone already.
        query = f'ScheduleId STARTS_WITH "{_sync_schedule_prefix(ref.org_id)}"'
        async for schedule in await self._temporal.list_schedules(query):
            schedule_ids.add(schedule.id)
        await self._each(ref, "schedules", sorted(schedule_ids), self._delete_schedule)

        query = (
            f'PerceptronOrgId = "{ref.org_id}" AND ExecutionStatus = "Running" '
            f'AND PerceptronKind != "{ACCOUNT_DELETION_KIND}"'
        )
        running = [
            (execution.id, execution.run_id)
            async for execution in self._temporal.list_workflows(query)
        ]
        await self._each(ref, "workflows_terminated", running, self._terminate)
        return await self._recorded(ref, "schedules", "workflows_terminated")

    async def _delete_schedule(self, schedule_id: str) -> bool:
        try:
            await self._temporal.get_schedule_handle(schedule_id).delete()
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                return False
            raise
        return True

    async def _terminate(self, execution: tuple[str, str]) -> bool:
        workflow_id, run_id = execution
        try:
            await self._temporal.get_workflow_handle(workflow_id, run_id=run_id).terminate(
                reason="organization deleted"
            )
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:  # closed meanwhile
                return False
            raise
        return True

    # -- (b) conversations and everything about them -------------------------------------

    @activity.defn
    async def purge_conversations(self, ref: DeletionRef) -> StoreCounts:
        return await self._purge_tables(ref, CONVERSATION_TABLES)

    # -- (c) stored files -----------------------------------------------------------------

    @activity.defn
    async def purge_files(self, ref: DeletionRef) -> StoreCounts:
        """The organization's files (everything under ``<org>/``), a batch at a time: list a
        few, delete them, add them to the receipt, heartbeat. A retry lists what is left.
        Call recordings first, counted on their own (``recordings``), then every other file
        (``files``). Files are not transactional: a worker that dies between deleting a batch
        and counting it leaves at most that batch uncounted. Runs twice, like
        :meth:`stop_workflows`."""
        await self._purge_folder(ref, recordings_prefix(ref.org_id), "recordings")
        prefix = f"{ref.org_id}/"
        await self._purge_folder(ref, prefix, "files")
        # The emptied folders (and a file written since the last listing, if any).
        late = await self._storage.delete_prefix(prefix)
        async with platform_session(self._maker) as session:
            await _add_counts(session, ref.receipt_id, {"files": late})
        return await self._recorded(ref, "recordings", "files")

    async def _purge_folder(self, ref: DeletionRef, prefix: str, store: str) -> None:
        limit = max(1, min(ref.batch_size, _FILES_PER_BATCH))
        while keys := await self._storage.keys(prefix, limit):
            await asyncio.gather(*(self._storage.delete(key) for key in keys))
            async with platform_session(self._maker) as session:
                await _add_counts(session, ref.receipt_id, {store: len(keys)})
            activity.heartbeat(store)
        async with platform_session(self._maker) as session:
            await _add_counts(session, ref.receipt_id, {store: 0})

    # -- (d) the knowledge base: chunks and vectors, documents, sources -------------------

    @activity.defn
    async def purge_knowledge(self, ref: DeletionRef) -> StoreCounts:
        return await self._purge_tables(ref, KNOWLEDGE_TABLES)

    # -- (e) the account: privacy requests, audit log, members, keys, the organization ----

    @activity.defn
    async def purge_accounts(self, ref: DeletionRef) -> StoreCounts:
        await self._purge_tables(ref, ACCOUNT_TABLES)
        async with org_session(self._maker, ref.org_id) as session:
            # Its settings go with it; anything written late by a terminated workflow's last
            # activity goes too (every organization table cascades from this row).
            result = await session.exec(
                delete(Organization)
                .where(col(Organization.id) == ref.org_id)
                .execution_options(synchronize_session=False)
            )
            removed = _rowcount(result)
            if removed:
                await _add_counts(session, ref.receipt_id, {"organization": removed})
        return await self._recorded(ref, *(name for name, _ in ACCOUNT_TABLES), "organization")

    # -- (f) the Temporal histories of the organization's workflows -----------------------

    @activity.defn
    async def purge_histories(self, ref: DeletionRef) -> StoreCounts:
        """Delete every execution (every run) of the organization's workflows, except the
        deletions' own. Deletion is asynchronous on the server, so a listing may still show
        one already asked for: each is asked for once per attempt."""
        query = f'PerceptronOrgId = "{ref.org_id}" AND PerceptronKind != "{ACCOUNT_DELETION_KIND}"'
        asked: set[tuple[str, str]] = set()
        while True:
            found = [
                (execution.id, execution.run_id)
                async for execution in self._temporal.list_workflows(query)
            ]
            fresh = [execution for execution in found if execution not in asked]
            if not fresh:
                break
            asked.update(fresh)
            await self._each(ref, "workflow_histories", fresh, self._delete_history)
        return await self._recorded(ref, "workflow_histories")

    async def _delete_history(self, execution: tuple[str, str]) -> bool:
        workflow_id, run_id = execution
        return await delete_workflow_run(self._temporal, workflow_id, run_id)

    # -- (g) identity-provider users ------------------------------------------------------

    @activity.defn
    async def delete_identity_users(self, request: IdentityUsersToDelete) -> StoreCounts:
        """Delete each person's provider user, unless they are still a member of another
        organization here (their sign-in is theirs, not this organization's)."""
        if self._identity is not None:
            await self._each(
                request.ref, "identity_users", request.user_ids, self._delete_identity_user
            )
            if request.organization_id is not None:
                await self._each(
                    request.ref,
                    "identity_organization",
                    [request.organization_id],
                    self._identity.delete_organization,
                )
        return await self._recorded(request.ref, "identity_users", "identity_organization")

    async def _delete_identity_user(self, user_id: str) -> bool:
        async with platform_session(self._maker) as session:
            elsewhere = (
                await session.exec(select(Member.id).where(Member.idp_user_id == user_id).limit(1))
            ).first()
        if elsewhere is not None or self._identity is None:
            return False
        return await self._identity.delete_user(user_id)

    # -- (h) the organization's data key: crypto-shredding, last --------------------------

    @activity.defn
    async def destroy_data_key(self, ref: DeletionRef) -> StoreCounts:
        await self._keyring.destroy(ref.org_id)
        async with platform_session(self._maker) as session:
            await _set_counts(session, ref.receipt_id, {"data_key": 1})
        return await self._recorded(ref, "data_key")

    # -- a member account's own deletion --------------------------------------------------

    @activity.defn
    async def purge_member(self, ref: DeletionRef) -> StoreCounts:
        """The member row and their sign-in links; what they wrote stays the organization's
        (authorship is set to NULL by the foreign keys)."""
        member_id = ref.member_id
        if member_id is None:
            raise ValueError("a member deletion names its member")
        async with org_session(self._maker, ref.org_id) as session:
            links = await session.exec(
                delete(SignInLink)
                .where(col(SignInLink.org_id) == ref.org_id, col(SignInLink.member_id) == member_id)
                .execution_options(synchronize_session=False)
            )
            members = await session.exec(
                delete(Member)
                .where(col(Member.org_id) == ref.org_id, col(Member.id) == member_id)
                .execution_options(synchronize_session=False)
            )
            await _add_counts(
                session,
                ref.receipt_id,
                {"sign_in_links": _rowcount(links), "members": _rowcount(members)},
            )
        return await self._recorded(ref, "sign_in_links", "members")

    # -- helpers --------------------------------------------------------------------------

    async def _purge_tables(
        self, ref: DeletionRef, tables: list[tuple[str, type[SQLModel]]]
    ) -> StoreCounts:
        for store, model in tables:
            await self._purge_table(ref, store, model)
        return await self._recorded(ref, *(store for store, _ in tables))

    async def _purge_table(self, ref: DeletionRef, store: str, model: type[SQLModel]) -> None:
        """Delete the organization's rows ``batch_size`` at a time; each batch and its count
        on the receipt commit together, then the activity heartbeats."""
        table: Any = model
        key = table.id
        while True:
            batch = (
                select(key)
                .where(table.org_id == ref.org_id)
                .limit(ref.batch_size)
                .scalar_subquery()
            )
            async with org_session(self._maker, ref.org_id) as session:
                result = await session.exec(
                    delete(model)
                    .where(table.org_id == ref.org_id, key.in_(batch))
                    .execution_options(synchronize_session=False)
                )
                removed = _rowcount(result)
                if removed:
                    await _add_counts(session, ref.receipt_id, {store: removed})
            activity.heartbeat(store)
            if removed < ref.batch_size:
                return

    async def _each(
        self,
        ref: DeletionRef,
        store: str,
        items: Iterable[Any],
        action: Callable[[Any], Awaitable[bool]],
    ) -> None:
        """Run ``action`` on the items a few at a time, counting those it did on the receipt
        after each group, heartbeating in between."""
        pending = list(items)
        for start in range(0, len(pending), _TEMPORAL_CONCURRENCY):
            group = pending[start : start + _TEMPORAL_CONCURRENCY]
            done = await asyncio.gather(*(action(item) for item in group))
            async with platform_session(self._maker) as session:
                await _add_counts(session, ref.receipt_id, {store: sum(done)})
            activity.heartbeat(store)
        if not pending:
            async with platform_session(self._maker) as session:
                await _add_counts(session, ref.receipt_id, {store: 0})

    async def _recorded(self, ref: DeletionRef, *stores: str) -> StoreCounts:
        async with platform_session(self._maker) as session:
            receipt = await session.get(DeletionReceipt, ref.receipt_id)
        deleted = receipt.deleted if receipt is not None else {}
        return StoreCounts({store: int(deleted.get(store, 0)) for store in stores})


async def _add_counts(session: AsyncSession, receipt_id: uuid.UUID, counts: dict[str, int]) -> None:
    """Add to the receipt's counts in the caller's transaction (atomic with the deletes)."""
    deleted: Any = col(DeletionReceipt.deleted)
    for store, count in counts.items():
        so_far = func.coalesce(deleted[store].astext.cast(BigInteger), 0)
        await session.exec(
            update(DeletionReceipt)
            .where(col(DeletionReceipt.id) == receipt_id)
            .values(deleted=deleted.op("||")(func.jsonb_build_object(store, so_far + count)))
        )


async def _set_counts(session: AsyncSession, receipt_id: uuid.UUID, counts: dict[str, int]) -> None:
    deleted: Any = col(DeletionReceipt.deleted)
    for store, count in counts.items():
        await session.exec(
            update(DeletionReceipt)
            .where(col(DeletionReceipt.id) == receipt_id)
            .values(deleted=deleted.op("||")(func.jsonb_build_object(store, count)))
        )


def _sync_schedule_prefix(org_id: uuid.UUID) -> str:
    """``sync-<org>-``: what every id :func:`core.ids.sync_source_id` makes begins with."""
    zero = uuid.UUID(int=0)
    return sync_source_id(org_id, zero).removesuffix(str(zero))


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
