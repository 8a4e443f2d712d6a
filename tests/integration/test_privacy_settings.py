"""The privacy settings API against the real app and database: read, change, bounds, roles,
audit."""

from __future__ import annotations

from sqlmodel import col, select

from core.db import SessionMaker, org_session
from core.models import AuditLogEntry, Organization, Role
from core.privacy_settings import PrivacySettings
from core.settings import Settings
from tests.conftest import RunningApi
from tests.factories import bearer, create_member, session_token
from tests.integration.knowledge_helpers import owner_headers

DEFAULTS = {
    "deletion_grace_days": 7.0,
    "contact_erasure_grace_days": 1.0,
    "conversation_retention_days": None,
    "ip_retention_days": 30,
}


async def test_privacy_staff_read_defaults_and_admins_change_only_what_they_send(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    org_id, owner = await owner_headers(settings, session_maker)
    admin = await create_member(session_maker, org_id, Role.ADMIN)
    operator = await create_member(session_maker, org_id, Role.OPERATOR)
    compliance = await create_member(session_maker, org_id, Role.COMPLIANCE)
    url = f"/api/orgs/{org_id}/privacy/settings"

    async with api.client() as client:
        response = await client.get(url, headers=bearer(session_token(settings, compliance)))
        assert response.status_code == 200
        assert response.json() == DEFAULTS
        response = await client.get(url, headers=bearer(session_token(settings, operator)))
        assert response.status_code == 403, "operators have no business with retention"

        response = await client.put(
            url,
            json={"conversation_retention_days": 90, "ip_retention_days": 0},
            headers=bearer(session_token(settings, admin)),
        )
        assert response.status_code == 200, response.text
        assert response.json() == {
            **DEFAULTS,
            "conversation_retention_days": 90,
            "ip_retention_days": 0,
        }
        response = await client.put(url, json={"deletion_grace_days": 0.5}, headers=owner)
        assert response.status_code == 200, response.text
        # null is a value: keep conversations while the account is active again.
        response = await client.put(url, json={"conversation_retention_days": None}, headers=owner)
        assert response.status_code == 200, response.text
        read = await client.get(url, headers=owner)
    expected = {**DEFAULTS, "deletion_grace_days": 0.5, "ip_retention_days": 0}
    assert read.json() == expected

    async with org_session(session_maker, org_id) as session:
        organization = (await session.exec(select(Organization))).one()
        entries = (
            await session.exec(
                select(AuditLogEntry)
                .where(AuditLogEntry.action == "privacy.settings_changed")
                .order_by(col(AuditLogEntry.created_at))
            )
        ).all()
    assert PrivacySettings.of(organization.settings).model_dump() == expected
    assert [entry.details["changed"] for entry in entries] == [
        {"conversation_retention_days": 90, "ip_retention_days": 0},
        {"deletion_grace_days": 0.5},
        {"conversation_retention_days": None},
    ]
    assert entries[0].actor_member_id == admin.id


async def test_settings_beyond_their_bounds_are_refused_with_the_reason(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    org_id, owner = await owner_headers(settings, session_maker)
    url = f"/api/orgs/{org_id}/privacy/settings"
    refused = [
        ({"deletion_grace_days": 22}, "deletion_grace_days", "less than or equal to 21"),
        ({"deletion_grace_days": -1}, "deletion_grace_days", "greater than or equal to 0"),
        ({"contact_erasure_grace_days": 30}, "contact_erasure_grace_days", "21"),
        ({"conversation_retention_days": 0}, "conversation_retention_days", "1"),
        ({"ip_retention_days": 366}, "ip_retention_days", "365"),
        ({"ip_retention_days": "soon"}, "ip_retention_days", "integer"),
        ({"shred_everything": True}, "shred_everything", "Extra inputs are not permitted"),
    ]
    async with api.client() as client:
        for body, field, reason in refused:
            response = await client.put(url, json=body, headers=owner)
            assert response.status_code == 422, body
            detail = response.json()["detail"]
            assert any(
                field in map(str, error["loc"]) and reason in error["msg"] for error in detail
            ), detail
        # The general organization settings route cannot slip privacy settings past the bounds.
        around = await client.patch(
            f"/api/orgs/{org_id}",
            json={"settings": {"privacy": {"deletion_grace_days": 365}}},
            headers=owner,
        )
        assert around.status_code == 422
        assert "privacy/settings" in around.json()["detail"]
        read = await client.get(url, headers=owner)
    assert read.json() == DEFAULTS
    async with org_session(session_maker, org_id) as session:
        organization = (await session.exec(select(Organization))).one()
        changes = (
            await session.exec(
                select(AuditLogEntry).where(AuditLogEntry.action == "privacy.settings_changed")
            )
        ).all()
    assert "privacy" not in organization.settings
    assert changes == []


async def test_only_owners_and_admins_change_settings_and_only_their_own(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    org_id, owner = await owner_headers(settings, session_maker)
    other_org, other_owner = await owner_headers(settings, session_maker, "Other")
    body = {"ip_retention_days": 5}
    async with api.client() as client:
        for role in (Role.OPERATOR, Role.COMPLIANCE):
            member = await create_member(session_maker, org_id, role)
            response = await client.put(
                f"/api/orgs/{org_id}/privacy/settings",
                json=body,
                headers=bearer(session_token(settings, member)),
            )
            assert response.status_code == 403, role
        response = await client.put(
            f"/api/orgs/{other_org}/privacy/settings", json=body, headers=owner
        )
        assert response.status_code == 403
        response = await client.get(f"/api/orgs/{other_org}/privacy/settings", headers=owner)
        assert response.status_code == 403
        response = await client.get(f"/api/orgs/{org_id}/privacy/settings")
        assert response.status_code == 401
        unchanged = await client.get(f"/api/orgs/{other_org}/privacy/settings", headers=other_owner)
    assert unchanged.json() == DEFAULTS
