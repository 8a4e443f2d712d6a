"""`widget`: how heavy the embeddable chat widget is, and how soon its launcher shows.

Size: ``widget/dist/widget.js`` raw and gzipped (level 9, as ``npm run size`` counts it),
against the 30 KB gzip budget, with Chatwoot's (~170 KB) and Crisp's (~130 KB) gzipped
widget scripts as reference ratios.

Launcher: a plain page, served by a tiny local HTTP server on another port than the API (a
customer's site), records ``performance.now()`` right before it inserts
``<script src="{api}/widget.js" data-key=...>``; the real API (``bench/stack.py``) serves the
script and ``/api/widget/config``. The clock stops when ``[data-testid=launcher]`` inside the
widget's open shadow root is visible: seen in the page itself (a mutation observer, with a
frame-by-frame check behind it, on layout and computed visibility), and, as Playwright's own
visibility check sees it, at the ``performance.now()`` read right after that check passed.
Headless Chromium (Debian's, ``/usr/bin/chromium``, the browser tests' flags), a fresh
browser context (empty cache and storage) per run, after one discarded warm-up run.

Without a built widget the benchmark says it was skipped ("run make widget").
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import http.server
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import select

from bench.framework import BenchResult, Metric, Options, p50
from bench.stack import REPO, load_average, running_stack, serving_api
from bench.turns import p95
from core.db import platform_session
from core.models import Organization

if TYPE_CHECKING:
    from playwright.async_api import Page

NAME = "widget"
SCRIPT = REPO / "widget" / "dist" / "widget.js"
CHROMIUM = Path("/usr/bin/chromium")
# As tests/e2e/test_widget_browser.py launches it.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
    "--no-first-run",
]
KB = 1024
GZIP_BUDGET_KB = 30.0
CHATWOOT_GZIP_KB = 170.0  # reference: Chatwoot's widget script, gzipped (approximate)
CRISP_GZIP_KB = 130.0  # reference: Crisp's widget script, gzipped (approximate)
DEFAULT_RUNS = 10
VISIBLE_TIMEOUT_MS = 15_000

PAGE = r"""<!doctype html>
<html><head><meta charset="utf-8"><title>A customer's site</title></head>
<body>
<p>A customer's site.</p>
<script>
(function () {
  var API = __API__, KEY = __KEY__;
  function launcherVisible() {
    var host = document.querySelector("perceptron-widget");
    var root = host && host.shadowRoot;
    var launcher = root && root.querySelector('[data-testid="launcher"]');
    if (!launcher) return false;
    var box = launcher.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(launcher).visibility === "visible";
  }
  function check() {
    if (window.__launcherVisibleAt === undefined && launcherVisible()) {
      window.__launcherVisibleAt = performance.now();
      observer.disconnect();
    }
  }
  var observer = new MutationObserver(check);
  observer.observe(document.documentElement, {subtree: true, childList: true, attributes: true});
  (function everyFrame() {
    check();
    if (window.__launcherVisibleAt === undefined) requestAnimationFrame(everyFrame);
  })();
  // When the script and the widget's settings had arrived, from Resource Timing (the widget
  // fetches through a hidden iframe of its own, which has a timeline of its own).
  window.__arrivals = function () {
    var arrived = {};
    function scan(timeline) {
      var shift = timeline.timeOrigin - performance.timeOrigin;
      timeline.getEntriesByType("resource").forEach(function (entry) {
        var at = entry.responseEnd + shift - window.__scriptInsertedAt;
        if (/\/widget\.js$/.test(entry.name)) arrived.script = at;
        if (/\/api\/widget\/config/.test(entry.name)) {
          arrived.configAsked = entry.startTime + shift - window.__scriptInsertedAt;
          arrived.config = at;
        }
      });
    }
    scan(performance);
    var host = document.querySelector("perceptron-widget");
    var frames = host && host.shadowRoot ? host.shadowRoot.querySelectorAll("iframe") : [];
    Array.prototype.forEach.call(frames, function (frame) {
      try { scan(frame.contentWindow.performance); } catch (error) {}
    });
    return arrived;
  };
  var script = document.createElement("script");
  script.src = API + "/widget.js";
  script.async = true;
  script.setAttribute("data-key", KEY);
  window.__scriptInsertedAt = performance.now();
  document.body.appendChild(script);
})();
</script>
</body></html>
"""


def sizes(script: Path) -> tuple[int, int]:
    data = script.read_bytes()
    return len(data), len(gzip.compress(data, compresslevel=9))


@contextlib.contextmanager
def static_site(page: str) -> Iterator[str]:
    """``page`` at ``/`` of a local HTTP server on a thread; yields its base URL."""
    body = page.encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, name="bench-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@dataclass(frozen=True)
class Load:
    """Milliseconds from inserting the script tag to..."""

    visible: float  # the launcher visible, as the page saw it
    seen: float  # the launcher visible, as Playwright's visibility check saw it
    script: float  # widget.js received
    config_asked: float  # /api/widget/config requested (its CORS preflight first)
    config: float  # /api/widget/config answered


async def launcher_times(site: str, runs: int) -> list[Load]:
    from playwright.async_api import async_playwright

    loads: list[Load] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS
        )
        try:
            for run in range(runs + 1):  # the first one warms the browser and the API up
                context = await browser.new_context()
                try:
                    load = await one_load(await context.new_page(), site)
                finally:
                    await context.close()
                if run:
                    loads.append(load)
        finally:
            await browser.close()
    return loads


async def one_load(page: Page, site: str) -> Load:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(f"{site}/")
    await page.locator('[data-testid="launcher"]').wait_for(
        state="visible", timeout=VISIBLE_TIMEOUT_MS
    )
    seen = float(await page.evaluate("performance.now()"))
    await page.wait_for_function(
        "window.__launcherVisibleAt !== undefined", timeout=VISIBLE_TIMEOUT_MS
    )
    inserted, visible, arrived = await page.evaluate(
        "[window.__scriptInsertedAt, window.__launcherVisibleAt, window.__arrivals()]"
    )
    if errors:
        raise RuntimeError(f"the page had errors: {errors}")
    if "script" not in arrived or "config" not in arrived:
        raise RuntimeError(f"no resource timing for the script or the settings: {arrived}")
    return Load(
        visible=float(visible) - float(inserted),
        seen=seen - float(inserted),
        script=float(arrived["script"]),
        config_asked=float(arrived["configAsked"]),
        config=float(arrived["config"]),
    )


async def measure_launcher(runs: int) -> list[Load]:
    async with running_stack() as stack, serving_api(stack.settings, stack.embedder) as api:
        org_id = await stack.create_organization("Lumen")
        async with platform_session(stack.session_maker) as session:
            organization = (
                await session.exec(select(Organization).where(Organization.id == org_id))
            ).one()
        page = PAGE.replace("__API__", json.dumps(api)).replace(
            "__KEY__", json.dumps(organization.public_key)
        )
        with static_site(page) as site:
            return await launcher_times(site, runs)


def run(options: Options) -> BenchResult:
    if not SCRIPT.exists():
        return BenchResult(
            name=NAME,
            metrics=[],
            parameters={"script": str(SCRIPT.relative_to(REPO))},
            skipped="run make widget",
        )
    raw, gzipped = sizes(SCRIPT)
    gzip_kb = gzipped / KB
    metrics = [
        Metric("script_raw", raw / KB, "KB"),
        Metric("gzip_budget", GZIP_BUDGET_KB, "KB"),
        Metric("script_gzip", gzip_kb, "KB", baseline="gzip_budget"),
        Metric("chatwoot_gzip_reference", CHATWOOT_GZIP_KB, "KB"),
        Metric("script_gzip_vs_chatwoot", gzip_kb, "KB", baseline="chatwoot_gzip_reference"),
        Metric("crisp_gzip_reference", CRISP_GZIP_KB, "KB"),
        Metric("script_gzip_vs_crisp", gzip_kb, "KB", baseline="crisp_gzip_reference"),
    ]
    parameters: dict[str, int | float | str] = {
        "script": str(SCRIPT.relative_to(REPO)),
        "raw_bytes": raw,
        "gzip_bytes": gzipped,
        "gzip_level": 9,
        "references": "Chatwoot ~170 KB, Crisp ~130 KB gzipped (approximate, not measured here)",
    }
    samples: dict[str, list[float]] = {}
    if not CHROMIUM.exists():
        parameters["launcher"] = (
            f"not measured: no Chromium at {CHROMIUM} (apt-get install chromium)"
        )
    else:
        runs = options.repeat or DEFAULT_RUNS
        load_before = load_average()
        loads = asyncio.run(measure_launcher(runs))
        load_after = load_average()
        samples = {
            "launcher_visible": [round(load.visible, 2) for load in loads],
            "launcher_visible_playwright": [round(load.seen, 2) for load in loads],
            "script_received": [round(load.script, 2) for load in loads],
            "config_requested": [round(load.config_asked, 2) for load in loads],
            "config_received": [round(load.config, 2) for load in loads],
        }
        metrics += [
            Metric("launcher_visible_p50", p50(samples["launcher_visible"]), "ms"),
            Metric("launcher_visible_p95", p95(samples["launcher_visible"]), "ms"),
            Metric("launcher_playwright_p50", p50(samples["launcher_visible_playwright"]), "ms"),
            Metric("launcher_playwright_p95", p95(samples["launcher_visible_playwright"]), "ms"),
            Metric("script_received_p50", p50(samples["script_received"]), "ms"),
            Metric("config_requested_p50", p50(samples["config_requested"]), "ms"),
            Metric("config_received_p50", p50(samples["config_received"]), "ms"),
        ]
        parameters.update(
            runs=runs,
            warmup_runs=1,
            browser=f"{CHROMIUM} headless, fresh context per run",
            page="another origin than the API; script tag inserted by the page",
            load_average_before=round(load_before, 2),
            load_average_after=round(load_after, 2),
        )
    return BenchResult(name=NAME, metrics=metrics, parameters=parameters, samples=samples)
