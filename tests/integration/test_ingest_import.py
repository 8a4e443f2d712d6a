"""A bulk import on the real stack: a few documents per IngestBatchWorkflow, one local
activity for all of them, each document ending on its own (a bad one failed with its reason,
a long one ingested alone), and a refused file refusing the import before anything is
stored."""

from __future__ import annotations

import asyncio
import time
import uuid

import numpy as np
import pytest
from sqlmodel import col, select
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from agents.knowledge.documents import Chunk
from agents.providers.embeddings import LocalMiniLMEmbedder
from core.db import SessionMaker, org_session
from core.models import (
    DocumentStatus,
    KnowledgeChunk,
    KnowledgeDocument,
    WebhookEndpoint,
    WebhookEvent,
)
from core.settings import Settings
from core.storage import create_storage
from services.knowledge import INGEST_BATCH_DOCUMENTS, KnowledgeBase, KnowledgeError, Upload
from tests.factories import create_organization
from tests.fixtures.documents import load_articles
from tests.integration.knowledge_helpers import record_history

pytestmark = pytest.mark.usefixtures("worker")

BATCH = 6  # chunks per embedding batch in this test: the long document has more


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"embedding_batch_size": BATCH})


@pytest.fixture
def knowledge(
    settings: Settings, session_maker: SessionMaker, temporal_client: Client
) -> KnowledgeBase:
    return KnowledgeBase(session_maker, create_storage(settings), temporal_client, settings)


async def _documents(maker: SessionMaker, org_id: uuid.UUID) -> list[KnowledgeDocument]:
    async with org_session(maker, org_id) as session:
        return list((await session.exec(select(KnowledgeDocument))).all())


async def _all_final(maker: SessionMaker, org_id: uuid.UUID, count: int) -> list[KnowledgeDocument]:
    deadline = time.monotonic() + 90
    while True:
        documents = await _documents(maker, org_id)
        final = [d for d in documents if d.status in (DocumentStatus.READY, DocumentStatus.FAILED)]
        if len(final) == count:
            return documents
        assert time.monotonic() < deadline, [(d.filename, d.status) for d in documents]
        await asyncio.sleep(0.2)


async def test_an_import_ingests_its_documents_together_each_ending_on_its_own(
    knowledge: KnowledgeBase,
    session_maker: SessionMaker,
    temporal_client: Client,
    embedder: LocalMiniLMEmbedder,
) -> None:
    org_id = (await create_organization(session_maker)).id
    async with org_session(session_maker, org_id) as session:
        session.add(
            WebhookEndpoint(
                org_id=org_id,
                url="https://hooks.example.com/perceptron",
                event_types=["document.ready", "document.failed"],
                sealed_secret=b"sealed",
                key_id="test",
            )
        )
    articles = load_articles()[:5]
    long_text = "\n\n".join(
        f"## Step {n}\n\n" + " ".join(["Hold the reset button until the light blinks."] * 40)
        for n in range(12)
    )
    uploads = [Upload(f"{a.slug}.md", "text/markdown", a.markdown.encode()) for a in articles]
    uploads += [
        Upload("broken.pdf", "application/pdf", b"%PDF-1.4 not really a pdf"),
        Upload("long.md", "text/markdown", long_text.encode()),
    ]

    added = await knowledge.add_files(org_id, uploads)

    assert [a.duplicate for a in added] == [False] * len(uploads)
    workflow_ids = {a.document.workflow_id for a in added}
    assert len(workflow_ids) == 1  # seven documents: one batch
    documents = {d.filename: d for d in await _all_final(session_maker, org_id, len(uploads))}
    broken = documents.pop("broken.pdf")
    assert broken.status is DocumentStatus.FAILED
    assert broken.failure_reason
    assert "pdf" in broken.failure_reason.lower()
    assert {d.status for d in documents.values()} == {DocumentStatus.READY}
    assert documents["long.md"].chunk_count > BATCH

    [workflow_id] = workflow_ids
    assert workflow_id is not None
    handle = temporal_client.get_workflow_handle(workflow_id)
    result = await handle.result()
    assert (result["ready"], result["failed"]) == (len(articles) + 1, 1)
    history = await handle.fetch_history()
    events = [EventType.Name(event.event_type) for event in history.events]
    assert "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED" not in events  # one local activity for all
    assert events.count("EVENT_TYPE_MARKER_RECORDED") == 1
    assert events.count("EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED") == 1  # long.md
    await record_history(temporal_client, workflow_id, "ingest_batch")

    async with org_session(session_maker, org_id) as session:
        announced = (await session.exec(select(WebhookEvent.type))).all()
    assert sorted(announced) == sorted(
        ["document.failed"] + ["document.ready"] * (len(articles) + 1)
    )
    for name, document in documents.items():
        async with org_session(session_maker, org_id) as session:
            chunks = (
                await session.exec(
                    select(KnowledgeChunk)
                    .where(KnowledgeChunk.document_id == document.id)
                    .order_by(col(KnowledgeChunk.ordinal))
                )
            ).all()
        assert len(chunks) == document.chunk_count == document.chunks_embedded, name
        texts = [
            Chunk(c.ordinal, c.content, c.title, c.section, c.token_count).embedding_text()
            for c in chunks
        ]
        # Embedded with other documents' chunks in one call, each keeps its own vectors.
        stored = np.array([np.asarray(c.embedding, dtype=np.float32) for c in chunks])
        alone = np.array(await embedder.embed_documents(texts), dtype=np.float32)
        assert np.allclose(stored, alone, atol=1e-4), name


async def test_an_import_starts_one_workflow_per_few_documents(
    knowledge: KnowledgeBase, session_maker: SessionMaker
) -> None:
    org_id = (await create_organization(session_maker)).id
    uploads = [
        Upload(f"note-{n}.txt", "text/plain", f"Note {n}: the shop opens at {n} am.".encode())
        for n in range(INGEST_BATCH_DOCUMENTS + 3)
    ]
    uploads.append(uploads[0])  # the same content twice is stored once

    added = await knowledge.add_files(org_id, uploads)

    assert [a.duplicate for a in added] == [False] * (len(uploads) - 1) + [True]
    assert added[-1].document.id == added[0].document.id
    batches = [a.document.workflow_id for a in added[:-1]]
    assert len(set(batches)) == 2
    assert batches.count(batches[0]) == INGEST_BATCH_DOCUMENTS
    documents = await _all_final(session_maker, org_id, len(uploads) - 1)
    assert {d.status for d in documents} == {DocumentStatus.READY}


async def test_a_refused_file_refuses_the_import_before_anything_is_stored(
    knowledge: KnowledgeBase, session_maker: SessionMaker
) -> None:
    org_id = (await create_organization(session_maker)).id
    uploads = [
        Upload("fine.md", "text/markdown", b"# Fine\n\nThis one is fine."),
        Upload("picture.png", "image/png", b"\x89PNG"),
    ]
    with pytest.raises(KnowledgeError) as refused:
        await knowledge.add_files(org_id, uploads)
    assert refused.value.status == 415
    assert "picture.png" in str(refused.value)
    assert await _documents(session_maker, org_id) == []


async def test_an_import_that_cannot_be_queued_fails_its_documents_so_they_can_be_imported_again(
    knowledge: KnowledgeBase, session_maker: SessionMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    org_id = (await create_organization(session_maker)).id
    uploads = [Upload("hours.md", "text/markdown", b"# Hours\n\nWe open at nine.")]

    async def unreachable(*_: object) -> None:
        raise RPCError("Temporal is not answering", RPCStatusCode.UNAVAILABLE, b"")

    with monkeypatch.context() as patched:
        patched.setattr(knowledge, "_start_batch_workflow", unreachable)
        with pytest.raises(RPCError):
            await knowledge.add_files(org_id, uploads)
    [stranded] = await _documents(session_maker, org_id)
    assert stranded.status is DocumentStatus.FAILED
    assert stranded.failure_reason == "the import could not be queued for ingestion: try again"

    [again] = await knowledge.add_files(org_id, uploads)  # not "already there"
    assert not again.duplicate
    documents = await _all_final(session_maker, org_id, 2)
    assert {d.status for d in documents} == {DocumentStatus.FAILED, DocumentStatus.READY}


async def test_a_document_of_a_running_import_is_not_ingested_twice(
    knowledge: KnowledgeBase, session_maker: SessionMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    org_id = (await create_organization(session_maker)).id

    async def queued(*_: object) -> None:
        return None  # its batch waits in Temporal's queue: the document stays pending

    monkeypatch.setattr(knowledge, "_start_batch_workflow", queued)
    [added] = await knowledge.add_files(
        org_id, [Upload("hours.md", "text/markdown", b"# Hours\n\nWe open at nine.")]
    )
    with pytest.raises(KnowledgeError) as refused:
        await knowledge.reingest(org_id, added.document.id)
    assert refused.value.status == 409
    progress = await knowledge.progress(added.document)  # read from the row, no query
    assert progress.stage == "pending"
