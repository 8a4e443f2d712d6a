"""Roles in the dashboard, in a real Chromium: an operator sees neither Settings nor Privacy,
is told "You do not have access" at their addresses, and the server refuses their settings
calls (403) made with the browser's own session; an owner goes through every settings page
(each screenshotted and scanned by axe), invites a member, and the invitee opens the one-time
link in a fresh browser and lands in the dashboard with the invited role."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, BrowserContext, expect

from core.db import SessionMaker, org_session
from core.models import Organization, Role
from tests.conftest import RunningApi
from tests.e2e.browser import Problems, assert_accessible, screenshot, signed_in_page
from tests.factories import create_member, create_organization

pytestmark = [pytest.mark.e2e]


def _only_refusals(problems: Problems, status: int) -> None:
    """The browser logs every answered 4xx of a fetch as a console error: the ones a step
    expects (the server refusing a bad value) are checked and cleared, nothing else."""
    assert problems.seen, f"expected the browser to log the {status}"
    assert all(f"status of {status}" in seen for seen in problems.seen), problems.seen
    problems.seen.clear()


async def _as_browser(
    context: BrowserContext, api: RunningApi, method: str, path: str, body: object = None
) -> int:
    """A call with the browser's own session cookie, CSRF token and Origin (page.request
    shares the context's cookies)."""
    csrf = await context.request.get(f"{api.url}/api/auth/csrf")
    assert csrf.status == 200, await csrf.text()
    token = (await csrf.json())["csrf_token"]
    response = await context.request.fetch(
        f"{api.url}{path}",
        method=method,
        headers={"X-CSRF-Token": token, "Origin": api.url, "Content-Type": "application/json"},
        data=body if body is not None else None,
    )
    return response.status


@pytest.mark.usefixtures("built_dashboard")
async def test_an_operator_sees_no_settings_or_privacy_and_the_server_refuses_them(
    api: RunningApi, session_maker: SessionMaker, browser: Browser
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    operator = await create_member(session_maker, organization.id, Role.OPERATOR)
    context, page, problems = await signed_in_page(
        browser, api, session_maker, organization.id, operator.id
    )
    nav = page.get_by_role("navigation", name="Main")
    await expect(nav.get_by_role("link", name="Inbox")).to_be_visible()
    await expect(nav.get_by_role("link")).to_have_text(["Inbox", "Knowledge", "Analytics"])

    await page.goto(f"{api.url}/dashboard/settings")
    await expect(page.get_by_role("heading", name="You do not have access")).to_be_visible()
    await expect(page.get_by_text("Your role (Operator) cannot open this page.")).to_be_visible()
    await assert_accessible(page, "roles-operator-settings-no-access")
    await page.goto(f"{api.url}/dashboard/settings/members")
    await expect(page.get_by_role("heading", name="You do not have access")).to_be_visible()
    await page.goto(f"{api.url}/dashboard/privacy")
    await expect(page.get_by_role("heading", name="You do not have access")).to_be_visible()

    org = f"/api/orgs/{organization.id}"
    refused = {
        "PATCH org settings": await _as_browser(
            context, api, "PATCH", org, {"settings": {"idle_timeout_seconds": 60}}
        ),
        "GET privacy settings": await _as_browser(context, api, "GET", f"{org}/privacy/settings"),
        "PUT privacy settings": await _as_browser(
            context, api, "PUT", f"{org}/privacy/settings", {"ip_retention_days": 1}
        ),
        "GET API keys": await _as_browser(context, api, "GET", f"{org}/api-keys"),
        "POST API key": await _as_browser(
            context, api, "POST", f"{org}/api-keys", {"name": "mine", "role": "operator"}
        ),
        "GET invitations": await _as_browser(context, api, "GET", f"{org}/invitations"),
        "POST invitation": await _as_browser(
            context,
            api,
            "POST",
            f"{org}/invitations",
            {"email": "x@example.com", "role": "operator"},
        ),
        "PATCH member": await _as_browser(
            context, api, "PATCH", f"{org}/members/{operator.id}", {"role": "owner"}
        ),
        "GET privacy requests": await _as_browser(context, api, "GET", f"{org}/privacy/requests"),
    }
    assert refused == dict.fromkeys(refused, 403)
    assert problems.seen == []
    await context.close()


@pytest.mark.usefixtures("built_dashboard")
async def test_an_owner_runs_every_settings_page_and_invites_an_admin_who_signs_in(
    api: RunningApi, session_maker: SessionMaker, browser: Browser
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    owner = await create_member(session_maker, organization.id, Role.OWNER)
    context, page, problems = await signed_in_page(
        browser,
        api,
        session_maker,
        organization.id,
        owner.id,
        path="/dashboard/settings",
        viewport={"width": 1280, "height": 1300},
    )
    nav = page.get_by_role("navigation", name="Main")
    await expect(nav.get_by_role("link")).to_have_text(
        ["Inbox", "Knowledge", "Analytics", "Simulations", "Settings", "Privacy"]
    )

    # Widget: the live preview runs the real widget script with the unsaved settings.
    await expect(page).to_have_url(f"{api.url}/dashboard/settings/widget")
    preview = page.frame_locator('[data-testid="widget-preview"]')
    widget = preview.locator("perceptron-widget")
    await expect(widget).to_be_attached(timeout=15_000)
    await expect(widget.get_by_test_id("panel")).to_be_visible(timeout=15_000)
    await page.get_by_test_id("widget-greeting").fill("Welcome to Lumen! How can we help?")
    await expect(widget.get_by_test_id("greeting")).to_have_text(
        "Welcome to Lumen! How can we help?", timeout=15_000
    )
    await page.get_by_test_id("widget-color").fill("#0f766e")
    await page.get_by_label("Pre-chat form").select_option("optional")
    await expect(widget.get_by_test_id("prechat")).to_be_visible(timeout=15_000)
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_role("status").filter(has_text="Saved")).to_be_visible()
    snippet = page.get_by_test_id("install-snippet")
    await expect(snippet).to_contain_text(f'{api.url}/widget.js" data-key="pk_')
    await page.get_by_test_id("origin-input").fill("shop.example")
    await page.get_by_role("button", name="Add", exact=True).click()
    await expect(page.get_by_role("alert")).to_contain_text("an origin is scheme://host[:port]")
    _only_refusals(problems, 422)
    await page.get_by_test_id("origin-input").fill("https://shop.example/")
    await page.get_by_role("button", name="Add", exact=True).click()
    await expect(page.get_by_test_id("origins")).to_contain_text("https://shop.example")
    await assert_accessible(page, "settings-widget")

    # Conversation timeouts: the server's bounds, then a saved value.
    await page.get_by_role("link", name="Conversations").click()
    await expect(page).to_have_url(f"{api.url}/dashboard/settings/conversations")
    timeouts = page.get_by_role("form", name="Conversations")
    await page.get_by_test_id("idle-timeout").fill("0")
    await timeouts.get_by_role("button", name="Save").click()
    await expect(timeouts.get_by_role("alert")).to_contain_text("idle_timeout_seconds")
    _only_refusals(problems, 422)
    await page.get_by_test_id("idle-timeout").fill("45")
    await page.get_by_test_id("handoff-timeout").fill("10")
    await timeouts.get_by_role("button", name="Save").click()
    await expect(timeouts.get_by_role("status").filter(has_text="Saved")).to_be_visible()
    # The judge's operating point: a slider, saved and read back from the organization.
    answering = page.get_by_role("form", name="When the assistant answers")
    await expect(answering.get_by_test_id("answering-measured")).to_contain_text("held-out")
    await answering.get_by_test_id("answer-threshold").fill("0.8")
    await answering.get_by_role("button", name="Save").click()
    await expect(answering.get_by_role("status").filter(has_text="Saved")).to_be_visible()
    async with org_session(session_maker, organization.id) as session:
        stored = await session.get(Organization, organization.id)
    assert stored is not None
    assert stored.settings["answer_threshold"] == 0.8
    await assert_accessible(page, "settings-conversations")

    # Members: invite an admin; the one-time link is shown once.
    await page.get_by_role("link", name="Members").click()
    await expect(page.get_by_test_id("member-row")).to_have_count(1)
    await page.get_by_test_id("invite-email").fill("nia@example.com")
    await page.get_by_test_id("invite-role").select_option("admin")
    await page.get_by_role("button", name="Send invitation").click()
    link = await page.get_by_test_id("invite-link").text_content()
    assert link is not None
    assert re.fullmatch(rf"{re.escape(api.url)}/auth/invite\?token=[\w-]+", link), link
    await expect(page.get_by_test_id("invitations")).to_contain_text("nia@example.com")
    await assert_accessible(page, "settings-members")
    await page.set_viewport_size({"width": 800, "height": 1000})
    await screenshot(page, "settings-members-tablet")
    await page.set_viewport_size({"width": 1280, "height": 800})

    # The invitee opens the link in another browser and lands in the dashboard as an admin.
    invitee_context = await browser.new_context(viewport={"width": 1280, "height": 800})
    invitee = await invitee_context.new_page()
    invitee_problems = Problems()
    invitee_problems.watch(invitee)
    await invitee.goto(link)
    await expect(invitee).to_have_url(f"{api.url}/dashboard/inbox")
    await expect(invitee.get_by_test_id("organization")).to_have_text("Lumen")
    await expect(invitee.get_by_title("Role: admin")).to_have_text("nia")
    await expect(
        invitee.get_by_role("navigation", name="Main").get_by_role("link", name="Settings")
    ).to_be_visible()
    me = await (await invitee_context.request.get(f"{api.url}/api/me")).json()
    assert (me["role"], me["email"], me["org_id"]) == (
        "admin",
        "nia@example.com",
        str(organization.id),
    )
    # The link works once.
    again = await browser.new_context()
    reused = await (await again.new_page()).goto(link)
    assert reused is not None
    assert reused.status == 410
    await again.close()
    assert invitee_problems.seen == []
    await invitee_context.close()

    await page.reload()
    await expect(page.get_by_test_id("member-row")).to_have_count(2)
    await expect(page.get_by_role("combobox", name="Role of nia")).to_have_value("admin")
    await expect(page.get_by_text("No pending invitations.")).to_be_visible()

    # API keys: the secret once, then revoked after confirming.
    await page.get_by_role("link", name="API keys").click()
    await expect(page.get_by_text("No API keys yet.")).to_be_visible()
    await page.get_by_test_id("key-name").fill("CRM sync")
    await page.get_by_role("button", name="Create key").click()
    secret = await page.get_by_test_id("api-key-secret").text_content()
    assert secret is not None
    assert secret.startswith("sk_")
    await expect(page.get_by_test_id("api-key-row")).to_have_count(1)
    await assert_accessible(page, "settings-api-keys")
    await page.get_by_role("button", name="Revoke", exact=True).click()
    await page.get_by_role("button", name="Revoke key").click()
    await expect(page.get_by_test_id("api-key-row")).to_contain_text("Revoked")

    # Data retention: the server's 422 reason, then saved.
    await page.get_by_role("link", name="Data retention").click()
    await page.get_by_test_id("retention-ip").fill("400")
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_role("alert")).to_contain_text("ip_retention_days")
    _only_refusals(problems, 422)
    await page.get_by_test_id("retention-ip").fill("14")
    await page.get_by_test_id("retention-conversations").fill("365")
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_role("status").filter(has_text="Saved")).to_be_visible()
    await assert_accessible(page, "settings-retention")

    # Dark mode keeps the settings readable.
    await page.get_by_test_id("theme").select_option("dark")
    await page.get_by_role("link", name="Members").click()
    await assert_accessible(page, "settings-members-dark")

    assert problems.seen == []
    await context.close()
