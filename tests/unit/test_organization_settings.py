"""Reading stored organization settings never fails: what does not validate falls back to
its default, the rest is kept, and the log names keys, never values."""

from __future__ import annotations

import io
import json

from core.logging import configure_logging
from core.organization_settings import OrganizationSettings


def test_bad_stored_values_fall_back_to_defaults_and_good_ones_are_kept() -> None:
    stored = {
        "idle_timeout_seconds": 1e300,
        "handoff_timeout_seconds": 90,
        "allowed_origins": ["https://shop.example", 5, "not an origin"],
        "widget": {"color": "url(javascript:x)", "theme": "dark"},
        "privacy": {"deletion_grace_days": 3},
        "something_else": True,
    }
    chosen = OrganizationSettings.of(stored)
    assert chosen.idle_timeout_seconds == 30 * 60
    assert chosen.handoff_timeout_seconds == 90
    assert chosen.allowed_origins == ["https://shop.example"]
    assert chosen.origins_unreadable  # the widget refuses every site until the list is set
    assert not OrganizationSettings.of(
        {"allowed_origins": ["https://shop.example"]}
    ).origins_unreadable
    assert chosen.widget.color == "#4f46e5"
    assert chosen.widget.theme == "dark"


def test_the_fallback_is_logged_by_key_without_the_stored_value() -> None:
    stream = io.StringIO()
    configure_logging("json", "INFO", stream=stream)
    try:
        OrganizationSettings.of(
            {"widget": {"greeting": ["Secret greeting"]}, "idle_timeout_seconds": "ada@x.io"}
        )
    finally:
        configure_logging("console", "WARNING")
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert line["keys"] == ["idle_timeout_seconds", "widget"]
    assert "ada" not in stream.getvalue()
    assert "Secret greeting" not in stream.getvalue()


def test_a_change_is_validated_and_normalized() -> None:
    assert OrganizationSettings.changes(
        {"allowed_origins": ["HTTPS://Shop.Example:8443/"], "idle_timeout_seconds": 600}
    ) == {"allowed_origins": ["https://shop.example:8443"], "idle_timeout_seconds": 600}
