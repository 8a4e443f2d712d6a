"""Rate limits every API process shares, held in PostgreSQL.

A limit of ``limit`` hits per ``window_seconds`` is a GCRA bucket (the generic cell rate
algorithm): each key's row holds the time its bucket is empty again, each hit moves it on by
window / limit, and a hit that would move it more than a window past now is refused with the
seconds to wait. That is a sliding window in effect, kept in one timestamp per key, and
``rate_limit_take()`` (migration 0011) takes it for several keys atomically in one round trip,
with the database's clock, so every process sees the same budget.

Keys are hashed with the installation's secret key before they reach the table: it never holds
a client address or a visitor id. No library keeps limits in PostgreSQL (``limits`` knows
Redis, Memcached, MongoDB and etcd), hence this small one.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections import defaultdict

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

_TAKE = text(
    "SELECT rate_limit_take("
    "CAST(:keys AS bytea[]), CAST(:costs AS float8[]), CAST(:windows AS float8[]))"
)


class RateLimits:
    """The shared store: makes limiters and takes hits from them."""

    def __init__(self, engine: AsyncEngine, secret: str) -> None:
        # Each take is one statement, atomic on its own: no transaction around it.
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._secret = secret.encode()

    def limiter(self, name: str, limit: int, window_seconds: float) -> RateLimiter:
        return RateLimiter(self, name, limit, window_seconds)

    def bucket(self, limiter: RateLimiter, key: str) -> bytes:
        message = f"{limiter.name}\0{key}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).digest()

    async def take(self, checks: tuple[tuple[RateLimiter, str], ...], cost: int) -> int | None:
        """``cost`` hits against every (limiter, key): taken in all of them, or in none and
        the longest wait (Retry-After seconds) is returned."""
        if any(cost > limiter.limit for limiter, _ in checks):  # more than a whole window
            return max(math.ceil(limiter.window) for limiter, _ in checks)
        costs: dict[bytes, float] = defaultdict(float)
        windows: dict[bytes, float] = {}
        for limiter, key in checks:
            bucket = self.bucket(limiter, key)
            costs[bucket] += cost * limiter.window / limiter.limit
            windows[bucket] = min(windows.get(bucket, limiter.window), limiter.window)
        keys = sorted(costs)  # the function locks rows in this order: no deadlocks
        async with self._engine.connect() as connection:
            wait = (
                await connection.execute(
                    _TAKE,
                    {
                        "keys": keys,
                        "costs": [costs[key] for key in keys],
                        "windows": [windows[key] for key in keys],
                    },
                )
            ).scalar_one()
        return None if wait is None else max(1, math.ceil(wait))


class RateLimiter:
    """One named limit: ``limit`` hits per ``window_seconds`` for each key."""

    def __init__(self, store: RateLimits, name: str, limit: int, window_seconds: float) -> None:
        self.store = store
        self.name = name
        self.limit = limit
        self.window = window_seconds

    async def check(self, key: str, cost: int = 1) -> int | None:
        """Take ``cost`` hits for ``key``. None when allowed; otherwise the seconds to wait
        (Retry-After), and nothing is taken."""
        return await self.store.take(((self, key),), cost)


async def check_all(*checks: tuple[RateLimiter, str], cost: int = 1) -> int | None:
    """Several limits on one request (per visitor, per address): taken in all of them only
    when every one allows it; otherwise the longest wait."""
    return await checks[0][0].store.take(checks, cost)
