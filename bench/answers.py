"""`answers`: how well the keyless agent answers customers, on the help-center question set.

The corpus is ingested through the real pipeline, then each question of
``bench/questions/arduino_help_center.yaml`` goes through the product's ``SupportAgent`` with
no language model (the extractive responder and its grounding check). For answerable
questions: the share answered with every key fact in the answer text, answered from the right
article (first citation), answered but missing a fact, and declined (handed off or asked to
clarify). For unanswerable ones: the share correctly declined and the share wrongly answered.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence

import yaml

from agents.knowledge.retrieval import Retriever
from agents.support.agent import SupportAgent
from agents.support.turn import Decision, TurnInput
from bench.corpus import (
    MISSING_CORPUS,
    QUESTIONS,
    Article,
    corpus_articles,
    ingest_articles,
    load_questions,
)
from bench.framework import BenchResult, Metric, Options
from bench.stack import running_stack
from core.settings import Settings

NAME = "answers"


async def _ignore(_: str) -> None:
    return None


def _unanswerable() -> list[str]:
    document = yaml.safe_load(QUESTIONS.read_text())
    return [str(item["question"]) for item in document.get("unanswerable", [])]


def _normalise(text: str) -> str:
    return " ".join(text.lower().replace("**", "").replace("`", "").split())


async def measure(articles: Sequence[Article]) -> BenchResult:
    available = {article.path for article in articles}
    answerable = [q for q in load_questions() if set(q.articles) & available]
    unanswerable = _unanswerable()
    async with running_stack() as stack:
        org_id = await stack.create_organization("Arduino help center")
        run = await ingest_articles(stack.knowledge, stack.session_maker, org_id, articles)
        agent = SupportAgent(Retriever(stack.session_maker, stack.embedder), None)

        async def ask(text: str) -> tuple[Decision, str, list[uuid.UUID]]:
            outcome = await agent.run_turn(
                TurnInput(org_id=org_id, conversation_id=uuid.uuid4(), question=text), _ignore
            )
            return outcome.decision, outcome.text, [c.document_id for c in outcome.citations]

        with_facts = right_article = missing_fact = declined = 0
        for question in answerable:
            decision, text, cited = await ask(question.text)
            if decision is not Decision.ANSWER:
                declined += 1
                continue
            if cited and run.paths.get(cited[0]) in question.articles:
                right_article += 1
            answer = _normalise(text)
            if all(_normalise(fact) in answer for fact in question.facts):
                with_facts += 1
            else:
                missing_fact += 1
        correctly_declined = wrongly_answered = 0
        for text in unanswerable:
            decision, _, _ = await ask(text)
            if decision is Decision.ANSWER:
                wrongly_answered += 1
            else:
                correctly_declined += 1
    total, negatives = len(answerable) or 1, len(unanswerable) or 1
    metrics = [
        Metric("answered_with_key_facts", with_facts / total, "share"),
        Metric("answered_from_right_article", right_article / total, "share"),
        Metric("answered_missing_a_fact", missing_fact / total, "share"),
        Metric("answerable_declined", declined / total, "share"),
        Metric("unanswerable_correctly_declined", correctly_declined / negatives, "share"),
        Metric("unanswerable_wrongly_answered", wrongly_answered / negatives, "share"),
    ]
    return BenchResult(
        name=NAME,
        metrics=metrics,
        parameters={
            "answerable_questions": len(answerable),
            "unanswerable_questions": len(unanswerable),
            "documents": len(articles),
            "chunks": run.chunks,
            "responder": "extractive-v1 (no language model)",
        },
    )


def run(options: Options) -> BenchResult:
    corpus = Settings().corpus_dir
    if corpus is None:
        print(f"   skipped: {MISSING_CORPUS}", flush=True)
        return BenchResult(name=NAME, metrics=[], parameters={}, skipped=MISSING_CORPUS)
    return asyncio.run(measure(corpus_articles(corpus, options.limit)))
