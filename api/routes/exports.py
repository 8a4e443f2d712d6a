"""Data exports (the rights of access and portability): request, follow, download.

The download link is the credential (the person downloading may not be signed in), so it is
short-lived and only its SHA-256 is stored. Decision: the link is minted by the status
endpoint. Every status read of a completed, unexpired export returns a *fresh* link and the
previous one stops working (one live link per export; a leaked old link is worthless). The
link itself lives until the export expires (``export_link_ttl_hours`` after completion), when
the workflow deletes the file and the link answers 410 Gone.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlmodel import col, select

from api.deps import OrgSessionDep, PrivacyStaff, StateDep
from api.responses import errors
from core.db import org_session, platform_session
from core.logging import get_logger
from core.models import (
    AuditLogEntry,
    PrivacyRequest,
    PrivacyRequestKind,
    PrivacyRequestStatus,
)
from services.exports import request_export
from services.identity import hash_secret

log = get_logger(__name__)

router = APIRouter(tags=["privacy"], responses=errors(401, 403, 404, 409, 410, 422, 503))

ZIP: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The export's ZIP archive",
        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
    }
}
EXPORT_KINDS = (PrivacyRequestKind.ORGANIZATION_EXPORT, PrivacyRequestKind.CONTACT_EXPORT)


class ExportCreate(BaseModel):
    contact_id: uuid.UUID | None = None


class ExportAccepted(BaseModel):
    id: uuid.UUID
    kind: PrivacyRequestKind
    status: PrivacyRequestStatus


class ExportStatus(BaseModel):
    id: uuid.UUID
    kind: PrivacyRequestKind
    status: PrivacyRequestStatus
    contact_id: uuid.UUID | None
    created_at: datetime
    completed_at: datetime | None
    size_bytes: int | None
    counts: dict[str, int]
    expires_at: datetime | None
    link_expired: bool
    downloaded_at: datetime | None
    failure_reason: str | None
    download_url: str | None = None


@router.post("/api/orgs/{org_id}/exports", status_code=status.HTTP_202_ACCEPTED)
async def create_export(
    body: ExportCreate, principal: PrivacyStaff, state: StateDep
) -> ExportAccepted:
    request = await request_export(
        state.session_maker, state.temporal, state.settings, principal, body.contact_id
    )
    return ExportAccepted(id=request.id, kind=request.kind, status=request.status)


@router.get("/api/orgs/{org_id}/exports")
async def list_exports(_: PrivacyStaff, session: OrgSessionDep) -> list[ExportStatus]:
    requests = (
        await session.exec(
            select(PrivacyRequest)
            .where(col(PrivacyRequest.kind).in_(EXPORT_KINDS))
            .order_by(col(PrivacyRequest.created_at).desc())
            .limit(200)
        )
    ).all()
    return [_status_of(request) for request in requests]


@router.get("/api/orgs/{org_id}/exports/{request_id}")
async def get_export(
    request_id: uuid.UUID, principal: PrivacyStaff, state: StateDep
) -> ExportStatus:
    """The export's state; once it is ready, a fresh download link (earlier ones stop
    working). Committed before the answer, so the link works the moment it is shown."""
    async with org_session(state.session_maker, principal.org_id) as session:
        request = await session.get(PrivacyRequest, request_id)
        if request is None or request.kind not in EXPORT_KINDS:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such export")
        result = _status_of(request)
        if _downloadable(request):
            token = secrets.token_urlsafe(32)
            request.download_token_hash = hash_secret(token)
            session.add(request)
            result.download_url = f"{state.settings.api_url}/api/exports/{token}"
    return result


@router.get("/api/exports/{token}", response_class=StreamingResponse, responses=ZIP)
async def download_export(token: str, state: StateDep) -> StreamingResponse:
    """No sign-in: the link is the credential. 404 for an unknown (or replaced) link, 410
    once the export has expired. Every download is in the organization's audit log."""
    async with platform_session(state.session_maker) as session:
        request = (
            await session.exec(
                select(PrivacyRequest).where(
                    PrivacyRequest.download_token_hash == hash_secret(token)
                )
            )
        ).first()
    if request is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="unknown download link")
    if not _downloadable(request) or request.file_key is None:
        raise HTTPException(status.HTTP_410_GONE, detail="this export has expired")
    # Streamed a chunk at a time: with call recordings an archive can be large.
    chunks = state.storage.read_chunks(request.file_key)
    try:
        first = await anext(chunks)
    except (FileNotFoundError, StopAsyncIteration):
        raise HTTPException(status.HTTP_410_GONE, detail="this export has expired") from None
    async with org_session(state.session_maker, request.org_id) as session:
        stored = await session.get(PrivacyRequest, request.id)
        if stored is not None:
            stored.downloaded_at = datetime.now(UTC)
            session.add(stored)
        session.add(
            AuditLogEntry(
                org_id=request.org_id,
                action="privacy.export_downloaded",
                target_type="privacy_request",
                target_id=str(request.id),
                details={"kind": request.kind.value, "size_bytes": request.size_bytes},
            )
        )
    day = (request.completed_at or request.created_at).date().isoformat()
    filename = f"perceptron-{request.kind.value.replace('_', '-')}-{day}.zip"
    headers = {
        "content-disposition": f'attachment; filename="{filename}"',
        "cache-control": "no-store",
    }
    return StreamingResponse(_joined(first, chunks), media_type="application/zip", headers=headers)


async def _joined(first: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    yield first
    async for chunk in rest:
        yield chunk


def _downloadable(request: PrivacyRequest) -> bool:
    return (
        request.status is PrivacyRequestStatus.COMPLETED
        and request.file_key is not None
        and request.expires_at is not None
        and request.expires_at > datetime.now(UTC)
    )


def _status_of(request: PrivacyRequest) -> ExportStatus:
    receipt: dict[str, Any] = request.receipt or {}
    expired = request.status is PrivacyRequestStatus.COMPLETED and not _downloadable(request)
    return ExportStatus(
        id=request.id,
        kind=request.kind,
        status=request.status,
        contact_id=request.contact_id,
        created_at=request.created_at,
        completed_at=request.completed_at,
        size_bytes=request.size_bytes,
        counts=dict(receipt.get("counts") or {}),
        expires_at=request.expires_at,
        link_expired=expired,
        downloaded_at=request.downloaded_at,
        failure_reason=request.failure_reason,
    )
