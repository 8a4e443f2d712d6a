"""Free loopback ports for the local servers that tests and benchmarks start.

A port the kernel picks (``bind(("127.0.0.1", 0))``) comes from its ephemeral range, the
same range it draws from for every outgoing connection's local port. Between the moment it
is handed out and the moment the server binds it, any connection this machine opens (to
PostgreSQL, to Temporal, to a fake provider) may take it, and the server then fails with
"Address already in use". Ports below that range are never given to outgoing connections,
so here they are drawn from there instead, at random, checked free, and never handed out
twice by one process.
"""

from __future__ import annotations

import secrets
import socket
import threading
from pathlib import Path

EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
LOWEST = 20000
ATTEMPTS = 500

_handed_out: set[int] = set()
_lock = threading.Lock()


def _ephemeral_start() -> int:
    try:
        return int(EPHEMERAL_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default, also below the IANA dynamic range


def free_port() -> int:
    """A loopback TCP port that is free now and outside the kernel's ephemeral range."""
    top = max(_ephemeral_start(), LOWEST + 1000)
    with _lock:
        for _ in range(ATTEMPTS):
            port = LOWEST + secrets.randbelow(top - LOWEST)
            if port in _handed_out:
                continue
            with socket.socket() as probe:
                try:
                    probe.bind(("127.0.0.1", port))
                except OSError:
                    continue
            _handed_out.add(port)
            return port
    raise RuntimeError(f"no free loopback port between {LOWEST} and {top}")


def free_ports(count: int) -> list[int]:
    """``count`` different free ports."""
    return [free_port() for _ in range(count)]
