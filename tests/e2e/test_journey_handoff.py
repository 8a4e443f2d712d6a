"""The handoff journey in two real browsers (Debian's Chromium): a shopper asks the widget on
the demo page something the help center does not cover; the handoff shows in the operator's
open inbox without a reload; the operator reads why the AI handed off, leaves a private
note, joins and replies with a saved reply; the shopper sees the reply but never the note;
the operator resolves."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from playwright.async_api import Browser, Page, expect

from core.db import SessionMaker
from core.models import Role
from core.settings import Settings
from tests.conftest import RunningApi
from tests.e2e.browser import Problems, axe_violations, screenshot, signed_in_page
from tests.factories import bearer, create_member, create_organization, session_token
from tests.fixtures.documents import load_articles
from tests.integration.knowledge_helpers import upload, wait_until_final

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("worker")]

QUESTION = "Do you ship to Canada?"
NOTE = "Shipping abroad: check with the warehouse before promising anything."
DEMO_TITLE = "Lumen — the desk lamp that follows your day"
SAVED_REPLY = "Hi, this is Olive from Lumen. We ship to Canada in 5 to 8 business days."


@pytest.fixture
def built_front_ends(settings: Settings) -> None:
    for built in (settings.widget_script, settings.dashboard_dir / "index.html"):
        if not built.exists():
            pytest.fail(f"{built} is not built: run `make test` (it runs npm run build)")


async def _shop(
    session_maker: SessionMaker, settings: Settings, api: RunningApi
) -> tuple[uuid.UUID, uuid.UUID, dict[str, str]]:
    """The demo organization (the installation's first) with its help center ingested."""
    organization = await create_organization(session_maker, "Lumen")
    owner = await create_member(session_maker, organization.id, Role.OWNER)
    headers = bearer(session_token(settings, owner))
    async with api.client() as client:
        for article in load_articles():
            response = await upload(
                client, organization.id, headers, f"{article.slug}.md", article.markdown.encode()
            )
            await wait_until_final(client, organization.id, headers, response.json()["id"])
        saved = await client.post(
            f"/api/orgs/{organization.id}/saved-replies",
            json={"shortcut": "canada", "title": "Shipping to Canada", "content": SAVED_REPLY},
            headers=headers,
        )
        assert saved.status_code == 201, saved.text
    return organization.id, owner.id, headers


async def _wait_for_pages(api: RunningApi, headers: dict[str, str], org_id: uuid.UUID) -> None:
    deadline = time.monotonic() + 30
    async with api.client() as client:
        while True:
            listed = await client.get(f"/api/orgs/{org_id}/conversations", headers=headers)
            cid = listed.json()["items"][0]["id"]
            detail = await client.get(f"/api/orgs/{org_id}/conversations/{cid}", headers=headers)
            if detail.json()["contact_panel"]["pages"]:
                return
            assert time.monotonic() < deadline, "the widget's page activity never arrived"
            await asyncio.sleep(0.5)


async def _widget_text(page: Page) -> str:
    return await page.get_by_test_id("panel").inner_text()


@pytest.mark.usefixtures("built_front_ends")
async def test_a_handoff_from_the_widget_is_explained_noted_answered_and_resolved(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, browser: Browser
) -> None:
    org_id, owner_id, headers = await _shop(session_maker, settings, api)

    # The operator keeps the inbox open.
    context, inbox, problems = await signed_in_page(
        browser, api, session_maker, org_id, owner_id, viewport={"width": 1366, "height": 900}
    )
    await expect(inbox.get_by_test_id("stream-state")).to_have_text("Live", timeout=15_000)

    # The shopper asks, in the real widget on the demo page.
    shopper_context = await browser.new_context()
    shop = await shopper_context.new_page()
    shopper_problems = Problems()
    shopper_problems.watch(shop)
    await shop.goto(f"{api.url}/demo/")
    await shop.get_by_test_id("launcher").click()
    await expect(shop.get_by_test_id("panel")).to_be_visible()
    await shop.get_by_test_id("composer").fill(QUESTION)
    await shop.get_by_test_id("send").click()
    await expect(
        shop.locator('[data-testid="message"][data-role="assistant"]').first
    ).to_be_visible(timeout=30_000)

    # The handoff arrives in the open inbox without a reload.
    row = inbox.get_by_test_id("conversation-row").first
    await expect(row.get_by_test_id("needs-human")).to_be_visible(timeout=30_000)
    await row.click()
    conversation = inbox.get_by_test_id("conversation")
    await expect(
        conversation.locator('[data-testid="message"][data-role="visitor"]')
    ).to_contain_text(QUESTION)
    answer = conversation.locator('[data-testid="message"][data-role="assistant"]').first
    await expect(answer).to_be_visible(timeout=30_000)

    # Why: the decision and its reason.
    why = answer.get_by_test_id("why")
    await why.locator("summary").click()
    decision = why.get_by_test_id("why-decision")
    await expect(decision).to_have_attribute("data-decision", "handoff")
    await expect(decision).to_have_text("Handed off to a person")
    await expect(why.get_by_test_id("why-reason")).not_to_be_empty()
    await expect(why).to_contain_text("prompt")
    panel = conversation.get_by_test_id("contact-panel")
    await expect(panel).to_be_visible()
    await expect(panel).to_contain_text("Pages seen")
    assert await axe_violations(inbox) == []

    # A private note, in the transcript, styled as one.
    await conversation.get_by_test_id("mode-note").click()
    await conversation.get_by_test_id("note-text").fill(NOTE)
    await conversation.get_by_test_id("add-note").click()
    note = conversation.get_by_test_id("note")
    await expect(note).to_contain_text(NOTE)
    await expect(note).to_contain_text("Only your team sees this")

    # Join, and reply with a saved reply (/canada, Enter).
    await conversation.get_by_test_id("mode-reply").click()
    await conversation.get_by_test_id("join").click()
    await expect(conversation.get_by_test_id("operator-state")).to_contain_text(
        "owner person", timeout=15_000
    )
    reply = conversation.get_by_test_id("reply-text")
    await reply.press_sequentially("/cana")
    menu = conversation.get_by_test_id("slash-menu")
    await expect(menu.get_by_role("option", name="/canada Shipping to Canada")).to_be_visible()
    await screenshot(inbox, "journey-saved-reply")
    await reply.press("Enter")
    await expect(reply).to_have_value(SAVED_REPLY)
    await conversation.get_by_test_id("send-reply").click()
    await expect(
        conversation.locator('[data-testid="message"][data-role="operator"]')
    ).to_contain_text(SAVED_REPLY, timeout=15_000)
    # The widget sends its page activity in batches, every few seconds: once it is stored,
    # the contact panel shows the demo page (after a reload; the Why opened again).
    await _wait_for_pages(api, headers, org_id)
    await inbox.reload()
    await expect(panel.get_by_role("link", name=DEMO_TITLE)).to_be_visible(timeout=15_000)
    await answer.get_by_test_id("why").locator("summary").click()
    await expect(decision).to_be_visible()
    await screenshot(inbox, "journey-conversation-why")
    assert await axe_violations(inbox) == []

    # The shopper sees the reply, never the note.
    await expect(
        shop.locator('[data-testid="message"][data-role="operator"]').last
    ).to_contain_text(SAVED_REPLY, timeout=15_000)
    assert NOTE not in await _widget_text(shop)
    assert NOTE not in await shop.content()
    await shop.reload()
    await shop.get_by_test_id("launcher").click()
    await expect(
        shop.locator('[data-testid="message"][data-role="operator"]').last
    ).to_contain_text(SAVED_REPLY, timeout=15_000)
    assert NOTE not in await shop.content()

    # Resolved.
    await conversation.get_by_test_id("resolve").click()
    await expect(conversation).to_have_attribute("data-status", "resolved", timeout=15_000)
    await expect(conversation.get_by_test_id("reopen")).to_be_visible()

    # At tablet width the contact panel and the transcript still fit.
    await inbox.set_viewport_size({"width": 820, "height": 1000})
    await expect(panel).to_be_visible()
    await screenshot(inbox, "journey-conversation-tablet")
    assert await axe_violations(inbox) == []

    # Dark mode: the same view, the note still told apart, nothing below contrast.
    await inbox.set_viewport_size({"width": 1366, "height": 900})
    await inbox.get_by_test_id("theme").select_option("dark")
    await expect(inbox.locator("html")).to_have_attribute("data-theme", "dark")
    await expect(note).to_be_visible()
    await screenshot(inbox, "journey-conversation-dark")
    assert await axe_violations(inbox) == []

    assert problems.seen == []
    assert shopper_problems.seen == []
    await shopper_context.close()
    await context.close()
