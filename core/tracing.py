"""OpenTelemetry traces: from the HTTP request through the workflow it starts, the workflow's
activities and the support agent's nodes, exported by OTLP over HTTP when
``PERCEPTRON_OTLP_ENDPOINT`` is set, and off (no-op, nothing recorded) otherwise.

Temporal carries the trace across processes in workflow and activity headers
(``temporalio.contrib.opentelemetry.TracingInterceptor`` on every client, and so on the
workers built from it). The API's request spans are our own small middleware rather than a
generic instrumentation, so that they carry only the route template, the method and the
status: never a path with ids, a query string with a token, or a header. The agent's node
spans carry the node's name and numbers (the judge's score), never the visitor's words.
"""

from __future__ import annotations

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from temporalio.client import Interceptor
from temporalio.contrib.opentelemetry import TracingInterceptor

from core.settings import Settings

__all__ = ["configure_tracing", "temporal_interceptors", "tracer"]

_configured: dict[str, TracerProvider] = {}  # the one provider of this process, once set


def configure_tracing(settings: Settings, service: str) -> TracerProvider | None:
    """The process's tracer provider, exporting to ``settings.otlp_endpoint``; None when no
    endpoint is set. The first call in a process decides (OpenTelemetry allows one global
    provider); later calls return it."""
    if not settings.otlp_endpoint:
        return None
    if "provider" not in _configured:
        provider = TracerProvider(
            resource=Resource.create({"service.name": service, "service.namespace": "perceptron"})
        )
        endpoint = f"{settings.otlp_endpoint.rstrip('/')}/v1/traces"
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
        trace.set_tracer_provider(provider)
        _configured["provider"] = provider
    return _configured["provider"]


def temporal_interceptors(settings: Settings) -> list[Interceptor]:
    """What a Temporal client needs to carry traces: the SDK's tracing interceptor when
    tracing is on, else nothing."""
    return [TracingInterceptor()] if settings.otlp_endpoint else []


def tracer(name: str) -> trace.Tracer:
    """A tracer of the process's provider (a no-op one until tracing is configured)."""
    return trace.get_tracer(name)
