"""The Arduino help center (414 articles) through the product, as a customer's knowledge base.

Uploaded through the API, ingested by the real worker with the real local model (once for the
module, see conftest.py), then searched with the question set of
``bench/questions/arduino/``. Thresholds sit a little below what was measured,
so a regression in extraction, chunking, embedding or retrieval fails here, while the
nondeterminism of concurrent ingestion (none expected: chunking is deterministic) does not.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import pytest
from sqlmodel import col, func, select

from agents.knowledge.retrieval import SearchMode
from bench.corpus import Question, first_hit, hit_at, load_questions
from core.db import SessionMaker, org_session
from core.models import KnowledgeChunk
from tests.corpus.conftest import IngestedCorpus

# The first test also pays for ingesting the corpus (about 2-4 minutes on 2 cores).
pytestmark = pytest.mark.timeout(1800)

MAX_FAILED = 2  # documents; the corpus is plain Markdown, so none is expected to fail
K = 10
# Hit@5 over the 60 answerable questions. Measured (all-MiniLM-L6-v2 int8): with 350-token
# chunks (1281) vector 0.967, hybrid 0.833-0.867; with chunks sized to what the model reads
# whole (about 1670) vector stays above 0.91 and hybrid measured 0.750, whose fused order
# moves a little between ingestions. Each threshold allows about three more misses.
HIT_AT_5_AT_LEAST = {SearchMode.VECTOR: 0.91, SearchMode.HYBRID: 0.70}
# The 13 questions that quote an error message or product code: a passage of the target
# article in the top 10. Measured 12/13 (0.923) in both modes.
EXACT_TOKEN_TOP_10_AT_LEAST = 0.8

QUESTIONS = load_questions()


async def ranks(
    corpus: IngestedCorpus, questions: Sequence[Question], mode: SearchMode
) -> list[int | None]:
    """For each question, the rank of the first passage from one of its articles."""
    found: list[int | None] = []
    async with corpus.api.client(headers=corpus.headers) as client:
        for question in questions:
            response = await client.post(
                f"/api/orgs/{corpus.org_id}/knowledge/search",
                json={"query": question.text, "k": K, "mode": mode.value},
            )
            response.raise_for_status()
            paths = [corpus.paths.get(hit["document_id"]) for hit in response.json()]
            found.append(first_hit(paths, question.articles))
    return found


async def test_every_article_is_ingested_with_chunks(
    ingested: IngestedCorpus, corpus_session_maker: SessionMaker
) -> None:
    documents = ingested.documents
    assert len(documents) == len(ingested.paths)
    failed = [d for d in documents if d["status"] == "failed"]
    for document in failed:
        print(f"failed: {ingested.paths[document['id']]}: {document['failure_reason']}")
    assert all(document["failure_reason"] for document in failed)
    assert len(failed) <= MAX_FAILED
    ready = [d for d in documents if d["status"] == "ready"]
    assert len(ready) + len(failed) == len(documents)
    assert all(d["chunk_count"] > 0 for d in ready), [
        ingested.paths[d["id"]] for d in ready if d["chunk_count"] <= 0
    ]
    assert all(d["progress"]["done"] == d["chunk_count"] for d in ready)

    async with org_session(corpus_session_maker, ingested.org_id) as session:
        stored = dict(
            (
                await session.exec(
                    select(KnowledgeChunk.document_id, func.count())
                    .where(col(KnowledgeChunk.embedding).is_not(None))
                    .group_by(col(KnowledgeChunk.document_id))
                )
            ).all()
        )
    assert {uuid.UUID(d["id"]): d["chunk_count"] for d in ready} == stored, (
        "a ready document's chunks are not all embedded"
    )


@pytest.mark.parametrize("mode", list(SearchMode))
async def test_hit_at_5_on_the_question_set(ingested: IngestedCorpus, mode: SearchMode) -> None:
    found = await ranks(ingested, QUESTIONS, mode)
    missed = [q.text for q, rank in zip(QUESTIONS, found, strict=True) if not rank or rank > 5]
    score = hit_at(found, 5)
    print(f"{mode}: Hit@5 {score:.3f}; not in the top 5: {missed}")
    assert score >= HIT_AT_5_AT_LEAST[mode]


@pytest.mark.parametrize("mode", list(SearchMode))
async def test_exact_token_questions_find_their_article_in_the_top_10(
    ingested: IngestedCorpus, mode: SearchMode
) -> None:
    questions = [q for q in QUESTIONS if q.exact_token]
    assert len(questions) >= 10, "the question set lost its `# exact-token` marks"
    found = await ranks(ingested, questions, mode)
    missed = [q.text for q, rank in zip(questions, found, strict=True) if rank is None]
    score = hit_at(found, K)
    print(f"{mode}: exact-token questions in the top {K}: {score:.3f}; missed: {missed}")
    assert score >= EXACT_TOKEN_TOP_10_AT_LEAST
