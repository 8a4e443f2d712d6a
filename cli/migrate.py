"""Database migrations (Alembic), run by `perceptron migrate` and at `perceptron up`."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, pool

import core.migrations

MIGRATIONS = Path(core.migrations.__file__).resolve().parent


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str) -> list[str]:
    """Bring the schema to the newest revision; returns the revisions applied (none if current)."""
    config = alembic_config(database_url)
    before = current_revision(database_url)
    command.upgrade(config, "head")
    after = current_revision(database_url)
    if before == after:
        return []
    script = ScriptDirectory.from_config(config)
    return [rev.revision for rev in script.iterate_revisions(after, before)][::-1]


def current_revision(database_url: str) -> str | None:
    engine = create_engine(database_url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str | None:
    script = ScriptDirectory.from_config(alembic_config("postgresql+psycopg://unused"))
    return script.get_current_head()
