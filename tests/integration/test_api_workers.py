"""`perceptron api --workers 2`: two processes serve one port, each with its own app (pool,
Temporal client, LISTEN connection); one that dies is replaced and the port keeps answering."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import psutil

from core.db import SessionMaker
from core.ports import free_port
from core.settings import Settings
from tests.factories import create_organization


def _children(process: psutil.Process) -> list[psutil.Process]:
    """uvicorn's live worker processes: not multiprocessing's resource tracker, and not one
    that was killed and is not reaped yet (a zombie)."""
    serving = []
    for child in process.children():
        try:
            if child.status() != psutil.STATUS_ZOMBIE and "resource_tracker" not in " ".join(
                child.cmdline()
            ):
                serving.append(child)
        except (psutil.ZombieProcess, psutil.NoSuchProcess):
            continue
    return serving


def _wait(check: Callable[[], bool], what: str, within: float = 90.0) -> None:
    deadline = time.monotonic() + within
    while True:
        try:
            if check():
                return
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.2)


async def test_two_api_processes_share_the_port_and_one_that_dies_is_replaced(
    settings: Settings, session_maker: SessionMaker, tmp_path: Path
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    await asyncio.to_thread(_serve_two, settings, organization.public_key, tmp_path)


def _serve_two(settings: Settings, public_key: str, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": settings.resolved_database_url,
        "TEMPORAL_ADDRESS": settings.resolved_temporal_address,
        "PERCEPTRON_TEMPORAL_CONFIG": str(settings.temporal_config),
        "PERCEPTRON_DATA_DIR": str(tmp_path / "data"),
        "PERCEPTRON_API_PORT": str(port),
        "PERCEPTRON_VOICE_WARM_UP": "false",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "api", "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "api.log").open("w"),
    )
    parent = psutil.Process(server.pid)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: httpx.get(f"{url}/readyz", timeout=2).status_code == 200, "ready")
        _wait(lambda: len(_children(parent)) == 2, "two processes serve")
        first = {child.pid for child in _children(parent)}
        config = httpx.get(f"{url}/api/widget/config", headers={"x-perceptron-key": public_key})
        assert config.status_code == 200
        assert config.json()["organization_name"] == "Lumen"

        os.kill(next(iter(first)), signal.SIGKILL)
        _wait(
            lambda: len(_children(parent)) == 2 and {c.pid for c in _children(parent)} != first,
            "the killed process is replaced",
        )
        _wait(lambda: httpx.get(f"{url}/readyz", timeout=2).status_code == 200, "ready again")
        for _ in range(6):  # whichever process takes it
            assert httpx.get(f"{url}/healthz", timeout=5).status_code == 200
    except AssertionError as failure:
        log = (tmp_path / "api.log").read_text()[-3000:]
        raise AssertionError(f"{failure}\nthe API's log ends:\n{log}") from failure
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
    assert server.returncode is not None
    assert "GET /healthz" not in (tmp_path / "api.log").read_text(), "no access log"
