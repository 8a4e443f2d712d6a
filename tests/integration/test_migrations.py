"""Migrations: applied once, a no-op the second time, and the schema matches the models."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, pool
from sqlmodel import SQLModel

from cli.migrate import current_revision, head_revision, upgrade

PERCEPTRON = str(Path(sys.executable).parent / "perceptron")


def test_migrations_run_twice_change_nothing(database_url: str) -> None:
    assert current_revision(database_url) == head_revision()
    assert upgrade(database_url) == []
    assert current_revision(database_url) == head_revision()


def test_schema_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    assert differences == []


def test_migrate_command_reports_an_up_to_date_schema(database_url: str) -> None:
    result = subprocess.run(
        [PERCEPTRON, "migrate"],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


def test_unreachable_database_names_host_and_port_and_exits_non_zero() -> None:
    result = subprocess.run(
        [PERCEPTRON, "migrate"],
        env={**os.environ, "DATABASE_URL": "postgresql://app:s3cret@127.0.0.1:1/perceptron"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "cannot reach PostgreSQL at 127.0.0.1:1/perceptron" in result.stderr
    assert "s3cret" not in result.stderr + result.stdout
