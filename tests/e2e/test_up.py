"""`perceptron up` end to end: ready stack, clean stop, restart on the same data, clear errors."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from tests.e2e.stack import Stack

pytestmark = pytest.mark.e2e


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    running = Stack.fresh(tmp_path / "data")
    yield running
    running.kill_everything()


def _process_tree(pid: int) -> list[psutil.Process]:
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def _listening_ports(processes: list[psutil.Process]) -> set[int]:
    pids = {process.pid for process in processes}
    ports: set[int] = set()
    for connection in psutil.net_connections(kind="inet"):
        if connection.status == psutil.CONN_LISTEN and connection.pid in pids:
            host_and_port: tuple[str, int] = tuple(connection.laddr)  # type: ignore[assignment]  # psutil types an unbound socket's address as ()
            ports.add(host_and_port[1])
    return ports


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _sign_in(stack: Stack) -> dict[str, str]:
    link = next(url for url in stack.urls() if "/auth/sign-in?token=" in url)
    with httpx.Client(follow_redirects=False) as client:
        response = client.get(link)
        assert response.status_code == 303
        me = client.get(f"{stack.api_url}/api/me")
    assert me.status_code == 200
    data: dict[str, str] = me.json()
    return data


def test_up_serves_a_ready_stack_and_sigterm_leaves_nothing_behind(stack: Stack) -> None:
    stack.start()
    stack.wait_for("Press Ctrl-C to stop.")
    urls = stack.urls()
    assert urls[0] == stack.api_url, "the API's own URL is the first URL printed"
    assert any("/auth/sign-in?token=" in url for url in urls)
    assert f"{stack.api_url}/demo/" in urls
    assert "  Voice:        offline: faster-whisper tiny.en" in stack.output, "the voice is named"
    ui_port = stack.ports["PERCEPTRON_TEMPORAL_UI_PORT"]
    assert any(url.startswith(f"http://127.0.0.1:{ui_port}/namespaces/perceptron") for url in urls)

    assert httpx.get(f"{stack.api_url}/readyz").json()["status"] == "ready"
    assert httpx.get(f"http://127.0.0.1:{ui_port}/").status_code == 200
    first_owner = _sign_in(stack)
    assert first_owner["role"] == "owner"

    assert stack.process is not None
    tree = _process_tree(stack.process.pid)
    ports = _listening_ports(tree)
    assert set(stack.ports.values()) <= ports
    postmaster_pid = stack.data_dir / "postgres" / "postmaster.pid"
    assert postmaster_pid.exists()

    assert stack.terminate() == 0
    _gone, alive = psutil.wait_procs(tree, timeout=10)
    assert alive == [], f"left running: {[process.pid for process in alive]}"
    assert all(_port_is_free(port) for port in ports), "a port is still held"
    assert not postmaster_pid.exists()

    # Restart on the same data: the same organization and owner, no second bootstrap.
    stack.start()
    stack.wait_for("Press Ctrl-C to stop.")
    second_owner = _sign_in(stack)
    assert second_owner["org_id"] == first_owner["org_id"]
    assert second_owner["member_id"] == first_owner["member_id"]
    assert stack.terminate() == 0


def test_a_killed_supervisor_takes_its_children_with_it(stack: Stack) -> None:
    """Even SIGKILL, which the supervisor cannot handle, leaves no server running."""
    stack.start()
    stack.wait_for("Press Ctrl-C to stop.")
    assert stack.process is not None
    tree = _process_tree(stack.process.pid)[1:]
    assert tree
    stack.process.kill()
    stack.process.wait(10)
    _, alive = psutil.wait_procs(tree, timeout=30)
    assert alive == [], f"left running: {[p.pid for p in alive]}"


def test_a_port_in_use_is_named_with_the_setting_to_change(stack: Stack) -> None:
    port = stack.ports["PERCEPTRON_TEMPORAL_PORT"]
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", port))
        holder.listen()
        stack.start()
        assert stack.process is not None
        code = stack.process.wait(60)
        stack.drain()
    assert code == 2
    assert f"port {port}" in stack.output
    assert "PERCEPTRON_TEMPORAL_PORT" in stack.output
    assert not (stack.data_dir / "postgres").exists(), "nothing should have started"


def test_an_external_database_is_used_and_no_embedded_server_started(
    tmp_path: Path, database_url: str
) -> None:
    stack = Stack.fresh(tmp_path / "data", DATABASE_URL=database_url)
    try:
        stack.start()
        stack.wait_for("Press Ctrl-C to stop.")
        assert httpx.get(f"{stack.api_url}/readyz").json()["status"] == "ready"
        assert _sign_in(stack)["role"] == "owner"
        assert not (stack.data_dir / "postgres").exists()
        assert stack.terminate() == 0
    finally:
        stack.kill_everything()


def test_an_unreachable_external_database_stops_up_with_a_clear_message(tmp_path: Path) -> None:
    stack = Stack.fresh(tmp_path / "data", DATABASE_URL="postgresql://u:pw@127.0.0.1:1/app")
    stack.start()
    assert stack.process is not None
    code = stack.process.wait(60)
    stack.drain()
    assert code == 1
    assert "cannot reach PostgreSQL at 127.0.0.1:1/app" in stack.output
