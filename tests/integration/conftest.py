"""Fixtures shared by the integration tests: a fake OpenAI server, a scripted agent and
workers that use it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator

import pytest
from temporalio.client import Client

from agents.providers.embeddings import LocalMiniLMEmbedder
from core.db import SessionMaker
from core.settings import Settings
from tests.fakes.openai import FakeOpenAI
from tests.integration.conversation_helpers import ScriptedAgent
from workflows.worker import build_workers

FAKE_OPENAI_KEY = "sk-test-perceptron"


@pytest.fixture(scope="module")
def fake_openai() -> Iterator[tuple[FakeOpenAI, str]]:
    """A local OpenAI-compatible server (one per module) and its base URL."""
    fake = FakeOpenAI(api_key=FAKE_OPENAI_KEY)
    with fake.serve() as base_url:
        yield fake, base_url


@pytest.fixture
def fake(fake_openai: tuple[FakeOpenAI, str]) -> FakeOpenAI:
    """The module's fake server, with the previous test's script and records cleared."""
    server, _ = fake_openai
    server.reset()
    return server


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
