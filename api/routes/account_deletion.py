"""Account deletion: an organization's deletion (request, follow, cancel, legal hold), a
member's deletion of their own account, and the receipt, fetched by its one-time token."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, status
from pydantic import BaseModel, Field

from api.deps import OrgMember, StateDep, require_roles
from api.responses import MEMBER_ERRORS
from api.state import AppState
from core.models import DeletionStatus, DeletionSubject, Role
from services.account_deletion import AccountDeletions
from services.accounts import Principal
from workflows.account_deletion import DeletionState

router = APIRouter(tags=["account deletion"], responses=MEMBER_ERRORS)

OwnerOrCompliance = Annotated[Principal, Depends(require_roles(Role.OWNER, Role.COMPLIANCE))]
Compliance = Annotated[Principal, Depends(require_roles(Role.COMPLIANCE))]


class LegalHoldPublic(BaseModel):
    reason: str
    since: datetime | None


class DeletionPublic(BaseModel):
    status: DeletionStatus
    requested_at: datetime
    purge_after: datetime = Field(description="When purging starts, unless cancelled or held")
    deadline: datetime = Field(description="Every store is purged by then (legal holds excepted)")
    hold: LegalHoldPublic | None = None
    stage: str | None = Field(default=None, description="The store being purged")
    deleted: dict[str, int] = Field(description="Rows, files or histories deleted per store")
    completed_at: datetime | None = None
    cancelled_at: datetime | None = None


class DeletionRequestedPublic(DeletionPublic):
    receipt_token: str | None = Field(
        description="Fetches the receipt at /api/deletion-receipts/{token} once the "
        "organization is gone. Shown once: only the first request gets it."
    )
    message: str


class LegalHoldRequest(BaseModel):
    reason: str = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/-]{1,59}$",
        description="A reason code or case number (letters, digits, _ . : / -), never a "
        "person's name or email",
    )


class ReceiptPublic(BaseModel):
    subject: DeletionSubject
    org_id: uuid.UUID
    member_id: uuid.UUID | None
    status: DeletionStatus
    requested_at: datetime
    purge_after: datetime
    deadline: datetime
    completed_at: datetime | None
    cancelled_at: datetime | None
    deleted: dict[str, int]


class MemberDeletedPublic(BaseModel):
    status: DeletionStatus
    receipt_token: str = Field(description="Fetches the receipt; shown once")


def _deletions(state: AppState) -> AccountDeletions:
    return AccountDeletions(state.session_maker, state.temporal, state.settings)


def _public(state: DeletionState) -> DeletionPublic:
    return DeletionPublic.model_validate(state, from_attributes=True)


@router.post("/api/orgs/{org_id}/deletion", status_code=status.HTTP_202_ACCEPTED)
async def request_deletion(
    principal: OwnerOrCompliance, state: StateDep
) -> DeletionRequestedPublic:
    """Delete the organization after its grace period. Asked again, the same deletion."""
    requested = await _deletions(state).request(principal)
    message = (
        "deletion requested: keep the receipt token, it is shown only now"
        if requested.receipt_token
        else "a deletion was already requested: its receipt token was shown to that request only"
    )
    return DeletionRequestedPublic(
        **_public(requested.state).model_dump(),
        receipt_token=requested.receipt_token,
        message=message,
    )


@router.get("/api/orgs/{org_id}/deletion")
async def get_deletion(principal: OrgMember, state: StateDep) -> DeletionPublic:
    return _public(await _deletions(state).state(principal.org_id))


@router.post("/api/orgs/{org_id}/deletion/cancel")
async def cancel_deletion(principal: OwnerOrCompliance, state: StateDep) -> DeletionPublic:
    """Cancel during the grace period. The deletion decides: 200 once it is cancelled, 409
    once purging has begun (and then it never gets cancelled later), 503 if it could not be
    reached just now."""
    return _public(await _deletions(state).cancel(principal))


@router.post("/api/orgs/{org_id}/deletion/hold")
async def hold_deletion(
    body: LegalHoldRequest, principal: Compliance, state: StateDep
) -> DeletionPublic:
    """A legal hold: nothing is purged while it lasts, even past the grace period."""
    return _public(await _deletions(state).hold(principal, body.reason))


@router.post("/api/orgs/{org_id}/deletion/release")
async def release_deletion(principal: Compliance, state: StateDep) -> DeletionPublic:
    return _public(await _deletions(state).release(principal))


@router.get("/api/deletion-receipts/{token}")
async def get_receipt(
    token: Annotated[str, Path(max_length=200)], state: StateDep
) -> ReceiptPublic:
    """No sign-in: by the time the receipt is complete, the requester's sign-in is gone."""
    receipt = await _deletions(state).receipt(token)
    return ReceiptPublic.model_validate(receipt, from_attributes=True)


@router.delete("/api/orgs/{org_id}/members/me", status_code=status.HTTP_202_ACCEPTED)
async def delete_own_account(principal: OrgMember, state: StateDep) -> MemberDeletedPublic:
    """Delete your own member account: your member row, sign-in links and identity-provider
    user. What you wrote stays the organization's."""
    deleted = await _deletions(state).delete_member(principal)
    return MemberDeletedPublic(status=deleted.status, receipt_token=deleted.receipt_token)
