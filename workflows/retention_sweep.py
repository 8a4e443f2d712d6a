"""RetentionSweepWorkflow: apply every organization's retention settings, once a day.

Started by the platform's Temporal Schedule (``services.retention``). It pages through the
organizations, one activity per organization, and continues-as-new after each page so a
platform with many organizations never grows one long history. The workflow id carries no
organization, so its payloads are the platform's, never one organization's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.retention import (
        ORGANIZATIONS_PER_PAGE,
        OrganizationsPage,
        RetentionActivities,
        SweepCounts,
        SweepOrganization,
    )


@dataclass
class RetentionTotals:
    organizations: int = 0
    ips_removed: int = 0
    conversations_deleted: int = 0
    histories_deleted: int = 0
    erasures_resumed: int = 0
    recordings_deleted: int = 0
    webhook_deliveries_deleted: int = 0
    webhook_events_deleted: int = 0
    webhook_secrets_forgotten: int = 0


@dataclass
class RetentionSweepInput:
    # Set by the sweep itself when it continues-as-new; a scheduled run starts empty.
    after: uuid.UUID | None = None
    as_of: datetime | None = None
    totals: RetentionTotals = field(default_factory=RetentionTotals)
    page_size: int = ORGANIZATIONS_PER_PAGE


SWEEP_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=5), maximum_interval=timedelta(minutes=5)
)


@workflow.defn
class RetentionSweepWorkflow:
    @workflow.run
    async def run(self, input: RetentionSweepInput) -> RetentionTotals:
        as_of = input.as_of or workflow.now()
        totals = input.totals
        page = await workflow.execute_activity_method(
            RetentionActivities.retention_page,
            OrganizationsPage(after=input.after, limit=input.page_size),
            start_to_close_timeout=timedelta(minutes=1),
            retry_policy=SWEEP_RETRY,
        )
        for retention in page.organizations:
            counts: SweepCounts = await workflow.execute_activity_method(
                RetentionActivities.sweep_organization,
                SweepOrganization(retention=retention, as_of=as_of),
                start_to_close_timeout=timedelta(hours=2),
                heartbeat_timeout=timedelta(minutes=2),
                retry_policy=SWEEP_RETRY,
            )
            totals.organizations += 1
            totals.ips_removed += counts.ips_removed
            totals.conversations_deleted += counts.conversations_deleted
            totals.histories_deleted += counts.histories_deleted
            totals.erasures_resumed += counts.erasures_resumed
            totals.recordings_deleted += counts.recordings_deleted
            totals.webhook_deliveries_deleted += counts.webhook_deliveries_deleted
            totals.webhook_events_deleted += counts.webhook_events_deleted
            totals.webhook_secrets_forgotten += counts.webhook_secrets_forgotten
        if page.next_after is not None:
            workflow.continue_as_new(
                RetentionSweepInput(
                    after=page.next_after, as_of=as_of, totals=totals, page_size=input.page_size
                )
            )
        workflow.logger.info(
            "retention sweep done: %d organizations, %d IPs removed, %d conversations deleted",
            totals.organizations,
            totals.ips_removed,
            totals.conversations_deleted,
        )
        return totals
