"""What every browser test shares: Debian's Chromium (never a downloaded one), the artifacts
folder for screenshots, a collector of console errors, signing a member in to the dashboard
with a real one-time link, and an axe-core accessibility scan."""

from __future__ import annotations

import shutil
import struct
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Page, async_playwright

from core.db import SessionMaker
from services.accounts import create_sign_in_link
from tests.conftest import REPO, RunningApi

ARTIFACTS = REPO / "tests" / "artifacts"
AXE_SCRIPT = REPO / "dashboard" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
    "--no-first-run",
]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("Chromium is needed for the browser tests: apt-get install chromium")
    return path


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_FLAGS
        )
        try:
            yield launched
        finally:
            await launched.close()


@dataclass
class Problems:
    """Console errors and uncaught exceptions a page logged; a journey ends with none."""

    seen: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.seen.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.seen.append(str(error)))


async def signed_in_page(
    browser: Browser,
    api: RunningApi,
    session_maker: SessionMaker,
    org_id: uuid.UUID,
    member_id: uuid.UUID,
    *,
    path: str = "/dashboard/inbox",
    viewport: dict[str, int] | None = None,
) -> tuple[BrowserContext, Page, Problems]:
    """A new browser context with the member signed in through a real one-time link, on
    ``path``. Console errors from then on are collected in the returned ``Problems``."""
    context = await browser.new_context(viewport=viewport or {"width": 1280, "height": 800})  # type: ignore[arg-type]
    page = await context.new_page()
    problems = Problems()
    problems.watch(page)
    link = await create_sign_in_link(session_maker, org_id, member_id, timedelta(minutes=5))
    await page.goto(f"{api.url}/auth/sign-in?token={link}")
    await page.wait_for_url(f"{api.url}/dashboard/**")
    if path != "/dashboard/inbox":
        await page.goto(f"{api.url}{path}")
    return context, page, problems


SCREENSHOT_MAX_HEIGHT = 12_000  # pixels: a longer page is cut there

# How much content the page's scroll boxes hide below their fold: the most any one hides. A
# box whose hidden part did not shrink when the viewport grew (a dialog's fixed max-height, a
# table's horizontal scrollbar) does not grow with the viewport and is left out from then on.
HIDDEN_OVERFLOW = """(first) => {
    if (first) window.__hiddenOverflow = new WeakMap();
    const seen = window.__hiddenOverflow;
    let most = 0;
    for (const box of document.querySelectorAll("*")) {
        const scrolls = /auto|scroll/.test(getComputedStyle(box).overflowY);
        if (!scrolls || box.clientHeight === 0) continue;
        const hidden = box.scrollHeight - box.clientHeight;
        const before = seen.get(box);
        if (before === Infinity) continue;
        if (before !== undefined && hidden >= before) {
            seen.set(box, Infinity);
            continue;
        }
        seen.set(box, hidden);
        most = Math.max(most, hidden);
    }
    return most;
}"""
NEXT_FRAME = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


async def screenshot(page: Page, name: str) -> Path:
    """The whole page as `name`.png. The dashboard's shell scrolls inside itself (its main
    area, a settings page, the inbox's columns), where ``full_page`` sees only the viewport:
    the viewport is made as tall as the content for the shot, then given back."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    size = page.viewport_size
    height = size["height"] if size else 0
    if size:
        for attempt in range(4):
            hidden = await page.evaluate(HIDDEN_OVERFLOW, attempt == 0)
            if hidden <= 1 or height >= SCREENSHOT_MAX_HEIGHT:
                break
            height = min(height + hidden, SCREENSHOT_MAX_HEIGHT)
            await page.set_viewport_size({"width": size["width"], "height": height})
            await page.evaluate(NEXT_FRAME)
    try:
        await page.screenshot(path=str(path), full_page=True)
    finally:
        if size and height != size["height"]:
            await page.set_viewport_size(size)
            await page.evaluate(NEXT_FRAME)
    return path


def png_size(path: Path) -> tuple[int, int]:
    """A PNG's width and height in pixels (from its IHDR chunk)."""
    with path.open("rb") as file:
        header = file.read(24)
    width, height = struct.unpack(">II", header[16:24])
    return width, height


async def assert_accessible(page: Page, name: str) -> None:
    """A screenshot of the page as `name`, then no serious or critical axe-core violation."""
    await settled(page)
    await screenshot(page, name)
    violations = await axe_violations(page)
    assert violations == [], f"{name}: {violations}"


async def settled(page: Page) -> None:
    """Wait for running CSS transitions and animations to end: a colour scanned halfway
    through a theme change is neither theme's (a dropzone fading to dark measured as
    low contrast once in CI)."""
    await page.evaluate(
        """async () => {
            await Promise.all(document.getAnimations()
                .filter((a) => a.effect?.getTiming().iterations !== Infinity)
                .map((a) => a.finished.catch(() => undefined)));
        }"""
    )


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now (WCAG 2.1 A/AA)."""
    if not AXE_SCRIPT.exists():
        pytest.fail("axe-core is missing: run `make test` (it installs the dashboard's packages)")
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's CSP (script-src 'self')
        # does not govern; a <script> tag would be refused.
        await page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8") + "\n;undefined")
    result: dict[str, Any] = await page.evaluate(
        """async () => await window.axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        })"""
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
