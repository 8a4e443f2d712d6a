"""The keyless stack talks to nothing but loopback.

Every Python process of the stack (supervisor, worker, API) runs with an audit hook, installed
through ``sitecustomize``, that refuses at the socket level any connection or name lookup for
an address outside loopback and records the attempt. The test then uses the product and
checks the record is empty, and that the hook was loaded in every process and saw traffic.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.stack import Stack

pytestmark = pytest.mark.e2e

SITECUSTOMIZE = """
import ipaddress, os, sys

_RECORD = os.environ["PERCEPTRON_TEST_NET_RECORD"]


def _loopback(host):
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _note(kind, detail):
    with open(_RECORD + "." + kind, "a") as record:
        record.write(f"{os.getpid()} {detail}\\n")


def _hook(event, args):
    if event == "socket.connect":
        address = args[1]
        if isinstance(address, tuple):
            if _loopback(address[0]):
                _note("loopback", address[0])
            else:
                _note("outbound", repr(address))
                raise OSError(101, "outbound connections are refused in this test")
    elif event == "socket.getaddrinfo":
        if not _loopback(args[0]):
            _note("outbound", "lookup " + repr(args[0]))
            raise OSError(-2, "name lookups are refused in this test")


sys.addaudithook(_hook)
_note("loaded", " ".join(sys.argv[1:3]))
"""


@pytest.fixture
def guarded_stack(tmp_path: Path) -> Iterator[tuple[Stack, Path]]:
    hook_dir = tmp_path / "hook"
    hook_dir.mkdir()
    (hook_dir / "sitecustomize.py").write_text(SITECUSTOMIZE)
    record = tmp_path / "net"
    stack = Stack.fresh(
        tmp_path / "data",
        PYTHONPATH=str(hook_dir),
        PERCEPTRON_TEST_NET_RECORD=str(record),
    )
    yield stack, record
    stack.kill_everything()


def test_keyless_stack_never_tries_to_reach_beyond_loopback(
    guarded_stack: tuple[Stack, Path],
) -> None:
    stack, record = guarded_stack
    stack.start()
    stack.wait_for("Press Ctrl-C to stop.")
    link = next(url for url in stack.urls() if "/auth/sign-in?token=" in url)
    with httpx.Client(follow_redirects=True) as client:
        assert client.get(link).status_code == 200  # redirect followed to the dashboard
        assert client.get(f"{stack.api_url}/api/me").status_code == 200
        assert client.get(f"{stack.api_url}/readyz").status_code == 200
        assert client.get(f"{stack.api_url}/demo/").status_code == 200
    assert stack.terminate() == 0

    outbound = Path(f"{record}.outbound")
    attempts = outbound.read_text() if outbound.exists() else ""
    assert attempts == "", f"tried to reach beyond loopback:\n{attempts}"
    loaded = Path(f"{record}.loaded").read_text()
    for command in ("up", "worker", "api"):
        assert command in loaded, f"the hook was not active in `perceptron {command}`"
    assert Path(f"{record}.loopback").read_text(), "the hook saw the loopback traffic"
