"""EmbeddingQueue: concurrent calls share model calls, in order, each answered with its own."""

from __future__ import annotations

import asyncio

import pytest

from agents.providers.embedding_queue import EmbeddingQueue


class FakeModel:
    """Embeds a text as [its length, its first letter's code]; holds each call until let go."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.running = 0
        self.most_running = 0
        self.gate = asyncio.Event()
        self.fail_on: str | None = None

    async def embed(self, texts: list[str]) -> list[list[float]]:
        self.batches.append(texts)
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        try:
            await self.gate.wait()
        finally:
            self.running -= 1
        if self.fail_on is not None and self.fail_on in texts:
            raise RuntimeError("the model broke")
        return [[float(len(text)), float(ord(text[0]))] for text in texts]


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_calls_that_arrive_while_the_model_works_share_the_next_call() -> None:
    model = FakeModel()
    queue = EmbeddingQueue(model.embed, max_texts=10)

    first = asyncio.create_task(queue.embed(["a"]))
    await _settle()
    waiting = [asyncio.create_task(queue.embed(texts)) for texts in (["bb", "ccc"], ["dddd"])]
    await _settle()
    model.gate.set()

    assert await first == [[1.0, 97.0]]
    assert await waiting[0] == [[2.0, 98.0], [3.0, 99.0]]
    assert await waiting[1] == [[4.0, 100.0]]
    assert model.batches == [["a"], ["bb", "ccc", "dddd"]]
    assert queue.model_calls == 2


async def test_a_batch_holds_at_most_max_texts_and_a_larger_call_goes_alone() -> None:
    model = FakeModel()
    queue = EmbeddingQueue(model.embed, max_texts=3)

    first = asyncio.create_task(queue.embed(["a"]))
    await _settle()
    rest = [
        asyncio.create_task(queue.embed(texts))
        for texts in (["b", "c"], ["d", "e"], ["f", "g", "h", "i"], ["j"])
    ]
    await _settle()
    model.gate.set()
    await asyncio.gather(first, *rest)

    assert model.batches == [["a"], ["b", "c"], ["d", "e"], ["f", "g", "h", "i"], ["j"]]


async def test_a_query_goes_before_the_documents_that_wait() -> None:
    model = FakeModel()
    queue = EmbeddingQueue(model.embed, max_texts=1)

    first = asyncio.create_task(queue.embed(["a"]))
    await _settle()
    document = asyncio.create_task(queue.embed(["document"]))
    query = asyncio.create_task(queue.embed(["question"], urgent=True))
    await _settle()
    model.gate.set()
    await asyncio.gather(first, document, query)

    assert model.batches == [["a"], ["question"], ["document"]]


async def test_a_failed_model_call_fails_its_callers_only() -> None:
    model = FakeModel()
    model.fail_on = "bad"
    queue = EmbeddingQueue(model.embed, max_texts=2)

    first = asyncio.create_task(queue.embed(["a"]))
    await _settle()
    shared = [asyncio.create_task(queue.embed([text])) for text in ("bad", "neighbour")]
    later = asyncio.create_task(queue.embed(["later"]))
    await _settle()
    model.gate.set()

    assert await first == [[1.0, 97.0]]
    for task in shared:
        with pytest.raises(RuntimeError, match="the model broke"):
            await task
    assert await later == [[5.0, 108.0]]


async def test_a_caller_that_gives_up_is_left_out_of_the_next_call() -> None:
    model = FakeModel()
    queue = EmbeddingQueue(model.embed, max_texts=10)

    first = asyncio.create_task(queue.embed(["a"]))
    await _settle()
    gone = asyncio.create_task(queue.embed(["gone"]))
    kept = asyncio.create_task(queue.embed(["kept"]))
    await _settle()
    gone.cancel()
    await _settle()
    model.gate.set()

    await first
    assert await kept == [[4.0, 107.0]]
    assert model.batches == [["a"], ["kept"]]


async def test_lanes_bound_how_many_model_calls_run_at_once() -> None:
    model = FakeModel()
    queue = EmbeddingQueue(model.embed, max_texts=1, lanes=2)

    tasks = [asyncio.create_task(queue.embed([text])) for text in "abcde"]
    await _settle()
    assert model.running == 2
    model.gate.set()

    assert [vector for [vector] in await asyncio.gather(*tasks)] == [
        [1.0, float(ord(letter))] for letter in "abcde"
    ]
    assert model.most_running == 2
    assert len(model.batches) == 5


def test_the_queue_serves_one_event_loop_after_another() -> None:
    model = FakeModel()
    model.gate.set()
    queue = EmbeddingQueue(model.embed)

    assert asyncio.run(queue.embed(["one"])) == [[3.0, 111.0]]
    assert asyncio.run(queue.embed(["two"])) == [[3.0, 116.0]]


def test_lanes_and_batches_are_at_least_one() -> None:
    with pytest.raises(ValueError, match="max_texts"):
        EmbeddingQueue(FakeModel().embed, max_texts=0)
    with pytest.raises(ValueError, match="lanes"):
        EmbeddingQueue(FakeModel().embed, lanes=0)
