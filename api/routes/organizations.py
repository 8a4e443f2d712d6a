"""An organization's settings, members and API keys."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError
from sqlmodel import col, select

from agents.support.grounding import calibration_curve, fitted_model
from api.deps import OrgAdmin, OrgMember, OrgSessionDep, StateDep
from api.responses import MEMBER_ERRORS
from core.models import ApiKey, Member, Organization, Role
from core.organization_settings import OrganizationSettings
from services.accounts import audit_entry, create_api_key, may_grant

router = APIRouter(prefix="/api/orgs/{org_id}", tags=["organizations"], responses=MEMBER_ERRORS)


class AnsweringPoint(BaseModel):
    threshold: float
    answered: float = Field(description="share of answerable test questions answered")
    declined: float = Field(description="share of unanswerable test questions declined")


class OrganizationPublic(BaseModel):
    id: uuid.UUID
    name: str
    public_key: str = Field(description="The widget's public key, for the embed snippet")
    settings: dict[str, Any]
    created_at: datetime
    calibrated_answer_threshold: float = Field(
        default_factory=lambda: fitted_model().operating_point,
        description="The keyless judge's calibrated operating point (settings.answer_threshold "
        "overrides it)",
    )
    answering_curve: list[AnsweringPoint] = Field(
        default_factory=lambda: [AnsweringPoint(**point) for point in calibration_curve()],
        description="What each operating point did on the held-out test questions",
    )


class OrganizationUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    settings: dict[str, Any] | None = None


class MemberPublic(BaseModel):
    id: uuid.UUID
    name: str
    email: str | None
    role: Role
    created_at: datetime


class ApiKeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    role: Role = Field(
        default=Role.ADMIN,
        description="At or below the caller's own role: an admin grants admin or operator; "
        "an owner also compliance. Never owner.",
    )


class ApiKeyPublic(BaseModel):
    id: uuid.UUID
    name: str
    prefix: str
    role: Role
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyPublic):
    secret: str = Field(description="Shown once; only a hash is stored.")


@router.get("")
async def get_organization(_: OrgMember, session: OrgSessionDep) -> OrganizationPublic:
    organization = (await session.exec(select(Organization))).one()
    return OrganizationPublic.model_validate(organization, from_attributes=True)


@router.patch("")
async def update_organization(
    body: OrganizationUpdate, principal: OrgAdmin, session: OrgSessionDep
) -> OrganizationPublic:
    organization = (await session.exec(select(Organization))).one()
    if body.name is not None:
        organization.name = body.name
    if body.settings is not None:
        if "privacy" in body.settings:
            # Privacy settings have their own route: bounded, validated and audited there.
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                detail="change privacy settings with PUT /api/orgs/{org_id}/privacy/settings",
            )
        if "telephony" in body.settings:
            # Audited by key there (a handoff number is personal data: never in the log).
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                detail="change telephony settings with PUT /api/orgs/{org_id}/telephony/settings",
            )
        try:
            changes = OrganizationSettings.changes(body.settings)
        except ValidationError as error:
            problems = error.errors(include_url=False)
            raise RequestValidationError(
                [{**e, "loc": ("body", "settings", *e["loc"])} for e in problems]
            ) from None
        organization.settings = {**organization.settings, **changes}
    organization.updated_at = datetime.now(UTC)
    session.add(organization)
    session.add(audit_entry(principal, "organization.updated", "organization", organization.id))
    return OrganizationPublic.model_validate(organization, from_attributes=True)


@router.get("/members")
async def list_members(_: OrgMember, session: OrgSessionDep) -> list[MemberPublic]:
    members = (await session.exec(select(Member).order_by(col(Member.created_at)))).all()
    return [MemberPublic.model_validate(member, from_attributes=True) for member in members]


@router.get("/api-keys")
async def list_api_keys(_: OrgAdmin, session: OrgSessionDep) -> list[ApiKeyPublic]:
    keys = (await session.exec(select(ApiKey).order_by(col(ApiKey.created_at)))).all()
    return [ApiKeyPublic.model_validate(key, from_attributes=True) for key in keys]


@router.post("/api-keys", status_code=status.HTTP_201_CREATED)
async def create_key(body: ApiKeyCreate, principal: OrgAdmin, state: StateDep) -> ApiKeyCreated:
    if body.role is Role.OWNER:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, detail="API keys cannot be owners"
        )
    key, secret = await create_api_key(state.session_maker, principal, body.name, body.role)
    public = ApiKeyPublic.model_validate(key, from_attributes=True)
    return ApiKeyCreated(**public.model_dump(), secret=secret)


@router.delete("/api-keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_key(key_id: uuid.UUID, principal: OrgAdmin, session: OrgSessionDep) -> None:
    key = (await session.exec(select(ApiKey).where(ApiKey.id == key_id))).first()
    if key is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such API key")
    if not may_grant(principal.role, key.role):
        # An owner revokes any key; an admin only keys it could have minted.
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail=f"the {principal.role.value} role cannot revoke a {key.role.value} key",
        )
    key.revoked_at = key.revoked_at or datetime.now(UTC)
    session.add(key)
    session.add(audit_entry(principal, "api_key.revoked", "api_key", key.id))
