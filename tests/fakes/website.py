"""A small website on a loopback port, for tests of knowledge import from the web.

Each route answers with a fixed status, headers and body; a route may also wait before
answering (a site that hangs) or send its body without a Content-Length (a body whose size is
only known by reading it). Every request is recorded, so a test can assert what was *not*
fetched.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    declare_length: bool = True  # False: no Content-Length, the body ends with the connection


@dataclass(frozen=True)
class Request:
    path: str
    user_agent: str
    host: str = ""  # the Host header


class Website:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._url: str | None = None
        self._closing = threading.Event()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``, without a trailing slash; only while serving."""
        if self._url is None:
            raise RuntimeError("the website is not being served")
        return self._url

    def page(self, path: str, body: bytes | str = b"", **route: Any) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = Route(body=data, **route)

    def html(self, path: str, *links: str, title: str = "") -> None:
        """A page titled ``title`` (or its path) with one ``<a href>`` per link."""
        anchors = "".join(f'<li><a href="{link}">{link}</a></li>' for link in links)
        heading = title or path
        self.page(
            path,
            f"<!doctype html><html><head><title>{heading}</title></head>"
            f"<body><h1>{heading}</h1><ul>{anchors}</ul></body></html>",
        )

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.routes[path] = Route(status=status, headers={"Location": location})

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    @property
    def requested_paths(self) -> list[str]:
        return [request.path for request in self.requests]

    @contextmanager
    def serve(self, tls: ssl.SSLContext | None = None) -> Iterator[Website]:
        """Serve on a loopback port; over HTTPS with ``tls`` (a server-side context)."""
        website = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                website.requests.append(
                    Request(
                        self.path,
                        self.headers.get("User-Agent", ""),
                        self.headers.get("Host", ""),
                    )
                )
                route = website.routes.get(self.path) or website.routes.get(
                    self.path.split("?", 1)[0]
                )
                if route is None:
                    self.send_error(404)
                    return
                if route.delay and website._closing.wait(route.delay):
                    return
                self.send_response(route.status)
                if route.body or route.status < 300:
                    self.send_header("Content-Type", route.content_type)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.declare_length:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            server.socket = tls.wrap_socket(server.socket, server_side=True)
        # A short poll interval: shutdown() waits for it, once per test.
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        scheme = "https" if tls is not None else "http"
        self._url = f"{scheme}://127.0.0.1:{server.server_address[1]}"
        try:
            yield self
        finally:
            self._closing.set()
            server.shutdown()
            server.server_close()
            self._url = None
