"""`answers`: how well the keyless agent answers customers, measured through the simulator.

The corpus is ingested through the real pipeline, then the labelled questions of
``bench/questions/arduino/`` run through a ``SimulationWorkflow`` (``services/simulations.py``)
with the product's keyless ``SupportAgent``: the same workflow, activities and scoring
(``agents/support/evaluation.py``) an organization's own simulations use. Reported per split
(``fit``: the questions the answerer and the judge were tuned on; ``test``: never tuned on):

- answerable questions answered with every key fact and a first citation of a right article;
- answerable questions answered at all, and from a right article;
- unanswerable questions declined (handed off or asked to clarify);
- answers with a sentence that none of its cited passages holds (should be 0).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from activities.simulation import LabelledQuestion as SimulatedQuestion
from bench.corpus import (
    MISSING_CORPUS,
    Article,
    LabelledQuestion,
    corpus_articles,
    ingest_articles,
    load_labelled,
)
from bench.framework import BenchResult, Metric, Options
from bench.stack import running_stack
from core.settings import Settings
from services.simulations import simulate_questions

NAME = "answers"


def _as_simulated(question: LabelledQuestion) -> SimulatedQuestion:
    return SimulatedQuestion(
        id=question.id,
        question=question.text,
        history=list(question.history),
        articles=[path.rsplit("/", 1)[-1] for path in question.articles],
        facts=list(question.facts),
        why=question.why or None,
    )


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _figures(prefix: str, cases: Sequence[tuple[LabelledQuestion, dict[str, Any]]]) -> list[Metric]:
    answerable = [(q, a) for q, a in cases if q.answerable]
    unanswerable = [(q, a) for q, a in cases if not q.answerable]
    answered = [(q, a) for q, a in answerable if a.get("decision") == "answer"]

    def scores(answer: dict[str, Any]) -> dict[str, Any]:
        return answer.get("scores") or {}

    with_facts = sum(
        1 for _, a in answered if scores(a).get("all_facts") and scores(a).get("right_article")
    )
    right_article = sum(1 for _, a in answered if scores(a).get("right_article"))
    declined = sum(1 for _, a in unanswerable if a.get("decision") != "answer")
    unsupported = sum(
        1
        for _, a in cases
        if a.get("decision") == "answer" and scores(a).get("unsupported_sentences")
    )
    every_answer = sum(1 for _, a in cases if a.get("decision") == "answer")
    return [
        Metric(f"{prefix}answered_with_key_facts", _share(with_facts, len(answerable)), "share"),
        Metric(f"{prefix}answerable_answered", _share(len(answered), len(answerable)), "share"),
        Metric(
            f"{prefix}answered_from_right_article",
            _share(right_article, len(answerable)),
            "share",
        ),
        Metric(f"{prefix}unanswerable_declined", _share(declined, len(unanswerable)), "share"),
        Metric(
            f"{prefix}answers_with_unsupported_sentences",
            _share(unsupported, every_answer),
            "share",
        ),
    ]


async def measure(articles: Sequence[Article]) -> BenchResult:
    available = {article.path for article in articles}
    questions = [q for q in load_labelled() if not q.answerable or set(q.articles) & available]
    async with running_stack() as stack:
        org_id = await stack.create_organization("Arduino help center")
        run = await ingest_articles(stack.knowledge, stack.session_maker, org_id, articles)
        report = await simulate_questions(
            stack.session_maker,
            stack.temporal,
            stack.settings,
            org_id,
            [_as_simulated(question) for question in questions],
        )
    by_id = {result.case_key: result.after or {} for result in report.results}
    cases = [(q, by_id.get(q.id, {})) for q in questions]
    missing = [q.id for q, answer in cases if not answer]
    metrics = _figures("test_", [(q, a) for q, a in cases if q.split == "test"])
    metrics += _figures("fit_", [(q, a) for q, a in cases if q.split == "fit"])
    for question, answer in cases:
        if question.split == "test" and question.answerable:
            scores = answer.get("scores") or {}
            if answer.get("decision") != "answer" or not scores.get("all_facts"):
                print(
                    f"     - {question.id}: {answer.get('decision')}, facts "
                    f"{scores.get('facts_found')}/{scores.get('facts_total')}",
                    flush=True,
                )
    return BenchResult(
        name=NAME,
        metrics=metrics,
        parameters={
            "questions": len(questions),
            "test_questions": sum(q.split == "test" for q in questions),
            "unanswerable_questions": sum(not q.answerable for q in questions),
            "documents": len(articles),
            "chunks": run.chunks,
            "cases_without_result": len(missing),
            "simulation": str(report.simulation.id),
            "responder": "extractive-v2 (no language model), through SimulationWorkflow",
        },
    )


def run(options: Options) -> BenchResult:
    corpus = Settings().corpus_dir
    if corpus is None:
        print(f"   skipped: {MISSING_CORPUS}", flush=True)
        return BenchResult(name=NAME, metrics=[], parameters={}, skipped=MISSING_CORPUS)
    return asyncio.run(measure(corpus_articles(corpus, options.limit)))
