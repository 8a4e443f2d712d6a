"""The dashboard's phone screens in Chromium, on the real API and a fake Twilio speaking
Twilio's REST protocol: Settings -> Phone (connect an account, import and route a number, hand-off
number and business hours) and the call panel of a live phone call, which an operator ends.
Accessible (axe) and without console errors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, expect
from sqlmodel import select

from agents.providers.embeddings import LocalMiniLMEmbedder
from core.db import SessionMaker, org_session
from core.models import Call, CallOutcome, Organization, PhoneNumber, Role
from core.organization_settings import OrganizationSettings
from core.settings import Settings
from tests.conftest import RunningApi, serve
from tests.e2e.browser import assert_accessible, signed_in_page
from tests.factories import create_member, create_organization
from tests.fakes.twilio import FakeTwilio

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("built_dashboard")]

ACCOUNT_SID = "AC00000000000000000000000000009876"
AUTH_TOKEN = "not-a-real-token"
NUMBER = "+15551230000"
SECOND_NUMBER = "+15551230001"
CALLER = "+15550001111"
PUBLIC_URL = "https://phone.example.test"


@pytest.fixture
async def twilio() -> AsyncIterator[FakeTwilio]:
    numbers = [("PN" + "e" * 32, NUMBER), ("PN" + "f" * 32, SECOND_NUMBER)]
    async with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN, numbers=numbers) as fake:
        yield fake


@pytest.fixture
async def phone_api(
    settings: Settings, twilio: FakeTwilio, embedder: LocalMiniLMEmbedder
) -> AsyncIterator[RunningApi]:
    phone = settings.model_copy(
        update={"twilio_api_base_url": twilio.base_url, "public_url": PUBLIC_URL}
    )
    async with serve(phone, embedder) as running:
        yield running


@pytest.mark.usefixtures("worker")
async def test_an_owner_connects_twilio_routes_a_number_and_ends_a_live_call(
    phone_api: RunningApi, twilio: FakeTwilio, session_maker: SessionMaker, browser: Browser
) -> None:
    api = phone_api
    organization = await create_organization(session_maker, "Lumen")
    owner = await create_member(session_maker, organization.id, Role.OWNER)
    context, page, problems = await signed_in_page(
        browser, api, session_maker, organization.id, owner.id, path="/dashboard/settings/phone"
    )

    await expect(page.get_by_role("heading", name="Phone", exact=True)).to_be_visible()
    await page.get_by_label("Account SID").fill(ACCOUNT_SID)
    await page.get_by_label("Auth token").fill(AUTH_TOKEN)
    await page.get_by_role("button", name="Connect").click()
    await expect(page.get_by_test_id("account-hint")).to_contain_text("AC…9876")
    await page.get_by_test_id("import-numbers").click()
    await expect(page.get_by_test_id("phone-number").first).to_contain_text(NUMBER)
    await expect(page.get_by_test_id("phone-number")).to_have_count(2)
    await page.get_by_role("switch", name=f"The assistant answers {SECOND_NUMBER}").uncheck()
    await expect(page.get_by_role("switch", name="Record calls")).not_to_be_checked()
    await page.get_by_test_id("always-open").uncheck()
    await page.get_by_test_id("timezone").fill("America/New_York")
    await page.get_by_test_id("handoff-number").fill("+15559998888")
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_text("Saved", exact=True)).to_be_visible()
    await assert_accessible(page, "settings-phone")

    # What the page saved is what the server holds.
    async with org_session(session_maker, organization.id) as session:
        stored = await session.get(Organization, organization.id)
        numbers = {n.number: n for n in (await session.exec(select(PhoneNumber))).all()}
    assert stored is not None
    telephony = OrganizationSettings.of(stored.settings, organization.id).telephony
    assert telephony.handoff_number == "+15559998888"
    assert telephony.business_hours is not None
    assert telephony.business_hours.timezone == "America/New_York"
    assert numbers[NUMBER].assistant_enabled is True
    assert numbers[SECOND_NUMBER].assistant_enabled is False

    # A call comes in (Twilio's signed webhook); its conversation shows the live call.
    call = await twilio.call(api.url, PUBLIC_URL, to=NUMBER, from_=CALLER, stream=False)
    assert call.stream_url is not None
    async with org_session(session_maker, organization.id) as session:
        row = (await session.exec(select(Call).where(Call.provider_call_id == call.sid))).one()
    await page.goto(f"{api.url}/dashboard/inbox/{row.conversation_id}")
    panel = page.get_by_test_id("call-panel")
    await expect(panel).to_have_attribute("data-live", "true")
    await expect(panel.get_by_test_id("call-number")).to_have_text(CALLER)
    await assert_accessible(page, "conversation-call-panel")
    await panel.get_by_test_id("end-call").click()
    await panel.get_by_role("button", name="End the call").click()
    await expect(panel).to_have_attribute("data-live", "false", timeout=15_000)
    await expect(panel.get_by_test_id("call-outcome")).to_have_text("Ended by an operator")
    # Twilio was asked to complete the call.
    completions = [r for r in twilio.requests if r.path.endswith(f"/Calls/{call.sid}.json")]
    assert [r.form.get("Status") for r in completions] == ["completed"]
    async with org_session(session_maker, organization.id) as session:
        ended = await session.get(Call, row.id)
    assert ended is not None
    assert ended.outcome is CallOutcome.ENDED_BY_OPERATOR
    assert problems.seen == []
    await context.close()
