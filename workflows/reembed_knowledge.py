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
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ChildWorkflowError, WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from activities.knowledge import KnowledgeActivities
    from workflows.ids import ingest_document_id, search_attributes
    from workflows.ingest_document import IngestDocumentInput, IngestDocumentWorkflow


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
                outcomes.append(await self._reingest(input, document_id))

        await asyncio.gather(*(reembed(document_id) for document_id in stale))
        return ReembedResult(
            documents=len(stale), ready=outcomes.count("ready"), failed=outcomes.count("failed")
        )

    async def _reingest(self, input: ReembedInput, document_id: uuid.UUID) -> str:
        try:
            result = await workflow.execute_child_workflow(
                IngestDocumentWorkflow.run,
                IngestDocumentInput(
                    org_id=input.org_id, document_id=document_id, batch_size=input.batch_size
                ),
                id=ingest_document_id(input.org_id, document_id),
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
                parent_close_policy=ParentClosePolicy.REQUEST_CANCEL,
                search_attributes=search_attributes(input.org_id, "ingest"),
            )
        except WorkflowAlreadyStartedError:
            return "running"
        except ChildWorkflowError:
            return "failed"
        return result.status
