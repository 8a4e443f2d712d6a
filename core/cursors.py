"""Keyset paging cursors: the last row's time and id, opaque to the client."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime


def encode_cursor(at: datetime, row_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{row_id}".encode()).decode().rstrip("=")


def decode_cursor(value: str) -> tuple[datetime, uuid.UUID] | None:
    """The time and id a cursor of :func:`encode_cursor` holds; None for anything else."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        at, _, row_id = raw.partition("|")
        parsed = datetime.fromisoformat(at), uuid.UUID(row_id)
    except ValueError:
        return None
    return parsed if parsed[0].tzinfo is not None else None
