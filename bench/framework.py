"""What a benchmark returns, and how results are stored and shown.

Absolute timings say little across machines, so a metric may name a baseline measured in the
same run; it is then also shown as a ratio to it, which does travel. Nothing here passes or
fails on a number: a benchmark either produces its figures or crashes.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"

Parameter = int | float | str


@dataclass(frozen=True)
class Options:
    """What the command line may change; ``None`` leaves the benchmark's own default."""

    repeat: int | None = None
    cold: int | None = None
    limit: int | None = None  # corpus benchmarks: only the first N articles
    chunks: int | None = None  # `recall`: how many synthetic chunks to index


@dataclass(frozen=True)
class Metric:
    name: str
    value: float
    unit: str
    baseline: str | None = None  # the name of another metric of the same result


@dataclass
class BenchResult:
    name: str
    metrics: list[Metric]
    parameters: dict[str, Parameter]
    samples: dict[str, list[float]] = field(default_factory=dict)  # raw figures behind p50s
    skipped: str | None = None  # why nothing was measured (a missing setting, say)

    def ratio(self, metric: Metric) -> float | None:
        """The metric against its baseline, when it has one measured in this run."""
        if metric.baseline is None:
            return None
        base = {m.name: m for m in self.metrics}[metric.baseline]
        return metric.value / base.value if base.value else None


Benchmark = Callable[[Options], BenchResult]


def p50(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def machine() -> dict[str, Parameter]:
    """Enough about the machine to know whether two result files are comparable."""
    return {
        "cpu_count": os.cpu_count() or 0,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def write_result(result: BenchResult, directory: Path = RESULTS_DIR) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{result.name}.json"
    document = {
        "name": result.name,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "parameters": result.parameters,
        "metrics": [
            {
                "name": m.name,
                "value": m.value,
                "unit": m.unit,
                "baseline": m.baseline,
                "ratio": result.ratio(m),
            }
            for m in result.metrics
        ],
        "samples": result.samples,
        "skipped": result.skipped,
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


def format_table(results: Sequence[BenchResult], crashed: Sequence[str] = ()) -> str:
    """One plain-text table of every metric of every benchmark that ran."""
    rows = [("benchmark", "metric", "value", "unit", "ratio", "baseline")]
    for result in results:
        if result.skipped is not None:
            rows.append((result.name, f"(skipped: {result.skipped})", "", "", "", ""))
        for m in result.metrics:
            ratio = result.ratio(m)
            rows.append(
                (
                    result.name,
                    m.name,
                    f"{m.value:.3f}",
                    m.unit,
                    "" if ratio is None else f"{ratio:.2f}",
                    m.baseline or "",
                )
            )
    rows += [(name, "(crashed)", "", "", "", "") for name in crashed]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    numeric = {2, 4}  # right-align numbers so that their points line up
    lines = [
        "  ".join(
            cell.rjust(width) if i in numeric else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)
