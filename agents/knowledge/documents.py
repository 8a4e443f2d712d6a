"""What extraction produces and chunking consumes. Small, plain types on purpose: they cross
the activity boundary only as ids, never as rows."""

from __future__ import annotations

from dataclasses import dataclass, field


class ExtractionError(Exception):
    """A document that cannot become knowledge. ``reason`` is shown to the member as-is,
    so it must be human-readable and hold no personal data."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Section:
    """A run of text under one heading path, e.g. ("Setting up", "On Linux")."""

    heading_path: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class ExtractedDocument:
    title: str
    sections: list[Section]
    content_type: str  # the detected type, e.g. "application/pdf", "text/markdown"
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Chunk:
    ordinal: int
    content: str  # the chunk's own text, as shown in citations
    title: str  # the document title
    section: str  # the heading path joined with " > "
    token_count: int

    def embedding_text(self) -> str:
        """What gets embedded: title and section give the passage its context."""
        heading = " > ".join(part for part in (self.title, self.section) if part)
        return f"{heading}\n\n{self.content}" if heading else self.content
