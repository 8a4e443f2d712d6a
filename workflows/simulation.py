"""SimulationWorkflow: re-run cases through the support agent with a candidate change and
record, per case, what would change.

Write the cases (recorded conversations or a labelled question set), run them in batches
(each batch one heartbeating activity that stores every case as it finishes), then summarise.
``progress`` answers how many cases are done. The workflow holds ids and counts only: the
questions and answers live in ``simulation_results``. Nothing is sent to a visitor or written
into a conversation.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.simulation import (
        NON_RETRYABLE_ERRORS,
        CaseBatch,
        SimulationActivities,
        SimulationFailure,
        SimulationRef,
    )

DEFAULT_BATCH_SIZE = 5


@dataclass
class SimulationInput:
    org_id: uuid.UUID
    simulation_id: uuid.UUID
    batch_size: int = DEFAULT_BATCH_SIZE


@dataclass
class SimulationOutcome:
    status: str  # completed or failed
    total: int = 0
    done: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    reason: str | None = None


@dataclass
class SimulationProgress:
    status: str  # preparing, running, completed, failed
    done: int
    total: int


RUN_RETRY = RetryPolicy(
    maximum_attempts=5,
    initial_interval=timedelta(seconds=2),
    non_retryable_error_types=NON_RETRYABLE_ERRORS,
)
BOOKKEEPING_RETRY = RetryPolicy(maximum_attempts=20, non_retryable_error_types=NON_RETRYABLE_ERRORS)


@workflow.defn
class SimulationWorkflow:
    def __init__(self) -> None:
        self._status = "preparing"
        self._done = 0
        self._total = 0

    @workflow.run
    async def run(self, input: SimulationInput) -> SimulationOutcome:
        ref = SimulationRef(org_id=input.org_id, simulation_id=input.simulation_id)
        try:
            prepared = await workflow.execute_activity_method(
                SimulationActivities.prepare_cases,
                ref,
                start_to_close_timeout=timedelta(minutes=2),
                retry_policy=BOOKKEEPING_RETRY,
            )
            self._total = prepared.total
            self._status = "running"
            size = max(1, input.batch_size)
            for start in range(0, prepared.total, size):
                await workflow.execute_activity_method(
                    SimulationActivities.run_cases,
                    CaseBatch(ref=ref, start=start, count=size),
                    start_to_close_timeout=timedelta(minutes=30),
                    heartbeat_timeout=timedelta(minutes=2),
                    retry_policy=RUN_RETRY,
                )
                self._done = min(start + size, prepared.total)
            summary = await workflow.execute_activity_method(
                SimulationActivities.finish_simulation,
                ref,
                start_to_close_timeout=timedelta(minutes=2),
                retry_policy=BOOKKEEPING_RETRY,
            )
        except ActivityError as error:
            reason = _reason(error)
            workflow.logger.info("simulation failed: %s", reason)
            self._status = "failed"
            await workflow.execute_activity_method(
                SimulationActivities.fail_simulation,
                args=[ref, SimulationFailure(reason=reason)],
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=RetryPolicy(maximum_attempts=20),
            )
            return SimulationOutcome(
                status="failed", total=self._total, done=self._done, reason=reason
            )
        self._status = "completed"
        return SimulationOutcome(
            status="completed", total=self._total, done=self._done, counts=summary.counts
        )

    @workflow.query
    def progress(self) -> SimulationProgress:
        return SimulationProgress(status=self._status, done=self._done, total=self._total)


def _reason(error: ActivityError) -> str:
    """Our own non-retryable reasons (no personal data), otherwise a generic one."""
    cause = error.cause
    if isinstance(cause, ApplicationError) and cause.type in NON_RETRYABLE_ERRORS:
        return cause.message
    return "the simulation failed after several attempts; start it again"
