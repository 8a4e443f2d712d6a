"""The knowledge base as the API and the CLI use it: add, import, list, delete, re-ingest.

Rows and files are written here; the work (extracting, embedding) happens in workflows.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import PurePath

from sqlalchemy import update
from sqlmodel import col, func, select
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleIntervalSpec,
    ScheduleSpec,
    WorkflowFailureError,
    WorkflowHandle,
)
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from agents.knowledge.web import FetchError, ensure_public_address, normalize_url
from core.db import SessionMaker, org_session
from core.ids import (
    ingest_batch_id,
    ingest_document_id,
    is_ingest_batch_id,
    reembed_id,
    search_attributes,
    sync_source_id,
)
from core.models import DocumentStatus, KnowledgeDocument, KnowledgeSource, SourceKind
from core.settings import Settings
from core.storage import FileStorage, document_key
from core.text import unstorable
from services.errors import RefusedError
from workflows.ingest_batch import IngestBatchInput, IngestBatchWorkflow
from workflows.ingest_document import (
    IngestDocumentInput,
    IngestDocumentResult,
    IngestDocumentWorkflow,
    IngestProgress,
)
from workflows.reembed_knowledge import ReembedInput, ReembedKnowledgeWorkflow
from workflows.sync_source import SyncKnowledgeSourceWorkflow, SyncSourceInput

FINAL_STATUSES = {DocumentStatus.READY, DocumentStatus.FAILED}
# A finished ingestion's workflow closes a moment after the document is marked: a re-ingest
# in that moment waits for it this long.
CLOSING_WAIT_SECONDS = 5.0
# Documents per IngestBatchWorkflow of a bulk import: enough that Temporal's and the
# database's work per document is a fraction of a single upload's, few enough that one
# local activity stays short (about a second of embedding for support articles).
INGEST_BATCH_DOCUMENTS = 8
ALLOWED_EXTENSIONS = {".pdf", ".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".csv"}


class KnowledgeError(RefusedError):
    """A request to the knowledge base refused: the HTTP status and a message for the caller."""


@dataclass(frozen=True)
class Added:
    document: KnowledgeDocument
    duplicate: bool


@dataclass(frozen=True)
class Upload:
    """One file of a bulk import."""

    filename: str
    content_type: str | None
    data: bytes


@dataclass(frozen=True)
class SourceSummary:
    """A followed website or sitemap with its pages counted by status."""

    source: KnowledgeSource
    pages: int
    ready: int
    failed: int
    in_progress: int
    sync_interval_hours: int


class KnowledgeBase:
    def __init__(
        self,
        session_maker: SessionMaker,
        storage: FileStorage,
        temporal: Client,
        settings: Settings,
    ) -> None:
        self._session_maker = session_maker
        self._storage = storage
        self._temporal = temporal
        self._settings = settings

    async def add_file(
        self, org_id: uuid.UUID, filename: str, content_type: str | None, data: bytes
    ) -> Added:
        """Store an upload and start its ingestion. The same content twice is not embedded
        twice: the existing document is returned instead."""
        name = self._checked(filename, data)
        digest = hashlib.sha256(data).hexdigest()
        document, duplicate = await self._store_file(org_id, name, content_type, data, digest)
        if not duplicate:
            await self._start_ingestion(document)
        return Added(document, duplicate=duplicate)

    async def add_files(self, org_id: uuid.UUID, files: Sequence[Upload]) -> list[Added]:
        """Store several uploads (a bulk import) and ingest the new ones together, in
        batches of ``INGEST_BATCH_DOCUMENTS``, one IngestBatchWorkflow each. Every file is
        checked before any is stored: one refused file refuses the import."""
        names = [self._checked(upload.filename, upload.data) for upload in files]
        added: list[Added] = []
        batch: list[uuid.UUID] = []
        batch_id = ingest_batch_id(org_id, uuid.uuid4())
        try:
            for name, upload in zip(names, files, strict=True):
                digest = hashlib.sha256(upload.data).hexdigest()
                document, duplicate = await self._store_file(
                    org_id, name, upload.content_type, upload.data, digest, workflow_id=batch_id
                )
                added.append(Added(document, duplicate=duplicate))
                if duplicate:
                    continue
                batch.append(document.id)
                if len(batch) == INGEST_BATCH_DOCUMENTS:
                    started, batch = batch, []
                    await self._start_batch(org_id, batch_id, started)
                    batch_id = ingest_batch_id(org_id, uuid.uuid4())
        finally:
            # What was stored is ingested even when a later file could not be stored.
            if batch:
                await self._start_batch(org_id, batch_id, batch)
        return added

    async def _start_batch(
        self, org_id: uuid.UUID, workflow_id: str, document_ids: list[uuid.UUID]
    ) -> None:
        """Start the batch's workflow. If it cannot start, its documents are marked failed
        with a reason, so the same files can be imported again (a pending row with no
        workflow would count as already there)."""
        try:
            await self._start_batch_workflow(org_id, workflow_id, document_ids)
        except BaseException:
            async with org_session(self._session_maker, org_id) as session:
                await session.exec(
                    update(KnowledgeDocument)
                    .where(col(KnowledgeDocument.id).in_(document_ids))
                    .values(
                        status=DocumentStatus.FAILED,
                        failure_reason="the import could not be queued for ingestion: try again",
                        updated_at=datetime.now(UTC),
                    )
                )
            raise

    async def _start_batch_workflow(
        self, org_id: uuid.UUID, workflow_id: str, document_ids: list[uuid.UUID]
    ) -> None:
        await self._temporal.start_workflow(
            IngestBatchWorkflow.run,
            IngestBatchInput(
                org_id=org_id,
                document_ids=document_ids,
                batch_size=self._settings.embedding_batch_size,
            ),
            id=workflow_id,
            task_queue=self._settings.temporal.task_queues.ingestion,
            search_attributes=search_attributes(org_id, "ingest"),
        )

    def _checked(self, filename: str, data: bytes) -> str:
        """The upload's file name, or a KnowledgeError saying why it cannot be stored."""
        name = PurePath(filename or "document").name
        if unstorable(name) is not None:
            raise KnowledgeError(422, "the file name holds characters that cannot be stored")
        if PurePath(name).suffix.lower() not in ALLOWED_EXTENSIONS:
            raise KnowledgeError(
                415,
                f"{name} is not a supported file type: upload PDF, TXT, Markdown, HTML, "
                "DOCX or CSV",
            )
        if len(data) > self._settings.max_upload_bytes:
            raise KnowledgeError(
                413, f"the file is larger than the {self._settings.max_upload_mb} MB limit"
            )
        return name

    async def _store_file(
        self,
        org_id: uuid.UUID,
        name: str,
        content_type: str | None,
        data: bytes,
        digest: str,
        *,
        workflow_id: str | None = None,
    ) -> tuple[KnowledgeDocument, bool]:
        """The file, then its row, in one unit: if the row's commit fails, the file goes.
        Content already stored returns that document (and True)."""
        written: str | None = None
        try:
            async with org_session(self._session_maker, org_id) as session:
                existing = (
                    await session.exec(
                        select(KnowledgeDocument).where(
                            KnowledgeDocument.sha256 == digest,
                            KnowledgeDocument.status != DocumentStatus.FAILED,
                        )
                    )
                ).first()
                if existing is not None:
                    return existing, True
                document = KnowledgeDocument(
                    org_id=org_id,
                    title=PurePath(name).stem.replace("-", " ").replace("_", " ") or name,
                    source_type=SourceKind.FILE,
                    filename=name,
                    content_type=content_type,
                    size_bytes=len(data),
                    sha256=digest,
                )
                document.storage_key = document_key(org_id, document.id, name)
                document.workflow_id = workflow_id or ingest_document_id(org_id, document.id)
                # The file first: a row never points at a file that was not written.
                await self._storage.put(document.storage_key, data)
                written = document.storage_key
                session.add(document)
        except BaseException:
            if written is not None:
                await self._storage.delete(written)
            raise
        return document, False

    async def import_url(
        self, org_id: uuid.UUID, url: str, kind: SourceKind, max_pages: int | None = None
    ) -> KnowledgeDocument | KnowledgeSource:
        """One page becomes one document; a website or sitemap becomes a source whose pages
        are documents, re-synced on a schedule."""
        normalized = normalize_url(url, url)
        if normalized is None or not normalized.startswith(("http://", "https://")):
            raise KnowledgeError(422, "enter a web address starting with http:// or https://")
        if not self._settings.private_urls_allowed:
            try:
                await ensure_public_address(normalized)
            except FetchError as error:
                raise KnowledgeError(422, error.reason) from error
        if kind is SourceKind.URL:
            async with org_session(self._session_maker, org_id) as session:
                document = KnowledgeDocument(
                    org_id=org_id, title=normalized, source_type=kind, source_url=normalized
                )
                document.workflow_id = ingest_document_id(org_id, document.id)
                session.add(document)
            await self._start_ingestion(document)
            return document
        if kind not in {SourceKind.WEBSITE, SourceKind.SITEMAP}:
            raise KnowledgeError(422, "import a page, a website or a sitemap")
        pages = min(max_pages or self._settings.crawl_max_pages, self._settings.crawl_max_pages)
        async with org_session(self._session_maker, org_id) as session:
            source = KnowledgeSource(org_id=org_id, kind=kind, url=normalized, max_pages=pages)
            source.schedule_id = sync_source_id(org_id, source.id)
            session.add(source)
        await self._schedule_sync(source)
        return source

    async def list_documents(
        self,
        org_id: uuid.UUID,
        status: DocumentStatus | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[KnowledgeDocument], int]:
        async with org_session(self._session_maker, org_id) as session:
            query = select(KnowledgeDocument)
            counter = select(func.count()).select_from(KnowledgeDocument)
            if status is not None:
                query = query.where(KnowledgeDocument.status == status)
                counter = counter.where(KnowledgeDocument.status == status)
            documents = (
                await session.exec(
                    query.order_by(col(KnowledgeDocument.created_at).desc())
                    .limit(limit)
                    .offset(offset)
                )
            ).all()
            total = (await session.exec(counter)).one()
        return list(documents), total

    async def get_document(self, org_id: uuid.UUID, document_id: uuid.UUID) -> KnowledgeDocument:
        async with org_session(self._session_maker, org_id) as session:
            document = await session.get(KnowledgeDocument, document_id)
        if document is None:
            raise KnowledgeError(404, "no such document")
        return document

    async def progress(self, document: KnowledgeDocument) -> IngestProgress:
        """Live progress from the running workflow; from the row once it has finished."""
        if document.status in {DocumentStatus.PENDING, DocumentStatus.PROCESSING} and not (
            _in_import(document)  # its batch's workflow answers no per-document query
        ):
            try:
                handle = self._ingestion(document)
                # A query needs a worker to answer; never let a busy or absent worker stall
                # the document list: fall back to the counts in the row.
                return await handle.query(
                    IngestDocumentWorkflow.progress, rpc_timeout=timedelta(seconds=1)
                )
            except RPCError:
                pass
        return IngestProgress(
            stage=document.status.value, done=document.chunks_embedded, total=document.chunk_count
        )

    async def delete_document(self, org_id: uuid.UUID, document_id: uuid.UUID) -> None:
        """Cancel its ingestion, then delete its file, chunks and vectors, and the row."""
        document = await self.get_document(org_id, document_id)
        await self._cancel_ingestion(document)
        async with org_session(self._session_maker, org_id) as session:
            row = await session.get(KnowledgeDocument, document_id)
            if row is not None:
                await session.delete(row)  # chunks and vectors: ON DELETE CASCADE
        if document.storage_key:
            await self._storage.delete(document.storage_key)

    async def reingest(self, org_id: uuid.UUID, document_id: uuid.UUID) -> KnowledgeDocument:
        document = await self.get_document(org_id, document_id)
        before = document.status
        if _in_import(document) and before not in FINAL_STATUSES:
            raise KnowledgeError(409, "this document is being ingested already")
        # Pending before the workflow starts: written after, it could land on a document
        # that the workflow has already finished, which would then stay pending.
        pending = await self._set_status(org_id, document_id, DocumentStatus.PENDING)
        try:
            await self._start_ingestion(document, force=True, ended=before in FINAL_STATUSES)
        except BaseException:
            await self._set_status(org_id, document_id, before, only_if=DocumentStatus.PENDING)
            raise
        return pending or document

    async def _set_status(
        self,
        org_id: uuid.UUID,
        document_id: uuid.UUID,
        status: DocumentStatus,
        *,
        only_if: DocumentStatus | None = None,
    ) -> KnowledgeDocument | None:
        async with org_session(self._session_maker, org_id) as session:
            row = await session.get(KnowledgeDocument, document_id)
            if row is None or (only_if is not None and row.status is not only_if):
                return row
            row.status = status
            if status is DocumentStatus.PENDING:
                row.failure_reason = None
            row.updated_at = datetime.now(UTC)
            session.add(row)
        return row

    async def list_sources(self, org_id: uuid.UUID) -> list[SourceSummary]:
        """Every source of the organization, newest first, with its pages counted by status."""
        async with org_session(self._session_maker, org_id) as session:
            sources = (
                await session.exec(
                    select(KnowledgeSource).order_by(col(KnowledgeSource.created_at).desc())
                )
            ).all()
            counted = (
                await session.exec(
                    select(KnowledgeDocument.source_id, KnowledgeDocument.status, func.count())
                    .where(col(KnowledgeDocument.source_id).is_not(None))
                    .group_by(col(KnowledgeDocument.source_id), col(KnowledgeDocument.status))
                )
            ).all()
        counts: dict[uuid.UUID, dict[DocumentStatus, int]] = {}
        for source_id, document_status, count in counted:
            if source_id is not None:
                counts.setdefault(source_id, {})[DocumentStatus(document_status)] = count
        summaries = []
        for source in sources:
            by_status = counts.get(source.id, {})
            summaries.append(
                SourceSummary(
                    source=source,
                    pages=sum(by_status.values()),
                    ready=by_status.get(DocumentStatus.READY, 0),
                    failed=by_status.get(DocumentStatus.FAILED, 0),
                    in_progress=by_status.get(DocumentStatus.PENDING, 0)
                    + by_status.get(DocumentStatus.PROCESSING, 0),
                    sync_interval_hours=self._settings.url_sync_interval_hours,
                )
            )
        return summaries

    async def sync_source_now(self, org_id: uuid.UUID, source_id: uuid.UUID) -> None:
        """Run the source's scheduled sync at once (the schedule keeps its own rhythm). A sync
        already running is left alone: the schedule skips an overlapping run."""
        async with org_session(self._session_maker, org_id) as session:
            source = await session.get(KnowledgeSource, source_id)
        if source is None:
            raise KnowledgeError(404, "no such source")
        try:
            await self._temporal.get_schedule_handle(sync_source_id(org_id, source_id)).trigger()
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
            await self._schedule_sync(source)  # its schedule was lost: make it again

    async def delete_source(self, org_id: uuid.UUID, source_id: uuid.UUID) -> None:
        async with org_session(self._session_maker, org_id) as session:
            source = await session.get(KnowledgeSource, source_id)
            if source is None:
                raise KnowledgeError(404, "no such source")
            documents = (
                await session.exec(
                    select(KnowledgeDocument).where(KnowledgeDocument.source_id == source_id)
                )
            ).all()
        for document in documents:
            await self._cancel_ingestion(document)
        try:
            await self._temporal.get_schedule_handle(sync_source_id(org_id, source_id)).delete()
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
        async with org_session(self._session_maker, org_id) as session:
            source = await session.get(KnowledgeSource, source_id)
            if source is not None:
                await session.delete(source)  # its documents and chunks go with it

    async def reembed(self, org_id: uuid.UUID) -> str:
        """Re-embed every document whose vectors come from another model. Returns the id of
        the workflow doing it (one at a time per organization)."""
        workflow_id = reembed_id(org_id)
        try:
            await self._temporal.start_workflow(
                ReembedKnowledgeWorkflow.run,
                ReembedInput(org_id=org_id, batch_size=self._settings.embedding_batch_size),
                id=workflow_id,
                task_queue=self._settings.temporal.task_queues.ingestion,
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
                search_attributes=search_attributes(org_id, "reembed"),
            )
        except WorkflowAlreadyStartedError as error:
            raise KnowledgeError(409, "the knowledge base is being re-embedded already") from error
        return workflow_id

    async def _start_ingestion(
        self, document: KnowledgeDocument, force: bool = False, *, ended: bool = False
    ) -> None:
        """Start the document's workflow. ``ended``: its last ingestion is over (the document
        is ready or failed), though its workflow may still be closing: wait for it a moment
        rather than refuse."""
        try:
            await self._start_workflow(document, force)
        except WorkflowAlreadyStartedError as error:
            if not ended:
                raise KnowledgeError(409, "this document is being ingested already") from error
            with contextlib.suppress(TimeoutError, WorkflowFailureError):
                await asyncio.wait_for(self._ingestion(document).result(), CLOSING_WAIT_SECONDS)
            try:
                await self._start_workflow(document, force)
            except WorkflowAlreadyStartedError as again:
                raise KnowledgeError(409, "this document is being ingested already") from again

    async def _start_workflow(self, document: KnowledgeDocument, force: bool) -> None:
        await self._temporal.start_workflow(
            IngestDocumentWorkflow.run,
            IngestDocumentInput(
                org_id=document.org_id,
                document_id=document.id,
                batch_size=self._settings.embedding_batch_size,
                force=force,
                prepare_locally=True,
            ),
            id=ingest_document_id(document.org_id, document.id),
            task_queue=self._settings.temporal.task_queues.ingestion,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
            search_attributes=search_attributes(document.org_id, "ingest"),
        )

    def _ingestion(
        self, document: KnowledgeDocument
    ) -> WorkflowHandle[IngestDocumentWorkflow, IngestDocumentResult]:
        return self._temporal.get_workflow_handle_for(
            IngestDocumentWorkflow.run, ingest_document_id(document.org_id, document.id)
        )

    async def _cancel_ingestion(self, document: KnowledgeDocument) -> None:
        try:
            await self._ingestion(document).cancel()
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise

    async def _schedule_sync(self, source: KnowledgeSource) -> None:
        schedule_id = sync_source_id(source.org_id, source.id)
        action = ScheduleActionStartWorkflow(
            SyncKnowledgeSourceWorkflow.run,
            SyncSourceInput(
                org_id=source.org_id,
                source_id=source.id,
                batch_size=self._settings.embedding_batch_size,
            ),
            id=schedule_id,
            task_queue=self._settings.temporal.task_queues.ingestion,
            typed_search_attributes=search_attributes(source.org_id, "sync"),
        )
        await self._temporal.create_schedule(
            schedule_id,
            Schedule(
                action=action,
                spec=ScheduleSpec(
                    intervals=[
                        ScheduleIntervalSpec(
                            every=timedelta(hours=self._settings.url_sync_interval_hours)
                        )
                    ]
                ),
            ),
            trigger_immediately=True,
        )


def _in_import(document: KnowledgeDocument) -> bool:
    """Ingested by its import's IngestBatchWorkflow rather than a workflow of its own."""
    return is_ingest_batch_id(document.org_id, document.workflow_id)
