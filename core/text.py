"""Text the product can store: PostgreSQL text holds no NUL (U+0000), and UTF-8 cannot encode
an unpaired surrogate (U+D800 to U+DFFF), which JSON allows as an escape like ``"\\ud800"``.
The API refuses such text at its edge (``api.text_input``); services that take text from
elsewhere (an upload's file name) ask the same question here."""

from __future__ import annotations

import re

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
NUL_MESSAGE = "the text cannot contain NUL characters (U+0000)"
SURROGATE_MESSAGE = "the text cannot contain unpaired surrogates (U+D800 to U+DFFF)"


def unstorable(value: str) -> str | None:
    """Why ``value`` cannot be stored, or None when it can."""
    found = UNSTORABLE.search(value)
    if found is None:
        return None
    return NUL_MESSAGE if found.group() == "\x00" else SURROGATE_MESSAGE
