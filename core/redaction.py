"""Remove personal data from text before it reaches a log.

Logs must hold no PII. Rather than trusting every call site, one structlog processor passes
every event through :func:`redact`, which masks email addresses, phone numbers and payment
card numbers (Luhn-checked, so order numbers and timestamps survive), and the values that
database errors echo from the statement that failed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# 13-19 digits, optionally grouped by single spaces or dashes.
CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
# International numbers (+CC, then digit groups of any size split by spaces, dots, dashes or an
# area code in brackets: E.164 "+15551234567", "+1 (555) 123-4567", "+33 6 12 34 56 78") or
# national ones with separators ("(415) 555-2671", "020 7946 0958"); at least 7 digits in all.
# A "+" right after a digit is a time zone offset ("13:39:43+00:00"), never a number. Digit runs
# are possessive and every further group starts at a separator: linear time on any input.
PHONE = re.compile(
    r"(?<![\w+])\+\d++(?:(?:[\s.\-]?\(\d{1,4}\)[\s.\-]?|[\s.\-])\d++){0,5}(?![\w:])"
    r"|(?<![\w+])(?:\(\d{1,4}\)[\s.\-]?)?\d{2,4}(?:[\s.\-]\d{2,4}){1,4}(?![\w:])"
)
# The same in a URL-encoded form body or query string, as Twilio posts its webhooks
# ("From=%2B15551234567&To=%2B1%20555..."): "+" is %2B, a space %20, a dash %2D.
PHONE_URL_ENCODED = re.compile(r"(?<![\w%])%2[Bb]\d(?:(?:%20|%2[Dd]|[+.\-])?\d){6,18}(?!\d)")

# What PostgreSQL and SQLAlchemy echo of a statement's values in their error messages (a
# message's text, a contact's email, an organization's name), which reach logs in tracebacks.
# Each pattern keeps the words around the value and hides the value.
DATABASE_VALUES = [
    re.compile(
        r"(Key \([^)\n]*\)=\()[\s\S]*?(\)(?: already exists| is not present in table"
        r"| is still referenced from table| conflicts with existing key))"
    ),
    re.compile(r"(conflicts with existing key \([^)\n]*\)=\()[\s\S]*?(\)\.?(?:\n|$))"),
    re.compile(r"(Failing row contains \()[\s\S]*?(\)\.(?:\n|$))"),
    re.compile(r'((?:for type|for enum|out of range)[^:"\n]*: ")[\s\S]*?("(?:\n|$))'),
    re.compile(r'(value ")[\s\S]*?(" is out of range)'),
    re.compile(r'(Token ")[\s\S]*?(" is invalid)'),
    re.compile(r"(JSON data, line \d+: )[^\n]*()"),
    re.compile(r"(parameter \$\d+ = ')[\s\S]*?('(?:\n|$))"),
    re.compile(r"(\[parameters: )[^\n]*(\])"),
]

# Identifiers that hold digit groups a phone pattern would otherwise take ("...-4969-8213-...").
UUID = re.compile(r"(?<!\w)[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}(?!\w)")

HIDDEN = "[hidden]"
EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"
CARD_MASK = "[card]"


def redact(text: str) -> str:
    for pattern in DATABASE_VALUES:
        text = pattern.sub(rf"\g<1>{HIDDEN}\g<2>", text)
    text = EMAIL.sub(EMAIL_MASK, text)
    # UUIDs (workflow, run and row ids) are kept whole; only the text between them is masked.
    pieces: list[str] = []
    start = 0
    for found in UUID.finditer(text):
        pieces.append(_mask_numbers(text[start : found.start()]))
        pieces.append(found.group())
        start = found.end()
    pieces.append(_mask_numbers(text[start:]))
    return "".join(pieces)


def _mask_numbers(text: str) -> str:
    text = PHONE_URL_ENCODED.sub(PHONE_MASK, text)
    return PHONE.sub(_mask_phone, CARD.sub(_mask_card, text))


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
