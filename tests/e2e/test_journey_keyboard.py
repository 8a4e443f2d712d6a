"""An operator works the inbox from the keyboard in a real Chromium: j/k move the selection
and open each conversation, e resolves the open one (the API confirms), Ctrl+K opens the
command palette and navigates, handoff notifications are switched on with the browser's
permission, and dark mode chosen survives a reload."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from playwright.async_api import Browser, Page, expect

from core.db import SessionMaker, platform_session
from core.models import Organization, Role
from core.settings import Settings
from tests.conftest import RunningApi
from tests.e2e.browser import assert_accessible, signed_in_page
from tests.factories import bearer, create_member, create_organization, session_token
from tests.integration.conversation_helpers import new_visitor

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("worker")]

VISITORS = [
    ("Ada", "My desk lamp flickers when I dim it"),
    ("Grace", "Do you ship shades to Norway?"),
    ("Linus", "Where is my order from last week?"),
]


async def _row_ids(page: Page) -> list[str]:
    rows = page.get_by_test_id("conversation-row")
    return [await rows.nth(i).get_attribute("data-conversation-id") or "" for i in range(3)]


async def _settled_row_ids(
    page: Page, api: RunningApi, headers: dict[str, str], org_id: uuid.UUID
) -> list[str]:
    """The inbox's row order once the page shows what the server holds: the list is ordered
    by last activity, and under load a refetch can land after the badges did, reordering the
    rows between two key presses."""
    deadline = time.monotonic() + 30
    while True:
        async with api.client() as client:
            response = await client.get(f"/api/orgs/{org_id}/conversations", headers=headers)
        assert response.status_code == 200, response.text
        server = [item["id"] for item in response.json()["items"]][:3]
        shown = await _row_ids(page)
        if shown == server:
            await asyncio.sleep(0.5)  # and it stays so
            if await _row_ids(page) == server:
                return server
        assert time.monotonic() < deadline, f"the inbox shows {shown}, the server {server}"
        await asyncio.sleep(0.2)


async def _status(api: RunningApi, headers: dict[str, str], org_id: uuid.UUID, cid: str) -> str:
    async with api.client() as client:
        response = await client.get(f"/api/orgs/{org_id}/conversations/{cid}", headers=headers)
    assert response.status_code == 200, response.text
    status: str = response.json()["conversation"]["status"]
    return status


@pytest.mark.usefixtures("built_dashboard")
async def test_an_operator_works_the_inbox_from_the_keyboard(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, browser: Browser
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    operator = await create_member(session_maker, organization.id, Role.OPERATOR)
    headers = bearer(session_token(settings, operator))
    async with platform_session(session_maker) as session:
        stored = await session.get(Organization, organization.id)
        assert stored is not None
        public_key = stored.public_key
    async with api.client() as client:
        for name, question in VISITORS:
            visitor = await new_visitor(client, public_key, name=name)
            await visitor.start(question)

    context, page, problems = await signed_in_page(
        browser, api, session_maker, organization.id, operator.id
    )
    await context.grant_permissions(["notifications"], origin=api.url)
    rows = page.get_by_test_id("conversation-row")
    await expect(rows).to_have_count(3, timeout=30_000)
    await expect(page.get_by_test_id("stream-state")).to_have_text("Live")
    # The list is ordered by last activity: read it once every turn has ended (each was
    # handed off), or a late answer reorders the rows between two key presses.
    await expect(page.get_by_test_id("needs-human")).to_have_count(3, timeout=60_000)
    ids = await _settled_row_ids(page, api, headers, organization.id)
    inbox_url = f"{api.url}/dashboard/inbox"

    # j opens the first, j the next, k goes back; the selected row is marked.
    await page.keyboard.press("j")
    await expect(page).to_have_url(f"{inbox_url}/{ids[0]}")
    await page.keyboard.press("j")
    await expect(page).to_have_url(f"{inbox_url}/{ids[1]}")
    selected = page.locator('[data-testid="conversation-row"][aria-current="page"]')
    await expect(selected).to_have_attribute("data-conversation-id", ids[1])
    await page.keyboard.press("k")
    await expect(page).to_have_url(f"{inbox_url}/{ids[0]}")
    await expect(selected).to_have_attribute("data-conversation-id", ids[0])
    await expect(page.get_by_test_id("conversation")).to_be_visible()
    await assert_accessible(page, "journey-keyboard-inbox")

    # e resolves the open conversation: the API says so.
    await page.keyboard.press("e")
    deadline = time.monotonic() + 20
    while await _status(api, headers, organization.id, ids[0]) != "resolved":
        assert time.monotonic() < deadline, "the conversation was not resolved"
        await asyncio.sleep(0.2)
    resolved_row = page.locator(
        f'[data-testid="conversation-row"][data-conversation-id="{ids[0]}"]'
    )
    await expect(resolved_row).to_contain_text("Resolved", timeout=15_000)

    # ? shows the shortcuts; Escape closes them.
    await page.keyboard.press("Shift+?")
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    await expect(help_dialog).to_be_visible()
    await page.keyboard.press("Escape")
    await expect(help_dialog).to_be_hidden()

    # Handoff notifications, with the permission granted.
    notify = page.get_by_label("Notify me of handoffs")
    await notify.check()
    await expect(notify).to_be_checked()
    assert await page.evaluate("Notification.permission") == "granted"

    # Ctrl+K opens the palette; typing filters it; Enter goes there.
    await page.keyboard.press("Control+k")
    palette = page.get_by_role("dialog", name="Command palette")
    await expect(palette).to_be_visible()
    await expect(page.get_by_test_id("palette-input")).to_be_focused()
    await assert_accessible(page, "journey-keyboard-palette")
    await page.keyboard.type("needing a human")
    await expect(palette.get_by_role("option").first).to_have_text(
        "Inbox: show conversations needing a human"
    )
    await page.get_by_test_id("palette-input").fill("knowledge")
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(f"{api.url}/dashboard/knowledge")
    await expect(palette).to_be_hidden()

    # Search from the palette lands on the filtered inbox, and the filter is in the address.
    await page.keyboard.press("Control+k")
    await page.get_by_test_id("palette-input").fill("Norway")
    await page.get_by_role("option", name="Search conversations for “Norway”").click()
    await expect(page).to_have_url(f"{inbox_url}?q=Norway")
    await expect(rows).to_have_count(1, timeout=15_000)
    await expect(rows.first).to_contain_text("Grace")
    await page.reload()
    await expect(rows).to_have_count(1, timeout=15_000)
    await expect(page.get_by_test_id("search")).to_have_value("Norway")

    # Dark mode survives a reload.
    await page.get_by_test_id("theme").select_option("dark")
    await expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    await page.reload()
    await expect(page.get_by_test_id("theme")).to_have_value("dark")
    await expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    await expect(rows).to_have_count(1, timeout=15_000)
    await assert_accessible(page, "journey-keyboard-dark")

    assert problems.seen == []
    await context.close()
