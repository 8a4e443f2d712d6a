"""ContactErasureWorkflow: one contact's right to deletion, from request to receipt.

A grace period first (the organization's ``contact_erasure_grace``; none for a reported
minor), during which the request can be cancelled: an Update, so the caller learns whether
the cancel came in time. Then, in this order: the contact's conversation workflows are deleted
from Temporal (a running one is terminated first, so it stops writing), its rows are deleted
in one transaction (counted first, for the receipt), and a last sweep deletes the histories
of every conversation whose rows went, including one started in between. The receipt holds
counts and timestamps only. The input carries ids only: never a name, an email or a phone
number.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.contact_erasure import (
        ERASE_NOW_SIGNAL,
        WORKFLOW_NAME,
        ContactErasureInput,
        ConversationBatch,
        ErasureCompletion,
        ErasureRef,
    )
    from activities.contact_erasure import ContactErasureActivities as Activities

SCHEDULED = "scheduled"
RUNNING = "running"
COMPLETED = "completed"
CANCELLED = "cancelled"

# An erasure is owed: it retries until it succeeds (a broken store gets fixed and it
# finishes), with a ceiling on the backoff so it finishes soon after.
ERASURE_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1)
)
ROWS_TIMEOUT = timedelta(minutes=5)
TEMPORAL_TIMEOUT = timedelta(minutes=30)
HEARTBEAT = timedelta(seconds=30)


@dataclass
class ContactErasureResult:
    status: str  # completed or cancelled
    deleted: dict[str, int] = field(default_factory=dict)


@dataclass
class ErasureState:
    """What the privacy page shows while the workflow runs."""

    stage: str  # scheduled, running, completed, cancelled
    erase_after: datetime | None
    deleted: dict[str, int]


@workflow.defn(name=WORKFLOW_NAME)
class ContactErasureWorkflow:
    @workflow.init
    def __init__(self, input: ContactErasureInput) -> None:
        grace = timedelta(seconds=max(0.0, input.grace_seconds))
        self._stage = SCHEDULED if grace else RUNNING
        self._erase_after = workflow.now() + grace if grace else None
        self._cancel_requested = False
        self._erase_now = False
        self._deleted: dict[str, int] = {}

    @workflow.run
    async def run(self, input: ContactErasureInput) -> ContactErasureResult:
        ref = ErasureRef(
            org_id=input.org_id, request_id=input.request_id, contact_id=input.contact_id
        )
        if self._stage == SCHEDULED:
            with contextlib.suppress(TimeoutError):  # the grace period is over
                await workflow.wait_condition(
                    lambda: self._cancel_requested or self._erase_now,
                    timeout=timedelta(seconds=input.grace_seconds),
                    timeout_summary="contact erasure grace period",
                )
            if self._cancel_requested:
                await workflow.execute_activity_method(
                    Activities.mark_erasure_cancelled,
                    ref,
                    start_to_close_timeout=ROWS_TIMEOUT,
                    retry_policy=ERASURE_RETRY,
                )
                self._stage = CANCELLED
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.logger.info("contact erasure cancelled in its grace period")
                return ContactErasureResult(status=CANCELLED)
        self._stage = RUNNING
        started_at = workflow.now()
        await workflow.execute_activity_method(
            Activities.mark_erasure_running,
            ref,
            start_to_close_timeout=ROWS_TIMEOUT,
            retry_policy=ERASURE_RETRY,
        )
        conversation_ids = await workflow.execute_activity_method(
            Activities.contact_conversations,
            ref,
            start_to_close_timeout=ROWS_TIMEOUT,
            retry_policy=ERASURE_RETRY,
        )
        batch = ConversationBatch(org_id=input.org_id, conversation_ids=conversation_ids)
        stopped = await workflow.execute_activity_method(
            Activities.stop_contact_conversations,
            batch,
            start_to_close_timeout=TEMPORAL_TIMEOUT,
            heartbeat_timeout=HEARTBEAT,
            retry_policy=ERASURE_RETRY,
        )
        rows = await workflow.execute_activity_method(
            Activities.delete_contact_rows,
            ref,
            start_to_close_timeout=ROWS_TIMEOUT,
            retry_policy=ERASURE_RETRY,
        )
        # The conversations listed first and those the row deletion found: one started in
        # between lost its rows, so its history goes too.
        swept = await workflow.execute_activity_method(
            Activities.delete_contact_histories,
            ConversationBatch(
                org_id=input.org_id,
                conversation_ids=list(dict.fromkeys([*conversation_ids, *rows.conversation_ids])),
                skip_runs=stopped.deleted_runs,
            ),
            start_to_close_timeout=TEMPORAL_TIMEOUT,
            heartbeat_timeout=HEARTBEAT,
            retry_policy=ERASURE_RETRY,
        )
        self._deleted = {
            **rows.deleted,
            "workflows_terminated": stopped.terminated + swept.terminated,
            "workflow_histories": len(stopped.deleted_runs) + len(swept.deleted_runs),
        }
        await workflow.execute_activity_method(
            Activities.complete_erasure,
            ErasureCompletion(
                ref=ref,
                deleted=self._deleted,
                started_at=started_at,
                completed_at=workflow.now(),
            ),
            start_to_close_timeout=ROWS_TIMEOUT,
            retry_policy=ERASURE_RETRY,
        )
        self._stage = COMPLETED
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.logger.info("contact erased")
        return ContactErasureResult(status=COMPLETED, deleted=self._deleted)

    @workflow.update
    async def cancel(self) -> str:
        """Cancel during the grace period; returns once the request is marked cancelled."""
        self._cancel_requested = True
        await workflow.wait_condition(lambda: self._stage == CANCELLED)
        return self._stage

    @cancel.validator
    def _validate_cancel(self) -> None:
        if self._stage != SCHEDULED or self._erase_now:
            raise ValueError("the erasure has started already and can no longer be cancelled")

    @workflow.signal(name=ERASE_NOW_SIGNAL)
    def erase_now(self) -> None:
        """A reported minor: end the grace period at once (unless cancelled already)."""
        if not self._cancel_requested:
            self._erase_now = True

    @workflow.query
    def state(self) -> ErasureState:
        return ErasureState(
            stage=self._stage, erase_after=self._erase_after, deleted=dict(self._deleted)
        )
