"""The public website through the real API: the landing page, the privacy policy rendered
from Markdown, and the sign-up (PERCEPTRON_SIGNUP) that creates an organization and its
owner and hands out a one-time sign-in link."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlmodel import col, func, select

from core.db import SessionMaker, platform_session
from core.models import (
    AuditLogEntry,
    DeletionReceipt,
    DeletionStatus,
    DeletionSubject,
    Member,
    Organization,
    Role,
)
from core.ports import free_port
from core.settings import AuthMode, Settings
from services.identity import hash_secret
from services.website import POLICY, privacy_policy
from tests.conftest import RunningApi, serve
from tests.factories import create_organization
from tests.fakes.mail import MailInbox, smtp_server

SIGNUPS_PER_HOUR = 8


@pytest.fixture
def settings(settings: Settings) -> Settings:
    settings.signup = True
    settings.signups_per_hour = SIGNUPS_PER_HOUR
    return settings


def _form_token(page: str) -> str:
    found = re.search(r'name="form_token" value="([^"]+)"', page)
    assert found, "the sign-up form carries its signed token"
    return found.group(1)


async def _sign_up(
    client: httpx.AsyncClient,
    api: RunningApi,
    organization: str,
    email: str,
    *,
    origin: str | None = "own",
    token: str | None = None,
) -> httpx.Response:
    if token is None:
        form = await client.get("/signup")
        assert form.status_code == 200, form.text
        token = _form_token(form.text)
    headers = {"origin": api.url} if origin == "own" else ({"origin": origin} if origin else {})
    return await client.post(
        "/signup",
        data={"form_token": token, "organization": organization, "email": email},
        headers=headers,
    )


async def _organizations(maker: SessionMaker) -> int:
    async with platform_session(maker) as session:
        return (await session.exec(select(func.count()).select_from(Organization))).one()


async def test_the_landing_and_policy_pages_need_no_session_and_run_no_script(
    api: RunningApi,
) -> None:
    async with api.client() as client:
        landing = await client.get("/")
        policy = await client.get("/privacy-policy")
        css = await client.get("/site.css")
    assert landing.status_code == 200
    assert landing.headers["content-type"].startswith("text/html")
    csp = landing.headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "script-src" not in csp  # no script may run at all
    assert "frame-ancestors 'none'" in csp
    assert "<script" not in landing.text
    assert 'href="/demo/"' in landing.text
    assert 'href="/dashboard/"' in landing.text
    assert 'href="/signup"' in landing.text  # sign-up is on in this module
    assert 'href="/privacy-policy"' in landing.text
    assert "set-cookie" not in landing.headers

    assert policy.status_code == 200
    assert policy.headers["content-security-policy"] == csp
    expected = privacy_policy()
    assert f'<time datetime="{expected.updated.isoformat()}">' in policy.text
    assert "Last updated" in policy.text
    assert "<h2>What we collect</h2>" in policy.text
    assert "<table>" in policy.text
    assert "Deepgram" in policy.text
    assert "no passwords are stored" in policy.text
    assert "within 30 days" in policy.text
    assert "configured to use none of them" in policy.text  # the keyless default
    assert "{{installation}}" not in policy.text  # the note takes its place, after the table
    assert policy.text.index("configured to use none") < policy.text.index("<h2>Contact</h2>")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")


async def test_the_policy_lists_the_subprocessors_this_installation_is_keyed_for(
    api: RunningApi, settings: Settings
) -> None:
    settings.deepgram_api_key = SecretStr("dg-test")
    settings.clerk_jwks_url = "https://clerk.example/.well-known/jwks.json"
    try:
        async with api.client() as client:
            policy = await client.get("/privacy-policy")
    finally:
        settings.deepgram_api_key = None
        settings.clerk_jwks_url = None
    assert policy.status_code == 200
    assert "This installation is configured to use: Deepgram, Clerk." in policy.text


def test_the_policy_renders_raw_html_as_text(tmp_path: Path) -> None:
    source = tmp_path / "policy.md"
    source.write_text(
        "# Policy\n\nLast updated: 2026-01-31\n\n<script>alert(1)</script>\n\n"
        "<b onclick=x>bold</b> and [a link](javascript:alert(1))\n",
        encoding="utf-8",
    )
    rendered = privacy_policy(source)
    assert rendered.title == "Policy"
    assert rendered.updated.isoformat() == "2026-01-31"
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
    assert "<b " not in rendered.html
    assert 'href="javascript' not in rendered.html
    assert "Last updated" not in rendered.html  # shown once, by the page, as a date
    assert POLICY.exists()


async def test_sign_up_is_off_by_default_and_then_404s(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    settings.signup = False
    async with api.client() as client:
        page = await client.get("/signup")
        post = await client.post(
            "/signup",
            data={"form_token": "1.x", "organization": "Lumen", "email": "o@example.com"},
            headers={"origin": api.url},
        )
        landing = await client.get("/")
    assert page.status_code == 404
    assert post.status_code == 404
    assert 'href="/signup"' not in landing.text
    assert await _organizations(session_maker) == 0
    assert Settings().signup is False  # the default


async def test_sign_up_creates_the_organization_and_its_owner_and_a_link_that_works_once(
    api: RunningApi, session_maker: SessionMaker
) -> None:
    async with api.client() as client:
        page = await client.get("/signup")
        assert page.status_code == 200
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert page.headers["cache-control"] == "no-store"
        assert '<label for="organization">' in page.text
        # A browser already signed in to another organization sends its session cookie:
        # the form still works (it is checked by its origin and its own token).
        client.cookies.set("perceptron_session", "some-other-session")
        created = await _sign_up(client, api, "  Lumen   Lamps ", "Olive@Example.com")
    assert created.status_code == 201, created.text
    assert "Your organization is ready" in created.text
    found = re.search(r'href="(http://[^"]+/auth/sign-in\?token=[^"]+)"', created.text)
    assert found, created.text
    link = found.group(1)

    async with platform_session(session_maker) as session:
        organization = (await session.exec(select(Organization))).one()
        owner = (await session.exec(select(Member))).one()
        audit = (await session.exec(select(AuditLogEntry))).all()
    assert organization.name == "Lumen Lamps"
    assert owner.org_id == organization.id
    assert owner.role is Role.OWNER
    assert owner.email == "olive@example.com"
    assert [entry.action for entry in audit] == ["organization.created"]
    assert audit[0].actor_member_id == owner.id

    async with api.client() as browser:
        signed_in = await browser.get(link.removeprefix(api.url))
        assert signed_in.status_code == 303
        assert signed_in.headers["location"] == "/dashboard/"
        me = await browser.get("/api/me")
        assert me.status_code == 200
        assert me.json()["organization_name"] == "Lumen Lamps"
        assert me.json()["role"] == "owner"
    async with api.client() as again:
        reused = await again.get(link.removeprefix(api.url))
    assert reused.status_code == 401


async def test_sign_up_refuses_bad_input_duplicates_and_forgeries_and_writes_nothing(
    api: RunningApi, session_maker: SessionMaker
) -> None:
    await create_organization(session_maker, "Lumen")
    async with api.client() as client:
        bad_email = await _sign_up(client, api, "Acme", "not-an-email")
        empty_name = await _sign_up(client, api, "   ", "a@example.com")
        long_name = await _sign_up(client, api, "x" * 201, "a@example.com")
        nul_name = await _sign_up(client, api, "Ac\x00me", "a@example.com")
        taken_name = await _sign_up(client, api, "LUMEN", "a@example.com")
        other_site = await _sign_up(client, api, "Acme", "a@example.com", origin="http://evil.test")
        no_origin = await _sign_up(client, api, "Acme", "a@example.com", origin=None)
        forged = await _sign_up(client, api, "Acme", "a@example.com", token="1999999999.abc")
    assert bad_email.status_code == 422
    assert "email address is not valid" in bad_email.text
    assert 'value="Acme"' in bad_email.text  # the form keeps what was typed
    assert empty_name.status_code == 422
    assert "name is empty" in empty_name.text
    assert long_name.status_code == 422
    assert "longer than 200" in long_name.text
    assert nul_name.status_code == 422
    assert taken_name.status_code == 409
    assert "exists already" in taken_name.text
    assert other_site.status_code == 403
    assert no_origin.status_code == 403
    assert forged.status_code == 403
    assert "expired" in forged.text
    assert await _organizations(session_maker) == 1  # only the one made above

    async with api.client() as client:
        first = await _sign_up(client, api, "Acme", "owner@example.com")
        same_email = await _sign_up(client, api, "Another", "OWNER@example.com")
    assert first.status_code == 201
    assert same_email.status_code == 409
    assert "sign in instead" in same_email.text
    assert await _organizations(session_maker) == 2
    async with platform_session(session_maker) as session:
        members = (await session.exec(select(Member).order_by(col(Member.created_at)))).all()
    assert [member.email for member in members] == ["owner@example.com"]


async def test_with_smtp_the_link_is_emailed_and_not_shown_and_a_failed_send_undoes_it(
    settings: Settings, session_maker: SessionMaker
) -> None:
    with smtp_server() as inbox:
        mailing = settings.model_copy(
            update={"smtp_host": "127.0.0.1", "smtp_port": inbox.port, "smtp_from": "hi@p.test"}
        )
        async with serve(mailing) as running:
            async with running.client() as client:
                created = await _sign_up(client, running, "Lumen", "olive@example.com")
            assert created.status_code == 201, created.text
            assert "Check your email" in created.text
            assert "token=" not in created.text, "the link goes by email only"
            [(recipients, message)] = inbox.messages
            assert recipients == ["olive@example.com"]
            found = re.search(r"http://\S+/auth/sign-in\?token=\S+", MailInbox.text(message))
            assert found, "the email carries the link"
            async with running.client() as browser:
                signed_in = await browser.get(found.group(0).removeprefix(running.url))
            assert signed_in.status_code == 303

    # An SMTP server that cannot be reached: the person is told, and nothing is left behind,
    # so trying again later with the same name and email works.
    unreachable = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": free_port()})
    async with serve(unreachable) as running, running.client() as client:
        failed = await _sign_up(client, running, "Acme", "ada@example.com")
    assert failed.status_code == 502
    assert "could not send the sign-in link" in failed.text
    async with platform_session(session_maker) as session:
        names = (await session.exec(select(Organization.name))).all()
        emails = (await session.exec(select(Member.email))).all()
    assert names == ["Lumen"]
    assert emails == ["olive@example.com"]


async def test_sign_up_is_rate_limited_per_address(api: RunningApi) -> None:
    async with api.client() as client:
        form = await client.get("/signup")
        token = _form_token(form.text)
        answers = [
            await _sign_up(client, api, f"Shop {n}", "bad", token=token)
            for n in range(SIGNUPS_PER_HOUR + 1)
        ]
    assert [answer.status_code for answer in answers[:-1]] == [422] * SIGNUPS_PER_HOUR
    assert answers[-1].status_code == 429
    assert int(answers[-1].headers["retry-after"]) > 0


async def test_with_clerk_sign_up_goes_to_clerk(api: RunningApi, settings: Settings) -> None:
    settings.auth_mode = AuthMode.CLERK
    try:
        async with api.client() as client:
            unconfigured = await client.get("/signup")
            settings.clerk_sign_up_url = "https://accounts.example.com/sign-up"
            redirected = await client.get("/signup")
    finally:
        settings.auth_mode = None
        settings.clerk_sign_up_url = None
    assert unconfigured.status_code == 503
    assert "CLERK_SIGN_UP_URL" in unconfigured.text
    assert redirected.status_code == 303
    assert redirected.headers["location"] == "https://accounts.example.com/sign-up"


async def test_the_widget_config_names_the_privacy_policy(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    async with api.client() as client:
        config = await client.get(
            "/api/widget/config", headers={"x-perceptron-key": organization.public_key}
        )
    assert config.status_code == 200
    assert config.json()["privacy_policy_url"] == f"{settings.api_url}/privacy-policy"


async def test_a_deletion_receipt_reads_as_a_page_with_its_link_only(
    api: RunningApi, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Gone Ltd")
    now = datetime.now(UTC)
    token = "receipt-token-" + "x" * 30
    async with platform_session(session_maker) as session:
        session.add(
            DeletionReceipt(
                subject=DeletionSubject.ORGANIZATION,
                org_id=organization.id,
                workflow_id=f"delete-org-{organization.id}",
                token_hash=hash_secret(token),
                status=DeletionStatus.COMPLETED,
                requested_at=now - timedelta(days=7),
                purge_after=now,
                deadline=now + timedelta(days=23),
                completed_at=now,
                deleted={"messages": 12, "contacts": 3},
            )
        )
    async with api.client() as client:
        page = await client.get(f"/deletion-receipts/{token}")
        unknown = await client.get("/deletion-receipts/not-a-receipt-token")
    assert page.status_code == 200
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert '<strong data-testid="receipt-status">completed</strong>' in page.text
    assert '<th scope="row">messages</th><td>12</td>' in page.text
    assert '<th scope="row">contacts</th><td>3</td>' in page.text
    assert str(organization.id) in page.text
    assert "Gone Ltd" not in page.text  # counts and times only
    assert unknown.status_code == 404
    assert "no deletion receipt" in unknown.text
