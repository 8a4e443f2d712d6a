"""Text the product cannot store is refused at the edge, for every route.

PostgreSQL text cannot hold NUL (U+0000), and a lone surrogate (U+D800 to U+DFFF, which JSON
allows as an escape like ``"\\ud800"``) cannot be encoded as UTF-8 at all: either would fail
later, in a commit or a workflow activity. This ASGI middleware checks every string (keys
included) of a JSON or URL-encoded form body, every query parameter and the path, and answers
422 in FastAPI's validation-error shape, naming the field. Multipart bodies (file uploads)
are not buffered here: their bytes are the files' own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.text import NUL_MESSAGE, unstorable

Location = tuple[str | int, ...]
WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _strings(value: Any, location: Location) -> Iterator[tuple[Location, str]]:
    """Every string in a parsed JSON document with where it is; iterative (deep documents)."""
    pending: list[tuple[Location, Any]] = [(location, value)]
    while pending:
        where, item = pending.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, dict):
            for key, child in item.items():
                yield where, key  # a bad key is named by where it is: it is never echoed
                pending.append(((*where, key), child))
        elif isinstance(item, list):
            pending.extend(((*where, index), child) for index, child in enumerate(item))


def _first_problem(found: Iterator[tuple[Location, str]]) -> tuple[Location, str] | None:
    for where, value in found:
        reason = unstorable(value)
        if reason is not None:
            return where, reason
    return None


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return True  # FastAPI reads a body without a content type as JSON
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )


def _is_form(content_type: str | None) -> bool:
    return (content_type or "").split(";", 1)[0].strip().lower() == (
        "application/x-www-form-urlencoded"
    )


def _query_pairs(scope: Scope, location: str) -> Iterator[tuple[Location, str]]:
    for name, value in parse_qsl(scope.get("query_string", b"").decode("latin-1"), True):
        yield (location,), name
        yield (location, name), value


def _form_pairs(body: bytes) -> Iterator[tuple[Location, str]]:
    for name, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True):
        yield ("body",), name
        yield ("body", name), value


def _body_problem(body: bytes, content_type: str | None) -> tuple[Location, str] | None:
    if not body:
        return None
    if _is_form(content_type):
        return _first_problem(_form_pairs(body))
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None  # not JSON: the route answers that itself
    return _first_problem(_strings(document, ("body",)))


def _refusal(where: Location, reason: str) -> JSONResponse:
    kind = "string_nul" if reason == NUL_MESSAGE else "string_surrogate"
    return JSONResponse(
        {"detail": [{"type": kind, "loc": list(where), "msg": reason}]}, status_code=422
    )


class UnstorableTextGuard:
    """Refuses NUL and unpaired surrogates anywhere in a request's text (see the module)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = _first_problem(iter([(("path",), scope.get("path", ""))]))
        problem = problem or _first_problem(_query_pairs(scope, "query"))
        content_type = Headers(scope=scope).get("content-type")
        checked = _is_json(content_type) or _is_form(content_type)
        if problem is None and checked and scope.get("method") in WITH_BODY:
            body, receive = await _buffered(receive)
            problem = _body_problem(body, content_type)
        if problem is not None:
            await _refusal(*problem)(scope, receive, send)
            return
        await self.app(scope, receive, send)


async def _buffered(receive: Receive) -> tuple[bytes, Receive]:
    """The whole body, and a ``receive`` that hands the same messages on, then the stream."""
    received: list[Message] = []
    while True:
        message = await receive()
        received.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            break
    body = b"".join(m.get("body", b"") for m in received if m["type"] == "http.request")

    async def replaying() -> Message:
        return received.pop(0) if received else await receive()

    return body, replaying
