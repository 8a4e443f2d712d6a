"""Connecting to a Temporal server that was just started: "not healthy yet" is waited out,
anything else is not."""

from __future__ import annotations

import pytest

from core.temporal import while_starting

NOT_HEALTHY = (
    "Failed client connect: `get_system_info` call error after connection: Status { code:"
    ' Unavailable, message: "Frontend is not healthy yet", ... }'
)


class _Server:
    def __init__(self, failures: list[str]) -> None:
        self.failures = failures
        self.calls = 0

    async def connect(self) -> str:
        self.calls += 1
        if self.failures:
            raise RuntimeError(self.failures.pop(0))
        return "client"


async def test_a_starting_server_is_asked_again_until_it_answers() -> None:
    server = _Server([NOT_HEALTHY, NOT_HEALTHY])
    assert await while_starting(server.connect, 5.0) == "client"
    assert server.calls == 3


async def test_other_errors_and_a_server_that_never_gets_healthy_are_raised() -> None:
    refused = _Server(["Failed client connect: invalid API key"])
    with pytest.raises(RuntimeError, match="invalid API key"):
        await while_starting(refused.connect, 5.0)
    assert refused.calls == 1

    stuck = _Server([NOT_HEALTHY] * 100)
    with pytest.raises(RuntimeError, match="not healthy yet"):
        await while_starting(stuck.connect, 0.5)
    assert 2 <= stuck.calls <= 5
