"""Data exports (the rights of access and portability) as the API starts them: the request
row and its audit entry, then the DataExportWorkflow that builds the archive. Following and
downloading an export is the API's (``api/routes/exports.py``)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from http import HTTPStatus

from temporalio.client import Client

from core.db import SessionMaker, org_session
from core.ids import data_export_id, search_attributes
from core.logging import get_logger
from core.models import Contact, PrivacyRequest, PrivacyRequestKind, PrivacyRequestStatus
from core.settings import Settings
from services.accounts import Principal, audit_entry
from services.errors import RefusedError
from workflows.data_export import DataExportInput, DataExportWorkflow

log = get_logger(__name__)


class ExportError(RefusedError):
    """A request to an export refused: the HTTP status and a message for the caller."""


async def request_export(
    session_maker: SessionMaker,
    temporal: Client,
    settings: Settings,
    principal: Principal,
    contact_id: uuid.UUID | None,
    link_ttl: timedelta | None = None,
) -> PrivacyRequest:
    """Record the request (and its audit entry), then start its workflow. ``link_ttl``
    defaults to ``settings.export_link_ttl_hours``."""
    kind = (
        PrivacyRequestKind.CONTACT_EXPORT if contact_id else PrivacyRequestKind.ORGANIZATION_EXPORT
    )
    async with org_session(session_maker, principal.org_id) as session:
        if contact_id is not None and await session.get(Contact, contact_id) is None:
            raise ExportError(HTTPStatus.NOT_FOUND, "no such contact")
        request = PrivacyRequest(
            org_id=principal.org_id,
            kind=kind,
            contact_id=contact_id,
            requested_by_member_id=principal.member_id,
        )
        request.workflow_id = data_export_id(principal.org_id, request.id)
        session.add(request)
        session.add(
            audit_entry(
                principal,
                "privacy.export_requested",
                "privacy_request",
                request.id,
                kind=kind.value,
            )
        )
    ttl = link_ttl or timedelta(hours=settings.export_link_ttl_hours)
    try:
        await temporal.start_workflow(
            DataExportWorkflow.run,
            DataExportInput(
                org_id=principal.org_id,
                request_id=request.id,
                link_ttl_seconds=max(1, int(ttl.total_seconds())),
            ),
            id=request.workflow_id,
            task_queue=settings.temporal.task_queues.privacy,
            search_attributes=search_attributes(principal.org_id, "export"),
        )
    except Exception:
        log.exception("export could not be started", request_id=str(request.id))
        async with org_session(session_maker, principal.org_id) as session:
            stored = await session.get(PrivacyRequest, request.id)
            if stored is not None:
                stored.status = PrivacyRequestStatus.FAILED
                stored.failure_reason = "the export could not be started; try again"
                session.add(stored)
        raise ExportError(
            HTTPStatus.SERVICE_UNAVAILABLE, "the export could not be started; try again"
        ) from None
    return request
