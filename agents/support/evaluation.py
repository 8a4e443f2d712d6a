"""How good one answer is against a labelled question: the figures a simulation (and the
benchmarks) report per case, computed from the answer alone.

    result = score(text, decision, cited_documents, cited_passages, labels)

- ``decided_right``: answered when the question is answerable, declined (handed off or asked
  to clarify) when it is not.
- ``facts_found`` / ``facts_total`` and ``all_facts``: the labelled key facts found in the
  answer text, after normalising both (lower case, whitespace collapsed, ``**`` and backticks
  dropped, the typographic apostrophe as ``'``, ``[n]`` markers dropped).
- ``right_article``: the first citation is one of the labelled articles (None when the labels
  name no article this knowledge base has).
- ``unsupported_sentences``: the answer's sentences whose content is not in the passages it
  cites. An extractive answer quotes, so each of its sentences must be found verbatim (after
  the same normalisation); a model writes its own words, so a sentence of a model answer
  counts as supported when the passages hold at least 80% of its key terms (``terms.py``).
  The fixed lead-in and a "read the full article" line are not sentences of the answer.

Pure: no I/O, so it is unit-tested on its own and the simulation activity and the benchmarks
share it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from agents.support.prompts import EXTRACTIVE_LEAD
from agents.support.reading import clean
from agents.support.terms import key_terms, text_keys, weighted_coverage
from agents.support.turn import Decision

# A model answer's sentence is supported when the cited passages hold this share of its key
# terms (by weight).
MODEL_SUPPORT_COVERAGE = 0.8

_MARKER = re.compile(r"\s*\[\d{1,3}\]")
_LIST_MARKER = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*\u2022])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_FULL_ARTICLE = re.compile(r"^\W*read the full article", re.IGNORECASE)


@dataclass(frozen=True)
class Labels:
    """What a labelled question says a right answer is."""

    answerable: bool
    articles: frozenset[uuid.UUID] = frozenset()  # the knowledge base's documents that answer
    facts: tuple[str, ...] = ()  # phrases a correct answer contains


@dataclass(frozen=True)
class Score:
    decided_right: bool
    facts_found: int
    facts_total: int
    all_facts: bool
    right_article: bool | None
    unsupported_sentences: list[str] = field(default_factory=list)


def score(
    text: str,
    decision: Decision,
    citations: Sequence[uuid.UUID],
    cited_passages: Sequence[str],
    labels: Labels,
    *,
    quoted: bool = True,
) -> Score:
    """Score one answer. ``citations`` are the cited documents in citation order,
    ``cited_passages`` the text of the cited passages; ``quoted`` is True for an extractive
    answer (sentences must be found verbatim) and False for a model's."""
    answered = decision is Decision.ANSWER
    answer = normalise(text)
    found = sum(1 for fact in labels.facts if normalise(fact) in answer) if answered else 0
    total = len(labels.facts)
    right_article: bool | None = None
    if labels.articles:
        right_article = answered and bool(citations) and citations[0] in labels.articles
    return Score(
        decided_right=answered == labels.answerable,
        facts_found=found,
        facts_total=total,
        all_facts=answered and labels.answerable and found == total,
        right_article=right_article,
        unsupported_sentences=(
            unsupported_sentences(text, cited_passages, quoted=quoted) if answered else []
        ),
    )


def normalise(text: str) -> str:
    """Lower case, ``**`` and backticks dropped, the typographic apostrophe as ``'``, ``[n]``
    markers dropped, whitespace collapsed."""
    text = _MARKER.sub("", text).replace("**", "").replace("`", "").replace("\u2019", "'")
    return " ".join(text.lower().split())


def answer_sentences(text: str) -> list[str]:
    """The sentences (and list items) of an answer, without the fixed lead-in, a "read the
    full article" line, list numbering and ``[n]`` markers."""
    body = text.strip()
    if body.startswith(EXTRACTIVE_LEAD):
        body = body[len(EXTRACTIVE_LEAD) :]
    sentences: list[str] = []
    for raw in body.splitlines():
        line = _MARKER.sub("", raw).strip()
        if not line or _FULL_ARTICLE.match(line) or line == "\u2026":  # a structure cut short
            continue
        item = _LIST_MARKER.sub("", line)
        sentences += [part.strip() for part in _SENTENCE_END.split(item) if part.strip()]
    return sentences


def unsupported_sentences(
    text: str, cited_passages: Sequence[str], *, quoted: bool = True
) -> list[str]:
    """The answer's sentences whose content the cited passages do not hold."""
    passages = [_plain(passage) for passage in cited_passages]
    if quoted:
        haystack = normalise(" ".join(passages))
        return [s for s in answer_sentences(text) if normalise(s) not in haystack]
    keys = text_keys(" ".join(passages))
    unsupported = []
    for sentence in answer_sentences(text):
        terms = key_terms(sentence)
        if terms and weighted_coverage(terms, keys) < MODEL_SUPPORT_COVERAGE:
            unsupported.append(sentence)
    return unsupported


def _plain(passage: str) -> str:
    """Passage text as an answer quotes it (``reading.clean``: no HTML, images, link syntax,
    attribute braces or emphasis markers; placeholders such as ``<port>`` kept), list
    numbering gone (a quoted procedure is
    numbered afresh)."""
    return "\n".join(_LIST_MARKER.sub("", clean(line)) for line in passage.splitlines())
