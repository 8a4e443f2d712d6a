"""The analytics journey in a real Chromium, against the real API, worker (the keyless support
agent) and database: a visitor asks something the knowledge cannot answer and the AI hands
off; the owner opens Analytics and sees it counted as handed off, because the knowledge did
not answer, and the question listed under knowledge gaps with a link to add knowledge."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, expect

from core.db import SessionMaker
from core.models import Role
from tests.conftest import RunningApi
from tests.e2e.browser import axe_violations, png_size, screenshot, signed_in_page
from tests.factories import create_member, create_organization
from tests.integration.conversation_helpers import new_visitor, read_events, turn_done

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("worker")]

QUESTION = "Do you sell gift cards for birthdays?"


async def test_an_unanswered_question_shows_up_as_a_handoff_and_a_knowledge_gap(
    api: RunningApi, session_maker: SessionMaker, browser: Browser
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    owner = await create_member(session_maker, organization.id, Role.OWNER)

    # A visitor asks what the (empty) knowledge cannot answer: the real agent hands off.
    async with api.client() as client:
        visitor = await new_visitor(client, organization.public_key)
        started = await visitor.start(QUESTION)
        cid = started["conversation"]["id"]
        events = await read_events(
            client,
            f"/api/widget/conversations/{cid}/events",
            visitor.headers,
            lambda seen: turn_done(seen) and any(e.type == "handoff.requested" for e in seen),
            within=60,
        )
    assert any(event.type == "handoff.requested" for event in events)

    context, page, problems = await signed_in_page(
        browser, api, session_maker, organization.id, owner.id, path="/dashboard/analytics"
    )
    await expect(page.get_by_role("heading", name="Analytics", level=1)).to_be_visible()
    await expect(page.get_by_test_id("range-30")).to_have_attribute("aria-pressed", "true")
    await expect(page.get_by_test_id("kpi-conversations")).to_contain_text("1")
    await expect(page.get_by_test_id("kpi-handoff-rate")).to_contain_text("100%")
    await expect(page.get_by_test_id("kpi-resolved-by-ai")).to_contain_text("0%")
    await expect(page.get_by_test_id("cause-unanswered")).to_contain_text(
        "The knowledge did not answer"
    )
    await expect(page.get_by_test_id("cause-unanswered")).to_contain_text("1 (100%")
    gap = page.get_by_test_id("gap")
    await expect(gap).to_have_count(1)
    await expect(gap.get_by_role("heading")).to_have_text(QUESTION)
    await expect(gap).to_contain_text("1 question")
    await expect(gap).to_contain_text("1 not answered, 0 rated down")
    chart = page.get_by_test_id("chart-per-day").get_by_role("img")
    await expect(chart).to_have_attribute(
        "aria-label", re.compile(r"^1 conversation over 30 days; the busiest day was ")
    )
    # The screenshot shows the whole report, knowledge gaps included, though the dashboard's
    # main area scrolls inside the window.
    shot = await screenshot(page, "analytics")
    content_bottom = await page.locator("#main").evaluate(
        "(main) => main.getBoundingClientRect().top + main.scrollHeight"
    )
    assert content_bottom > 800
    assert png_size(shot)[1] >= content_bottom
    assert await axe_violations(page) == []

    # The last 7 days, on a tablet, in dark mode: the same figures, still accessible.
    await page.set_viewport_size({"width": 800, "height": 1000})
    await page.get_by_test_id("range-7").click()
    await expect(page.get_by_test_id("range-7")).to_have_attribute("aria-pressed", "true")
    await expect(page.get_by_test_id("kpi-handoff-rate")).to_contain_text("100%")
    await page.get_by_test_id("theme").select_option("dark")
    await expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    await screenshot(page, "analytics-tablet-dark")
    assert await axe_violations(page) == []

    # A custom range that ends before it starts is refused on the page, without a request.
    await page.get_by_test_id("range-custom").click()
    await page.get_by_test_id("range-from").fill("2026-03-10")
    await page.get_by_test_id("range-to").fill("2026-03-01")
    await page.get_by_test_id("range-apply").click()
    await expect(page.get_by_role("alert")).to_contain_text("on or before the end date")
    assert await axe_violations(page) == []

    # "Add knowledge" leads to the Knowledge screen.
    await gap.get_by_test_id("gap-add").click()
    await expect(page).to_have_url(re.compile(r"/dashboard/knowledge\?topic=Do%20you%20sell"))
    await expect(page.get_by_test_id("knowledge-topic")).to_have_text(
        f"Add knowledge that answers: {QUESTION}"
    )
    await expect(page.get_by_test_id("try-question")).to_have_value(QUESTION)
    assert problems.seen == []
    assert [cookie["name"] for cookie in await context.cookies()] == ["perceptron_session"]
    await context.close()
