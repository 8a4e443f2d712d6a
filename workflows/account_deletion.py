"""AccountDeletionWorkflow: an organization's deletion, from request to receipt.

A grace period (a durable timer) during which the owner can cancel; a legal hold pauses it for
as long as it lasts, even past the grace period; then the purge, one activity per store, in an
order that stops new work first and destroys the organization's data key last; and a receipt
of counts that outlives the organization. Once the organization row is gone (no member, API
key or visitor can reach it any more), workflows and files are swept a second time: whatever
was started or written while the purge ran goes too. The whole process ends within
:data:`core.privacy_settings.DELETION_DEADLINE` of the request (legal holds excepted): the
grace period is bounded by the privacy settings.

MemberDeletionWorkflow, in the same module, deletes one member's own account at once.

Both run under the platform's payload key (their ids are not an organization's), so
destroying the organization's key never locks the deletion out of its own history.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.account_deletion import (
        DEFAULT_BATCH_SIZE,
        AccountDeletionActivities,
        DeletionRef,
        IdentityUsersToDelete,
        StatusChange,
        StoreCounts,
    )
    from core.models import DeletionStatus
    from core.privacy_settings import DELETION_DEADLINE

# Purges retry until they succeed (a database or Temporal outage only delays them).
_PURGE_RETRY = RetryPolicy(maximum_interval=timedelta(minutes=5))
_PURGE_TIMEOUT = timedelta(hours=6)
_RECEIPT_TIMEOUT = timedelta(seconds=30)
A = TypeVar("A")


@dataclass
class AccountDeletionInput:
    org_id: uuid.UUID
    receipt_id: uuid.UUID
    requested_at: datetime
    grace: timedelta
    batch_size: int = DEFAULT_BATCH_SIZE
    heartbeat_timeout: timedelta = timedelta(minutes=1)


@dataclass
class LegalHold:
    """Why deletion is paused: a reason code (``litigation``, a case number), never a name."""

    reason: str
    since: datetime | None = None


@dataclass
class DeletionState:
    """What the dashboard shows while the organization waits for, or goes through, deletion."""

    status: DeletionStatus
    requested_at: datetime
    purge_after: datetime
    deadline: datetime
    hold: LegalHold | None = None
    stage: str | None = None  # the store being purged
    deleted: dict[str, int] = field(default_factory=dict)
    completed_at: datetime | None = None
    cancelled_at: datetime | None = None


@workflow.defn
class AccountDeletionWorkflow:
    @workflow.init
    def __init__(self, input: AccountDeletionInput) -> None:
        self._state = DeletionState(
            status=DeletionStatus.SCHEDULED,
            requested_at=input.requested_at,
            purge_after=input.requested_at + input.grace,
            deadline=input.requested_at + DELETION_DEADLINE,
        )
        self._cancel_requested = False
        self._cancel_recorded = False
        self._grace_over = False  # from then on, nothing can cancel the deletion
        self._hold: LegalHold | None = None

    @workflow.run
    async def run(self, input: AccountDeletionInput) -> DeletionState:
        state = self._state
        if not await self._wait_out_the_grace_period(input):
            state.status = DeletionStatus.CANCELLED
            state.cancelled_at = workflow.now()
            await self._record(input, DeletionStatus.CANCELLED)
            self._cancel_recorded = True
            return state

        state.status = DeletionStatus.PURGING
        await self._record(input, DeletionStatus.PURGING)
        ref = DeletionRef(
            org_id=input.org_id, receipt_id=input.receipt_id, batch_size=input.batch_size
        )
        users = await workflow.execute_activity_method(
            AccountDeletionActivities.identity_users,
            ref,
            start_to_close_timeout=_RECEIPT_TIMEOUT,
            retry_policy=_PURGE_RETRY,
        )
        await self._purge(input, "workflows", AccountDeletionActivities.stop_workflows, ref)
        await self._purge(
            input, "conversations", AccountDeletionActivities.purge_conversations, ref
        )
        await self._purge(input, "files", AccountDeletionActivities.purge_files, ref)
        await self._purge(input, "knowledge", AccountDeletionActivities.purge_knowledge, ref)
        await self._purge(input, "accounts", AccountDeletionActivities.purge_accounts, ref)
        # The organization is gone: nothing new can start. Sweep what started or was written
        # after its own store was purged (a conversation, a sync, an upload, an export).
        await self._purge(input, "workflows", AccountDeletionActivities.stop_workflows, ref)
        await self._purge(input, "files", AccountDeletionActivities.purge_files, ref)
        await self._purge(input, "histories", AccountDeletionActivities.purge_histories, ref)
        await self._purge(
            input,
            "identity_users",
            AccountDeletionActivities.delete_identity_users,
            IdentityUsersToDelete(
                ref=ref, user_ids=users.user_ids, organization_id=users.organization_id
            ),
        )
        await self._purge(input, "data_key", AccountDeletionActivities.destroy_data_key, ref)

        state.stage = None
        final = await workflow.execute_activity_method(
            AccountDeletionActivities.complete_receipt,
            StatusChange(input.receipt_id, DeletionStatus.COMPLETED, workflow.now()),
            start_to_close_timeout=_RECEIPT_TIMEOUT,
            retry_policy=_PURGE_RETRY,
        )
        state.deleted = final.counts
        state.status = DeletionStatus.COMPLETED
        state.completed_at = workflow.now()
        return state

    async def _wait_out_the_grace_period(self, input: AccountDeletionInput) -> bool:
        """False if cancelled. A hold stops the clock from mattering: while held, nothing is
        purged, however long it lasts; after its release the purge starts once the grace
        period is over."""
        state = self._state
        while not self._cancel_requested:
            if self._hold is not None:
                state.status = DeletionStatus.ON_HOLD
                state.hold = self._hold
                await self._record(input, DeletionStatus.ON_HOLD)
                await workflow.wait_condition(lambda: self._hold is None or self._cancel_requested)
                state.hold = None
                if self._cancel_requested:
                    break
                state.status = DeletionStatus.SCHEDULED
                await self._record(input, DeletionStatus.SCHEDULED)
                continue
            remaining = state.purge_after - workflow.now()
            if remaining <= timedelta(0):
                self._grace_over = True
                return True
            try:
                await workflow.wait_condition(
                    lambda: self._cancel_requested or self._hold is not None,
                    timeout=remaining,
                )
            except TimeoutError:
                if self._hold is None and not self._cancel_requested:
                    self._grace_over = True
                    return True
        return False

    async def _purge(
        self,
        input: AccountDeletionInput,
        stage: str,
        method: Callable[[AccountDeletionActivities, A], Awaitable[StoreCounts]],
        argument: A,
    ) -> None:
        """One store. A legal hold that arrives mid-purge stops it before the next store."""
        state = self._state
        if self._hold is not None:
            state.status = DeletionStatus.ON_HOLD
            await self._record(input, DeletionStatus.ON_HOLD)
            await workflow.wait_condition(lambda: self._hold is None)
            state.status = DeletionStatus.PURGING
            await self._record(input, DeletionStatus.PURGING)
        state.stage = stage
        counts = await workflow.execute_activity_method(
            method,
            argument,
            start_to_close_timeout=_PURGE_TIMEOUT,
            heartbeat_timeout=input.heartbeat_timeout,
            retry_policy=_PURGE_RETRY,
        )
        # The activities answer the receipt's running totals per store (added batch by batch
        # in the database, exact across retries), so a store swept twice shows both sweeps.
        state.deleted.update(counts.counts)

    async def _record(self, input: AccountDeletionInput, status: DeletionStatus) -> None:
        await workflow.execute_activity_method(
            AccountDeletionActivities.record_status,
            StatusChange(input.receipt_id, status, workflow.now()),
            start_to_close_timeout=_RECEIPT_TIMEOUT,
            retry_policy=_PURGE_RETRY,
        )

    @workflow.update
    async def cancel_deletion(self) -> DeletionState:
        """The owner changed their mind: answered once the receipt says cancelled. Refused
        (by the validator) once the grace period is over; the handler refuses too, in case
        the grace period ran out in the very task that delivered the update."""
        if self._grace_over:
            raise self._not_cancellable()
        self._cancel_requested = True
        await workflow.wait_condition(lambda: self._cancel_recorded)
        return self._state

    @cancel_deletion.validator
    def _validate_cancel_deletion(self) -> None:
        if self._grace_over:
            raise self._not_cancellable()

    def _not_cancellable(self) -> ApplicationError:
        return ApplicationError(
            f"the deletion is {self._state.status.value}: it can no longer be cancelled",
            type="DeletionNotCancellable",
            non_retryable=True,
        )

    @workflow.signal
    def cancel(self) -> None:
        """The former way to cancel (before :meth:`cancel_deletion`), kept so that runs and
        histories that received it still replay. Ignored once the grace period is over."""
        if not self._grace_over:
            self._cancel_requested = True

    @workflow.signal
    def legal_hold(self, hold: LegalHold) -> None:
        self._hold = LegalHold(reason=hold.reason, since=workflow.now())
        self._state.hold = self._hold

    @workflow.signal
    def release_hold(self) -> None:
        self._hold = None
        self._state.hold = None

    @workflow.query
    def state(self) -> DeletionState:
        return self._state


@dataclass
class MemberDeletionInput:
    org_id: uuid.UUID
    member_id: uuid.UUID
    receipt_id: uuid.UUID


@workflow.defn
class MemberDeletionWorkflow:
    """A member deletes their own account: the member row, their sign-in links and their
    identity-provider user. No grace period: they asked for it themselves, signed in."""

    @workflow.run
    async def run(self, input: MemberDeletionInput) -> StoreCounts:
        ref = DeletionRef(
            org_id=input.org_id, receipt_id=input.receipt_id, member_id=input.member_id
        )
        await workflow.execute_activity_method(
            AccountDeletionActivities.record_status,
            StatusChange(input.receipt_id, DeletionStatus.PURGING, workflow.now()),
            start_to_close_timeout=_RECEIPT_TIMEOUT,
            retry_policy=_PURGE_RETRY,
        )
        users = await workflow.execute_activity_method(
            AccountDeletionActivities.identity_users,
            ref,
            start_to_close_timeout=_RECEIPT_TIMEOUT,
            retry_policy=_PURGE_RETRY,
        )
        await workflow.execute_activity_method(
            AccountDeletionActivities.purge_member,
            ref,
            start_to_close_timeout=_RECEIPT_TIMEOUT,
            retry_policy=_PURGE_RETRY,
        )
        await workflow.execute_activity_method(
            AccountDeletionActivities.delete_identity_users,
            IdentityUsersToDelete(ref=ref, user_ids=users.user_ids),
            start_to_close_timeout=_RECEIPT_TIMEOUT,
            retry_policy=_PURGE_RETRY,
        )
        return await workflow.execute_activity_method(
            AccountDeletionActivities.complete_receipt,
            StatusChange(input.receipt_id, DeletionStatus.COMPLETED, workflow.now()),
            start_to_close_timeout=_RECEIPT_TIMEOUT,
            retry_policy=_PURGE_RETRY,
        )
