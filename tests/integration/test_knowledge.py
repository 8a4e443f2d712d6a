"""The knowledge base end to end: API -> IngestDocumentWorkflow -> worker -> pgvector -> search.

Real PostgreSQL, real Temporal dev server, real worker, the real local embedding model.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import update
from sqlmodel import col, func, select
from temporalio.client import Client, WorkflowExecutionStatus

from agents.providers.embeddings import LocalMiniLMEmbedder
from core.db import SessionMaker, org_session
from core.ids import ingest_document_id
from core.models import KnowledgeChunk, KnowledgeDocument
from core.settings import Settings
from tests.conftest import RunningApi
from tests.fixtures.documents import (
    FixtureFile,
    corrupt_docx,
    docx_bomb,
    docx_of,
    empty_file,
    encrypted_pdf,
    html_of,
    load_articles,
    pdf_of,
    scanned_pdf,
    text_named_pdf,
)
from tests.integration.knowledge_helpers import (
    owner_headers,
    record_history,
    search,
    upload,
    wait_until_final,
)
from workflows.reembed_knowledge import ReembedResult

pytestmark = pytest.mark.usefixtures("worker")

ARTICLES = {article.slug: article for article in load_articles()}


async def _chunk_count(maker: SessionMaker, org_id: uuid.UUID) -> int:
    async with org_session(maker, org_id) as session:
        return (await session.exec(select(func.count()).select_from(KnowledgeChunk))).one()


async def test_uploaded_article_becomes_searchable_with_its_source(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, temporal_client: Client
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    article = ARTICLES["firmware-errors"]
    async with api.client() as client:
        response = await upload(
            client, org_id, headers, "firmware-errors.md", article.markdown.encode()
        )
        assert response.status_code == 202
        document = await wait_until_final(client, org_id, headers, response.json()["id"])
        assert document["status"] == "ready", document["failure_reason"]
        assert document["title"] == "Firmware update error codes"
        assert document["chunk_count"] > 0
        assert document["progress"]["done"] == document["progress"]["total"]
        assert document["embedding_model"]

        hits = await search(client, org_id, headers, "the update failed with E-317, what now?")
    await record_history(
        temporal_client, ingest_document_id(org_id, uuid.UUID(document["id"])), "ingest_ready"
    )
    assert hits[0]["document_id"] == document["id"]
    assert "E-317" in hits[0]["content"]
    assert hits[0]["section"]
    assert 0 < hits[0]["score"] <= 1


@pytest.mark.parametrize("variant", ["pdf", "docx", "html"])
async def test_pdf_docx_and_html_variants_are_ingested(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, variant: str
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    article = ARTICLES["factory-reset"]
    data = {"pdf": pdf_of, "docx": docx_of, "html": html_of}[variant](article)
    async with api.client() as client:
        response = await upload(client, org_id, headers, f"factory-reset.{variant}", data)
        document = await wait_until_final(client, org_id, headers, response.json()["id"])
        assert document["status"] == "ready", document["failure_reason"]
        hits = await search(client, org_id, headers, "how do I reset my lamp to factory settings")
    assert hits
    assert hits[0]["document_id"] == document["id"]
    if variant == "html":
        async with org_session(session_maker, org_id) as session:
            contents = (await session.exec(select(KnowledgeChunk.content))).all()
        assert not any("<script" in text or "trackVisitor" in text for text in contents)


BAD_INPUTS: list[tuple[str, Callable[[], FixtureFile], str]] = [
    ("empty", empty_file, "empty"),
    ("text named pdf", text_named_pdf, "not a PDF"),
    ("encrypted pdf", encrypted_pdf, "password"),
    ("scanned pdf", scanned_pdf, "no extractable text"),
    ("corrupt docx", corrupt_docx, "damaged"),
    ("docx bomb", docx_bomb, "zip bomb"),
]


@pytest.mark.parametrize(
    ("case", "make", "reason"), BAD_INPUTS, ids=[case for case, _, _ in BAD_INPUTS]
)
async def test_bad_document_fails_with_a_reason_and_changes_nothing_else(
    api: RunningApi,
    settings: Settings,
    session_maker: SessionMaker,
    temporal_client: Client,
    case: str,
    make: Callable[[], FixtureFile],
    reason: str,
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    async with api.client() as client:
        good = await upload(
            client, org_id, headers, "wifi.md", ARTICLES["wifi-setup"].markdown.encode()
        )
        await wait_until_final(client, org_id, headers, good.json()["id"])
        before = await _chunk_count(session_maker, org_id)

        bad = make()
        response = await upload(client, org_id, headers, bad.name, bad.data)
        assert response.status_code == 202
        failed = await wait_until_final(client, org_id, headers, response.json()["id"])
        if case == "encrypted pdf":
            await record_history(
                temporal_client,
                ingest_document_id(org_id, uuid.UUID(failed["id"])),
                "ingest_failed",
            )
        assert failed["status"] == "failed"
        assert reason.lower() in failed["failure_reason"].lower()
        assert await _chunk_count(session_maker, org_id) == before

        # The worker is still healthy: the next document goes through.
        after = await upload(
            client, org_id, headers, "reset.md", ARTICLES["factory-reset"].markdown.encode()
        )
        assert (await wait_until_final(client, org_id, headers, after.json()["id"]))[
            "status"
        ] == "ready"


async def test_file_over_the_size_limit_is_refused_with_413(
    settings: Settings, session_maker: SessionMaker
) -> None:
    from tests.conftest import serve

    small = settings.model_copy(update={"max_upload_mb": 1})
    org_id, headers = await owner_headers(small, session_maker)
    async with serve(small) as running, running.client() as client:
        response = await upload(client, org_id, headers, "big.txt", b"x" * (2 * 1024 * 1024))
    assert response.status_code == 413
    assert "1 MB" in response.json()["detail"]
    async with org_session(session_maker, org_id) as session:
        assert (await session.exec(select(KnowledgeDocument))).all() == []


async def test_unsupported_file_type_is_refused_with_415(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    async with api.client() as client:
        response = await upload(client, org_id, headers, "photo.png", b"\x89PNG\r\n\x1a\n")
    assert response.status_code == 415


async def test_same_content_uploaded_twice_is_embedded_once(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    data = ARTICLES["bluetooth-pairing"].markdown.encode()
    async with api.client() as client:
        first = await upload(client, org_id, headers, "pairing.md", data)
        await wait_until_final(client, org_id, headers, first.json()["id"])
        chunks = await _chunk_count(session_maker, org_id)
        second = await upload(client, org_id, headers, "pairing-copy.md", data)
    assert second.status_code == 200
    assert second.json()["duplicate"] is True
    assert second.json()["id"] == first.json()["id"]
    assert await _chunk_count(session_maker, org_id) == chunks


async def test_deleting_a_document_removes_its_file_chunks_and_vectors(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    async with api.client() as client:
        response = await upload(
            client, org_id, headers, "billing.md", ARTICLES["cloud-plus-billing"].markdown.encode()
        )
        document_id = response.json()["id"]
        await wait_until_final(client, org_id, headers, document_id)
        files = list(settings.storage_dir.rglob("*.md"))
        assert len(files) == 1
        deleted = await client.delete(
            f"/api/orgs/{org_id}/knowledge/documents/{document_id}", headers=headers
        )
        assert deleted.status_code == 204
        missing = await client.get(
            f"/api/orgs/{org_id}/knowledge/documents/{document_id}", headers=headers
        )
        assert missing.status_code == 404
        assert await search(client, org_id, headers, "Cloud Plus subscription price") == []
    assert not files[0].exists()
    assert await _chunk_count(session_maker, org_id) == 0


async def test_deleting_a_document_cancels_its_running_ingestion(
    api: RunningApi,
    settings: Settings,
    session_maker: SessionMaker,
    temporal_client: Client,
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    long_text = "\n\n".join(
        f"## Part {n}\n\n" + ARTICLES["colour-schedules"].markdown for n in range(60)
    )
    async with api.client() as client:
        response = await upload(client, org_id, headers, "long.md", long_text.encode())
        document_id = response.json()["id"]
        deleted = await client.delete(
            f"/api/orgs/{org_id}/knowledge/documents/{document_id}", headers=headers
        )
        assert deleted.status_code == 204
    handle = temporal_client.get_workflow_handle(ingest_document_id(org_id, uuid.UUID(document_id)))
    deadline = time.monotonic() + 30
    description = await handle.describe()
    while description.status is WorkflowExecutionStatus.RUNNING and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        description = await handle.describe()
    assert description.status in {
        WorkflowExecutionStatus.CANCELED,
        WorkflowExecutionStatus.COMPLETED,  # it may have finished before the cancel arrived
    }
    assert await _chunk_count(session_maker, org_id) == 0


async def test_reingest_runs_the_workflow_again(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    async with api.client() as client:
        response = await upload(
            client,
            org_id,
            headers,
            "warranty.md",
            ARTICLES["warranty-and-returns"].markdown.encode(),
        )
        document_id = response.json()["id"]
        first = await wait_until_final(client, org_id, headers, document_id)
        again = await client.post(
            f"/api/orgs/{org_id}/knowledge/documents/{document_id}/reingest", headers=headers
        )
        assert again.status_code == 202
        second = await wait_until_final(client, org_id, headers, document_id)
    assert second["status"] == "ready"
    assert second["ingested_at"] >= first["ingested_at"]
    assert second["chunk_count"] == first["chunk_count"]


async def test_an_organization_never_sees_another_organizations_knowledge(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    acme_id, acme = await owner_headers(settings, session_maker, "Acme")
    globex_id, globex = await owner_headers(settings, session_maker, "Globex")
    async with api.client() as client:
        response = await upload(
            client,
            acme_id,
            acme,
            "email.md",
            ARTICLES["account-email-and-deletion"].markdown.encode(),
        )
        document_id = response.json()["id"]
        await wait_until_final(client, acme_id, acme, document_id)
        assert await search(client, globex_id, globex, "change my account email") == []
        listed = await client.get(f"/api/orgs/{globex_id}/knowledge/documents", headers=globex)
        assert listed.json() == {"items": [], "total": 0}
        peek = await client.get(
            f"/api/orgs/{globex_id}/knowledge/documents/{document_id}", headers=globex
        )
        assert peek.status_code == 404
        cross = await client.get(f"/api/orgs/{acme_id}/knowledge/documents", headers=globex)
        assert cross.status_code == 403


async def test_operators_can_search_but_not_upload(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    from core.models import Role
    from tests.factories import bearer, create_member, session_token

    org_id, _ = await owner_headers(settings, session_maker)
    operator = await create_member(session_maker, org_id, Role.OPERATOR)
    headers = bearer(session_token(settings, operator))
    async with api.client() as client:
        refused = await upload(client, org_id, headers, "a.md", b"# A\n\ntext")
        assert refused.status_code == 403
        assert await search(client, org_id, headers, "anything") == []


async def test_documents_are_listed_with_status_and_progress(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    async with api.client() as client:
        for slug in ("wifi-setup", "colour-schedules"):
            response = await upload(
                client, org_id, headers, f"{slug}.md", ARTICLES[slug].markdown.encode()
            )
            await wait_until_final(client, org_id, headers, response.json()["id"])
        listed = await client.get(
            f"/api/orgs/{org_id}/knowledge/documents?status=ready", headers=headers
        )
    body = listed.json()
    assert body["total"] == 2
    assert {item["status"] for item in body["items"]} == {"ready"}
    assert all(item["progress"]["done"] == item["progress"]["total"] > 0 for item in body["items"])


async def test_chunks_are_stored_once_per_document(session_maker: SessionMaker) -> None:
    # The unique (document_id, ordinal) constraint is what makes a retried store idempotent.
    from sqlalchemy.exc import IntegrityError

    from tests.factories import create_organization

    organization = await create_organization(session_maker)
    async with org_session(session_maker, organization.id) as session:
        document = KnowledgeDocument(org_id=organization.id, title="t")
        session.add(document)

    async def store_twice() -> None:
        async with org_session(session_maker, organization.id) as session:
            for _ in range(2):
                session.add(
                    KnowledgeChunk(
                        org_id=organization.id, document_id=document.id, ordinal=0, content="x"
                    )
                )

    with pytest.raises(IntegrityError):
        await store_twice()
    async with org_session(session_maker, organization.id) as session:
        count = (
            await session.exec(
                select(func.count())
                .select_from(KnowledgeChunk)
                .where(col(KnowledgeChunk.document_id) == document.id)
            )
        ).one()
    assert count == 0


async def test_a_change_of_embedding_model_re_embeds_instead_of_mixing_vector_spaces(
    api: RunningApi,
    settings: Settings,
    session_maker: SessionMaker,
    temporal_client: Client,
    embedder: LocalMiniLMEmbedder,
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    async with api.client() as client:
        response = await upload(
            client, org_id, headers, "wifi.md", ARTICLES["wifi-setup"].markdown.encode()
        )
        document_id = uuid.UUID(response.json()["id"])
        await wait_until_final(client, org_id, headers, str(document_id))
        # As if these vectors had been made by the model used before.
        async with org_session(session_maker, org_id) as session:
            await session.exec(update(KnowledgeChunk).values(embedding_model="old-model"))
            await session.exec(update(KnowledgeDocument).values(embedding_model="old-model"))
        assert await search(client, org_id, headers, "connect the lamp to wifi") == []

        started = await client.post(f"/api/orgs/{org_id}/knowledge/reembed", headers=headers)
        assert started.status_code == 202
        result = await temporal_client.get_workflow_handle(
            started.json()["workflow_id"], result_type=ReembedResult
        ).result()
        hits = await search(client, org_id, headers, "connect the lamp to wifi")
    assert (result.documents, result.ready) == (1, 1)
    assert hits
    assert hits[0]["document_id"] == str(document_id)
    async with org_session(session_maker, org_id) as session:
        models = set((await session.exec(select(KnowledgeChunk.embedding_model))).all())
    assert models == {embedder.model_name}
