"""IngestBatchWorkflow: several small documents of a bulk import, ingested together.

A help center arrives hundreds of short articles at once (``perceptron ingest`` on a folder,
the bootstrap knowledge base). One workflow per article spends more on Temporal and on
per-document round trips than on the articles, so a bulk import starts one of these per
``INGEST_BATCH_DOCUMENTS`` documents instead: one local activity reads, extracts and chunks
them all, embeds all their chunks in one call (sorted by length, so little of the model's
work is padding), and stores each with its vectors in its own transaction. A bad document
ends failed with its reason and does not hold up the others; a document too long for one
embedding batch is handed to its own IngestDocumentWorkflow, as is every document of a batch
whose activity keeps failing, so each gets its own retries and reason.

The documents' rows carry their status and counts as with a single upload; the document list
reads progress from them (this workflow answers no per-document query).
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.exceptions import TimeoutError as TemporalTimeoutError

with workflow.unsafe.imports_passed_through():
    from activities.knowledge import ALONE, BatchedDocument, DocumentBatch, KnowledgeActivities
    from workflows.ingest_document import PREPARE_RETRY, ingest_as_child


@dataclass
class IngestBatchInput:
    org_id: uuid.UUID
    document_ids: list[uuid.UUID]
    batch_size: int = 64  # chunks per embedding batch; a longer document goes alone


@dataclass
class IngestBatchResult:
    ready: int
    unchanged: int
    failed: int
    chunks: int  # of the documents ready now


# Outside the sandbox for the reason IngestDocumentWorkflow is: it runs once per few
# documents of an import, calls workflow APIs only, and its replay test holds it.
@workflow.defn(sandboxed=False)
class IngestBatchWorkflow:
    @workflow.run
    async def run(self, input: IngestBatchInput) -> IngestBatchResult:
        try:
            documents = await workflow.execute_local_activity_method(
                KnowledgeActivities.prepare_documents,
                DocumentBatch(input.org_id, input.document_ids, embed_first=input.batch_size),
                start_to_close_timeout=timedelta(minutes=5),
                retry_policy=PREPARE_RETRY,
            )
        except (ActivityError, ApplicationError, TemporalTimeoutError) as error:
            workflow.logger.info("batch failed, documents go alone: %s", error)
            documents = [BatchedDocument(document_id, ALONE) for document_id in input.document_ids]
        alone = [d.document_id for d in documents if d.status == ALONE]
        outcomes = await asyncio.gather(
            *(ingest_as_child(input.org_id, document_id, input.batch_size) for document_id in alone)
        )
        statuses = [d.status for d in documents if d.status != ALONE] + list(outcomes)
        return IngestBatchResult(
            ready=statuses.count("ready"),
            unchanged=statuses.count("unchanged"),
            failed=statuses.count("failed"),
            chunks=sum(d.chunks for d in documents if d.status == "ready"),
        )
