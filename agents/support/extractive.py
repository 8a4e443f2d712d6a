"""The keyless responder: answer with the help center's own sentences, cited.

No generative model ships offline, so instead of writing an answer this picks the two to four
sentences of the relevant passages that share the most key terms with the question, keeps
their original wording, groups them by passage and cites each group ``[n]``. A numbered
procedure is kept whole, in order: half a procedure is worse than none. Sentences that
address an assistant ("ignore previous instructions", "reveal your system prompt") are never
quoted, whatever their overlap: passages are data, and repeating an injected instruction would
look like obeying it.

The result streams word by word, so the visitor sees the same typing effect as with a model.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from agents.knowledge.retrieval import RetrievedPassage
from agents.support.prompts import EXTRACTIVE_LEAD
from agents.support.terms import key_terms, text_keys, weighted_coverage
from agents.support.turn import Citation, TokenSink

EXTRACTIVE_MODEL = "extractive-v1"
MIN_UNITS = 2
MAX_UNITS = 4
PROCEDURE_COST = 2  # a whole numbered procedure counts as two sentences against MAX_UNITS
MAX_PROCEDURE_STEPS = 8
RELATIVE_FLOOR = 0.4  # a sentence must score at least this share of the best one
PASSAGE_BONUS = 0.05  # earlier (more relevant) passages win ties
POSITION_BONUS = 0.03  # earlier sentences of a passage win ties
# A sentence that only repeats the question's words (an error message the visitor quoted)
# tells them nothing new: its score is scaled by the share of its own words that are new.
NOVELTY_WEIGHT = 0.5
PROCEDURE_MATCH = 1.1  # "how do I ...": a procedure is the answer
PROCEDURE_MISMATCH = 0.6

_LIST_ITEM = re.compile(r"^\s*(?:(\d{1,2})[.)]|[-*\u2022])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[\u201c])")
_ADMONITION = re.compile(r"\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*", re.IGNORECASE)
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
# Comments and common inline HTML; not every <word>, since help centers write placeholders
# such as "<port>" or "<username>" that the visitor needs to see.
_HTML = re.compile(
    r"<!--.*?-->|</?(?:a|b|i|u|em|strong|span|div|p|br|img|sup|sub|small|code|kbd)\b[^>]*>",
    re.DOTALL | re.IGNORECASE,
)
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_INSTRUCTION_TO_ASSISTANT = re.compile(
    r"\b(?:ignore|disregard|forget)\b.{0,40}\b(?:instructions?|prompts?|rules)\b|"
    r"\bsystem prompt\b|\byou are now\b|\bas an ai\b|\b(?:assistant|chatbot|ai model)s?\b.{0,30}"
    r"\b(?:must|should|reveal|print|repeat)\b",
    re.IGNORECASE,
)
_PROCEDURAL = re.compile(
    r"^\s*how (?:do|can|should|to)\b|\b(?:steps?|fix|solve|resolve|troubleshoot|set up)\b|"
    r"\bwhat (?:else )?(?:can|should|do) i (?:do|try)\b|\bwhat now\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ExtractiveAnswer:
    text: str
    citations: list[Citation]
    sentences: int  # how many sentences or list items were quoted


@dataclass(frozen=True)
class _Unit:
    """A sentence, or a whole numbered procedure, of one passage."""

    passage_index: int
    position: int  # order within the passage
    text: str
    procedure: bool = False

    @property
    def cost(self) -> int:
        return PROCEDURE_COST if self.procedure else 1


def compose_answer(question: str, passages: Sequence[RetrievedPassage]) -> ExtractiveAnswer | None:
    """The cited extract answering ``question`` from ``passages`` (most relevant first), or
    ``None`` when no sentence shares a key term with the question."""
    terms = key_terms(question)
    question_keys = frozenset(term.key for term in terms)
    procedural = _PROCEDURAL.search(question) is not None
    scored: list[tuple[float, _Unit]] = []
    for index, passage in enumerate(passages):
        units = _units(index, passage.content)
        for unit in units:
            coverage = weighted_coverage(terms, text_keys(unit.text))
            if coverage <= 0:
                continue
            if unit.procedure:
                # A long procedure covers many words by its length alone.
                coverage *= PROCEDURE_MATCH if procedural else PROCEDURE_MISMATCH
            score = (
                coverage * (1 - NOVELTY_WEIGHT + NOVELTY_WEIGHT * _novelty(unit, question_keys))
                + PASSAGE_BONUS / (index + 1)
                + POSITION_BONUS * (1 - unit.position / max(len(units), 1))
            )
            scored.append((score, unit))
    if not scored:
        return None
    chosen = _choose(scored)
    return _render(chosen, passages)


async def stream_text(text: str, on_token: TokenSink) -> None:
    """Send ``text`` to the visitor a word at a time (with the whitespace after each word)."""
    for piece in re.findall(r"\S+\s*|\s+", text):
        await on_token(piece)


def clean(text: str) -> str:
    """Passage text as a visitor should read it: no HTML, link syntax or admonition tags."""
    text = _HTML.sub("", text)
    text = _MARKDOWN_LINK.sub(lambda match: match.group(1), text)
    text = _ADMONITION.sub("", text)
    text = _EMPHASIS.sub(lambda match: match.group(2), text)
    return " ".join(text.split())


def _units(passage_index: int, content: str) -> list[_Unit]:
    """Split a passage into sentences and numbered procedures, in reading order. Bulleted
    items stay single units (each is usually a fact of its own)."""
    units: list[_Unit] = []
    steps: list[str] = []

    def flush_steps() -> None:
        if steps:
            numbered = [f"{number}. {step}" for number, step in enumerate(steps, start=1)]
            units.append(
                _Unit(passage_index, len(units), "\n".join(numbered[:MAX_PROCEDURE_STEPS]), True)
            )
            steps.clear()

    for block in _blocks(content):
        item = _LIST_ITEM.match(block)
        if item is not None and item.group(1) is not None:
            steps.append(clean(block[item.end() :]))
            continue
        flush_steps()
        if item is not None:
            text = clean(block[item.end() :])
            if text and not _INSTRUCTION_TO_ASSISTANT.search(text):
                units.append(_Unit(passage_index, len(units), text))
            continue
        if block.lstrip().startswith("#"):
            continue  # a heading: the section path already says it
        for sentence in _SENTENCE_END.split(clean(block)):
            if sentence and not _INSTRUCTION_TO_ASSISTANT.search(sentence):
                units.append(_Unit(passage_index, len(units), sentence))
    flush_steps()
    # A procedure that contains an injected step is dropped whole.
    return [
        unit
        for unit in units
        if not (unit.procedure and _INSTRUCTION_TO_ASSISTANT.search(unit.text))
    ]


def _novelty(unit: _Unit, question_keys: frozenset[str]) -> float:
    """The share of the unit's key terms the question does not already contain."""
    own = {term.key for term in key_terms(unit.text)}
    return len(own - question_keys) / len(own) if own else 0.0


def _blocks(content: str) -> list[str]:
    """Lines grouped into paragraphs, except that each list item is a block of its own (its
    wrapped continuation lines included)."""
    blocks: list[str] = []
    for line in content.splitlines():
        if not line.strip():
            blocks.append("")
        elif _LIST_ITEM.match(line) or not blocks or not blocks[-1]:
            blocks.append(line.strip())
        else:
            blocks[-1] = f"{blocks[-1]} {line.strip()}"
    return [block for block in blocks if block]


def _choose(scored: list[tuple[float, _Unit]]) -> list[_Unit]:
    ranked = sorted(scored, key=lambda item: -item[0])
    best = ranked[0][0]
    chosen: list[_Unit] = []
    budget = MAX_UNITS
    for score, unit in ranked:
        if unit.cost > budget:
            continue
        if chosen and score < best * RELATIVE_FLOOR and len(chosen) >= MIN_UNITS:
            break
        chosen.append(unit)
        budget -= unit.cost
        if budget <= 0:
            break
    return chosen


def _render(chosen: list[_Unit], passages: Sequence[RetrievedPassage]) -> ExtractiveAnswer:
    """Group the quoted units by passage (the passage of the best unit first), keep each
    passage's reading order, and cite each group with the next number."""
    order: list[int] = []
    for unit in chosen:
        if unit.passage_index not in order:
            order.append(unit.passage_index)
    paragraphs: list[str] = []
    citations: list[Citation] = []
    for number, passage_index in enumerate(order, start=1):
        units = sorted(
            (unit for unit in chosen if unit.passage_index == passage_index),
            key=lambda unit: unit.position,
        )
        paragraphs.append(f"{_join(units)} [{number}]")
        passage = passages[passage_index]
        citations.append(
            Citation(
                number=number,
                chunk_id=passage.chunk_id,
                document_id=passage.document_id,
                title=passage.title,
                section=passage.section,
                source_url=passage.source_url,
            )
        )
    text = EXTRACTIVE_LEAD + "\n\n" + "\n\n".join(paragraphs)
    return ExtractiveAnswer(text=text, citations=citations, sentences=len(chosen))


def _join(units: list[_Unit]) -> str:
    """Sentences run on; a procedure, or a line that is not a sentence (a heading-like line,
    an error message), stands on lines of its own."""
    text = units[0].text
    for previous, unit in itertools.pairwise(units):
        whole_lines = unit.procedure or previous.procedure or previous.text[-1:] not in ".!?"
        separator = "\n" if whole_lines else " "
        text = f"{text}{separator}{unit.text}"
    return text
