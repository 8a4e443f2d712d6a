"""An organization's privacy settings: deletion grace periods and retention periods.

``PUT`` changes only the fields it names (a field sent as ``null``, e.g.
``conversation_retention_days``, is set to null: keep while the account is active); the
result is validated as a whole by :class:`core.privacy_settings.PrivacySettings`, whose
bounds make a deletion always end within 30 days. Out-of-bounds values answer 422 with the reason.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, status
from pydantic import ValidationError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.deps import OrgAdmin, OrgSessionDep, PrivacyStaff, StateDep
from api.responses import MEMBER_ERRORS
from core.db import org_session
from core.models import Organization
from core.privacy_settings import PrivacySettings
from services.accounts import Principal, audit_entry

router = APIRouter(prefix="/api/orgs/{org_id}/privacy", tags=["privacy"], responses=MEMBER_ERRORS)


@router.get("/settings")
async def get_privacy_settings(_: PrivacyStaff, session: OrgSessionDep) -> PrivacySettings:
    organization = (await session.exec(select(Organization))).one()
    return _current(organization)


@router.put("/settings")
async def update_privacy_settings(
    body: PrivacySettings, principal: OrgAdmin, state: StateDep
) -> PrivacySettings:
    # Committed before the answer (not after the response, as the session dependency does).
    async with org_session(state.session_maker, principal.org_id) as session:
        organization = (await session.exec(select(Organization))).one()
        return _apply(session, principal, organization, body)


def _apply(
    session: AsyncSession, principal: Principal, organization: Organization, body: PrivacySettings
) -> PrivacySettings:
    current = _current(organization)
    changes = body.model_dump(include=body.model_fields_set)
    try:
        updated = PrivacySettings.model_validate({**current.model_dump(), **changes})
    except ValidationError as error:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail="; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()),
        ) from None
    changed = {
        name: value
        for name, value in updated.model_dump().items()
        if value != getattr(current, name)
    }
    if changed:
        organization.settings = {**organization.settings, "privacy": updated.model_dump()}
        organization.updated_at = datetime.now(UTC)
        session.add(organization)
        session.add(
            audit_entry(
                principal,
                "privacy.settings_changed",
                "organization",
                organization.id,
                changed=changed,
            )
        )
    return updated


def _current(organization: Organization) -> PrivacySettings:
    """The stored settings; if something stored no longer validates, the defaults for the
    fields that do not (never a 500 on reading settings)."""
    stored: dict[str, Any] = dict(organization.settings.get("privacy") or {})
    try:
        return PrivacySettings.model_validate(stored)
    except ValidationError as error:
        bad = {str(e["loc"][0]) for e in error.errors() if e["loc"]}
        return PrivacySettings.model_validate(
            {k: v for k, v in stored.items() if k not in bad and k in PrivacySettings.model_fields}
        )
