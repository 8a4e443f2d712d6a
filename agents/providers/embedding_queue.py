"""EmbeddingQueue: concurrent embedding calls share model calls, a few lanes at a time.

Ingestion runs many small documents at once, each wanting a few vectors. Run side by side,
their model calls fight over the same cores and each pads and dispatches its own tiny batch.
Here they queue instead: at most ``lanes`` model calls run at once (one per core the model
may use); the calls that arrive meanwhile wait, and the next free lane takes them all (up to
``max_texts``), so batches grow with the load and a lone call waits for nothing. Queries (a
visitor's question) go to the front of the queue: a chat turn never waits behind more than
the batches already running.

The local model embeds through one of these (its calls are CPU work in this process). A
remote embedding API is better served by concurrent requests and does not use it.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

DEFAULT_MAX_TEXTS = 64


@dataclass
class _Request:
    texts: list[str]
    done: asyncio.Future[list[list[float]]] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class EmbeddingQueue:
    def __init__(
        self,
        embed: Callable[[list[str]], Awaitable[list[list[float]]]],
        *,
        max_texts: int = DEFAULT_MAX_TEXTS,
        lanes: int = 1,
    ) -> None:
        if max_texts < 1:
            raise ValueError("max_texts must be at least 1")
        if lanes < 1:
            raise ValueError("lanes must be at least 1")
        self._embed = embed
        self._max_texts = max_texts
        self._lanes = lanes
        self._queue: deque[_Request] = deque()
        self._runners: set[asyncio.Task[None]] = set()
        self.model_calls = 0  # how many batches reached the model, for tests and benchmarks

    @property
    def max_texts(self) -> int:
        return self._max_texts

    async def embed(self, texts: list[str], *, urgent: bool = False) -> list[list[float]]:
        """One vector per text, from the next batch; ``urgent`` calls jump the queue."""
        return await self._submit(_Request(texts), urgent=urgent)

    async def _submit(self, request: _Request, *, urgent: bool) -> list[list[float]]:
        if urgent:
            self._queue.appendleft(request)
        else:
            self._queue.append(request)
        loop = asyncio.get_running_loop()
        if any(runner.get_loop() is not loop for runner in self._runners):
            # Another event loop used this queue before (tests run one per test): its calls
            # cannot be answered from this one.
            self._queue = deque(r for r in self._queue if r.done.get_loop() is loop)
        self._runners = {runner for runner in self._runners if not runner.done()}
        if len(self._runners) < self._lanes:
            self._runners.add(loop.create_task(self._drain()))
        return await request.done

    async def _drain(self) -> None:
        while self._queue:
            batch = self._next_batch()
            if not batch:
                continue
            texts = [text for request in batch for text in request.texts]
            self.model_calls += 1
            try:
                vectors = await self._embed(texts)
            except Exception as error:
                for request in batch:
                    if not request.done.done():
                        request.done.set_exception(error)
                continue
            start = 0
            for request in batch:
                end = start + len(request.texts)
                if not request.done.done():
                    request.done.set_result(vectors[start:end])
                start = end

    def _next_batch(self) -> list[_Request]:
        """The waiting calls, oldest (or most urgent) first, up to ``max_texts`` texts; a
        call larger than that goes alone. Calls whose caller gave up are dropped."""
        batch: list[_Request] = []
        count = 0
        while self._queue:
            request = self._queue[0]
            if request.done.done():  # cancelled while it waited
                self._queue.popleft()
                continue
            if batch and count + len(request.texts) > self._max_texts:
                break
            batch.append(self._queue.popleft())
            count += len(request.texts)
        return batch
