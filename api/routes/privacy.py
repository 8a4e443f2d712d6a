"""The privacy page: contact erasures (and the "reported minor" action), the list of privacy
requests of every kind, and the audit log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, EmailStr, Field, model_validator
from sqlmodel import col, func, select

from api.deps import OrgSessionDep, PrivacyStaff
from api.paging import Offset, PageSize
from api.responses import MEMBER_ERRORS
from api.routes.contacts import ContactsDep
from core.models import (
    AuditLogEntry,
    PrivacyRequest,
    PrivacyRequestKind,
    PrivacyRequestStatus,
)

router = APIRouter(prefix="/api/orgs/{org_id}", tags=["privacy"], responses=MEMBER_ERRORS)

# Those who run the organization's data requests and read its audit log.


class PrivacyRequestPublic(BaseModel):
    id: uuid.UUID
    kind: PrivacyRequestKind
    status: PrivacyRequestStatus
    contact_id: uuid.UUID | None
    reason: str | None
    workflow_id: str | None
    requested_by_member_id: uuid.UUID | None
    receipt: dict[str, Any]
    failure_reason: str | None
    size_bytes: int | None
    expires_at: datetime | None
    downloaded_at: datetime | None
    created_at: datetime
    completed_at: datetime | None


class PrivacyRequestPage(BaseModel):
    items: list[PrivacyRequestPublic]
    total: int


class ErasureRequest(BaseModel):
    """Erase one contact, by id, or every contact of this organization with an email."""

    contact_id: uuid.UUID | None = None
    email: EmailStr | None = Field(default=None, max_length=320)

    @model_validator(mode="after")
    def _one_subject(self) -> ErasureRequest:
        if (self.contact_id is None) == (self.email is None):
            raise ValueError("send either contact_id or email")
        return self


class ErasureRequests(BaseModel):
    requests: list[PrivacyRequestPublic]


class AuditEntryPublic(BaseModel):
    id: uuid.UUID
    action: str
    actor_member_id: uuid.UUID | None
    actor_api_key_id: uuid.UUID | None
    target_type: str | None
    target_id: str | None
    details: dict[str, Any]
    created_at: datetime


class AuditPage(BaseModel):
    items: list[AuditEntryPublic]
    total: int


def _public(request: PrivacyRequest) -> PrivacyRequestPublic:
    return PrivacyRequestPublic.model_validate(request, from_attributes=True)


@router.post("/privacy/erasures", status_code=status.HTTP_202_ACCEPTED)
async def request_erasure(
    body: ErasureRequest, principal: PrivacyStaff, contacts: ContactsDep
) -> ErasureRequests:
    """Erase a contact's data after the organization's grace period (cancellable until
    then). An email is resolved to this organization's contacts here: the workflow only ever
    sees ids. Asking again while an erasure of the contact is pending returns that one."""
    if body.contact_id is not None:
        contact_ids = [body.contact_id]
    else:
        assert body.email is not None
        contact_ids = [
            contact.id for contact in await contacts.with_email(principal.org_id, body.email)
        ]
        if not contact_ids:
            raise HTTPException(
                status.HTTP_404_NOT_FOUND, detail="no contact of this organization has that email"
            )
    erasures = [await contacts.erase(principal, contact_id) for contact_id in contact_ids]
    return ErasureRequests(requests=[_public(erasure.request) for erasure in erasures])


@router.post("/contacts/{contact_id}/report-minor", status_code=status.HTTP_202_ACCEPTED)
async def report_minor(
    contact_id: uuid.UUID, principal: PrivacyStaff, contacts: ContactsDep
) -> PrivacyRequestPublic:
    """The contact is a child under 13: erase their data at once, with no grace period.
    Immediate and irreversible, so privacy staff only (an operator asks one of them)."""
    erasure = await contacts.erase(principal, contact_id, reported_minor=True)
    return _public(erasure.request)


@router.post("/privacy/requests/{request_id}/cancel")
async def cancel_request(
    request_id: uuid.UUID, principal: PrivacyStaff, contacts: ContactsDep
) -> PrivacyRequestPublic:
    """Cancel a contact erasure in its grace period; 409 once it has started."""
    return _public(await contacts.cancel_erasure(principal, request_id))


@router.get("/privacy/requests")
async def list_requests(
    _: PrivacyStaff,
    session: OrgSessionDep,
    kind: PrivacyRequestKind | None = None,
    status_filter: Annotated[PrivacyRequestStatus | None, Query(alias="status")] = None,
    contact_id: uuid.UUID | None = None,
    limit: PageSize = 50,
    offset: Offset = 0,
) -> PrivacyRequestPage:
    """Exports and erasures of every kind, newest first."""
    query = select(PrivacyRequest)
    if kind is not None:
        query = query.where(PrivacyRequest.kind == kind)
    if status_filter is not None:
        query = query.where(PrivacyRequest.status == status_filter)
    if contact_id is not None:
        query = query.where(PrivacyRequest.contact_id == contact_id)
    total = (await session.exec(select(func.count()).select_from(query.subquery()))).one()
    rows = (
        await session.exec(
            query.order_by(col(PrivacyRequest.created_at).desc(), col(PrivacyRequest.id))
            .limit(limit)
            .offset(offset)
        )
    ).all()
    return PrivacyRequestPage(items=[_public(row) for row in rows], total=total)


@router.get("/privacy/requests/{request_id}")
async def read_request(
    request_id: uuid.UUID, _: PrivacyStaff, session: OrgSessionDep
) -> PrivacyRequestPublic:
    request = await session.get(PrivacyRequest, request_id)
    if request is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such privacy request")
    return _public(request)


@router.get("/audit-log")
async def audit_log(
    _: PrivacyStaff,
    session: OrgSessionDep,
    action: Annotated[
        str | None,
        Query(max_length=60, description="an action or its prefix, e.g. privacy. or contact."),
    ] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    actor_member_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
) -> AuditPage:
    """Who did what to whose data, newest first: transcript reads, corrections, exports,
    erasures, deletions and legal holds."""
    for name, moment in (("since", since), ("until", until)):
        if moment is not None and moment.tzinfo is None:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                detail=f"{name} needs a time zone, e.g. 2026-01-31T12:00:00Z",
            )
    if since is not None and until is not None and since >= until:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, detail="since must be before until"
        )
    query = select(AuditLogEntry)
    if action:
        query = query.where(col(AuditLogEntry.action).startswith(action, autoescape=True))
    if since is not None:
        query = query.where(col(AuditLogEntry.created_at) >= since)
    if until is not None:
        query = query.where(col(AuditLogEntry.created_at) < until)
    if actor_member_id is not None:
        query = query.where(AuditLogEntry.actor_member_id == actor_member_id)
    total = (await session.exec(select(func.count()).select_from(query.subquery()))).one()
    rows = (
        await session.exec(
            query.order_by(col(AuditLogEntry.created_at).desc(), col(AuditLogEntry.id).desc())
            .limit(limit)
            .offset(offset)
        )
    ).all()
    return AuditPage(
        items=[AuditEntryPublic.model_validate(row, from_attributes=True) for row in rows],
        total=total,
    )
