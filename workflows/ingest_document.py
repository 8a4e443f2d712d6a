"""IngestDocumentWorkflow: one document (file or web page) from upload to retrievable chunks.

Extract and chunk in one activity (the chunks are written to PostgreSQL without vectors, so
only ids cross the workflow boundary), then embed in batches, one activity each, so progress
is the workflow's own state and a crash repeats at most one batch. A document of at most one
batch (most support articles) is embedded, stored and marked ready by that first activity,
so it costs one activity instead of three. A document that cannot be
ingested ends as failed with a human-readable reason; it never retries forever.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import (
    ActivityError,
    ApplicationError,
    ChildWorkflowError,
    WorkflowAlreadyStartedError,
)
from temporalio.exceptions import (
    TimeoutError as TemporalTimeoutError,
)
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from activities.knowledge import (
        NON_RETRYABLE_ERRORS,
        DocumentOutcome,
        DocumentRef,
        EmbedBatch,
        KnowledgeActivities,
    )
    from core.ids import ingest_document_id, search_attributes


@dataclass
class IngestDocumentInput:
    org_id: uuid.UUID
    document_id: uuid.UUID
    batch_size: int = 64
    # Re-ingest even when the content has not changed (a member asked for it).
    force: bool = False
    # Run prepare_document as a local activity. Every start since it exists sets it; the
    # histories of workflows started before read False and replay as they ran (a version
    # carried by the input costs no marker event nor search attribute update, as
    # workflow.patched would, on a workflow that runs once per document).
    prepare_locally: bool = False


@dataclass
class IngestDocumentResult:
    status: str  # ready, unchanged or failed
    chunks: int
    reason: str | None = None


@dataclass
class IngestProgress:
    stage: str  # queued, extracting, embedding, ready, unchanged, failed
    done: int
    total: int


PREPARE_RETRY = RetryPolicy(
    maximum_attempts=5,
    initial_interval=timedelta(seconds=1),
    non_retryable_error_types=NON_RETRYABLE_ERRORS,
)
EMBED_RETRY = RetryPolicy(maximum_attempts=10, initial_interval=timedelta(seconds=2))


# Outside the sandbox: this workflow runs once per document, hundreds at a time for a help
# center, and the sandbox costs each run about 14 ms of CPU (re-importing this module and
# proxying its calls), a third of the pipeline's own work (bench/ingest.py). Its code calls
# workflow APIs only, and the replay tests hold it to its recorded histories.
@workflow.defn(sandboxed=False)
class IngestDocumentWorkflow:
    def __init__(self) -> None:
        self._progress = IngestProgress(stage="queued", done=0, total=0)

    @workflow.run
    async def run(self, input: IngestDocumentInput) -> IngestDocumentResult:
        ref = DocumentRef(
            org_id=input.org_id,
            document_id=input.document_id,
            force=input.force,
            embed_first=input.batch_size,
        )
        try:
            return await self._ingest(ref, input.batch_size, locally=input.prepare_locally)
        except (ActivityError, ApplicationError, TemporalTimeoutError) as error:
            # A regular activity's failure arrives as an ActivityError caused by it; a local
            # activity's, as the activity's own error (or its timeout).
            reason = _reason(error)
            workflow.logger.info("document failed: %s", reason)
            await self._finish(ref, DocumentOutcome(status="failed", reason=reason))
            self._progress.stage = "failed"
            return IngestDocumentResult(status="failed", chunks=0, reason=reason)

    @workflow.query
    def progress(self) -> IngestProgress:
        return self._progress

    async def _ingest(
        self, ref: DocumentRef, batch_size: int, *, locally: bool
    ) -> IngestDocumentResult:
        self._progress.stage = "extracting"
        # Locally: the activity runs in the worker that holds this workflow task, with no
        # activity task to schedule and dispatch. That halves the history (and Temporal's
        # work) of the common case, one small document finished by this one call.
        execute = (
            workflow.execute_local_activity_method if locally else workflow.execute_activity_method
        )
        prepared = await execute(
            KnowledgeActivities.prepare_document,
            ref,
            start_to_close_timeout=timedelta(minutes=5),
            retry_policy=PREPARE_RETRY,
        )
        if prepared.unchanged:
            await self._finish(ref, DocumentOutcome(status="unchanged"))
            self._progress = IngestProgress("unchanged", prepared.chunks, prepared.chunks)
            return IngestDocumentResult(status="unchanged", chunks=prepared.chunks)
        if prepared.finished:  # a small document, embedded and marked ready by prepare
            self._progress = IngestProgress("ready", prepared.chunks, prepared.chunks)
            return IngestDocumentResult(status="ready", chunks=prepared.chunks)
        self._progress = IngestProgress("embedding", prepared.embedded, prepared.chunks)
        for start in range(prepared.embedded, prepared.chunks, batch_size):
            end = min(start + batch_size, prepared.chunks)
            await workflow.execute_activity_method(
                KnowledgeActivities.embed_chunks,
                EmbedBatch(org_id=ref.org_id, document_id=ref.document_id, start=start, end=end),
                start_to_close_timeout=timedelta(minutes=10),
                heartbeat_timeout=timedelta(minutes=1),
                retry_policy=EMBED_RETRY,
            )
            self._progress.done = end
        await self._finish(ref, DocumentOutcome(status="ready"))
        self._progress.stage = "ready"
        return IngestDocumentResult(status="ready", chunks=prepared.chunks)

    async def _finish(self, ref: DocumentRef, outcome: DocumentOutcome) -> None:
        await workflow.execute_activity_method(
            KnowledgeActivities.finish_document,
            args=[ref, outcome],
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(maximum_attempts=20),
        )


def _reason(error: ActivityError | ApplicationError | TemporalTimeoutError) -> str:
    cause = error.cause if isinstance(error, ActivityError) else error
    if isinstance(cause, ApplicationError) and cause.type in NON_RETRYABLE_ERRORS:
        return cause.message
    return "ingestion failed after several attempts; try again or contact support"


async def ingest_as_child(org_id: uuid.UUID, document_id: uuid.UUID, batch_size: int) -> str:
    """Ingest one document as a child of the calling workflow (a source sync, a re-embed).
    Returns its outcome, or "running" when a member's re-ingest is already under way."""
    try:
        result = await workflow.execute_child_workflow(
            IngestDocumentWorkflow.run,
            IngestDocumentInput(
                org_id=org_id, document_id=document_id, batch_size=batch_size, prepare_locally=True
            ),
            id=ingest_document_id(org_id, document_id),
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
            parent_close_policy=ParentClosePolicy.REQUEST_CANCEL,
            search_attributes=search_attributes(org_id, "ingest"),
        )
    except WorkflowAlreadyStartedError:
        return "running"
    except ChildWorkflowError:
        return "failed"
    return result.status
