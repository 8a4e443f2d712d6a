"""Logs hold no PII: emails, phone numbers and card numbers are masked in every event."""

from __future__ import annotations

import io
import json
import logging
import random
import time
import uuid

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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # E.164, as Twilio and the calls table hold numbers.
        ("caller +15551234567 hung up", "caller [phone] hung up"),
        ("to +447911123456.", "to [phone]."),
        # Written with spaces, dashes, dots, brackets, in any grouping.
        ("+1 555 123 4567", "[phone]"),
        ("+1-555-123-4567", "[phone]"),
        ("+1.555.123.4567", "[phone]"),
        ("+1 (555) 123-4567", "[phone]"),
        ("555-123-4567", "[phone]"),
        ("+44 7911 123456", "[phone]"),
        ("+33 6 12 34 56 78", "[phone]"),
        ("tel:+15551234567", "tel:[phone]"),
        # Twilio's webhook form fields: decoded, and as the raw URL-encoded body.
        ("From=+15551234567&To=+15557654321", "From=[phone]&To=[phone]"),
        ("From=%2B15551234567&To=%2B15557654321", "From=[phone]&To=[phone]"),
        ("Caller=%2b15551234567&Called=%2B1%20555%20765%204321", "Caller=[phone]&Called=[phone]"),
        ("Called=%2B1+555+765+4321&CallStatus=ringing", "Called=[phone]&CallStatus=ringing"),
        ("{'From': '+15551234567', 'To': '+15557654321'}", "{'From': '[phone]', 'To': '[phone]'}"),
    ],
)
def test_phone_numbers_are_masked_in_every_form(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "call 7d1f0e9a-4c1b-4f7e-9b51-0f4a6c2d8e11 ended",
        "started 2026-12-02T13:39:43.123456+00:00",
        "from 2026-12-02 13:39:43+00:00 to 2026-12-02T13:40:25Z",
        "offset +05:30 applies",
        "CallSid=CA0123456789abcdef0123456789abcdef&AccountSid=AC0123456789abcdef01234567",
        "epoch 1733146783123 ms",
        "chunk 123 timestamp 4560",
        "score +3 today",
    ],
)
def test_ids_dates_and_twilio_sids_survive_the_phone_mask(text: str) -> None:
    assert redact(text) == text


def test_phone_masking_takes_linear_time_on_long_digit_runs() -> None:
    hostile = ("+" + "1" * 40 + "x ") * 200 + "%2B" + "1" * 5000 + " " + "+1 555 " * 2000
    started = time.perf_counter()
    redact(hostile)
    assert time.perf_counter() - started < 0.5


def test_a_logged_twilio_webhook_keeps_its_sids_and_loses_its_numbers() -> None:
    stream = _capture("json")
    get_logger("test").info(
        "voice webhook",
        form={"CallSid": "CA0123456789abcdef", "From": "+15551234567", "To": "+15557654321"},
        body="CallSid=CA0123456789abcdef&From=%2B15551234567&To=%2B15557654321",
    )
    output = stream.getvalue()
    for number in ("5551234567", "5557654321"):
        assert number not in output
    assert output.count("CA0123456789abcdef") == 2
    assert output.count("[phone]") == 4


def test_ids_with_digit_groups_survive_whole() -> None:
    # A uuid4 whose middle groups are all digits once lost "4969-8213" to the phone mask.
    workflow_id = "system-check-705ae668-80fb-4969-8213-cefec75a9ce0"
    assert redact(workflow_id) == workflow_id
    assert redact(f"{workflow_id} called +1 415 555 2671") == f"{workflow_id} called [phone]"
    rng = random.Random(5)
    for _ in range(5000):
        identifier = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        assert redact(f"run {identifier} ok") == f"run {identifier} ok"


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


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            'duplicate key value violates unique constraint "t_email_key"\n'
            "DETAIL:  Key (org_id, email)=(7d1f, Zephyr Quill) already exists.",
            "Key (org_id, email)=([hidden]) already exists.",
        ),
        (
            'insert or update on table "messages" violates foreign key constraint "fk"\n'
            'DETAIL:  Key (conversation_id)=(Zephyr Quill) is not present in table "c".',
            'Key (conversation_id)=([hidden]) is not present in table "c".',
        ),
        (
            'null value in column "body" of relation "t" violates not-null constraint\n'
            "DETAIL:  Failing row contains (3, Zephyr\nQuill, null).\n[SQL: INSERT ...]",
            "Failing row contains ([hidden]).\n[SQL: INSERT ...]",
        ),
        (
            'invalid input syntax for type integer: "Zephyr Quill"\n'
            "CONTEXT:  unnamed portal parameter $2 = 'Zephyr Quill'",
            'invalid input syntax for type integer: "[hidden]"\n'
            "CONTEXT:  unnamed portal parameter $2 = '[hidden]'",
        ),
        (
            'invalid input value for enum mood: "Zephyr Quill"',
            'invalid input value for enum mood: "[hidden]"',
        ),
        (
            'value "Zephyr Quill" is out of range for type integer',
            'value "[hidden]" is out of range for type integer',
        ),
        (
            'invalid input syntax for type json\nDETAIL:  Token "Zephyr" is invalid.\n'
            "CONTEXT:  JSON data, line 1: {Zephyr Quill...",
            'Token "[hidden]" is invalid.\nCONTEXT:  JSON data, line 1: [hidden]',
        ),
        (
            "[SQL: INSERT INTO organizations (name) VALUES (%(name)s)]\n"
            "[parameters: {'name': 'Zephyr Quill'}]\n(Background on this error at: x)",
            "[parameters: [hidden]]\n(Background on this error at: x)",
        ),
    ],
)
def test_database_error_text_loses_the_values_it_echoes(text: str, kept: str) -> None:
    redacted = redact(text)
    assert "Zephyr" not in redacted
    assert "Quill" not in redacted
    assert kept in redacted
