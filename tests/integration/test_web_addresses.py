"""Where web imports connect outside local mode: only to the public address that was checked,
for the first request and for every redirect hop and crawled page, whatever DNS answers next.

Real HTTP servers on loopback ports play both a public site (``RoutedNetwork`` routes a public
address to it) and the installation's internal services (plain loopback).
"""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import ssl
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from agents.knowledge.web import (
    AddressRefusedError,
    FetchError,
    discover_pages,
    ensure_public_address,
    fetch_page,
)
from agents.knowledge.web_client import web_client
from core.db import SessionMaker, org_session
from core.models import KnowledgeDocument, SourceKind
from core.settings import Settings
from tests.conftest import serve
from tests.fakes.network import PUBLIC, PUBLIC_V6, RoutedNetwork, ScriptedDns
from tests.fakes.website import Website
from tests.integration.knowledge_helpers import owner_headers, wait_until_final

MB = 1024 * 1024


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Outside local mode: private addresses are refused (the API's and the worker's)."""
    return settings.model_copy(update={"allow_private_urls": False})


@pytest.fixture
def internal() -> Iterator[Website]:
    """A service on the installation's own network, which no import may reach."""
    site = Website()
    site.page("/secret", "<html><body>internal only</body></html>")
    site.page("/robots.txt", "", content_type="text/plain")
    with site.serve():
        yield site


@pytest.fixture
def public() -> Iterator[Website]:
    """The public site the member named, reached through ``RoutedNetwork``."""
    site = Website()
    site.page("/secret", "<html><body>the public page</body></html>")
    with site.serve():
        yield site


def _client(dns: ScriptedDns, network: RoutedNetwork, **options: Any) -> httpx.AsyncClient:
    return web_client(private_allowed=False, resolver=dns, network=network, **options)


async def test_a_name_that_rebinds_to_loopback_is_fetched_from_the_checked_address_only(
    internal: Website, public: Website
) -> None:
    # The attacker's DNS answers a public address first and loopback from then on; the URL's
    # port is the internal service's, so a second lookup at connection time would reach it.
    dns = ScriptedDns({"shop.example": [[PUBLIC], ["127.0.0.1"]]})
    network = RoutedNetwork({PUBLIC: public.port})
    url = f"http://shop.example:{internal.port}/secret"

    async with _client(dns, network) as client:
        page = await fetch_page(client, url, max_bytes=MB)
    assert b"the public page" in page.body
    assert dns.lookups == ["shop.example"]  # one lookup: the one that was checked
    assert network.connections == [(PUBLIC, internal.port)]
    assert public.requests[0].host == f"shop.example:{internal.port}"  # the name, not the IP

    # The next connection looks the name up again and gets loopback: refused before connecting.
    async with _client(dns, network) as client:
        with pytest.raises(AddressRefusedError) as raised:
            await fetch_page(client, url, max_bytes=MB)
    assert raised.value.reason == (
        "shop.example is on a private network (127.0.0.1) and cannot be imported"
    )
    assert network.connections == [(PUBLIC, internal.port)]
    assert internal.requests == []


async def test_a_check_then_a_fetch_through_the_system_resolver_cannot_be_rebound(
    internal: Website, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the import did before: check the name, then fetch it. The system resolver (the
    event loop's getaddrinfo) answers public to the check and loopback afterwards."""
    loop = asyncio.get_running_loop()
    system = loop.getaddrinfo
    answers = [PUBLIC, "127.0.0.1"]

    async def rebinding(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in ("shop.example", b"shop.example"):
            host = answers.pop(0) if len(answers) > 1 else answers[0]
        return await system(host, port, *args, **kwargs)

    monkeypatch.setattr(loop, "getaddrinfo", rebinding)
    url = f"http://shop.example:{internal.port}/secret"
    await ensure_public_address(url)
    network = RoutedNetwork({})
    async with web_client(private_allowed=False, network=network) as client:
        with pytest.raises(AddressRefusedError, match=r"private network \(127\.0\.0\.1\)"):
            await fetch_page(client, url, max_bytes=MB)
    assert network.connections == []
    assert internal.requests == []


async def test_a_name_with_one_private_answer_among_public_ones_is_refused(
    internal: Website,
) -> None:
    dns = ScriptedDns({"shop.example": [[PUBLIC, PUBLIC_V6, "169.254.169.254"]]})
    network = RoutedNetwork({})
    async with _client(dns, network) as client:
        with pytest.raises(AddressRefusedError, match=r"private network \(169\.254\.169\.254\)"):
            await fetch_page(client, f"http://shop.example:{internal.port}/secret", max_bytes=MB)
    assert network.connections == []


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.1:{port}/secret",  # another site: refused by name already
        "http://www.shop.example:{port}/secret",  # the same site, on loopback
        "http://[::ffff:127.0.0.1]:{port}/secret",
        "http://www.shop.example:{port}/latest/meta-data",  # the same site, on 169.254/16
    ],
)
async def test_a_redirect_to_a_private_address_is_refused(
    internal: Website, public: Website, location: str
) -> None:
    public.redirect("/start", location.format(port=internal.port))
    dns = ScriptedDns(
        {
            "shop.example": [[PUBLIC]],
            "www.shop.example": [["169.254.169.254" if "meta-data" in location else "127.0.0.1"]],
        }
    )
    network = RoutedNetwork({PUBLIC: public.port})
    async with _client(dns, network) as client:
        with pytest.raises(FetchError) as raised:
            await fetch_page(client, f"http://shop.example:{internal.port}/start", max_bytes=MB)
    assert "private network" in raised.value.reason or "another site" in raised.value.reason
    if "www." in location:
        assert isinstance(raised.value, AddressRefusedError)
    assert network.connections == [(PUBLIC, internal.port)]  # nothing was opened to the hop
    assert internal.requests == []


async def test_a_crawl_leaves_out_pages_whose_host_is_private(
    internal: Website, public: Website
) -> None:
    port = internal.port
    public.html(
        "/",
        f"http://shop.example:{port}/guide",
        f"http://www.shop.example:{port}/secret",  # same site, but on loopback
    )
    public.html("/guide", title="Guide")
    dns = ScriptedDns({"shop.example": [[PUBLIC]], "www.shop.example": [["127.0.0.1"]]})
    network = RoutedNetwork({PUBLIC: public.port})
    async with _client(dns, network) as client:
        pages = await discover_pages(client, f"http://shop.example:{port}/", max_pages=10)
    assert pages == [f"http://shop.example:{port}/", f"http://shop.example:{port}/guide"]
    assert internal.requests == []
    assert {address for address, _ in network.connections} == {PUBLIC}


async def test_a_crawl_of_a_private_start_is_refused_with_the_reason(internal: Website) -> None:
    dns = ScriptedDns({"docs.shop.example": [["10.0.0.7"]]})
    async with _client(dns, RoutedNetwork({})) as client:
        with pytest.raises(AddressRefusedError) as raised:
            await discover_pages(client, "http://docs.shop.example/", max_pages=10)
    assert raised.value.reason == (
        "docs.shop.example is on a private network (10.0.0.7) and cannot be imported"
    )


async def test_https_to_the_pinned_address_verifies_the_certificate_of_the_name(
    tmp_path: Path,
) -> None:
    authority, server = _certificates(tmp_path, "shop.example")
    site = Website()
    site.page("/", "<html><body>over tls</body></html>")
    with site.serve(tls=server):
        port = site.port
        dns = ScriptedDns({"shop.example": [[PUBLIC]], "other.example": [[PUBLIC]]})
        network = RoutedNetwork({PUBLIC: port})
        async with _client(dns, network, verify=authority) as client:
            page = await fetch_page(client, f"https://shop.example:{port}/", max_bytes=MB)
            assert b"over tls" in page.body
            # The same server under a name its certificate does not carry is refused.
            with pytest.raises(FetchError, match=r"could not connect to other\.example"):
                await fetch_page(client, f"https://other.example:{port}/", max_bytes=MB)
    assert network.connections == [(PUBLIC, port), (PUBLIC, port)]
    assert [request.host for request in site.requests] == [f"shop.example:{port}"]


async def test_local_mode_reaches_loopback(internal: Website) -> None:
    async with web_client(private_allowed=True) as client:
        page = await fetch_page(client, f"{internal.url}/secret", max_bytes=MB)
    assert b"internal only" in page.body


async def test_the_import_request_is_refused_with_422_for_private_literals(
    settings: Settings, session_maker: SessionMaker, embedder: Any
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    urls = [
        "http://[64:ff9b::7f00:1]:9/admin",  # NAT64 of 127.0.0.1
        "http://[2002:a9fe:a9fe::]/latest/meta-data",  # 6to4 of 169.254.169.254
        "http://[::ffff:10.0.0.1]/",
        "http://100.64.0.1/",
        "http://[fe80::1]/",
    ]
    async with serve(settings, embedder) as running, running.client() as client:
        for url in urls:
            for kind in ("url", "website"):
                response = await client.post(
                    f"/api/orgs/{org_id}/knowledge/imports",
                    json={"url": url, "kind": kind},
                    headers=headers,
                )
                assert response.status_code == 422, (url, response.text)
                detail = response.json()["detail"]
                assert "is on a private network and cannot be imported" in detail


@pytest.mark.usefixtures("worker")
async def test_a_page_whose_address_became_private_fails_with_the_reason(
    settings: Settings, session_maker: SessionMaker, embedder: Any, internal: Website
) -> None:
    """A page imported while its name was public, re-ingested once it points at loopback: the
    worker refuses to fetch it and the document says why."""
    assert not settings.private_urls_allowed
    org_id, headers = await owner_headers(settings, session_maker)
    async with org_session(session_maker, org_id) as session:
        document = KnowledgeDocument(
            org_id=org_id,
            title="Help",
            source_type=SourceKind.URL,
            source_url=f"{internal.url}/secret",
        )
        session.add(document)
    async with serve(settings, embedder) as running, running.client() as client:
        response = await client.post(
            f"/api/orgs/{org_id}/knowledge/documents/{document.id}/reingest", headers=headers
        )
        assert response.status_code == 202, response.text
        final = await wait_until_final(client, org_id, headers, str(document.id))
    assert final["status"] == "failed"
    assert final["failure_reason"] == "127.0.0.1 is on a private network and cannot be imported"
    assert internal.requests == []


def _certificates(directory: Path, name: str) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A certificate authority (as a client context trusting it) and a server context with a
    certificate for ``name`` only, issued by it."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test authority")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        # The name only: a client that checked the certificate against the address would fail.
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    assert ipaddress.ip_address("127.0.0.1") not in leaf.extensions.get_extension_for_class(
        x509.SubjectAlternativeName
    ).value.get_values_for_type(x509.IPAddress)
    certificate = directory / f"{uuid.uuid4().hex}.pem"
    certificate.write_bytes(
        leaf.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(certificate)
    client = ssl.create_default_context(cadata=ca.public_bytes(serialization.Encoding.PEM).decode())
    return client, server
