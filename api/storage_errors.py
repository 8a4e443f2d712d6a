"""Writes the database refuses, answered as errors the client sees.

A constraint the request breaks (a conflict) is a 409, a value PostgreSQL cannot store (out of
range, NUL in text) a 422. The message and the log name the kind of error only: statement
parameters (message text, names) never reach either. Anything else the database raises stays
a 500 (the request-context middleware).
"""

from __future__ import annotations

from fastapi import FastAPI, Request, Response, status
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError

from core.logging import get_logger

log = get_logger(__name__)

CONFLICT = "the change could not be saved: it conflicts with what is stored"
UNSTORABLE = "the change could not be saved: it holds a value that cannot be stored"


async def _refused_by_database(request: Request, error: Exception) -> Response:
    assert isinstance(error, IntegrityError | DataError)
    conflict = isinstance(error, IntegrityError)
    log.warning(
        "write refused by the database",
        path=request.url.path,
        error=type(error.orig).__name__,
        sqlstate=getattr(error.orig, "sqlstate", None),
    )
    if conflict:
        return JSONResponse({"detail": CONFLICT}, status_code=status.HTTP_409_CONFLICT)
    return JSONResponse({"detail": UNSTORABLE}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


def add_storage_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(IntegrityError, _refused_by_database)
    app.add_exception_handler(DataError, _refused_by_database)
