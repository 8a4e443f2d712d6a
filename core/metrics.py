"""What the product counts, for Prometheus (``prometheus-client``).

Each process keeps its own counters: the API serves its own at ``/metrics``, and the worker,
which runs the turns and the ingestions, serves its own on ``worker_metrics_port`` (beside
the Temporal SDK's metrics, which the SDK runtime exports on ``temporal_metrics_port``).
``docker/prometheus.yml`` scrapes all three.

Labels never carry personal data or ids: routes are their templates
(``/api/orgs/{org_id}/conversations``), never the path a visitor requested; decisions and
causes are small fixed sets.
"""

from __future__ import annotations

import hmac

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

from core.settings import MetricsAccess

__all__ = [
    "CONTENT_TYPE_LATEST",
    "REGISTRY",
    "MetricsAccess",
    "allowed",
    "exposition",
    "serve",
]

REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "perceptron_http_requests",
    "HTTP requests answered, by route template, method and status class.",
    ("route", "method", "status"),
    registry=REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "perceptron_http_request_duration_seconds",
    "Time to the response's start, by route template and method.",
    ("route", "method"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
TURNS = Counter(
    "perceptron_turns",
    "Conversation turns the agent finished, by decision (answer, clarify, handoff).",
    ("decision",),
    registry=REGISTRY,
)
HANDOFFS = Counter(
    "perceptron_handoffs",
    "Turns handed to a person, by cause (requested, dissatisfied, unanswered, model_failure).",
    ("cause",),
    registry=REGISTRY,
)
TURN_SECONDS = Histogram(
    "perceptron_turn_duration_seconds",
    "Time the agent took for a turn, from the visitor's message read to the answer stored.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=REGISTRY,
)
DOCUMENTS = Counter(
    "perceptron_documents_ingested",
    "Knowledge documents whose ingestion ended, by outcome (ready, failed).",
    ("outcome",),
    registry=REGISTRY,
)
CHUNKS_EMBEDDED = Counter(
    "perceptron_chunks_embedded",
    "Knowledge chunks embedded (ingestion throughput).",
    registry=REGISTRY,
)
WEBHOOK_FAILURES = Counter(
    "perceptron_webhook_failures",
    "Webhook delivery attempts that failed, by reason (status, network, refused).",
    ("reason",),
    registry=REGISTRY,
)


def allowed(access: MetricsAccess, token: str | None, authorization: str | None) -> bool:
    """Whether a request with this ``Authorization`` header may read the metrics."""
    if access is MetricsAccess.OPEN:
        return True
    if access is MetricsAccess.OFF or not token or not authorization:
        return False
    scheme, _, given = authorization.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token)


def exposition() -> bytes:
    """The counters in Prometheus' text format."""
    return generate_latest(REGISTRY)


def serve(port: int, host: str) -> None:
    """Serve the counters on ``host:port`` from a background thread (the worker has no web
    server of its own)."""
    start_http_server(port, addr=host, registry=REGISTRY)


def status_class(status: int) -> str:
    """``2xx``, ``4xx``, ...: the status label (a fixed, small set)."""
    return f"{status // 100}xx"
