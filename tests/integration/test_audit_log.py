"""The audit log as the compliance role lists it: newest first, filtered by action prefix and
time, paginated, with the actor's ids, and closed to operators."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx

from core.db import SessionMaker, org_session
from core.models import AuditLogEntry, Conversation, Member, Role
from core.settings import Settings
from tests.conftest import RunningApi
from tests.factories import bearer, create_member, create_organization, session_token

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


async def _entries(
    maker: SessionMaker, org_id: uuid.UUID, actor: Member, actions: list[str]
) -> None:
    """Entries one hour apart from START, in the order given."""
    async with org_session(maker, org_id) as session:
        for hour, action in enumerate(actions):
            session.add(
                AuditLogEntry(
                    org_id=org_id,
                    actor_member_id=actor.id,
                    action=action,
                    target_type="privacy_request",
                    target_id=str(uuid.uuid4()),
                    created_at=START + timedelta(hours=hour),
                )
            )


def _actions(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["action"] for item in response.json()["items"]]


async def test_compliance_lists_the_audit_log_newest_first_with_filters(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    other = await create_organization(session_maker, "Umbra")
    compliance = await create_member(session_maker, organization.id, Role.COMPLIANCE)
    stranger = await create_member(session_maker, other.id, Role.OWNER)
    await _entries(
        session_maker,
        organization.id,
        compliance,
        [
            "privacy.erasure_requested",  # 12:00
            "privacy.erasure_cancelled",  # 13:00
            "contact.corrected",  # 14:00
            "privacy.export_requested",  # 15:00
            "privacy_x.not_a_privacy_action",  # 16:00
        ],
    )
    await _entries(session_maker, other.id, stranger, ["privacy.erasure_requested"])
    headers = bearer(session_token(settings, compliance))
    url = f"/api/orgs/{organization.id}/audit-log"
    async with api.client() as client:
        everything = await client.get(url, headers=headers)
        privacy = await client.get(url, params={"action": "privacy."}, headers=headers)
        exact = await client.get(url, params={"action": "contact.corrected"}, headers=headers)
        window = await client.get(
            url,
            params={
                "since": (START + timedelta(hours=1)).isoformat(),
                "until": (START + timedelta(hours=3)).isoformat(),
            },
            headers=headers,
        )
        page = await client.get(url, params={"limit": 2, "offset": 1}, headers=headers)
        by_actor = await client.get(
            url, params={"actor_member_id": str(stranger.id)}, headers=headers
        )

    assert _actions(everything) == [
        "privacy_x.not_a_privacy_action",
        "privacy.export_requested",
        "contact.corrected",
        "privacy.erasure_cancelled",
        "privacy.erasure_requested",
    ]
    first = everything.json()["items"][0]
    assert first["actor_member_id"] == str(compliance.id)
    assert first["actor_api_key_id"] is None
    assert first["target_type"] == "privacy_request"
    assert _actions(privacy) == [
        "privacy.export_requested",
        "privacy.erasure_cancelled",
        "privacy.erasure_requested",
    ], "the prefix is literal: privacy_x is not privacy."
    assert privacy.json()["total"] == 3
    assert _actions(exact) == ["contact.corrected"]
    assert _actions(window) == ["contact.corrected", "privacy.erasure_cancelled"]
    assert _actions(page) == ["privacy.export_requested", "contact.corrected"]
    assert page.json()["total"] == 5
    assert _actions(by_actor) == [], "another organization's entries never show"


async def test_operators_may_not_read_the_audit_log_but_owners_and_admins_may(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    other = await create_organization(session_maker, "Umbra")
    statuses = {}
    async with api.client() as client:
        for role in Role:
            member = await create_member(session_maker, organization.id, role)
            response = await client.get(
                f"/api/orgs/{organization.id}/audit-log",
                headers=bearer(session_token(settings, member)),
            )
            statuses[role] = response.status_code
        foreign_owner = await create_member(session_maker, other.id, Role.OWNER)
        foreign = await client.get(
            f"/api/orgs/{organization.id}/audit-log",
            headers=bearer(session_token(settings, foreign_owner)),
        )
        anonymous = await client.get(f"/api/orgs/{organization.id}/audit-log")
    assert statuses == {
        Role.OWNER: 200,
        Role.ADMIN: 200,
        Role.OPERATOR: 403,
        Role.COMPLIANCE: 200,
    }
    assert foreign.status_code == 403
    assert anonymous.status_code == 401


async def test_an_operators_transcript_read_appears_in_the_audit_log(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    operator = await create_member(session_maker, organization.id, Role.OPERATOR)
    compliance = await create_member(session_maker, organization.id, Role.COMPLIANCE)
    async with org_session(session_maker, organization.id) as session:
        conversation = Conversation(org_id=organization.id)
        session.add(conversation)
    async with api.client() as client:
        read = await client.get(
            f"/api/orgs/{organization.id}/conversations/{conversation.id}",
            headers=bearer(session_token(settings, operator)),
        )
        assert read.status_code == 200, read.text
        listed = await client.get(
            f"/api/orgs/{organization.id}/audit-log",
            params={"action": "conversation."},
            headers=bearer(session_token(settings, compliance)),
        )
    [entry] = listed.json()["items"]
    assert entry["action"] == "conversation.transcript_read"
    assert entry["actor_member_id"] == str(operator.id)
    assert entry["target_id"] == str(conversation.id)


async def test_bad_time_filters_are_refused_with_a_message(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    owner = await create_member(session_maker, organization.id, Role.OWNER)
    headers = bearer(session_token(settings, owner))
    url = f"/api/orgs/{organization.id}/audit-log"
    async with api.client() as client:
        reversed_window = await client.get(
            url,
            params={"since": "2026-03-02T00:00:00Z", "until": "2026-03-01T00:00:00Z"},
            headers=headers,
        )
        naive = await client.get(url, params={"since": "2026-03-01T00:00:00"}, headers=headers)
        garbage = await client.get(url, params={"until": "yesterday"}, headers=headers)
        too_many = await client.get(url, params={"limit": 501}, headers=headers)
    assert reversed_window.status_code == 422
    assert reversed_window.json()["detail"] == "since must be before until"
    assert naive.status_code == 422
    assert "time zone" in naive.json()["detail"]
    assert garbage.status_code == 422
    assert too_many.status_code == 422
