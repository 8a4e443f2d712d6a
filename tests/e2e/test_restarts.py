"""`perceptron up` keeps the stack running: a killed child is restarted and the stack serves
again, without the supervisor exiting or echoing a line of any child's log."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from tests.e2e.stack import PERCEPTRON, Stack

pytestmark = pytest.mark.e2e


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    running = Stack.fresh(tmp_path / "data")
    yield running
    running.kill_everything()


def _is_worker(process: psutil.Process) -> bool:
    return process.cmdline()[-2:] == ["cli.main", "worker"]


def _is_api(process: psutil.Process) -> bool:
    return process.cmdline()[-2:] == ["cli.main", "api"]


def _is_postgres(process: psutil.Process) -> bool:
    return process.name() == "postgres"


def _is_temporal(process: psutil.Process) -> bool:
    command = process.cmdline()
    return bool(command) and Path(command[0]).name == "temporal"


def _child(stack: Stack, which: Callable[[psutil.Process], bool]) -> psutil.Process:
    assert stack.process is not None
    children = psutil.Process(stack.process.pid).children()  # direct children only
    found = [child for child in children if _alive_and(which, child)]
    assert len(found) == 1, f"expected one such child, found {found}"
    return found[0]


def _alive_and(which: Callable[[psutil.Process], bool], process: psutil.Process) -> bool:
    """``which``, of a child that is not a killed one the supervisor has not reaped yet (a
    zombie, whose command line is empty)."""
    try:
        return process.status() != psutil.STATUS_ZOMBIE and which(process)
    except psutil.Error:  # gone meanwhile
        return False


def _serves(stack: Stack, timeout: float = 240.0) -> None:
    """Ready again, and the system check runs through Temporal, the worker and PostgreSQL."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{stack.api_url}/readyz", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "the stack did not become ready again"
        time.sleep(0.5)
    while True:  # the check's workflow gives the worker 30 s: a restarting one may need more
        check = subprocess.run(
            [PERCEPTRON, "check"],
            env=stack.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check.returncode == 0:
            break
        assert time.monotonic() < deadline, check.stdout + check.stderr[-2000:]
    assert stack.process is not None
    assert stack.process.poll() is None, "the supervisor exited"


def _kill_and_see_it_restarted(
    stack: Stack, name: str, which: Callable[[psutil.Process], bool]
) -> None:
    killed = _child(stack, which)
    killed.kill()
    exited = stack.wait_for(f"child={name}", timeout=60)  # "child exited; restarting ..."
    assert "SIGKILL" in exited
    deadline = time.monotonic() + 120
    while True:
        try:
            if _child(stack, which).pid != killed.pid:
                break
        except AssertionError:
            pass
        assert time.monotonic() < deadline, f"the {name} was not restarted"
        time.sleep(0.2)
    _serves(stack)


@pytest.mark.timeout(1200)  # four restarts of a whole stack, on a busy 2-core machine
def test_killed_children_are_restarted_and_the_stack_serves_again(stack: Stack) -> None:
    stack.start()
    stack.wait_for("Press Ctrl-C to stop.", timeout=300)

    _kill_and_see_it_restarted(stack, "worker", _is_worker)
    _kill_and_see_it_restarted(stack, "api", _is_api)
    _kill_and_see_it_restarted(stack, "postgres", _is_postgres)
    _kill_and_see_it_restarted(stack, "temporal", _is_temporal)

    assert stack.terminate() == 0
    restarts = [line for line in stack.lines if "child exited; restarting" in line]
    assert len(restarts) == 4, stack.output
    for name in ("worker", "api", "postgres", "temporal"):
        child_log = (stack.data_dir / "logs" / f"{name}.log").read_text()
        lines = {line.strip() for line in child_log.splitlines()} - {""}
        echoed = [line for line in lines if line in stack.output]
        assert echoed == [], f"the supervisor echoed the {name}'s log"
