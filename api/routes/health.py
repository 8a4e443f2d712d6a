"""Liveness and readiness."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response, status
from sqlalchemy import text

from api.deps import StateDep
from core.settings import describe_database

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive (no dependency checked)."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(state: StateDep, response: Response) -> dict[str, object]:
    """PostgreSQL and Temporal both answer; otherwise 503 with what is missing."""
    checks: dict[str, str] = {}
    try:
        async with state.engine.connect() as connection:
            await asyncio.wait_for(connection.execute(text("SELECT 1")), timeout=3)
        checks["postgres"] = "ok"
    except Exception as error:
        checks["postgres"] = (
            f"unreachable at {describe_database(state.settings.resolved_database_url)}: "
            f"{type(error).__name__}"
        )
    try:
        await asyncio.wait_for(state.temporal.service_client.check_health(), timeout=3)
        checks["temporal"] = "ok"
    except Exception as error:
        checks["temporal"] = (
            f"unreachable at {state.settings.resolved_temporal_address}: {type(error).__name__}"
        )
    ready = all(value == "ok" for value in checks.values())
    if not ready:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return {"status": "ready" if ready else "not ready", "checks": checks}
