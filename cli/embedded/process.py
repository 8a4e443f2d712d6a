"""A child process the supervisor owns: started in its own session, stopped for certain."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import psutil


class PortInUseError(RuntimeError):
    def __init__(self, port: int, what: str, setting: str) -> None:
        super().__init__(
            f"port {port} ({what}) is already in use on 127.0.0.1: stop whatever holds it, "
            f"or set {setting} to another port"
        )
        self.port = port
        self.setting = setting


def ensure_port_free(port: int, what: str, setting: str, host: str = "127.0.0.1") -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise PortInUseError(port, what, setting) from error


def port_accepts(port: int, host: str = "127.0.0.1", timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


@dataclass
class ChildProcess:
    name: str
    argv: list[str]
    log_path: Path
    env: dict[str, str] | None = None
    user: str | None = None
    stop_signal: signal.Signals = signal.SIGTERM
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)
    _log: IO[bytes] | None = field(default=None, init=False)

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - argv is built by the supervisor
            self.argv,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=self.env,
            user=self.user,
            group=self.user,
            start_new_session=True,
            preexec_fn=_die_with_parent(self.stop_signal),  # noqa: PLW1509 - only calls prctl
        )

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def stop(self, timeout: float = 15.0) -> None:
        """Ask politely, wait, then kill the whole process tree that is left."""
        if self.process is None:
            return
        try:
            root = psutil.Process(self.process.pid)
            tree = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            tree = []
        if self.process.poll() is None:
            self.process.send_signal(self.stop_signal)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        _, alive = psutil.wait_procs(tree, timeout=5)
        for leftover in alive:
            with contextlib.suppress(psutil.NoSuchProcess):
                leftover.kill()
        if self._log:
            self._log.close()
            self._log = None


def _die_with_parent(sig: signal.Signals) -> Callable[[], None] | None:
    """Children run in sessions of their own (a Ctrl-C reaches only the supervisor, which
    stops them in order). If the supervisor itself is killed outright, Linux sends each child
    ``sig`` (prctl PR_SET_PDEATHSIG), so nothing is left running."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1

    def set_parent_death_signal() -> None:
        libc.prctl(pr_set_pdeathsig, int(sig), 0, 0, 0)

    return set_parent_death_signal


def wait_until(check: Callable[[], bool], timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval)
    return check()


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0
