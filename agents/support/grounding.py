"""The keyless answerability judge: do the retrieved passages answer the question?

Raw cosine similarity alone does not separate answerable from unanswerable customer
questions: a question about a product the help center never covers ("can my board use the
Helium network?") lands close to passages about the neighbouring product, and a question
whose intent is covered can carry words the help center never uses (a city, a board
variant, a time of day). So a small model decides, fitted on labelled questions
(``bench/calibrate.py``, coefficients in ``answerability.json``): logistic regression over
features computed from the passages and the knowledge base's vocabulary (:data:`FEATURES`):

- ``top_score``: the best passage's cosine similarity (the embedding's opinion);
- ``document_margin``: how far the best document is ahead of the next one, capped;
- ``coverage``: the share of the question's key terms (``terms.py``), weighted by how rare
  they are in the knowledge base, found in the top passages; terms the knowledge base never
  uses are left out, so an incidental word cannot sink a question whose intent is covered;
- ``best_coverage``: the same, in the single best-covering passage (the intent in one place);
- ``unknown_share``: the weight of the question's terms the knowledge base never uses, as a
  share of all its terms' weight (a question mostly about something absent is not answered);
- ``agreement``: the share of the top passages that come from the best document;
- ``codes_missing``: the share of the question's codes and versions ("E-999") that no
  passage names, weighted by how much of the question they are;
- ``missing_rare``: how rare the rarest term is that the knowledge base knows but no passage
  contains (a question about its one mention of "PROFINET" is about that, not the rest);
- ``block_coverage``: the rarity-weighted coverage of the best single sentence or structure
  of the top passages (the answer has to be somewhere in one piece).

The model gives the probability that the passages answer the question. The turn answers when
it reaches the operating point: the calibrated default, or the organization's own ("answer
more" lowers it, "hand off more" raises it). The decision trail records the features, the
probability and the operating point. Before the model, one rule: a vague question (few key
terms) whose top documents are about equally close is answered with a clarifying question.
"""

from __future__ import annotations

import functools
import json
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

from agents.knowledge.retrieval import RetrievedPassage
from agents.support.reading import read_blocks
from agents.support.terms import Rarity, Term, key_terms, rare_coverage, text_keys

RELEVANCE_COVERAGE_WEIGHT = 0.3  # passages to answer from: score plus this much coverage


FEATURES = (
    "top_score",
    "document_margin",
    "coverage",
    "best_coverage",
    "unknown_share",
    "agreement",
    "codes_missing",
    "missing_rare",
    "block_coverage",
)
MODEL_FILE = "answerability.json"


@dataclass(frozen=True)
class AnswerabilityModel:
    """Logistic regression over :data:`FEATURES`: ``p = 1 / (1 + exp(-(w . x + b)))``."""

    version: str
    coefficients: tuple[float, ...]
    intercept: float
    operating_point: float  # the calibrated default: answer when p reaches it

    def probability(self, features: dict[str, float]) -> float:
        z = self.intercept + sum(
            weight * features[name]
            for weight, name in zip(self.coefficients, FEATURES, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(min(z, 60.0), -60.0)))

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> AnswerabilityModel:
        if tuple(document["features"]) != FEATURES:
            raise ValueError(
                f"{MODEL_FILE} was fitted on {document['features']}, the judge computes {FEATURES}"
            )
        return cls(
            version=str(document["version"]),
            coefficients=tuple(float(value) for value in document["coefficients"]),
            intercept=float(document["intercept"]),
            operating_point=float(document["operating_point"]),
        )


@functools.cache
def _fitted_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        resources.files("agents.support").joinpath(MODEL_FILE).read_text()
    )
    return document


@functools.cache
def fitted_model() -> AnswerabilityModel:
    """The coefficients shipped in the package (``answerability.json``), read once."""
    return AnswerabilityModel.from_document(_fitted_document())


def calibration_curve() -> list[dict[str, float]]:
    """What operating points mean on the held-out test questions: for each threshold, the
    share of answerable questions answered and of unanswerable ones declined."""
    return [
        {key: float(value) for key, value in point.items()}
        for point in _fitted_document().get("operating_points", [])
    ]


@dataclass(frozen=True)
class GroundingPolicy:
    """How the judge reads the passages; the model and its operating point come from
    ``answerability.json`` unless given."""

    model: AnswerabilityModel | None = None  # None: the fitted model
    margin_cap: float = 0.15
    passages_considered: int = 5
    # Clarify instead of answering: few key terms, and the top documents about equally close.
    vague_max_terms: int = 2
    ambiguous_margin: float = 0.05
    clarify_min_score: float = 0.35  # below this nothing is close enough to ask about
    # Passages to answer from: at most this many, each within this much of the top score.
    answer_passages: int = 3
    answer_score_window: float = 0.12

    @property
    def answerability(self) -> AnswerabilityModel:
        return self.model or fitted_model()


@dataclass(frozen=True)
class Grounding:
    answerable: bool
    clarify: bool  # vague and ambiguous: ask which topic is meant
    reason: str
    probability: float  # the model's probability that the passages answer the question
    operating_point: float  # answered when probability reaches this
    features: dict[str, float]
    terms: tuple[Term, ...]
    missing_terms: tuple[str, ...]  # key terms found in no considered passage
    unknown_terms: tuple[str, ...] = ()  # key terms the knowledge base never uses
    model_version: str = ""
    relevant: tuple[RetrievedPassage, ...] = ()  # to answer from, most relevant first
    competing_titles: tuple[str, ...] = field(default=())  # for a clarifying question

    def figures(self) -> dict[str, Any]:
        """The numbers behind the decision, for the decision trail."""
        return {
            "answerable": self.answerable,
            "clarify": self.clarify,
            "score": round(self.probability, 4),
            "operating_point": round(self.operating_point, 4),
            **{name: round(value, 4) for name, value in self.features.items()},
            "model": self.model_version,
            "terms": [term.surface for term in self.terms],
            "missing_terms": list(self.missing_terms),
            "unknown_terms": list(self.unknown_terms),
            "relevant_chunk_ids": [str(passage.chunk_id) for passage in self.relevant],
        }


def assess(
    question: str,
    passages: Sequence[RetrievedPassage],
    policy: GroundingPolicy | None = None,
    *,
    rarity: Rarity | None = None,
    operating_point: float | None = None,
) -> Grounding:
    """Judge whether ``passages`` (as retrieved, best first) answer ``question``.

    ``rarity`` is the knowledge base's vocabulary (without it every term weighs the same and
    counts as known); ``operating_point`` overrides the calibrated one."""
    policy = policy or GroundingPolicy()
    rarity = rarity or Rarity()
    model = policy.answerability
    point = model.operating_point if operating_point is None else operating_point
    terms = tuple(key_terms(question))
    considered = list(passages[: policy.passages_considered])
    unknown = tuple(term.surface for term in terms if not rarity.known(term))
    if not terms:
        return replace(
            _declined(terms, "the message has no key terms", point, model.version), clarify=True
        )
    if not considered:
        return _declined(terms, "no passage was retrieved", point, model.version)
    keys = {passage.chunk_id: _passage_keys(passage) for passage in considered}
    every_key = frozenset().union(*keys.values())
    documents = _documents_by_score(considered)
    top_score = max(passage.score for passage in considered)
    document_margin = documents[0][1] - documents[1][1] if len(documents) > 1 else top_score
    features = {
        "top_score": top_score,
        "document_margin": min(max(document_margin, 0.0), policy.margin_cap),
        "coverage": rare_coverage(terms, every_key, rarity),
        "best_coverage": max(
            rare_coverage(terms, keys[passage.chunk_id], rarity) for passage in considered[:3]
        ),
        "unknown_share": _unknown_share(terms, rarity),
        "agreement": sum(p.document_id == documents[0][0] for p in considered) / len(considered),
        "codes_missing": _codes_missing(terms, every_key),
        "missing_rare": _missing_rare(terms, every_key, rarity),
        "block_coverage": max(
            (
                rare_coverage(terms, text_keys(block.plain), rarity)
                for passage in considered[:3]
                for block in read_blocks(passage.content)
            ),
            default=0.0,
        ),
    }
    probability = model.probability(features)
    base = Grounding(
        answerable=False,
        clarify=False,
        reason="",
        probability=probability,
        operating_point=point,
        features=features,
        terms=terms,
        missing_terms=tuple(term.surface for term in terms if term.key not in every_key),
        unknown_terms=unknown,
        model_version=model.version,
    )
    summary = (
        f"p {probability:.2f} (top {top_score:.2f}, coverage {features['coverage']:.2f}, "
        f"unknown {features['unknown_share']:.2f}, document margin {document_margin:.2f})"
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
    if probability < point:
        missing = base.missing_terms
        missing_note = f"; not found: {', '.join(missing[:6])}" if missing else ""
        return replace(
            base, reason=f"{summary} is below the operating point {point:.2f}{missing_note}"
        )
    return replace(
        base,
        answerable=True,
        reason=f"{summary} reaches the operating point {point:.2f}",
        relevant=_relevant(considered, terms, keys, policy, rarity),
    )


def _declined(
    terms: tuple[Term, ...], reason: str, operating_point: float, version: str
) -> Grounding:
    return Grounding(
        answerable=False,
        clarify=False,
        reason=reason,
        probability=0.0,
        operating_point=operating_point,
        features={},
        terms=terms,
        missing_terms=tuple(term.surface for term in terms),
        model_version=version,
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


def _unknown_share(terms: Sequence[Term], rarity: Rarity) -> float:
    """The share of the question's weight in terms the knowledge base never uses."""
    total = sum(rarity.weight(term) for term in terms)
    unknown = sum(rarity.weight(term) for term in terms if not rarity.known(term))
    return unknown / total if total else 0.0


def _missing_rare(terms: Sequence[Term], keys: frozenset[str], rarity: Rarity) -> float:
    """How rare the rarest known term is that no passage contains, 0..1 (1: a term the
    knowledge base uses once; 0: every known term is found)."""
    ceiling = math.log(1 + max(rarity.chunks, 1))
    missing = [rarity.idf(term) for term in terms if rarity.known(term) and term.key not in keys]
    return min(max(missing, default=0.0) / ceiling, 1.0) if rarity.chunks else 0.0


def _codes_missing(terms: Sequence[Term], keys: frozenset[str]) -> float:
    """How much of the question is codes that no passage names: the missing codes' share
    of the question's weight, 0 when every code is found."""
    total = sum(term.weight for term in terms)
    missing = sum(term.weight for term in terms if term.exact and term.key not in keys)
    return missing / total if total else 0.0


def _relevant(
    passages: Sequence[RetrievedPassage],
    terms: Sequence[Term],
    keys: dict[uuid.UUID, frozenset[str]],
    policy: GroundingPolicy,
    rarity: Rarity,
) -> tuple[RetrievedPassage, ...]:
    """The passages to answer from: close to the top score and sharing key terms, ranked by
    score plus coverage (the same blend as the judge), at most ``answer_passages``."""
    top = max(passage.score for passage in passages)

    def merit(passage: RetrievedPassage) -> float:
        return passage.score + RELEVANCE_COVERAGE_WEIGHT * rare_coverage(
            terms, keys[passage.chunk_id], rarity
        )

    ranked = sorted(passages, key=merit, reverse=True)
    chosen = [ranked[0]]
    for passage in ranked[1:]:
        if len(chosen) >= policy.answer_passages:
            break
        if top - passage.score <= policy.answer_score_window and (
            rare_coverage(terms, keys[passage.chunk_id], rarity) > 0
        ):
            chosen.append(passage)
    return tuple(chosen)
