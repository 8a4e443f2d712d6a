"""From an answer's streamed text to what is spoken: whole sentences, as soon as each one is
complete, without the marks that only make sense on a screen.

The first piece is let go early at a clause break (a comma, colon or semicolon after enough
words) so the caller hears the answer start while the rest is still being written; after that,
whole sentences. Citation marks (``[1]``), Markdown emphasis, headings and bullets, and links
are not read out; a link's text is.
"""

from __future__ import annotations

import re

# A sentence ends at . ! ? (or a line break) followed by space; not after a single capital or
# a number's dot ("e.g.", "1." of a list at the start of a line is handled by the line rule).
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+")
_CLAUSE_END = re.compile(r"(?<=[,;:])\s+")
_CITATION = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")
_LINK = re.compile(r"\[([^\]]+)\]\((?:[^)\s]+)\)")
_BARE_URL = re.compile(r"https?://\S+")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_LINE_MARK = re.compile(r"^\s{0,3}(?:#{1,6}\s+|[-*+]\s+|>\s*)", re.MULTILINE)
_BREADCRUMB = re.compile(r"\s+>\s+")
_WORD = re.compile(r"\w+")
_LIST_NUMBER = re.compile(r"\s*\d{1,3}[.)]")
_ABBREVIATION = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|Mr|Mrs|Ms|Dr|No|St)\.|\b[A-Z]\.)$")

FIRST_CLAUSE_MIN_WORDS = 6
MAX_PIECE_CHARS = 300


def speakable(text: str) -> str:
    """``text`` as it should be read aloud."""
    text = _LINK.sub(r"\1", text)
    text = _CITATION.sub("", text)
    text = _BARE_URL.sub("the link in the chat", text)
    text = _LINE_MARK.sub("", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = _BREADCRUMB.sub(", ", text)  # a section path ("Status light > Blinking")
    return re.sub(r"\s+", " ", text).strip()


class SentenceSplitter:
    """Feed streamed text with :meth:`push`; each call returns the pieces now complete,
    already speakable. :meth:`flush` returns the rest at the end of the answer."""

    def __init__(self) -> None:
        self._buffer = ""
        self._pieces = 0
        self.consumed = 0  # characters of the streamed text already cut into pieces

    def push(self, text: str) -> list[str]:
        self._buffer += text
        pieces: list[str] = []
        while True:
            cut = self._next_cut()
            if cut is None:
                break
            piece, self._buffer = self._buffer[:cut], self._buffer[cut:]
            self.consumed += cut
            spoken = speakable(piece)
            if _WORD.search(spoken):
                pieces.append(spoken)
                self._pieces += 1
        return pieces

    def flush(self) -> list[str]:
        rest, self._buffer = self._buffer, ""
        self.consumed += len(rest)
        spoken = speakable(rest)
        return [spoken] if _WORD.search(spoken) else []

    def _next_cut(self) -> int | None:
        for match in _SENTENCE_END.finditer(self._buffer):
            before = self._buffer[: match.start()]
            if _LIST_NUMBER.fullmatch(before) or _ABBREVIATION.search(before):
                continue  # "2." of a numbered step, "e.g.": not a sentence's end
            return match.end()
        if self._pieces == 0:
            for clause in _CLAUSE_END.finditer(self._buffer):
                if len(_WORD.findall(self._buffer[: clause.start()])) >= FIRST_CLAUSE_MIN_WORDS:
                    return clause.end()
        if len(self._buffer) > MAX_PIECE_CHARS:
            space = self._buffer.rfind(" ", 0, MAX_PIECE_CHARS)
            return space + 1 if space > 0 else MAX_PIECE_CHARS
        return None
