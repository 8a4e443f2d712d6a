"""OpenTelemetry traces on the real stack, exported by OTLP/HTTP to a local collector that
decodes the wire format with the ``opentelemetry-proto`` types: one trace runs from the
visitor's HTTP request through the ConversationWorkflow, its turn activity and the support
agent's nodes, and no span carries what the visitor wrote."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

from agents.providers.embeddings import LocalMiniLMEmbedder
from core.db import SessionMaker
from core.encryption import DataKeys
from core.ports import free_port
from core.settings import Settings
from core.temporal import connect_temporal
from core.tracing import configure_tracing
from tests.conftest import serve
from tests.factories import create_organization
from tests.integration.conversation_helpers import new_visitor, read_events, turn_done
from workflows.worker import build_workers


@dataclass(frozen=True)
class ReceivedSpan:
    name: str
    trace_id: bytes
    service: str
    attributes: dict[str, str]


@dataclass
class Collector:
    """An OTLP/HTTP trace receiver: ``POST /v1/traces`` with a protobuf body."""

    url: str = ""
    spans: list[ReceivedSpan] = field(default_factory=list)

    async def receive(self, request: web.Request) -> web.Response:
        assert request.content_type == "application/x-protobuf"
        export = ExportTraceServiceRequest.FromString(await request.read())
        for resource_spans in export.resource_spans:
            resource = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    self.spans.append(
                        ReceivedSpan(
                            name=span.name,
                            trace_id=span.trace_id,
                            service=resource.get("service.name", ""),
                            attributes={
                                a.key: str(a.value.ListFields()[0][1])
                                if a.value.ListFields()
                                else ""
                                for a in span.attributes
                            },
                        )
                    )
        return web.Response(
            body=ExportTraceServiceResponse().SerializeToString(),
            content_type="application/x-protobuf",
        )


@contextlib.asynccontextmanager
async def collector() -> AsyncIterator[Collector]:
    received = Collector()
    app = web.Application()
    app.router.add_post("/v1/traces", received.receive)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    received.url = f"http://127.0.0.1:{port}"
    try:
        yield received
    finally:
        await runner.cleanup()


async def test_one_trace_runs_from_the_request_through_the_workflow_to_the_agent_nodes(
    settings: Settings,
    session_maker: SessionMaker,
    keyring: DataKeys,
    embedder: LocalMiniLMEmbedder,
) -> None:
    async with collector() as received:
        traced = settings.model_copy(update={"otlp_endpoint": received.url})
        provider = configure_tracing(traced, "perceptron-test")
        assert provider is not None
        try:
            client = await connect_temporal(traced, keyring)
            organization = await create_organization(session_maker, "Lumen")
            async with contextlib.AsyncExitStack() as stack:
                for built in build_workers(
                    client, traced, session_maker, embedder=embedder, keyring=keyring
                ):
                    await stack.enter_async_context(built)
                async with serve(traced, embedder) as running, running.client() as http:
                    visitor = await new_visitor(http, organization.public_key, name="Ann Lovelace")
                    started = await visitor.start("my lamp in Turin blinks amber, why?")
                    conversation_id = started["conversation"]["id"]
                    await read_events(
                        http,
                        f"/api/widget/conversations/{conversation_id}/events",
                        visitor.headers,
                        turn_done,
                    )
            assert provider.force_flush(10_000)
            names = set()
            for _ in range(100):
                names = {span.name for span in received.spans}
                if "agent.judge" in names:
                    break
                await asyncio.sleep(0.05)
        finally:
            provider.shutdown()

    request = next(s for s in received.spans if s.name == "POST /api/widget/conversations")
    assert request.attributes["http.route"] == "/api/widget/conversations"
    trace = [span for span in received.spans if span.trace_id == request.trace_id]
    in_trace = {span.name for span in trace}
    assert "StartUpdateWithStartWorkflow:ConversationWorkflow" in in_trace, in_trace
    assert any(name.startswith("RunWorkflow:ConversationWorkflow") for name in in_trace), in_trace
    assert "RunActivity:run_turn" in in_trace, in_trace
    assert {"agent.route_request", "agent.retrieve", "agent.judge"} <= in_trace, in_trace
    judge = next(span for span in trace if span.name == "agent.judge")
    assert float(judge.attributes["agent.grounding.score"]) >= 0
    # Nothing the visitor wrote or is called in any span. Request spans are named by their
    # route template (no path with ids, no query); the Temporal spans carry the workflow id,
    # which is what platform operators search the Temporal UI by.
    for span in received.spans:
        for value in [span.name, *span.attributes.values()]:
            for private in ("Lovelace", "Turin", "amber", "blinks"):
                assert private not in value, (span.name, value)
        if span.name.startswith(("GET ", "POST ")):
            assert conversation_id not in span.name
            assert conversation_id not in " ".join(span.attributes.values())
            assert set(span.attributes) == {
                "http.request.method",
                "http.route",
                "http.response.status_code",
            }


@pytest.mark.parametrize("endpoint", [None, ""])
def test_tracing_is_off_without_an_endpoint(settings: Settings, endpoint: str | None) -> None:
    assert configure_tracing(settings.model_copy(update={"otlp_endpoint": endpoint}), "x") is None
