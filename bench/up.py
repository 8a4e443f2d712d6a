"""`up`: how long `perceptron up` takes to be ready, from an empty data dir and from a used one.

Cold start pays for initdb, the migrations and the first-run bootstrap; warm start (the same
data dir after a clean stop) is what a developer waits for every day. Warm is reported against
cold measured in the same run, so the ratio means something on any machine. The clock runs from
spawning the command to its "ready" line, so it includes the interpreter start and imports.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx
import psutil

from bench.framework import BenchResult, Metric, Options, p50
from core.ports import free_ports

PERCEPTRON = Path(sys.executable).parent / "perceptron"
READY_LINE = "Perceptron is ready"
START_TIMEOUT = 120.0  # seconds from spawn to the ready line
STOP_TIMEOUT = 120.0  # seconds from SIGTERM to exit; the supervisor's own limits add up to less
DEFAULT_COLD = 2
DEFAULT_WARM = 3
PORT_SETTINGS = (
    "PERCEPTRON_API_PORT",
    "PERCEPTRON_POSTGRES_PORT",
    "PERCEPTRON_TEMPORAL_PORT",
    "PERCEPTRON_TEMPORAL_UI_PORT",
)
# Settings that would send `up` to servers elsewhere instead of starting its embedded ones.
UNSET = (
    "DATABASE_URL",
    "PERCEPTRON_DATABASE_URL",
    "TEMPORAL_ADDRESS",
    "PERCEPTRON_TEMPORAL_ADDRESS",
    "PERCEPTRON_PUBLIC_URL",
)


class UpFailedError(RuntimeError):
    pass


@dataclass(frozen=True)
class Timing:
    ready: float  # seconds from spawn to the ready line
    stop: float  # seconds from SIGTERM to exit


class _Lines:
    """Stdout read line by line on a thread, so that waiting for a line can time out."""

    def __init__(self, stream: IO[str]) -> None:
        self.queue: queue.Queue[str | None] = queue.Queue()
        self.tail: deque[str] = deque(maxlen=20)  # for error messages
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self.tail.append(line.rstrip("\n"))
            self.queue.put(line)
        self.queue.put(None)

    def wait_for(self, text: str, deadline: float) -> bool:
        """True once a line containing ``text`` arrives; False on end of output or deadline."""
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.queue.get(timeout=left)
            except queue.Empty:
                return False
            if line is None:
                return False
            if text in line:
                return True
        return False


def _tree(process: subprocess.Popen[str]) -> list[psutil.Process]:
    """The command and everything under it: its children run in sessions of their own."""
    try:
        root = psutil.Process(process.pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _kill(process: subprocess.Popen[str], tree: list[psutil.Process]) -> None:
    """Leave nothing running, whatever state the run ended in."""
    tree = [*tree, *_tree(process)]
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    for proc in tree:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()
    psutil.wait_procs(tree, timeout=10)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(10)


def start_and_stop(data_dir: Path, stderr_path: Path) -> Timing:
    """One `perceptron up` on ``data_dir``: time it to ready, check /readyz, stop it cleanly."""
    ports = dict(zip(PORT_SETTINGS, free_ports(len(PORT_SETTINGS)), strict=True))
    env = {key: value for key, value in os.environ.items() if key not in UNSET}
    env.update({key: str(port) for key, port in ports.items()})
    env.update(PERCEPTRON_DATA_DIR=str(data_dir), PERCEPTRON_API_HOST="127.0.0.1")

    with stderr_path.open("wb") as stderr:
        started = time.monotonic()
        process = subprocess.Popen(
            [str(PERCEPTRON), "up"],
            stdout=subprocess.PIPE,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=data_dir.parent,  # away from the repository's .env
            text=True,
            start_new_session=True,
        )
    assert process.stdout is not None
    tree: list[psutil.Process] = []
    try:
        lines = _Lines(process.stdout)
        if not lines.wait_for(READY_LINE, started + START_TIMEOUT):
            raise UpFailedError(_failure("was not ready", process, lines, stderr_path))
        ready = time.monotonic() - started

        url = f"http://127.0.0.1:{ports['PERCEPTRON_API_PORT']}/readyz"
        status = httpx.get(url, timeout=10).status_code
        if status != 200:
            raise UpFailedError(f"{url} answered {status} after the ready line")

        tree = _tree(process)
        stopping = time.monotonic()
        process.send_signal(signal.SIGTERM)
        code = process.wait(STOP_TIMEOUT)
        stop = time.monotonic() - stopping
        if code != 0:
            raise UpFailedError(
                _failure(f"exited with {code} on SIGTERM", process, lines, stderr_path)
            )
        _, alive = psutil.wait_procs(tree, timeout=5)
        if alive:
            names = ", ".join(f"{p.pid} {p.name()}" for p in alive)
            raise UpFailedError(f"`perceptron up` left processes running after it stopped: {names}")
        return Timing(ready, stop)
    finally:
        _kill(process, tree)
        process.stdout.close()


def _failure(what: str, process: subprocess.Popen[str], lines: _Lines, stderr: Path) -> str:
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(1)  # its output can end a moment before it does
    code = process.poll()
    state = "still running" if code is None else f"exit code {code}"
    err = "\n".join(stderr.read_text(errors="replace").splitlines()[-20:])
    out = "\n".join(lines.tail)
    return f"`perceptron up` {what} ({state}).\nstdout ends:\n{out}\nstderr ends:\n{err}"


def run(options: Options) -> BenchResult:
    cold_runs = options.cold or DEFAULT_COLD
    warm_runs = options.repeat or DEFAULT_WARM
    cold: list[float] = []
    warm: list[float] = []
    stops: list[float] = []
    root = Path(tempfile.mkdtemp(prefix="perceptron-bench-up-"))
    try:
        data_dir = root
        for i in range(1, cold_runs + 1):
            data_dir = root / f"data-{i}"  # fresh every time; the last one is reused warm
            timing = start_and_stop(data_dir, root / f"cold-{i}.stderr.log")
            cold.append(timing.ready)
            stops.append(timing.stop)
            print(
                f"   cold {i}/{cold_runs}: ready {timing.ready:.2f}s, stop {timing.stop:.2f}s",
                flush=True,
            )
        for i in range(1, warm_runs + 1):
            timing = start_and_stop(data_dir, root / f"warm-{i}.stderr.log")
            warm.append(timing.ready)
            stops.append(timing.stop)
            print(
                f"   warm {i}/{warm_runs}: ready {timing.ready:.2f}s, stop {timing.stop:.2f}s",
                flush=True,
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)

    return BenchResult(
        name="up",
        metrics=[
            Metric("cold_ready_p50", p50(cold), "s"),
            Metric("warm_ready_p50", p50(warm), "s", baseline="cold_ready_p50"),
            Metric("stop_p50", p50(stops), "s"),
        ],
        parameters={
            "cold_runs": cold_runs,
            "warm_runs": warm_runs,
            "start_timeout_s": START_TIMEOUT,
            "stop_timeout_s": STOP_TIMEOUT,
        },
        samples={"cold_ready": cold, "warm_ready": warm, "stop": stops},
    )
