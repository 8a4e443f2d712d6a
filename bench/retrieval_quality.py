"""`retrieval`: how often search finds the article that answers a customer's question.

The help-center corpus is ingested through the real pipeline (``bench/stack.py``), then every
answerable question of ``bench/questions/arduino/`` is searched through the
product's ``Retriever`` in each mode. A passage is a hit when its document is one of the
question's articles. Hit@5 (a target passage in the top 5) and MRR@10 (1/rank of the first
one, 0 beyond 10) are reported per mode, hybrid against vector as the ratio, also split into
the questions marked ``# exact-token`` (quoted error messages, product codes) and the rest.
The figures decide which mode is the default.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence

from agents.knowledge.retrieval import Retriever, SearchMode
from bench.corpus import (
    MISSING_CORPUS,
    Article,
    Question,
    corpus_articles,
    first_hit,
    hit_at,
    ingest_articles,
    load_questions,
    mrr_at,
)
from bench.framework import BenchResult, Metric, Options
from bench.stack import running_stack
from core.settings import Settings

NAME = "retrieval"
K = 10


async def ranks_for(
    retriever: Retriever,
    org_id: uuid.UUID,
    paths: dict[uuid.UUID, str],
    questions: Sequence[Question],
    mode: SearchMode,
) -> list[int | None]:
    ranks: list[int | None] = []
    for question in questions:
        passages = await retriever.search(org_id, question.text, k=K, mode=mode)
        ranks.append(first_hit([paths.get(p.document_id) for p in passages], question.articles))
    return ranks


def _metrics(
    prefix: str, ranks: dict[SearchMode, list[int | None]], indices: Sequence[int]
) -> list[Metric]:
    metrics: list[Metric] = []
    for measure, at, fn in (("hit_at_5", 5, hit_at), ("mrr_at_10", 10, mrr_at)):
        for mode in SearchMode:
            subset = [ranks[mode][i] for i in indices]
            baseline = (
                None if mode is SearchMode.VECTOR else f"{prefix}{SearchMode.VECTOR}_{measure}"
            )
            metrics.append(Metric(f"{prefix}{mode}_{measure}", fn(subset, at), "", baseline))
    return metrics


async def measure(articles: Sequence[Article]) -> BenchResult:
    available = {article.path for article in articles}
    questions = [q for q in load_questions() if set(q.articles) & available]
    async with running_stack() as stack:
        org_id = await stack.create_organization("Arduino help center")
        run = await ingest_articles(stack.knowledge, stack.session_maker, org_id, articles)
        print(
            f"   ingested {run.ready} documents ({run.chunks} chunks) in {run.seconds:.1f}s, "
            f"{len(run.failed)} failed; {len(questions)} questions",
            flush=True,
        )
        retriever = Retriever(stack.session_maker, stack.embedder)
        ranks = {
            mode: await ranks_for(retriever, org_id, run.paths, questions, mode)
            for mode in SearchMode
        }
    everything = range(len(questions))
    exact = [i for i, q in enumerate(questions) if q.exact_token]
    other = [i for i, q in enumerate(questions) if not q.exact_token]
    metrics = _metrics("", ranks, everything)
    if exact and other:
        metrics += _metrics("exact_token_", ranks, exact) + _metrics("other_", ranks, other)
    for mode in SearchMode:
        missed = [q.text[:70] for q, rank in zip(questions, ranks[mode], strict=True) if not rank]
        print(f"   {mode}: not in the top {K}: {len(missed)}", flush=True)
        for text in missed:
            print(f"     - {text}", flush=True)
    return BenchResult(
        name=NAME,
        metrics=metrics,
        parameters={
            "questions": len(questions),
            "exact_token_questions": len(exact),
            "documents": len(articles),
            "chunks": run.chunks,
            "failed_documents": len(run.failed),
            "k": K,
            "embedding_model": stack.embedder.model_name,
        },
        samples={f"{mode}_rank": [float(rank or 0) for rank in ranks[mode]] for mode in SearchMode},
    )


def run(options: Options) -> BenchResult:
    corpus = Settings().corpus_dir
    if corpus is None:
        print(f"   skipped: {MISSING_CORPUS}", flush=True)
        return BenchResult(name=NAME, metrics=[], parameters={}, skipped=MISSING_CORPUS)
    return asyncio.run(measure(corpus_articles(corpus, options.limit)))
