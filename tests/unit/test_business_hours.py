"""Business hours and the telephony settings: read in the organization's time zone, by
weekday, start inclusive and end exclusive; bad values refused naming what is wrong."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from api.csrf import CsrfProtection
from core.organization_settings import (
    BusinessHours,
    OrganizationSettings,
    TelephonySettings,
    is_open,
)
from core.settings import Environment, Settings

NEW_YORK = BusinessHours.model_validate(
    {
        "timezone": "America/New_York",
        "weekly": {
            "mon": ["09:00-17:00"],
            "tue": ["09:00-17:00"],
            "wed": ["09:00-12:00", "13:00-17:00"],
            "sat": ["22:00-24:00"],
        },
    }
)


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        # Monday 7 December 2026; New York is UTC-5 in winter.
        (datetime(2026, 12, 7, 14, 0, tzinfo=UTC), True),  # 09:00 local: opening, inclusive
        (datetime(2026, 12, 7, 13, 59, tzinfo=UTC), False),  # 08:59 local
        (datetime(2026, 12, 7, 21, 59, tzinfo=UTC), True),  # 16:59 local
        (datetime(2026, 12, 7, 22, 0, tzinfo=UTC), False),  # 17:00 local: closing, exclusive
        # Wednesday's lunch break.
        (datetime(2026, 12, 9, 17, 30, tzinfo=UTC), False),  # 12:30 local
        (datetime(2026, 12, 9, 18, 0, tzinfo=UTC), True),  # 13:00 local
        # Thursday: closed all day, though it is 10:00 in New York.
        (datetime(2026, 12, 10, 15, 0, tzinfo=UTC), False),
        # Saturday 23:30 in New York is already Sunday in UTC: the local day counts.
        (datetime(2026, 12, 13, 4, 30, tzinfo=UTC), True),
        # Summer time (UTC-4): 09:00 local on Monday 6 July 2026 is 13:00 UTC.
        (datetime(2026, 7, 6, 13, 0, tzinfo=UTC), True),
        (datetime(2026, 7, 6, 12, 59, tzinfo=UTC), False),
    ],
)
def test_business_hours_are_read_in_the_organizations_time_zone(
    moment: datetime, open_: bool
) -> None:
    assert is_open(NEW_YORK, moment) is open_


def test_no_business_hours_means_always_open() -> None:
    assert is_open(None, datetime(2026, 12, 10, 3, 0, tzinfo=UTC)) is True


def test_hours_are_described_for_the_caller() -> None:
    weekdays = BusinessHours.model_validate(
        {
            "timezone": "Europe/Paris",
            "weekly": {day: ["09:00-17:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
        }
    )
    assert weekdays.describe() == "Monday to Friday, 09:00 to 17:00"
    assert NEW_YORK.describe() == (
        "Monday to Tuesday, 09:00 to 17:00; Wednesday, 09:00 to 12:00 and 13:00 to 17:00; "
        "Saturday, 22:00 to 24:00"
    )


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "IANA"),
        ({"timezone": "UTC", "weekly": {"mon": ["9-5"]}}, "HH:MM-HH:MM"),
        ({"timezone": "UTC", "weekly": {"mon": ["17:00-09:00"]}}, "starts before it ends"),
        ({"timezone": "UTC", "weekly": {"mon": ["09:00-24:30"]}}, "24:00 at the latest"),
        ({"timezone": "UTC", "weekly": {"mon": ["09:00-09:00"]}}, "starts before it ends"),
        ({"timezone": "UTC", "weekly": {"someday": ["09:00-17:00"]}}, "someday"),
    ],
)
def test_bad_business_hours_are_refused(value: dict[str, object], problem: str) -> None:
    with pytest.raises(ValidationError) as refused:
        BusinessHours.model_validate(value)
    assert problem in str(refused.value)


def test_telephony_settings_validate_the_handoff_number_and_greeting() -> None:
    defaults = TelephonySettings()
    assert (defaults.handoff_number, defaults.business_hours, defaults.record_calls) == (
        None,
        None,
        False,
    )
    assert defaults.call_greeting
    assert TelephonySettings(handoff_number="+15551230000").handoff_number == "+15551230000"
    for bad in ("5551230000", "+0551230000", "+1 555 123 0000", "+1555"):
        with pytest.raises(ValidationError, match="handoff_number"):
            TelephonySettings(handoff_number=bad)
    with pytest.raises(ValidationError, match="call_greeting"):
        TelephonySettings(call_greeting="x" * 301)


def test_a_stored_telephony_field_that_does_not_validate_falls_back_to_its_default() -> None:
    stored = {"telephony": {"handoff_number": "not a number", "record_calls": True}}
    assert OrganizationSettings.of(stored).telephony == TelephonySettings(record_calls=True)


def test_the_fake_twilio_address_is_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="TWILIO_API_BASE_URL is for tests only"):
        Settings(
            environment=Environment.PRODUCTION,
            secret_key="s" * 40,
            master_key="m" * 40,
            clerk_jwt_key="-----BEGIN PUBLIC KEY-----",
            twilio_api_base_url="http://127.0.0.1:9999",
        )
    assert Settings(twilio_api_base_url="http://127.0.0.1:9999").twilio_api_base_url


def test_twilios_webhooks_are_exempt_from_the_csrf_check() -> None:
    """They carry no cookie of ours and are checked by their signature instead."""
    from starlette.requests import HTTPConnection

    guard = CsrfProtection(lambda *_: None, Settings())  # type: ignore[arg-type]

    def refusal(path: str) -> str | None:
        scope = {
            "type": "http",
            "method": "POST",
            "path": path,
            "headers": [(b"cookie", b"perceptron_session=abc"), (b"origin", b"https://evil.test")],
        }
        return guard.refusal(HTTPConnection(scope))

    assert refusal("/api/twilio/voice") is None
    assert refusal("/api/twilio/status") is None
    assert refusal("/api/orgs/x/telephony/settings") is not None
