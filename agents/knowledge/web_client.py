"""The HTTP client web imports fetch with: every connection goes to an address that was
checked, and outside local mode only to public ones.

Checking a host's address and then letting the HTTP client resolve the name again is not
enough: a name whose answer changes between the two lookups (DNS rebinding) passes the check
with a public address and is then fetched from a private one. So the check lives in the
transport: each new connection resolves the host once, refuses it when any answer is not a
public address, and connects to the addresses it checked. The request keeps the host name, so
the ``Host`` header, TLS SNI and certificate verification are for the name, not the address.
Every redirect hop opens its connection through the same check.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable, Sequence

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Resolves a host name (or an address literal) to the addresses to connect to, as text.
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]

# Shared address space for carrier-grade NAT (RFC 6598): not the public internet.
_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
# The well-known NAT64 prefix (RFC 6052): the last 32 bits are an IPv4 address.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class PrivateAddressError(httpx.ConnectError):
    """A connection refused because the host resolves to an address that is not public."""

    def __init__(self, host: str, address: str) -> None:
        shown = "" if _bare(address) == host.strip("[]") else f" ({_bare(address)})"
        super().__init__(f"{host} is on a private network{shown} and cannot be imported")
        self.host = host
        self.address = address


def is_public_address(address: IPAddress) -> bool:
    """Whether an address is on the public internet: not loopback, private (RFC 1918,
    fc00::/7), link-local (169.254/16 with the cloud metadata addresses, fe80::/10),
    carrier-grade NAT, unspecified, multicast or reserved. An IPv6 address that embeds an
    IPv4 one (IPv4-mapped, NAT64, 6to4) is judged by the IPv4 address it reaches."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public_address(embedded)
        if address.is_site_local:
            return False
    elif address in _CGNAT:
        return False
    return address.is_global and not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_unspecified
        or address.is_multicast
        or address.is_reserved
    )


async def resolve(host: str, port: int) -> list[str]:
    """The system resolver's addresses for a host, in its order of preference."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def checked_addresses(
    host: str, port: int, *, private_allowed: bool, resolver: Resolver = resolve
) -> list[str]:
    """Resolve a host once and return its addresses, refusing it (``PrivateAddressError``)
    when any of them is not public and private addresses are not allowed. A failed lookup
    raises ``OSError`` (``UnicodeError`` for a name that cannot be encoded)."""
    addresses = list(await resolver(host, port))
    if not addresses:
        raise OSError(f"no address for {host}")
    if not private_allowed:
        for address in addresses:
            if not is_public_address(ipaddress.ip_address(_bare(address))):
                raise PrivateAddressError(host, address)
    return addresses


class PinnedNetwork(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that connects only to addresses it resolved and checked."""

    def __init__(
        self,
        *,
        private_allowed: bool,
        resolver: Resolver = resolve,
        network: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._private_allowed = private_allowed
        self._resolver = resolver
        self._network = network or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        options = list(socket_options or [])
        try:
            async with asyncio.timeout(timeout):
                try:
                    addresses = await checked_addresses(
                        host, port, private_allowed=self._private_allowed, resolver=self._resolver
                    )
                except (OSError, UnicodeError) as error:
                    raise httpcore.ConnectError(f"could not find the host {host}") from error
                failure: httpcore.ConnectError | None = None
                for address in addresses:
                    try:
                        return await self._network.connect_tcp(
                            address,
                            port,
                            timeout=timeout,
                            local_address=local_address,
                            socket_options=options,
                        )
                    except httpcore.ConnectError as error:
                        failure = error
                raise failure or httpcore.ConnectError(f"could not connect to {host}")
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"could not connect to {host} in time") from None

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("web imports do not use unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self._network.sleep(seconds)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with its connection pool on a ``PinnedNetwork``. No proxy is used:
    a proxy would resolve the name again, out of our sight."""

    def __init__(self, network: PinnedNetwork, *, verify: ssl.SSLContext | bool = True) -> None:
        context = httpx.create_ssl_context(verify=verify, trust_env=False)
        super().__init__(verify=context, trust_env=False)
        # httpx (0.28) takes no network backend, so its pool is rebuilt with ours.
        self._pool = httpcore.AsyncConnectionPool(ssl_context=context, network_backend=network)


def web_client(
    *,
    private_allowed: bool,
    timeout: float | None = None,  # the client's default per request
    resolver: Resolver = resolve,
    network: httpcore.AsyncNetworkBackend | None = None,
    verify: ssl.SSLContext | bool = True,
) -> httpx.AsyncClient:
    """The client for fetching members' web addresses. ``private_allowed`` is the
    installation's ``private_urls_allowed`` (local mode). ``resolver``, ``network`` and
    ``verify`` replace the system resolver, sockets and certificate authorities, for tests."""
    pinned = PinnedNetwork(private_allowed=private_allowed, resolver=resolver, network=network)
    return httpx.AsyncClient(
        transport=PinnedTransport(pinned, verify=verify), timeout=timeout, trust_env=False
    )


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def _bare(address: str) -> str:
    """An address without its IPv6 zone (``fe80::1%eth0``)."""
    return address.split("%", 1)[0]
