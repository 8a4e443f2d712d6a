"""Liveness and readiness report what is and is not reachable."""

from __future__ import annotations

from core.settings import Settings
from tests.conftest import RunningApi, free_port, serve


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
