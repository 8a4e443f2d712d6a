"""The dashboard's phone screens in Chromium: Settings -> Phone and the call panel of a phone
conversation, accessible (axe) and as a member uses them.

The telephony routes (api/routes/phone.py) are being built in another branch: until they are
merged, this test answers them in the browser (``context.route``) with the design's shapes,
so it proves the pages, not the server. lead: once the routes are on main, drop ``_fake_phone_api``
and seed a real account, number and call instead.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Route, expect

from core.db import SessionMaker, org_session
from core.models import Channel, Conversation, Role
from tests.conftest import RunningApi
from tests.e2e.browser import assert_accessible, signed_in_page
from tests.factories import create_member, create_organization

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("built_dashboard")]


class _FakePhoneApi:
    """The design's telephony routes, in memory, answering the browser's requests."""

    def __init__(self, conversation_id: uuid.UUID) -> None:
        self.account: dict[str, Any] | None = None
        self.settings: dict[str, Any] = {
            "handoff_number": None,
            "business_hours": None,
            "call_greeting": "Thanks for calling Lumen.",
            "record_calls": False,
        }
        self.numbers: list[dict[str, Any]] = []
        self.ended: list[str] = []
        started = datetime.now(UTC) - timedelta(seconds=42)
        self.call: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "conversation_id": str(conversation_id),
            "direction": "inbound",
            "from_number": "+15550001111",
            "to_number": "+15551230000",
            "status": "in-progress",
            "outcome": None,
            "transfer_target": None,
            "started_at": started.isoformat(),
            "ended_at": None,
            "duration_seconds": None,
            "recorded": False,
        }

    async def handle(self, route: Route) -> None:
        status, answer = self._answer(route)
        if answer is None:
            await route.fulfill(status=status, body="")
        else:
            await route.fulfill(status=status, json=answer)

    def _answer(self, route: Route) -> tuple[int, Any]:
        request = route.request
        path = urlsplit(request.url).path
        body: dict[str, Any] = json.loads(request.post_data) if request.post_data else {}
        method = request.method
        if path.endswith("/telephony") and method == "GET":
            return 200, self._telephony()
        if path.endswith("/telephony/account") and method == "PUT":
            self.account = {
                "provider": "twilio",
                "account_hint": f"AC…{body['account_sid'][-4:]}",
                "connected_at": datetime.now(UTC).isoformat(),
            }
            return 200, self.account
        if path.endswith("/telephony/settings") and method == "PUT":
            self.settings = body
            return 200, body
        if path.endswith("/phone-numbers/import") and method == "POST":
            self.numbers = [
                {
                    "id": str(uuid.uuid4()),
                    "number": "+15551230000",
                    "source": "own",
                    "label": "",
                    "assistant_enabled": True,
                    "created_at": datetime.now(UTC).isoformat(),
                }
            ]
            return 200, {"numbers": self.numbers}
        if path.endswith("/phone-numbers") and method == "GET":
            return 200, {"numbers": self.numbers}
        if "/phone-numbers/" in path and method == "PATCH":
            self.numbers[0].update(body)
            return 200, self.numbers[0]
        if path.endswith("/calls") and method == "GET":
            return 200, {"calls": [self.call], "next_cursor": None}
        if path.endswith("/end") and method == "POST":
            self.ended.append(self.call["id"])
            self.call |= {
                "status": "completed",
                "outcome": "ended_by_operator",
                "ended_at": datetime.now(UTC).isoformat(),
                "duration_seconds": 44,
            }
            return 202, None
        return 404, {"detail": "not in the fake"}

    def _telephony(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "settings": self.settings,
            "voice": {"description": "offline: faster-whisper tiny.en, espeak-ng", "speaks": True},
        }


PHONE_ROUTES = re.compile(r"/api/orgs/[^/]+/(telephony|phone-numbers|calls)(/|\?|$)")


async def test_an_owner_connects_twilio_imports_a_number_and_ends_a_live_call(
    api: RunningApi, session_maker: SessionMaker, browser: Browser
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    owner = await create_member(session_maker, organization.id, Role.OWNER)
    async with org_session(session_maker, organization.id) as session:
        conversation = Conversation(org_id=organization.id, channel=Channel.PHONE)
        session.add(conversation)
        await session.flush()
        conversation_id = conversation.id
    fake = _FakePhoneApi(conversation_id)
    context, page, problems = await signed_in_page(
        browser, api, session_maker, organization.id, owner.id, path="/dashboard/settings/phone"
    )
    await context.route(PHONE_ROUTES, fake.handle)
    await page.reload()

    await expect(page.get_by_role("heading", name="Phone", exact=True)).to_be_visible()
    await page.get_by_label("Account SID").fill("AC00000000000000000000000000009876")
    await page.get_by_label("Auth token").fill("not-a-real-token")
    await page.get_by_role("button", name="Connect").click()
    await expect(page.get_by_test_id("account-hint")).to_contain_text("AC…9876")
    await page.get_by_test_id("import-numbers").click()
    await expect(page.get_by_test_id("phone-number")).to_contain_text("+15551230000")
    await page.get_by_role("switch", name="The assistant answers +15551230000").uncheck()
    await expect(page.get_by_role("switch", name="Record calls")).not_to_be_checked()
    await page.get_by_test_id("always-open").uncheck()
    await page.get_by_test_id("timezone").fill("America/New_York")
    await page.get_by_test_id("handoff-number").fill("+15559998888")
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_text("Saved", exact=True)).to_be_visible()
    assert fake.settings["handoff_number"] == "+15559998888"
    assert fake.settings["business_hours"]["timezone"] == "America/New_York"
    assert fake.numbers[0]["assistant_enabled"] is False
    await assert_accessible(page, "settings-phone")

    await page.goto(f"{api.url}/dashboard/inbox/{conversation_id}")
    panel = page.get_by_test_id("call-panel")
    await expect(panel).to_have_attribute("data-live", "true")
    await expect(panel.get_by_test_id("call-number")).to_have_text("+15550001111")
    await assert_accessible(page, "conversation-call-panel")
    await panel.get_by_test_id("end-call").click()
    await panel.get_by_role("button", name="End the call").click()
    await expect(panel).to_have_attribute("data-live", "false")
    await expect(panel.get_by_test_id("call-outcome")).to_have_text("Ended by an operator")
    assert fake.ended == [fake.call["id"]]
    assert problems.seen == []
    await context.close()
