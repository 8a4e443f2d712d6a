"""Worker assembly: which workflows and activities run on which task queue."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.worker import Worker

from activities.system import SystemActivities
from core.db import SessionMaker
from core.settings import Settings
from core.temporal import ActivityLoggingInterceptor
from workflows.system_check import SystemCheckWorkflow


def build_workers(
    client: Client,
    settings: Settings,
    session_maker: SessionMaker,
    task_queue_override: str | None = None,
) -> list[Worker]:
    """One worker per task queue. Tests pass ``task_queue_override`` to isolate themselves."""
    queues = settings.temporal.task_queues
    system = SystemActivities(session_maker)
    interceptors = [ActivityLoggingInterceptor()]
    return [
        Worker(
            client,
            task_queue=task_queue_override or queues.system,
            workflows=[SystemCheckWorkflow],
            activities=[system.check_database],
            interceptors=interceptors,
        )
    ]
