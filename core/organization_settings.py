"""An organization's settings (``organizations.settings``): conversation timeouts, the
widget's allowed origins and its branding, and how its phone calls are answered.

Every known key is typed and bounded; ``PATCH /api/orgs/{org}`` validates what it is sent
with :class:`OrganizationSettings` (422 naming the key). Readers use
:meth:`OrganizationSettings.of`, which never fails: a stored value that does not validate
(written before validation existed) is replaced by its default and logged by key, never by
value. The ``privacy`` key has its own model and route (:mod:`core.privacy_settings`).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
)

from core.logging import get_logger

log = get_logger(__name__)

DAY = 24 * 3600
COLOR_PATTERN = r"^(#[0-9a-fA-F]{3,8}|(rgb|rgba|hsl|hsla)\([\d\s.,%/+-]{1,60}\))$"


def _origin(value: str) -> str:
    """``scheme://host[:port]``, as a browser sends it in ``Origin``."""
    parts = urlsplit(value.strip().rstrip("/"))
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.username is not None
        or parts.path
        or parts.query
        or parts.fragment
    ):
        raise ValueError("an origin is scheme://host[:port], e.g. https://shop.example")
    try:
        port = parts.port
    except ValueError as error:
        raise ValueError("the origin's port is not a number from 0 to 65535") from error
    return f"{parts.scheme}://{parts.hostname}" + (f":{port}" if port is not None else "")


Origin = Annotated[str, Field(min_length=8, max_length=300), AfterValidator(_origin)]


class WidgetBranding(BaseModel):
    """How the widget looks (``GET /api/widget/config``)."""

    model_config = ConfigDict(extra="forbid")

    greeting: str = Field(default="Hi! Ask me anything about our products.", max_length=500)
    color: str = Field(default="#4f46e5", max_length=80, pattern=COLOR_PATTERN)
    position: Literal["right", "left"] = "right"
    avatar_url: str | None = Field(default=None, max_length=2000, pattern=r"^https?://\S+$")
    theme: Literal["light", "dark", "auto"] = "auto"
    pre_chat: Literal["off", "optional", "required"] = Field(
        default="off", description="the pre-chat form (name and email) before the first message"
    )


E164_PATTERN = r"^\+[1-9][0-9]{6,14}$"
E164 = Annotated[str, Field(pattern=E164_PATTERN, description="E.164, e.g. +15551230000")]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_RANGE = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-4]):([0-5][0-9])$")


def _opening_range(value: str) -> str:
    """``HH:MM-HH:MM`` within one day (``24:00`` ends at midnight), start before end."""
    match = _RANGE.match(value.strip())
    if match is None:
        raise ValueError("an opening range is HH:MM-HH:MM, e.g. 09:00-17:00")
    start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
    if end_h == 24 and end_m:
        raise ValueError("an opening range ends at 24:00 at the latest")
    if (start_h, start_m) >= (end_h, end_m):
        raise ValueError("an opening range starts before it ends (split ranges past midnight)")
    return f"{start_h:02d}:{start_m:02d}-{end_h:02d}:{end_m:02d}"


OpeningRange = Annotated[str, Field(max_length=11), AfterValidator(_opening_range)]


class WeeklyHours(BaseModel):
    """Opening ranges per weekday; a day without ranges is closed."""

    model_config = ConfigDict(extra="forbid")

    mon: list[OpeningRange] = Field(default_factory=list, max_length=12)
    tue: list[OpeningRange] = Field(default_factory=list, max_length=12)
    wed: list[OpeningRange] = Field(default_factory=list, max_length=12)
    thu: list[OpeningRange] = Field(default_factory=list, max_length=12)
    fri: list[OpeningRange] = Field(default_factory=list, max_length=12)
    sat: list[OpeningRange] = Field(default_factory=list, max_length=12)
    sun: list[OpeningRange] = Field(default_factory=list, max_length=12)

    def ranges(self, weekday: int) -> list[str]:
        """The ranges of a weekday, Monday being 0 (as ``datetime.weekday``)."""
        day: list[str] = getattr(self, WEEKDAYS[weekday])
        return day


class BusinessHours(BaseModel):
    """When the organization's people answer the phone, in its own time zone."""

    model_config = ConfigDict(extra="forbid")

    timezone: str = Field(max_length=64, description="an IANA time zone, e.g. America/New_York")
    weekly: WeeklyHours = Field(default_factory=WeeklyHours)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError("not an IANA time zone, e.g. America/New_York") from None
        return value

    def describe(self) -> str:
        """Spoken hours, e.g. "Monday to Friday, 09:00 to 17:00" (consecutive days with the
        same ranges grouped)."""
        groups: list[tuple[int, int, list[str]]] = []
        for weekday in range(7):
            ranges = self.weekly.ranges(weekday)
            if groups and groups[-1][2] == ranges and groups[-1][1] == weekday - 1:
                groups[-1] = (groups[-1][0], weekday, ranges)
            else:
                groups.append((weekday, weekday, ranges))
        parts = []
        for first, last, ranges in groups:
            if not ranges:
                continue
            days = WEEKDAY_NAMES[first] + (f" to {WEEKDAY_NAMES[last]}" if last != first else "")
            hours = " and ".join(r.replace("-", " to ") for r in ranges)
            parts.append(f"{days}, {hours}")
        return "; ".join(parts) if parts else "by appointment only"


def is_open(business_hours: BusinessHours | None, now: datetime) -> bool:
    """Whether ``now`` (an aware datetime) falls within the opening ranges, read in the
    organization's time zone; start inclusive, end exclusive. No hours: always open."""
    if business_hours is None:
        return True
    local = now.astimezone(ZoneInfo(business_hours.timezone))
    minute = local.hour * 60 + local.minute
    for opening in business_hours.weekly.ranges(local.weekday()):
        start, _, end = opening.partition("-")
        if _minutes(start) <= minute < _minutes(end):
            return True
    return False


def _minutes(hh_mm: str) -> int:
    hours, _, minutes = hh_mm.partition(":")
    return int(hours) * 60 + int(minutes)


class TelephonySettings(BaseModel):
    """How the organization's phone calls are answered (``PUT .../telephony/settings``)."""

    model_config = ConfigDict(extra="forbid")

    handoff_number: E164 | None = Field(
        default=None, description="where a call is put through to a person; none: no transfer"
    )
    business_hours: BusinessHours | None = Field(
        default=None, description="when calls are put through; none: always"
    )
    call_greeting: str = Field(
        default="Hello, thanks for calling. How can I help you today?",
        min_length=1,
        max_length=300,
        description="spoken first on every call",
    )
    record_calls: bool = Field(default=False, description="keep the audio of calls")


def _seconds(default: int, maximum: int, description: str) -> Any:
    return Field(default=default, ge=1, le=maximum, strict=True, description=description)


class OrganizationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    idle_timeout_seconds: int = _seconds(
        30 * 60, 30 * DAY, "an idle conversation is resolved after this many seconds"
    )
    handoff_timeout_seconds: int = _seconds(
        5 * 60, 7 * DAY, "a handoff nobody picks up gets the fallback message after this long"
    )
    resolved_retention_seconds: int = _seconds(
        DAY, 30 * DAY, "how long a resolved conversation can be reopened"
    )
    max_history_events: int = Field(
        default=2000,
        ge=10,
        le=50_000,
        strict=True,
        description="a conversation's workflow continues as new after this many history events",
    )
    allowed_origins: list[Origin] = Field(
        default_factory=list,
        max_length=100,
        description="sites that may use the widget; empty: any site",
    )
    widget: WidgetBranding = Field(default_factory=WidgetBranding)
    telephony: TelephonySettings = Field(default_factory=TelephonySettings)
    answer_threshold: float | None = Field(
        default=None,
        ge=0.05,
        le=0.95,
        description="the keyless judge answers when its probability that the knowledge base "
        "answers reaches this (lower: answer more, higher: hand off more); none: the "
        "calibrated default",
    )
    # A stored origin list that did not validate: the widget then refuses every site (fail
    # closed) rather than reading the damaged list as "empty: any site".
    _origins_unreadable: bool = PrivateAttr(default=False)

    @property
    def origins_unreadable(self) -> bool:
        return self._origins_unreadable

    @classmethod
    def changes(cls, values: Mapping[str, Any]) -> dict[str, Any]:
        """The keys ``values`` sets, validated and normalized (:class:`ValidationError` on
        a wrong type, an out-of-range value or an unknown key)."""
        return cls.model_validate(values).model_dump(mode="json", include=set(values))

    @classmethod
    def of(cls, stored: Mapping[str, Any], org_id: uuid.UUID | None = None) -> OrganizationSettings:
        """The stored settings, with defaults for whatever does not validate."""
        known = {key: value for key, value in stored.items() if key in cls.model_fields}
        try:
            return cls.model_validate(known)
        except ValidationError as error:
            cleaned, ignored = _without_invalid(known, error)
        log.warning(
            "stored organization settings do not validate: defaults used",
            org_id=str(org_id) if org_id else None,
            keys=sorted(ignored),
        )
        try:
            settings = cls.model_validate(cleaned)
        except ValidationError:
            settings = cls.model_validate(
                {key: value for key, value in cleaned.items() if key not in ignored}
            )
        settings._origins_unreadable = "allowed_origins" in ignored
        return settings


def _without_invalid(
    stored: dict[str, Any], error: ValidationError
) -> tuple[dict[str, Any], set[str]]:
    """``stored`` without the values the errors point at: a bad widget field or origin
    alone where it can be told apart, else the whole key."""
    cleaned = dict(stored)
    dropped_items: dict[str, set[Any]] = {}
    ignored: set[str] = set()
    for problem in error.errors():
        loc = problem["loc"]
        key = str(loc[0])
        ignored.add(key)
        inner = cleaned.get(key)
        if len(loc) > 1 and (
            (isinstance(inner, dict) and loc[1] in inner)
            or (isinstance(inner, list) and isinstance(loc[1], int))
        ):
            dropped_items.setdefault(key, set()).add(loc[1])
        else:
            cleaned.pop(key, None)
    for key, items in dropped_items.items():
        inner = cleaned.get(key)
        if isinstance(inner, dict):
            cleaned[key] = {name: value for name, value in inner.items() if name not in items}
        elif isinstance(inner, list):
            cleaned[key] = [value for index, value in enumerate(inner) if index not in items]
    return cleaned, ignored
