"""The bounded caches: the least recently used entry goes first, and reading counts as use."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import pytest

from agents.knowledge.retrieval import DocumentChunk, Vocabulary
from agents.support.context import CachedReader
from core.recent import Recent


def test_the_least_recently_used_entry_is_forgotten_first() -> None:
    recent: Recent[str, int] = Recent(2)
    recent.put("a", 1)
    recent.put("b", 2)
    assert recent.get("a") == 1  # "b" is now the least recent
    recent.put("c", 3)
    assert "b" not in recent
    assert (recent.get("a"), recent.get("c"), len(recent)) == (1, 3, 2)


def test_a_capacity_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Recent(0)


class _CountingReader:
    def __init__(self) -> None:
        self.embedded: list[str] = []
        self.vocabularies = 0

    async def vocabulary(self, org_id: uuid.UUID) -> Vocabulary:
        self.vocabularies += 1
        return Vocabulary(chunks=1, words={"reset": 1})

    async def documents(
        self, org_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[DocumentChunk]]:
        return {}

    async def embed_texts(self, texts: Sequence[str]) -> list[list[float]]:
        self.embedded.extend(texts)
        return [[float(len(text))] for text in texts]


async def test_the_reader_embeds_each_sentence_once_while_it_is_recent() -> None:
    source = _CountingReader()
    reader = CachedReader(source, embeddings=2)
    assert await reader.embed(["ab", "abc", "ab"]) == [[2.0], [3.0], [2.0]]
    assert await reader.embed(["abc"]) == [[3.0]]
    assert source.embedded == ["ab", "abc"]
    await reader.embed(["abcd"])  # "ab" is the least recent and goes
    await reader.embed(["ab", "abcd"])
    assert source.embedded == ["ab", "abc", "abcd", "ab"]


async def test_term_rarity_is_kept_for_a_bounded_number_of_organizations() -> None:
    reader = CachedReader(_CountingReader())
    orgs = [uuid.uuid4() for _ in range(300)]
    for org in orgs:
        await reader.rarity(org)
    assert len(reader._rarity) == 256
    assert orgs[0] not in reader._rarity
    assert orgs[-1] in reader._rarity
