"""The supervisor's restarts, on real child processes: backoff, giving up, and what it says."""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

import pytest

from cli.embedded.process import ChildProcess
from cli.embedded.supervisor import ChildExitedError, RestartPolicy, Supervised
from core.logging import configure_logging

CHILD_LOG_LINE = "order 1182 for Zephyr Quillfeather: card declined"
FAST = RestartPolicy(first_delay=0.05, max_delay=0.1, give_up_after=4, window_seconds=60)


def _child(tmp_path: Path, code: str) -> ChildProcess:
    return ChildProcess(
        name="worker",
        argv=[sys.executable, "-c", code],
        log_path=tmp_path / "logs" / "worker.log",
    )


def _tend_until_given_up(supervised: Supervised, timeout: float = 30.0) -> ChildExitedError:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            supervised.tend(time.monotonic())
        except ChildExitedError as error:
            return error
        time.sleep(0.01)
    raise AssertionError("the supervisor never gave up on a child that always crashes")


@pytest.fixture
def captured() -> io.StringIO:
    stream = io.StringIO()
    configure_logging("console", "INFO", stream=stream)
    return stream


def test_a_crashing_child_is_restarted_with_backoff_then_given_up_on(
    tmp_path: Path, captured: io.StringIO
) -> None:
    child = _child(tmp_path, f"print({CHILD_LOG_LINE!r}, flush=True); raise SystemExit(3)")
    child.start()
    supervised = Supervised(child, "the worker", FAST)

    error = _tend_until_given_up(supervised)

    runs = child.log_path.read_text().count(CHILD_LOG_LINE)
    assert runs == FAST.give_up_after, "started once, then restarted until given up on"
    message = str(error)
    assert "the worker exited (code 3) 4 times within 60s; giving up" in message
    assert str(child.log_path) in message
    logged = captured.getvalue()
    assert logged.count("child exited; restarting") == FAST.give_up_after - 1
    assert "code 3" in logged
    assert "restart_in_seconds=0.05" in logged
    assert "restart_in_seconds=0.1" in logged, "the delay doubles"
    assert logged.count("restarted") >= FAST.give_up_after - 1
    assert CHILD_LOG_LINE not in message + logged, "the child's log is never echoed"
    assert child.exited() is not None


def test_a_child_killed_by_a_signal_is_named_by_the_signal_and_comes_back(
    tmp_path: Path, captured: io.StringIO
) -> None:
    child = _child(tmp_path, "import time; time.sleep(60)")
    child.start()
    supervised = Supervised(child, "the worker", FAST)
    first = child.pid
    assert child.process is not None
    child.process.kill()
    child.process.wait(5)
    try:
        deadline = time.monotonic() + 10
        while child.exited() is not None or child.pid == first:
            assert time.monotonic() < deadline, "the killed child was not restarted"
            supervised.tend(time.monotonic())
            time.sleep(0.01)
        assert "signal SIGKILL" in captured.getvalue()
    finally:
        child.stop()


def test_exits_further_apart_than_the_window_are_not_given_up_on(tmp_path: Path) -> None:
    child = _child(tmp_path, "print('run', flush=True); raise SystemExit(1)")
    child.start()
    policy = RestartPolicy(first_delay=0.0, max_delay=0.0, give_up_after=2, window_seconds=60)
    supervised = Supervised(child, "the worker", policy)
    try:
        for minute in range(4):  # one exit every 100 s of the supervisor's clock
            assert child.process is not None
            child.process.wait(10)
            supervised.tend(now=100.0 * minute)  # an exit: the restart is due at once
            supervised.tend(now=100.0 * minute)  # restarted
        assert child.process is not None
        child.process.wait(10)
    finally:
        child.stop()
    assert child.log_path.read_text().count("run") == 5


def test_up_runs_the_worker_and_api_processes_it_is_asked_for(tmp_path: Path) -> None:
    from cli.embedded.supervisor import Supervisor
    from core.settings import Settings

    settings = Settings(data_dir=tmp_path)
    one = Supervisor(settings).child_commands()
    assert [(name, argv[3:]) for name, argv in one] == [("worker", ["worker"]), ("api", ["api"])]
    several = Supervisor(settings, api_workers=3, workers=2).child_commands()
    assert [(name, argv[3:]) for name, argv in several] == [
        ("worker-1", ["worker"]),
        ("worker-2", ["worker"]),
        ("api", ["api", "--workers", "3"]),
    ]
    assert all(argv[:3] == [sys.executable, "-m", "cli.main"] for _, argv in several)
