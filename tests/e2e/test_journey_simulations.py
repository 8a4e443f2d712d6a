"""The simulations journey in a real Chromium, against the real API, worker (the keyless
support agent, the SimulationWorkflow) and database: two visitors ask, one something the
knowledge answers and one something it does not; the owner opens Simulations, tries a
higher operating point over the recorded conversations, watches it finish, reads the
per-case decisions before and after, and deletes the simulation."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, expect

from core.db import SessionMaker
from core.models import Role
from core.settings import Settings
from tests.conftest import RunningApi
from tests.e2e.browser import assert_accessible, signed_in_page
from tests.factories import bearer, create_member, create_organization, session_token
from tests.fixtures.documents import article
from tests.integration.conversation_helpers import new_visitor, read_events, turn_done
from tests.integration.knowledge_helpers import ingest

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("worker", "built_dashboard")]

QUESTIONS = (
    "how do I reset my lamp to factory settings?",
    "Do you sell gift cards for birthdays?",
)


async def test_an_owner_simulates_a_higher_operating_point_over_recorded_conversations(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, browser: Browser
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    owner = await create_member(session_maker, organization.id, Role.OWNER)
    headers = bearer(session_token(settings, owner))

    async with api.client() as client:
        ingested = await ingest(
            client,
            organization.id,
            headers,
            "factory-reset.md",
            article("factory-reset").markdown.encode(),
        )
        assert ingested["status"] == "ready", ingested
        # Two recorded conversations, each with one question the real keyless agent replied to.
        for question in QUESTIONS:
            visitor = await new_visitor(client, organization.public_key)
            started = await visitor.start(question)
            cid = started["conversation"]["id"]
            await read_events(
                client,
                f"/api/widget/conversations/{cid}/events",
                visitor.headers,
                turn_done,
                within=60,
            )

    context, page, problems = await signed_in_page(
        browser, api, session_maker, organization.id, owner.id, path="/dashboard/simulations"
    )
    nav = page.get_by_role("navigation", name="Main")
    await expect(nav.get_by_role("link", name="Simulations")).to_have_class(re.compile("active"))
    await expect(page.get_by_role("heading", name="Simulations", level=1)).to_be_visible()
    await expect(page.get_by_test_id("simulations-empty")).to_be_visible()

    # Recent conversations, with the operating point moved to "hand off more".
    await page.get_by_label("Recent recorded conversations").check()
    await page.get_by_label("How many of the latest conversations").fill("10")
    slider = page.get_by_test_id("operating-point")
    await slider.focus()
    await slider.press("End")  # keyboard: the slider's top, 0.95
    await expect(page.locator("output")).to_have_text("0.95")
    await page.get_by_role("button", name="Start simulation").click()

    # The detail opens, follows the run, and shows the summary when it is done.
    await expect(page).to_have_url(re.compile(r"/dashboard/simulations/[0-9a-f-]{36}$"))
    await expect(page.get_by_test_id("detail-change")).to_have_text("operating point 0.95")
    await expect(page.get_by_test_id("simulation-status")).to_have_text("Completed", timeout=45_000)
    await expect(page.get_by_test_id("simulation-progress")).to_have_count(0)
    await expect(page.get_by_test_id("summary-decision-changed")).to_contain_text("/ 2")
    cases = page.get_by_test_id("case")
    await expect(cases).to_have_count(2)
    for question in QUESTIONS:
        row = cases.filter(has=page.get_by_role("heading", name=question, level=3))
        await expect(row).to_have_count(1)
        await expect(row.get_by_test_id("case-decision")).to_contain_text(
            re.compile(r"(Answer|Clarify|Hand off) →")
        )
    # The knowledge answers the reset question as things are now.
    reset = cases.filter(has_text=QUESTIONS[0])
    await expect(reset.get_by_test_id("case-decision")).to_contain_text("Answer →")
    # The question the knowledge cannot answer was handed off before and after.
    gift = cases.filter(has_text=QUESTIONS[1])
    await expect(gift.get_by_test_id("case-decision")).to_contain_text("Hand off → After: Hand off")

    # "Changed only" keeps just the cases whose decision or answer changed.
    changed = await page.locator('[data-testid="case"][data-changed="true"]').count()
    await page.get_by_label("Changed only").check()
    await expect(page.get_by_test_id("case-count")).to_have_text(re.compile(r"of 2 cases$"))
    await page.get_by_label("Changed only").uncheck()
    await expect(cases).to_have_count(2)
    assert changed <= 2

    await assert_accessible(page, "simulations-detail")
    # On a tablet, in dark mode: still accessible.
    await page.get_by_test_id("theme").select_option("dark")
    await page.set_viewport_size({"width": 800, "height": 1000})
    await assert_accessible(page, "simulations-detail-tablet-dark")
    await page.set_viewport_size({"width": 1280, "height": 800})

    # Back on the list: the run is there with what it changed; delete it.
    await page.get_by_role("link", name="Back to simulations").click()
    row = page.get_by_test_id("simulation-row")
    await expect(row).to_have_count(1)
    await expect(row.get_by_test_id("simulation-change")).to_have_text("operating point 0.95")
    await expect(row).to_contain_text("Completed")
    await row.get_by_role("button", name="Delete").click()
    await row.get_by_role("button", name="Delete").click()  # the confirmation
    await expect(page.get_by_test_id("simulations-empty")).to_be_visible()

    assert problems.seen == []
    await context.close()
