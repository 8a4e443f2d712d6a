"""Knowledge from the web: a page, a website crawl on a schedule, and pages that fail."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from temporalio.client import Client

from core.db import SessionMaker
from core.ids import sync_source_id
from core.settings import Settings
from tests.conftest import RunningApi, serve
from tests.fakes.website import Website
from tests.fixtures.documents import html_of, load_articles
from tests.integration.knowledge_helpers import (
    owner_headers,
    record_history,
    search,
    wait_until_final,
)
from workflows.sync_source import SyncKnowledgeSourceWorkflow, SyncSourceInput

pytestmark = pytest.mark.usefixtures("worker")

ARTICLES = {article.slug: article for article in load_articles()}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A short fetch timeout for this module's worker and API, so a hanging site fails fast."""
    return settings.model_copy(update={"fetch_timeout_seconds": 1.0})


@pytest.fixture
def website() -> Iterator[Website]:
    site = Website()
    site.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    site.page("/help/reset", html_of(ARTICLES["factory-reset"]))
    site.page("/help/wifi", html_of(ARTICLES["wifi-setup"]))
    site.html("/help/", "/help/reset", "/help/wifi", "/private/secret", title="Help center")
    site.page("/private/secret", "<html><body>internal only</body></html>")
    site.page("/slow", "<html><body>late</body></html>", delay=3.0)
    with site.serve():
        yield site


async def _import(
    api: RunningApi, org_id: uuid.UUID, headers: dict[str, str], **body: Any
) -> dict[str, Any]:
    async with api.client() as client:
        response = await client.post(
            f"/api/orgs/{org_id}/knowledge/imports", json=body, headers=headers
        )
    assert response.status_code == 202, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_a_web_page_is_imported_and_searchable(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, website: Website
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    created = await _import(api, org_id, headers, url=f"{website.url}/help/reset")
    async with api.client() as client:
        document = await wait_until_final(client, org_id, headers, created["id"])
        assert document["status"] == "ready", document["failure_reason"]
        assert document["source_url"] == f"{website.url}/help/reset"
        hits = await search(client, org_id, headers, "reset the lamp to factory settings")
    assert hits[0]["source_url"] == f"{website.url}/help/reset"


async def test_a_missing_page_fails_with_the_sites_answer(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, website: Website
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    created = await _import(api, org_id, headers, url=f"{website.url}/nowhere")
    async with api.client() as client:
        document = await wait_until_final(client, org_id, headers, created["id"])
    assert document["status"] == "failed"
    assert "404" in document["failure_reason"]


async def test_a_page_that_times_out_fails_with_a_reason(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, website: Website
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    created = await _import(api, org_id, headers, url=f"{website.url}/slow")
    async with api.client() as client:
        document = await wait_until_final(client, org_id, headers, created["id"])
    assert document["status"] == "failed"
    assert "did not answer" in document["failure_reason"]


async def test_a_bad_address_is_refused_with_422(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    async with api.client() as client:
        response = await client.post(
            f"/api/orgs/{org_id}/knowledge/imports",
            json={"url": "ftp://example.com/file"},
            headers=headers,
        )
    assert response.status_code == 422


async def _documents(
    api: RunningApi, org_id: uuid.UUID, headers: dict[str, str]
) -> list[dict[str, Any]]:
    async with api.client() as client:
        response = await client.get(f"/api/orgs/{org_id}/knowledge/documents", headers=headers)
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_a_website_is_crawled_on_a_schedule_within_the_site_and_robots_rules(
    api: RunningApi,
    settings: Settings,
    session_maker: SessionMaker,
    website: Website,
    temporal_client: Client,
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    source = await _import(
        api, org_id, headers, url=f"{website.url}/help/", kind="website", max_pages=10
    )
    schedule = temporal_client.get_schedule_handle(sync_source_id(org_id, uuid.UUID(source["id"])))
    description = await schedule.describe()
    assert description.schedule.spec.intervals[0].every.total_seconds() == 24 * 3600

    deadline = time.monotonic() + 60
    documents: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        documents = await _documents(api, org_id, headers)
        if len(documents) == 3 and all(d["status"] in {"ready", "failed"} for d in documents):
            break
        await asyncio.sleep(0.2)
    urls = {document["source_url"] for document in documents}
    assert urls == {f"{website.url}/help/", f"{website.url}/help/reset", f"{website.url}/help/wifi"}
    assert all(document["status"] == "ready" for document in documents)
    assert "/private/secret" not in website.requested_paths

    # A second sync finds every page unchanged and embeds nothing again.
    resync_id = f"resync-{uuid.uuid4()}"
    result = await temporal_client.execute_workflow(
        SyncKnowledgeSourceWorkflow.run,
        SyncSourceInput(org_id=org_id, source_id=uuid.UUID(source["id"])),
        id=resync_id,
        task_queue=settings.temporal.task_queues.ingestion,
    )
    await record_history(temporal_client, resync_id, "sync_source_unchanged")
    assert result.pages == 3
    assert result.unchanged == 3
    assert result.ready == 0

    async with api.client() as client:
        removed = await client.delete(
            f"/api/orgs/{org_id}/knowledge/sources/{source['id']}", headers=headers
        )
    assert removed.status_code == 204
    assert await _documents(api, org_id, headers) == []


async def test_private_network_addresses_are_refused_unless_allowed(
    settings: Settings, session_maker: SessionMaker, embedder: Any
) -> None:
    strict = settings.model_copy(update={"allow_private_urls": False})
    org_id, headers = await owner_headers(strict, session_maker)
    async with serve(strict, embedder) as running, running.client() as client:
        for url in ("http://127.0.0.1:9/admin", "http://169.254.169.254/latest/meta-data"):
            response = await client.post(
                f"/api/orgs/{org_id}/knowledge/imports", json={"url": url}, headers=headers
            )
            assert response.status_code == 422
            assert "private network" in response.json()["detail"]
