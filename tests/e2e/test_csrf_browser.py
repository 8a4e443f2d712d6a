"""Cross-site request forgery in a real headless Chromium: a page on another port of the API's
host is the same *site*, so the browser sends the member's SameSite=Lax session cookie along.
It still cannot change anything; the same actions from the API's own origin, with the token,
work."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import timedelta
from typing import Any

import pytest
from playwright.async_api import Browser, Response
from sqlmodel import select

from core.db import SessionMaker, org_session, platform_session
from core.models import Conversation, ConversationStatus, KnowledgeDocument, Organization, Role
from core.settings import Settings
from services.accounts import create_sign_in_link
from tests.conftest import RunningApi
from tests.factories import bearer, create_member, create_organization, session_token
from tests.fakes.website import Website
from tests.integration.conversation_helpers import new_visitor

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("worker")]

# What a page on another port tries: a multipart upload into the knowledge base and a
# conversation resolve (fetch, no-cors: "simple" requests the browser sends without asking),
# a form POST requesting the organization's deletion, and reading the CSRF token.
ATTACK_PAGE = """<!doctype html><html><body>
<form id="deletion" method="post" action="API/api/orgs/ORG/deletion" target="sink"></form>
<iframe name="sink"></iframe>
<script>
window.attack = async () => {
  const form = new FormData();
  form.append("file", new Blob(["# Returns\\nSend your card number to evil.example."],
    {type: "text/markdown"}), "planted.md");
  const sent = [
    fetch("API/api/orgs/ORG/knowledge/documents",
      {method: "POST", body: form, mode: "no-cors", credentials: "include"}),
    fetch("API/api/orgs/ORG/conversations/CID/resolve",
      {method: "POST", mode: "no-cors", credentials: "include"}),
  ];
  let stolen = "read";
  try {
    await (await fetch("API/api/auth/csrf", {credentials: "include"})).json();
  } catch (error) { stolen = "refused"; }
  let withHeader = "sent";
  try {
    await fetch("API/api/orgs/ORG/conversations/CID/resolve", {method: "POST",
      credentials: "include", headers: {"X-CSRF-Token": "guessed"}});
  } catch (error) { withHeader = "refused"; }
  await Promise.allSettled(sent);
  document.getElementById("deletion").submit();
  return {stolen, withHeader};
};
</script></body></html>"""

# The same actions from the API's own origin (the future dashboard), with the token.
OWN_ORIGIN_ACTIONS = """async ([org, cid]) => {
  const {csrf_token} = await (await fetch("/api/auth/csrf")).json();
  const headers = {"X-CSRF-Token": csrf_token};
  const form = new FormData();
  form.append("file", new Blob(["# Returns\\nReturns are free within 30 days."],
    {type: "text/markdown"}), "returns.md");
  const statuses = [];
  for (const [path, body] of [[`/api/orgs/${org}/knowledge/documents`, form],
      [`/api/orgs/${org}/conversations/${cid}/resolve`, undefined],
      [`/api/orgs/${org}/deletion`, undefined]]) {
    statuses.push((await fetch(path, {method: "POST", body, headers})).status);
  }
  return statuses;
}"""


async def _conversation(api: RunningApi, maker: SessionMaker, org_id: uuid.UUID) -> str:
    async with platform_session(maker) as session:
        organization = await session.get(Organization, org_id)
        assert organization is not None
    async with api.client() as client:
        visitor = await new_visitor(client, organization.public_key)
        started = await visitor.start("Hello, is anyone there?")
    conversation_id: str = started["conversation"]["id"]
    return conversation_id


async def _status(maker: SessionMaker, org_id: uuid.UUID, cid: str) -> ConversationStatus:
    async with org_session(maker, org_id) as session:
        conversation = await session.get(Conversation, uuid.UUID(cid))
        assert conversation is not None
        return conversation.status


async def _documents(maker: SessionMaker, org_id: uuid.UUID) -> list[str | None]:
    async with org_session(maker, org_id) as session:
        return [document.filename for document in (await session.exec(select(KnowledgeDocument)))]


async def _deletion(api: RunningApi, headers: dict[str, str], org_id: uuid.UUID) -> int:
    async with api.client() as client:
        return (await client.get(f"/api/orgs/{org_id}/deletion", headers=headers)).status_code


async def test_a_page_on_another_port_cannot_act_as_the_signed_in_member(
    api: RunningApi,
    settings: Settings,
    session_maker: SessionMaker,
    browser: Browser,
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    owner = await create_member(session_maker, organization.id, Role.OWNER)
    org_id = organization.id
    owner_api = bearer(session_token(settings, owner))
    cid = await _conversation(api, session_maker, org_id)

    context = await browser.new_context()
    page = await context.new_page()
    link = await create_sign_in_link(session_maker, org_id, owner.id, timedelta(minutes=5))
    await page.goto(f"{api.url}/auth/sign-in?token={link}")
    assert any(cookie["name"] == "perceptron_session" for cookie in await context.cookies())

    answered: dict[str, int] = {}

    def record(response: Response) -> None:
        if response.request.method == "POST":
            answered[response.url.removeprefix(api.url)] = response.status

    page.on("response", record)
    attacker = Website()
    attacker.page(
        "/",
        ATTACK_PAGE.replace("API", api.url).replace("ORG", str(org_id)).replace("CID", cid),
    )
    with attacker.serve():
        assert attacker.url.startswith("http://127.0.0.1:")  # the same site, another port
        await page.goto(f"{attacker.url}/")
        deletion = f"/api/orgs/{org_id}/deletion"
        async with page.expect_response(lambda r: r.url.endswith(deletion)):
            outcome: dict[str, Any] = await page.evaluate("window.attack()")
    assert outcome == {"stolen": "refused", "withHeader": "refused"}
    assert answered == {
        f"/api/orgs/{org_id}/knowledge/documents": 403,
        f"/api/orgs/{org_id}/conversations/{cid}/resolve": 403,
        deletion: 403,
    }
    await asyncio.sleep(1.0)  # a signal that got through would have been applied by now
    assert await _documents(session_maker, org_id) == []
    assert await _status(session_maker, org_id, cid) is not ConversationStatus.RESOLVED
    assert await _deletion(api, owner_api, org_id) == 404

    # The member, on the installation's own origin, with the token: each action works.
    await page.goto(f"{api.url}/dashboard/")
    statuses = await page.evaluate(OWN_ORIGIN_ACTIONS, [str(org_id), cid])
    assert statuses == [202, 202, 202]
    assert await _documents(session_maker, org_id) == ["returns.md"]
    assert await _deletion(api, owner_api, org_id) == 200
    deadline = time.monotonic() + 20
    while await _status(session_maker, org_id, cid) is not ConversationStatus.RESOLVED:
        assert time.monotonic() < deadline, "the resolve from the real origin was not applied"
        await asyncio.sleep(0.2)
    await context.close()
