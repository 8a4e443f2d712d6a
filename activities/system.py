"""Activities the platform uses to check itself from the worker's side."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import text
from temporalio import activity

from core.db import SessionMaker, platform_session
from core.logging import get_logger

log = get_logger(__name__)


class DatabaseStatus(BaseModel):
    server_version: str
    pgvector_version: str | None
    schema_revision: str | None


class SystemActivities:
    def __init__(self, session_maker: SessionMaker) -> None:
        self._session_maker = session_maker

    @activity.defn
    async def check_database(self) -> DatabaseStatus:
        """What the worker sees of PostgreSQL: version, pgvector, applied migration."""
        async with platform_session(self._session_maker) as session:
            connection = await session.connection()
            version = (await connection.execute(text("SHOW server_version"))).scalar_one()
            vector = (
                await connection.execute(
                    text("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
                )
            ).scalar_one_or_none()
            revision = (
                await connection.execute(text("SELECT version_num FROM alembic_version"))
            ).scalar_one_or_none()
        log.info("database checked", pgvector=vector, schema=revision)
        return DatabaseStatus(
            server_version=str(version), pgvector_version=vector, schema_revision=revision
        )
