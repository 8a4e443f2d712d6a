"""The corpus suite: the whole Arduino help center through the real API, worker and model.

It runs only when ``PERCEPTRON_CORPUS_DIR`` names the corpus (CI sets it). Without it, its
tests are deselected, not skipped, and the session summary says so in one plain line.

The corpus is ingested once per module: the fixtures here are module-scoped versions of the
function-scoped ``settings``, ``session_maker``, ``worker`` and ``api`` of ``tests/conftest.py``,
built on its session-scoped ``postgres``, ``temporal_env`` and ``embedder``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml
from temporalio.testing import WorkflowEnvironment

from agents.providers.embeddings import LocalMiniLMEmbedder
from bench.corpus import MISSING_CORPUS, Article, corpus_articles
from cli.embedded.postgres import EmbeddedPostgres
from core.db import SessionMaker, create_engine, create_session_maker
from core.models import Role
from core.payload_codec import create_keyring
from core.ports import free_port
from core.settings import Settings
from core.temporal import connect_temporal
from tests.conftest import REPO, TEMPLATE_DATABASE, RunningApi, serve
from tests.factories import bearer, create_member, create_organization, session_token
from workflows.worker import build_workers

HERE = Path(__file__).resolve().parent
NOT_RUN = f"corpus suite not run: {MISSING_CORPUS}"
UPLOAD_CONCURRENCY = 4
INGEST_WITHIN = 1200.0  # seconds; the corpus takes about 2 minutes on 2 cores
_DESELECTED = pytest.StashKey[int]()


def configured_corpus() -> Path | None:
    return Settings().corpus_dir


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if configured_corpus() is not None:
        return
    ours = [item for item in items if item.path.is_relative_to(HERE)]
    if not ours:
        return
    config.hook.pytest_deselected(items=ours)
    items[:] = [item for item in items if not item.path.is_relative_to(HERE)]
    config.stash[_DESELECTED] = len(ours)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if config.stash.get(_DESELECTED, 0):
        terminalreporter.write_line(NOT_RUN)


@pytest.fixture(scope="module")
def corpus() -> list[Article]:
    folder = configured_corpus()
    assert folder is not None  # the tests are deselected otherwise
    return corpus_articles(folder)


@pytest.fixture(scope="module")
def corpus_database(postgres: EmbeddedPostgres) -> Iterator[str]:
    """A migrated database of the module's own, cloned from the session's template."""
    name = f"corpus_{uuid.uuid4().hex[:16]}"
    admin = f"postgresql://postgres@127.0.0.1:{postgres.port}/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_DATABASE}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{postgres.port}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def corpus_settings(
    corpus_database: str,
    temporal_env: WorkflowEnvironment,
    tmp_path_factory: pytest.TempPathFactory,
) -> Settings:
    folder = tmp_path_factory.mktemp("corpus")
    document = yaml.safe_load((REPO / "temporal.yaml").read_text())
    suffix = uuid.uuid4().hex[:8]
    document["task_queues"] = {
        name: f"{queue}-{suffix}" for name, queue in document["task_queues"].items()
    }
    temporal_config = folder / "temporal.yaml"
    temporal_config.write_text(yaml.safe_dump(document))
    return Settings(
        database_url=corpus_database,
        temporal_address=temporal_env.client.service_client.config.target_host,
        temporal_config=temporal_config,
        data_dir=folder / "data",
        api_port=free_port(),
        knowledge_tries_per_minute=10_000,  # the answers test asks every question in a row
    )


@pytest.fixture(scope="module")
async def corpus_session_maker(corpus_settings: Settings) -> AsyncIterator[SessionMaker]:
    engine = create_engine(corpus_settings.resolved_database_url, pool_size=2)
    try:
        yield create_session_maker(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
async def corpus_worker(
    corpus_settings: Settings,
    corpus_session_maker: SessionMaker,
    embedder: LocalMiniLMEmbedder,
) -> AsyncIterator[None]:
    client = await connect_temporal(
        corpus_settings, create_keyring(corpus_settings, corpus_session_maker)
    )
    async with contextlib.AsyncExitStack() as stack:
        for built in build_workers(
            client, corpus_settings, corpus_session_maker, embedder=embedder
        ):
            await stack.enter_async_context(built)
        yield


@pytest.fixture(scope="module")
async def corpus_api(
    corpus_settings: Settings, embedder: LocalMiniLMEmbedder
) -> AsyncIterator[RunningApi]:
    async with serve(corpus_settings, embedder) as running:
        yield running


@dataclass(frozen=True)
class IngestedCorpus:
    api: RunningApi
    org_id: uuid.UUID
    headers: dict[str, str]
    paths: dict[str, str]  # document id -> article path relative to content/
    documents: list[dict[str, Any]]  # every document as the API lists it, once final
    seconds: float


@pytest.fixture(scope="module")
async def ingested(
    corpus: list[Article],
    corpus_api: RunningApi,
    corpus_worker: None,
    corpus_settings: Settings,
    corpus_session_maker: SessionMaker,
) -> IngestedCorpus:
    """Every article uploaded through the API, and the documents once all are final."""
    organization = await create_organization(corpus_session_maker, "Arduino help center")
    owner = await create_member(corpus_session_maker, organization.id, Role.OWNER)
    headers = bearer(session_token(corpus_settings, owner))
    base = f"/api/orgs/{organization.id}/knowledge/documents"
    paths: dict[str, str] = {}
    gate = asyncio.Semaphore(UPLOAD_CONCURRENCY)
    started = time.monotonic()
    async with corpus_api.client(headers=headers) as client:

        async def upload(article: Article) -> None:
            async with gate:
                response = await client.post(
                    base, files={"file": (article.file.name, article.read(), "text/markdown")}
                )
            assert response.status_code == 202, (article.path, response.text)
            paths[response.json()["id"]] = article.path

        await asyncio.gather(*(upload(article) for article in corpus))

        async def count(status: str) -> int:
            response = await client.get(base, params={"status": status, "limit": 1})
            response.raise_for_status()
            total: int = response.json()["total"]
            return total

        while (await count("ready")) + (await count("failed")) < len(corpus):
            assert time.monotonic() - started < INGEST_WITHIN, "the corpus was not ingested"
            await asyncio.sleep(1)
        seconds = time.monotonic() - started

        documents: list[dict[str, Any]] = []
        while len(documents) < len(corpus):
            response = await client.get(base, params={"limit": 200, "offset": len(documents)})
            response.raise_for_status()
            page = response.json()["items"]
            assert page, "the API lists fewer documents than were uploaded"
            documents += page
    print(f"\ncorpus: {len(corpus)} articles ingested in {seconds:.0f}s")
    return IngestedCorpus(corpus_api, organization.id, headers, paths, documents, seconds)
