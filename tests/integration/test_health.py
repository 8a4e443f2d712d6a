"""Liveness and readiness report what is and is not reachable."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from cli.embedded.postgres import EmbeddedPostgres
from core.ports import free_port
from core.settings import Settings
from tests.conftest import RunningApi, serve


async def test_ready_when_postgres_and_temporal_answer(api: RunningApi) -> None:
    async with api.client() as client:
        alive = await client.get("/healthz")
        ready = await client.get("/readyz")
    assert alive.json() == {"status": "ok"}
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"postgres": "ok", "temporal": "ok"}


async def test_not_ready_names_what_is_unreachable(settings: Settings) -> None:
    port = free_port()
    broken = settings.model_copy(update={"temporal_address": f"127.0.0.1:{port}"})
    async with serve(broken) as running, running.client() as client:
        alive = await client.get("/healthz")
        ready = await client.get("/readyz")
    assert alive.status_code == 200
    assert ready.status_code == 503
    assert ready.json()["checks"]["postgres"] == "ok"
    assert f"127.0.0.1:{port}" in ready.json()["checks"]["temporal"]


async def test_every_response_carries_a_request_id(api: RunningApi) -> None:
    async with api.client() as client:
        response = await client.get("/healthz", headers={"x-request-id": "abc123"})
    assert response.headers["x-request-id"] == "abc123"
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.fixture
def own_postgres() -> Iterator[EmbeddedPostgres]:
    """A PostgreSQL of this test's own, so freezing it hurts no other test."""
    data_dir = Path(tempfile.mkdtemp(prefix="perceptron-test-frozen-pg-"))
    server = EmbeddedPostgres(data_dir, free_port())
    server.start()
    try:
        yield server
    finally:
        _signal_tree(server, signal.SIGCONT)
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def _signal_tree(server: EmbeddedPostgres, sig: signal.Signals) -> None:
    """The postmaster and every backend: new connections and pooled ones alike get no answer."""
    assert server.child.pid is not None
    with contextlib.suppress(psutil.NoSuchProcess):
        root = psutil.Process(server.child.pid)
        for process in [root, *root.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.send_signal(sig)


async def test_not_ready_within_the_deadline_while_postgres_is_frozen(
    settings: Settings, own_postgres: EmbeddedPostgres
) -> None:
    on_own_server = settings.model_copy(update={"database_url": own_postgres.url})
    async with serve(on_own_server) as running, running.client() as client:
        assert (await client.get("/readyz")).status_code == 200  # the pool holds a connection
        _signal_tree(own_postgres, signal.SIGSTOP)
        try:
            for _ in range(3):  # the pooled connection, then new ones: each is bounded
                started = time.monotonic()
                frozen = await client.get("/readyz", timeout=30)
                assert time.monotonic() - started < 6
                assert frozen.status_code == 503
                assert frozen.json()["checks"]["temporal"] == "ok"
                assert "TimeoutError" in frozen.json()["checks"]["postgres"]
        finally:
            _signal_tree(own_postgres, signal.SIGCONT)
        deadline = time.monotonic() + 20
        while (await client.get("/readyz")).status_code != 200:
            assert time.monotonic() < deadline, "not ready again after PostgreSQL thawed"
            await asyncio.sleep(0.2)
