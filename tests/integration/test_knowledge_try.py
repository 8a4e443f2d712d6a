"""The dashboard's knowledge screen through the real API: "try it" (the conversation turn's
answer path without a conversation), and followed websites listed with their counts and
synced on demand. Real PostgreSQL, Temporal, worker and the local embedding model."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import func, select

from agents.knowledge.retrieval import Retriever
from agents.providers.embeddings import LocalMiniLMEmbedder
from agents.support.agent import SupportAgent
from agents.support.turn import TurnInput
from core.db import SessionMaker, org_session
from core.models import Conversation, ConversationEvent, Message, Role
from core.settings import Settings
from tests.conftest import RunningApi
from tests.factories import bearer, create_member, session_token
from tests.fakes.website import Website
from tests.fixtures.documents import html_of, load_articles, pdf_of
from tests.integration.conversation_helpers import configure
from tests.integration.knowledge_helpers import ingest, owner_headers

pytestmark = pytest.mark.usefixtures("worker")

ARTICLES = {article.slug: article for article in load_articles()}
QUESTION = "How do I reset my lamp to factory settings?"


async def _rows(maker: SessionMaker, org_id: uuid.UUID) -> tuple[int, int, int]:
    async with org_session(maker, org_id) as session:
        conversations = (await session.exec(select(func.count()).select_from(Conversation))).one()
        messages = (await session.exec(select(func.count()).select_from(Message))).one()
        events = (await session.exec(select(func.count()).select_from(ConversationEvent))).one()
    return conversations, messages, events


async def _try(
    api: RunningApi, org_id: uuid.UUID, headers: dict[str, str], question: str
) -> dict[str, Any]:
    async with api.client() as client:
        response = await client.post(
            f"/api/orgs/{org_id}/knowledge/try", json={"question": question}, headers=headers
        )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_try_answers_from_an_uploaded_pdf_and_stores_nothing(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    async with api.client() as client:
        document = await ingest(
            client, org_id, headers, "factory-reset.pdf", pdf_of(ARTICLES["factory-reset"])
        )
    assert document["status"] == "ready", document["failure_reason"]

    result = await _try(api, org_id, headers, QUESTION)

    assert result["decision"] == "answer", result["reason"]
    assert result["reason"]
    assert "12 seconds" in result["answer"]
    assert result["model"]
    first = result["passages"][0]
    assert first["document_id"] == document["id"]
    assert first["title"] == document["title"]
    assert "brightness dial" in first["content"]
    assert 0 < first["score"] <= 1
    assert first["rank"] == 1
    assert result["citations"], "an answer cites its passages"
    assert {citation["document_id"] for citation in result["citations"]} == {document["id"]}
    cited = {citation["chunk_id"] for citation in result["citations"]}
    assert {p["chunk_id"] for p in result["passages"] if p["cited"]} == cited
    # No conversation, no message, no event: the trial is not a conversation.
    assert await _rows(session_maker, org_id) == (0, 0, 0)


async def test_try_hands_off_what_the_knowledge_does_not_cover_and_when_asked_for_a_person(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    async with api.client() as client:
        markdown = ARTICLES["factory-reset"].markdown.encode()
        await ingest(client, org_id, headers, "factory-reset.md", markdown)

    uncovered = await _try(api, org_id, headers, "Do you sell replacement car tyres for trucks?")
    assert uncovered["decision"] == "handoff"
    assert uncovered["reason"]
    assert uncovered["citations"] == []

    person = await _try(api, org_id, headers, "I want to talk to a real person")
    assert person["decision"] == "handoff"
    assert "person" in person["reason"]
    assert person["passages"] == []
    assert await _rows(session_maker, org_id) == (0, 0, 0)


async def test_try_answers_as_a_conversation_turn_does_at_the_organizations_operating_point(
    api: RunningApi,
    settings: Settings,
    session_maker: SessionMaker,
    embedder: LocalMiniLMEmbedder,
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    async with api.client() as client:
        for slug in ("factory-reset", "firmware-errors"):
            markdown = ARTICLES[slug].markdown.encode()
            await ingest(client, org_id, headers, f"{slug}.md", markdown)

    tried = await _try(api, org_id, headers, QUESTION)
    # The conversation turn's agent: the retriever that also reads whole articles.
    agent = SupportAgent(Retriever(session_maker, embedder), None)

    async def discard(_: str) -> None:
        return None

    turn = await agent.run_turn(
        TurnInput(org_id=org_id, conversation_id=uuid.uuid4(), question=QUESTION), discard
    )
    assert tried["decision"] == turn.decision.value == "answer"
    assert tried["answer"] == turn.text
    assert [c["chunk_id"] for c in tried["citations"]] == [str(c.chunk_id) for c in turn.citations]

    await configure(session_maker, org_id, answer_threshold=0.95)  # "hand off more"
    assert (await _try(api, org_id, headers, QUESTION))["decision"] != "answer"


async def test_try_is_scoped_validated_and_rate_limited(
    settings: Settings, session_maker: SessionMaker, embedder: Any
) -> None:
    from tests.conftest import serve

    limited = settings.model_copy(update={"knowledge_tries_per_minute": 2})
    org_id, headers = await owner_headers(limited, session_maker, "Lumen")
    other_id, other_headers = await owner_headers(limited, session_maker, "Other")
    operator = await create_member(session_maker, org_id, Role.OPERATOR)
    operator_headers = bearer(session_token(limited, operator))
    async with serve(limited, embedder) as api, api.client() as client:
        url = f"/api/orgs/{org_id}/knowledge/try"
        assert (await client.post(url, json={"question": ""}, headers=headers)).status_code == 422
        assert (await client.post(url, json={"question": "hi"})).status_code == 401
        foreign = await client.post(url, json={"question": "hi"}, headers=other_headers)
        assert foreign.status_code == 403
        # Any member may try (operators test answers too); each member has a budget.
        for _ in range(2):
            allowed = await client.post(url, json={"question": "hi"}, headers=operator_headers)
            assert allowed.status_code == 200, allowed.text
        refused = await client.post(url, json={"question": "hi"}, headers=operator_headers)
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.json()["detail"] == "too many questions: wait a moment"
        owners = await client.post(url, json={"question": "hi"}, headers=headers)
        assert owners.status_code == 200, "another member's budget is its own"
        theirs = await client.post(
            f"/api/orgs/{other_id}/knowledge/try", json={"question": "hi"}, headers=other_headers
        )
        assert theirs.status_code == 200
        assert theirs.json()["passages"] == []


@pytest.fixture
def website() -> Iterator[Website]:
    site = Website()
    site.page("/robots.txt", "User-agent: *\n", content_type="text/plain")
    site.page("/help/reset", html_of(ARTICLES["factory-reset"]))
    site.page("/help/app", "<html><head><title>App</title></head><body><div></div></body></html>")
    site.html("/help/", "/help/reset", "/help/app", title="Help center")
    with site.serve():
        yield site


async def _sources(
    api: RunningApi, org_id: uuid.UUID, headers: dict[str, str]
) -> list[dict[str, Any]]:
    async with api.client() as client:
        response = await client.get(f"/api/orgs/{org_id}/knowledge/sources", headers=headers)
    assert response.status_code == 200, response.text
    sources: list[dict[str, Any]] = response.json()
    return sources


async def _wait_for_sync(
    api: RunningApi, org_id: uuid.UUID, headers: dict[str, str], after: str | None = None
) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        [source] = await _sources(api, org_id, headers)
        synced = source["last_synced_at"]
        if synced is not None and synced != after and source["in_progress"] == 0:
            return source
        await asyncio.sleep(0.2)
    raise AssertionError("the source was not synced")


async def test_followed_websites_are_listed_with_counts_and_synced_now(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, website: Website
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    operator = await create_member(session_maker, org_id, Role.OPERATOR)
    operator_headers = bearer(session_token(settings, operator))
    async with api.client() as client:
        created = await client.post(
            f"/api/orgs/{org_id}/knowledge/imports",
            json={"url": f"{website.url}/help/", "kind": "website", "max_pages": 10},
            headers=headers,
        )
    assert created.status_code == 202, created.text
    source_id = created.json()["id"]

    source = await _wait_for_sync(api, org_id, headers)
    assert source["id"] == source_id
    assert source["kind"] == "website"
    assert source["url"] == f"{website.url}/help/"
    assert source["sync_interval_hours"] == settings.url_sync_interval_hours
    assert (source["pages"], source["ready"], source["failed"]) == (3, 2, 1)
    assert await _sources(api, org_id, operator_headers) == [source], "members may read"

    async with api.client() as client:
        url = f"/api/orgs/{org_id}/knowledge/sources/{source_id}/sync"
        assert (await client.post(url, headers=operator_headers)).status_code == 403
        missing = f"/api/orgs/{org_id}/knowledge/sources/{uuid.uuid4()}/sync"
        assert (await client.post(missing, headers=headers)).status_code == 404
        requested_before = website.requested_paths.count("/help/reset")
        assert (await client.post(url, headers=headers)).status_code == 202
    synced = await _wait_for_sync(api, org_id, headers, after=source["last_synced_at"])
    assert synced["last_synced_at"] > source["last_synced_at"]
    assert website.requested_paths.count("/help/reset") > requested_before
    assert (synced["pages"], synced["ready"], synced["failed"]) == (3, 2, 1)
