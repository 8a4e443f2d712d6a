"""Which addresses web imports may connect to outside local mode: public ones only."""

from __future__ import annotations

import ipaddress

import pytest

from agents.knowledge.web_client import PrivateAddressError, checked_addresses, is_public_address

REFUSED = {
    "loopback": ["127.0.0.1", "127.255.255.254", "::1"],
    "private (RFC 1918, unique local)": [
        "10.0.0.1",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "fc00::1",
        "fd12:3456::1",
        "fd00:ec2::254",  # AWS's IPv6 metadata address
    ],
    "link-local and cloud metadata": ["169.254.169.254", "169.254.0.1", "fe80::1", "fe80::1%2"],
    "carrier-grade NAT": ["100.64.0.1", "100.127.255.254"],
    "unspecified and this network": ["0.0.0.0", "0.1.2.3", "::"],
    "multicast": ["224.0.0.1", "224.0.1.1", "239.255.255.250", "ff02::1", "ff0e::1"],
    "reserved, broadcast, documentation, benchmarking": [
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.1",
        "198.51.100.1",
        "203.0.113.1",
        "198.18.0.1",
        "2001:db8::1",
    ],
    "site-local": ["fec0::1"],
    "IPv4-mapped": [
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "::ffff:100.64.0.1",
    ],
    "NAT64 of a private address": ["64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b::a00:1"],
    "6to4 of a private address": ["2002:7f00:1::", "2002:a9fe:a9fe::1", "2002:c0a8:101::"],
    "IPv4-compatible": ["::127.0.0.1", "::10.0.0.1"],
}

PUBLIC = [
    "93.184.215.14",
    "8.8.8.8",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::",
]


@pytest.mark.parametrize(
    "address", [pytest.param(a, id=f"{kind}: {a}") for kind, ab in REFUSED.items() for a in ab]
)
async def test_addresses_that_are_not_public_are_refused(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address.partition("%")[0]))

    async def answer(host: str, port: int) -> list[str]:
        return ["93.184.215.14", address]  # one private answer among public ones is enough

    with pytest.raises(PrivateAddressError, match="is on a private network"):
        await checked_addresses("shop.example", 80, private_allowed=False, resolver=answer)
    # In local mode the same answer is allowed, and every address is kept.
    assert await checked_addresses("shop.example", 80, private_allowed=True, resolver=answer) == [
        "93.184.215.14",
        address,
    ]


@pytest.mark.parametrize("address", PUBLIC)
async def test_public_addresses_are_allowed(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))

    async def answer(host: str, port: int) -> list[str]:
        return [address]

    assert await checked_addresses("shop.example", 443, private_allowed=False, resolver=answer) == [
        address
    ]


async def test_the_refusal_names_the_address_a_name_resolves_to() -> None:
    async def loopback(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    with pytest.raises(PrivateAddressError) as raised:
        await checked_addresses("shop.example", 80, private_allowed=False, resolver=loopback)
    assert str(raised.value) == (
        "shop.example is on a private network (127.0.0.1) and cannot be imported"
    )
    with pytest.raises(PrivateAddressError) as literal:
        await checked_addresses("127.0.0.1", 80, private_allowed=False)
    assert str(literal.value) == "127.0.0.1 is on a private network and cannot be imported"
