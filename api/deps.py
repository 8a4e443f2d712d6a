"""Dependencies that keep route signatures short: settings, state, the caller, the session."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.responses import RedirectResponse
from sqlmodel.ext.asyncio.session import AsyncSession

from api.state import AppState
from core.db import org_session
from core.models import Member, Role
from services.accounts import Principal, api_key_principal, clerk_principal, member_principal
from services.identity import API_KEY_PREFIX, InvalidTokenError

SESSION_COOKIE = "perceptron_session"
CLERK_COOKIE = "__session"


def signed_in(state: AppState, member: Member) -> RedirectResponse:
    """To the dashboard with a new session cookie for the member (local sign-in)."""
    response = RedirectResponse("/dashboard/", status_code=status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        SESSION_COOKIE,
        state.local_tokens.issue(member.id, member.org_id),
        max_age=int(state.local_tokens.ttl.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=not state.settings.is_local,
        path="/",
    )
    return response


def get_state(request: Request) -> AppState:
    state: AppState = request.state.app_state
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


def bearer_credential(headers: Mapping[str, str]) -> str | None:
    """A session token or API key in the Authorization header: never added by a browser on
    its own, so such requests need no CSRF defence (api/csrf.py)."""
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def session_cookie(cookies: Mapping[str, str]) -> tuple[str, str] | None:
    """The member session a browser sends by itself, ``(cookie name, value)``: ours (local
    mode) or Clerk's."""
    for name in (SESSION_COOKIE, CLERK_COOKIE):
        if value := cookies.get(name):
            return name, value
    return None


def _credential(request: Request) -> str | None:
    """The Authorization header wins over a cookie."""
    cookie = session_cookie(request.cookies)
    return bearer_credential(request.headers) or (cookie[1] if cookie else None)


async def current_principal(request: Request, state: StateDep) -> Principal:
    credential = _credential(request)
    if credential is None:
        raise _unauthorized("sign in first")
    principal: Principal | None
    try:
        if credential.startswith(API_KEY_PREFIX):
            principal = await api_key_principal(state.session_maker, credential)
        elif state.clerk is not None:
            principal = await clerk_principal(state.session_maker, state.clerk.verify(credential))
            if principal is None:
                raise HTTPException(
                    status.HTTP_403_FORBIDDEN, detail="choose an organization to continue"
                )
        else:
            claims = state.local_tokens.verify(credential)
            principal = await member_principal(state.session_maker, claims.member_id)
            if principal is not None and principal.org_id != claims.org_id:
                principal = None
    except InvalidTokenError as error:
        raise _unauthorized(str(error)) from error
    if principal is None:
        raise _unauthorized("unknown or revoked credential")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: Role) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """A dependency that lets through only the named roles of the organization in the path."""
    allowed = set(roles)

    async def dependency(org_id: uuid.UUID, principal: CurrentPrincipal) -> Principal:
        if principal.org_id != org_id:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, detail="not a member of this organization"
            )
        if principal.role not in allowed:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail=f"this needs one of the roles: {', '.join(sorted(allowed))}",
            )
        return principal

    return dependency


ANY_ROLE = tuple(Role)
OrgMember = Annotated[Principal, Depends(require_roles(*ANY_ROLE))]
OrgAdmin = Annotated[Principal, Depends(require_roles(Role.OWNER, Role.ADMIN))]
# Privacy requests, exports and the privacy settings: owners, admins and compliance members.
PrivacyStaff = Annotated[Principal, Depends(require_roles(Role.OWNER, Role.ADMIN, Role.COMPLIANCE))]


async def get_org_session(principal: OrgMember, state: StateDep) -> AsyncIterator[AsyncSession]:
    """The one session for organization routes: scoped to the caller's organization,
    committed on success, rolled back on error."""
    async with org_session(state.session_maker, principal.org_id) as session:
        yield session


# scope="function": the session commits when the route returns, before the response is sent,
# so a commit that fails is answered as an error (api/storage_errors.py), never as done.
# (The default, "request", would commit after the response has gone.)
OrgSessionDep = Annotated[AsyncSession, Depends(get_org_session, scope="function")]
