"""Real servers for the tests: embedded PostgreSQL + pgvector and the Temporal dev server.

Both start once per session from the binaries the project installs (nothing is downloaded).
Every test gets its own database, cloned from a migrated template (fast, and fully isolated
even for code that commits, listens or runs in the worker), and its own task queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import uvicorn
import yaml
from fastapi import FastAPI
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from agents.providers.embeddings import Embedder, LocalMiniLMEmbedder
from api.app import create_app
from cli.embedded.postgres import EmbeddedPostgres
from cli.embedded.temporal import dev_server_args, temporal_cli
from cli.migrate import upgrade
from core.db import SessionMaker, create_engine, create_session_maker
from core.encryption import DataKeys
from core.logging import configure_logging
from core.payload_codec import create_keyring
from core.ports import free_port
from core.settings import Settings
from core.temporal import connect_temporal
from core.temporal_config import load_temporal_config
from workflows.worker import build_workers

REPO = Path(__file__).resolve().parents[1]
TEMPLATE_DATABASE = "perceptron_template"


@pytest.fixture(scope="session", autouse=True)
def _logging() -> None:
    configure_logging("console", "WARNING")


@pytest.fixture(scope="session")
def postgres() -> Iterator[EmbeddedPostgres]:
    # Not under pytest's tmp folder: pytest resets that to mode 0700 whenever a session starts,
    # which would lock out the unprivileged user PostgreSQL runs as when tests run as root.
    data_dir = Path(tempfile.mkdtemp(prefix="perceptron-test-pg-"))
    server = EmbeddedPostgres(data_dir, free_port(), database=TEMPLATE_DATABASE)
    server.start()
    try:
        upgrade(server.url)
        yield server
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def _admin_dsn(server: EmbeddedPostgres) -> str:
    return f"postgresql://postgres@127.0.0.1:{server.port}/postgres"


@pytest.fixture
def database_url(postgres: EmbeddedPostgres) -> Iterator[str]:
    """A fresh, migrated database for this test only."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(_admin_dsn(postgres), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_DATABASE}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{postgres.port}/{name}"
    finally:
        with psycopg.connect(_admin_dsn(postgres), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    """The dev server for the session. Its own client has no codec: tests use it to read raw
    (encrypted) histories; everything else connects per test with :func:`connect_temporal`."""
    config = load_temporal_config(REPO / "temporal.yaml")
    env = await WorkflowEnvironment.start_local(
        namespace=config.namespace,
        data_converter=pydantic_data_converter,
        dev_server_existing_path=str(temporal_cli()),
        dev_server_extra_args=dev_server_args(config),
    )
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture
def task_queue() -> str:
    return f"test-{uuid.uuid4()}"


@pytest.fixture
def temporal_config(tmp_path: Path) -> Path:
    """temporal.yaml with task queues of this test's own, so workers of different tests
    never take each other's work."""
    document = yaml.safe_load((REPO / "temporal.yaml").read_text())
    suffix = uuid.uuid4().hex[:8]
    document["task_queues"] = {
        name: f"{queue}-{suffix}" for name, queue in document["task_queues"].items()
    }
    path = tmp_path / "temporal.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


@pytest.fixture
def settings(
    database_url: str, temporal_env: WorkflowEnvironment, tmp_path: Path, temporal_config: Path
) -> Settings:
    return Settings(
        database_url=database_url,
        temporal_address=temporal_env.client.service_client.config.target_host,
        temporal_config=temporal_config,
        data_dir=tmp_path / "data",
        api_port=free_port(),
        voice_warm_up=False,  # each test's API loads a model only if a call needs it
    )


@pytest.fixture(scope="session")
def embedder() -> LocalMiniLMEmbedder:
    """The real keyless embedding model, loaded once for the session."""
    return LocalMiniLMEmbedder()


@pytest.fixture
async def worker(
    temporal_client: Client,
    settings: Settings,
    session_maker: SessionMaker,
    embedder: LocalMiniLMEmbedder,
    keyring: DataKeys,
) -> AsyncIterator[None]:
    """Real workers for every task queue of this test, with the shared embedder and the
    keyring the client's codec uses."""
    async with contextlib.AsyncExitStack() as stack:
        for built in build_workers(
            temporal_client, settings, session_maker, embedder=embedder, keyring=keyring
        ):
            await stack.enter_async_context(built)
        yield


@pytest.fixture
async def session_maker(settings: Settings) -> AsyncIterator[SessionMaker]:
    engine = create_engine(settings.resolved_database_url, pool_size=2)
    try:
        yield create_session_maker(engine)
    finally:
        await engine.dispose()


@pytest.fixture
def keyring(settings: Settings, session_maker: SessionMaker) -> DataKeys:
    """The data keyring on this test's own database, as every process builds it."""
    return create_keyring(settings, session_maker)


@pytest.fixture
async def temporal_client(settings: Settings, keyring: DataKeys) -> Client:
    """A client as the API and worker make it: payloads encrypted with this test's keys."""
    return await connect_temporal(settings, keyring)


class RunningApi:
    def __init__(self, app: FastAPI, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.url = f"http://127.0.0.1:{settings.api_port}"

    def client(self, **kwargs: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, timeout=10, **kwargs)


@contextlib.asynccontextmanager
async def serve(settings: Settings, embedder: Embedder | None = None) -> AsyncIterator[RunningApi]:
    """The real API on a real port (uvicorn), for as long as the block runs."""
    app = create_app(settings, embedder)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=settings.api_port,
            log_config=None,
            access_log=False,
            lifespan="on",
        )
    )
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("the API stopped during startup")
            await asyncio.sleep(0.01)
        yield RunningApi(app, settings)
    finally:
        server.should_exit = True
        await task


@pytest.fixture
async def api(settings: Settings, embedder: LocalMiniLMEmbedder) -> AsyncIterator[RunningApi]:
    async with serve(settings, embedder) as running:
        yield running
