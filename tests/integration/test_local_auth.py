"""Local auth mode (the embedded default): one-time links, session cookies, API keys, roles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
from sqlmodel import col, select

from core.db import SessionMaker, platform_session
from core.models import ApiKey, AuditLogEntry, Role, SignInLink
from core.settings import Settings
from services.accounts import bootstrap_default_organization, create_sign_in_link
from services.identity import LOCAL_AUDIENCE, LOCAL_ISSUER
from tests.conftest import RunningApi
from tests.factories import bearer, create_member, create_organization, session_token


async def test_sign_in_link_sets_an_httponly_session_cookie_and_works_once(
    api: RunningApi, session_maker: SessionMaker
) -> None:
    boot = await bootstrap_default_organization(session_maker)
    token = await create_sign_in_link(
        session_maker, boot.org_id, boot.owner_id, timedelta(minutes=5)
    )
    async with api.client() as client:
        response = await client.get(f"/auth/sign-in?token={token}")
        assert response.status_code == 303
        assert response.headers["location"] == "/dashboard/"
        cookie = response.headers["set-cookie"].lower()
        assert "perceptron_session=" in cookie
        assert "httponly" in cookie
        assert "samesite=lax" in cookie
        assert "secure" not in cookie  # local mode serves plain http on loopback

        me = await client.get("/api/me")
        assert me.status_code == 200
        assert me.json()["role"] == "owner"
        assert me.json()["org_id"] == str(boot.org_id)

    async with api.client() as fresh:
        again = await fresh.get(f"/auth/sign-in?token={token}")
        assert again.status_code == 401
        assert "already used" in again.json()["detail"]


async def test_expired_sign_in_link_is_refused(
    api: RunningApi, session_maker: SessionMaker
) -> None:
    boot = await bootstrap_default_organization(session_maker)
    token = await create_sign_in_link(
        session_maker, boot.org_id, boot.owner_id, timedelta(seconds=-1)
    )
    async with api.client() as client:
        response = await client.get(f"/auth/sign-in?token={token}")
    assert response.status_code == 401


async def test_sign_in_tokens_are_stored_only_as_hashes(session_maker: SessionMaker) -> None:
    boot = await bootstrap_default_organization(session_maker)
    token = await create_sign_in_link(
        session_maker, boot.org_id, boot.owner_id, timedelta(minutes=5)
    )
    async with platform_session(session_maker) as session:
        stored = (await session.exec(select(SignInLink.token_hash))).all()
        assert len(stored) == 1
        assert token not in stored


async def test_expired_session_token_is_rejected(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker)
    owner = await create_member(session_maker, organization.id)
    past = datetime.now(UTC) - timedelta(hours=2)
    expired = jwt.encode(
        {
            "iss": LOCAL_ISSUER,
            "aud": LOCAL_AUDIENCE,
            "sub": str(owner.id),
            "org": str(organization.id),
            "iat": past,
            "exp": past + timedelta(minutes=5),
        },
        settings.secret_key.get_secret_value(),
        algorithm="HS256",
    )
    async with api.client() as client:
        response = await client.get("/api/me", headers=bearer(expired))
    assert response.status_code == 401
    assert "expired" in response.json()["detail"].lower()


async def test_unsigned_token_with_alg_none_is_rejected(
    api: RunningApi, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker)
    owner = await create_member(session_maker, organization.id)
    forged = jwt.encode(
        {
            "iss": LOCAL_ISSUER,
            "aud": LOCAL_AUDIENCE,
            "sub": str(owner.id),
            "org": str(organization.id),
            "exp": datetime.now(UTC) + timedelta(minutes=5),
        },
        key="",
        algorithm="none",
    )
    async with api.client() as client:
        response = await client.get("/api/me", headers=bearer(forged))
    assert response.status_code == 401


async def test_token_signed_with_another_secret_is_rejected(
    api: RunningApi, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker)
    owner = await create_member(session_maker, organization.id)
    other = Settings(secret_key="another-secret-that-is-not-the-servers")
    async with api.client() as client:
        response = await client.get("/api/me", headers=bearer(session_token(other, owner)))
    assert response.status_code == 401


async def test_member_of_one_organization_cannot_read_another(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    acme = await create_organization(session_maker, "Acme")
    globex = await create_organization(session_maker, "Globex")
    acme_owner = await create_member(session_maker, acme.id)
    await create_member(session_maker, globex.id, email="secret-person@globex.example")
    headers = bearer(session_token(settings, acme_owner))
    async with api.client() as client:
        own = await client.get(f"/api/orgs/{acme.id}", headers=headers)
        assert own.status_code == 200
        assert own.json()["name"] == "Acme"
        for path in ("", "/members", "/api-keys"):
            response = await client.get(f"/api/orgs/{globex.id}{path}", headers=headers)
            assert response.status_code == 403
            assert "Globex" not in response.text
            assert "globex.example" not in response.text


async def test_roles_are_enforced_per_route(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker)
    operator = await create_member(session_maker, organization.id, Role.OPERATOR)
    headers = bearer(session_token(settings, operator))
    async with api.client() as client:
        members = await client.get(f"/api/orgs/{organization.id}/members", headers=headers)
        assert members.status_code == 200
        create = await client.post(
            f"/api/orgs/{organization.id}/api-keys", json={"name": "ci"}, headers=headers
        )
        assert create.status_code == 403
        rename = await client.patch(
            f"/api/orgs/{organization.id}", json={"name": "Mine now"}, headers=headers
        )
        assert rename.status_code == 403


async def test_api_key_is_shown_once_stored_hashed_and_revocable(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker)
    owner = await create_member(session_maker, organization.id)
    owner_headers = bearer(session_token(settings, owner))
    async with api.client() as client:
        created = await client.post(
            f"/api/orgs/{organization.id}/api-keys",
            json={"name": "backend", "role": "operator"},
            headers=owner_headers,
        )
        assert created.status_code == 201
        secret = created.json()["secret"]
        assert secret.startswith("sk_")

        listed = await client.get(f"/api/orgs/{organization.id}/api-keys", headers=owner_headers)
        assert "secret" not in listed.json()[0]
        assert secret not in listed.text

        me = await client.get("/api/me", headers=bearer(secret))
        assert me.status_code == 200
        assert me.json()["role"] == "operator"
        assert me.json()["api_key_id"] == created.json()["id"]

        revoked = await client.delete(
            f"/api/orgs/{organization.id}/api-keys/{created.json()['id']}", headers=owner_headers
        )
        assert revoked.status_code == 204
        after = await client.get("/api/me", headers=bearer(secret))
        assert after.status_code == 401

    async with platform_session(session_maker) as session:
        hashes = (await session.exec(select(ApiKey.key_hash))).all()
        assert secret not in hashes
        audit = (
            await session.exec(select(AuditLogEntry.action).order_by(col(AuditLogEntry.created_at)))
        ).all()
        assert audit == ["api_key.created", "api_key.revoked"]


async def test_request_without_credentials_is_unauthorized(api: RunningApi) -> None:
    async with api.client() as client:
        response = await client.get("/api/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
