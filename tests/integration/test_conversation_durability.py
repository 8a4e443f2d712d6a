"""Durability: the stream survives an API restart; a turn survives its worker dying."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from temporalio.client import Client

from agents.providers.embeddings import LocalMiniLMEmbedder
from core.db import SessionMaker
from core.settings import Settings
from tests.conftest import serve
from tests.factories import create_organization
from tests.integration.conversation_helpers import (
    ScriptedAgent,
    SseEvent,
    Visitor,
    new_visitor,
    read_events,
    turn_done,
)
from workflows.worker import build_workers


@pytest.fixture
def agent() -> ScriptedAgent:
    return ScriptedAgent(token_delay=0.15)


@pytest.fixture
async def conversation_worker(
    temporal_client: Client,
    settings: Settings,
    session_maker: SessionMaker,
    embedder: LocalMiniLMEmbedder,
    agent: ScriptedAgent,
) -> AsyncIterator[None]:
    async with contextlib.AsyncExitStack() as stack:
        for built in build_workers(
            temporal_client, settings, session_maker, embedder=embedder, agent=agent
        ):
            await stack.enter_async_context(built)
        yield


@pytest.mark.usefixtures("conversation_worker")
async def test_a_client_resumes_after_an_api_restart_and_misses_nothing(
    settings: Settings, session_maker: SessionMaker, embedder: LocalMiniLMEmbedder
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    seen: list[SseEvent] = []
    async with serve(settings, embedder) as running, running.client() as client:
        visitor = await new_visitor(client, organization.public_key)
        started = await visitor.start("please explain the warranty in detail")
        cid = started["conversation"]["id"]
        url = f"/api/widget/conversations/{cid}/events"
        seen += await read_events(
            client,
            url,
            visitor.headers,
            lambda events: sum(e.type == "token" for e in events) >= 2,
        )
    # The API is gone mid-answer; the turn goes on in the worker. A new API process starts.
    await asyncio.sleep(0.3)
    async with serve(settings, embedder) as restarted, restarted.client() as client:
        rest = await read_events(client, url, visitor.headers, turn_done, last_event_id=seen[-1].id)
        full = await read_events(client, url, visitor.headers, turn_done)
        history = await Visitor(client, visitor.token, visitor.contact_id).history(cid)
    assert [e.id for e in seen + rest] == [e.id for e in full], "nothing missed, nothing twice"
    streamed = "".join(e.data["data"]["text"] for e in seen + rest if e.type == "token")
    assert streamed == history[-1]["content"]
