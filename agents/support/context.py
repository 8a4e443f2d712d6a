"""What one turn of the support graph runs with: passed as LangGraph's typed runtime context,
never read from the environment inside a node."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from langchain_core.language_models import BaseChatModel

from agents.knowledge.retrieval import DocumentChunk, RetrievedPassage, Vocabulary
from agents.support.grounding import GroundingPolicy
from agents.support.terms import Rarity
from agents.support.turn import TokenSink
from core.recent import ORGANIZATIONS_CACHED, Recent

DEFAULT_K = 5
EMBEDDING_CACHE = 20_000  # sentence vectors kept across turns (about 30 MB)
DISSATISFACTION_HANDOFF = 2  # unhappy answers in a row before a person takes over
LLM_DEADLINE_SECONDS = 60.0  # a whole model call, first token to last


class PassageSearch(Protocol):
    """The part of :class:`agents.knowledge.retrieval.Retriever` the agent needs."""

    async def search(self, org_id: uuid.UUID, query: str, k: int) -> list[RetrievedPassage]: ...


@runtime_checkable
class KnowledgeReader(Protocol):
    """What the keyless judge and answerer read beyond the passages, when the retriever
    offers it (:class:`agents.knowledge.retrieval.Retriever` does): the knowledge base's
    vocabulary, whole articles, and the embedding model to score sentences with."""

    async def vocabulary(self, org_id: uuid.UUID) -> Vocabulary: ...

    async def documents(
        self, org_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[DocumentChunk]]: ...

    async def embed_texts(self, texts: Sequence[str]) -> list[list[float]]: ...


class CachedReader:
    """A :class:`KnowledgeReader` with what repeats across turns kept: each organization's
    term rarity (rebuilt when its vocabulary changes) and the embeddings of recently quoted
    sentences (the same articles answer most questions)."""

    def __init__(self, reader: KnowledgeReader, embeddings: int = EMBEDDING_CACHE) -> None:
        self._reader = reader
        self._rarity: Recent[uuid.UUID, tuple[Vocabulary, Rarity]] = Recent(ORGANIZATIONS_CACHED)
        self._vectors: Recent[str, list[float]] = Recent(embeddings)

    async def rarity(self, org_id: uuid.UUID) -> Rarity:
        vocabulary = await self._reader.vocabulary(org_id)
        cached = self._rarity.get(org_id)
        if cached is not None and cached[0] is vocabulary:
            return cached[1]
        rarity = Rarity.of(vocabulary.chunks, vocabulary.words)
        self._rarity.put(org_id, (vocabulary, rarity))
        return rarity

    async def documents(
        self, org_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[DocumentChunk]]:
        return await self._reader.documents(org_id, document_ids)

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        missing = list(dict.fromkeys(text for text in texts if text not in self._vectors))
        vectors: dict[str, list[float]] = {}
        if missing:
            vectors = dict(zip(missing, await self._reader.embed_texts(missing), strict=True))
        for text in dict.fromkeys(texts):
            if text not in vectors:
                cached = self._vectors.get(text)
                assert cached is not None  # present when ``missing`` was computed
                vectors[text] = cached
        for text, vector in vectors.items():
            self._vectors.put(text, vector)
        return [vectors[text] for text in texts]


@dataclass(frozen=True)
class SupportContext:
    retriever: PassageSearch
    chat_model: BaseChatModel | None  # None: the keyless judge and the extractive responder
    on_token: TokenSink
    reader: CachedReader | None = None
    k: int = DEFAULT_K
    grounding: GroundingPolicy = field(default_factory=GroundingPolicy)
    dissatisfaction_handoff: int = DISSATISFACTION_HANDOFF
    llm_deadline_seconds: float = LLM_DEADLINE_SECONDS
