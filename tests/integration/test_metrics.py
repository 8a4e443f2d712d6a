"""Prometheus metrics on the real stack: the API's ``/metrics`` counts requests by route
template and the turns the worker ran, behind the access setting; the worker serves its own
counters, and the Temporal SDK runtime exports the worker's SDK metrics."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import Worker

from agents.support.turn import Decision
from core import metrics
from core.db import SessionMaker
from core.encryption import DataKeys
from core.ports import free_port
from core.settings import MetricsAccess, Settings
from core.temporal import connect_temporal, worker_runtime
from tests.conftest import RunningApi, serve
from tests.factories import create_organization
from tests.integration.conversation_helpers import (
    ScriptedAgent,
    new_visitor,
    read_events,
    turn_done,
)

pytestmark = pytest.mark.usefixtures("conversation_worker")


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an exposition, by name and sorted labels."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _value(
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_turns_handoffs_and_requests_are_counted_without_ids_or_words(
    api: RunningApi, session_maker: SessionMaker, agent: ScriptedAgent
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    agent.decisions = [Decision.ANSWER, Decision.HANDOFF]
    async with api.client() as client:
        before = _samples((await client.get("/metrics")).text)
        visitor = await new_visitor(client, organization.public_key, name="Ann Lovelace")
        started = await visitor.start("How do I reset the lamp?")
        conversation_id = started["conversation"]["id"]
        url = f"/api/widget/conversations/{conversation_id}/events"
        await read_events(client, url, visitor.headers, turn_done)
        said = await visitor.say(conversation_id, "my lamp in Turin still blinks")
        assert said.status_code == 202, said.text
        await read_events(client, url, visitor.headers, lambda events: turn_done(events, 2))
        scraped = await client.get("/metrics")

    assert scraped.status_code == 200
    assert scraped.headers["content-type"].startswith("text/plain")
    after = _samples(scraped.text)

    def grew(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert grew("perceptron_turns_total", decision="answer") == 1
    assert grew("perceptron_turns_total", decision="handoff") == 1
    assert grew("perceptron_handoffs_total", cause="unanswered") == 1
    assert grew("perceptron_turn_duration_seconds_count") == 2
    route = "/api/widget/conversations/{conversation_id}/messages"
    assert grew("perceptron_http_requests_total", route=route, method="POST", status="2xx") == 1
    assert grew("perceptron_http_request_duration_seconds_count", route=route, method="POST") == 1
    # Labels are templates and fixed sets: no id, no name, no words of a message.
    for private in (conversation_id, str(organization.id), "Lovelace", "Turin", "blinks"):
        assert private not in scraped.text


async def test_metrics_access_is_open_locally_token_or_off_elsewhere(settings: Settings) -> None:
    token = "metrics-" + uuid.uuid4().hex
    guarded = settings.model_copy(
        update={"metrics_access": MetricsAccess.TOKEN, "metrics_token": SecretStr(token)}
    )
    async with serve(guarded) as running, running.client() as client:
        missing = await client.get("/metrics")
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer not-it"})
        right = await client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert wrong.status_code == 401
    assert right.status_code == 200
    assert "perceptron_http_requests_total" in right.text

    off = settings.model_copy(update={"metrics_access": MetricsAccess.OFF})
    async with serve(off) as running, running.client() as client:
        assert (await client.get("/metrics")).status_code == 404
    assert settings.effective_metrics_access is MetricsAccess.OPEN  # local mode


@workflow.defn(sandboxed=False)
class Tick:
    @workflow.run
    async def run(self) -> str:
        await workflow.sleep(timedelta(milliseconds=10))
        return "tock"


async def test_the_worker_serves_its_counters_and_the_temporal_sdk_metrics(
    settings: Settings, keyring: DataKeys
) -> None:
    ours, sdk = free_port(), free_port()
    worker_settings = settings.model_copy(
        update={"worker_metrics_port": ours, "temporal_metrics_port": sdk}
    )
    metrics.serve(ours, worker_settings.metrics_host)
    runtime = worker_runtime(worker_settings)
    assert runtime is not None
    client: Client = await connect_temporal(worker_settings, keyring, runtime=runtime)
    queue = f"metrics-{uuid.uuid4().hex[:8]}"
    async with Worker(client, task_queue=queue, workflows=[Tick]):
        result = await client.execute_workflow(
            Tick.run, id=f"tick-{uuid.uuid4().hex[:8]}", task_queue=queue
        )
    assert result == "tock"
    async with httpx.AsyncClient(timeout=5) as http:
        counters = await http.get(f"http://127.0.0.1:{ours}/metrics")
        exported = await http.get(f"http://127.0.0.1:{sdk}/metrics")
    assert {"perceptron_turns", "perceptron_documents_ingested"} <= _families(counters.text)
    sdk_names = _names(exported.text)
    assert any(name.startswith("temporal_workflow_completed") for name in sdk_names), sdk_names
    assert any(name.startswith("temporal_workflow_task_execution_latency") for name in sdk_names)
    assert worker_runtime(settings) is None  # no port set: no exporter


def _families(text: str) -> set[str]:
    return {family.name for family in text_string_to_metric_families(text)}


def _names(text: str) -> set[str]:
    return {
        sample.name for family in text_string_to_metric_families(text) for sample in family.samples
    }
