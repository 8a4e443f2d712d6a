"""Technical data from the widget: browser and device from the user agent, the visitor's IP.

The user agent is parsed with ua-parser (the Browserscope rules). The raw IP is kept with the
event and removed by the retention sweep after the organization's IP retention period.
"""

from __future__ import annotations

from dataclasses import dataclass

from ua_parser import parse


@dataclass(frozen=True)
class ClientInfo:
    browser: str | None
    device: str | None  # desktop, mobile, tablet, bot


def describe_client(user_agent: str | None) -> ClientInfo:
    if not user_agent:
        return ClientInfo(browser=None, device=None)
    parsed = parse(user_agent[:1000])
    browser = parsed.user_agent.family if parsed.user_agent else None
    if browser and parsed.user_agent and parsed.user_agent.major:
        browser = f"{browser} {parsed.user_agent.major}"
    return ClientInfo(
        browser=browser[:100] if browser else None, device=_device(user_agent, parsed)
    )


def _device(user_agent: str, parsed: object) -> str:
    text = user_agent.lower()
    family = getattr(getattr(parsed, "device", None), "family", "") or ""
    if "bot" in text or "spider" in text or family == "Spider":
        return "bot"
    if "ipad" in text or "tablet" in text or ("android" in text and "mobile" not in text):
        return "tablet"
    if "mobi" in text or "iphone" in text:
        return "mobile"
    return "desktop"
