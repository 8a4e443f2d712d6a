"""Knowledge import from the web: fetching a page and discovering a site's pages, against
real HTTP servers on loopback ports (two ports are two sites)."""

from __future__ import annotations

import gzip
import hashlib
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from agents.knowledge.web import (
    FetchError,
    discover_pages,
    fetch_page,
    normalize_url,
    same_site,
)
from agents.knowledge.web_client import web_client
from core.ports import free_port
from tests.fakes.website import Website

MB = 1024 * 1024


@pytest.fixture
def website() -> Iterator[Website]:
    with Website().serve() as served:
        yield served


@pytest.fixture
def other_site() -> Iterator[Website]:
    with Website().serve() as served:
        yield served


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    # The client web imports use, in local mode: loopback sites are allowed.
    async with web_client(private_allowed=True) as http:
        yield http


def _urlset(*locations: str) -> str:
    entries = "".join(f"<url><loc>{location}</loc></url>" for location in locations)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    )


def _sitemap_index(*locations: str) -> str:
    entries = "".join(f"<sitemap><loc>{location}</loc></sitemap>" for location in locations)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}'
        "</sitemapindex>"
    )


# -- fetching one page ---------------------------------------------------------------------


async def test_fetched_page_carries_body_validators_and_checksum(
    website: Website, client: httpx.AsyncClient
) -> None:
    website.page(
        "/guide",
        "<h1>Guide</h1>",
        headers={"ETag": '"v1"', "Last-Modified": "Wed, 21 Oct 2015 07:28:00 GMT"},
    )
    page = await fetch_page(client, f"{website.url}/guide", max_bytes=MB)
    assert page.url == page.final_url == f"{website.url}/guide"
    assert page.body == b"<h1>Guide</h1>"
    assert page.content_type == "text/html; charset=utf-8"
    assert page.media_type == "text/html"
    assert page.charset == "utf-8"
    assert page.etag == '"v1"'
    assert page.last_modified == "Wed, 21 Oct 2015 07:28:00 GMT"
    assert page.sha256 == hashlib.sha256(b"<h1>Guide</h1>").hexdigest()
    assert website.requests[0].user_agent == "PerceptronBot/1.0"


async def test_redirects_within_the_site_are_followed(
    website: Website, client: httpx.AsyncClient
) -> None:
    website.redirect("/old", "/middle", status=301)
    website.redirect("/middle", f"{website.url}/new")
    website.page("/new", "moved here")
    page = await fetch_page(client, f"{website.url}/old", max_bytes=MB)
    assert page.url == f"{website.url}/old"
    assert page.final_url == f"{website.url}/new"
    assert page.body == b"moved here"


async def test_missing_page_reports_the_sites_answer(
    website: Website, client: httpx.AsyncClient
) -> None:
    with pytest.raises(FetchError) as raised:
        await fetch_page(client, f"{website.url}/nowhere", max_bytes=MB)
    assert raised.value.reason == "the site answered 404 Not Found"
    assert raised.value.status_code == 404


async def test_page_that_does_not_answer_in_time_is_given_up(
    website: Website, client: httpx.AsyncClient
) -> None:
    website.page("/slow", "too late", delay=5)
    started = time.monotonic()
    with pytest.raises(FetchError) as raised:
        await fetch_page(client, f"{website.url}/slow", max_bytes=MB, timeout=0.5)
    assert raised.value.reason == "the site did not answer within 0.5 s"
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("declare_length", [True, False], ids=["declared", "streamed"])
async def test_page_larger_than_the_limit_is_refused(
    website: Website, client: httpx.AsyncClient, declare_length: bool
) -> None:
    website.page("/huge", b"x" * (3 * MB), declare_length=declare_length)
    with pytest.raises(FetchError) as raised:
        await fetch_page(client, f"{website.url}/huge", max_bytes=MB)
    assert raised.value.reason == "the page is larger than 1 MB"


async def test_redirect_to_another_site_is_refused(
    website: Website, other_site: Website, client: httpx.AsyncClient
) -> None:
    website.redirect("/away", f"{other_site.url}/landing")
    other_site.page("/landing", "elsewhere")
    with pytest.raises(FetchError) as raised:
        await fetch_page(client, f"{website.url}/away", max_bytes=MB)
    assert "another site" in raised.value.reason
    assert other_site.requests == []


async def test_endless_redirects_are_given_up(website: Website, client: httpx.AsyncClient) -> None:
    website.redirect("/ping", "/pong")
    website.redirect("/pong", "/ping")
    with pytest.raises(FetchError, match="redirects more than 5 times"):
        await fetch_page(client, f"{website.url}/ping", max_bytes=MB)
    assert len(website.requests) == 6


async def test_site_that_refuses_connections_is_reported(client: httpx.AsyncClient) -> None:
    with pytest.raises(FetchError) as raised:
        await fetch_page(client, f"http://127.0.0.1:{free_port()}/", max_bytes=MB)
    assert raised.value.reason == "could not connect to 127.0.0.1"


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/file", "file:///etc/passwd", "not a url"])
async def test_only_web_addresses_are_fetched(client: httpx.AsyncClient, url: str) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        await fetch_page(client, url, max_bytes=MB)


# -- addresses and sites -------------------------------------------------------------------


def test_www_scheme_and_default_port_do_not_change_the_site() -> None:
    assert same_site("http://example.com/a", "https://www.example.com/b")
    assert same_site("https://example.com:443/", "https://EXAMPLE.com/")
    assert not same_site("https://example.com/", "https://docs.example.com/")
    assert not same_site("http://127.0.0.1:8001/", "http://127.0.0.1:8002/")
    assert not same_site("mailto:help@example.com", "mailto:help@example.com")


def test_links_are_normalized_to_one_spelling() -> None:
    base = "https://example.com/docs/start"
    assert normalize_url(base, "setup#linux") == "https://example.com/docs/setup"
    assert normalize_url(base, "/faq?lang=en") == "https://example.com/faq?lang=en"
    assert normalize_url(base, "HTTPS://Example.COM:443") == "https://example.com/"
    assert normalize_url(base, "//user:secret@example.com/x") == "https://example.com/x"
    for href in ("mailto:help@example.com", "javascript:void(0)", "tel:+15550100", "  "):
        assert normalize_url(base, href) is None


# -- crawling a site -----------------------------------------------------------------------


async def test_crawl_follows_links_within_the_site_up_to_max_pages(
    website: Website, client: httpx.AsyncClient
) -> None:
    website.html("/", "/a", "/b", "/c")
    website.html("/a", "/a/deeper", "/")
    website.html("/b", "/b/deeper")
    website.html("/c")
    website.html("/a/deeper")
    website.html("/b/deeper")

    everything = await discover_pages(client, f"{website.url}/", max_pages=10)
    assert everything == [
        f"{website.url}{path}" for path in ["/", "/a", "/b", "/c", "/a/deeper", "/b/deeper"]
    ]

    website.requests.clear()
    first_three = await discover_pages(client, f"{website.url}/", max_pages=3)
    assert first_three == [f"{website.url}{path}" for path in ["/", "/a", "/b"]]
    assert [path for path in website.requested_paths if path != "/robots.txt"] == ["/", "/a", "/b"]


async def test_crawl_ignores_links_to_other_sites(
    website: Website, other_site: Website, client: httpx.AsyncClient
) -> None:
    website.html("/", f"{other_site.url}/", "/about")
    website.html("/about")
    other_site.html("/")
    pages = await discover_pages(client, f"{website.url}/", max_pages=10)
    assert pages == [f"{website.url}/", f"{website.url}/about"]
    assert other_site.requests == []


async def test_crawl_lists_documents_and_skips_media_and_non_web_links(
    website: Website, client: httpx.AsyncClient
) -> None:
    website.html(
        "/",
        "/manual.pdf",
        "/logo.png",
        "/downloads/app.zip",
        "mailto:help@example.com",
        "javascript:void(0)",
        "tel:+15550100",
        "/faq#shipping",
        "/faq#returns",
    )
    website.html("/faq")
    pages = await discover_pages(client, f"{website.url}/", max_pages=10)
    assert pages == [f"{website.url}/", f"{website.url}/manual.pdf", f"{website.url}/faq"]
    assert sorted(website.requested_paths) == ["/", "/faq", "/robots.txt"]


async def test_crawl_respects_robots_txt(website: Website, client: httpx.AsyncClient) -> None:
    website.page(
        "/robots.txt",
        "User-agent: PerceptronBot\nDisallow: /internal/\n\n"
        "User-agent: OtherBot\nDisallow: /\n\n"
        "User-agent: *\nDisallow: /private/\n",
        content_type="text/plain",
    )
    website.html("/", "/private/secret", "/internal/tools", "/public")
    website.html("/public")
    website.html("/private/secret")
    website.html("/internal/tools")
    pages = await discover_pages(client, f"{website.url}/", max_pages=10)
    # Our own group replaces the `*` group, as robots.txt intends; OtherBot's does not apply.
    assert pages == [f"{website.url}/", f"{website.url}/private/secret", f"{website.url}/public"]
    assert "/internal/tools" not in website.requested_paths


async def test_crawl_respects_a_catch_all_disallow(
    website: Website, client: httpx.AsyncClient
) -> None:
    website.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    website.html("/", "/private/secret", "/public")
    website.html("/public")
    website.html("/private/secret")
    pages = await discover_pages(client, f"{website.url}/", max_pages=10)
    assert pages == [f"{website.url}/", f"{website.url}/public"]
    assert "/private/secret" not in website.requested_paths


async def test_start_address_disallowed_by_robots_is_an_error(
    website: Website, client: httpx.AsyncClient
) -> None:
    website.page("/robots.txt", "User-agent: *\nDisallow: /\n", content_type="text/plain")
    website.html("/")
    with pytest.raises(FetchError) as raised:
        await discover_pages(client, f"{website.url}/", max_pages=10)
    assert raised.value.reason == "robots.txt does not allow PerceptronBot to read this address"
    assert website.requested_paths == ["/robots.txt"]


async def test_start_address_that_fails_is_an_error(
    website: Website, client: httpx.AsyncClient
) -> None:
    with pytest.raises(FetchError, match="404 Not Found"):
        await discover_pages(client, f"{website.url}/gone", max_pages=10)
    with pytest.raises(FetchError, match="could not connect"):
        await discover_pages(client, f"http://127.0.0.1:{free_port()}/", max_pages=10)


async def test_crawl_returns_what_it_found_when_the_deadline_passes(
    website: Website, client: httpx.AsyncClient
) -> None:
    website.html("/", "/slow-1", "/slow-2", "/slow-3")
    for path in ("/slow-1", "/slow-2", "/slow-3"):
        website.page(path, "<html><body>slow</body></html>", delay=5)
    started = time.monotonic()
    pages = await discover_pages(client, f"{website.url}/", max_pages=10, deadline=0.5)
    assert pages == [f"{website.url}/"]
    assert time.monotonic() - started < 2


# -- reading sitemaps ----------------------------------------------------------------------


async def test_sitemap_lists_the_sites_allowed_pages(
    website: Website, other_site: Website, client: httpx.AsyncClient
) -> None:
    website.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    website.page(
        "/sitemap.xml",
        _urlset(
            f"{website.url}/",
            f"{website.url}/pricing",
            f"{other_site.url}/elsewhere",
            f"{website.url}/private/staff",
            f"{website.url}/pricing",
            f"{website.url}/help",
        ),
        content_type="application/xml",
    )
    pages = await discover_pages(client, f"{website.url}/sitemap.xml", max_pages=10)
    assert pages == [f"{website.url}/", f"{website.url}/pricing", f"{website.url}/help"]
    # The listed pages are not fetched: the sitemap alone says what they are.
    assert sorted(website.requested_paths) == ["/robots.txt", "/sitemap.xml"]

    first_two = await discover_pages(client, f"{website.url}/sitemap.xml", max_pages=2)
    assert first_two == [f"{website.url}/", f"{website.url}/pricing"]


async def test_sitemap_index_and_its_nested_sitemaps_are_read(
    website: Website, other_site: Website, client: httpx.AsyncClient
) -> None:
    website.page(
        "/sitemap_index.xml",
        _sitemap_index(
            "/sitemaps/pages.xml",
            f"{website.url}/sitemaps/docs.xml.gz",
            f"{other_site.url}/sitemap.xml",
            "/sitemaps/missing.xml",
        ),
        content_type="application/xml",
    )
    website.page(
        "/sitemaps/pages.xml",
        _urlset(f"{website.url}/", f"{website.url}/contact"),
        content_type="text/xml",
    )
    website.page(
        "/sitemaps/docs.xml.gz",
        gzip.compress(_urlset(f"{website.url}/docs/install").encode()),
        content_type="application/gzip",
    )
    other_site.page("/sitemap.xml", _urlset(f"{other_site.url}/"), content_type="text/xml")
    pages = await discover_pages(client, f"{website.url}/sitemap_index.xml", max_pages=10)
    assert pages == [f"{website.url}/", f"{website.url}/contact", f"{website.url}/docs/install"]
    assert other_site.requests == []


async def test_sitemap_is_recognised_by_its_content(
    website: Website, client: httpx.AsyncClient
) -> None:
    website.page(
        "/site-map", _urlset(f"{website.url}/", f"{website.url}/faq"), content_type="text/xml"
    )
    pages = await discover_pages(client, f"{website.url}/site-map", max_pages=10)
    assert pages == [f"{website.url}/", f"{website.url}/faq"]


async def test_xml_address_that_is_not_a_sitemap_is_an_error(
    website: Website, client: httpx.AsyncClient
) -> None:
    website.page("/feed.xml", "<rss><channel/></rss>", content_type="application/rss+xml")
    with pytest.raises(FetchError, match="not a sitemap"):
        await discover_pages(client, f"{website.url}/feed.xml", max_pages=10)
