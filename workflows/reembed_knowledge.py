"""ReembedKnowledgeWorkflow: move an organization's knowledge to the embedding model in use.

Vectors of two models never share a search: retrieval only reads chunks of the current
model, and this workflow re-ingests every document embedded with another one, a few at a
time, each as its own IngestDocumentWorkflow.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.knowledge import KnowledgeActivities
    from workflows.ingest_document import ingest_as_child


@dataclass
class ReembedInput:
    org_id: uuid.UUID
    batch_size: int = 64
    concurrency: int = 2


@dataclass
class ReembedResult:
    documents: int
    ready: int
    failed: int


@workflow.defn
class ReembedKnowledgeWorkflow:
    @workflow.run
    async def run(self, input: ReembedInput) -> ReembedResult:
        stale = await workflow.execute_activity_method(
            KnowledgeActivities.stale_documents,
            input.org_id,
            start_to_close_timeout=timedelta(minutes=1),
        )
        outcomes: list[str] = []
        slots = asyncio.Semaphore(input.concurrency)

        async def reembed(document_id: uuid.UUID) -> None:
            async with slots:
                outcomes.append(await ingest_as_child(input.org_id, document_id, input.batch_size))

        await asyncio.gather(*(reembed(document_id) for document_id in stale))
        return ReembedResult(
            documents=len(stale), ready=outcomes.count("ready"), failed=outcomes.count("failed")
        )
