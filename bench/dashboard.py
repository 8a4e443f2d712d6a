"""`dashboard`: how much JavaScript the operator dashboard makes a browser load.

First load: what ``dashboard/dist/index.html`` names (its module script and the chunks it
preloads, the code every signed-in page needs, the inbox included) and its stylesheets,
gzipped at level 9, against the 250 KB budget. The screens loaded on demand (Knowledge,
Analytics, Settings, Privacy) are counted apart, as is everything together.

Without a built dashboard the benchmark says it was skipped ("run make dashboard").
"""

from __future__ import annotations

import gzip
from html.parser import HTMLParser
from pathlib import Path

from bench.framework import BenchResult, Metric, Options
from bench.stack import REPO

NAME = "dashboard"
DIST = REPO / "dashboard" / "dist"
KB = 1024
FIRST_LOAD_BUDGET_KB = 250.0


class _Assets(HTMLParser):
    """The script, preloaded chunks and stylesheets that index.html names."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.styles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script" and named.get("src"):
            self.scripts.append(str(named["src"]))
        elif tag == "link" and named.get("rel") == "modulepreload" and named.get("href"):
            self.scripts.append(str(named["href"]))
        elif tag == "link" and named.get("rel") == "stylesheet" and named.get("href"):
            self.styles.append(str(named["href"]))


def _file(url: str) -> Path:
    return DIST / url.removeprefix("/dashboard/")


def _gzipped(paths: list[Path]) -> tuple[int, int]:
    raw = sum(path.stat().st_size for path in paths)
    packed = sum(len(gzip.compress(path.read_bytes(), compresslevel=9)) for path in paths)
    return raw, packed


def run(options: Options) -> BenchResult:
    index = DIST / "index.html"
    if not index.exists():
        return BenchResult(name=NAME, metrics=[], parameters={}, skipped="run make dashboard")
    assets = _Assets()
    assets.feed(index.read_text(encoding="utf-8"))
    first = [_file(url) for url in assets.scripts]
    every = sorted((DIST / "assets").glob("*.js"))
    later = [path for path in every if path not in first]
    first_raw, first_gzip = _gzipped(first)
    _, styles_gzip = _gzipped([_file(url) for url in assets.styles])
    _, later_gzip = _gzipped(later)
    _, total_gzip = _gzipped(every)
    metrics = [
        Metric("first_load_budget", FIRST_LOAD_BUDGET_KB, "KB"),
        Metric("first_load_js_gzip", first_gzip / KB, "KB", baseline="first_load_budget"),
        Metric("first_load_js_raw", first_raw / KB, "KB"),
        Metric("first_load_css_gzip", styles_gzip / KB, "KB"),
        Metric("on_demand_js_gzip", later_gzip / KB, "KB"),
        Metric("all_js_gzip", total_gzip / KB, "KB"),
    ]
    parameters: dict[str, int | float | str] = {
        "first_load_files": len(first),
        "on_demand_files": len(later),
        "gzip_level": 9,
    }
    return BenchResult(name=NAME, metrics=metrics, parameters=parameters)
