"""A compliance member's journey through the privacy pages, in a real Chromium against the real
API, worker, PostgreSQL and Temporal: request an organization export and download its ZIP,
find a contact and ask for its erasure (then cancel it), start the organization's deletion
(typed confirmation), put it on legal hold, release it and cancel it, and find every one of
those actions in the audit log. Each page gets a screenshot and an axe scan, and so do the
public landing, privacy-policy and sign-up pages and the dashboard's signed-out screen.

The compliance role may request and cancel a deletion (api/routes/account_deletion.py:
owner or compliance), so one member walks the whole journey."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from core.db import SessionMaker, org_session
from core.models import Contact, Role
from core.settings import Settings
from tests.conftest import RunningApi
from tests.e2e.browser import assert_accessible, signed_in_page
from tests.factories import create_member, create_organization

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("worker")]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    settings.signup = True  # so the public website has its sign-up form, scanned below
    return settings


@pytest.mark.usefixtures("built_dashboard")
async def test_a_compliance_member_exports_erases_deletes_cancels_and_reads_the_audit_log(
    api: RunningApi, session_maker: SessionMaker, browser: Browser
) -> None:
    organization = await create_organization(session_maker, "Lumen Lamps")
    compliance = await create_member(
        session_maker, organization.id, Role.COMPLIANCE, email="carla@example.com"
    )
    async with org_session(session_maker, organization.id) as session:
        contact = Contact(org_id=organization.id, name="Ada Visitor", email="ada@example.com")
        session.add(contact)

    context, page, problems = await signed_in_page(
        browser,
        api,
        session_maker,
        organization.id,
        compliance.id,
        path="/dashboard/privacy",
        viewport={"width": 1280, "height": 860},
    )
    base = f"{api.url}/dashboard"

    # The section opens on the requests list: nothing yet.
    await expect(page).to_have_url(f"{base}/privacy/requests")
    await expect(page.get_by_role("heading", name="Privacy requests")).to_be_visible()
    await expect(page.get_by_text("No privacy requests match these filters.")).to_be_visible()

    # Export the organization, watch it being built, download the ZIP.
    await page.get_by_role("link", name="Export").click()
    await expect(page).to_have_url(f"{base}/privacy/exports")
    await page.get_by_test_id("export-organization").click()
    await expect(page.get_by_role("status")).to_contain_text("Export requested")
    row = page.get_by_test_id("export-row").first
    await expect(row).to_have_attribute("data-status", "completed", timeout=60_000)
    await expect(row).to_contain_text("Organization export")
    await assert_accessible(page, "privacy-exports")
    async with page.expect_download() as download_info:
        await row.get_by_test_id("download-export").click()
    download = await download_info.value
    assert download.suggested_filename.startswith("perceptron-organization-export-")
    assert download.suggested_filename.endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(Path(await download.path()).read_bytes()))
    names = archive.namelist()
    manifest_name = next(name for name in names if name.endswith("manifest.json"))
    manifest = json.loads(archive.read(manifest_name))
    assert manifest, "the export has a manifest"
    assert any("contacts" in name for name in names), names

    # The export is in the requests list, with its detail.
    await page.get_by_role("link", name="Requests").click()
    request_row = page.get_by_test_id("request-row").first
    await expect(request_row).to_have_attribute("data-kind", "organization_export")
    await expect(request_row).to_contain_text("Completed")
    await expect(request_row).to_contain_text("The whole organization")
    await assert_accessible(page, "privacy-requests")
    await request_row.get_by_role("link", name="Details").click()
    detail = page.get_by_test_id("request-detail")
    await expect(detail).to_have_attribute("data-status", "completed")
    await expect(detail.get_by_role("heading", name="What was done")).to_be_visible()
    await expect(detail).to_contain_text("compliance person")  # who requested it
    await assert_accessible(page, "privacy-request-detail")

    # Find the contact by email and ask for its erasure (it waits for the grace period).
    await page.get_by_role("link", name="Contact erasure").click()
    await page.get_by_test_id("erasure-query").fill("ada@example.com")
    await page.get_by_role("button", name="Find", exact=True).click()
    found = page.get_by_test_id("erasure-contact")
    await expect(found).to_have_count(1)
    await expect(found).to_contain_text("Ada Visitor")
    await found.get_by_test_id("erase").click()
    await expect(found.get_by_role("heading", name="Erase this contact's data?")).to_be_visible()
    await assert_accessible(page, "privacy-erasure")
    await found.get_by_test_id("confirm-erase").click()
    done = page.get_by_test_id("erasure-done")
    await expect(done).to_contain_text("Scheduled")
    await done.get_by_role("link", name="View the request").click()
    await expect(page.get_by_test_id("request-detail")).to_have_attribute(
        "data-status", "scheduled"
    )
    await page.get_by_role("button", name="Cancel this erasure").click()
    await expect(page.get_by_test_id("request-detail")).to_have_attribute(
        "data-status", "cancelled", timeout=30_000
    )

    # Start the organization's deletion (typed confirmation), then cancel it.
    await page.get_by_role("link", name="Account deletion").click()
    deletion = page.get_by_test_id("deletion")
    await expect(deletion).to_have_attribute("data-status", "none")
    await page.get_by_test_id("start-deletion").click()
    confirm = page.get_by_test_id("confirm-deletion")
    await page.get_by_test_id("deletion-confirm").fill("Lumen")
    await expect(confirm).to_be_disabled()
    await page.get_by_test_id("deletion-confirm").fill("Lumen Lamps")
    await confirm.click()
    await expect(deletion).to_have_attribute("data-status", "scheduled", timeout=15_000)
    await expect(page.get_by_test_id("receipt-link")).to_be_visible()
    await expect(page.get_by_test_id("countdown")).to_contain_text("d")
    await assert_accessible(page, "privacy-deletion")
    # The receipt link (shown once) opens the public receipt page.
    receipt_href = await page.get_by_test_id("receipt-link").get_attribute("href")
    assert receipt_href is not None
    assert receipt_href.startswith("/deletion-receipts/")
    receipt_page = await context.new_page()
    problems.watch(receipt_page)
    await receipt_page.goto(f"{api.url}{receipt_href}")
    await expect(receipt_page.get_by_test_id("receipt-status")).to_have_text("scheduled")
    await assert_accessible(receipt_page, "website-deletion-receipt")
    await receipt_page.close()
    # A legal hold pauses it (compliance only), and its release lets it go on.
    await page.get_by_test_id("hold-reason").fill("CASE-2026-17")
    await page.get_by_test_id("place-hold").click()
    await expect(deletion).to_have_attribute("data-status", "on_hold", timeout=15_000)
    await expect(page.get_by_test_id("hold")).to_contain_text("CASE-2026-17")
    await page.get_by_test_id("release-hold").click()
    await expect(deletion).to_have_attribute("data-status", "scheduled", timeout=15_000)
    await page.get_by_test_id("cancel-deletion").click()
    await expect(deletion).to_have_attribute("data-status", "cancelled", timeout=30_000)
    await expect(page.get_by_test_id("deletion-status")).to_have_text("Cancelled")

    # The audit log lists all of it; the action filter narrows it down.
    await page.get_by_role("link", name="Audit log").click()
    table = page.get_by_test_id("audit-table")
    for action in (
        "privacy.export_requested",
        "privacy.export_downloaded",
        "organization.deletion_requested",
        "organization.deletion_held",
        "organization.deletion_released",
        "organization.deletion_cancelled",
    ):
        await expect(table.locator(f'[data-action="{action}"]')).to_have_count(1)
    await page.get_by_test_id("audit-action").select_option("organization.")
    await expect(page).to_have_url(f"{base}/privacy/audit?action=organization.")
    rows = page.get_by_test_id("audit-row")
    await expect(rows).to_have_count(4)
    await expect(rows.first).to_have_attribute("data-action", "organization.deletion_cancelled")
    await expect(rows.first).to_contain_text("compliance person")
    await page.get_by_test_id("audit-actor").select_option(str(compliance.id))
    await expect(rows).to_have_count(4)
    await assert_accessible(page, "privacy-audit-log")

    # A tablet: the sections become a row of tabs above the page.
    await page.set_viewport_size({"width": 800, "height": 1000})
    await page.get_by_role("link", name="Requests").click()
    await expect(page.get_by_test_id("request-row")).to_have_count(2)
    await assert_accessible(page, "privacy-requests-tablet")

    # The public website: no session needed, same CSP discipline.
    await page.get_by_role("link", name="Privacy policy").click()
    await expect(page).to_have_url(f"{api.url}/privacy-policy")
    await expect(page.get_by_role("heading", name="Privacy policy", level=1)).to_be_visible()
    await expect(page.get_by_text("Last updated")).to_be_visible()
    await assert_accessible(page, "website-privacy-policy")
    await page.goto(f"{api.url}/")
    await expect(page.get_by_role("link", name="Try the live demo")).to_have_attribute(
        "href", "/demo/"
    )
    await expect(page.get_by_role("link", name="Sign in", exact=True)).to_have_attribute(
        "href", "/dashboard/"
    )
    await page.set_viewport_size({"width": 1280, "height": 860})
    await assert_accessible(page, "website-landing")
    await page.get_by_role("link", name="Create an organization").first.click()
    await expect(page).to_have_url(f"{api.url}/signup")
    await expect(
        page.get_by_role("heading", name="Create an organization", level=1)
    ).to_be_visible()
    await expect(page.get_by_label("Organization name")).to_be_visible()
    await assert_accessible(page, "website-signup")

    # Without a session the dashboard says how to sign in (its /api/me answers 401, which the
    # console reports: this page's problems are not the journey's).
    signed_out = await browser.new_context(viewport={"width": 1280, "height": 860})
    anonymous = await signed_out.new_page()
    await anonymous.goto(f"{api.url}/dashboard/")
    await expect(
        anonymous.get_by_role("heading", name="Sign in to the dashboard", level=1)
    ).to_be_visible()
    await expect(anonymous.get_by_text("perceptron sign-in-link")).to_be_visible()
    await assert_accessible(anonymous, "dashboard-signed-out")
    await signed_out.close()

    assert problems.seen == [], problems.seen
    assert [cookie["name"] for cookie in await context.cookies()] == ["perceptron_session"]
    await context.close()
