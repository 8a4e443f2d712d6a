"""Retrieval: the passages of an organization's knowledge closest to a question.

Vector search is top-k cosine over the HNSW index with pgvector's iterative scan, so the
organization filter still returns k rows. Keyword search (PostgreSQL full text, 'simple'
configuration, so product codes and error messages keep their exact form) can be fused with
it by reciprocal rank fusion; whether that is the default is decided by the benchmark on the
question set (``bench/retrieval_quality.py``), not by taste.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import func, text
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from agents.providers.embeddings import Embedder
from core.db import SessionMaker, org_session
from core.models import KnowledgeChunk, KnowledgeDocument
from core.recent import ORGANIZATIONS_CACHED, Recent

RRF_K = 60
CANDIDATES = 40  # per ranking, before fusion
_TOKEN = re.compile(r"[\w][\w.\-]*[\w]|\w", re.UNICODE)
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)


class SearchMode(StrEnum):
    VECTOR = "vector"
    HYBRID = "hybrid"


@dataclass(frozen=True)
class RetrievedPassage:
    chunk_id: uuid.UUID
    document_id: uuid.UUID
    title: str
    section: str
    content: str
    source_url: str | None
    score: float  # cosine similarity of passage and question, -1..1
    rank: int  # 1-based position in the returned list
    ordinal: int = 0  # the chunk's place in its document


@dataclass(frozen=True)
class Vocabulary:
    """How many of an organization's chunks use each word (PostgreSQL's 'simple' parser:
    lower-cased, unstemmed), for weighting a question's words by how rare they are."""

    chunks: int
    words: dict[str, int] = field(default_factory=dict)


VOCABULARY_CHECK_SECONDS = 5.0  # how often a cached vocabulary is checked against the table
DOCUMENT_CHUNKS = 80  # an answer reads at most this many chunks of an article


@dataclass(frozen=True)
class DocumentChunk:
    chunk_id: uuid.UUID
    ordinal: int
    section: str
    content: str


class Retriever:
    def __init__(
        self,
        session_maker: SessionMaker,
        embedder: Embedder,
        default_mode: SearchMode = SearchMode.VECTOR,
        ef_search: int = 100,
    ) -> None:
        self._session_maker = session_maker
        self._embedder = embedder
        self._default_mode = default_mode
        self._ef_search = ef_search
        # org -> (the table's stamp, when it was last checked, the vocabulary)
        self._vocabularies: Recent[uuid.UUID, tuple[tuple[int, str], float, Vocabulary]] = Recent(
            ORGANIZATIONS_CACHED
        )

    async def embed_texts(self, texts: Sequence[str]) -> list[list[float]]:
        """Unit vectors of ``texts`` in the passages' vector space."""
        return await self._embedder.embed_documents(list(texts))

    async def vocabulary(self, org_id: uuid.UUID) -> Vocabulary:
        """The organization's word counts, cached per process and rebuilt when its chunks
        change (checked at most every ``VOCABULARY_CHECK_SECONDS``)."""
        cached = self._vocabularies.get(org_id)
        now = time.monotonic()
        if cached is not None and now - cached[1] < VOCABULARY_CHECK_SECONDS:
            return cached[2]
        async with org_session(self._session_maker, org_id) as session:
            row = (
                await session.execute(
                    text(
                        "SELECT count(*), coalesce(max(created_at)::text, '') "
                        "FROM knowledge_chunks WHERE org_id = :org AND embedding_model = :model"
                    ),
                    {"org": org_id, "model": self._embedder.model_name},
                )
            ).one()
            stamp = (int(row[0]), str(row[1]))
            if cached is not None and cached[0] == stamp:
                self._vocabularies.put(org_id, (stamp, now, cached[2]))
                return cached[2]
            # ts_stat takes its query as text; the organization id is a UUID (hex and dashes
            # only) and the model name is bound through quote_literal.
            rows = (
                await session.execute(
                    text(
                        "SELECT word, ndoc FROM ts_stat(format("
                        "'SELECT search_vector FROM knowledge_chunks "
                        "WHERE org_id = %L AND embedding_model = %L', "
                        "CAST(:org AS text), CAST(:model AS text)))"
                    ),
                    {"org": str(org_id), "model": self._embedder.model_name},
                )
            ).all()
        vocabulary = Vocabulary(chunks=stamp[0], words={str(w): int(n) for w, n in rows})
        self._vocabularies.put(org_id, (stamp, now, vocabulary))
        return vocabulary

    async def documents(
        self, org_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[DocumentChunk]]:
        """The chunks of each document, in reading order (at most ``DOCUMENT_CHUNKS`` each):
        an answer reads the article a passage came from, not the passage alone."""
        if not document_ids:
            return {}
        async with org_session(self._session_maker, org_id) as session:
            rows = (
                await session.execute(
                    sa_select(
                        KnowledgeChunk.id,  # type: ignore[call-overload]
                        KnowledgeChunk.document_id,
                        KnowledgeChunk.ordinal,
                        KnowledgeChunk.section,
                        KnowledgeChunk.content,
                    )
                    .where(
                        col(KnowledgeChunk.document_id).in_(set(document_ids)),
                        col(KnowledgeChunk.ordinal) < DOCUMENT_CHUNKS,
                    )
                    .order_by(col(KnowledgeChunk.document_id), col(KnowledgeChunk.ordinal))
                )
            ).all()
        found: dict[uuid.UUID, list[DocumentChunk]] = {}
        for chunk_id, document_id, ordinal, section, content in rows:
            found.setdefault(document_id, []).append(
                DocumentChunk(chunk_id, ordinal, section, content)
            )
        return found

    async def search(
        self, org_id: uuid.UUID, query: str, k: int = 10, mode: SearchMode | None = None
    ) -> list[RetrievedPassage]:
        query = query.strip()
        if not query:
            return []
        mode = mode or self._default_mode
        vector = await self._embedder.embed_query(query)
        async with org_session(self._session_maker, org_id) as session:
            await self._tune_search(session)
            if mode is not SearchMode.HYBRID:
                # The nearest passages with their documents, in one query.
                return await self._load(session, vector, limit=k)
            by_vector = await self._nearest(session, vector, CANDIDATES)
            by_keyword = await self._keyword(session, query, CANDIDATES)
            ranked = _reciprocal_rank_fusion([by_vector, by_keyword])[:k]
            return await self._load(session, vector, chunk_ids=ranked)

    async def _tune_search(self, session: AsyncSession) -> None:
        """HNSW settings for this transaction, in one statement."""
        connection = await session.connection()
        await connection.execute(
            text(
                "SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true), "
                "set_config('hnsw.ef_search', :ef_search, true)"
            ),
            {"ef_search": str(int(self._ef_search))},
        )

    async def _nearest(
        self, session: AsyncSession, vector: list[float], limit: int
    ) -> list[uuid.UUID]:
        distance = KnowledgeChunk.embedding.cosine_distance(vector)
        rows = (
            await session.exec(
                select(KnowledgeChunk.id, distance.label("distance"))
                .where(KnowledgeChunk.embedding_model == self._embedder.model_name)
                .order_by(distance)
                .limit(limit)
            )
        ).all()
        # relaxed_order may return rows slightly out of order: sort by the exact distance.
        return [row[0] for row in sorted(rows, key=lambda row: row[1])]

    async def _keyword(self, session: AsyncSession, query: str, limit: int) -> list[uuid.UUID]:
        terms = keyword_terms(query)
        if not terms:
            return []
        tsquery = func.to_tsquery("simple", " | ".join(terms))
        rank = func.ts_rank_cd(KnowledgeChunk.search_vector, tsquery)
        rows = (
            await session.exec(
                select(KnowledgeChunk.id)
                .where(
                    KnowledgeChunk.search_vector.op("@@")(tsquery),
                    KnowledgeChunk.embedding_model == self._embedder.model_name,
                )
                .order_by(rank.desc())
                .limit(limit)
            )
        ).all()
        return list(rows)

    async def _load(
        self,
        session: AsyncSession,
        vector: list[float],
        *,
        chunk_ids: list[uuid.UUID] | None = None,
        limit: int = 0,
    ) -> list[RetrievedPassage]:
        """The passages of ``chunk_ids`` in that order, or (without them) the ``limit``
        nearest ones, nearest first, with their documents' titles and addresses."""
        if chunk_ids is not None and not chunk_ids:
            return []
        distance = KnowledgeChunk.embedding.cosine_distance(vector)
        statement = select(
            KnowledgeChunk,
            KnowledgeDocument.title,
            KnowledgeDocument.source_url,
            distance.label("distance"),
        ).join(KnowledgeDocument, col(KnowledgeDocument.id) == KnowledgeChunk.document_id)
        if chunk_ids is not None:
            statement = statement.where(col(KnowledgeChunk.id).in_(chunk_ids))
        else:
            # The nearest ids in a subquery of their own, so its ORDER BY ... LIMIT is what
            # the HNSW index answers, whatever the join.
            nearest = (
                select(KnowledgeChunk.id)
                .where(KnowledgeChunk.embedding_model == self._embedder.model_name)
                .order_by(distance)
                .limit(limit)
                .subquery()
            )
            statement = statement.join(nearest, nearest.c.id == KnowledgeChunk.id)
        rows = (await session.exec(statement)).all()
        found = {row[0].id: row for row in rows}
        if chunk_ids is None:
            # relaxed_order may return rows slightly out of order: sort by the exact distance.
            chunk_ids = [row[0].id for row in sorted(rows, key=lambda row: float(row[3]))]
        passages: list[RetrievedPassage] = []
        for chunk_id in chunk_ids:
            if chunk_id not in found:
                continue
            chunk, title, source_url, chunk_distance = found[chunk_id]
            passages.append(
                RetrievedPassage(
                    chunk_id=chunk.id,
                    document_id=chunk.document_id,
                    title=title,
                    section=chunk.section,
                    content=chunk.content,
                    source_url=source_url,
                    score=round(1.0 - float(chunk_distance), 4),
                    rank=len(passages) + 1,
                    ordinal=chunk.ordinal,
                )
            )
        return passages


def keyword_terms(query: str) -> list[str]:
    """Distinctive tokens of a question, safe to put in a tsquery."""
    terms = []
    for token in _TOKEN.findall(query.lower()):
        cleaned = re.sub(r"[^\w.\-]", "", token).strip(".-")
        if len(cleaned) < 2 or cleaned in _STOPWORDS:
            continue
        terms.append(f"'{cleaned}'")
    return list(dict.fromkeys(terms))


def _reciprocal_rank_fusion(rankings: list[list[uuid.UUID]]) -> list[uuid.UUID]:
    scores: dict[uuid.UUID, float] = {}
    for ranking in rankings:
        for position, chunk_id in enumerate(ranking, start=1):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + 1.0 / (RRF_K + position)
    return sorted(scores, key=lambda chunk_id: -scores[chunk_id])
