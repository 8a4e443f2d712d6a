"""`perceptron up`: the whole product on one machine, as one supervised group.

Order of start: PostgreSQL, Temporal dev server, migrations, first-run bootstrap, namespace
setup, worker, API; then a system check through the worker. Order of stop: the reverse.

A child that dies while starting up stops the group with a message. Once the stack is ready,
a child that dies is restarted with exponential backoff (:class:`RestartPolicy`); one that
keeps dying is given up on and the group stops. Every child can be restarted safely:
PostgreSQL recovers from its write-ahead log (and refuses to start, so is retried, while
backends of the killed server still hold its shared memory), the Temporal dev server keeps its
state in its SQLite file, and the worker and API reconnect to both. What is logged is the
child, how it ended (exit code or signal) and where its log is: never the log's content.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import timedelta
from types import FrameType

import httpx
import typer

from cli.embedded.postgres import EmbeddedPostgres
from cli.embedded.process import ChildProcess, ensure_port_free, wait_until
from cli.embedded.temporal import EmbeddedTemporal
from core.logging import get_logger
from core.settings import AuthMode, MetricsAccess, Settings
from services.voice.speech import speech_stack

log = get_logger(__name__)


class StopRequested(Exception):  # noqa: N818 - a signal, not an error
    pass


class ChildExitedError(RuntimeError):
    pass


def describe_exit(code: int) -> str:
    """``code 3`` or ``signal SIGKILL`` (Popen reports a signal as a negative code)."""
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"code {code}"


@dataclass(frozen=True)
class RestartPolicy:
    """Wait ``first_delay`` before the first restart, doubling up to ``max_delay``; the
    ``give_up_after``-th exit within ``window_seconds`` stops the stack."""

    first_delay: float = 1.0
    max_delay: float = 30.0
    give_up_after: int = 5
    window_seconds: float = 300.0

    def delay(self, recent_exits: int) -> float:
        return float(min(self.first_delay * 2 ** (recent_exits - 1), self.max_delay))


@dataclass
class Supervised:
    """A child kept running once the stack is up: restarted with backoff when it exits."""

    child: ChildProcess
    what: str
    policy: RestartPolicy = field(default_factory=RestartPolicy)
    exits: deque[float] = field(default_factory=deque)
    restart_at: float | None = None

    def tend(self, now: float) -> None:
        """Restart the child when it is due; raise ChildExitedError when giving up on it."""
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.restart_at = None
                self.child.start()
                log.info("restarted", child=self.child.name, pid=self.child.pid)
            return
        code = self.child.exited()
        if code is None:
            return
        self.child.stop()  # whatever is left of its process tree; closes its log
        while self.exits and now - self.exits[0] > self.policy.window_seconds:
            self.exits.popleft()
        self.exits.append(now)
        how = describe_exit(code)
        if len(self.exits) >= self.policy.give_up_after:
            raise ChildExitedError(
                f"{self.what} exited ({how}) {len(self.exits)} times within "
                f"{self.policy.window_seconds:.0f}s; giving up. Its log: {self.child.log_path}"
            )
        delay = self.policy.delay(len(self.exits))
        log.warning(
            "child exited; restarting",
            child=self.child.name,
            exit=how,
            restart_in_seconds=delay,
            log_file=str(self.child.log_path),
        )
        self.restart_at = now + delay


@dataclass
class StackUrls:
    api: str
    sign_in: str | None
    dashboard: str
    demo: str
    temporal_ui: str | None


class Supervisor:
    def __init__(self, settings: Settings, *, api_workers: int = 1, workers: int = 1) -> None:
        self.settings = settings
        self.api_workers = api_workers  # processes of `perceptron api --workers`
        self.workers = workers  # `perceptron worker` processes
        self.data_dir = settings.data_dir.resolve()
        self.postgres: EmbeddedPostgres | None = None
        self.temporal: EmbeddedTemporal | None = None
        self.children: list[ChildProcess] = []
        self._stopping = False

    def run(self) -> int:
        self._check_ports()
        self._install_signal_handlers()
        started = time.monotonic()
        try:
            urls = self.start()
            self._announce(urls, time.monotonic() - started)
            self._watch()
        except StopRequested:
            log.info("stopping")
        except ChildExitedError as error:
            typer.echo(f"error: {error}", err=True)
            return 1
        finally:
            self._stopping = True
            self.stop()
        return 0

    def start(self) -> StackUrls:
        """Servers first (Temporal spawned before PostgreSQL so their start-up overlaps), then
        the worker and API processes, whose imports overlap with the migrations."""
        from cli.bootstrap import prepare_database, prepare_namespace

        settings = self.settings
        env = dict(os.environ)
        env["PERCEPTRON_DATA_DIR"] = str(self.data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if settings.embedded_temporal:
            self.temporal = EmbeddedTemporal(
                self.data_dir,
                settings.temporal_port,
                settings.temporal_ui_port,
                settings.temporal,
                settings.resolved_namespace,
                codec_endpoint=settings.temporal.codec_url(settings.api_url),
            )
            self.temporal.launch()
            env["TEMPORAL_ADDRESS"] = self.temporal.address
        if settings.embedded_postgres:
            self.postgres = EmbeddedPostgres(self.data_dir, settings.postgres_port)
            self.postgres.start()
            env["DATABASE_URL"] = self.postgres.url
        if self.temporal:
            self.temporal.wait_ready()
        child_settings = settings.model_copy(
            update={
                "database_url": env.get("DATABASE_URL", settings.database_url),
                "temporal_address": env.get("TEMPORAL_ADDRESS", settings.temporal_address),
            }
        )
        asyncio.run(prepare_namespace(child_settings))
        for name, argv in self.child_commands():
            child = ChildProcess(
                name=name,
                argv=argv,
                log_path=self.data_dir / "logs" / f"{name}.log",
                env=env,
            )
            child.start()
            self.children.append(child)
        sign_in_token = asyncio.run(prepare_database(child_settings))
        self._wait_ready(child_settings)
        api = settings.api_url
        return StackUrls(
            api=api,
            sign_in=f"{api}/auth/sign-in?token={sign_in_token}" if sign_in_token else None,
            dashboard=f"{api}/dashboard/",
            demo=f"{api}/demo/",
            temporal_ui=(
                f"{settings.temporal_ui_url}/namespaces/{settings.resolved_namespace}/workflows"
                if self.temporal
                else None
            ),
        )

    def child_commands(self) -> list[tuple[str, list[str]]]:
        """The worker processes (``worker``, or ``worker-1``... when several) and the API
        (one process group on one port, ``--workers`` processes in it)."""
        command = [sys.executable, "-m", "cli.main"]
        names = (
            ["worker"] if self.workers == 1 else [f"worker-{n + 1}" for n in range(self.workers)]
        )
        api = [*command, "api"] + (
            ["--workers", str(self.api_workers)] if self.api_workers > 1 else []
        )
        return [(name, [*command, "worker"]) for name in names] + [("api", api)]

    def stop(self) -> None:
        for child in reversed(self.children):
            child.stop()
        if self.temporal:
            self.temporal.stop()
        if self.postgres:
            self.postgres.stop()

    def _check_ports(self) -> None:
        s = self.settings
        ensure_port_free(s.api_port, "the API", "PERCEPTRON_API_PORT", s.api_host)
        if s.embedded_postgres:
            ensure_port_free(s.postgres_port, "embedded PostgreSQL", "PERCEPTRON_POSTGRES_PORT")
        if s.embedded_temporal:
            ensure_port_free(s.temporal_port, "the Temporal dev server", "PERCEPTRON_TEMPORAL_PORT")
            ensure_port_free(
                s.temporal_ui_port, "the Temporal Web UI", "PERCEPTRON_TEMPORAL_UI_PORT"
            )

    def _install_signal_handlers(self) -> None:
        def handler(signum: int, _: FrameType | None) -> None:
            if not self._stopping:
                self._stopping = True
                raise StopRequested(signal.Signals(signum).name)

        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)

    def _supervised(self) -> list[Supervised]:
        """Servers first: in one pass, what the worker and API need is restarted before them."""
        servers = [
            (server.child, what)
            for server, what in (
                (self.postgres, "PostgreSQL"),
                (self.temporal, "the Temporal dev server"),
            )
            if server
        ]
        processes = [(child, f"the {child.name}") for child in self.children]
        return [Supervised(child, what) for child, what in servers + processes]

    def _raise_if_a_child_died(self) -> None:
        """While starting up: a child that dies stops the group."""
        for supervised in self._supervised():
            code = supervised.child.exited()
            if code is not None:
                raise ChildExitedError(
                    f"{supervised.what} exited ({describe_exit(code)}) while starting up. "
                    f"Its log: {supervised.child.log_path}"
                )

    def _wait_ready(self, settings: Settings, timeout: float = 90.0) -> None:
        from cli.bootstrap import run_system_check

        url = f"http://{settings.api_host}:{settings.api_port}/readyz"

        def api_ready() -> bool:
            self._raise_if_a_child_died()
            try:
                return httpx.get(url, timeout=1.0).status_code == 200
            except httpx.HTTPError:
                return False

        if not wait_until(api_ready, timeout, interval=0.1):
            raise ChildExitedError(f"the API did not become ready within {timeout:.0f}s")
        asyncio.run(run_system_check(settings, execution_timeout=timedelta(seconds=timeout)))

    def _watch(self) -> None:
        supervised = self._supervised()
        while True:
            for one in supervised:
                one.tend(time.monotonic())
            time.sleep(0.25)

    def _announce(self, urls: StackUrls, seconds: float) -> None:
        lines = [
            f"Perceptron is ready ({seconds:.1f}s). Data: {self.data_dir}",
            f"  API:          {urls.api}",
        ]
        if urls.sign_in and self.settings.effective_auth_mode is AuthMode.LOCAL:
            minutes = self.settings.sign_in_link_ttl_minutes
            lines.append(f"  Dashboard:    {urls.sign_in}")
            lines.append(f"                (one-time sign-in link, valid {minutes} minutes)")
        else:
            lines.append(f"  Dashboard:    {urls.dashboard}")
        lines.append(f"  Widget demo:  {urls.demo}")
        lines.append(f"  Voice:        {speech_stack(self.settings).description}")
        if urls.temporal_ui:
            lines.append(f"  Temporal UI:  {urls.temporal_ui}")
        if self.settings.effective_metrics_access is MetricsAccess.OPEN:
            lines.append(f"  Metrics:      {urls.api}/metrics")
        lines.append(f"  Logs:         {self.data_dir / 'logs'}")
        lines.append("Press Ctrl-C to stop.")
        typer.echo("\n".join(lines))
