"""The knowledge screen in a real headless Chromium against the real API, worker, PostgreSQL
and Temporal: an owner uploads a PDF through the file input and watches its progress bar
reach ready, asks the "try it" box a question and finds the passage from that PDF (and no
conversation is created), and a scanned PDF shows why it failed. An operator sees the
documents but none of the controls that change them."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, expect
from sqlmodel import func, select

from core.db import SessionMaker, org_session
from core.models import Conversation, Message, Role
from tests.conftest import RunningApi
from tests.e2e.browser import assert_accessible, screenshot, signed_in_page
from tests.factories import create_member, create_organization
from tests.fixtures.documents import article, pdf_of, scanned_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("worker")]


@pytest.mark.usefixtures("built_dashboard")
async def test_an_owner_uploads_a_pdf_watches_it_get_ready_and_tries_a_question(
    api: RunningApi, session_maker: SessionMaker, browser: Browser, tmp_path: Path
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    owner = await create_member(session_maker, organization.id, Role.OWNER)
    reset = article("factory-reset")
    good = tmp_path / "factory-reset.pdf"
    good.write_bytes(pdf_of(reset))
    bad = scanned_pdf().write_to(tmp_path)

    context, page, problems = await signed_in_page(
        browser, api, session_maker, organization.id, owner.id, path="/dashboard/knowledge"
    )
    await expect(page.get_by_role("heading", name="Knowledge", level=1)).to_be_visible()
    await expect(page.get_by_text("No documents yet.")).to_be_visible()

    # Upload the PDF: its progress bar goes from bytes to indexing to ready.
    await page.get_by_test_id("file-input").set_input_files(str(good))
    upload = page.get_by_test_id("upload").filter(has_text="factory-reset.pdf")
    await expect(upload).to_be_visible()
    await expect(upload.get_by_role("progressbar")).to_be_visible()
    await expect(upload).to_have_attribute("data-state", "ready", timeout=60_000)
    await expect(upload.get_by_test_id("upload-state")).to_have_text(
        "Ready: the assistant can answer from it"
    )
    row = page.get_by_test_id("document").filter(has_text=reset.title)
    await expect(row).to_have_attribute("data-status", "ready")
    await expect(row).to_contain_text("PDF")
    await expect(row).to_contain_text("passage")

    # Try a question: the passage from that PDF, the answer and the decision.
    await page.get_by_test_id("try-question").fill("How do I reset my lamp to factory settings?")
    await page.get_by_test_id("try-submit").click()
    result = page.get_by_test_id("try-result")
    await expect(result).to_have_attribute("data-decision", "answer", timeout=30_000)
    await expect(page.get_by_test_id("try-decision")).to_have_text("Would answer")
    await expect(page.get_by_test_id("try-answer")).to_contain_text("12 seconds")
    passage = page.get_by_test_id("passage").first
    await expect(passage).to_contain_text(reset.title)
    await expect(passage).to_contain_text("brightness dial")
    await expect(passage).to_contain_text("score 0.")
    await assert_accessible(page, "knowledge-ready-and-try")

    # A scanned PDF fails with a reason that says what to do.
    await page.get_by_test_id("file-input").set_input_files(str(bad))
    failed = page.get_by_test_id("upload").filter(has_text=bad.name)
    await expect(failed).to_have_attribute("data-state", "failed", timeout=60_000)
    await expect(failed.get_by_test_id("upload-state")).to_have_text(
        "No extractable text: this PDF has no text layer (it looks like scanned images); "
        "export it with text, run OCR on it, or upload it as text."
    )
    failed_row = page.get_by_test_id("document").filter(has_text="scanned manual")
    await expect(failed_row.get_by_test_id("failure-reason")).to_contain_text("no text layer")
    await assert_accessible(page, "knowledge-failed-upload")

    # Delete asks first; confirmed, the document goes.
    await failed_row.get_by_role("button", name="Delete scanned manual").click()
    await failed_row.get_by_role("button", name="Delete", exact=True).click()
    await expect(failed_row).to_have_count(0)
    await expect(failed).to_have_count(0)

    # Dark mode, the same page, still without serious accessibility problems.
    await page.get_by_test_id("theme").select_option("dark")
    await expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    await assert_accessible(page, "knowledge-dark")

    # The tablet width: one column, the try-it box below the documents.
    await page.set_viewport_size({"width": 800, "height": 1000})
    await expect(page.get_by_test_id("try-result")).to_be_visible()
    await screenshot(page, "knowledge-tablet")

    assert problems.seen == [], problems.seen
    await context.close()

    async with org_session(session_maker, organization.id) as session:
        conversations = (await session.exec(select(func.count()).select_from(Conversation))).one()
        messages = (await session.exec(select(func.count()).select_from(Message))).one()
    assert (conversations, messages) == (0, 0), "trying a question stores no conversation"


@pytest.mark.usefixtures("built_dashboard")
async def test_an_operator_sees_the_knowledge_base_without_the_controls_that_change_it(
    api: RunningApi, session_maker: SessionMaker, browser: Browser, tmp_path: Path
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    operator = await create_member(session_maker, organization.id, Role.OPERATOR)
    context, page, problems = await signed_in_page(
        browser, api, session_maker, organization.id, operator.id, path="/dashboard/knowledge"
    )
    await expect(
        page.get_by_text("Only owners and admins can change the knowledge base.")
    ).to_be_visible()
    await expect(page.get_by_role("heading", name="Try it")).to_be_visible()
    await expect(page.get_by_test_id("file-input")).to_have_count(0)
    await expect(page.get_by_test_id("import-url")).to_have_count(0)
    await expect(page.get_by_role("button", name="Delete")).to_have_count(0)
    await page.get_by_test_id("try-question").fill("How do I reset my lamp?")
    await page.get_by_test_id("try-submit").click()
    await expect(page.get_by_test_id("try-decision")).to_have_text(
        "Would hand off to a person", timeout=30_000
    )
    await expect(
        page.get_by_text("Nothing in the knowledge base matched this question.")
    ).to_be_visible()
    await assert_accessible(page, "knowledge-operator")
    assert problems.seen == [], problems.seen
    await context.close()
