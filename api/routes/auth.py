"""Signing in and out. Local mode: one-time links; Clerk mode: Clerk's own session token."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from api.deps import SESSION_COOKIE, CurrentPrincipal, StateDep
from core.db import platform_session
from core.models import Member, Organization
from core.settings import AuthMode
from services.accounts import redeem_sign_in_link

router = APIRouter(tags=["auth"])


@router.get("/auth/sign-in", response_class=RedirectResponse)
async def sign_in_with_link(
    state: StateDep, token: str = Query(min_length=16, max_length=128)
) -> Response:
    """Spend a one-time sign-in link and set the session cookie (local mode only)."""
    if state.settings.effective_auth_mode is not AuthMode.LOCAL:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="sign-in links are not enabled")
    member = await redeem_sign_in_link(state.session_maker, token)
    if member is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="this sign-in link is invalid, expired or already used: "
            "run `perceptron sign-in-link` for a new one",
        )
    session_token = state.local_tokens.issue(member.id, member.org_id)
    response = RedirectResponse("/dashboard/", status_code=status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        SESSION_COOKIE,
        session_token,
        max_age=int(state.local_tokens.ttl.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=not state.settings.is_local,
        path="/",
    )
    return response


@router.post("/auth/sign-out", status_code=status.HTTP_204_NO_CONTENT)
async def sign_out(state: StateDep) -> Response:
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, samesite="lax", secure=not state.settings.is_local
    )
    return response


class Me(BaseModel):
    member_id: str | None
    api_key_id: str | None
    org_id: str
    organization_name: str
    role: str
    name: str | None
    email: str | None
    is_platform_staff: bool


@router.get("/api/me")
async def me(principal: CurrentPrincipal, state: StateDep) -> Me:
    async with platform_session(state.session_maker) as session:
        organization = await session.get(Organization, principal.org_id)
        member = await session.get(Member, principal.member_id) if principal.member_id else None
    if organization is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="organization no longer exists")
    return Me(
        member_id=str(principal.member_id) if principal.member_id else None,
        api_key_id=str(principal.api_key_id) if principal.api_key_id else None,
        org_id=str(principal.org_id),
        organization_name=organization.name,
        role=principal.role.value,
        name=member.name if member else None,
        email=member.email if member else None,
        is_platform_staff=principal.is_platform_staff,
    )
