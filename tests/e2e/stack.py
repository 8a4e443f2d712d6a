"""Run the real `perceptron up` as a subprocess and watch what it prints."""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from core.ports import free_port

PERCEPTRON = str(Path(sys.executable).parent / "perceptron")
URL = re.compile(r"https?://\S+")


@dataclass
class Stack:
    data_dir: Path
    ports: dict[str, int]
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[str] | None = None
    lines: list[str] = field(default_factory=list)
    _queue: queue.Queue[str | None] = field(default_factory=queue.Queue)

    @classmethod
    def fresh(cls, data_dir: Path, **extra_env: str) -> Stack:
        ports = {
            "PERCEPTRON_API_PORT": free_port(),
            "PERCEPTRON_POSTGRES_PORT": free_port(),
            "PERCEPTRON_TEMPORAL_PORT": free_port(),
            "PERCEPTRON_TEMPORAL_UI_PORT": free_port(),
        }
        return cls(data_dir=data_dir, ports=ports, extra_env=extra_env)

    @property
    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "TEMPORAL_ADDRESS"} and not key.startswith("PERCEPTRON_")
        }
        env.update({key: str(value) for key, value in self.ports.items()})
        env["PERCEPTRON_DATA_DIR"] = str(self.data_dir)
        env.update(self.extra_env)
        return env

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['PERCEPTRON_API_PORT']}"

    def start(self) -> None:
        self.lines = []
        self._queue = queue.Queue()
        self.process = subprocess.Popen(
            [PERCEPTRON, "up"],
            env=self.env,
            cwd=self.data_dir.parent,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process is not None
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, text: str, timeout: float = 120.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.5)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f"`perceptron up` exited before {text!r}:\n" + self.output)
            self.lines.append(line)
            if text in line:
                return line
        raise AssertionError(f"no {text!r} within {timeout}s:\n" + self.output)

    def drain(self) -> None:
        while True:
            try:
                line = self._queue.get(timeout=1.0)
            except queue.Empty:
                return
            if line is None:
                return
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def urls(self) -> list[str]:
        return [match.group() for line in self.lines for match in URL.finditer(line)]

    def terminate(self, timeout: float = 60.0) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout)
        self.drain()
        return code

    def kill_everything(self) -> None:
        """Last-resort cleanup when a test failed half-way: the supervisor and every process
        it started."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            tree = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            tree = []
        self.process.kill()
        self.process.wait(10)
        _, alive = psutil.wait_procs(tree, timeout=10)
        for leftover in alive:
            with contextlib.suppress(psutil.NoSuchProcess):
                leftover.kill()
