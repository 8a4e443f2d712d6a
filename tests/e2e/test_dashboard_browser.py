"""The dashboard in a real headless Chromium (Debian's): an owner signs in with a real one-time
link, keeps the inbox open while a visitor asks for a person, sees the handoff arrive without a
reload (the inbox event stream), opens it, joins and replies; the reply is stored."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, ConsoleMessage, expect

from core.db import SessionMaker, platform_session
from core.models import Organization, Role
from core.settings import Settings
from services.accounts import create_sign_in_link
from tests.conftest import RunningApi
from tests.e2e.browser import ARTIFACTS, axe_violations
from tests.factories import bearer, create_member, create_organization, session_token
from tests.integration.conversation_helpers import new_visitor

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("worker")]

REPLY = "Hi Ada, this is Olive from the shop. I can help with the lamp."


async def _stored_messages(
    api: RunningApi, headers: dict[str, str], org_id: uuid.UUID, cid: str
) -> list[dict[str, Any]]:
    async with api.client() as client:
        response = await client.get(f"/api/orgs/{org_id}/conversations/{cid}", headers=headers)
    assert response.status_code == 200, response.text
    messages: list[dict[str, Any]] = response.json()["messages"]
    return messages


@pytest.mark.usefixtures("built_dashboard")
async def test_an_owner_sees_a_handoff_live_joins_and_replies_from_the_dashboard(
    api: RunningApi,
    settings: Settings,
    session_maker: SessionMaker,
    browser: Browser,
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    owner = await create_member(session_maker, organization.id, Role.OWNER)
    org_id = organization.id
    owner_api = bearer(session_token(settings, owner))
    async with platform_session(session_maker) as session:
        stored = await session.get(Organization, org_id)
        assert stored is not None
        public_key = stored.public_key

    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))

    # Signed out, the dashboard says how to sign in.
    await page.goto(f"{api.url}/dashboard/inbox")
    await expect(page.get_by_role("heading", name="Sign in to the dashboard")).to_be_visible()
    await expect(page.get_by_text("perceptron sign-in-link")).to_be_visible()
    problems.clear()  # the 401 of GET /api/me is logged by the browser: expected here

    link = await create_sign_in_link(session_maker, org_id, owner.id, timedelta(minutes=5))
    await page.goto(f"{api.url}/auth/sign-in?token={link}")
    await expect(page).to_have_url(f"{api.url}/dashboard/inbox")
    await expect(page.get_by_test_id("organization")).to_have_text("Lumen")
    await expect(page.get_by_text("No conversations match these filters.")).to_be_visible()
    await expect(page.get_by_test_id("stream-state")).to_have_text("Live")

    # A visitor asks for a person while the inbox is open: it arrives without a reload.
    async with api.client() as client:
        visitor = await new_visitor(client, public_key, name="Ada", email="ada@example.com")
        started = await visitor.start("Can I talk to a real person please?")
    cid: str = started["conversation"]["id"]
    row = page.locator(f'[data-testid="conversation-row"][data-conversation-id="{cid}"]')
    await expect(row).to_be_visible(timeout=30_000)
    await expect(row.get_by_test_id("needs-human")).to_be_visible(timeout=30_000)
    await expect(row).to_contain_text("Ada")

    await row.click()
    await expect(page).to_have_url(f"{api.url}/dashboard/inbox/{cid}")
    conversation = page.get_by_test_id("conversation")
    await expect(conversation.get_by_role("heading", name="Ada")).to_be_visible()
    await expect(
        conversation.locator('[data-testid="message"][data-role="visitor"]')
    ).to_contain_text("Can I talk to a real person please?")
    await expect(
        conversation.locator('[data-testid="message"][data-role="assistant"]').first
    ).to_be_visible(timeout=30_000)

    await conversation.get_by_test_id("join").click()
    await expect(conversation.get_by_test_id("operator-state")).to_contain_text(
        "owner person", timeout=15_000
    )
    await conversation.get_by_test_id("reply-text").fill(REPLY)
    await conversation.get_by_test_id("send-reply").click()
    await expect(
        conversation.locator('[data-testid="message"][data-role="operator"]')
    ).to_contain_text(REPLY, timeout=15_000)

    # Stored, as the API tells anyone who reads the transcript.
    deadline = time.monotonic() + 15
    while not any(
        message["role"] == "operator" and message["content"] == REPLY
        for message in await _stored_messages(api, owner_api, org_id, cid)
    ):
        assert time.monotonic() < deadline, "the operator's reply was not stored"
        await asyncio.sleep(0.2)
    async with api.client() as client:
        seen = await client.get(
            f"/api/widget/conversations/{cid}/messages", headers=visitor.headers
        )
    assert REPLY in [message["content"] for message in seen.json()], "the visitor sees it"

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "dashboard-inbox.png"))
    assert await axe_violations(page) == []

    # Dark mode, chosen, survives a reload (stored in localStorage, not in a cookie).
    await page.get_by_test_id("theme").select_option("dark")
    await page.reload()
    await expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    await expect(page.get_by_test_id("theme")).to_have_value("dark")
    await expect(
        conversation.locator('[data-testid="message"][data-role="operator"]')
    ).to_contain_text(REPLY)
    await page.screenshot(path=str(ARTIFACTS / "dashboard-inbox-dark.png"))
    assert problems == [], problems
    assert [cookie["name"] for cookie in await context.cookies()] == ["perceptron_session"]
    await context.close()


async def test_the_api_serves_the_built_dashboard_and_says_when_it_is_not_built(
    api: RunningApi, settings: Settings, built_dashboard: Path, tmp_path: Path
) -> None:
    async with api.client() as client:
        index = await client.get("/dashboard/")
        assert index.status_code == 200
        assert index.headers["content-type"].startswith("text/html")
        assert "frame-ancestors 'none'" in index.headers["content-security-policy"]
        assert index.headers["cache-control"] == "no-cache"
        # A client route (a reload, a shared link) gets the same page.
        deep = await client.get(f"/dashboard/inbox/{uuid.uuid4()}?status=open")
        assert deep.status_code == 200
        assert deep.text == index.text
        asset = next((built_dashboard.parent / "assets").glob("*.js")).name
        script = await client.get(f"/dashboard/assets/{asset}")
        assert script.status_code == 200
        assert "immutable" in script.headers["cache-control"]
        assert (await client.get("/dashboard/assets/missing.js")).status_code == 404
        escaped = await client.get("/dashboard/..%2f..%2fpyproject.toml")
        assert escaped.status_code == 200
        assert escaped.text == index.text
        redirected = await client.get("/dashboard")
        assert redirected.headers["location"] == "/dashboard/"

        settings.dashboard_dist = tmp_path / "nothing-here"
        missing = await client.get("/dashboard/inbox")
    assert missing.status_code == 503
    assert "The dashboard is not built" in missing.text
    assert "make up" in missing.text
