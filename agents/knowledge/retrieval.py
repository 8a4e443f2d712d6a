"""Retrieval: the passages of an organization's knowledge closest to a question.

Vector search is top-k cosine over the HNSW index with pgvector's iterative scan, so the
organization filter still returns k rows. Keyword search (PostgreSQL full text, 'simple'
configuration, so product codes and error messages keep their exact form) can be fused with
it by reciprocal rank fusion; whether that is the default is decided by the benchmark on the
question set (``bench/retrieval_quality.py``), not by taste.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, text
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from agents.providers.embeddings import Embedder
from core.db import SessionMaker, org_session
from core.models import KnowledgeChunk, KnowledgeDocument

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

    async def search(
        self, org_id: uuid.UUID, query: str, k: int = 10, mode: SearchMode | None = None
    ) -> list[RetrievedPassage]:
        query = query.strip()
        if not query:
            return []
        mode = mode or self._default_mode
        vector = await self._embedder.embed_query(query)
        async with org_session(self._session_maker, org_id) as session:
            candidates = CANDIDATES if mode is SearchMode.HYBRID else k
            by_vector = await self._nearest(session, vector, candidates)
            if mode is SearchMode.HYBRID:
                by_keyword = await self._keyword(session, query, CANDIDATES)
                ranked = _reciprocal_rank_fusion([by_vector, by_keyword])[:k]
            else:
                ranked = by_vector[:k]
            return await self._load(session, ranked, vector)

    async def _nearest(
        self, session: AsyncSession, vector: list[float], limit: int
    ) -> list[uuid.UUID]:
        connection = await session.connection()
        await connection.execute(text("SET LOCAL hnsw.iterative_scan = relaxed_order"))
        await connection.execute(text(f"SET LOCAL hnsw.ef_search = {int(self._ef_search)}"))
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
        self, session: AsyncSession, chunk_ids: list[uuid.UUID], vector: list[float]
    ) -> list[RetrievedPassage]:
        if not chunk_ids:
            return []
        distance = KnowledgeChunk.embedding.cosine_distance(vector)
        rows = (
            await session.exec(
                select(
                    KnowledgeChunk,
                    KnowledgeDocument.title,
                    KnowledgeDocument.source_url,
                    distance.label("distance"),
                )
                .join(KnowledgeDocument, col(KnowledgeDocument.id) == KnowledgeChunk.document_id)
                .where(col(KnowledgeChunk.id).in_(chunk_ids))
            )
        ).all()
        found = {row[0].id: row for row in rows}
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
