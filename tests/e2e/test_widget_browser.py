"""The widget in a real headless Chromium (Debian's), driven by Playwright: the demo shop,
a streamed cited answer, history after reload, an operator taking over, no cookies, and a
hostile host page that cannot break it."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from core.db import SessionMaker
from core.models import Role
from core.settings import Settings
from tests.conftest import RunningApi
from tests.e2e.browser import ARTIFACTS
from tests.factories import bearer, create_member, create_organization, session_token
from tests.fakes.website import Website
from tests.fixtures.documents import load_articles
from tests.integration.conversation_helpers import configure
from tests.integration.knowledge_helpers import upload, wait_until_final

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("worker")]


@pytest.fixture
def built_widget(settings: Settings) -> Path:
    script = settings.widget_script
    if not script.exists():
        pytest.fail("the widget is not built: run `make test` (it runs npm run build)")
    return script


async def _shop(session_maker: SessionMaker, settings: Settings, api: RunningApi) -> uuid.UUID:
    """The demo organization with its help center ingested, as `perceptron up` seeds it."""
    organization = await create_organization(session_maker, "Lumen")
    owner = await create_member(session_maker, organization.id, Role.OWNER)
    headers = bearer(session_token(settings, owner))
    async with api.client() as client:
        for article in load_articles():
            response = await upload(
                client, organization.id, headers, f"{article.slug}.md", article.markdown.encode()
            )
            await wait_until_final(client, organization.id, headers, response.json()["id"])
    return organization.id


async def _ask(page: Page, question: str) -> None:
    await page.get_by_test_id("composer").fill(question)
    await page.get_by_test_id("send").click()


@pytest.mark.usefixtures("built_widget")
async def test_a_shopper_gets_a_streamed_cited_answer_that_survives_a_reload(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, browser: Browser
) -> None:
    org_id = await _shop(session_maker, settings, api)
    await configure(session_maker, org_id, widget={"pre_chat": "optional"})
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(f"{api.url}/demo/")
    await page.get_by_test_id("launcher").click()
    await expect(page.get_by_test_id("panel")).to_be_visible()

    await page.get_by_test_id("prechat-name").fill("Ada")
    await page.get_by_test_id("prechat-email").fill("ada@example.com")
    await page.get_by_test_id("prechat-submit").click()

    await _ask(page, "My firmware update failed with error E-204. What should I do?")
    answer = page.locator('[data-testid="message"][data-role="assistant"]').last
    await expect(answer).to_contain_text("E-204", timeout=30_000)
    citation = answer.get_by_test_id("citation").first
    await expect(citation).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "widget-answer.png"))

    await page.reload()
    await page.get_by_test_id("launcher").click()
    history = page.locator('[data-testid="message"]')
    await expect(history.filter(has_text="E-204").first).to_be_visible(timeout=15_000)
    assert await history.count() >= 2

    cookies = await context.cookies()
    assert cookies == [], "the widget sets no cookie"
    stored = await page.evaluate("Object.keys(window.localStorage)")
    assert any(key.startswith("perceptron:") for key in stored)
    await context.close()


@pytest.mark.usefixtures("built_widget")
async def test_an_operator_joining_through_the_api_shows_in_the_widget(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, browser: Browser
) -> None:
    org_id = await _shop(session_maker, settings, api)
    operator = await create_member(session_maker, org_id, Role.OPERATOR)
    staff = bearer(session_token(settings, operator))
    page = await browser.new_page()
    await page.goto(f"{api.url}/demo/")
    await page.get_by_test_id("launcher").click()
    await _ask(page, "Can I talk to a real person please?")
    # The assistant hands off (an explicit request for a person): wait for its answer, not
    # for the visitor's own bubble, which shows before the server has the conversation.
    await expect(
        page.locator('[data-testid="message"][data-role="assistant"]').first
    ).to_be_visible(timeout=30_000)
    async with api.client() as client:
        listed = await client.get(f"/api/orgs/{org_id}/conversations", headers=staff)
        cid = listed.json()["items"][0]["id"]
        await client.post(f"/api/orgs/{org_id}/conversations/{cid}/join", headers=staff)
        await client.post(
            f"/api/orgs/{org_id}/conversations/{cid}/reply",
            json={"text": "Hi, this is Sam from Lumen."},
            headers=staff,
        )
    await expect(page.get_by_test_id("operator-banner")).to_be_visible(timeout=15_000)
    await expect(
        page.locator('[data-testid="message"][data-role="operator"]').last
    ).to_contain_text("Sam from Lumen", timeout=15_000)
    await page.screenshot(path=str(ARTIFACTS / "widget-operator.png"))


HOSTILE_PAGE = """<!doctype html><html><head><style>
* { all: unset !important; }
div, button, textarea { display: none !important; }
</style>
<script>
window.fetch = function () { return Promise.reject(new Error("no fetch for you")); };
</script>
</head><body><p>A page that breaks everything it can.</p>
<script src="API/widget.js" data-key="KEY" async></script>
</body></html>"""


@pytest.mark.usefixtures("built_widget")
async def test_a_hostile_host_page_still_gets_a_working_widget(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, browser: Browser
) -> None:
    org_id = await _shop(session_maker, settings, api)
    from sqlmodel import select

    from core.db import platform_session
    from core.models import Organization

    async with platform_session(session_maker) as session:
        organization = (
            await session.exec(select(Organization).where(Organization.id == org_id))
        ).one()
    site = Website()
    site.page("/", HOSTILE_PAGE.replace("API", api.url).replace("KEY", organization.public_key))
    with site.serve():
        page = await browser.new_page()
        await page.goto(f"{site.url}/")
        await page.get_by_test_id("launcher").click()
        await expect(page.get_by_test_id("panel")).to_be_visible()
        await _ask(page, "How do I pair the lamp with my phone over Bluetooth?")
        answer = page.locator('[data-testid="message"][data-role="assistant"]').last
        await expect(answer).to_be_visible(timeout=30_000)
        await expect(answer).not_to_be_empty()
        await page.screenshot(path=str(ARTIFACTS / "widget-hostile-page.png"))
