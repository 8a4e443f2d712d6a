"""Cutting an extracted document into chunks the embedding model can take whole.

A chunk is what retrieval returns and what an answer cites, so it should be one coherent
passage: text from different top-level sections is never mixed, small neighbouring sections
under the same heading are packed together (one tiny chunk per FAQ entry retrieves badly),
and long sections are cut at the largest boundary that works (paragraph, then line, then
sentence, then word). Consecutive chunks of one section share a few sentences, so a fact
that straddles a cut is still found whole in one of them.

Token counts come from ``count_tokens`` (in production the embedding model's tokenizer):
every chunk's count is measured on its final text, never estimated, so ``max_tokens`` holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from agents.knowledge.documents import Chunk, ExtractedDocument, Section

HEADING_ALLOWANCE = 32  # tokens for the title and section path embedded with each chunk


@dataclass(frozen=True)
class ChunkSizes:
    target_tokens: int
    max_tokens: int
    overlap_tokens: int


def sizes_for(max_input_tokens: int) -> ChunkSizes:
    """Chunk sizes a model reads whole, heading included: about 350 tokens where the model
    allows it (OpenAI), less for small encoders (MiniLM reads 256)."""
    max_tokens = min(450, max_input_tokens - HEADING_ALLOWANCE)
    target = min(350, int(max_tokens * 0.8))
    return ChunkSizes(target_tokens=target, max_tokens=max_tokens, overlap_tokens=target // 5)


def chunk_document(
    document: ExtractedDocument,
    count_tokens: Callable[[str], int],
    *,
    target_tokens: int = 350,
    max_tokens: int = 450,
    overlap_tokens: int = 50,
) -> list[Chunk]:
    """The document's chunks in reading order, numbered from 0. Deterministic: the same
    document and tokenizer always give the same chunks, so re-ingestion changes nothing."""
    if not 0 < target_tokens <= max_tokens:
        raise ValueError("chunk sizes need 0 < target_tokens <= max_tokens")
    if not 0 <= overlap_tokens < target_tokens:
        raise ValueError("chunk overlap needs 0 <= overlap_tokens < target_tokens")
    splitter = _SectionSplitter(count_tokens, target_tokens, max_tokens, overlap_tokens)
    chunks: list[Chunk] = []
    for path, text in _packed_sections(document.sections, count_tokens, target_tokens):
        for content in splitter.split(text):
            chunks.append(
                Chunk(
                    ordinal=len(chunks),
                    content=content,
                    title=document.title,
                    section=" > ".join(path),
                    token_count=count_tokens(content),
                )
            )
    return chunks


# --- Packing small sections -----------------------------------------------------------------


def _packed_sections(
    sections: list[Section], count_tokens: Callable[[str], int], target_tokens: int
) -> Iterator[tuple[tuple[str, ...], str]]:
    """Consecutive sections sharing their top-level heading, while together they fit the
    target. The packed text names each sub-section, since the chunk's section is only their
    common heading path."""
    group: list[Section] = []
    for section in sections:
        if not section.text.strip():
            continue
        if group and group[0].heading_path[:1] == section.heading_path[:1]:
            candidate = [*group, section]
            if count_tokens(_packed_text(candidate)[1]) <= target_tokens:
                group = candidate
                continue
        if group:
            yield _packed_text(group)
        group = [section]
    if group:
        yield _packed_text(group)


def _packed_text(group: list[Section]) -> tuple[tuple[str, ...], str]:
    if len(group) == 1:
        return group[0].heading_path, group[0].text.strip()
    common = _common_prefix([section.heading_path for section in group])
    parts: list[str] = []
    for section in group:
        relative = " > ".join(section.heading_path[len(common) :])
        parts.extend([relative, section.text.strip()] if relative else [section.text.strip()])
    return common, "\n\n".join(parts)


def _common_prefix(paths: list[tuple[str, ...]]) -> tuple[str, ...]:
    prefix = paths[0]
    for path in paths[1:]:
        length = 0
        while length < min(len(prefix), len(path)) and prefix[length] == path[length]:
            length += 1
        prefix = prefix[:length]
    return prefix


# --- Splitting one section ------------------------------------------------------------------


@dataclass(frozen=True)
class _Segment:
    """A sentence (or, for a monster sentence, a run of words): the unit of overlap.
    ``separator`` is the whitespace that joined it to the text before it."""

    separator: str
    text: str
    tokens: int


# Paragraphs, lines, sentences, words: the boundaries a section is cut at, best first.
_PARAGRAPH, _LINE, _SENTENCE, _WORD = range(4)
_SEPARATORS = ("\n\n", "\n", " ", " ")
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*\s+|[\u3002\uff01\uff1f]+\s*")


def _pieces(text: str, level: int) -> list[str]:
    if level == _PARAGRAPH:
        parts = re.split(r"\n[ \t]*\n", text)
    elif level == _LINE:
        parts = text.split("\n")
    elif level == _SENTENCE:
        parts = _sentences(text)
    else:
        parts = text.split()
    return [part.strip() for part in parts if part.strip()]


def _sentences(text: str) -> list[str]:
    """Cut after sentence punctuation unless a lowercase letter follows ("e.g. the")."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.end() < len(text) and text[match.end()].islower():
            continue
        sentences.append(text[start : match.end()])
        start = match.end()
    sentences.append(text[start:])
    return sentences


def _render(segments: list[_Segment]) -> str:
    return "".join(
        (segment.separator if index else "") + segment.text
        for index, segment in enumerate(segments)
    )


class _SectionSplitter:
    """Cuts one section's text into chunk texts of at most max_tokens, aiming at
    target_tokens, each starting with the last sentences of the one before."""

    def __init__(
        self,
        count_tokens: Callable[[str], int],
        target_tokens: int,
        max_tokens: int,
        overlap_tokens: int,
    ) -> None:
        self.count = count_tokens
        self.target = target_tokens
        self.max = max_tokens
        self.overlap = overlap_tokens

    def split(self, text: str) -> list[str]:
        if self.count(text) <= self.max:
            return [text]  # a section that fits is never cut, even above the target
        atoms = self.atoms(text, "", _PARAGRAPH)
        chunks: list[list[_Segment]] = []
        current: list[_Segment] = []
        has_new_text = False  # current holds more than the overlap from the previous chunk
        for atom in atoms:
            if has_new_text:
                if self.count(_render([*current, *atom])) <= self.target:
                    current.extend(atom)
                    continue
                chunks.append(current)
                current = self.overlap_from(current)
            current = self.start_chunk(current, atom)
            has_new_text = True
        if has_new_text:
            chunks.append(current)
        return [_render(chunk) for chunk in chunks]

    def atoms(self, text: str, separator: str, level: int) -> list[list[_Segment]]:
        """Units that are never cut further: the largest pieces (paragraph, line, sentence,
        run of words) that fit the target, each as its sentence segments."""
        if level > _PARAGRAPH and self.count(text) <= self.target:
            return [self.segments(text, separator)]
        if level == _WORD:
            return [[segment] for segment in self.word_runs(text, separator)]
        atoms: list[list[_Segment]] = []
        for index, piece in enumerate(_pieces(text, level)):
            atoms.extend(self.atoms(piece, _SEPARATORS[level] if index else separator, level + 1))
        return atoms

    def segments(self, text: str, separator: str) -> list[_Segment]:
        """An atom broken into sentences, so the overlap can take whole sentences."""
        segments: list[_Segment] = []
        for line_index, line in enumerate(_pieces(text, _LINE)):
            for sentence_index, sentence in enumerate(_pieces(line, _SENTENCE)):
                if sentence_index:
                    joiner = " "
                elif line_index:
                    joiner = "\n"
                else:
                    joiner = separator
                segments.append(_Segment(joiner, sentence, self.count(sentence)))
        return segments

    def word_runs(self, text: str, separator: str) -> list[_Segment]:
        """A sentence too long for the target, as runs of whole words that fit it. Runs are
        sized by summing the words' counts (one tokenizer call per word, not per run), then
        measured whole; a run the sum misjudged is halved."""
        segments: list[_Segment] = []

        def add(run: str, glue: str) -> None:
            segments.append(self.segment(run, glue if segments else separator))

        words: list[str] = []
        estimate = 0
        for word in text.split():
            word_tokens = self.count(word)
            if words and (estimate + word_tokens > self.target or word_tokens > self.target):
                for run in self.fitted(words):
                    add(run, " ")
                words, estimate = [], 0
            if word_tokens > self.target:
                for index, part in enumerate(self.character_runs(word)):
                    add(part, "" if index else " ")  # slices of one word render glued
            else:
                words.append(word)
                estimate += word_tokens
        for run in self.fitted(words) if words else []:
            add(run, " ")
        return segments

    def fitted(self, words: list[str]) -> list[str]:
        run = " ".join(words)
        if len(words) == 1 or self.count(run) <= self.target:
            return [run]
        half = len(words) // 2
        return self.fitted(words[:half]) + self.fitted(words[half:])

    def character_runs(self, word: str) -> Iterator[str]:
        """A single "word" longer than the target (a key, a URL, unspaced script): slices
        found by bisection, each as long as fits."""
        while word:
            low, high = 1, len(word)
            while low < high:
                middle = (low + high + 1) // 2
                if self.count(word[:middle]) <= self.target:
                    low = middle
                else:
                    high = middle - 1
            yield word[:low]
            word = word[low:]

    def segment(self, text: str, separator: str) -> _Segment:
        return _Segment(separator, text, self.count(text))

    def start_chunk(self, overlap: list[_Segment], atom: list[_Segment]) -> list[_Segment]:
        """The overlap followed by the first atom; overlap sentences are dropped from the
        front while that would exceed max_tokens."""
        while overlap and self.count(_render([*overlap, *atom])) > self.max:
            overlap = overlap[1:]
        return [*overlap, *atom]

    def overlap_from(self, chunk: list[_Segment]) -> list[_Segment]:
        """Whole sentences from the end of ``chunk`` worth about overlap_tokens; when even
        its last sentence is longer, that sentence's last overlap_tokens words."""
        if self.overlap == 0:
            return []
        taken: list[_Segment] = []
        tokens = 0
        for segment in reversed(chunk):
            if tokens + segment.tokens > self.overlap:
                break
            taken.insert(0, segment)
            tokens += segment.tokens
        if taken:
            return taken
        words = chunk[-1].text.split()
        tail: list[str] = []
        for word in reversed(words):
            if self.count(" ".join([word, *tail])) > self.overlap:
                break
            tail.insert(0, word)
        return [self.segment(" ".join(tail), " ")] if tail else []
