"""Account deletion as the API uses it: request, follow, cancel, hold and release an
organization's deletion; delete one's own member account; fetch a receipt by its token.

The workflow owns the process (see :mod:`workflows.account_deletion`); this module writes the
receipt row it reports into, starts it once, and talks to it. The receipt's token is handed
out once, when the deletion is requested: only its hash is stored, and it is the one way to
read the receipt once the organization (and the requester's sign-in) is gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pydantic import ValidationError
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowFailureError,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from activities.account_deletion import (
    ACCOUNT_DELETION_KIND,
    DEFAULT_BATCH_SIZE,
    MEMBER_DELETION_KIND,
)
from core.db import SessionMaker, org_session, platform_session
from core.ids import account_deletion_id, member_deletion_id, search_attributes
from core.models import (
    DeletionReceipt,
    DeletionStatus,
    DeletionSubject,
    Member,
    Organization,
    Role,
)
from core.privacy_settings import DELETION_DEADLINE, PrivacySettings
from core.settings import Settings
from services.accounts import Principal, audit_entry
from services.errors import RefusedError
from services.identity import hash_secret
from workflows.account_deletion import (
    AccountDeletionInput,
    AccountDeletionWorkflow,
    DeletionState,
    LegalHold,
    MemberDeletionInput,
    MemberDeletionWorkflow,
)

ACTIVE = (DeletionStatus.SCHEDULED, DeletionStatus.ON_HOLD, DeletionStatus.PURGING)
_QUERY_TIMEOUT = timedelta(seconds=2)
# How long a signal may take to show in the workflow's state before the API answers anyway.
_SETTLE_SECONDS = 5.0
# How long the API waits for the workflow to take a cancellation in (it needs a worker).
_CANCEL_SECONDS = 15.0
# How long the API waits for a member's own deletion to finish before answering "purging".
_MEMBER_DELETION_WAIT_SECONDS = 10.0


class DeletionError(RefusedError):
    """A request to an account deletion refused: the HTTP status and a message for the caller."""


@dataclass(frozen=True)
class PurgeOptions:
    """How the purge runs: rows per batch, and how soon a silent (dead) worker's purge is
    handed to another. Tests make both small."""

    batch_size: int = DEFAULT_BATCH_SIZE
    heartbeat_timeout: timedelta = timedelta(minutes=1)


@dataclass(frozen=True)
class DeletionRequested:
    state: DeletionState
    receipt_token: str | None  # only the first request gets it
    already_requested: bool


@dataclass(frozen=True)
class MemberDeleted:
    status: DeletionStatus
    receipt_token: str


class AccountDeletions:
    def __init__(
        self,
        session_maker: SessionMaker,
        temporal: Client,
        settings: Settings,
        purge: PurgeOptions | None = None,
    ) -> None:
        self._maker = session_maker
        self._temporal = temporal
        self._settings = settings
        self._purge = purge or PurgeOptions()

    async def request(self, principal: Principal) -> DeletionRequested:
        """Start the organization's deletion, once: asked again while it runs, the same
        deletion is returned (without the token, which was shown once). A receipt still
        marked active whose workflow is no longer running is settled first, so it never
        blocks a new request."""
        org_id = principal.org_id
        workflow_id = account_deletion_id(org_id)
        started: WorkflowHandle[AccountDeletionWorkflow, DeletionState] | None = None
        try:
            async with org_session(self._maker, org_id) as session:
                # One request at a time per organization decides whether a deletion exists.
                await session.exec(select(func.pg_advisory_xact_lock(func.hashtext(workflow_id))))
                active = await _active_receipt(session, org_id, DeletionSubject.ORGANIZATION)
                if active is not None:
                    status = await self._run_status(active.workflow_id)
                    if status is WorkflowExecutionStatus.RUNNING:
                        return DeletionRequested(
                            await self._state_of(active),
                            receipt_token=None,
                            already_requested=True,
                        )
                    await self._settle_stale(session, active, status)
                started, receipt, token = await self._start_deletion(session, principal)
        except BaseException:
            # The receipt was not committed: its workflow must not purge without one.
            if started is not None:
                ours = self._temporal.get_workflow_handle(workflow_id, run_id=started.result_run_id)
                with contextlib.suppress(RPCError):
                    await ours.terminate(reason="the deletion request was not recorded")
            raise
        return DeletionRequested(
            _state_from_receipt(receipt), receipt_token=token, already_requested=False
        )

    async def _start_deletion(
        self, session: AsyncSession, principal: Principal
    ) -> tuple[WorkflowHandle[AccountDeletionWorkflow, DeletionState], DeletionReceipt, str]:
        """The receipt (flushed, not committed), the audit entry, then the workflow."""
        org_id = principal.org_id
        workflow_id = account_deletion_id(org_id)
        organization = await session.get(Organization, org_id)
        if organization is None:
            raise DeletionError(404, "no such organization")
        try:
            grace = PrivacySettings.of(organization.settings).deletion_grace
        except ValidationError as error:
            raise DeletionError(
                409, "the organization's privacy settings are invalid: fix them first"
            ) from error
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        receipt = DeletionReceipt(
            subject=DeletionSubject.ORGANIZATION,
            org_id=org_id,
            workflow_id=workflow_id,
            token_hash=hash_secret(token),
            status=DeletionStatus.SCHEDULED,
            requested_at=now,
            purge_after=now + grace,
            deadline=now + DELETION_DEADLINE,
        )
        session.add(receipt)
        session.add(
            audit_entry(
                principal,
                "organization.deletion_requested",
                "organization",
                org_id,
                grace_days=grace / timedelta(days=1),
            )
        )
        await session.flush()
        # Started inside the transaction: if starting fails, no receipt is left behind.
        # No receipt of this organization is active (under the lock), so a run still open
        # under the id serves none: a cancelled one still closing, or one whose request
        # never committed. It is replaced, never joined (its receipt is not this one).
        handle = await self._temporal.start_workflow(
            AccountDeletionWorkflow.run,
            AccountDeletionInput(
                org_id=org_id,
                receipt_id=receipt.id,
                requested_at=now,
                grace=grace,
                batch_size=self._purge.batch_size,
                heartbeat_timeout=self._purge.heartbeat_timeout,
            ),
            id=workflow_id,
            task_queue=self._settings.temporal.task_queues.privacy,
            id_conflict_policy=WorkflowIDConflictPolicy.TERMINATE_EXISTING,
            search_attributes=search_attributes(org_id, ACCOUNT_DELETION_KIND),
        )
        return handle, receipt, token

    async def state(self, org_id: uuid.UUID) -> DeletionState:
        """The workflow's own view; the receipt's when the workflow cannot answer now."""
        try:
            return await self._handle(org_id).query(
                AccountDeletionWorkflow.state, rpc_timeout=_QUERY_TIMEOUT
            )
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                raise DeletionError(
                    404, "no deletion was requested for this organization"
                ) from error
        except WorkflowQueryFailedError:
            pass
        async with platform_session(self._maker) as session:
            receipt = await _latest_receipt(session, org_id)
        if receipt is None:
            raise DeletionError(404, "no deletion was requested for this organization")
        return _state_from_receipt(receipt)

    async def cancel(self, principal: Principal) -> DeletionState:
        """The workflow decides, as an update: accepted during the grace period (answered once
        the receipt says cancelled), refused once the purge has begun. Never a refusal that
        turns into a cancellation later."""
        org_id = principal.org_id
        current = await self.state(org_id)
        if current.status is DeletionStatus.CANCELLED:
            return current
        if current.status is DeletionStatus.COMPLETED:
            raise _not_cancellable(current)
        try:
            cancelled = await asyncio.wait_for(
                self._handle(org_id).execute_update(AccountDeletionWorkflow.cancel_deletion),
                _CANCEL_SECONDS,
            )
        except WorkflowUpdateFailedError as error:
            cause = error.cause
            if isinstance(cause, ApplicationError) and cause.type == "DeletionNotCancellable":
                raise DeletionError(409, cause.message) from error
            raise
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
            # The run closed meanwhile (cancelled by another request, or completed).
            closed = await self.state(org_id)
            if closed.status is DeletionStatus.CANCELLED:
                return closed
            raise _not_cancellable(closed) from error
        except TimeoutError as error:
            raise DeletionError(
                503, "the deletion could not be reached just now: try cancelling again"
            ) from error
        await self._audit(principal, "organization.deletion_cancelled")
        return cancelled

    async def hold(self, principal: Principal, reason: str) -> DeletionState:
        current = await self.state(principal.org_id)
        if current.status not in ACTIVE:
            raise DeletionError(409, f"the deletion is {current.status.value}: nothing to hold")
        await self._handle(principal.org_id).signal(
            AccountDeletionWorkflow.legal_hold, LegalHold(reason=reason)
        )
        await self._audit(principal, "organization.deletion_held", reason=reason)
        return await self._settle(
            principal.org_id, lambda s: s.hold is not None and s.hold.reason == reason
        )

    async def release(self, principal: Principal) -> DeletionState:
        current = await self.state(principal.org_id)
        if current.hold is None:
            raise DeletionError(409, "the deletion is not on hold")
        await self._handle(principal.org_id).signal(AccountDeletionWorkflow.release_hold)
        await self._audit(principal, "organization.deletion_released")
        return await self._settle(principal.org_id, lambda s: s.hold is None)

    async def receipt(self, token: str) -> DeletionReceipt:
        async with platform_session(self._maker) as session:
            receipt = (
                await session.exec(
                    select(DeletionReceipt).where(DeletionReceipt.token_hash == hash_secret(token))
                )
            ).first()
        if receipt is None:
            raise DeletionError(404, "no deletion receipt for this token")
        return receipt

    async def delete_member(self, principal: Principal) -> MemberDeleted:
        """A member deletes their own account, at once. The organization's only owner cannot:
        the organization would be left without anyone who may delete it."""
        member_id = principal.member_id
        if member_id is None:
            raise DeletionError(
                403, "only a signed-in member can delete their own account (not an API key)"
            )
        org_id = principal.org_id
        workflow_id = member_deletion_id(org_id, member_id)
        async with org_session(self._maker, org_id) as session:
            # One member deletion at a time per organization decides who the owners are.
            await session.exec(select(func.pg_advisory_xact_lock(func.hashtext(str(org_id)))))
            member = await session.get(Member, member_id)
            if member is None:
                raise DeletionError(404, "no such member")
            own = await _active_receipt(session, org_id, DeletionSubject.MEMBER, member_id)
            if own is not None:
                status = await self._run_status(own.workflow_id)
                if status is WorkflowExecutionStatus.RUNNING:
                    raise DeletionError(409, "your account is being deleted already")
                await self._settle_stale(session, own, status)
            if member.role is Role.OWNER:
                # Owners whose own deletion is under way are owners no longer.
                leaving = select(DeletionReceipt.member_id).where(
                    DeletionReceipt.org_id == org_id,
                    DeletionReceipt.subject == DeletionSubject.MEMBER,
                    col(DeletionReceipt.status).in_(ACTIVE),
                    col(DeletionReceipt.member_id).is_not(None),
                )
                owners = (
                    await session.exec(
                        select(func.count())
                        .select_from(Member)
                        .where(
                            Member.role == Role.OWNER,
                            Member.id != member_id,
                            col(Member.id).not_in(leaving),
                        )
                    )
                ).one()
                if owners == 0:
                    raise DeletionError(
                        409,
                        "you are the organization's only owner: delete the organization, or "
                        "make another member an owner first",
                    )
            token = secrets.token_urlsafe(32)
            now = datetime.now(UTC)
            receipt = DeletionReceipt(
                subject=DeletionSubject.MEMBER,
                org_id=org_id,
                member_id=member_id,
                workflow_id=workflow_id,
                token_hash=hash_secret(token),
                status=DeletionStatus.SCHEDULED,
                requested_at=now,
                purge_after=now,
                deadline=now + DELETION_DEADLINE,
            )
            session.add(receipt)
            session.add(audit_entry(principal, "member.deletion_requested", "member", member_id))
            await session.flush()
            handle = await self._temporal.start_workflow(
                MemberDeletionWorkflow.run,
                MemberDeletionInput(org_id=org_id, member_id=member_id, receipt_id=receipt.id),
                id=workflow_id,
                task_queue=self._settings.temporal.task_queues.privacy,
                # No active receipt of this member (under the lock): never join another run.
                id_conflict_policy=WorkflowIDConflictPolicy.TERMINATE_EXISTING,
                search_attributes=search_attributes(org_id, MEMBER_DELETION_KIND),
            )
        try:
            await asyncio.wait_for(handle.result(), _MEMBER_DELETION_WAIT_SECONDS)
        except (TimeoutError, WorkflowFailureError):
            return MemberDeleted(DeletionStatus.PURGING, token)
        return MemberDeleted(DeletionStatus.COMPLETED, token)

    # -- helpers ------------------------------------------------------------------------

    def _handle(self, org_id: uuid.UUID) -> WorkflowHandle[AccountDeletionWorkflow, DeletionState]:
        return self._temporal.get_workflow_handle_for(
            AccountDeletionWorkflow.run, account_deletion_id(org_id)
        )

    async def _run_status(self, workflow_id: str) -> WorkflowExecutionStatus | None:
        """The status of the latest run under the id; None if there is none."""
        try:
            description = await self._temporal.get_workflow_handle(workflow_id).describe()
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                return None
            raise
        return description.status

    async def _settle_stale(
        self,
        session: AsyncSession,
        receipt: DeletionReceipt,
        status: WorkflowExecutionStatus | None,
    ) -> None:
        """A receipt still marked active whose workflow is not running (terminated, failed,
        or never started): it is settled from the run's own result, and no longer blocks a
        new request. A run that ended mid-purge failed (a new request purges the rest); one
        that ended before purging deleted nothing: cancelled."""
        now = datetime.now(UTC)
        settled = (
            DeletionStatus.FAILED
            if receipt.status is DeletionStatus.PURGING
            else DeletionStatus.CANCELLED
        )
        if status is WorkflowExecutionStatus.COMPLETED:
            if receipt.subject is DeletionSubject.MEMBER:
                settled = DeletionStatus.COMPLETED
            else:
                result = await self._handle(receipt.org_id).result()
                if result.status is DeletionStatus.COMPLETED:
                    settled = DeletionStatus.COMPLETED
        receipt.status = settled
        if settled is DeletionStatus.COMPLETED:
            receipt.completed_at = receipt.completed_at or now
        elif settled is DeletionStatus.CANCELLED:
            receipt.cancelled_at = receipt.cancelled_at or now
        session.add(receipt)
        await session.flush()

    async def _state_of(self, receipt: DeletionReceipt) -> DeletionState:
        try:
            return await self.state(receipt.org_id)
        except DeletionError:
            return _state_from_receipt(receipt)

    async def _settle(
        self, org_id: uuid.UUID, done: Callable[[DeletionState], bool]
    ) -> DeletionState:
        """The state once the workflow has taken a signal in (or as it is after a while)."""
        deadline = asyncio.get_running_loop().time() + _SETTLE_SECONDS
        while True:
            current = await self.state(org_id)
            if done(current) or asyncio.get_running_loop().time() > deadline:
                return current
            await asyncio.sleep(0.05)

    async def _audit(self, principal: Principal, action: str, **details: object) -> None:
        async with org_session(self._maker, principal.org_id) as session:
            session.add(audit_entry(principal, action, "organization", principal.org_id, **details))


async def _active_receipt(
    session: AsyncSession,
    org_id: uuid.UUID,
    subject: DeletionSubject,
    member_id: uuid.UUID | None = None,
) -> DeletionReceipt | None:
    query = select(DeletionReceipt).where(
        DeletionReceipt.org_id == org_id,
        DeletionReceipt.subject == subject,
        col(DeletionReceipt.status).in_(ACTIVE),
    )
    if member_id is not None:
        query = query.where(DeletionReceipt.member_id == member_id)
    return (await session.exec(query.order_by(col(DeletionReceipt.requested_at).desc()))).first()


async def _latest_receipt(session: AsyncSession, org_id: uuid.UUID) -> DeletionReceipt | None:
    query = (
        select(DeletionReceipt)
        .where(
            DeletionReceipt.org_id == org_id,
            DeletionReceipt.subject == DeletionSubject.ORGANIZATION,
        )
        .order_by(col(DeletionReceipt.requested_at).desc())
    )
    return (await session.exec(query)).first()


def _not_cancellable(state: DeletionState) -> DeletionError:
    return DeletionError(
        409, f"the deletion is {state.status.value}: it can no longer be cancelled"
    )


def _state_from_receipt(receipt: DeletionReceipt) -> DeletionState:
    return DeletionState(
        status=receipt.status,
        requested_at=receipt.requested_at,
        purge_after=receipt.purge_after,
        deadline=receipt.deadline,
        deleted={store: int(count) for store, count in receipt.deleted.items()},
        completed_at=receipt.completed_at,
        cancelled_at=receipt.cancelled_at,
    )
