"""Ingestion activities: prepare (fetch or load, extract, chunk, store), embed a batch, finish;
and for an import, prepare several small documents at once (``prepare_documents``).

Each is idempotent: ``prepare_document`` replaces the document's chunks in one transaction,
``embed_chunks`` overwrites the vectors of its ordinal range, ``finish_document`` sets a
final state. A bad document raises a non-retryable ``ApplicationError`` whose message is the
reason shown to the member.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity
from temporalio.exceptions import ApplicationError

from agents.knowledge.chunking import chunk_document, sizes_for
from agents.knowledge.documents import Chunk, ExtractionError
from agents.knowledge.extraction import extract
from agents.knowledge.web import FetchError, fetch_page
from agents.knowledge.web_client import web_client
from agents.providers.embeddings import Embedder
from core import metrics
from core.db import SessionMaker, org_session
from core.logging import get_logger
from core.models import DocumentStatus, KnowledgeChunk, KnowledgeDocument, SourceKind
from core.storage import FileStorage
from core.webhooks import DOCUMENT_FAILED, DOCUMENT_READY, record_event

log = get_logger(__name__)

EXTRACTION_ERROR = "ExtractionError"
FETCH_ERROR = "FetchError"
DOCUMENT_GONE = "DocumentGone"
DOCUMENT_MOVED = "the document was deleted or re-ingested during the import"
NON_RETRYABLE_ERRORS = [EXTRACTION_ERROR, FETCH_ERROR, DOCUMENT_GONE]


@dataclass
class DocumentRef:
    org_id: uuid.UUID
    document_id: uuid.UUID
    force: bool = False
    # A document of at most this many chunks is embedded by prepare_document itself: most
    # support articles are, and one activity costs less than two.
    embed_first: int = 0


@dataclass
class PreparedDocument:
    chunks: int
    unchanged: bool = False
    embedded: int = 0  # chunks already embedded (0..embedded-1)
    # Embedded whole and marked ready by prepare_document: nothing is left to do. (A result
    # recorded before this field existed reads False, and its workflow replays as it ran.)
    finished: bool = False


# A batched document too long for one embedding batch: its own workflow ingests it.
ALONE = "alone"


@dataclass
class DocumentBatch:
    org_id: uuid.UUID
    document_ids: list[uuid.UUID]
    embed_first: int  # a document of more chunks than this is left to be ingested alone


@dataclass
class BatchedDocument:
    document_id: uuid.UUID
    status: str  # ready, unchanged, failed, or ALONE
    chunks: int = 0
    reason: str | None = None


@dataclass(frozen=True)
class _Read:
    """A document read, extracted and chunked, not yet stored."""

    chunks: list[Chunk]
    title: str
    content_type: str
    digest: str
    fetched: dict[str, str | None]

    def texts(self) -> list[str]:
        return [chunk.embedding_text() for chunk in self.chunks]


@dataclass
class EmbedBatch:
    org_id: uuid.UUID
    document_id: uuid.UUID
    start: int
    end: int


@dataclass
class DocumentOutcome:
    status: str  # ready, unchanged, failed
    reason: str | None = None


@dataclass(frozen=True)
class IngestionLimits:
    max_bytes: int
    max_expanded_bytes: int
    fetch_timeout: float
    private_urls_allowed: bool = False


class KnowledgeActivities:
    def __init__(
        self,
        session_maker: SessionMaker,
        storage: FileStorage,
        embedder: Embedder,
        limits: IngestionLimits,
    ) -> None:
        self._session_maker = session_maker
        self._storage = storage
        self._embedder = embedder
        self._limits = limits

    @activity.defn
    async def prepare_document(self, ref: DocumentRef) -> PreparedDocument:
        read = await self._read(ref)
        if isinstance(read, PreparedDocument):
            return read
        vectors: list[list[float]] | None = None
        if len(read.chunks) <= ref.embed_first:
            # Small enough to embed here: the chunks are stored with their vectors and the
            # document is marked ready in the same transaction, so it costs one activity.
            vectors = await self._embedder.embed_documents(read.texts())
        return await self._store(ref, read, vectors)

    @activity.defn
    async def prepare_documents(self, batch: DocumentBatch) -> list[BatchedDocument]:
        """Several small documents at once (a bulk import): each read, extracted and
        chunked, all their chunks embedded in one call, then each stored and marked ready in
        its own transaction. A bad document is marked failed with its reason and the rest go
        on; one too long for a single batch is left to be ingested alone."""
        done: list[BatchedDocument] = []
        small: list[tuple[DocumentRef, _Read]] = []
        for document_id in batch.document_ids:
            ref = DocumentRef(batch.org_id, document_id, embed_first=batch.embed_first)
            try:
                read = await self._read(ref)
            except ApplicationError as error:
                if error.type not in NON_RETRYABLE_ERRORS:
                    raise
                await self._finish(ref, DocumentOutcome(status="failed", reason=error.message))
                done.append(BatchedDocument(document_id, "failed", reason=error.message))
                continue
            if isinstance(read, PreparedDocument):
                await self._finish(ref, DocumentOutcome(status="unchanged"))
                done.append(BatchedDocument(document_id, "unchanged", chunks=read.chunks))
            elif len(read.chunks) > batch.embed_first:
                done.append(BatchedDocument(document_id, ALONE, chunks=len(read.chunks)))
            else:
                small.append((ref, read))
        vectors = await self._embedder.embed_documents(
            [text for _, read in small for text in read.texts()]
        )
        start = 0
        for ref, read in small:
            end = start + len(read.chunks)
            try:
                prepared = await self._store(ref, read, vectors[start:end])
            except ApplicationError as error:  # deleted meanwhile
                if error.type != DOCUMENT_GONE:
                    raise
                done.append(BatchedDocument(ref.document_id, "failed", reason=error.message))
            except IntegrityError:
                # Deleted between its read and its insert, or its chunks written meanwhile
                # by another ingestion of it: this document is left to that; the rest go on.
                done.append(BatchedDocument(ref.document_id, "failed", reason=DOCUMENT_MOVED))
            else:
                done.append(BatchedDocument(ref.document_id, "ready", chunks=prepared.chunks))
            start = end
        return done

    async def _read(self, ref: DocumentRef) -> _Read | PreparedDocument:
        """The document marked processing, fetched or loaded, extracted and chunked; or,
        when its content is what is stored already, the PreparedDocument that says so."""
        document, status = await self._begin(ref)
        data, filename, content_type, fetched = await self._content(document)
        digest = hashlib.sha256(data).hexdigest()
        if (
            not ref.force
            and status is DocumentStatus.READY
            and document.sha256 == digest
            and document.embedding_model == self._embedder.model_name
        ):
            return PreparedDocument(chunks=document.chunk_count, unchanged=True)
        try:
            extracted = await asyncio.to_thread(
                extract,
                data,
                filename,
                content_type,
                max_uncompressed_bytes=self._limits.max_expanded_bytes,
            )
        except ExtractionError as error:
            raise ApplicationError(
                error.reason, type=EXTRACTION_ERROR, non_retryable=True
            ) from None
        sizes = sizes_for(self._embedder.max_input_tokens)
        chunks = await asyncio.to_thread(
            chunk_document,
            extracted,
            self._embedder.count_tokens,
            target_tokens=sizes.target_tokens,
            max_tokens=sizes.max_tokens,
            overlap_tokens=sizes.overlap_tokens,
        )
        if not chunks:
            raise ApplicationError("no extractable text", type=EXTRACTION_ERROR, non_retryable=True)
        return _Read(chunks, extracted.title, extracted.content_type, digest, fetched)

    async def _store(
        self, ref: DocumentRef, read: _Read, vectors: list[list[float]] | None
    ) -> PreparedDocument:
        """The chunks in place of the old ones; with their vectors, the document ready."""
        await self._replace_chunks(
            ref, read.chunks, read.title, read.content_type, read.digest, read.fetched, vectors
        )
        log.info("document prepared", document_id=str(ref.document_id), chunks=len(read.chunks))
        if vectors is None:
            return PreparedDocument(chunks=len(read.chunks))
        metrics.CHUNKS_EMBEDDED.inc(len(read.chunks))
        metrics.DOCUMENTS.labels("ready").inc()
        return PreparedDocument(chunks=len(read.chunks), embedded=len(read.chunks), finished=True)

    @activity.defn
    async def embed_chunks(self, batch: EmbedBatch) -> int:
        embedded = await self._embed_range(batch.org_id, batch.document_id, batch.start, batch.end)
        metrics.CHUNKS_EMBEDDED.inc(embedded)
        return embedded

    async def _embed_range(
        self, org_id: uuid.UUID, document_id: uuid.UUID, start: int, end: int
    ) -> int:
        """Embed chunks ``start..end-1`` and store their vectors in one bulk update."""
        async with org_session(self._session_maker, org_id) as session:
            chunks = (
                await session.exec(
                    select(KnowledgeChunk)
                    .where(
                        KnowledgeChunk.document_id == document_id,
                        col(KnowledgeChunk.ordinal) >= start,
                        col(KnowledgeChunk.ordinal) < end,
                    )
                    .order_by(col(KnowledgeChunk.ordinal))
                )
            ).all()
        if not chunks:
            raise ApplicationError(
                "the document was deleted during ingestion", type=DOCUMENT_GONE, non_retryable=True
            )
        activity.heartbeat(start)
        texts = [
            Chunk(c.ordinal, c.content, c.title, c.section, c.token_count).embedding_text()
            for c in chunks
        ]
        vectors = await self._embedder.embed_documents(texts)
        activity.heartbeat(end)
        rows = [
            {
                "id": chunk.id,
                "embedding": vector,
                "embedding_model": self._embedder.model_name,
                "embedding_dimensions": self._embedder.dimensions,
            }
            for chunk, vector in zip(chunks, vectors, strict=True)
        ]
        async with org_session(self._session_maker, org_id) as session:
            # ORM bulk UPDATE by primary key: one executemany for the whole batch.
            await session.run_sync(lambda sync: Session.execute(sync, update(KnowledgeChunk), rows))
            embedded = (
                await session.exec(
                    select(func.count())
                    .select_from(KnowledgeChunk)
                    .where(
                        KnowledgeChunk.document_id == document_id,
                        col(KnowledgeChunk.embedding).is_not(None),
                    )
                )
            ).one()
            document = await session.get(KnowledgeDocument, document_id)
            if document is not None:
                document.chunks_embedded = embedded
                document.updated_at = datetime.now(UTC)
                session.add(document)
        return len(chunks)

    @activity.defn
    async def stale_documents(self, org_id: uuid.UUID) -> list[uuid.UUID]:
        """Documents whose vectors come from another embedding model than the one in use."""
        async with org_session(self._session_maker, org_id) as session:
            ids = (
                await session.exec(
                    select(KnowledgeDocument.id).where(
                        KnowledgeDocument.status == DocumentStatus.READY,
                        col(KnowledgeDocument.embedding_model).is_distinct_from(
                            self._embedder.model_name
                        ),
                    )
                )
            ).all()
        return list(ids)

    @activity.defn
    async def finish_document(self, ref: DocumentRef, outcome: DocumentOutcome) -> None:
        await self._finish(ref, outcome)

    async def _finish(self, ref: DocumentRef, outcome: DocumentOutcome) -> None:
        """The document's final state: failed with its reason (its chunks gone), or ready."""
        async with org_session(self._session_maker, ref.org_id) as session:
            document = await session.get(KnowledgeDocument, ref.document_id)
            if document is None:
                return  # deleted meanwhile: nothing left to mark
            if outcome.status == "failed":
                await _announce_once(session, document, DOCUMENT_FAILED)
                document.status = DocumentStatus.FAILED
                document.failure_reason = (outcome.reason or "ingestion failed")[:1000]
                await session.exec(
                    delete(KnowledgeChunk).where(col(KnowledgeChunk.document_id) == ref.document_id)
                )
                document.chunk_count = 0
                document.chunks_embedded = 0
                document.updated_at = datetime.now(UTC)
            else:
                await self._mark_ready(session, document)
            session.add(document)
        metrics.DOCUMENTS.labels("failed" if outcome.status == "failed" else "ready").inc()

    async def _begin(self, ref: DocumentRef) -> tuple[KnowledgeDocument, DocumentStatus]:
        """The document, marked processing from now on (one transaction), and its status
        before."""
        async with org_session(self._session_maker, ref.org_id) as session:
            document = await session.get(KnowledgeDocument, ref.document_id)
            if document is None:
                raise ApplicationError(
                    "the document was deleted", type=DOCUMENT_GONE, non_retryable=True
                )
            before = document.status
            document.status = DocumentStatus.PROCESSING
            document.updated_at = datetime.now(UTC)
            session.add(document)
        return document, before

    async def _mark_ready(self, session: AsyncSession, document: KnowledgeDocument) -> None:
        await _announce_once(session, document, DOCUMENT_READY)
        now = datetime.now(UTC)
        document.status = DocumentStatus.READY
        document.failure_reason = None
        document.embedding_model = self._embedder.model_name
        document.ingested_at = now
        document.updated_at = now

    async def _content(
        self, document: KnowledgeDocument
    ) -> tuple[bytes, str, str | None, dict[str, str | None]]:
        """The document's bytes: from storage for uploads, from the web for pages."""
        if document.source_type is SourceKind.FILE:
            if document.storage_key is None:
                raise ApplicationError(
                    "the uploaded file is missing", type=DOCUMENT_GONE, non_retryable=True
                )
            data = await self._storage.get(document.storage_key)
            return data, document.filename or "document", document.content_type, {}
        if document.source_url is None:
            raise ApplicationError("the page has no address", type=FETCH_ERROR, non_retryable=True)
        try:
            async with web_client(private_allowed=self._limits.private_urls_allowed) as client:
                page = await fetch_page(
                    client,
                    document.source_url,
                    max_bytes=self._limits.max_bytes,
                    timeout=self._limits.fetch_timeout,
                )
        except FetchError as error:
            raise ApplicationError(error.reason, type=FETCH_ERROR, non_retryable=True) from None
        filename = _filename_for(page.final_url, page.content_type)
        meta = {"etag": page.etag, "last_modified": page.last_modified}
        return page.body, filename, page.content_type, meta

    async def _replace_chunks(
        self,
        ref: DocumentRef,
        chunks: list[Chunk],
        title: str,
        content_type: str,
        digest: str,
        fetched: dict[str, str | None],
        vectors: list[list[float]] | None,
    ) -> None:
        """Swap the document's chunks in one transaction: a retry never leaves duplicates.
        With their ``vectors`` the chunks are complete, and the document is ready."""
        async with org_session(self._session_maker, ref.org_id) as session:
            document = await session.get(KnowledgeDocument, ref.document_id)
            if document is None:
                raise ApplicationError(
                    "the document was deleted", type=DOCUMENT_GONE, non_retryable=True
                )
            await session.exec(
                delete(KnowledgeChunk).where(col(KnowledgeChunk.document_id) == ref.document_id)
            )
            rows = [
                {
                    "id": uuid.uuid4(),
                    "org_id": ref.org_id,
                    "document_id": ref.document_id,
                    "ordinal": chunk.ordinal,
                    "content": chunk.content,
                    "title": chunk.title[:500],
                    "section": chunk.section[:1000],
                    "token_count": chunk.token_count,
                    "embedding": vectors[index] if vectors is not None else None,
                    "embedding_model": self._embedder.model_name if vectors is not None else None,
                    "embedding_dimensions": self._embedder.dimensions,
                }
                for index, chunk in enumerate(chunks)
            ]
            # ORM bulk INSERT: one statement for all of them, not one object each.
            await session.run_sync(lambda sync: Session.execute(sync, insert(KnowledgeChunk), rows))
            document.title = title[:500]
            document.content_type = content_type
            document.sha256 = digest
            document.chunk_count = len(chunks)
            document.chunks_embedded = len(chunks) if vectors is not None else 0
            document.failure_reason = None
            document.etag = fetched.get("etag")
            document.last_modified = fetched.get("last_modified")
            document.updated_at = datetime.now(UTC)
            if vectors is not None:
                await self._mark_ready(session, document)
            session.add(document)


async def _announce_once(session: AsyncSession, document: KnowledgeDocument, event: str) -> None:
    """The webhook event of a document's change to ready or failed, written once: a retried
    activity finds the change made already."""
    if document.status not in {DocumentStatus.READY, DocumentStatus.FAILED}:
        await record_event(session, document.org_id, event, {"document_id": str(document.id)})


def _filename_for(url: str, content_type: str) -> str:
    """A name whose extension matches what the server says it sent."""
    kind = content_type.split(";", maxsplit=1)[0].strip().lower()
    extension = {
        "text/html": ".html",
        "application/xhtml+xml": ".html",
        "application/pdf": ".pdf",
        "text/plain": ".txt",
        "text/markdown": ".md",
        "text/csv": ".csv",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    }.get(kind, ".html")
    stem = url.rstrip("/").rsplit("/", 1)[-1].split("?")[0] or "page"
    return stem if stem.lower().endswith(extension) else f"{stem}{extension}"
