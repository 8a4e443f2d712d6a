"""The metrics' access rule, their settings, and the monitoring files in docker/ agreeing
with what the code exports."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import SecretStr, ValidationError

from core import metrics
from core.settings import Environment, MetricsAccess, Settings

DOCKER = Path(__file__).resolve().parents[2] / "docker"
# The Temporal SDK metrics the integration test saw the worker's runtime export.
SDK_METRICS = {"temporal_workflow_completed", "temporal_workflow_task_execution_latency"}


def test_only_the_metrics_token_as_a_bearer_token_opens_guarded_metrics() -> None:
    token = "a-long-random-metrics-token"
    assert metrics.allowed(MetricsAccess.OPEN, None, None)
    assert metrics.allowed(MetricsAccess.TOKEN, token, f"Bearer {token}")
    assert metrics.allowed(MetricsAccess.TOKEN, token, f"bearer {token}")
    assert not metrics.allowed(MetricsAccess.TOKEN, token, None)
    assert not metrics.allowed(MetricsAccess.TOKEN, token, "Bearer guessed")
    assert not metrics.allowed(MetricsAccess.TOKEN, token, f"Basic {token}")
    assert not metrics.allowed(MetricsAccess.TOKEN, None, "Bearer ")
    assert not metrics.allowed(MetricsAccess.OFF, token, f"Bearer {token}")


def _production(**more: Any) -> Settings:
    return Settings(
        environment=Environment.PRODUCTION,
        secret_key="s" * 40,
        master_key="m" * 40,
        clerk_jwks_url="https://clerk.example.com/.well-known/jwks.json",
        **more,
    )


def test_metrics_are_open_locally_and_guarded_or_off_elsewhere() -> None:
    assert Settings().effective_metrics_access is MetricsAccess.OPEN
    assert _production().effective_metrics_access is MetricsAccess.OFF
    guarded = _production(metrics_token=SecretStr("t" * 32))
    assert guarded.effective_metrics_access is MetricsAccess.TOKEN
    with pytest.raises(ValidationError, match="PERCEPTRON_METRICS_TOKEN"):
        Settings(metrics_access=MetricsAccess.TOKEN)


def test_the_grafana_dashboard_plots_only_metrics_that_are_exported() -> None:
    dashboard = json.loads((DOCKER / "grafana-dashboard.json").read_text())
    expressions = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    used = {
        name for expr in expressions for name in re.findall(r"\b(?:perceptron|temporal)_\w+", expr)
    }
    exported = {family.name for family in metrics.REGISTRY.collect()}
    suffixes = re.compile(r"_(?:total|bucket|count|sum)$")
    for name in used:
        family = suffixes.sub("", name)
        assert family in exported | SDK_METRICS, f"{name} is not exported"
    assert {f.name for f in metrics.REGISTRY.collect()} <= {suffixes.sub("", n) for n in used}


def test_prometheus_scrapes_the_ports_the_worker_serves_on() -> None:
    scrape = yaml.safe_load((DOCKER / "prometheus.yml").read_text())
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    worker = compose["services"]["worker"]["environment"]
    targets = {
        job["job_name"]: target
        for job in scrape["scrape_configs"]
        for config in job["static_configs"]
        for target in config["targets"]
    }
    assert targets["perceptron-worker"] == f"worker:{worker['PERCEPTRON_WORKER_METRICS_PORT']}"
    assert (
        targets["perceptron-worker-temporal-sdk"]
        == f"worker:{worker['PERCEPTRON_TEMPORAL_METRICS_PORT']}"
    )
    assert targets["perceptron-api"] == "api:8000"
