"""The demo the embedded default shows: a small lamp shop whose help center is these
articles, so the widget answers out of the box."""

from __future__ import annotations

from pathlib import Path

ARTICLES = Path(__file__).resolve().parent / "articles"


def demo_articles() -> list[Path]:
    return sorted(ARTICLES.glob("*.md"))
