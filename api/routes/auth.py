"""Signing in and out. Local mode: one-time links; Clerk mode: Clerk's own session token."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from api.csrf import CSRF_HEADER, CsrfTokens
from api.deps import SESSION_COOKIE, CurrentPrincipal, StateDep, bearer_credential, signed_in
from api.responses import errors
from core.db import platform_session
from core.models import Member, Organization
from core.settings import AuthMode
from services.accounts import redeem_sign_in_link

router = APIRouter(tags=["auth"], responses=errors(400, 401, 403, 404, 422))


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
    return signed_in(state, member)


@router.post("/auth/sign-out", status_code=status.HTTP_204_NO_CONTENT)
async def sign_out(state: StateDep) -> Response:
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, samesite="lax", secure=not state.settings.is_local
    )
    return response


class CsrfToken(BaseModel):
    csrf_token: str = Field(description="Send it in the header named below")
    header: str = CSRF_HEADER


@router.get("/api/auth/csrf", responses=errors(400, 401, 403))
async def csrf_token(
    request: Request, response: Response, principal: CurrentPrincipal, state: StateDep
) -> CsrfToken:
    """The token a page signed in by cookie sends in ``X-CSRF-Token`` with every POST, PUT,
    PATCH and DELETE, together with its own Origin. It stays the same for the whole session.
    Requests with a Bearer token or an API key need none."""
    token = None
    if bearer_credential(request.headers) is None:
        token = CsrfTokens(state.settings.secret_key.get_secret_value()).for_session(
            request.cookies
        )
    if token is None:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST,
            detail="this request is signed in by its Authorization header: "
            "Bearer tokens and API keys need no CSRF token",
        )
    response.headers["cache-control"] = "no-store"
    return CsrfToken(csrf_token=token)


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
