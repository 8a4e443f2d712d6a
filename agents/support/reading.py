"""Reading a passage the way a person does: sentences, and the structures that must stay whole.

The keyless answerer (``extractive.py``) quotes the help center, so it needs to know which
pieces of a passage can be quoted on their own. A sentence can. A numbered procedure, a
list or a table cannot be cut without losing what it says (the last step is often the fix),
and a sentence that ends with a colon ("... is not available in the following countries:")
means nothing without what it introduces. :func:`read_blocks` turns passage text into
:class:`Block` s of four kinds:

- ``sentence``: one sentence of a paragraph;
- ``steps``: a numbered procedure, with the bullets under each step kept under it;
- ``list``: consecutive bullet items;
- ``table``: consecutive rows of ``a | b`` cells, as the text extractor writes tables.

A structure carries the sentence that introduces it (``lead``) when the paragraph before it
ends with a colon. Sentences that address an assistant ("ignore previous instructions") are
never quoted: passages are data, and repeating an injected instruction would look like
obeying it; a structure that contains one is dropped whole.

:func:`merge_chunks` joins neighbouring chunks of one section back into one text: the chunker
repeats a few lines at each cut, and a procedure cut in two must be read whole.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal

BlockKind = Literal["sentence", "steps", "list", "table"]

MAX_STRUCTURE_ITEMS = 15  # beyond this a structure is cut, with an ellipsis
LABEL_WORDS = 10  # a line this short above a structure, without a full stop, is its label

_NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s+")
_BULLET = re.compile(r"^\s*[-*\u2022]\s+")
_CELL_SEPARATOR = " | "
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[\u201c])")
_ADMONITION = re.compile(r"\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*", re.IGNORECASE)
_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_ATTRIBUTES = re.compile(r"\{[#.][^{}\s]*\}")  # {#anchor} and {.class} after a heading or link
# Comments and common inline HTML; not every <word>, since help centers write placeholders
# such as "<port>" or "<username>" that the visitor needs to see.
_HTML = re.compile(
    r"<!--.*?-->|</?(?:a|b|i|u|em|strong|span|div|p|br|img|sup|sub|small|code|kbd)\b[^>]*>",
    re.DOTALL | re.IGNORECASE,
)
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
INSTRUCTION_TO_ASSISTANT = re.compile(
    r"\b(?:ignore|disregard|forget)\b.{0,40}\b(?:instructions?|prompts?|rules)\b|"
    r"\bsystem prompt\b|\byou are now\b|\bas an ai\b|\b(?:assistant|chatbot|ai model)s?\b.{0,30}"
    r"\b(?:must|should|reveal|print|repeat)\b",
    re.IGNORECASE,
)


# "In this article:" introduces a table of contents: headings, not answers.
_CONTENTS = re.compile(r"^\s*(?:in this (?:article|guide|page)|on this page|contents)\b", re.I)


@dataclass(frozen=True)
class Block:
    """A piece of a passage that can be quoted on its own, in reading order."""

    kind: BlockKind
    position: int  # order within the text it was read from
    items: tuple[str, ...]  # the sentence, or the structure's lines as they will be shown
    lead: str = ""  # the sentence that introduces a structure ("... the following:")
    paragraph: int = -1  # sentences of one paragraph share this number
    truncated: bool = False  # a structure longer than MAX_STRUCTURE_ITEMS, cut
    sources: tuple[Hashable, ...] = ()  # the chunks its lines came from, in order
    part: int = 0  # blocks under one heading (one section) share this number
    heading: str = ""  # the heading of its section, if it has one

    @property
    def structure(self) -> bool:
        return self.kind != "sentence"

    @property
    def text(self) -> str:
        """The block as the visitor reads it (Markdown the widget renders)."""
        if self.kind == "sentence":
            return self.items[0]
        lines = ([self.lead] if self.lead else []) + list(self.items)
        if self.truncated:
            lines.append("\u2026")
        return "\n".join(lines)

    @property
    def plain(self) -> str:
        """The words of the block without list markup, for scoring."""
        body = " ".join(_NUMBERED.sub("", _BULLET.sub("", item)) for item in self.items)
        return f"{self.lead} {body}".strip()

    @property
    def words(self) -> int:
        return len(self.plain.split())


def clean(text: str) -> str:
    """Passage text as a visitor should read it: no HTML, images, link syntax, attribute
    braces, admonition tags or emphasis markers, whitespace collapsed."""
    text = _HTML.sub("", text)
    text = _MARKDOWN_IMAGE.sub("", text)  # a screenshot's description is not an answer
    text = _MARKDOWN_LINK.sub(lambda match: match.group(1), text)
    text = _ATTRIBUTES.sub("", text)
    text = _ADMONITION.sub("", text)
    text = _EMPHASIS.sub(lambda match: match.group(2), text)
    return " ".join(text.split())


Line = tuple[str, Hashable]  # a line of text and the chunk it came from


def merge_chunks(chunks: Sequence[tuple[Hashable, str]]) -> list[Line]:
    """Neighbouring chunks of one section (``(source, content)`` in order) as one run of
    lines, without the lines the chunker repeated at each cut."""
    merged: list[Line] = []
    for source, content in chunks:
        lines = content.splitlines()
        overlap = _overlap([line for line, _ in merged], lines)
        merged.extend((line, source) for line in lines[overlap:])
    return merged


def _overlap(before: list[str], after: list[str]) -> int:
    """How many leading lines of ``after`` repeat the trailing lines of ``before``. The
    chunker repeats whole sentences, so the first repeated line may be the end of a longer
    line, without its list marker."""
    for size in range(min(len(before), len(after)), 0, -1):
        tail = [_unmarked(line) for line in before[-size:]]
        head = [_unmarked(line) for line in after[:size]]
        if head[0] and tail[0].endswith(head[0]) and tail[1:] == head[1:]:
            return size
    return 0


def _unmarked(line: str) -> str:
    line = line.strip()
    return _NUMBERED.sub("", _BULLET.sub("", line, count=1), count=1).strip()


def read_blocks(content: str | Sequence[Line]) -> list[Block]:
    """The quotable blocks of ``content`` (a text, or lines with their sources), in
    reading order."""
    lines = [(line, None) for line in content.splitlines()] if isinstance(content, str) else content
    reader = _Reader()
    for line, source in lines:
        reader.feed(line, source)
    reader.finish()
    return [
        block
        for block in reader.blocks
        if not any(INSTRUCTION_TO_ASSISTANT.search(item) for item in (block.lead, *block.items))
        and not (block.structure and _CONTENTS.match(block.lead))
    ]


class _Reader:
    """Groups lines into paragraphs and structures, line by line."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._paragraph: list[str] = []
        self._paragraphs = 0
        self._kind: BlockKind | None = None  # the structure being read, if any
        self._items: list[str] = []
        self._lead = ""
        self._blank = False  # the previous line was blank
        self._paragraph_sources: list[Hashable] = []
        self._structure_sources: list[Hashable] = []
        self._source: Hashable = None
        self._written = 0  # the number the last numbered item was written with
        self._part = 0
        self._heading = ""

    def feed(self, raw: str, source: Hashable = None) -> None:
        line = raw.strip()
        if not line:
            self._blank = True
            return
        self._source = source
        blank, self._blank = self._blank, False
        if line.startswith("#"):
            self._end_paragraph()
            self._end_structure()
            self._part += 1
            self._heading = clean(line.lstrip("#"))
            return
        numbered = _NUMBERED.match(line)
        bullet = _BULLET.match(line)
        if _CELL_SEPARATOR in line and not numbered and not bullet:
            self._item("table", clean(line), blank)
        elif numbered:
            # Numbered as read, not as written: Markdown sources often number every step
            # "1.". A "1." after a "2." or later starts another procedure.
            written = int(numbered.group(1))
            if self._kind == "steps" and written == 1 and self._written > 1:
                self._end_structure()
            self._written = written
            number = 1 + sum(1 for item in self._items if _NUMBERED.match(item))
            if self._kind != "steps":
                number = 1
            self._item("steps", f"{number}. {clean(line[numbered.end() :])}", blank)
        elif bullet:
            nested = self._kind == "steps"
            text = clean(line[bullet.end() :])
            self._item(
                "steps" if nested else "list", f"   - {text}" if nested else f"- {text}", blank
            )
        elif self._kind is not None and not blank and self._kind != "table":
            # A wrapped item, or an image caption under a step: part of the item above.
            self._items[-1] = f"{self._items[-1]} {clean(line)}"
            _add(self._structure_sources, source)
        else:
            self._end_structure()
            if blank:
                self._end_paragraph()
            self._paragraph.append(line)
            _add(self._paragraph_sources, source)

    def _item(self, kind: BlockKind, text: str, blank: bool) -> None:
        if not text.strip(" -.0123456789"):
            return
        continues = self._kind == kind or (self._kind == "steps" and kind == "list")
        if self._kind is not None and not continues:
            self._end_structure()
        if self._kind is None:
            self._lead = self._take_lead()
            if self._lead:
                self._structure_sources.extend(self._paragraph_sources)
            self._end_paragraph()
            self._kind = kind
        self._items.append(text)
        _add(self._structure_sources, self._source)
        del blank  # a blank line between items does not end a structure

    def _take_lead(self) -> str:
        """The paragraph's last sentence when it ends with a colon: it introduces what
        follows and moves into the structure."""
        if not self._paragraph:
            return ""
        sentences = _sentences(" ".join(self._paragraph))
        if len(self._paragraph) == 1 and len(sentences) == 1 and _is_label(sentences[0]):
            self._paragraph = []
            return sentences[0]
        if not sentences or not sentences[-1].endswith(":"):
            return ""
        lead = sentences.pop()
        self._paragraph = [" ".join(sentences)] if sentences else []
        return lead

    def _end_paragraph(self) -> None:
        if not self._paragraph:
            return
        paragraph = self._paragraphs
        self._paragraphs += 1
        sources = tuple(self._paragraph_sources)
        for sentence in _sentences(" ".join(self._paragraph)):
            self.blocks.append(
                Block(
                    "sentence",
                    len(self.blocks),
                    (sentence,),
                    paragraph=paragraph,
                    sources=sources,
                    part=self._part,
                    heading=self._heading,
                )
            )
        self._paragraph = []
        self._paragraph_sources = []

    def _end_structure(self) -> None:
        if self._kind is None:
            return
        items = self._items
        truncated = len(items) > MAX_STRUCTURE_ITEMS
        self.blocks.append(
            Block(
                self._kind,
                len(self.blocks),
                tuple(items[:MAX_STRUCTURE_ITEMS]),
                lead=self._lead,
                truncated=truncated,
                sources=tuple(self._structure_sources),
                part=self._part,
                heading=self._heading,
            )
        )
        self._kind, self._items, self._lead = None, [], ""
        self._structure_sources = []

    def finish(self) -> None:
        self._end_structure()
        self._end_paragraph()


def _is_label(line: str) -> bool:
    """A short line without a sentence's end right above a structure names it, as a
    heading does ("Blinking at 1Hz", "Windows"): it is read with the structure."""
    return len(line.split()) <= LABEL_WORDS and line[-1:] not in ".!?"


def _add(sources: list[Hashable], source: Hashable) -> None:
    if source is not None and source not in sources:
        sources.append(source)


def _sentences(text: str) -> list[str]:
    return [sentence for sentence in _SENTENCE_END.split(clean(text)) if sentence]
