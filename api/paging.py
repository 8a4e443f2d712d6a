"""Paging for every list route: bounded, so a huge ``offset`` is a 422, never a database
overflow."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

MAX_OFFSET = 10_000_000
MAX_PAGE_SIZE = 200
MAX_EVENT_ID = 2**63 - 1  # event ids are PostgreSQL bigints

Offset = Annotated[
    int, Query(ge=0, le=MAX_OFFSET, description="rows to skip (narrow the filters to go deeper)")
]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="rows per page")]
