"""Cross-site request forgery: a state-changing request signed in by a cookie must come from
this installation's own origin and carry the session's CSRF token. Bearer tokens and API keys
(in the Authorization header) are exempt; so are the widget's routes, which never read cookies.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import httpx
import pytest
from sqlmodel import select

from core.db import SessionMaker, platform_session
from core.models import ApiKey, Organization, Role
from core.settings import AuthMode, Settings
from services.accounts import create_sign_in_link, set_platform_staff
from tests.conftest import RunningApi, serve
from tests.factories import bearer, create_member, create_organization, session_token
from tests.fakes.clerk import ClerkInstance

SAME_SITE_PAGE = "http://127.0.0.1:6666"  # another port of the API's host: the same site


async def _sign_in(client: httpx.AsyncClient, maker: SessionMaker, org_id: uuid.UUID) -> None:
    """Give the client the session cookie of a fresh owner, as a browser gets it from the
    one-time link."""
    owner = await create_member(maker, org_id, Role.OWNER)
    token = await create_sign_in_link(maker, org_id, owner.id, timedelta(minutes=5))
    response = await client.get(f"/auth/sign-in?token={token}")
    assert response.status_code == 303
    assert "perceptron_session" in client.cookies


async def _csrf_token(client: httpx.AsyncClient) -> str:
    response = await client.get("/api/auth/csrf")
    assert response.status_code == 200, response.text
    token: str = response.json()["csrf_token"]
    return token


async def _name(maker: SessionMaker, org_id: uuid.UUID) -> str:
    async with platform_session(maker) as session:
        organization = await session.get(Organization, org_id)
        assert organization is not None
        return organization.name


@pytest.fixture
async def signed_in(
    api: RunningApi, session_maker: SessionMaker
) -> AsyncIterator[tuple[httpx.AsyncClient, uuid.UUID]]:
    organization = await create_organization(session_maker, "Acme")
    async with api.client() as client:
        await _sign_in(client, session_maker, organization.id)
        yield client, organization.id


async def test_a_cookie_request_without_the_csrf_token_is_refused(
    api: RunningApi,
    signed_in: tuple[httpx.AsyncClient, uuid.UUID],
    session_maker: SessionMaker,
) -> None:
    client, org_id = signed_in
    own = {"Origin": api.url}
    rename = await client.patch(f"/api/orgs/{org_id}", json={"name": "Forged"}, headers=own)
    mint = await client.post(f"/api/orgs/{org_id}/api-keys", json={"name": "x"}, headers=own)
    wrong = await client.patch(
        f"/api/orgs/{org_id}",
        json={"name": "Forged"},
        headers={**own, "X-CSRF-Token": "not-the-token"},
    )
    for response in (rename, mint, wrong):
        assert response.status_code == 403
        assert "CSRF token" in response.json()["detail"]
    assert await _name(session_maker, org_id) == "Acme"
    async with platform_session(session_maker) as session:
        assert (await session.exec(select(ApiKey))).all() == []
    # Reads need no token: the cookie alone still signs in.
    assert (await client.get(f"/api/orgs/{org_id}")).status_code == 200


async def test_a_cookie_request_from_another_origin_is_refused_even_with_the_token(
    api: RunningApi,
    signed_in: tuple[httpx.AsyncClient, uuid.UUID],
    session_maker: SessionMaker,
) -> None:
    client, org_id = signed_in
    token = {"X-CSRF-Token": await _csrf_token(client)}
    port = api.settings.api_port
    refused = {
        "same-site page": {"Origin": SAME_SITE_PAGE},
        "another scheme": {"Origin": f"https://127.0.0.1:{port}"},
        "another site": {"Origin": "https://evil.example.net"},
        "opaque origin": {"Origin": "null"},
        "referer elsewhere": {"Referer": f"{SAME_SITE_PAGE}/attack.html"},
        "no origin at all": {},
    }
    for case, headers in refused.items():
        response = await client.patch(
            f"/api/orgs/{org_id}", json={"name": "Forged"}, headers={**token, **headers}
        )
        assert response.status_code == 403, case
        assert "origin" in response.json()["detail"].lower(), case
    assert await _name(session_maker, org_id) == "Acme"


async def test_a_cookie_request_from_the_own_origin_with_the_token_works(
    api: RunningApi,
    signed_in: tuple[httpx.AsyncClient, uuid.UUID],
    session_maker: SessionMaker,
) -> None:
    client, org_id = signed_in
    token = {"X-CSRF-Token": await _csrf_token(client)}
    by_origin = await client.patch(
        f"/api/orgs/{org_id}", json={"name": "Renamed"}, headers={**token, "Origin": api.url}
    )
    assert by_origin.status_code == 200, by_origin.text
    assert await _name(session_maker, org_id) == "Renamed"
    by_referer = await client.post(
        f"/api/orgs/{org_id}/api-keys",
        json={"name": "backend", "role": "operator"},
        headers={**token, "Referer": f"{api.url}/dashboard/settings"},
    )
    assert by_referer.status_code == 201, by_referer.text
    revoked = await client.delete(
        f"/api/orgs/{org_id}/api-keys/{by_referer.json()['id']}",
        headers={**token, "Origin": api.url},
    )
    assert revoked.status_code == 204
    signed_out = await client.post("/auth/sign-out", headers={**token, "Origin": api.url})
    assert signed_out.status_code == 204


async def test_the_token_belongs_to_one_session(
    api: RunningApi, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker)
    async with api.client() as first, api.client() as second:
        await _sign_in(first, session_maker, organization.id)
        await _sign_in(second, session_maker, organization.id)
        first_token = await _csrf_token(first)
        assert await _csrf_token(first) == first_token, "stable for the session"
        assert await _csrf_token(second) != first_token
        response = await second.patch(
            f"/api/orgs/{organization.id}",
            json={"name": "Forged"},
            headers={"X-CSRF-Token": first_token, "Origin": api.url},
        )
    assert response.status_code == 403
    assert await _name(session_maker, organization.id) == "Acme"


async def test_the_csrf_endpoint_needs_a_session_cookie(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker)
    owner = await create_member(session_maker, organization.id)
    async with api.client() as client:
        anonymous = await client.get("/api/auth/csrf")
        with_bearer = await client.get(
            "/api/auth/csrf", headers=bearer(session_token(settings, owner))
        )
    assert anonymous.status_code == 401
    assert with_bearer.status_code == 400
    assert "no CSRF token" in with_bearer.json()["detail"]


async def test_bearer_tokens_and_api_keys_need_neither_origin_nor_token(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker)
    owner = await create_member(session_maker, organization.id)
    owner_bearer = bearer(session_token(settings, owner))
    async with api.client() as client:
        renamed = await client.patch(
            f"/api/orgs/{organization.id}",
            json={"name": "By bearer"},
            headers={**owner_bearer, "Origin": SAME_SITE_PAGE},
        )
        assert renamed.status_code == 200, renamed.text
        created = await client.post(
            f"/api/orgs/{organization.id}/api-keys",
            json={"name": "backend", "role": "admin"},
            headers=owner_bearer,
        )
        assert created.status_code == 201, created.text
        by_key = await client.patch(
            f"/api/orgs/{organization.id}",
            json={"name": "By API key"},
            headers=bearer(created.json()["secret"]),
        )
        assert by_key.status_code == 200, by_key.text
    assert await _name(session_maker, organization.id) == "By API key"


async def test_a_bearer_token_beside_a_session_cookie_is_what_counts(
    api: RunningApi,
    signed_in: tuple[httpx.AsyncClient, uuid.UUID],
    settings: Settings,
    session_maker: SessionMaker,
) -> None:
    client, org_id = signed_in
    owner = await create_member(session_maker, org_id)
    response = await client.patch(
        f"/api/orgs/{org_id}",
        json={"name": "By bearer"},
        headers={**bearer(session_token(settings, owner)), "Origin": SAME_SITE_PAGE},
    )
    assert response.status_code == 200, response.text


async def test_a_request_without_credentials_is_left_to_the_route(
    api: RunningApi, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker)
    async with api.client() as client:
        unauthenticated = await client.patch(
            f"/api/orgs/{organization.id}",
            json={"name": "Forged"},
            headers={"Origin": SAME_SITE_PAGE},
        )
        signed_out = await client.post("/auth/sign-out")
    assert unauthenticated.status_code == 401
    assert signed_out.status_code == 204


async def test_the_widget_works_beside_a_member_cookie(
    signed_in: tuple[httpx.AsyncClient, uuid.UUID], session_maker: SessionMaker
) -> None:
    """The demo page runs the widget on the API's own origin, where a member's cookie is
    sent along: the widget's routes authenticate by its key and visitor token only."""
    client, org_id = signed_in
    async with platform_session(session_maker) as session:
        organization = await session.get(Organization, org_id)
        assert organization is not None
    response = await client.post(
        "/api/widget/visitors",
        json={},
        headers={"X-Perceptron-Key": organization.public_key, "Origin": SAME_SITE_PAGE},
    )
    assert response.status_code == 201, response.text


async def test_the_temporal_ui_calls_the_codec_with_its_cookie_and_no_token(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    """The codec only encodes and decodes (nothing changes); the Temporal UI cannot know our
    token, so the codec keeps its own exact Origin check instead."""
    organization = await create_organization(session_maker, "Platform")
    staff = await create_member(session_maker, organization.id)
    assert await set_platform_staff(session_maker, staff.idp_user_id, True) == 1
    cookies = {"perceptron_session": session_token(settings, staff)}
    url = f"{settings.temporal.codec_endpoint}/decode"
    ui = settings.temporal_ui_url
    async with api.client(cookies=cookies) as client:
        from_ui = await client.post(url, json={"payloads": []}, headers={"Origin": ui})
        elsewhere = await client.post(
            url, json={"payloads": []}, headers={"Origin": SAME_SITE_PAGE}
        )
    assert from_ui.status_code == 200, from_ui.text
    assert elsewhere.status_code == 403


APP = "https://app.example.com"


@pytest.fixture
def clerk() -> ClerkInstance:
    return ClerkInstance()


@pytest.fixture
def jwks_url(clerk: ClerkInstance) -> Iterator[str]:
    with clerk.serve() as url:
        yield url


async def test_a_clerk_session_cookie_needs_the_token_too_and_it_survives_refreshes(
    settings: Settings, clerk: ClerkInstance, jwks_url: str
) -> None:
    configured = settings.model_copy(
        update={"clerk_jwks_url": jwks_url, "clerk_authorized_parties": [APP]}
    )
    assert configured.effective_auth_mode is AuthMode.CLERK
    async with serve(configured) as clerk_api:
        first = clerk.session_token(role="org:admin")
        async with clerk_api.client(cookies={"__session": first}) as client:
            org_id = (await client.get("/api/me")).json()["org_id"]
            own = {"Origin": clerk_api.url}
            refused = await client.patch(
                f"/api/orgs/{org_id}", json={"name": "Forged"}, headers=own
            )
            assert refused.status_code == 403
            token = await _csrf_token(client)
            # Clerk refreshes its short-lived session token every minute: same session id.
            client.cookies.set("__session", clerk.session_token(role="org:admin", jti="next"))
            assert client.cookies["__session"] != first
            renamed = await client.patch(
                f"/api/orgs/{org_id}",
                json={"name": "Renamed"},
                headers={**own, "X-CSRF-Token": token},
            )
            assert renamed.status_code == 200, renamed.text
