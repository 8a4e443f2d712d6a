"""The product's back end in this process, for measuring: what `perceptron up` runs, minus the API.

Embedded PostgreSQL (migrated) on a free port in a temporary folder, the Temporal dev server
from the installed binary, settings pointing at both, the real workers sharing one local
embedding model, and the :class:`KnowledgeBase` the API uses to add files. Everything is
stopped and deleted when the block ends, however it ends. :func:`serving_api` adds the real
API (uvicorn on a free port), as the tests' ``serve()`` does.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import uvicorn
from sqlmodel import select
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from agents.providers.embeddings import Embedder, LocalMiniLMEmbedder
from agents.support.turn import TurnRunner
from api.app import create_app
from cli.embedded.postgres import EmbeddedPostgres
from cli.embedded.temporal import dev_server_args, temporal_cli
from cli.migrate import upgrade
from core.db import SessionMaker, create_engine, create_session_maker, org_session, platform_session
from core.logging import configure_logging
from core.models import DocumentStatus, KnowledgeDocument, Organization
from core.payload_codec import create_keyring
from core.ports import free_port
from core.settings import Settings
from core.storage import FileStorage, create_storage
from core.temporal import connect_temporal
from core.temporal_config import load_temporal_config
from services.knowledge import KnowledgeBase
from workflows.worker import build_workers

REPO = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def embedded_database() -> Iterator[EmbeddedPostgres]:
    """A migrated embedded PostgreSQL of its own, deleted afterwards. Under /tmp rather than
    pytest's folders, whose 0700 mode would lock out the user PostgreSQL runs as under root."""
    data_dir = Path(tempfile.mkdtemp(prefix="perceptron-bench-pg-"))
    server = EmbeddedPostgres(data_dir, free_port())
    try:
        server.start()
        upgrade(server.url)
        yield server
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and every live process under it: PostgreSQL
    and its backends, the Temporal dev server. Unlike wall time, it hardly changes when other
    work shares the machine."""
    me = psutil.Process()
    total = 0.0
    for process in [me, *me.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            times = process.cpu_times()
            total += times.user + times.system
    return total


def load_average() -> float:
    """Runnable processes on the machine over the last minute: to judge whether timings were
    taken on a busy machine."""
    return os.getloadavg()[0]


async def create_organization(session_maker: SessionMaker, name: str) -> uuid.UUID:
    async with platform_session(session_maker) as session:
        organization = Organization(name=name)
        session.add(organization)
    return organization.id


@dataclass(frozen=True)
class Stack:
    settings: Settings
    postgres: EmbeddedPostgres
    temporal: Client
    session_maker: SessionMaker
    embedder: LocalMiniLMEmbedder
    knowledge: KnowledgeBase
    storage: FileStorage

    async def create_organization(self, name: str = "Bench") -> uuid.UUID:
        return await create_organization(self.session_maker, name)

    async def ingest_files(
        self, org_id: uuid.UUID, files: Mapping[str, str], within: float = 120.0
    ) -> None:
        """Add Markdown ``files`` (name to text) through the real ingestion and wait until
        every one is ready; a failed one raises with its reason."""
        for name, markdown in files.items():
            await self.knowledge.add_file(org_id, name, "text/markdown", markdown.encode())
        deadline = time.monotonic() + within
        while True:
            async with org_session(self.session_maker, org_id) as session:
                documents = (await session.exec(select(KnowledgeDocument))).all()
            failed = [d for d in documents if d.status is DocumentStatus.FAILED]
            if failed:
                raise RuntimeError(f"a document failed to ingest: {failed[0].failure_reason}")
            if sum(d.status is DocumentStatus.READY for d in documents) >= len(files):
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"the knowledge base was not ready within {within:.0f}s")
            await asyncio.sleep(0.1)


@contextlib.asynccontextmanager
async def running_stack(
    embedder: LocalMiniLMEmbedder | None = None,
    *,
    worker_embedder: Embedder | None = None,
    agent: TurnRunner | None = None,
    settings_update: Mapping[str, Any] | None = None,
) -> AsyncIterator[Stack]:
    """PostgreSQL, Temporal, the workers and a knowledge base, for as long as the block runs.

    ``worker_embedder`` replaces the local model in the workers (ingestion and the agent's
    retrieval), ``agent`` the support agent, and ``settings_update`` changes settings (an
    OpenAI key and base URL, rate limits, the pool size) before anything reads them.
    """
    configure_logging("console", "WARNING")  # the workers' info lines would drown the figures
    config = load_temporal_config(REPO / "temporal.yaml")
    async with contextlib.AsyncExitStack() as stack:
        data_dir = Path(tempfile.mkdtemp(prefix="perceptron-bench-data-"))
        stack.callback(shutil.rmtree, data_dir, ignore_errors=True)
        postgres = stack.enter_context(embedded_database())
        environment = await WorkflowEnvironment.start_local(
            namespace=config.namespace,
            dev_server_existing_path=str(temporal_cli()),
            dev_server_extra_args=dev_server_args(config),
        )
        stack.push_async_callback(environment.shutdown)
        settings = Settings(
            database_url=postgres.url,
            temporal_address=environment.client.service_client.config.target_host,
            temporal_namespace=config.namespace,
            data_dir=data_dir,
            api_port=free_port(),
        )
        if settings_update:
            settings = settings.model_copy(update=dict(settings_update))
        engine = create_engine(settings.resolved_database_url, pool_size=settings.db_pool_size)
        stack.push_async_callback(engine.dispose)
        session_maker = create_session_maker(engine)
        # Payloads encrypted as in production: the codec's cost is part of every figure.
        keyring = create_keyring(settings, session_maker)
        client = await connect_temporal(settings, keyring)
        model = embedder or LocalMiniLMEmbedder(threads=settings.embedding_threads)
        storage = create_storage(settings)
        # Entered last, so stopped first: no activity outlives the database or Temporal.
        for worker in build_workers(
            client,
            settings,
            session_maker,
            embedder=worker_embedder or model,
            storage=storage,
            agent=agent,
            keyring=keyring,
        ):
            await stack.enter_async_context(worker)
        yield Stack(
            settings=settings,
            postgres=postgres,
            temporal=client,
            session_maker=session_maker,
            embedder=model,
            knowledge=KnowledgeBase(session_maker, storage, client, settings),
            storage=storage,
        )


@contextlib.asynccontextmanager
async def serving_api(settings: Settings, embedder: Embedder | None = None) -> AsyncIterator[str]:
    """The real API (uvicorn) on ``settings.api_port`` for as long as the block runs; yields
    its base URL. Streams still open when the block ends are cut after a few seconds."""
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, embedder),
            host="127.0.0.1",
            port=settings.api_port,
            log_config=None,
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=5,
        )
    )
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("the API stopped during startup")
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{settings.api_port}"
    finally:
        server.should_exit = True
        await task
