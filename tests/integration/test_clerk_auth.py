"""Clerk mode: session JWTs verified offline against the instance's JWKS (or PEM key)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import jwt
import pytest

from core.settings import AuthMode, Environment, Settings
from tests.conftest import RunningApi, serve
from tests.factories import bearer
from tests.fakes.clerk import ClerkInstance

APP = "https://app.example.com"


def _b64(part: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


@pytest.fixture
def clerk() -> ClerkInstance:
    return ClerkInstance()


@pytest.fixture
def jwks_url(clerk: ClerkInstance) -> Iterator[str]:
    with clerk.serve() as url:
        yield url


@pytest.fixture
async def clerk_api(settings: Settings, jwks_url: str) -> AsyncIterator[RunningApi]:
    configured = settings.model_copy(
        update={"clerk_jwks_url": jwks_url, "clerk_authorized_parties": [APP]}
    )
    assert configured.effective_auth_mode is AuthMode.CLERK
    async with serve(configured) as running:
        yield running


async def test_valid_session_token_maps_organization_and_role(
    clerk_api: RunningApi, clerk: ClerkInstance
) -> None:
    token = clerk.session_token(user_id="user_1", org_id="org_acme", role="org:admin")
    async with clerk_api.client() as client:
        first = await client.get("/api/me", headers=bearer(token))
        assert first.status_code == 200
        assert first.json()["role"] == "admin"
        again = await client.get("/api/me", headers=bearer(token))
        assert again.json()["org_id"] == first.json()["org_id"]
        assert again.json()["member_id"] == first.json()["member_id"]
    assert clerk.jwks_requests == 1  # keys are cached, not fetched per request


async def test_clerk_session_cookie_is_accepted(
    clerk_api: RunningApi, clerk: ClerkInstance
) -> None:
    token = clerk.session_token(role="org:member")
    async with clerk_api.client(cookies={"__session": token}) as client:
        response = await client.get("/api/me")
    assert response.status_code == 200
    assert response.json()["role"] == "operator"


async def test_token_for_another_authorized_party_is_rejected(
    clerk_api: RunningApi, clerk: ClerkInstance
) -> None:
    token = clerk.session_token(azp="https://evil.example.net")
    async with clerk_api.client() as client:
        response = await client.get("/api/me", headers=bearer(token))
    assert response.status_code == 401
    assert "azp" in response.json()["detail"]


async def test_token_with_unknown_key_id_is_rejected(
    clerk_api: RunningApi, clerk: ClerkInstance
) -> None:
    token = clerk.session_token(kid="ins_rotated_away")
    async with clerk_api.client() as client:
        response = await client.get("/api/me", headers=bearer(token))
    assert response.status_code == 401


async def test_token_signed_by_another_key_is_rejected(clerk_api: RunningApi) -> None:
    impostor = ClerkInstance()  # same kid, different key
    async with clerk_api.client() as client:
        response = await client.get("/api/me", headers=bearer(impostor.session_token()))
    assert response.status_code == 401


async def test_expired_token_is_rejected(clerk_api: RunningApi, clerk: ClerkInstance) -> None:
    token = clerk.session_token(expires_in=timedelta(minutes=-5))
    async with clerk_api.client() as client:
        response = await client.get("/api/me", headers=bearer(token))
    assert response.status_code == 401
    assert "expired" in response.json()["detail"].lower()


async def test_unsigned_alg_none_token_is_rejected(clerk_api: RunningApi) -> None:
    forged = jwt.encode(
        {"sub": "user_1", "azp": APP, "o": {"id": "org_acme", "rol": "owner"}},
        key="",
        algorithm="none",
    )
    async with clerk_api.client() as client:
        response = await client.get("/api/me", headers=bearer(forged))
    assert response.status_code == 401


async def test_hs256_token_using_the_public_key_as_secret_is_rejected(
    clerk_api: RunningApi, clerk: ClerkInstance
) -> None:
    # The classic algorithm-confusion attack: an HS256 signature keyed with the public key.
    header = _b64({"alg": "HS256", "typ": "JWT", "kid": clerk.kid})
    payload = _b64({"sub": "user_1", "azp": APP, "o": {"id": "org_acme", "rol": "owner"}})
    signature = hmac.new(
        clerk.public_pem.encode(), f"{header}.{payload}".encode(), hashlib.sha256
    ).digest()
    forged = f"{header}.{payload}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"
    async with clerk_api.client() as client:
        response = await client.get("/api/me", headers=bearer(forged))
    assert response.status_code == 401


async def test_session_without_an_active_organization_is_forbidden(
    clerk_api: RunningApi, clerk: ClerkInstance
) -> None:
    token = clerk.session_token(org_id=None)
    async with clerk_api.client() as client:
        response = await client.get("/api/me", headers=bearer(token))
    assert response.status_code == 403


async def test_member_of_one_clerk_organization_cannot_read_another(
    clerk_api: RunningApi, clerk: ClerkInstance
) -> None:
    async with clerk_api.client() as client:
        acme = await client.get(
            "/api/me", headers=bearer(clerk.session_token(user_id="u_a", org_id="org_a"))
        )
        globex = await client.get(
            "/api/me", headers=bearer(clerk.session_token(user_id="u_b", org_id="org_b"))
        )
        acme_token = clerk.session_token(user_id="u_a", org_id="org_a")
        response = await client.get(
            f"/api/orgs/{globex.json()['org_id']}/members", headers=bearer(acme_token)
        )
    assert acme.json()["org_id"] != globex.json()["org_id"]
    assert response.status_code == 403
    assert "u_b" not in response.text


async def test_pem_public_key_works_without_fetching_anything(
    settings: Settings, clerk: ClerkInstance
) -> None:
    configured = settings.model_copy(
        update={"clerk_jwt_key": clerk.public_pem, "clerk_authorized_parties": [APP]}
    )
    async with serve(configured) as running, running.client() as client:
        response = await client.get("/api/me", headers=bearer(clerk.session_token()))
    assert response.status_code == 200
    assert clerk.jwks_requests == 0


async def test_production_sends_hsts(settings: Settings, clerk: ClerkInstance) -> None:
    configured = Settings(
        environment=Environment.PRODUCTION,
        secret_key="s" * 40,
        master_key="m" * 40,
        clerk_jwt_key=clerk.public_pem,
        clerk_authorized_parties=[APP],
        database_url=settings.database_url,
        temporal_address=settings.temporal_address,
        api_port=settings.api_port,
    )
    async with serve(configured) as running, running.client() as client:
        response = await client.get("/healthz")
    assert response.headers["strict-transport-security"].startswith("max-age=")
