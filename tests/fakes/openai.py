"""A local stand-in for an OpenAI-compatible server, speaking the real wire protocol.

Serves ``POST /v1/embeddings`` on a loopback port for the product's real clients (the openai
SDK through langchain-openai): ``input`` as a string, a list of strings or token arrays;
``dimensions``; ``encoding_format`` ``float`` or ``base64`` (little-endian float32, which the
SDK asks for by default); OpenAI's error body on failures. Embeddings are deterministic: a
unit vector seeded by a hash of the model and the input, so equal texts get equal vectors.

Every request is recorded for assertions, and failures can be scripted (``fail_next``).
Another endpoint (``/v1/chat/completions``) is one more route in ``_routes`` that calls
``_admit`` first.

    fake = FakeOpenAI(api_key="sk-test")
    with fake.serve() as base_url:   # "http://127.0.0.1:PORT/v1"
        ...
    assert fake.requests_to("/v1/embeddings")[0].authorization == "Bearer sk-test"
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from numpy.typing import NDArray

DEFAULT_DIMENSIONS = {
    "text-embedding-3-small": 1536,
    "text-embedding-3-large": 3072,
    "text-embedding-ada-002": 1536,
}
FALLBACK_DIMENSIONS = 1536
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


class FakeOpenAI:
    """Set ``api_key`` to answer other keys with a real-looking 401."""

    def __init__(self, api_key: str | None = None) -> None:
        self.api_key = api_key
        self.requests: list[RecordedRequest] = []
        self._failures: deque[ScriptedFailure] = deque()
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
        thread.start()
        try:
            while not server.started:
                if not thread.is_alive():
                    raise RuntimeError("the fake OpenAI server stopped during startup")
                time.sleep(0.005)
            yield f"http://127.0.0.1:{port}/v1"
        finally:
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
