"""Liveness, readiness and the Prometheus metrics."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from fastapi import APIRouter, Header, HTTPException, Response, status
from sqlalchemy import text

from api.deps import StateDep
from api.state import AppState
from core import metrics
from core.settings import describe_database

router = APIRouter(tags=["health"])

READY_DEADLINE_SECONDS = 3.0


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive (no dependency checked)."""
    return {"status": "ok"}


@router.get("/metrics", include_in_schema=False)
async def prometheus_metrics(
    state: StateDep, authorization: str | None = Header(default=None)
) -> Response:
    """The API process's counters in Prometheus' text format, for whoever the
    ``metrics_access`` setting lets in (a bearer of ``metrics_token``); 404 when off."""
    settings = state.settings
    access = settings.effective_metrics_access
    if access is metrics.MetricsAccess.OFF:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Not Found")
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    if not metrics.allowed(access, token, authorization):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "the metrics need the metrics token as a bearer token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return Response(metrics.exposition(), media_type=metrics.CONTENT_TYPE_LATEST)


@router.get("/readyz")
async def readyz(state: StateDep, response: Response) -> dict[str, object]:
    """PostgreSQL and Temporal both answer within the deadline; otherwise 503 with what is
    missing. Both are checked at once, each bounded as a whole (a connection included)."""
    postgres, temporal = await asyncio.gather(_postgres(state), _temporal(state))
    checks = {"postgres": postgres, "temporal": temporal}
    ready = all(value == "ok" for value in checks.values())
    if not ready:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return {"status": "ready" if ready else "not ready", "checks": checks}


async def _postgres(state: AppState) -> str:
    async def select_one() -> None:
        async with state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    try:
        await _within_deadline(select_one())
    except Exception as error:
        where = describe_database(state.settings.resolved_database_url)
        return f"unreachable at {where}: {type(error).__name__}"
    return "ok"


async def _temporal(state: AppState) -> str:
    try:
        await _within_deadline(state.temporal.service_client.check_health())
    except Exception as error:
        where = state.settings.resolved_temporal_address
        return f"unreachable at {where}: {type(error).__name__}"
    return "ok"


_overdue: set[asyncio.Future[Any]] = set()


async def _within_deadline(check: Awaitable[Any]) -> None:
    """Raise TimeoutError when ``check`` has not answered by the deadline. The overdue check is
    cancelled but not waited for: on a frozen server the driver's own cancellation of a query
    takes up to ten seconds more, and the answer must not."""
    task = asyncio.ensure_future(check)
    done, _ = await asyncio.wait({task}, timeout=READY_DEADLINE_SECONDS)
    if task in done:
        task.result()
        return
    task.cancel()
    _overdue.add(task)
    task.add_done_callback(_forget)
    raise TimeoutError


def _forget(task: asyncio.Future[Any]) -> None:
    _overdue.discard(task)
    if not task.cancelled():
        task.exception()  # retrieved, so asyncio does not report it as lost
