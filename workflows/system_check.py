"""SystemCheckWorkflow: proves the whole path API -> Temporal -> worker -> PostgreSQL works.

`perceptron up` runs it before announcing the stack ready and `perceptron check` runs it on
demand, so a worker that cannot reach the database is found at once, not at the first
customer message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.system import DatabaseStatus, SystemActivities


@dataclass
class SystemCheckInput:
    requested_by: str = "cli"


@dataclass
class SystemCheckResult:
    worker_ok: bool
    database: DatabaseStatus


@workflow.defn
class SystemCheckWorkflow:
    @workflow.run
    async def run(self, input: SystemCheckInput) -> SystemCheckResult:
        workflow.logger.info("system check requested by %s", input.requested_by)
        database = await workflow.execute_activity_method(
            SystemActivities.check_database,
            start_to_close_timeout=timedelta(seconds=10),
            retry_policy=RetryPolicy(maximum_attempts=3),
        )
        return SystemCheckResult(worker_ok=True, database=database)
