"""The rate-limit buckets every API process shares.

One row per limited key (a visitor, a client address), holding the key's theoretical arrival
time (GCRA, see ``core.rate_limits``). The key is an HMAC of the limit's name and the key, so
the table never holds an address or a visitor id. Not organization data: a row means nothing
once its time has passed, and the table is UNLOGGED (a crash empties it, which only forgives).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, LargeBinary
from sqlmodel import Field, SQLModel


class RateLimitBucket(SQLModel, table=True):
    __tablename__ = "rate_limit_buckets"

    key: bytes = Field(sa_column=Column(LargeBinary(), primary_key=True))
    # When the bucket is empty again; a hit that would push it past now + window is refused.
    tat: datetime = Field(sa_type=DateTime(timezone=True))
