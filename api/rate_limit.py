"""A sliding-window rate limit per key (a visitor, an address), in this API process.

Several API replicas each keep their own windows, so the effective limit is per replica; a
shared store (PostgreSQL or Redis) would make it global.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque


class RateLimiter:
    def __init__(self, limit: int, window_seconds: float) -> None:
        self._limit = limit
        self._window = window_seconds
        self._hits: dict[str, deque[float]] = defaultdict(deque)

    def check(self, key: str) -> int | None:
        """Record a hit. None when allowed; otherwise the seconds to wait (Retry-After)."""
        now = time.monotonic()
        hits = self._hits[key]
        while hits and hits[0] <= now - self._window:
            hits.popleft()
        if len(hits) >= self._limit:
            return max(1, math.ceil(hits[0] + self._window - now))
        hits.append(now)
        if len(self._hits) > 100_000:  # forget idle keys now and then
            for stale in [k for k, v in self._hits.items() if not v]:
                del self._hits[stale]
        return None
