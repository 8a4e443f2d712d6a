"""Ingestion's fast path on the real stack: a small document costs one local activity, a long
one is embedded in batches after it, and documents ingested at once share model calls
without their vectors getting mixed up."""

from __future__ import annotations

import asyncio
import math
import uuid

import numpy as np
import pytest
from sqlmodel import col, select
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from agents.knowledge.documents import Chunk
from agents.providers.embeddings import LocalMiniLMEmbedder
from core.db import SessionMaker, org_session
from core.ids import ingest_document_id
from core.models import KnowledgeChunk, KnowledgeDocument
from core.settings import Settings
from tests.conftest import RunningApi
from tests.fixtures.documents import load_articles
from tests.integration.knowledge_helpers import owner_headers, upload, wait_until_final

pytestmark = pytest.mark.usefixtures("worker")

ARTICLES = {article.slug: article for article in load_articles()}
BATCH = 6  # embed_chunks batches of this test: the long document needs several


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"embedding_batch_size": BATCH})


async def _event_types(client: Client, org_id: uuid.UUID, document_id: str) -> list[str]:
    history = await client.get_workflow_handle(
        ingest_document_id(org_id, uuid.UUID(document_id))
    ).fetch_history()
    return [EventType.Name(event.event_type) for event in history.events]


async def _chunks(maker: SessionMaker, org_id: uuid.UUID, document_id: str) -> list[KnowledgeChunk]:
    async with org_session(maker, org_id) as session:
        return list(
            (
                await session.exec(
                    select(KnowledgeChunk)
                    .where(KnowledgeChunk.document_id == uuid.UUID(document_id))
                    .order_by(col(KnowledgeChunk.ordinal))
                )
            ).all()
        )


async def test_a_small_document_is_ingested_by_one_local_activity(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, temporal_client: Client
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    async with api.client() as client:
        article = ARTICLES["warranty-and-returns"]
        response = await upload(client, org_id, headers, "returns.md", article.markdown.encode())
        document = await wait_until_final(client, org_id, headers, response.json()["id"])
    assert document["status"] == "ready", document["failure_reason"]
    assert 0 < document["chunk_count"] <= BATCH
    assert document["progress"] == {
        "stage": "ready",
        "done": document["chunk_count"],
        "total": document["chunk_count"],
    }

    events = await _event_types(temporal_client, org_id, document["id"])
    assert "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED" not in events
    assert events.count("EVENT_TYPE_MARKER_RECORDED") == 1  # the local activity's result
    assert events.count("EVENT_TYPE_WORKFLOW_TASK_COMPLETED") == 1
    chunks = await _chunks(session_maker, org_id, document["id"])
    assert len(chunks) == document["chunk_count"]
    assert all(chunk.embedding is not None for chunk in chunks)
    async with org_session(session_maker, org_id) as session:
        row = await session.get(KnowledgeDocument, uuid.UUID(document["id"]))
    assert row is not None
    assert row.chunks_embedded == row.chunk_count


async def test_a_long_document_is_embedded_in_batches_after_it_is_prepared(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, temporal_client: Client
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    long_text = "\n\n".join(
        f"## Step {n}\n\n" + " ".join(["Hold the reset button until the light blinks."] * 40)
        for n in range(24)
    )
    async with api.client() as client:
        response = await upload(client, org_id, headers, "long.md", long_text.encode())
        document = await wait_until_final(client, org_id, headers, response.json()["id"])
    assert document["status"] == "ready", document["failure_reason"]
    assert document["chunk_count"] > 2 * BATCH

    events = await _event_types(temporal_client, org_id, document["id"])
    # prepare_document locally, one embed_chunks activity per batch, then finish_document.
    batches = math.ceil(document["chunk_count"] / BATCH)
    assert events.count("EVENT_TYPE_MARKER_RECORDED") == 1
    assert events.count("EVENT_TYPE_ACTIVITY_TASK_SCHEDULED") == batches + 1
    chunks = await _chunks(session_maker, org_id, document["id"])
    assert [chunk.ordinal for chunk in chunks] == list(range(document["chunk_count"]))
    assert all(chunk.embedding is not None for chunk in chunks)


async def test_documents_ingested_at_once_keep_their_own_vectors(
    api: RunningApi,
    settings: Settings,
    session_maker: SessionMaker,
    embedder: LocalMiniLMEmbedder,
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    slugs = list(ARTICLES)[:8]
    async with api.client() as client:
        responses = await asyncio.gather(
            *(
                upload(client, org_id, headers, f"{slug}.md", ARTICLES[slug].markdown.encode())
                for slug in slugs
            )
        )
        documents = await asyncio.gather(
            *(wait_until_final(client, org_id, headers, r.json()["id"]) for r in responses)
        )
    assert [d["status"] for d in documents] == ["ready"] * len(slugs)

    for document in documents:
        chunks = await _chunks(session_maker, org_id, document["id"])
        texts = [
            Chunk(c.ordinal, c.content, c.title, c.section, c.token_count).embedding_text()
            for c in chunks
        ]
        # Embedded alone, after the fact: the stored vectors are these texts' own.
        alone = await embedder.embed_documents(texts)
        stored = np.array([np.asarray(c.embedding, dtype=np.float32) for c in chunks])
        assert np.allclose(stored, np.array(alone, dtype=np.float32), atol=1e-4)
