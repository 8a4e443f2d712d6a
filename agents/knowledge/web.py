"""The web side of knowledge import: fetching one page, and finding the pages of a site.

The addresses come from members and are fetched from our servers, so every request is bounded
in time (per request and per discovery), in size (bodies are streamed and cut off past a
limit) and in reach: redirects and links never leave the site the member named, and
robots.txt is honoured for every address. The client to fetch with is ``web_client``
(``agents.knowledge.web_client``): outside local mode every connection it opens, redirect
hops included, goes only to a public address, the one that was checked.

A *site* is a host and a port. ``www.`` is ignored, and the default port of the scheme counts
as no port, so ``http://example.com`` and ``https://www.example.com`` are one site while
``docs.example.com`` is another, and so are two servers on one host with different ports. We
do not use the public suffix list: a member who wants several subdomains imports each one.
"""

from __future__ import annotations

import asyncio
import hashlib
import zlib
from collections import deque
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import httpx
from bs4 import BeautifulSoup, Tag

from agents.knowledge.web_client import PrivateAddressError, checked_addresses
from core.logging import get_logger

log = get_logger(__name__)

DEFAULT_USER_AGENT = "PerceptronBot/1.0"
MAX_REDIRECTS = 5
# Pages are only read for their links while discovering; sitemaps may be as large as the
# sitemap protocol allows (50 MB uncompressed).
DISCOVERY_PAGE_MAX_BYTES = 5 * 1024 * 1024
SITEMAP_MAX_BYTES = 50 * 1024 * 1024
# A sitemap index may nest; a few levels and a few dozen files cover every real site.
SITEMAP_MAX_DEPTH = 3
SITEMAP_MAX_FILES = 50
# RFC 9309 asks crawlers to parse at least the first 500 KiB of a robots.txt.
ROBOTS_MAX_BYTES = 512 * 1024


class FetchError(Exception):
    """A web address that cannot become knowledge. ``reason`` is shown to the member as-is,
    so it must be human-readable and hold no personal data. ``status_code`` is the site's
    HTTP status when it answered with an error, e.g. so that a re-import can tell a page
    that is gone (404) from one that is briefly unavailable."""

    def __init__(self, reason: str, *, status_code: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status_code = status_code


@dataclass(frozen=True)
class FetchedPage:
    url: str  # as requested
    final_url: str  # after redirects, all of them on the requested site
    content_type: str  # the Content-Type header as sent, parameters such as charset included
    body: bytes
    etag: str | None
    last_modified: str | None
    sha256: str  # of the body, to tell a changed page from an unchanged one on re-import

    @property
    def media_type(self) -> str:
        """The content type without parameters, e.g. ``text/html``."""
        return self.content_type.split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for parameter in self.content_type.split(";")[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None


async def fetch_page(
    client: httpx.AsyncClient,
    url: str,
    *,
    max_bytes: int,
    timeout: float = 15.0,  # noqa: ASYNC109 - the whole fetch, body included; named to members
    user_agent: str = DEFAULT_USER_AGENT,
) -> FetchedPage:
    """Fetch one page, following at most ``MAX_REDIRECTS`` redirects within its site.

    ``timeout`` bounds the whole fetch, redirects and body included, so a site that trickles
    its answer cannot hold an activity longer than a site that does not answer at all.
    """
    return await _fetch(
        client, url, max_bytes=max_bytes, time_limit=timeout, user_agent=user_agent, truncate=False
    )


async def discover_pages(
    client: httpx.AsyncClient,
    start_url: str,
    *,
    max_pages: int,
    user_agent: str = DEFAULT_USER_AGENT,
    deadline: float = 120.0,
    timeout: float = 15.0,  # noqa: ASYNC109 - per request, within the deadline
    max_bytes: int = DISCOVERY_PAGE_MAX_BYTES,
) -> list[str]:
    """The addresses of at most ``max_pages`` pages of the site ``start_url`` belongs to.

    A sitemap (an address ending in ``.xml`` or a ``<urlset>``/``<sitemapindex>`` document)
    lists the pages itself; any other address starts a breadth-first crawl along its links,
    fetching at most ``max_pages`` pages. Either way only addresses of the start's site that
    robots.txt allows are returned, in the order found. ``deadline`` (seconds) bounds the whole
    discovery: when it passes, the pages found so far are returned. Problems with the start
    address raise ``FetchError``; problems with any other page only leave that page out.
    """
    start = normalize_url(start_url, start_url)
    if start is None:
        raise FetchError(_NOT_A_WEB_ADDRESS)
    crawl = _Crawl(
        client,
        start,
        user_agent=user_agent,
        deadline=asyncio.get_running_loop().time() + deadline,
        timeout=timeout,
        max_bytes=max_bytes,
    )
    await crawl.check_start()
    looks_like_sitemap = _has_sitemap_extension(start)
    first = await crawl.fetch(start, SITEMAP_MAX_BYTES if looks_like_sitemap else max_bytes)
    sitemap = await asyncio.to_thread(_parse_sitemap, first)
    if sitemap is not None:
        return await crawl.read_sitemaps(first.final_url, sitemap, max_pages)
    if looks_like_sitemap:
        raise FetchError("the address ends in .xml but is not a sitemap")
    return await crawl.follow_links(first, max_pages)


async def ensure_public_address(url: str) -> None:
    """Refuse an address on a private network: a member's URL must not make the server
    fetch its own internal services (loopback, private ranges, link-local cloud metadata).

    This is the early answer to the member; it protects nothing by itself, since the name may
    resolve differently later. ``web_client`` checks again on every connection it opens."""
    host = urlsplit(url).hostname
    if not host:
        raise FetchError("the address has no host name")
    try:
        await checked_addresses(host, 0, private_allowed=False)
    except PrivateAddressError as error:
        raise AddressRefusedError(str(error)) from None
    except (OSError, UnicodeError) as error:
        raise FetchError(f"could not find the host {host}") from error


def same_site(a: str, b: str) -> bool:
    """Whether two addresses belong to one site (see the module docstring for what a site is)."""
    site = _site(a)
    return site is not None and site == _site(b)


def normalize_url(base: str, href: str) -> str | None:
    """The absolute web address a link on ``base`` points to, in one canonical spelling so that
    a crawl recognises a page it has seen; ``None`` for what is not a web page address
    (``mailto:``, ``javascript:``, ``tel:``, malformed addresses).

    The scheme and host are lowercased, a default port, credentials and the fragment are
    dropped, and an empty path becomes ``/``. Path and query are kept as written.
    """
    href = href.strip()
    if not href:
        return None
    try:
        parts = urlsplit(urljoin(base, href))
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    if ":" in host:  # IPv6
        host = f"[{host}]"
    netloc = host if port is None or port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


# -- fetching ------------------------------------------------------------------------------

_DEFAULT_PORTS = {"http": 80, "https": 443}
_NOT_A_WEB_ADDRESS = "only http and https addresses can be imported"
_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,application/pdf;q=0.8,*/*;q=0.5"


class AddressRefusedError(FetchError):
    """The address, or one a redirect leads to, is on a private network."""


class _SiteUnreachableError(FetchError):
    """The site did not answer at all (connection, DNS or timeout), as opposed to answering
    with something we refuse."""


async def _fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    max_bytes: int,
    time_limit: float,
    user_agent: str,
    truncate: bool,
) -> FetchedPage:
    """``fetch_page``, optionally keeping the first ``max_bytes`` of a larger body instead of
    refusing it (robots.txt is read that way)."""
    if normalize_url(url, url) is None:
        raise FetchError(_NOT_A_WEB_ADDRESS)
    host = urlsplit(url).hostname or "the site"
    try:
        async with asyncio.timeout(time_limit):
            return await _follow_redirects(
                client,
                url,
                max_bytes=max_bytes,
                time_limit=time_limit,
                user_agent=user_agent,
                truncate=truncate,
            )
    except PrivateAddressError as error:
        raise AddressRefusedError(str(error)) from None
    except (TimeoutError, httpx.TimeoutException):
        raise _SiteUnreachableError(f"the site did not answer within {time_limit:g} s") from None
    except httpx.ConnectError:
        raise _SiteUnreachableError(f"could not connect to {host}") from None
    except httpx.TransportError:
        raise _SiteUnreachableError(f"the connection to {host} broke off") from None


async def _follow_redirects(
    client: httpx.AsyncClient,
    url: str,
    *,
    max_bytes: int,
    time_limit: float,
    user_agent: str,
    truncate: bool,
) -> FetchedPage:
    # Redirects are followed by hand so that every hop is checked against the site before it
    # is requested, not after.
    headers = {"User-Agent": user_agent, "Accept": _ACCEPT}
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        async with client.stream(
            "GET", current, headers=headers, follow_redirects=False, timeout=time_limit
        ) as response:
            if response.is_redirect:
                current = _redirect_target(url, current, response.headers["Location"])
                continue
            if not response.is_success:
                raise FetchError(
                    f"the site answered {_describe_status(response)}",
                    status_code=response.status_code,
                )
            body = await _read_body(response, max_bytes, truncate=truncate)
            return FetchedPage(
                url=url,
                final_url=current,
                content_type=response.headers.get("Content-Type", "application/octet-stream"),
                body=body,
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
                sha256=hashlib.sha256(body).hexdigest(),
            )
    raise FetchError(f"the site redirects more than {MAX_REDIRECTS} times")


def _redirect_target(requested: str, current: str, location: str) -> str:
    target = normalize_url(current, location)
    if target is None:
        raise FetchError("the site redirects to an address that is not a web page")
    if not same_site(requested, target):
        raise FetchError(f"the site redirects to another site ({urlsplit(target).netloc})")
    return target


async def _read_body(response: httpx.Response, max_bytes: int, *, truncate: bool) -> bytes:
    too_large = f"the page is larger than {_describe_size(max_bytes)}"
    declared = response.headers.get("Content-Length", "")
    if not truncate and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(too_large)
    # The declared length may lie or be absent (and compressed bodies grow), so the limit is
    # enforced on what actually arrives, decompressed.
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        if size + len(chunk) > max_bytes:
            if truncate:
                chunks.append(chunk[: max_bytes - size])
                break
            raise FetchError(too_large)
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _describe_status(response: httpx.Response) -> str:
    try:
        phrase = HTTPStatus(response.status_code).phrase
    except ValueError:
        phrase = response.reason_phrase
    return f"{response.status_code} {phrase}".strip()


def _describe_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    if size >= 1024:
        return f"{size / 1024:.3g} KB"
    return f"{size} bytes"


def _site(url: str) -> tuple[str, int | None] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").removeprefix("www.")
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    return host, None if port == _DEFAULT_PORTS[scheme] else port


# -- discovering ---------------------------------------------------------------------------

# Linked files worth importing that have no links to follow: listed without being fetched.
_DOCUMENT_EXTENSIONS = frozenset({".pdf", ".docx", ".md", ".txt"})
# Linked files that are not knowledge: neither fetched nor listed.
_SKIPPED_EXTENSIONS = frozenset(
    {
        # images
        ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".ico", ".bmp", ".tif", ".tiff",
        ".avif", ".heic",
        # audio and video
        ".mp3", ".mp4", ".m4a", ".m4v", ".wav", ".ogg", ".oga", ".webm", ".mov", ".avi",
        ".mkv", ".flac",
        # archives, installers, disk images
        ".zip", ".gz", ".tgz", ".tar", ".rar", ".7z", ".bz2", ".xz", ".dmg", ".exe", ".msi",
        ".apk", ".iso", ".deb", ".rpm",
        # assets, feeds and data
        ".css", ".js", ".mjs", ".json", ".xml", ".rss", ".atom", ".woff", ".woff2", ".ttf",
        ".otf", ".eot", ".map", ".csv", ".xls", ".xlsx", ".ppt", ".pptx",
    }
)  # fmt: skip
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_DOCUMENT_TYPES = frozenset(
    {
        "application/pdf",
        "text/plain",
        "text/markdown",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
)
_SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class _Sitemap:
    is_index: bool
    locations: list[str]  # pages for a urlset, sitemaps for a sitemap index


@dataclass(frozen=True)
class _Robots:
    parser: RobotFileParser
    # Why robots.txt could not be read when that forbids the whole origin (RFC 9309: a site
    # that does not answer for robots.txt may not be crawled).
    unreadable: FetchError | None = None


class _Crawl:
    """One discovery: its site, its robots.txt files (one per origin: ``www.`` and the scheme
    make different origins of one site) and its time left."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        start: str,
        *,
        user_agent: str,
        deadline: float,
        timeout: float,
        max_bytes: int,
    ) -> None:
        self._client = client
        self._start = start
        self._user_agent = user_agent
        self._deadline = deadline
        self._timeout = timeout
        self._max_bytes = max_bytes
        self._robots: dict[str, _Robots] = {}

    async def check_start(self) -> None:
        robots = await self._robots_for(self._start)
        if robots.unreadable is not None:
            if isinstance(robots.unreadable, _SiteUnreachableError | AddressRefusedError):
                raise robots.unreadable
            raise FetchError(f"robots.txt could not be read: {robots.unreadable.reason}")
        if not robots.parser.can_fetch(self._user_agent, self._start):
            name = self._user_agent.split("/", 1)[0]
            raise FetchError(f"robots.txt does not allow {name} to read this address")

    async def fetch(self, url: str, max_bytes: int) -> FetchedPage:
        timeout = min(self._timeout, self._time_left())
        if timeout <= 0:
            raise FetchError("the import ran out of time")
        return await fetch_page(
            self._client, url, max_bytes=max_bytes, timeout=timeout, user_agent=self._user_agent
        )

    async def follow_links(self, first: FetchedPage, max_pages: int) -> list[str]:
        """Breadth-first along ``<a href>`` links, fetching at most ``max_pages`` pages."""
        found: list[str] = []
        seen = {self._start, first.final_url}
        queue: deque[str] = deque()

        async def visit(page: FetchedPage) -> None:
            if _is_html(page):
                found.append(page.final_url)
                # Parsing is CPU work: off the event loop, which the worker shares.
                for link in await asyncio.to_thread(_links, page):
                    if link not in seen and self._may_follow(link):
                        seen.add(link)
                        queue.append(link)
            elif page.media_type in _DOCUMENT_TYPES:
                found.append(page.final_url)

        await visit(first)
        fetched = 1
        while queue and len(found) < max_pages and self._time_left() > 0:
            url = queue.popleft()
            if not await self._allowed(url):
                continue
            if _extension(url) in _DOCUMENT_EXTENSIONS:
                found.append(url)
                continue
            if fetched >= max_pages:
                continue  # no fetches left, but linked documents may still be listed
            fetched += 1
            try:
                page = await self.fetch(url, self._max_bytes)
            except FetchError as error:
                log.debug("page left out", url=url, reason=error.reason)
                continue
            if page.final_url != url:
                if page.final_url in seen:
                    continue
                seen.add(page.final_url)
            await visit(page)
        return found[:max_pages]

    async def read_sitemaps(self, url: str, sitemap: _Sitemap, max_pages: int) -> list[str]:
        """The pages a sitemap lists, reading nested sitemap indexes breadth-first."""
        found: list[str] = []
        seen_pages: set[str] = set()
        seen_sitemaps = {self._start, url}
        pending: deque[tuple[str, _Sitemap, int]] = deque([(url, sitemap, 0)])
        files_read = 1
        while pending and len(found) < max_pages:
            base, current, depth = pending.popleft()
            for location in current.locations:
                link = normalize_url(base, location)
                if link is None or not same_site(self._start, link):
                    continue
                if not current.is_index:
                    if link in seen_pages or not self._may_follow(link):
                        continue
                    if await self._allowed(link):
                        seen_pages.add(link)
                        found.append(link)
                        if len(found) >= max_pages:
                            break
                    continue
                if link in seen_sitemaps or depth + 1 > SITEMAP_MAX_DEPTH:
                    continue
                if files_read >= SITEMAP_MAX_FILES or self._time_left() <= 0:
                    break
                seen_sitemaps.add(link)
                if not await self._allowed(link):
                    continue
                files_read += 1
                nested = await self._read_nested_sitemap(link)
                if nested is not None:
                    pending.append((link, nested, depth + 1))
        return found

    async def _read_nested_sitemap(self, url: str) -> _Sitemap | None:
        try:
            page = await self.fetch(url, SITEMAP_MAX_BYTES)
        except FetchError as error:
            log.debug("sitemap left out", url=url, reason=error.reason)
            return None
        return await asyncio.to_thread(_parse_sitemap, page)

    def _time_left(self) -> float:
        return self._deadline - asyncio.get_running_loop().time()

    def _may_follow(self, url: str) -> bool:
        return same_site(self._start, url) and _extension(url) not in _SKIPPED_EXTENSIONS

    async def _allowed(self, url: str) -> bool:
        robots = await self._robots_for(url)
        return robots.parser.can_fetch(self._user_agent, url)

    async def _robots_for(self, url: str) -> _Robots:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        robots = self._robots.get(origin)
        if robots is None:
            robots = await self._read_robots(f"{origin}/robots.txt")
            self._robots[origin] = robots
        return robots

    async def _read_robots(self, url: str) -> _Robots:
        """RFC 9309: a robots.txt that is missing (4xx) allows everything; one the site cannot
        serve (5xx, no answer) forbids everything."""
        parser = RobotFileParser(url)
        try:
            page = await _fetch(
                self._client,
                url,
                max_bytes=ROBOTS_MAX_BYTES,
                time_limit=max(min(self._timeout, self._time_left()), 0.001),
                user_agent=self._user_agent,
                truncate=True,
            )
        except FetchError as error:
            server_failed = error.status_code is not None and error.status_code >= 500
            if isinstance(error, _SiteUnreachableError | AddressRefusedError) or server_failed:
                parser.parse(["User-agent: *", "Disallow: /"])
                return _Robots(parser, unreadable=error)
            parser.parse([])
            return _Robots(parser)
        parser.parse(page.body.decode("utf-8-sig", errors="replace").splitlines())
        return _Robots(parser)


def _is_html(page: FetchedPage) -> bool:
    if page.media_type in _HTML_TYPES:
        return True
    # Some servers send no type at all; a page that starts like HTML is read as HTML.
    if page.media_type in {"", "application/octet-stream"}:
        start = page.body[:512].lstrip().lower()
        return start.startswith((b"<!doctype html", b"<html"))
    return False


def _links(page: FetchedPage) -> list[str]:
    """The normalized targets of a page's ``<a href>`` links, resolved against its ``<base>``."""
    soup = BeautifulSoup(page.body, "lxml", from_encoding=page.charset)
    base = page.final_url
    base_tag = soup.find("base", href=True)
    if isinstance(base_tag, Tag):
        href = base_tag.get("href")
        if isinstance(href, str):
            base = normalize_url(base, href) or base
    links: list[str] = []
    for anchor in soup.find_all("a", href=True):
        href = anchor.get("href")
        if isinstance(href, str) and (link := normalize_url(base, href)) is not None:
            links.append(link)
    return links


def _parse_sitemap(page: FetchedPage) -> _Sitemap | None:
    """The sitemap a fetched file holds (plain or gzipped), or ``None`` when it holds none."""
    body = page.body
    if body.startswith(_GZIP_MAGIC):
        inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
        try:
            body = inflater.decompress(body, SITEMAP_MAX_BYTES)
        except zlib.error:
            return None
    xml_type = page.media_type.endswith(("/xml", "+xml"))
    if not (
        xml_type or _has_sitemap_extension(page.final_url) or body.lstrip().startswith(b"<?xml")
    ):
        return None
    # bs4 with lxml's XML parser: typed, tolerant of sloppy sitemaps, and lxml resolves no
    # external entities and fetches nothing from the network.
    root = BeautifulSoup(body, "xml").find(True, recursive=False)
    if not isinstance(root, Tag) or root.name not in _SITEMAP_ROOTS:
        return None
    entry = "sitemap" if root.name == "sitemapindex" else "url"
    locations: list[str] = []
    for item in root.find_all(entry, recursive=False):
        loc = item.find("loc", recursive=False)
        if isinstance(loc, Tag) and (text := loc.get_text(strip=True)):
            locations.append(text)
    return _Sitemap(is_index=root.name == "sitemapindex", locations=locations)


def _has_sitemap_extension(url: str) -> bool:
    return urlsplit(url).path.lower().endswith((".xml", ".xml.gz"))


def _extension(url: str) -> str:
    return PurePosixPath(urlsplit(url).path).suffix.lower()
