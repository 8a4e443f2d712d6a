"""An organization's settings (``organizations.settings``): conversation timeouts, the
widget's allowed origins and its branding.

Every known key is typed and bounded; ``PATCH /api/orgs/{org}`` validates what it is sent
with :class:`OrganizationSettings` (422 naming the key). Readers use
:meth:`OrganizationSettings.of`, which never fails: a stored value that does not validate
(written before validation existed) is replaced by its default and logged by key, never by
value. The ``privacy`` key has its own model and route (:mod:`core.privacy_settings`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

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
