"""SyncKnowledgeSourceWorkflow: re-read a website or sitemap and ingest what changed.

Started once when the source is added, then by a Temporal Schedule. Each page is its own
IngestDocumentWorkflow (a child), which skips pages whose content has not changed.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.knowledge import NON_RETRYABLE_ERRORS
    from activities.knowledge_sources import KnowledgeSourceActivities, SourceRef
    from workflows.ingest_document import ingest_as_child


@dataclass
class SyncSourceInput:
    org_id: uuid.UUID
    source_id: uuid.UUID
    batch_size: int = 64
    concurrency: int = 4


@dataclass
class SyncSourceResult:
    pages: int
    added: int
    removed: int
    ready: int
    unchanged: int
    failed: int
    error: str | None = None


@workflow.defn
class SyncKnowledgeSourceWorkflow:
    @workflow.run
    async def run(self, input: SyncSourceInput) -> SyncSourceResult:
        ref = SourceRef(org_id=input.org_id, source_id=input.source_id)
        try:
            pages = await workflow.execute_activity_method(
                KnowledgeSourceActivities.refresh_source_pages,
                ref,
                start_to_close_timeout=timedelta(minutes=10),
                retry_policy=RetryPolicy(
                    maximum_attempts=3, non_retryable_error_types=NON_RETRYABLE_ERRORS
                ),
            )
        except ActivityError as error:
            message = str(error.cause) if error.cause else "the source could not be read"
            return SyncSourceResult(0, 0, 0, 0, 0, 0, error=message)
        outcomes: list[str] = []
        slots = asyncio.Semaphore(input.concurrency)

        async def ingest(document_id: uuid.UUID) -> None:
            async with slots:
                outcomes.append(await ingest_as_child(input.org_id, document_id, input.batch_size))

        await asyncio.gather(*(ingest(document_id) for document_id in pages.document_ids))
        await workflow.execute_activity_method(
            KnowledgeSourceActivities.mark_source_synced,
            ref,
            start_to_close_timeout=timedelta(seconds=30),
        )
        return SyncSourceResult(
            pages=len(pages.document_ids),
            added=pages.added,
            removed=pages.removed,
            ready=outcomes.count("ready"),
            unchanged=outcomes.count("unchanged"),
            failed=outcomes.count("failed"),
        )
