"""Members and invitations through the real API: inviting with a role the inviter may grant,
accepting a one-time link once (and never after expiry or revocation), other organizations'
invitations out of reach, the last owner kept, SMTP delivery to a real local server, Clerk
invitations through Clerk's Backend API, conversation timeouts and the widget preview page."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from pydantic import SecretStr
from sqlmodel import col, select

from core.db import SessionMaker, platform_session
from core.models import AuditLogEntry, Invitation, Member, Role
from core.ports import free_port
from core.settings import AuthMode, Settings
from services.identity import hash_secret
from tests.conftest import RunningApi, serve
from tests.factories import (
    bearer,
    create_member,
    create_organization,
    member_headers,
    session_token,
)
from tests.fakes.clerk import ClerkInstance
from tests.fakes.mail import MailInbox, smtp_server


async def _invite(
    client: httpx.AsyncClient, org_id: uuid.UUID, headers: dict[str, str], email: str, role: str
) -> httpx.Response:
    return await client.post(
        f"/api/orgs/{org_id}/invitations", json={"email": email, "role": role}, headers=headers
    )


def _path_of(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


async def _audit(maker: SessionMaker, org_id: uuid.UUID) -> list[AuditLogEntry]:
    async with platform_session(maker) as session:
        entries = await session.exec(
            select(AuditLogEntry)
            .where(AuditLogEntry.org_id == org_id)
            .order_by(col(AuditLogEntry.created_at))
        )
        return list(entries.all())


async def test_an_invitation_link_creates_the_member_with_its_role_once(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker)
    owner = await member_headers(settings, session_maker, organization.id, Role.OWNER)
    async with api.client() as client:
        created = await _invite(client, organization.id, owner, "Nia@Example.COM", "compliance")
        assert created.status_code == 201, created.text
        body = created.json()
        assert (body["email"], body["role"], body["status"]) == (
            "Nia@example.com",
            "compliance",
            "pending",
        )
        assert body["emailed"] is False  # no SMTP configured
        link = body["link"]
        assert link.startswith(f"{settings.api_url}/auth/invite?token=")
        token = parse_qs(urlsplit(link).query)["token"][0]
        async with platform_session(session_maker) as session:
            stored = (await session.exec(select(Invitation))).all()
        assert [row.token_hash for row in stored] == [hash_secret(token)]  # only the hash

        accepted = await client.get(_path_of(link))
        assert accepted.status_code == 303
        assert accepted.headers["location"] == "/dashboard/"
        cookie = accepted.cookies["perceptron_session"]
        async with api.client(cookies={"perceptron_session": cookie}) as signed_in:
            me = (await signed_in.get("/api/me")).json()
        assert (me["role"], me["email"], me["org_id"]) == (
            "compliance",
            "Nia@example.com",
            str(organization.id),
        )

        again = await client.get(_path_of(link))
        assert again.status_code == 410
        assert "used already" in again.text
        assert "perceptron_session" not in again.cookies
        listed = await client.get(f"/api/orgs/{organization.id}/invitations", headers=owner)
        members = await client.get(f"/api/orgs/{organization.id}/members", headers=owner)
    assert [item["status"] for item in listed.json()] == ["accepted"]
    assert sorted(member["role"] for member in members.json()) == ["compliance", "owner"]
    entries = await _audit(session_maker, organization.id)
    actions = [entry.action for entry in entries]
    assert "member.invited" in actions
    assert "invitation.accepted" in actions
    assert all("example" not in str(entry.details).lower() for entry in entries)  # no emails


async def test_expired_revoked_and_unknown_links_get_a_clear_page(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker)
    owner = await member_headers(settings, session_maker, organization.id, Role.OWNER)
    async with api.client() as client:
        late = (
            await _invite(client, organization.id, owner, "late@example.com", "operator")
        ).json()
        gone = (await _invite(client, organization.id, owner, "gone@example.com", "admin")).json()
        async with platform_session(session_maker) as session:
            row = await session.get(Invitation, uuid.UUID(late["id"]))
            assert row is not None
            row.expires_at = datetime.now(UTC) - timedelta(minutes=1)
            session.add(row)
        revoked = await client.delete(
            f"/api/orgs/{organization.id}/invitations/{gone['id']}", headers=owner
        )
        assert revoked.status_code == 204
        expired_page = await client.get(_path_of(late["link"]))
        revoked_page = await client.get(_path_of(gone["link"]))
        unknown_page = await client.get("/auth/invite?token=" + "x" * 43)
        listed = await client.get(f"/api/orgs/{organization.id}/invitations", headers=owner)
    assert (expired_page.status_code, revoked_page.status_code) == (410, 410)
    assert "expired" in expired_page.text
    assert "withdrawn" in revoked_page.text
    assert unknown_page.status_code == 404
    assert "not valid" in unknown_page.text
    assert expired_page.headers["content-type"].startswith("text/html")
    assert {item["email"]: item["status"] for item in listed.json()} == {
        "late@example.com": "expired",
        "gone@example.com": "revoked",
    }
    async with platform_session(session_maker) as session:
        emails = (
            await session.exec(select(Member.email).where(Member.org_id == organization.id))
        ).all()
    assert emails == [None]  # only the owner: no link created a member


async def test_inviters_grant_only_their_grantable_roles(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker)
    admin = await member_headers(settings, session_maker, organization.id, Role.ADMIN)
    operator = await member_headers(settings, session_maker, organization.id, Role.OPERATOR)
    compliance = await member_headers(settings, session_maker, organization.id, Role.COMPLIANCE)
    async with api.client() as client:
        as_owner = await _invite(client, organization.id, admin, "a@example.com", "owner")
        as_compliance = await _invite(client, organization.id, admin, "b@example.com", "compliance")
        as_operator = await _invite(client, organization.id, admin, "c@example.com", "operator")
        twice = await _invite(client, organization.id, admin, "C@example.com", "admin")
        by_operator = await _invite(client, organization.id, operator, "d@example.com", "operator")
        by_compliance = await _invite(
            client, organization.id, compliance, "e@example.com", "operator"
        )
        bad_email = await _invite(client, organization.id, admin, "not an email", "operator")
        bad_role = await _invite(client, organization.id, admin, "f@example.com", "superuser")
        listed_by_operator = await client.get(
            f"/api/orgs/{organization.id}/invitations", headers=operator
        )
    assert as_owner.status_code == 403
    assert as_owner.json()["detail"] == "the admin role can grant only these roles: admin, operator"
    assert as_compliance.status_code == 403
    assert as_operator.status_code == 201
    assert twice.status_code == 409
    assert "pending invitation" in twice.json()["detail"]
    assert (by_operator.status_code, by_compliance.status_code) == (403, 403)
    assert bad_email.status_code == 422
    assert "email address" in bad_email.json()["detail"]
    assert bad_role.status_code == 422
    assert listed_by_operator.status_code == 403


async def test_another_organizations_invitations_are_out_of_reach(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    acme = await create_organization(session_maker, "Acme")
    globex = await create_organization(session_maker, "Globex")
    acme_owner = await member_headers(settings, session_maker, acme.id, Role.OWNER)
    globex_owner = await member_headers(settings, session_maker, globex.id, Role.OWNER)
    async with api.client() as client:
        invitation = (await _invite(client, acme.id, acme_owner, "x@example.com", "admin")).json()
        through_own_org = await client.delete(
            f"/api/orgs/{globex.id}/invitations/{invitation['id']}", headers=globex_owner
        )
        through_their_org = await client.delete(
            f"/api/orgs/{acme.id}/invitations/{invitation['id']}", headers=globex_owner
        )
        listed = await client.get(f"/api/orgs/{globex.id}/invitations", headers=globex_owner)
        peeked = await client.get(f"/api/orgs/{acme.id}/invitations", headers=globex_owner)
        still = await client.get(f"/api/orgs/{acme.id}/invitations", headers=acme_owner)
    assert through_own_org.status_code == 404
    assert through_their_org.status_code == 403
    assert listed.json() == []
    assert peeked.status_code == 403
    assert [item["status"] for item in still.json()] == ["pending"]


async def test_role_changes_and_removals_keep_an_owner_and_respect_the_grant_rules(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker)
    other = await create_organization(session_maker, "Other")
    owner_member = await create_member(session_maker, organization.id, Role.OWNER)
    admin_member = await create_member(session_maker, organization.id, Role.ADMIN)
    operator_member = await create_member(session_maker, organization.id, Role.OPERATOR)
    compliance_member = await create_member(session_maker, organization.id, Role.COMPLIANCE)
    outsider = await create_member(session_maker, other.id, Role.OPERATOR)
    owner = bearer(session_token(settings, owner_member))
    admin = bearer(session_token(settings, admin_member))
    members = f"/api/orgs/{organization.id}/members"
    async with api.client() as client:
        # An admin reaches neither owners nor compliance members, and grants neither role.
        demote_owner = await client.patch(
            f"{members}/{owner_member.id}", json={"role": "operator"}, headers=admin
        )
        touch_compliance = await client.delete(f"{members}/{compliance_member.id}", headers=admin)
        make_owner = await client.patch(
            f"{members}/{operator_member.id}", json={"role": "owner"}, headers=admin
        )
        promoted = await client.patch(
            f"{members}/{operator_member.id}", json={"role": "admin"}, headers=admin
        )
        # The only owner stays an owner and stays a member.
        last_demote = await client.patch(
            f"{members}/{owner_member.id}", json={"role": "admin"}, headers=owner
        )
        last_remove = await client.delete(f"{members}/{owner_member.id}", headers=owner)
        # With a second owner, the first may step down.
        second = await client.patch(
            f"{members}/{admin_member.id}", json={"role": "owner"}, headers=owner
        )
        step_down = await client.patch(
            f"{members}/{owner_member.id}", json={"role": "admin"}, headers=owner
        )
        outside = await client.delete(
            f"{members}/{outsider.id}", headers=bearer(session_token(settings, admin_member))
        )
        removed = await client.delete(
            f"{members}/{operator_member.id}", headers=bearer(session_token(settings, admin_member))
        )
        listed = await client.get(members, headers=bearer(session_token(settings, admin_member)))
        bad_role = await client.patch(
            f"{members}/{compliance_member.id}",
            json={"role": "root"},
            headers=bearer(session_token(settings, admin_member)),
        )
    assert demote_owner.status_code == 403
    assert touch_compliance.status_code == 403
    assert make_owner.status_code == 403
    assert promoted.status_code == 200
    assert promoted.json()["role"] == "admin"
    assert last_demote.status_code == 409
    assert "needs an owner" in last_demote.json()["detail"]
    assert last_remove.status_code == 409
    assert "last owner" in last_remove.json()["detail"]
    assert second.status_code == 200
    assert step_down.status_code == 200
    assert outside.status_code == 404
    assert removed.status_code == 204
    assert bad_role.status_code == 422
    assert {item["id"]: item["role"] for item in listed.json()} == {
        str(owner_member.id): "admin",
        str(admin_member.id): "owner",
        str(compliance_member.id): "compliance",
    }
    actions = [entry.action for entry in await _audit(session_maker, organization.id)]
    assert actions.count("member.role_changed") == 3
    assert actions.count("member.removed") == 1


@pytest.fixture
def smtp_inbox() -> Iterator[MailInbox]:
    with smtp_server() as inbox:
        yield inbox


@pytest.fixture
async def mail_api(settings: Settings, smtp_inbox: MailInbox) -> AsyncIterator[RunningApi]:
    configured = settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_inbox.port,
            "smtp_from": "team@lumen.test",
        }
    )
    async with serve(configured) as running:
        yield running


async def test_invitations_are_emailed_through_smtp_and_the_emailed_link_works(
    mail_api: RunningApi,
    smtp_inbox: MailInbox,
    settings: Settings,
    session_maker: SessionMaker,
) -> None:
    inbox = smtp_inbox
    organization = await create_organization(session_maker, "Lumen")
    owner = await member_headers(settings, session_maker, organization.id, Role.OWNER)
    async with mail_api.client() as client:
        created = await _invite(client, organization.id, owner, "sam@example.com", "operator")
        assert created.status_code == 201, created.text
        assert created.json()["emailed"] is True
        [(recipients, message)] = inbox.messages
        assert recipients == ["sam@example.com"]
        assert message["From"] == "team@lumen.test"
        assert "Lumen" in message["Subject"]
        link = created.json()["link"]
        assert link in MailInbox.text(message)
        accepted = await client.get(_path_of(link))
    assert accepted.status_code == 303


async def test_an_unreachable_smtp_server_still_leaves_a_link_to_copy(
    settings: Settings, session_maker: SessionMaker
) -> None:
    closed = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": free_port()})
    organization = await create_organization(session_maker)
    owner = await member_headers(settings, session_maker, organization.id, Role.OWNER)
    async with serve(closed) as running, running.client() as client:
        created = await _invite(client, organization.id, owner, "kim@example.com", "operator")
    assert created.status_code == 201
    body = created.json()
    assert body["emailed"] is False
    assert "copy the link" in body["email_error"]
    assert body["link"].startswith(f"{settings.api_url}/auth/invite?token=")


async def test_clerk_mode_invites_through_clerks_backend_api(
    settings: Settings, session_maker: SessionMaker
) -> None:
    clerk = ClerkInstance()
    clerk.organizations.add("org_lumen")
    with clerk.serve() as jwks_url:
        configured = settings.model_copy(
            update={
                "clerk_jwks_url": jwks_url,
                "clerk_authorized_parties": ["https://app.example.com"],
                "clerk_secret_key": SecretStr(clerk.secret_key),
                "clerk_api_url": clerk.api_url,
            }
        )
        assert configured.effective_auth_mode is AuthMode.CLERK
        token = clerk.session_token(user_id="user_olive", org_id="org_lumen", role="org:owner")
        async with serve(configured) as running, running.client() as client:
            me = (await client.get("/api/me", headers=bearer(token))).json()
            org_id = me["org_id"]
            created = await _invite(
                client, uuid.UUID(org_id), bearer(token), "ray@example.com", "admin"
            )
            members = (
                await client.get(f"/api/orgs/{org_id}/members", headers=bearer(token))
            ).json()
            change = await client.patch(
                f"/api/orgs/{org_id}/members/{members[0]['id']}",
                json={"role": "admin"},
                headers=bearer(token),
            )
            local_link = await client.get("/auth/invite?token=" + "x" * 43)
            revoked = await client.delete(
                f"/api/orgs/{org_id}/invitations/{created.json()['id']}", headers=bearer(token)
            )
    assert created.status_code == 201, created.text
    assert created.json()["link"] is None
    [invitation] = clerk.invitations
    assert (invitation["email_address"], invitation["role"], invitation["organization_id"]) == (
        "ray@example.com",
        "org:admin",
        "org_lumen",
    )
    assert change.status_code == 409  # roles come from Clerk's token
    assert revoked.status_code == 204
    assert invitation["status"] == "revoked"  # revoked in Clerk too
    assert local_link.status_code == 404


async def test_conversation_timeouts_are_bounded_and_saved(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker)
    admin = await member_headers(settings, session_maker, organization.id, Role.ADMIN)
    operator = await member_headers(settings, session_maker, organization.id, Role.OPERATOR)
    url = f"/api/orgs/{organization.id}"
    async with api.client() as client:
        too_long = await client.patch(
            url, json={"settings": {"handoff_timeout_seconds": 8 * 24 * 3600}}, headers=admin
        )
        zero = await client.patch(
            url, json={"settings": {"idle_timeout_seconds": 0}}, headers=admin
        )
        saved = await client.patch(
            url,
            json={"settings": {"idle_timeout_seconds": 3600, "handoff_timeout_seconds": 120}},
            headers=admin,
        )
        by_operator = await client.patch(
            url, json={"settings": {"idle_timeout_seconds": 60}}, headers=operator
        )
    assert too_long.status_code == 422
    assert too_long.json()["detail"][0]["loc"] == ["body", "settings", "handoff_timeout_seconds"]
    assert zero.status_code == 422
    assert saved.status_code == 200
    assert saved.json()["settings"]["idle_timeout_seconds"] == 3600
    assert saved.json()["settings"]["handoff_timeout_seconds"] == 120
    assert by_operator.status_code == 403


async def test_the_widget_preview_page_loads_the_real_widget_with_unsaved_settings(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    admin = await member_headers(settings, session_maker, organization.id, Role.ADMIN)
    async with api.client() as client:
        page = await client.get(
            "/widget-preview",
            params={
                "settings": '{"color": "#ff0000", "position": "sideways", "greeting": "Hey <b>"}'
            },
            headers=admin,
        )
        anonymous = await client.get("/widget-preview")
    assert page.status_code == 200
    assert "frame-ancestors 'self'" in page.headers["content-security-policy"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert '<script src="/widget.js"' in page.text
    assert f'data-key="{organization.public_key}"' in page.text
    assert "&quot;color&quot;: &quot;#ff0000&quot;" in page.text
    assert "&quot;position&quot;: &quot;right&quot;" in page.text  # invalid: the default
    assert "Hey &lt;b&gt;" in page.text
    assert "Hey <b>" not in page.text
    assert anonymous.status_code == 401
