"""Contacts as the dashboard and the API use them: find, read, correct, and erase.

Correction (the right to rectification) changes a contact's name or email; the audit log
records which fields changed, never their values. Erasure (the right to deletion) is a
privacy request plus a ``ContactErasureWorkflow``: a grace period in which it can be
cancelled, then every store of that one contact is purged. Only ids ever reach the workflow:
an erasure asked for by email is resolved to contact ids here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import col, func, or_, select
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from activities.contact_erasure import ACTIVE_ERASURE, WAITING, ContactErasureStarter
from core.db import SessionMaker, org_session
from core.ids import contact_erasure_id
from core.logging import get_logger
from core.models import (
    AuditLogEntry,
    Contact,
    Organization,
    PrivacyRequest,
    PrivacyRequestKind,
    PrivacyRequestStatus,
)
from core.privacy_settings import PrivacySettings
from core.settings import Settings
from services.accounts import Principal, audit_entry
from services.errors import RefusedError
from workflows.contact_erasure import ContactErasureWorkflow

log = get_logger(__name__)

REPORTED_MINOR = "reported_minor"
REQUESTED = "requested"


class ContactError(RefusedError):
    """A contact or privacy request refused: the HTTP status and a message for the caller."""


@dataclass(frozen=True)
class Correction:
    """What a member asked to change; a field left out is not touched, ``None`` clears it."""

    fields: dict[str, str | None]


@dataclass(frozen=True)
class Erasure:
    request: PrivacyRequest
    created: bool


class Contacts:
    def __init__(self, session_maker: SessionMaker, temporal: Client, settings: Settings) -> None:
        self._session_maker = session_maker
        self._temporal = temporal
        self._erasures = ContactErasureStarter(
            session_maker, temporal, settings.temporal.task_queues.privacy
        )

    # Finding and correcting ------------------------------------------------------------

    async def find(
        self,
        org_id: uuid.UUID,
        *,
        email: str | None = None,
        text: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[Contact], int]:
        query = select(Contact)
        if email is not None:
            query = query.where(func.lower(col(Contact.email)) == email.strip().lower())
        if text:
            query = query.where(
                or_(
                    col(Contact.name).icontains(text, autoescape=True),
                    col(Contact.email).icontains(text, autoescape=True),
                )
            )
        async with org_session(self._session_maker, org_id) as session:
            total = (await session.exec(select(func.count()).select_from(query.subquery()))).one()
            rows = (
                await session.exec(
                    query.order_by(col(Contact.created_at).desc(), col(Contact.id))
                    .limit(limit)
                    .offset(offset)
                )
            ).all()
        return list(rows), total

    async def get(self, org_id: uuid.UUID, contact_id: uuid.UUID) -> Contact:
        async with org_session(self._session_maker, org_id) as session:
            contact = await session.get(Contact, contact_id)
        if contact is None:
            raise ContactError(404, "no such contact")
        return contact

    async def correct(
        self, principal: Principal, contact_id: uuid.UUID, correction: Correction
    ) -> tuple[Contact, list[str]]:
        """Apply a correction; returns the contact and the names of the fields that changed.
        The audit entry names the fields only: the old and new values are personal data."""
        if not correction.fields:
            raise ContactError(422, "nothing to correct: send a name or an email")
        async with org_session(self._session_maker, principal.org_id) as session:
            contact = await session.get(Contact, contact_id, with_for_update=True)
            if contact is None:
                raise ContactError(404, "no such contact")
            changed = [
                field
                for field, value in sorted(correction.fields.items())
                if getattr(contact, field) != value
            ]
            for field in changed:
                setattr(contact, field, correction.fields[field])
            if changed:
                contact.updated_at = datetime.now(UTC)
                session.add(contact)
                session.add(
                    audit_entry(
                        principal, "contact.corrected", "contact", contact.id, fields=changed
                    )
                )
        return contact, changed

    async def with_email(self, org_id: uuid.UUID, email: str) -> list[Contact]:
        contacts, _ = await self.find(org_id, email=email, limit=1000)
        return contacts

    # Erasure ---------------------------------------------------------------------------

    async def erase(
        self, principal: Principal, contact_id: uuid.UUID, *, reported_minor: bool = False
    ) -> Erasure:
        """Create the erasure request and start its workflow. While an erasure of the contact
        is pending, asking again returns it; a reported minor makes a waiting one run now."""
        async with org_session(self._session_maker, principal.org_id) as session:
            # The contact's row lock serializes concurrent requests for the same contact.
            contact = await session.get(Contact, contact_id, with_for_update=True)
            if contact is None:
                raise ContactError(404, "no such contact")
            existing = (
                await session.exec(
                    select(PrivacyRequest)
                    .where(
                        PrivacyRequest.kind == PrivacyRequestKind.CONTACT_ERASURE,
                        PrivacyRequest.contact_id == contact_id,
                        col(PrivacyRequest.status).in_(ACTIVE_ERASURE),
                    )
                    .order_by(col(PrivacyRequest.created_at))
                )
            ).first()
            if existing is not None:
                if reported_minor and existing.reason != REPORTED_MINOR:
                    existing.reason = REPORTED_MINOR
                    session.add(existing)
                    session.add(_minor_reported(principal, contact_id, existing.id))
            else:
                organization = await session.get(Organization, principal.org_id)
                assert organization is not None
                grace = (
                    timedelta(0)
                    if reported_minor
                    else PrivacySettings.of(organization.settings).contact_erasure_grace
                )
                now = datetime.now(UTC)
                request = PrivacyRequest(
                    org_id=principal.org_id,
                    kind=PrivacyRequestKind.CONTACT_ERASURE,
                    status=(
                        PrivacyRequestStatus.SCHEDULED if grace else PrivacyRequestStatus.PENDING
                    ),
                    contact_id=contact_id,
                    reason=REPORTED_MINOR if reported_minor else REQUESTED,
                    requested_by_member_id=principal.member_id,
                    receipt={
                        "requested_at": now.isoformat(),
                        "erase_after": (now + grace).isoformat(),
                    },
                    created_at=now,
                )
                request.workflow_id = contact_erasure_id(principal.org_id, request.id)
                session.add(request)
                session.add(
                    audit_entry(
                        principal,
                        "privacy.erasure_requested",
                        "privacy_request",
                        request.id,
                        contact_id=str(contact_id),
                        reason=request.reason,
                    )
                )
                if reported_minor:
                    session.add(_minor_reported(principal, contact_id, request.id))
        if existing is not None:
            await self._resume(existing, erase_now=reported_minor)
            return Erasure(existing, created=False)
        await self._start(request, grace)
        return Erasure(request, created=True)

    async def cancel_erasure(self, principal: Principal, request_id: uuid.UUID) -> PrivacyRequest:
        """Cancel an erasure in its grace period. The workflow decides (an Update), so a
        cancel that races the end of the grace period gets a clear answer either way."""
        request = await self.request(principal.org_id, request_id)
        if request.kind is not PrivacyRequestKind.CONTACT_ERASURE:
            raise ContactError(409, "only contact erasures can be cancelled")
        if request.status is not PrivacyRequestStatus.SCHEDULED or request.workflow_id is None:
            raise ContactError(
                409,
                f"the erasure is {request.status.value}: only one in its grace period can be "
                "cancelled",
            )
        handle = self._temporal.get_workflow_handle(request.workflow_id)
        try:
            await handle.execute_update(ContactErasureWorkflow.cancel)
        except WorkflowUpdateFailedError as error:
            raise ContactError(
                409, "the erasure has started already and can no longer be cancelled"
            ) from error
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                raise ContactError(409, "the erasure is no longer running") from error
            raise
        async with org_session(self._session_maker, principal.org_id) as session:
            session.add(
                audit_entry(
                    principal,
                    "privacy.erasure_cancelled",
                    "privacy_request",
                    request_id,
                    contact_id=str(request.contact_id),
                )
            )
        return await self.request(principal.org_id, request_id)

    async def request(self, org_id: uuid.UUID, request_id: uuid.UUID) -> PrivacyRequest:
        async with org_session(self._session_maker, org_id) as session:
            request = await session.get(PrivacyRequest, request_id)
        if request is None:
            raise ContactError(404, "no such privacy request")
        return request

    async def _start(self, request: PrivacyRequest, grace: timedelta) -> None:
        """Start a new request's workflow. If it cannot be started the request is marked
        failed (asking again then creates a new one) and the member gets a 503."""
        try:
            await self._erasures.start(request, grace)
        except Exception as error:
            log.exception("contact erasure could not start", request_id=str(request.id))
            async with org_session(self._session_maker, request.org_id) as session:
                stored = await session.get(PrivacyRequest, request.id)
                if stored is not None and stored.status in WAITING:
                    stored.status = PrivacyRequestStatus.FAILED
                    stored.failure_reason = "the erasure workflow could not be started; ask again"
                    session.add(stored)
            raise ContactError(503, "the erasure could not be started: try again") from error
        log.info(
            "contact erasure requested",
            request_id=str(request.id),
            grace_seconds=grace.total_seconds(),
        )

    async def _resume(self, request: PrivacyRequest, *, erase_now: bool) -> None:
        try:
            await self._erasures.resume(request, erase_now=erase_now)
        except Exception as error:
            raise ContactError(503, "the erasure could not be started: try again") from error


def _minor_reported(
    principal: Principal, contact_id: uuid.UUID, request_id: uuid.UUID
) -> AuditLogEntry:
    return audit_entry(
        principal,
        "privacy.minor_reported",
        "contact",
        contact_id,
        request_id=str(request_id),
    )
