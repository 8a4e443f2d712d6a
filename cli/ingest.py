"""`perceptron ingest`: the knowledge base from the command line, with a progress bar."""

from __future__ import annotations

import asyncio
import mimetypes
import uuid
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlmodel import col, select

from core.db import SessionMaker, create_engine, create_session_maker, platform_session
from core.models import DocumentStatus, KnowledgeDocument, KnowledgeSource, Organization, SourceKind
from core.payload_codec import create_keyring
from core.settings import Settings
from core.storage import create_storage
from core.temporal import connect_temporal
from services.knowledge import (
    ALLOWED_EXTENSIONS,
    INGEST_BATCH_DOCUMENTS,
    KnowledgeBase,
    KnowledgeError,
    Upload,
)

FINAL = {DocumentStatus.READY, DocumentStatus.FAILED}


async def run_ingest(
    settings: Settings, sources: list[str], org: str | None, *, site: bool, wait: bool
) -> int:
    engine = create_engine(settings.resolved_database_url, pool_size=2)
    try:
        maker = create_session_maker(engine)
        org_id = await _organization(maker, org)
        temporal = await connect_temporal(settings, create_keyring(settings, maker))
        knowledge = KnowledgeBase(maker, create_storage(settings), temporal, settings)
        documents: list[KnowledgeDocument] = []
        failures = 0
        for source in sources:
            try:
                documents += await _add(knowledge, org_id, source, site)
            except (KnowledgeError, OSError) as error:
                message = error.message if isinstance(error, KnowledgeError) else str(error)
                typer.echo(f"skipped {source}: {message}", err=True)
                failures += 1
        if wait and documents:
            failures += await _follow(knowledge, org_id, documents)
        return 1 if failures else 0
    finally:
        await engine.dispose()


async def _organization(maker: SessionMaker, org: str | None) -> uuid.UUID:
    if org:
        return uuid.UUID(org)
    async with platform_session(maker) as session:
        first = (
            await session.exec(select(Organization).order_by(col(Organization.created_at)))
        ).first()
    if first is None:
        raise typer.BadParameter("no organization yet: run `perceptron up` once")
    return first.id


async def _add(
    knowledge: KnowledgeBase, org_id: uuid.UUID, source: str, site: bool
) -> list[KnowledgeDocument]:
    if source.startswith(("http://", "https://")):
        kind = SourceKind.WEBSITE if site else SourceKind.URL
        if source.endswith(".xml"):
            kind = SourceKind.SITEMAP
        created = await knowledge.import_url(org_id, source, kind)
        if isinstance(created, KnowledgeSource):
            typer.echo(f"following {source}: its pages are ingested by a scheduled sync")
            return []
        return [created]
    files = await asyncio.to_thread(_files_under, Path(source))
    added = []
    # An import: a few files at a time are read and ingested together (IngestBatchWorkflow).
    for start in range(0, len(files), INGEST_BATCH_DOCUMENTS):
        group = files[start : start + INGEST_BATCH_DOCUMENTS]
        uploads = [
            Upload(
                file.name,
                mimetypes.guess_type(file.name)[0],
                await asyncio.to_thread(file.read_bytes),
            )
            for file in group
        ]
        for file, result in zip(group, await knowledge.add_files(org_id, uploads), strict=True):
            if result.duplicate:
                typer.echo(f"already in the knowledge base: {file}")
            else:
                added.append(result.document)
    return added


def _files_under(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix.lower() in ALLOWED_EXTENSIONS)
    return [path]


async def _follow(
    knowledge: KnowledgeBase, org_id: uuid.UUID, documents: list[KnowledgeDocument]
) -> int:
    """A progress bar over all chunks, until every document is ready or failed."""
    pending = {document.id: document for document in documents}
    failures = 0
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns) as bar:
        task = bar.add_task(f"ingesting {len(documents)} document(s)", total=None)
        finished: dict[uuid.UUID, int] = {}
        while pending:
            done = total = 0
            for document_id in list(pending):
                document = await knowledge.get_document(org_id, document_id)
                progress = await knowledge.progress(document)
                if document.status in FINAL:
                    del pending[document_id]
                    finished[document_id] = document.chunk_count
                    if document.status is DocumentStatus.FAILED:
                        failures += 1
                        bar.console.print(f"failed: {document.title}: {document.failure_reason}")
                    continue
                done += progress.done
                total += progress.total
            completed = sum(finished.values())
            bar.update(task, completed=done + completed, total=(total + completed) or None)
            if pending:
                await asyncio.sleep(0.3)
    typer.echo(f"{len(documents) - failures} ready, {failures} failed")
    return failures
