"""Activities of a website or sitemap source: find its pages and keep one document per page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.knowledge import FETCH_ERROR
from agents.knowledge.web import FetchError, discover_pages
from agents.knowledge.web_client import web_client
from core.db import SessionMaker, org_session
from core.models import DocumentStatus, KnowledgeDocument, KnowledgeSource, SourceKind


@dataclass
class SourceRef:
    org_id: uuid.UUID
    source_id: uuid.UUID


@dataclass
class SourcePages:
    document_ids: list[uuid.UUID]
    added: int
    removed: int


class KnowledgeSourceActivities:
    def __init__(
        self,
        session_maker: SessionMaker,
        fetch_timeout: float,
        private_urls_allowed: bool = False,
    ) -> None:
        self._session_maker = session_maker
        self._fetch_timeout = fetch_timeout
        self._private_urls_allowed = private_urls_allowed

    @activity.defn
    async def refresh_source_pages(self, ref: SourceRef) -> SourcePages:
        """Discover the source's pages now; add a document per new page, drop vanished ones."""
        async with org_session(self._session_maker, ref.org_id) as session:
            source = await session.get(KnowledgeSource, ref.source_id)
        if source is None:
            return SourcePages(document_ids=[], added=0, removed=0)
        try:
            async with web_client(
                private_allowed=self._private_urls_allowed, timeout=self._fetch_timeout
            ) as client:
                urls = await discover_pages(client, source.url, max_pages=source.max_pages)
        except FetchError as error:
            await self._record_error(ref, error.reason)
            raise ApplicationError(error.reason, type=FETCH_ERROR, non_retryable=True) from None
        async with org_session(self._session_maker, ref.org_id) as session:
            existing = (
                await session.exec(
                    select(KnowledgeDocument).where(KnowledgeDocument.source_id == ref.source_id)
                )
            ).all()
            by_url = {document.source_url: document for document in existing if document.source_url}
            wanted = list(dict.fromkeys(urls))
            added = 0
            for url in wanted:
                if url not in by_url:
                    document = KnowledgeDocument(
                        org_id=ref.org_id,
                        source_id=ref.source_id,
                        title=url,
                        source_type=SourceKind.URL,
                        source_url=url,
                        status=DocumentStatus.PENDING,
                    )
                    session.add(document)
                    by_url[url] = document
                    added += 1
            removed = 0
            for url, document in list(by_url.items()):
                if url not in wanted:
                    await session.delete(document)  # chunks and vectors go with it (cascade)
                    del by_url[url]
                    removed += 1
            await session.flush()
            ids = [by_url[url].id for url in wanted]
        return SourcePages(document_ids=ids, added=added, removed=removed)

    @activity.defn
    async def mark_source_synced(self, ref: SourceRef) -> None:
        async with org_session(self._session_maker, ref.org_id) as session:
            source = await session.get(KnowledgeSource, ref.source_id)
            if source is not None:
                source.last_synced_at = datetime.now(UTC)
                source.last_error = None
                session.add(source)

    async def _record_error(self, ref: SourceRef, reason: str) -> None:
        async with org_session(self._session_maker, ref.org_id) as session:
            source = await session.get(KnowledgeSource, ref.source_id)
            if source is not None:
                source.last_error = reason[:1000]
                session.add(source)
