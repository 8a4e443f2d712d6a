"""The platform's daily retention schedule.

:func:`ensure_retention_schedule` creates the Temporal Schedule that starts
``RetentionSweepWorkflow`` every day at ``settings.retention_sweep_hour_utc`` (UTC), skipping a
day while the previous sweep still runs. It is idempotent: an existing schedule is brought up
to date (hour, task queue) and keeps its paused state, so ``perceptron up`` and
``perceptron temporal-setup`` can call it on every start.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleCalendarSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleRange,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
)
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from core.db import create_engine, create_session_maker
from core.ids import KIND, RETENTION_SCHEDULE_ID
from core.logging import get_logger
from core.payload_codec import create_keyring
from core.settings import Settings
from core.temporal import connect_temporal
from workflows.retention_sweep import RetentionSweepInput, RetentionSweepWorkflow

log = get_logger(__name__)

# A sweep that has not finished within a day is stopped; the next day's run starts afresh.
SWEEP_TIMEOUT = timedelta(hours=23)


def retention_schedule(settings: Settings) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(
            RetentionSweepWorkflow.run,
            RetentionSweepInput(),
            id=RETENTION_SCHEDULE_ID,
            task_queue=settings.temporal.task_queues.privacy,
            execution_timeout=SWEEP_TIMEOUT,
            typed_search_attributes=TypedSearchAttributes([SearchAttributePair(KIND, "retention")]),
        ),
        spec=ScheduleSpec(
            calendars=[
                ScheduleCalendarSpec(
                    hour=[ScheduleRange(settings.retention_sweep_hour_utc)],
                    minute=[ScheduleRange(0)],
                    second=[ScheduleRange(0)],
                    comment="daily retention sweep",
                )
            ],
            time_zone_name="UTC",
        ),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )


async def ensure_retention_schedule(client: Client, settings: Settings) -> None:
    """Create the daily retention schedule, or update the existing one to the settings."""
    desired = retention_schedule(settings)
    try:
        await client.create_schedule(RETENTION_SCHEDULE_ID, desired)
    except ScheduleAlreadyRunningError:
        pass
    else:
        log.info("retention schedule created", hour_utc=settings.retention_sweep_hour_utc)
        return

    def keep_state(current: ScheduleUpdateInput) -> ScheduleUpdate:
        return ScheduleUpdate(
            schedule=dataclasses.replace(desired, state=current.description.schedule.state)
        )

    await client.get_schedule_handle(RETENTION_SCHEDULE_ID).update(keep_state)


async def prepare_retention_schedule(settings: Settings) -> None:
    """:func:`ensure_retention_schedule` with a client of its own, for ``perceptron up`` and
    ``perceptron temporal-setup``. The schedule's payloads use the platform key, which the
    keyring derives from the master key without reading the database."""
    engine = create_engine(settings.resolved_database_url, pool_size=1)
    try:
        client = await connect_temporal(
            settings, create_keyring(settings, create_session_maker(engine))
        )
        await ensure_retention_schedule(client, settings)
    finally:
        await engine.dispose()
