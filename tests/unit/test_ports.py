"""free_port: ports outside the kernel's ephemeral range, free, never handed out twice."""

from __future__ import annotations

import socket

import pytest

from core import ports
from core.ports import LOWEST, free_port, free_ports


def test_ports_are_free_distinct_and_below_the_ephemeral_range() -> None:
    handed_out = free_ports(50)

    assert len(set(handed_out)) == 50
    assert all(LOWEST <= port < ports._ephemeral_start() for port in handed_out)
    for port in handed_out[:5]:
        with socket.socket() as server:
            server.bind(("127.0.0.1", port))  # free: a server can take it


def test_a_port_in_use_or_handed_out_before_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    earlier = free_port()
    candidate = next(port for port in range(LOWEST, LOWEST + 1000) if _bindable(port))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", candidate))
        busy.listen()
        after = next(port for port in range(candidate + 1, LOWEST + 2000) if _bindable(port))
        draws = iter([earlier - LOWEST, candidate - LOWEST, after - LOWEST])
        monkeypatch.setattr("core.ports.secrets.randbelow", lambda _: next(draws))

        assert free_port() == after


def _bindable(port: int) -> bool:
    try:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", port))
    except OSError:
        return False
    return True
