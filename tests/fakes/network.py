"""A stand-in for DNS and the internet, for tests of where web imports connect.

``ScriptedDns`` answers a host's lookups from a script: each lookup takes the next answer and
the last one repeats, so a name can change its answer between lookups (DNS rebinding). Hosts
without a script go to the system resolver. ``RoutedNetwork`` opens real sockets, except that
connections to the public addresses it routes go to a server on a loopback port (the tests'
stand-in for a public site); every connection is recorded by the address it was opened to.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import httpcore

from agents.knowledge.web_client import resolve

# Public addresses (example.com's, Cloudflare's DNS) that the tests route to loopback.
PUBLIC = "93.184.215.14"
PUBLIC_V6 = "2606:4700:4700::1111"


class ScriptedDns:
    def __init__(self, script: dict[str, Sequence[Sequence[str]]]) -> None:
        self._script = {host: list(answers) for host, answers in script.items()}
        self.lookups: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        answers = self._script.get(host)
        if answers is None:
            return await resolve(host, port)
        self.lookups.append(host)
        return list(answers.pop(0) if len(answers) > 1 else answers[0])


class RoutedNetwork(httpcore.AsyncNetworkBackend):
    def __init__(self, routes: dict[str, int]) -> None:
        self._routes = routes  # public address -> loopback port of the server standing in
        self._sockets = httpcore.AnyIOBackend()
        self.connections: list[tuple[str, int]] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.connections.append((host, port))
        if host in self._routes:
            host, port = "127.0.0.1", self._routes[host]
        return await self._sockets.connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )

    async def sleep(self, seconds: float) -> None:
        await self._sockets.sleep(seconds)
