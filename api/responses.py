"""The error answers the routes document in the OpenAPI spec: one shape, ``{"detail": ...}``.

``detail`` is a message a person can act on; for a request that does not match the spec
(422) it is FastAPI's list of problems, each naming where (``loc``) and why (``msg``), or a
message when the route refuses a value itself.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class ErrorMessage(BaseModel):
    detail: str


class InputProblem(BaseModel):
    model_config = ConfigDict(extra="allow")

    loc: list[str | int]
    msg: str
    type: str


class InvalidInput(BaseModel):
    detail: list[InputProblem] | str


WHY = {
    400: "The body could not be read (e.g. a malformed multipart form)",
    401: "Not signed in, or the credential is unknown, expired or revoked",
    403: "Signed in, but not allowed here (another organization, a role below the one needed, "
    "or a site not on the allowed origins)",
    404: "No such resource in the caller's organization",
    409: "The resource is in a state that does not allow this",
    410: "The link has expired",
    413: "The body is larger than the limit",
    415: "The file's type is not supported",
    422: "The input does not match the spec, or a value is refused",
    429: "Too many requests: wait for Retry-After seconds",
    502: "The identity provider (Clerk) refused or did not answer",
    503: "A dependency (the database, Temporal) does not answer",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route or router that can answer these error codes."""
    return {
        code: {"model": InvalidInput if code == 422 else ErrorMessage, "description": WHY[code]}
        for code in codes
    }


MEMBER_ERRORS = errors(401, 403, 404, 409, 422, 503)
"""What every organization route can answer besides success."""


EVENT_STREAM: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Server-sent events: `id`, `event` and JSON `data` per event, "
        "from after Last-Event-ID (or `after`) on",
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    }
}
"""``responses=`` for a route that answers with an event stream instead of JSON."""
