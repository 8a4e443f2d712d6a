"""Roles cannot escalate: a member or key grants API keys only at or below its own role, the
compliance duty is granted by an owner only, and an owner can always see, cancel and undo
what a compliance key started."""

from __future__ import annotations

import uuid

import httpx
import pytest

from core.db import SessionMaker
from core.models import Role
from core.settings import Settings
from tests.conftest import RunningApi
from tests.factories import bearer, create_organization, member_headers


async def _mint(
    client: httpx.AsyncClient, org_id: uuid.UUID, role: str, headers: dict[str, str]
) -> httpx.Response:
    return await client.post(
        f"/api/orgs/{org_id}/api-keys", json={"name": f"{role} key", "role": role}, headers=headers
    )


async def test_an_admin_grants_keys_only_at_or_below_its_own_role(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker)
    admin = await member_headers(settings, session_maker, organization.id, Role.ADMIN)
    async with api.client() as client:
        compliance = await _mint(client, organization.id, "compliance", admin)
        owner = await _mint(client, organization.id, "owner", admin)
        as_admin = await _mint(client, organization.id, "admin", admin)
        as_operator = await _mint(client, organization.id, "operator", admin)
        # A key minted by an admin is no way round it either.
        admin_key = bearer(as_admin.json()["secret"])
        by_key = await _mint(client, organization.id, "compliance", admin_key)
        listed = await client.get(f"/api/orgs/{organization.id}/api-keys", headers=admin)
    assert compliance.status_code == 403
    assert compliance.json()["detail"] == (
        "the admin role can grant only these roles: admin, operator"
    )
    assert owner.status_code == 422
    assert owner.json()["detail"] == "API keys cannot be owners"
    assert (as_admin.status_code, as_operator.status_code) == (201, 201)
    assert by_key.status_code == 403
    assert sorted(key["role"] for key in listed.json()) == ["admin", "operator"]


async def test_operators_and_compliance_members_mint_no_keys(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker)
    async with api.client() as client:
        for role in (Role.OPERATOR, Role.COMPLIANCE):
            headers = await member_headers(settings, session_maker, organization.id, role)
            refused = await _mint(client, organization.id, role.value, headers)
            assert refused.status_code == 403, role


async def test_an_owner_grants_every_key_role_and_revokes_any_key_an_admin_cannot(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker)
    owner = await member_headers(settings, session_maker, organization.id, Role.OWNER)
    admin = await member_headers(settings, session_maker, organization.id, Role.ADMIN)
    keys = f"/api/orgs/{organization.id}/api-keys"
    async with api.client() as client:
        minted = {
            role: await _mint(client, organization.id, role, owner)
            for role in ("admin", "operator", "compliance")
        }
        assert {role: r.status_code for role, r in minted.items()} == {
            "admin": 201,
            "operator": 201,
            "compliance": 201,
        }
        compliance_id = minted["compliance"].json()["id"]
        compliance_key = bearer(minted["compliance"].json()["secret"])
        by_admin = await client.delete(f"{keys}/{compliance_id}", headers=admin)
        still_works = await client.get("/api/me", headers=compliance_key)
        operator_revoked = await client.delete(
            f"{keys}/{minted['operator'].json()['id']}", headers=admin
        )
        by_owner = await client.delete(f"{keys}/{compliance_id}", headers=owner)
        after = await client.get("/api/me", headers=compliance_key)
    assert by_admin.status_code == 403
    assert by_admin.json()["detail"] == "the admin role cannot revoke a compliance key"
    assert still_works.status_code == 200
    assert operator_revoked.status_code == 204
    assert by_owner.status_code == 204
    assert after.status_code == 401


@pytest.mark.usefixtures("worker")
async def test_an_owner_sees_and_cancels_a_deletion_a_compliance_key_requested_and_held(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker)
    owner = await member_headers(settings, session_maker, organization.id, Role.OWNER)
    url = f"/api/orgs/{organization.id}/deletion"
    async with api.client() as client:
        minted = await _mint(client, organization.id, "compliance", owner)
        compliance = bearer(minted.json()["secret"])
        requested = await client.post(url, headers=compliance)
        held = await client.post(f"{url}/hold", json={"reason": "case-17"}, headers=compliance)
        seen = await client.get(url, headers=owner)
        release_by_owner = await client.post(f"{url}/release", headers=owner)
        cancelled = await client.post(f"{url}/cancel", headers=owner)
        revoked = await client.delete(
            f"/api/orgs/{organization.id}/api-keys/{minted.json()['id']}", headers=owner
        )
        after = await client.get(url, headers=compliance)
    assert requested.status_code == 202, requested.text
    assert held.status_code == 200, held.text
    assert seen.status_code == 200
    assert seen.json()["hold"]["reason"] == "case-17"
    assert release_by_owner.status_code == 403, "holds stay with the compliance role"
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert revoked.status_code == 204
    assert after.status_code == 401
