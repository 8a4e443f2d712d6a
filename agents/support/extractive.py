"""The keyless responder: answer with what the help center says, whole, and cite it.

No generative model ships offline, so instead of writing an answer this quotes the part of the
relevant passages that answers the question, in the help center's own words:

1. Each passage is read back with its section's neighbouring chunks (a procedure the chunker
   cut is read whole) and split into blocks (``reading.py``): sentences, and the structures
   that must not be cut: a numbered procedure, a list or table, a sentence together with
   the list it introduces.
2. Every block is scored against the question: the cosine similarity of their embeddings
   (the model retrieval already runs), plus the share of the question's key terms it
   contains, weighted by how rare they are in the knowledge base. A sentence that only
   repeats the question's words (an error message the visitor quoted) tells them nothing
   new: its score is scaled by the share of its words that are new.
3. The best block is quoted; blocks nearly as good follow, within a length a chat widget
   can show; a structure is always quoted whole (up to ``MAX_STRUCTURE_ITEMS``).
4. Quotes are grouped by passage in reading order, each group cited ``[n]``, and a link to
   the full article closes the answer when the source has an address.

Nothing is stated that is not in the passages: the only words of its own are the fixed lead
and the link. Sentences that address an assistant are never quoted (``reading.py``).

The result streams word by word, so the visitor sees the same typing effect as with a model.
"""

from __future__ import annotations

import itertools
import math
import re
import uuid
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass

from agents.knowledge.retrieval import DocumentChunk, RetrievedPassage
from agents.support.prompts import EXTRACTIVE_LEAD, READ_MORE
from agents.support.reading import Block, Line, clean, merge_chunks, read_blocks
from agents.support.terms import Rarity, key_terms, rare_coverage, text_keys
from agents.support.turn import Citation, TokenSink

__all__ = ["EXTRACTIVE_MODEL", "ExtractiveAnswer", "clean", "compose_answer", "stream_text"]

EXTRACTIVE_MODEL = "extractive-v2"
SIMILARITY_WEIGHT = 1.0
COVERAGE_WEIGHT = 0.5
NOVELTY_WEIGHT = 0.5
DOCUMENT_BONUS = 0.04  # blocks of earlier (more relevant) documents win ties
RETRIEVED_BONUS = 0.05  # a block of a retrieved chunk, rather than its neighbours
SECTION_BONUS = 0.1  # a block of a retrieved chunk's section, rather than the rest
PROCEDURE_BONUS = 0.05  # "how do I ...": a procedure is the answer
STEPS_BONUS = 0.03  # of a list and a procedure equally close, the procedure
NEIGHBOUR_BONUS = 0.05  # the sentence after a quoted one reads on from it
RELATIVE_FLOOR = 0.85  # a further block must score at least this share of the best one
ANCHOR_MARGIN = 0.15  # another article is quoted only when this much better
MAX_BLOCKS = 6
STRUCTURE_FLOOR = 0.9  # a structure this close to the best sentence is quoted too
WINDOW_WORDS = 120  # what follows the best block in its section is quoted up to this length
MIN_WORDS = 60  # below this, blocks down to SHORT_FLOOR are added: one sentence is rarely enough
SHORT_FLOOR = 0.5
MAX_WORDS = 250  # further blocks stop here; the best block is quoted whatever its length
READ_ACROSS_SECTIONS = False  # reading on from the best block may go into the next section
MAX_EMBEDDED = 48  # blocks embedded per answer, the best by key terms first

# Embeds texts as unit vectors (the retriever's model); None: key terms alone decide.
Embed = Callable[[Sequence[str]], Awaitable[list[list[float]]]]

_PROCEDURAL = re.compile(
    r"\bhow (?:do|can|should|to)\b|\b(?:steps?|fix|solve|resolve|troubleshoot|set up)\b|"
    r"\bwhat (?:else )?(?:can|should|do) i (?:do|try)\b|\bwhat now\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ExtractiveAnswer:
    text: str  # without the lead, which is streamed before the answer is composed
    citations: list[Citation]
    sentences: int  # how many blocks were quoted
    structures: int  # of which numbered procedures, lists or tables


@dataclass(frozen=True)
class _Candidate:
    document_index: int  # the document's place among the passages it was chosen from
    document_id: uuid.UUID
    block: Block
    score: float


async def compose_answer(
    question: str,
    passages: Sequence[RetrievedPassage],
    *,
    documents: Mapping[uuid.UUID, Sequence[DocumentChunk]] | None = None,
    rarity: Rarity | None = None,
    embed: Embed | None = None,
    also: Sequence[tuple[str, Sequence[RetrievedPassage]]] = (),
) -> ExtractiveAnswer | None:
    """The cited extract answering ``question`` from ``passages`` (most relevant first), or
    ``None`` when nothing in them can be quoted.

    ``documents`` holds the chunks of the passages' documents (each read whole when given,
    else the passages alone); ``rarity`` weighs the question's terms; ``embed`` scores by
    meaning. ``also`` holds the further questions of the same message, each with its own
    passages: each is answered in its turn, the length shared between them."""
    asked = [(question, passages), *also]
    share = 1.0 / len(asked)
    chosen: list[_Candidate] = []
    chunks: dict[uuid.UUID, DocumentChunk] = {}
    for number, (part, part_passages) in enumerate(asked):
        picked = await _select(
            part, part_passages, documents, rarity or Rarity(), embed, share, chunks
        )
        if number == 0 and not picked:
            return None
        chosen.extend(c for c in picked if not _repeats(c, chosen))
    every_passage = [passage for _, part_passages in asked for passage in part_passages]
    return _render(chosen, chunks, every_passage)


async def _select(
    question: str,
    passages: Sequence[RetrievedPassage],
    documents: Mapping[uuid.UUID, Sequence[DocumentChunk]] | None,
    rarity: Rarity,
    embed: Embed | None,
    share: float,
    chunks: dict[uuid.UUID, DocumentChunk],
) -> list[_Candidate]:
    """The blocks that answer ``question``, within ``share`` of the answer's length; the
    chunks they were read from are added to ``chunks``."""
    retrieved = {passage.chunk_id for passage in passages}
    retrieved_sections = {(passage.document_id, passage.section) for passage in passages}
    order = list(dict.fromkeys(passage.document_id for passage in passages))
    sections: set[uuid.UUID] = set()  # chunks of a retrieved passage's section
    blocks: list[tuple[int, Block]] = []
    for index, document_id in enumerate(order):
        own = list((documents or {}).get(document_id) or ())
        if not own:
            own = [
                DocumentChunk(p.chunk_id, p.ordinal, p.section, p.content)
                for p in passages
                if p.document_id == document_id
            ]
        chunks.update((chunk.chunk_id, chunk) for chunk in own)
        sections.update(
            chunk.chunk_id for chunk in own if (document_id, chunk.section) in retrieved_sections
        )
        blocks.extend((index, block) for block in read_blocks(_article_lines(own)))
    if not blocks:
        return []
    terms = key_terms(question)
    question_keys = frozenset(term.key for term in terms)
    lexical = [rare_coverage(terms, text_keys(_scored(block)), rarity) for _, block in blocks]
    similarity = await _similarities(question, [block for _, block in blocks], lexical, embed)
    if max(lexical) <= 0 and max(similarity) <= 0:
        return []  # nothing in the passages shares a word or a meaning with the question
    procedural = _PROCEDURAL.search(question) is not None
    candidates = [
        _Candidate(
            index,
            order[index],
            block,
            (SIMILARITY_WEIGHT * similarity[position] + COVERAGE_WEIGHT * lexical[position])
            * _novelty(block, question_keys)
            + DOCUMENT_BONUS / (index + 1)
            + (RETRIEVED_BONUS if retrieved.intersection(block.sources) else 0.0)
            + (SECTION_BONUS if sections.intersection(block.sources) else 0.0)
            + (PROCEDURE_BONUS if procedural and block.kind == "steps" else 0.0)
            + (STEPS_BONUS if block.kind == "steps" else 0.0),
        )
        for position, (index, block) in enumerate(blocks)
    ]
    return _choose(_anchored(candidates), share)


def _article_lines(chunks: Sequence[DocumentChunk]) -> list[Line]:
    """A document's chunks as one run of lines: neighbouring chunks of a section merged
    without the lines the chunker repeated, sections apart."""
    lines: list[Line] = []
    run: list[DocumentChunk] = []
    for chunk in [*sorted(chunks, key=lambda chunk: chunk.ordinal), None]:
        if run and (
            chunk is None
            or chunk.section != run[-1].section
            or chunk.ordinal != run[-1].ordinal + 1
        ):
            if lines or run[0].section:
                # A new section ends any paragraph or structure; its heading is read with it.
                lines.append((f"# {run[0].section}", run[0].chunk_id))
            lines.extend(merge_chunks([(c.chunk_id, c.content) for c in run]))
            run = []
        if chunk is not None:
            run.append(chunk)
    return lines


async def stream_text(text: str, on_token: TokenSink) -> None:
    """Send ``text`` to the visitor a word at a time (with the whitespace after each word)."""
    for piece in re.findall(r"\S+\s*|\s+", text):
        await on_token(piece)


def lead() -> str:
    """What the answer opens with, streamed as soon as the judge has decided to answer."""
    return EXTRACTIVE_LEAD + "\n\n"


async def _similarities(
    question: str, blocks: Sequence[Block], lexical: Sequence[float], embed: Embed | None
) -> list[float]:
    """Cosine similarity of the question and each block; the blocks with the fewest key
    terms beyond ``MAX_EMBEDDED`` (and every block without ``embed``) get 0."""
    similarity = [0.0] * len(blocks)
    if embed is None:
        return similarity
    order = sorted(range(len(blocks)), key=lambda position: -lexical[position])[:MAX_EMBEDDED]
    vectors = await embed([question, *(_scored(blocks[position]) for position in order)])
    query = vectors[0]
    for position, vector in zip(order, vectors[1:], strict=True):
        similarity[position] = _cosine(query, vector)
    return similarity


def _scored(block: Block) -> str:
    """What a block is scored by: its words under its section's heading, which often names
    the case it answers ("Blinking at 1Hz", "Windows")."""
    return f"{block.heading}: {block.plain}" if block.heading else block.plain


def _cosine(left: Sequence[float], right: Sequence[float]) -> float:
    dot = sum(a * b for a, b in zip(left, right, strict=True))
    norm = math.sqrt(sum(a * a for a in left)) * math.sqrt(sum(b * b for b in right))
    return dot / norm if norm else 0.0


def _novelty(block: Block, question_keys: frozenset[str]) -> float:
    """1 for a block whose key terms are all new to the question, down to 1 - NOVELTY_WEIGHT
    for one that only repeats the question."""
    own = {term.key for term in key_terms(block.plain)}
    new = len(own - question_keys) / len(own) if own else 0.0
    return 1 - NOVELTY_WEIGHT + NOVELTY_WEIGHT * new


def _anchored(candidates: list[_Candidate]) -> list[_Candidate]:
    """The blocks of the most relevant passage's document, unless another document has a
    block clearly better than all of them: an answer quotes one article where it can."""
    own = [c for c in candidates if c.document_index == 0]
    others = [c for c in candidates if c.document_index != 0]
    if not own:
        return candidates
    best_own = max(c.score for c in own)
    if others and max(c.score for c in others) > best_own + ANCHOR_MARGIN:
        return candidates
    return own


def _choose(candidates: list[_Candidate], share: float = 1.0) -> list[_Candidate]:
    """The best block and what reads on from it, then blocks nearly as good, within
    ``share`` of the answer's length."""
    window, least, most = WINDOW_WORDS * share, MIN_WORDS * share, MAX_WORDS * share
    ranked = sorted(candidates, key=lambda candidate: -candidate.score)
    best = ranked[0]
    if best.score <= 0:
        return []
    chosen = [best]
    words = best.block.words
    following = _next_block(candidates, best)
    # What follows the best match in its section is usually the answer to it: a problem
    # described, then its fix. "... is suggested below:" means nothing without it.
    # A procedure, list or table nearly as close as the best sentence is quoted with it,
    # whatever its length: it is more often the answer than the sentence is.
    structure = next(
        (c for c in ranked[1:] if c.block.structure and c.score >= best.score * STRUCTURE_FLOOR),
        None,
    )
    if not best.block.structure and structure is not None:
        chosen.append(structure)
        words += structure.block.words
    for candidate in _read_on(candidates, best):
        if candidate in chosen:
            continue
        if words >= window and not best.block.text.endswith(":"):
            break
        if len(chosen) > 1 and words + candidate.block.words > most:
            break
        chosen.append(candidate)
        words += candidate.block.words
    for candidate in ranked[1:]:
        if len(chosen) >= MAX_BLOCKS:
            break
        if candidate in chosen:
            continue
        bonus = NEIGHBOUR_BONUS if candidate is following else 0.0
        if candidate.score + bonus < best.score * RELATIVE_FLOOR and words >= least:
            continue
        if candidate.score < best.score * SHORT_FLOOR:
            continue
        if words + candidate.block.words > most or _repeats(candidate, chosen):
            continue
        chosen.append(candidate)
        words += candidate.block.words
    return chosen


def _read_on(candidates: Sequence[_Candidate], of: _Candidate) -> list[_Candidate]:
    """The blocks after ``of`` in its section (or its document, with ``READ_ACROSS_SECTIONS``),
    in reading order."""
    return sorted(
        (
            c
            for c in candidates
            if c.document_index == of.document_index
            and (READ_ACROSS_SECTIONS or c.block.part == of.block.part)
            and c.block.position > of.block.position
        ),
        key=lambda c: c.block.position,
    )


def _next_block(candidates: Sequence[_Candidate], of: _Candidate) -> _Candidate | None:
    """The block right after a sentence, in the same passage."""
    if of.block.structure:
        return None
    for candidate in candidates:
        if (
            candidate.document_index == of.document_index
            and candidate.block.position == of.block.position + 1
        ):
            return candidate
    return None


def _repeats(candidate: _Candidate, chosen: Sequence[_Candidate]) -> bool:
    """Neighbouring passages share text: a block already quoted is not quoted twice."""
    return any(
        candidate.block.plain in other.block.plain or other.block.plain in candidate.block.plain
        for other in chosen
    )


def _render(
    chosen: list[_Candidate],
    chunks: Mapping[uuid.UUID, DocumentChunk],
    passages: Sequence[RetrievedPassage],
) -> ExtractiveAnswer:
    """Group the quoted blocks by document (the document of the best block first), keep
    each document's reading order, and cite each group with the chunks its text came from."""
    order = list(dict.fromkeys(candidate.document_id for candidate in chosen))
    by_document: dict[uuid.UUID, RetrievedPassage] = {}
    for passage in passages:
        by_document.setdefault(passage.document_id, passage)
    paragraphs: list[str] = []
    citations: list[Citation] = []
    numbers: dict[Hashable, int] = {}
    for document_id in order:
        blocks = sorted(
            (c.block for c in chosen if c.document_id == document_id),
            key=lambda block: block.position,
        )
        passage = by_document[document_id]
        sources = list(dict.fromkeys(s for block in blocks for s in block.sources)) or [
            passage.chunk_id
        ]
        for source in sources:
            if source in numbers:
                continue
            numbers[source] = len(numbers) + 1
            chunk = chunks.get(source) if isinstance(source, uuid.UUID) else None
            citations.append(
                Citation(
                    number=numbers[source],
                    chunk_id=chunk.chunk_id if chunk else passage.chunk_id,
                    document_id=passage.document_id,
                    title=passage.title,
                    section=chunk.section if chunk else passage.section,
                    source_url=passage.source_url,
                )
            )
        marks = "".join(f"[{numbers[source]}]" for source in sources)
        paragraphs.append(f"{_join(blocks)} {marks}")
    source_url = by_document[order[0]].source_url
    if source_url:
        paragraphs.append(READ_MORE.format(url=source_url))
    return ExtractiveAnswer(
        text="\n\n".join(paragraphs),
        citations=citations,
        sentences=len(chosen),
        structures=sum(candidate.block.structure for candidate in chosen),
    )


def _join(blocks: list[Block]) -> str:
    """Sentences of one paragraph run on; a structure, or a new paragraph, starts on a line
    of its own."""
    text = _headed(blocks[0], None)
    for previous, block in itertools.pairwise(blocks):
        same_paragraph = (
            not previous.structure
            and not block.structure
            and previous.paragraph == block.paragraph
            and previous.text[-1:] in ".!?"
        )
        text = f"{text}{' ' if same_paragraph else chr(10) * 2}{_headed(block, previous)}"
    return text


def _headed(block: Block, previous: Block | None) -> str:
    """A block under its section's heading, when it is the first quoted from that section."""
    if not block.heading or (previous is not None and previous.part == block.part):
        return block.text
    return f"**{block.heading}**\n{block.text}"
