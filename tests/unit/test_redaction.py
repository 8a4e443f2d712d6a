"""Logs hold no PII: emails, phone numbers and card numbers are masked in every event."""

from __future__ import annotations

import io
import json
import logging

import pytest
import structlog

from core.logging import configure_logging, get_logger
from core.redaction import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail jane.doe+tag@example.co.uk now", "mail [email] now"),
        ("call +1 415 555 2671 today", "call [phone] today"),
        ("call (415) 555-2671", "call [phone]"),
        ("ring 020 7946 0958", "ring [phone]"),
        ("intl +447911123456", "intl [phone]"),
        ("card 4111 1111 1111 1111 ok", "card [card] ok"),
        ("card 4111-1111-1111-1111", "card [card]"),
        ("card 5500005555555559", "card [card]"),
    ],
)
def test_personal_data_is_masked(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "order 1234 shipped",
        "at 2026-11-29 10:15:00 the job ran",
        "version 1.2.3",
        "took 250 ms",
        "document 7d1f0e9a-4c1b-4f7e-9b51-0f4a6c2d8e11",
        "id 1234567890123456 is not a card",  # fails the Luhn check
    ],
)
def test_ordinary_text_survives(text: str) -> None:
    assert redact(text) == text


def _capture(log_format: str) -> io.StringIO:
    stream = io.StringIO()
    configure_logging(log_format, "INFO", stream=stream)
    return stream


@pytest.mark.parametrize("log_format", ["json", "console"])
def test_structlog_events_are_redacted_in_every_field(log_format: str) -> None:
    stream = _capture(log_format)
    get_logger("test").info(
        "visitor wrote from jane@example.com",
        phone="+1 415 555 2671",
        nested={"emails": ["bob@example.org"], "card": "4111 1111 1111 1111"},
    )
    output = stream.getvalue()
    for secret in ("jane@example.com", "555 2671", "bob@example.org", "4111 1111"):
        assert secret not in output
    assert "[email]" in output
    assert "[phone]" in output
    assert "[card]" in output


def test_standard_library_and_temporal_loggers_are_redacted_too() -> None:
    stream = _capture("json")
    logging.getLogger("temporalio.activity").warning("failed for %s", "eve@example.net")
    logging.getLogger("uvicorn.error").error("client +44 20 7946 0958 disconnected")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["event"] for line in lines] == [
        "failed for [email]",
        "client [phone] disconnected",
    ]


def test_exception_tracebacks_are_redacted() -> None:
    stream = _capture("json")
    try:
        raise ValueError("no account for mallory@example.com")
    except ValueError:
        get_logger("test").exception("lookup failed")
    output = stream.getvalue()
    assert "mallory@example.com" not in output
    assert "no account for [email]" in output


def test_bound_context_is_redacted() -> None:
    stream = _capture("json")
    with structlog.contextvars.bound_contextvars(contact="trent@example.com"):
        get_logger("test").info("context")
    assert "trent@example.com" not in stream.getvalue()
