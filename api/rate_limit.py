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

    def check(self, key: str, cost: int = 1) -> int | None:
        """Record ``cost`` hits. None when allowed; otherwise the seconds to wait
        (Retry-After), and nothing is recorded."""
        wait = self.wait(key, cost)
        if wait is None:
            self.record(key, cost)
        return wait

    def wait(self, key: str, cost: int = 1) -> int | None:
        """The seconds until ``cost`` more hits fit under the limit; None if they fit now."""
        now = time.monotonic()
        hits = self._hits[key]
        while hits and hits[0] <= now - self._window:
            hits.popleft()
        excess = len(hits) + cost - self._limit
        if excess <= 0:
            return None
        if excess > len(hits):  # more than the whole limit at once: never
            return math.ceil(self._window)
        return max(1, math.ceil(hits[excess - 1] + self._window - now))

    def record(self, key: str, cost: int = 1) -> None:
        self._hits[key].extend([time.monotonic()] * cost)
        if len(self._hits) > 100_000:  # forget idle keys now and then
            for stale in [k for k, v in self._hits.items() if not v]:
                del self._hits[stale]


def check_all(*checks: tuple[RateLimiter, str], cost: int = 1) -> int | None:
    """Several limits on one request (per visitor, per address): recorded in all of them
    only when every one allows it; otherwise the longest wait."""
    waits = [wait for limiter, key in checks if (wait := limiter.wait(key, cost)) is not None]
    if waits:
        return max(waits)
    for limiter, key in checks:
        limiter.record(key, cost)
    return None
