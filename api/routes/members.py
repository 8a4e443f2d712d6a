"""Members and invitations of an organization, accepting an invitation, and the widget's
live preview page for the settings screen. The rules live in services/members.py."""

from __future__ import annotations

import html
import json
import uuid
from datetime import datetime

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field, ValidationError
from sqlmodel import select

from api.deps import CurrentPrincipal, OrgAdmin, OrgSessionDep, StateDep, signed_in
from api.responses import MEMBER_ERRORS, errors
from core.db import platform_session
from core.models import Invitation, Organization, Role
from core.organization_settings import WidgetBranding
from core.settings import AuthMode
from services import members
from services.members import InvitationRefusedError, InvitationStatus, invitation_status

router = APIRouter(prefix="/api/orgs/{org_id}", tags=["members"], responses=MEMBER_ERRORS)
pages = APIRouter(include_in_schema=False)


class MemberRolePublic(BaseModel):
    id: uuid.UUID
    name: str
    email: str | None
    role: Role
    created_at: datetime


class RoleChange(BaseModel):
    role: Role


class InvitationCreate(BaseModel):
    email: str = Field(min_length=3, max_length=320)
    role: Role = Role.OPERATOR


class InvitationPublic(BaseModel):
    id: uuid.UUID
    email: str
    role: Role
    status: InvitationStatus
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None


class InvitationCreated(InvitationPublic):
    link: str | None = Field(
        description="Local sign-in: the one-time link, shown once (only its hash is stored). "
        "Clerk: null, Clerk emails the invitation."
    )
    emailed: bool = Field(description="whether an email with the link went out")
    email_error: str | None = None


def _public(invitation: Invitation) -> InvitationPublic:
    return InvitationPublic(
        id=invitation.id,
        email=invitation.email,
        role=invitation.role,
        status=invitation_status(invitation),
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
        accepted_at=invitation.accepted_at,
        revoked_at=invitation.revoked_at,
    )


@router.get("/invitations")
async def list_invitations(_: OrgAdmin, session: OrgSessionDep) -> list[InvitationPublic]:
    return [_public(invitation) for invitation in await members.list_invitations(session)]


@router.post("/invitations", status_code=status.HTTP_201_CREATED, responses=errors(409, 502))
async def create_invitation(
    body: InvitationCreate, principal: OrgAdmin, state: StateDep
) -> InvitationCreated:
    """Invite someone by email with a role the caller may grant."""
    created = await members.create_invitation(
        state.session_maker, state.settings, principal, body.email, body.role
    )
    return InvitationCreated(
        **_public(created.invitation).model_dump(),
        link=created.link,
        emailed=created.emailed,
        email_error=created.email_error,
    )


@router.delete(
    "/invitations/{invitation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(409, 502),
)
async def revoke_invitation(
    invitation_id: uuid.UUID, principal: OrgAdmin, session: OrgSessionDep, state: StateDep
) -> None:
    """Withdraw a pending invitation (in Clerk mode, Clerk's invitation too)."""
    await members.revoke_invitation(session, principal, invitation_id, state.settings)


def _refuse_under_clerk(state: StateDep) -> None:
    if state.settings.effective_auth_mode is AuthMode.CLERK:
        # Clerk's token carries the role, and sign-in provisions the member again.
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail="members and roles are managed in Clerk when sign-in goes through Clerk",
        )


@router.patch("/members/{member_id:uuid}", responses=errors(409))
async def change_member_role(
    member_id: uuid.UUID,
    body: RoleChange,
    principal: OrgAdmin,
    session: OrgSessionDep,
    state: StateDep,
) -> MemberRolePublic:
    """Give a member another role (one the caller may grant); the last owner stays owner."""
    _refuse_under_clerk(state)
    member = await members.change_role(session, principal, member_id, body.role)
    return MemberRolePublic.model_validate(member, from_attributes=True)


@router.delete(
    "/members/{member_id:uuid}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(409)
)
async def remove_member(
    member_id: uuid.UUID, principal: OrgAdmin, session: OrgSessionDep, state: StateDep
) -> None:
    """Remove a member from the organization (never the last owner). What they wrote stays."""
    _refuse_under_clerk(state)
    await members.remove_member(session, principal, member_id)


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:5rem auto;padding:0 1rem;
color:#0f172a;line-height:1.5}}a{{color:#4338ca}}</style>
</head><body><main><h1>{title}</h1><p>{body}</p>
<p><a href="/dashboard/">Open the dashboard</a></p></main></body></html>"""
PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"


@pages.get("/auth/invite")
async def accept_invitation(
    state: StateDep, token: str = Query(default="", max_length=128)
) -> Response:
    """Spend an invitation link (local sign-in): create the member and sign them in."""
    if state.settings.effective_auth_mode is not AuthMode.LOCAL:
        return _page(404, "Invitations come from Clerk", "Open the invitation Clerk emailed you.")
    if len(token) < 16:
        return _page(404, "This link does not work", "This invitation link is not valid.")
    try:
        member = await members.accept_invitation(state.session_maker, token)
    except InvitationRefusedError as refused:
        return _page(refused.status, "This link does not work", refused.message)
    return signed_in(state, member)


def _page(code: int, title: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        _PAGE.format(title=html.escape(title), body=html.escape(body)),
        status_code=code,
        headers={"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-store"},
    )


# The settings screen frames this page (same origin only); the widget script is the real one.
PREVIEW_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: https:; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'"
)
_PREVIEW = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Widget preview</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>html,body{{margin:0;height:100%;background:{background}}}</style>
</head><body><main aria-label="Widget preview"></main>
<script src="/widget.js" data-key="{key}" data-preview="{preview}" async></script>
</body></html>"""


@pages.get("/widget-preview")
async def widget_preview(
    principal: CurrentPrincipal,
    state: StateDep,
    settings: str = Query(default="{}", max_length=4000),
) -> HTMLResponse:
    """The widget with unsaved settings (JSON in ``settings``; what does not validate falls
    back to its default), for the dashboard's settings screen."""
    try:
        raw = json.loads(settings)
    except ValueError:
        raw = {}
    branding = _branding(raw if isinstance(raw, dict) else {})
    async with platform_session(state.session_maker) as session:
        organization = (
            await session.exec(select(Organization).where(Organization.id == principal.org_id))
        ).one()
    preview = {"organization_name": organization.name, **branding.model_dump()}
    background = "#111827" if branding.theme == "dark" else "#f1f5f9"
    page = _PREVIEW.format(
        key=html.escape(organization.public_key),
        preview=html.escape(json.dumps(preview), quote=True),
        background=background,
    )
    return HTMLResponse(
        page,
        headers={
            "Content-Security-Policy": PREVIEW_CSP,
            "X-Frame-Options": "SAMEORIGIN",
            "Cache-Control": "no-store",
        },
    )


def _branding(raw: dict[str, object]) -> WidgetBranding:
    known = {key: value for key, value in raw.items() if key in WidgetBranding.model_fields}
    try:
        return WidgetBranding.model_validate(known)
    except ValidationError as error:
        bad = {str(problem["loc"][0]) for problem in error.errors() if problem["loc"]}
        return WidgetBranding.model_validate(
            {key: value for key, value in known.items() if key not in bad}
        )
