"""DataExportWorkflow: an organization's or one contact's data as a ZIP, behind an expiring
link, then gone.

Build the archive (one heartbeating activity that streams every table to a file and stores
it under the organization's prefix), mark the request complete with the link's expiry, sleep
on a durable timer until that expiry and delete the file. The download token is never in the
workflow: the API mints it (and stores only its hash) when a member asks for the link.

A contact erased while the archive is built must not stay in it: the build is retried when an
erasure ran after its snapshot, and the export fails (file deleted, "request a new export")
when one starts between the build and the link.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.data_export import (
        NON_RETRYABLE_ERRORS,
        DataExportActivities,
        ExportCompletion,
        ExportFailure,
        ExportRef,
    )


@dataclass
class DataExportInput:
    org_id: uuid.UUID
    request_id: uuid.UUID
    # How long the download link works once the archive is ready (settings:
    # export_link_ttl_hours; tests pass seconds).
    link_ttl_seconds: int = 24 * 3600


@dataclass
class DataExportResult:
    status: str  # expired (the link ran its course) or failed
    size_bytes: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    reason: str | None = None


BUILD_RETRY = RetryPolicy(
    maximum_attempts=5,
    initial_interval=timedelta(seconds=2),
    non_retryable_error_types=NON_RETRYABLE_ERRORS,
)
BOOKKEEPING_RETRY = RetryPolicy(maximum_attempts=20, non_retryable_error_types=NON_RETRYABLE_ERRORS)


@workflow.defn
class DataExportWorkflow:
    @workflow.run
    async def run(self, input: DataExportInput) -> DataExportResult:
        ref = ExportRef(org_id=input.org_id, request_id=input.request_id)
        try:
            await workflow.execute_activity_method(
                DataExportActivities.start_export,
                ref,
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=BOOKKEEPING_RETRY,
            )
            built = await workflow.execute_activity_method(
                DataExportActivities.build_export,
                ref,
                start_to_close_timeout=timedelta(hours=2),
                heartbeat_timeout=timedelta(minutes=2),
                retry_policy=BUILD_RETRY,
            )
            expires_at = await workflow.execute_activity_method(
                DataExportActivities.complete_export,
                ExportCompletion(ref=ref, built=built, link_ttl_seconds=input.link_ttl_seconds),
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=BOOKKEEPING_RETRY,
            )
        except ActivityError as error:
            reason = _reason(error)
            workflow.logger.info("export failed: %s", reason)
            await workflow.execute_activity_method(
                DataExportActivities.fail_export,
                args=[ref, ExportFailure(reason=reason)],
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=RetryPolicy(maximum_attempts=20),
            )
            return DataExportResult(status="failed", reason=reason)
        remaining = expires_at - workflow.now()
        if remaining > timedelta(0):
            await workflow.sleep(remaining)
        await workflow.execute_activity_method(
            DataExportActivities.expire_export,
            ref,
            start_to_close_timeout=timedelta(minutes=1),
            retry_policy=RetryPolicy(maximum_attempts=50, maximum_interval=timedelta(minutes=5)),
        )
        return DataExportResult(status="expired", size_bytes=built.size_bytes, counts=built.counts)


def _reason(error: ActivityError) -> str:
    """A failure message for the dashboard: our own non-retryable reasons (no personal data),
    otherwise a generic one (an exception's text might quote data)."""
    cause = error.cause
    if isinstance(cause, ApplicationError) and cause.type in NON_RETRYABLE_ERRORS:
        return cause.message
    return "the export failed after several attempts; request a new one"
