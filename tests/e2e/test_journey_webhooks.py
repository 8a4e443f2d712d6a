"""The webhooks journey in a real Chromium, against the real API (its outbox dispatcher), the
worker (the delivery workflows) and database, with a local HTTP receiver: an admin adds an
endpoint in Settings → Webhooks, copies the secret shown once, a visitor starts a
conversation, the delivery shows up in the endpoint's log as succeeded with the receiver's
status code, the receiver verifies the Standard Webhooks signature with the shown secret, and
a replay is a second delivery of the same event, signed the same way. After a rotation the
new secret (shown once) and the replaced one both verify the next delivery; an operator of the
organization is not shown the screen."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, expect
from standardwebhooks import Webhook

from core.db import SessionMaker
from core.models import Role
from tests.conftest import RunningApi
from tests.e2e.browser import assert_accessible, signed_in_page
from tests.factories import create_member, create_organization
from tests.integration.conversation_helpers import new_visitor
from tests.integration.webhook_helpers import Receiver, serve_receiver

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("worker", "built_dashboard")]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with serve_receiver() as found:
        yield found


async def test_an_admin_adds_an_endpoint_sees_a_signed_delivery_and_replays_it(
    api: RunningApi,
    session_maker: SessionMaker,
    browser: Browser,
    receiver: Receiver,
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    admin = await create_member(session_maker, organization.id, Role.ADMIN)

    context, page, problems = await signed_in_page(
        browser, api, session_maker, organization.id, admin.id, path="/dashboard/settings/webhooks"
    )
    sections = page.get_by_role("navigation", name="Settings sections")
    await expect(sections.get_by_role("link", name="Webhooks")).to_have_class(re.compile("active"))
    await expect(page.get_by_role("heading", name="Webhooks", level=2)).to_be_visible()
    await expect(page.get_by_test_id("webhooks-empty")).to_be_visible()

    # Add an endpoint on the local receiver (loopback is allowed in local mode).
    await page.get_by_label("Endpoint URL").fill(receiver.url)
    await page.get_by_label("Description").fill("Journey receiver")
    await page.get_by_role("checkbox", name=re.compile(r"^conversation\.created")).check()
    await page.get_by_test_id("webhook-add").click()
    shown = page.get_by_test_id("webhook-secret")
    await expect(shown).to_have_text(re.compile(r"^whsec_[A-Za-z0-9+/=]+$"))
    secret = (await shown.text_content() or "").strip()
    await expect(page.get_by_text("you won't see it again")).to_be_visible()
    row = page.get_by_test_id("webhook-endpoint-row")
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text("Journey receiver")
    await expect(row.get_by_test_id("endpoint-status")).to_have_text("Enabled")
    await assert_accessible(page, "webhooks-added")

    # The endpoint's page: no delivery yet, and the secret is nowhere on it.
    await page.get_by_role("link", name="Open the endpoint and its delivery log").click()
    await expect(page).to_have_url(re.compile(r"/dashboard/settings/webhooks/[0-9a-f-]{36}$"))
    endpoint_path = page.url.removeprefix(api.url)
    await expect(page.get_by_test_id("endpoint-url")).to_have_text(receiver.url)
    await expect(page.get_by_test_id("deliveries-empty")).to_be_visible()
    assert secret not in await page.content()

    # A visitor starts a conversation: conversation.created goes out.
    async with api.client() as client:
        visitor = await new_visitor(client, organization.public_key)
        started = await visitor.start()
    conversation_id = started["conversation"]["id"]

    # The log follows by itself: one delivery, succeeded, the receiver's 200.
    deliveries = page.get_by_test_id("delivery-row")
    await expect(deliveries).to_have_count(1, timeout=30_000)
    first = deliveries.first
    await expect(first.get_by_test_id("delivery-status")).to_have_text("Succeeded", timeout=30_000)
    await expect(first).to_contain_text("conversation.created")
    await expect(first.get_by_test_id("delivery-code")).to_have_text("200")
    await expect(first.get_by_test_id("delivery-attempts")).to_have_text("1")
    await expect(first.get_by_test_id("delivery-duration")).to_have_text(re.compile(r"^\d+ ms$"))

    # What arrived is signed with the secret the page showed.
    assert len(receiver.received) == 1
    original = receiver.received[0]
    event = Webhook(secret).verify(original.body, original.headers)
    assert event["type"] == "conversation.created"
    assert event["data"]["conversation_id"] == conversation_id
    assert original.headers["webhook-id"] == f"msg_{uuid.UUID(event['id']).hex}"

    # Replay: a second delivery at the top of the log, marked as a replay, that succeeds.
    await first.get_by_role("button", name="Replay").click()
    await expect(page.get_by_test_id("replay-status")).to_contain_text("Replay queued")
    await expect(deliveries).to_have_count(2)
    replayed = deliveries.first
    await expect(replayed).to_contain_text("replay")
    await expect(replayed.get_by_test_id("delivery-status")).to_have_text(
        "Succeeded", timeout=30_000
    )
    await expect(replayed.get_by_test_id("delivery-code")).to_have_text("200")
    await expect(deliveries.nth(1).get_by_test_id("delivery-status")).to_have_text("Succeeded")
    await expect(page.get_by_test_id("deliveries-shown")).to_have_text("2 deliveries shown")

    assert len(receiver.received) == 2
    again = receiver.received[1]
    assert Webhook(secret).verify(again.body, again.headers) == event  # the same event
    assert again.headers["webhook-id"] == original.headers["webhook-id"]

    # Rotate (confirmed): the new secret is shown once, and the replaced one signs beside it.
    await page.get_by_role("button", name="Rotate secret").click()
    await page.get_by_role("button", name="Rotate", exact=True).click()
    rotated = page.get_by_test_id("webhook-secret")
    await expect(rotated).to_have_text(re.compile(r"^whsec_"))
    new_secret = (await rotated.text_content() or "").strip()
    assert new_secret != secret
    await expect(page.get_by_test_id("previous-secret")).to_contain_text("also signs deliveries")
    await deliveries.nth(1).get_by_role("button", name="Replay").click()
    await expect(deliveries).to_have_count(3)
    await expect(deliveries.first.get_by_test_id("delivery-status")).to_have_text(
        "Succeeded", timeout=30_000
    )
    assert len(receiver.received) == 3
    third = receiver.received[2]
    assert Webhook(new_secret).verify(third.body, third.headers) == event
    assert Webhook(secret).verify(third.body, third.headers) == event  # the overlap

    await assert_accessible(page, "webhooks-endpoint")
    await page.get_by_test_id("theme").select_option("dark")
    await page.set_viewport_size({"width": 800, "height": 1000})
    await assert_accessible(page, "webhooks-endpoint-tablet-dark")

    assert problems.seen == []
    await context.close()

    # An operator of the same organization is shown neither Settings nor this page.
    operator = await create_member(session_maker, organization.id, Role.OPERATOR)
    context, page, problems = await signed_in_page(
        browser, api, session_maker, organization.id, operator.id, path=endpoint_path
    )
    await expect(page.get_by_test_id("no-access")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    await expect(nav.get_by_role("link", name="Settings")).to_have_count(0)
    assert receiver.url not in await page.content()
    assert problems.seen == []
    await context.close()
