"""A local stand-in for an OpenAI-compatible server, speaking the real wire protocol.

Serves, on a loopback port, for the product's real clients (the openai SDK through
langchain-openai):

- ``POST /v1/embeddings``: ``input`` as a string, a list of strings or token arrays;
  ``dimensions``; ``encoding_format`` ``float`` or ``base64`` (little-endian float32, which the
  SDK asks for by default). Embeddings are deterministic: a unit vector seeded by a hash of the
  model and the input, so equal texts get equal vectors.
- ``POST /v1/chat/completions``: scripted replies, taken from a queue the test fills
  (``reply_text``, ``reply_tool_call``), as a ``chat.completion`` object or, with
  ``"stream": true``, as server-sent ``chat.completion.chunk`` events (text in
  ``choices[0].delta.content``, tool calls in ``delta.tool_calls`` fragments whose
  ``function.arguments`` arrive in pieces), ended by ``data: [DONE]``. A reply can also stall
  (before its first byte or after some tokens) to exercise client timeouts.

OpenAI's error body on failures. Every request is recorded for assertions, and failures can
be scripted (``fail_next``).

    fake = FakeOpenAI(api_key="sk-test")
    with fake.serve() as base_url:   # "http://127.0.0.1:PORT/v1"
        fake.reply_text("Hold the dial for 12 seconds [1].")
        ...
    assert fake.requests_to("/v1/embeddings")[0].authorization == "Bearer sk-test"
    assert fake.chat_messages()[0]["role"] == "system"
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from numpy.typing import NDArray

DEFAULT_DIMENSIONS = {
    "text-embedding-3-small": 1536,
    "text-embedding-3-large": 3072,
    "text-embedding-ada-002": 1536,
}
FALLBACK_DIMENSIONS = 1536
CHAT_PATH = "/v1/chat/completions"
DEFAULT_CHAT_REPLY = "This is the fake model's reply."
STALL_LIMIT_SECONDS = 30.0  # a stalled reply gives up by itself after this long
SHORTENABLE_PREFIX = "text-embedding-3-"

_ERROR_TYPES = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("invalid_request_error", "unsupported_country_region_territory"),
    404: ("invalid_request_error", "model_not_found"),
    429: ("requests", "rate_limit_exceeded"),
    500: ("server_error", None),
    503: ("server_error", None),
}


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: dict[str, Any]

    @property
    def authorization(self) -> str | None:
        return self.headers.get("authorization")


@dataclass(frozen=True)
class ScriptedFailure:
    status: int
    message: str
    path: str | None  # None: whichever request comes next


@dataclass(frozen=True)
class ScriptedToolCall:
    name: str
    arguments: str  # JSON text, as the API sends it
    id: str = field(default_factory=lambda: f"call_{uuid.uuid4().hex[:24]}")


@dataclass(frozen=True)
class ScriptedReply:
    """One assistant reply: text, tool calls, or both; optionally stalling."""

    text: str | None = None
    tool_calls: tuple[ScriptedToolCall, ...] = ()
    stall_seconds: float = 0.0  # wait this long before answering at all
    stall_after_tokens: int | None = None  # streaming: stop sending after this many pieces

    @property
    def finish_reason(self) -> str:
        return "tool_calls" if self.tool_calls else "stop"


class FakeOpenAI:
    """Set ``api_key`` to answer other keys with a real-looking 401."""

    def __init__(self, api_key: str | None = None) -> None:
        self.api_key = api_key
        self.requests: list[RecordedRequest] = []
        self._failures: deque[ScriptedFailure] = deque()
        self._replies: deque[ScriptedReply] = deque()
        self._released = threading.Event()  # set on shutdown: stalled replies give up
        self._lock = threading.Lock()
        self.app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
        self._routes()

    # -- the test's side ---------------------------------------------------------------------

    def fail_next(
        self, status: int, *, times: int = 1, message: str | None = None, path: str | None = None
    ) -> None:
        """Answer the next ``times`` requests (to ``path``, if given) with ``status``."""
        failure = ScriptedFailure(status, message or f"scripted failure ({status})", path)
        with self._lock:
            self._failures.extend([failure] * times)

    def reply_text(
        self,
        text: str,
        *,
        stall_seconds: float = 0.0,
        stall_after_tokens: int | None = None,
    ) -> None:
        """Queue an assistant text reply for the next chat completion."""
        self._queue(
            ScriptedReply(
                text=text, stall_seconds=stall_seconds, stall_after_tokens=stall_after_tokens
            )
        )

    def reply_tool_call(self, name: str, arguments: dict[str, Any] | str) -> None:
        """Queue a reply that calls the function ``name`` with ``arguments`` (sent as JSON)."""
        encoded = arguments if isinstance(arguments, str) else json.dumps(arguments)
        self._queue(ScriptedReply(tool_calls=(ScriptedToolCall(name, encoded),)))

    def stall_next(self, seconds: float = STALL_LIMIT_SECONDS) -> None:
        """The next chat completion sends nothing for ``seconds`` (a hung server)."""
        self._queue(ScriptedReply(text=DEFAULT_CHAT_REPLY, stall_seconds=seconds))

    def chat_requests(self) -> list[RecordedRequest]:
        return self.requests_to(CHAT_PATH)

    def chat_messages(self, index: int = -1) -> list[dict[str, Any]]:
        """The ``messages`` of one chat completion request (the last one by default)."""
        messages: list[dict[str, Any]] = self.chat_requests()[index].body.get("messages", [])
        return messages

    @property
    def pending_replies(self) -> int:
        with self._lock:
            return len(self._replies)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [request for request in self.requests if request.path == path]

    @property
    def embedding_inputs(self) -> list[str | list[int]]:
        """Every input embedded so far, flattened across requests, in order."""
        inputs: list[str | list[int]] = []
        for request in self.requests_to("/v1/embeddings"):
            inputs.extend(_as_list(request.body.get("input")))
        return inputs

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self._failures.clear()
            self._replies.clear()

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Serve on a free loopback port in a background thread; yields the base URL
        (ending in ``/v1``, as ``OPENAI_BASE_URL`` does)."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        server = uvicorn.Server(
            uvicorn.Config(self.app, log_config=None, access_log=False, lifespan="off")
        )
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="fake-openai", daemon=True
        )
        self._released.clear()
        thread.start()
        try:
            while not server.started:
                if not thread.is_alive():
                    raise RuntimeError("the fake OpenAI server stopped during startup")
                time.sleep(0.005)
            yield f"http://127.0.0.1:{port}/v1"
        finally:
            self._released.set()
            server.should_exit = True
            thread.join(timeout=10)
            sock.close()

    # -- the server's side -------------------------------------------------------------------

    def _routes(self) -> None:
        @self.app.post("/v1/embeddings")
        async def embeddings(request: Request) -> JSONResponse:
            body, refusal = await self._admit(request)
            if refusal is not None:
                return refusal
            return _embeddings_response(body)

        @self.app.post(CHAT_PATH, response_model=None)
        async def chat_completions(request: Request) -> JSONResponse | StreamingResponse:
            body, refusal = await self._admit(request)
            if refusal is not None:
                return refusal
            if not isinstance(body.get("model"), str) or not isinstance(body.get("messages"), list):
                return _error(400, "'model' and 'messages' are required.")
            reply = self._next_reply()
            if reply.stall_seconds:
                await self._stall(reply.stall_seconds)
            model = str(body["model"])
            if body.get("stream"):
                include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
                return StreamingResponse(
                    self._chunks(reply, model, include_usage=include_usage),
                    media_type="text/event-stream",
                )
            return JSONResponse(_completion(reply, model))

    def _queue(self, reply: ScriptedReply) -> None:
        with self._lock:
            self._replies.append(reply)

    def _next_reply(self) -> ScriptedReply:
        with self._lock:
            return self._replies.popleft() if self._replies else ScriptedReply(DEFAULT_CHAT_REPLY)

    async def _stall(self, seconds: float) -> None:
        """Sleep, but give up when the server shuts down, so no test waits for a stall."""
        await asyncio.to_thread(self._released.wait, min(seconds, STALL_LIMIT_SECONDS))

    async def _chunks(
        self, reply: ScriptedReply, model: str, *, include_usage: bool
    ) -> AsyncIterator[str]:
        completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        created = int(time.time())

        def event(delta: dict[str, Any], finish_reason: str | None = None) -> str:
            chunk = {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
            }
            return f"data: {json.dumps(chunk)}\n\n"

        yield event({"role": "assistant", "content": ""})
        for sent, piece in enumerate(text_pieces(reply.text or "")):
            if reply.stall_after_tokens is not None and sent >= reply.stall_after_tokens:
                await self._stall(STALL_LIMIT_SECONDS)
                return
            yield event({"content": piece})
        for index, call in enumerate(reply.tool_calls):
            yield event(
                {
                    "tool_calls": [
                        {
                            "index": index,
                            "id": call.id,
                            "type": "function",
                            "function": {"name": call.name, "arguments": ""},
                        }
                    ]
                }
            )
            for fragment in _fragments(call.arguments):
                yield event({"tool_calls": [{"index": index, "function": {"arguments": fragment}}]})
        yield event({}, reply.finish_reason)
        if include_usage:
            usage = {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [],
                "usage": _usage(reply),
            }
            yield f"data: {json.dumps(usage)}\n\n"
        yield "data: [DONE]\n\n"

    async def _admit(self, request: Request) -> tuple[dict[str, Any], JSONResponse | None]:
        """Record the request, then refuse it if a failure is scripted or the key is wrong."""
        try:
            body = json.loads(await request.body() or b"{}")
        except json.JSONDecodeError:
            body = {}
        recorded = RecordedRequest(
            method=request.method,
            path=request.url.path,
            headers={name.lower(): value for name, value in request.headers.items()},
            body=body if isinstance(body, dict) else {"_": body},
        )
        with self._lock:
            self.requests.append(recorded)
            failure = self._take_failure(recorded.path)
        if failure is not None:
            return recorded.body, _error(failure.status, failure.message)
        if self.api_key is not None and recorded.authorization != f"Bearer {self.api_key}":
            return recorded.body, _error(401, "Incorrect API key provided.")
        if not isinstance(body, dict):
            return recorded.body, _error(400, "The request body must be a JSON object.")
        return body, None

    def _take_failure(self, path: str) -> ScriptedFailure | None:
        for failure in self._failures:
            if failure.path in (None, path):
                self._failures.remove(failure)
                return failure
        return None


def text_pieces(text: str) -> list[str]:
    """How the fake streams text: a word with the whitespace after it, one per chunk (the
    real API streams sub-word tokens; word pieces keep assertions readable). The pieces join
    back to ``text`` exactly."""
    pieces: list[str] = re.findall(r"\S+\s*|\s+", text)
    return pieces


def _fragments(arguments: str, size: int = 7) -> list[str]:
    """Tool-call arguments cut into pieces, as the real API streams them."""
    return [arguments[start : start + size] for start in range(0, len(arguments), size)] or [""]


def _completion(reply: ScriptedReply, model: str) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.text, "refusal": None}
    if reply.tool_calls:
        message["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments},
            }
            for call in reply.tool_calls
        ]
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": 0, "message": message, "finish_reason": reply.finish_reason, "logprobs": None}
        ],
        "usage": _usage(reply),
    }


def _usage(reply: ScriptedReply) -> dict[str, int]:
    completion = len((reply.text or "").split()) + sum(
        len(call.arguments) // 4 for call in reply.tool_calls
    )
    return {"prompt_tokens": 10, "completion_tokens": completion, "total_tokens": 10 + completion}


def _embeddings_response(body: dict[str, Any]) -> JSONResponse:
    model = body.get("model")
    inputs = _as_list(body.get("input"))
    if not isinstance(model, str) or not inputs:
        return _error(400, "'model' and a non-empty 'input' are required.")
    if any(item == "" for item in inputs):
        return _error(400, "'$.input' is invalid: empty strings cannot be embedded.")
    requested = body.get("dimensions")
    if requested is not None and not model.startswith(SHORTENABLE_PREFIX):
        return _error(400, f"This model does not support specifying dimensions: {model}")
    dimensions = int(requested or DEFAULT_DIMENSIONS.get(model, FALLBACK_DIMENSIONS))
    as_base64 = body.get("encoding_format") == "base64"
    data = []
    for index, item in enumerate(inputs):
        vector = deterministic_embedding(model, item, dimensions)
        encoded: list[float] | str = (
            base64.b64encode(vector.astype("<f4").tobytes()).decode("ascii")
            if as_base64
            else vector.tolist()
        )
        data.append({"object": "embedding", "index": index, "embedding": encoded})
    tokens = sum(len(item) if isinstance(item, list) else len(item.split()) for item in inputs)
    return JSONResponse(
        {
            "object": "list",
            "data": data,
            "model": model,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }
    )


def deterministic_embedding(
    model: str, item: str | list[int], dimensions: int
) -> NDArray[np.float32]:
    """The vector the fake returns for ``item``: a unit vector seeded by its hash."""
    seed = hashlib.sha256(f"{model}\0{json.dumps(item)}".encode()).digest()
    rng = np.random.default_rng(int.from_bytes(seed[:8], "little"))
    vector = rng.standard_normal(dimensions).astype(np.float32)
    normalised: NDArray[np.float32] = vector / np.linalg.norm(vector)
    return normalised


def _as_list(value: Any) -> list[str | list[int]]:
    """OpenAI's four input shapes (string, strings, tokens, token arrays) as a list."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(item, int) for item in value):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, (str, list))]
    return []


def _error(status: int, message: str) -> JSONResponse:
    error_type, code = _ERROR_TYPES.get(status, ("server_error", None))
    return JSONResponse(
        {"error": {"message": message, "type": error_type, "param": None, "code": code}},
        status_code=status,
    )
