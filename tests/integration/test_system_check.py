"""The system check runs through a real worker against the real database."""

from __future__ import annotations

import io
import json
import os
import uuid
from pathlib import Path

from temporalio.client import Client

from core.db import SessionMaker
from core.logging import configure_logging
from core.settings import Settings
from workflows.system_check import SystemCheckInput, SystemCheckWorkflow
from workflows.worker import build_workers

HISTORIES = Path(__file__).resolve().parents[1] / "replay" / "histories"


async def test_system_check_reaches_postgres_with_pgvector_through_the_worker(
    temporal_client: Client, settings: Settings, session_maker: SessionMaker, task_queue: str
) -> None:
    (worker,) = build_workers(temporal_client, settings, session_maker, task_queue)
    async with worker:
        handle = await temporal_client.start_workflow(
            SystemCheckWorkflow.run,
            SystemCheckInput(requested_by="test"),
            id=f"system-check-{uuid.uuid4()}",
            task_queue=task_queue,
        )
        result = await handle.result()
    assert result.worker_ok
    assert result.database.pgvector_version == "0.8.6"
    assert result.database.schema_revision is not None
    if os.environ.get("PERCEPTRON_RECORD_HISTORIES"):
        history = await handle.fetch_history()
        document = json.loads(history.to_json())
        (HISTORIES / "system_check.json").write_text(json.dumps(document, indent=1) + "\n")


async def test_activity_log_lines_carry_the_workflow_id(
    temporal_client: Client, settings: Settings, session_maker: SessionMaker, task_queue: str
) -> None:
    stream = io.StringIO()
    configure_logging("json", "INFO", stream=stream)
    try:
        (worker,) = build_workers(temporal_client, settings, session_maker, task_queue)
        workflow_id = f"system-check-{uuid.uuid4()}"
        async with worker:
            await temporal_client.execute_workflow(
                SystemCheckWorkflow.run,
                SystemCheckInput(requested_by="test"),
                id=workflow_id,
                task_queue=task_queue,
            )
    finally:
        configure_logging("console", "WARNING")
    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    checked = [event for event in events if event["event"] == "database checked"]
    assert len(checked) == 1
    assert checked[0]["workflow_id"] == workflow_id
    assert checked[0]["activity"] == "check_database"
