"""Fixtures shared by the conversation tests: a scripted agent and workers that use it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest
from temporalio.client import Client

from agents.providers.embeddings import LocalMiniLMEmbedder
from core.db import SessionMaker
from core.settings import Settings
from tests.integration.conversation_helpers import ScriptedAgent
from workflows.worker import build_workers


@pytest.fixture
def agent() -> ScriptedAgent:
    return ScriptedAgent()


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
            temporal_client,
            settings,
            session_maker,
            embedder=embedder,
            agent=agent,
        ):
            await stack.enter_async_context(built)
        yield
