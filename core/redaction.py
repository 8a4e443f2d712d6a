"""Remove personal data from text before it reaches a log.

Logs must hold no PII. Rather than trusting every call site, one structlog processor passes
every event through :func:`redact`, which masks email addresses, phone numbers and payment
card numbers (Luhn-checked, so order numbers and timestamps survive).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# 13-19 digits, optionally grouped by single spaces or dashes.
CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
# International (+CC ...) or national numbers with separators, at least 7 digits in all.
PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.\-]?)?(?:\(\d{1,4}\)[\s.\-]?)?\d{2,4}(?:[\s.\-]\d{2,4}){1,4}(?![\w:])"
    r"|(?<![\w+])\+\d{7,15}(?!\w)"
)

EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"
CARD_MASK = "[card]"


def redact(text: str) -> str:
    text = EMAIL.sub(EMAIL_MASK, text)
    text = CARD.sub(_mask_card, text)
    return PHONE.sub(_mask_phone, text)


def redact_value(value: Any) -> Any:
    """Redact strings anywhere inside a logged value (dicts, lists, tuples)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {key: redact_value(item) for key, item in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        return [redact_value(item) for item in value]
    if isinstance(value, BaseException):
        return redact(str(value))
    return value


def _mask_card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    return CARD_MASK if _luhn_valid(digits) else match.group()


def _mask_phone(match: re.Match[str]) -> str:
    found = match.group()
    digits = re.sub(r"\D", "", found)
    if len(digits) < 7 or _looks_like_date_or_time(found):
        return found
    return PHONE_MASK


def _looks_like_date_or_time(text: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}(?::\d{2}){1,2})?", text.strip()))


def _luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0
