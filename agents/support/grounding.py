"""The keyless answerability judge: do the retrieved passages answer the question?

Raw cosine similarity alone does not separate answerable from unanswerable customer questions:
a question about a product the help center never covers ("can my board use the Helium
network?") lands close to passages about the neighbouring product. So three signals are
combined into one score:

- ``top_score``: the best passage's cosine similarity (the embedding's opinion);
- ``coverage``: the share of the question's key terms (``terms.py``: stopwords and chat words
  removed, lightly stemmed, codes and versions weighted 2.5x) that appear in the top passages'
  text, title or section: a passage cannot answer about "PayPal" without saying "PayPal";
- ``document_margin``: how far the best document is ahead of the next one, capped, because a
  clear winner is a better sign than several documents that are all a little related.

``score = top_score + 0.3 * coverage + min(document_margin, 0.1)``, answerable when
``score >= 0.72``. Two rules come before the score: a short question whose only codes
("E-999") appear in no passage is not answerable, and a vague question (fewer than three key
terms) whose top documents are about equally close is answered with a clarifying question.

Calibration (November 2026, ``all-MiniLM-L6-v2-int8``, vector retrieval, k=5): on the 85
questions of ``bench/questions/arduino_help_center.yaml`` over its 414-article corpus, 80% of
answerable questions are answered and 76% of unanswerable ones declined (the top score alone,
at its best threshold, manages 80% and 72%, or 65% and 92%); on the Lumen fixture questions
(``tests/integration/support_agent_questions.yaml``), 91% answered and 85% declined. The
misses are near-misses on purpose: a question about a product or figure the help center names
but does not answer ("the price in euros").
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from agents.knowledge.retrieval import RetrievedPassage
from agents.support.terms import Term, key_terms, text_keys, weighted_coverage


@dataclass(frozen=True)
class GroundingPolicy:
    """The judge's thresholds; the defaults are the calibrated ones (module docstring)."""

    threshold: float = 0.72
    coverage_weight: float = 0.3
    margin_cap: float = 0.1
    passages_considered: int = 5
    # Clarify instead of answering: few key terms, and the top documents about equally close.
    vague_max_terms: int = 2
    ambiguous_margin: float = 0.05
    clarify_min_score: float = 0.35  # below this nothing is close enough to ask about
    # Passages to answer from: at most this many, each within this much of the top score.
    answer_passages: int = 3
    answer_score_window: float = 0.12


@dataclass(frozen=True)
class Grounding:
    answerable: bool
    clarify: bool  # vague and ambiguous: ask which topic is meant
    reason: str
    score: float
    top_score: float
    coverage: float
    passage_margin: float  # best passage minus the second
    document_margin: float  # best document minus the second, uncapped
    terms: tuple[Term, ...]
    missing_terms: tuple[str, ...]
    relevant: tuple[RetrievedPassage, ...] = ()  # to answer from, most relevant first
    competing_titles: tuple[str, ...] = field(default=())  # for a clarifying question

    def figures(self) -> dict[str, Any]:
        """The numbers behind the decision, for the decision trail."""
        return {
            "answerable": self.answerable,
            "clarify": self.clarify,
            "score": round(self.score, 4),
            "top_score": round(self.top_score, 4),
            "coverage": round(self.coverage, 4),
            "passage_margin": round(self.passage_margin, 4),
            "document_margin": round(self.document_margin, 4),
            "terms": [term.surface for term in self.terms],
            "missing_terms": list(self.missing_terms),
            "relevant_chunk_ids": [str(passage.chunk_id) for passage in self.relevant],
        }


def assess(
    question: str, passages: Sequence[RetrievedPassage], policy: GroundingPolicy | None = None
) -> Grounding:
    """Judge whether ``passages`` (as retrieved, best first) answer ``question``."""
    policy = policy or GroundingPolicy()
    terms = tuple(key_terms(question))
    considered = list(passages[: policy.passages_considered])
    if not terms:
        return replace(_declined(terms, "the message has no key terms"), clarify=True)
    if not considered:
        return _declined(terms, "no passage was retrieved")
    keys = {passage.chunk_id: _passage_keys(passage) for passage in considered}
    every_key = frozenset().union(*keys.values())
    scores = sorted((passage.score for passage in considered), reverse=True)
    top_score = scores[0]
    passage_margin = top_score - scores[1] if len(scores) > 1 else top_score
    documents = _documents_by_score(considered)
    document_margin = documents[0][1] - documents[1][1] if len(documents) > 1 else top_score
    coverage = weighted_coverage(terms, every_key)
    score = (
        top_score
        + policy.coverage_weight * coverage
        + min(max(document_margin, 0.0), policy.margin_cap)
    )
    base = Grounding(
        answerable=False,
        clarify=False,
        reason="",
        score=score,
        top_score=top_score,
        coverage=coverage,
        passage_margin=passage_margin,
        document_margin=document_margin,
        terms=terms,
        missing_terms=tuple(term.surface for term in terms if term.key not in every_key),
    )
    summary = (
        f"score {score:.2f} (top {top_score:.2f}, coverage {coverage:.2f}, "
        f"document margin {document_margin:.2f})"
    )

    if (
        len(terms) <= policy.vague_max_terms
        and len(documents) > 1
        and document_margin < policy.ambiguous_margin
        and top_score >= policy.clarify_min_score
    ):
        titles = tuple(_title(considered, document_id) for document_id, _ in documents[:2])
        return replace(
            base,
            clarify=True,
            reason=f"vague question: {titles[0]!r} and {titles[1]!r} are about equally close",
            competing_titles=titles,
        )
    unmatched_codes = _unmatched_codes(terms, every_key)
    if unmatched_codes:
        return replace(
            base, reason=f"{', '.join(unmatched_codes)} appears in no passage; {summary}"
        )
    if score < policy.threshold:
        missing = base.missing_terms
        missing_note = f"; not found: {', '.join(missing[:6])}" if missing else ""
        return replace(base, reason=f"{summary} is below {policy.threshold}{missing_note}")
    return replace(
        base,
        answerable=True,
        reason=f"{summary} reaches {policy.threshold}",
        relevant=_relevant(considered, terms, keys, policy),
    )


def _declined(terms: tuple[Term, ...], reason: str) -> Grounding:
    return Grounding(
        answerable=False,
        clarify=False,
        reason=reason,
        score=0.0,
        top_score=0.0,
        coverage=0.0,
        passage_margin=0.0,
        document_margin=0.0,
        terms=terms,
        missing_terms=tuple(term.surface for term in terms),
    )


def _passage_keys(passage: RetrievedPassage) -> frozenset[str]:
    return text_keys(f"{passage.title}\n{passage.section}\n{passage.content}")


def _documents_by_score(passages: Sequence[RetrievedPassage]) -> list[tuple[uuid.UUID, float]]:
    """Each document with its best passage's score, best first."""
    best: dict[uuid.UUID, float] = {}
    for passage in passages:
        best[passage.document_id] = max(best.get(passage.document_id, -1.0), passage.score)
    return sorted(best.items(), key=lambda item: -item[1])


def _title(passages: Sequence[RetrievedPassage], document_id: uuid.UUID) -> str:
    return next(p.title for p in passages if p.document_id == document_id)


def _unmatched_codes(terms: Sequence[Term], keys: frozenset[str]) -> list[str]:
    """Codes of a question that is mostly about them, when no passage names any of them.

    A long message that mentions a version in passing ("on ubuntu 22.04 ...") is not refused
    for it: only when the codes carry at least half the question's weight."""
    codes = [term for term in terms if term.exact]
    if not codes or any(term.key in keys for term in codes):
        return []
    total = sum(term.weight for term in terms)
    if sum(term.weight for term in codes) * 2 < total:
        return []
    return [term.surface.upper() for term in codes]


def _relevant(
    passages: Sequence[RetrievedPassage],
    terms: Sequence[Term],
    keys: dict[uuid.UUID, frozenset[str]],
    policy: GroundingPolicy,
) -> tuple[RetrievedPassage, ...]:
    """The passages to answer from: close to the top score and sharing key terms, ranked by
    score plus coverage (the same blend as the judge), at most ``answer_passages``."""
    top = max(passage.score for passage in passages)

    def merit(passage: RetrievedPassage) -> float:
        return passage.score + policy.coverage_weight * weighted_coverage(
            terms, keys[passage.chunk_id]
        )

    ranked = sorted(passages, key=merit, reverse=True)
    chosen = [ranked[0]]
    for passage in ranked[1:]:
        if len(chosen) >= policy.answer_passages:
            break
        if top - passage.score <= policy.answer_score_window and (
            weighted_coverage(terms, keys[passage.chunk_id]) > 0
        ):
            chosen.append(passage)
    return tuple(chosen)
