"""`python -m bench [NAME ...]`: run the benchmarks, store each result, print one table.

The exit code is 0 unless a benchmark crashed: slow figures are for people to read, not a
failure, since they depend on the machine.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence

from bench import (
    answers,
    dashboard,
    inbox,
    ingest,
    purge,
    recall,
    retrieval_quality,
    speech,
    turns,
    up,
    voice,
    widget,
)
from bench.framework import Benchmark, BenchResult, Options, format_table, write_result

BENCHMARKS: dict[str, Benchmark] = {
    "up": up.run,
    "ingest": ingest.run,
    "recall": recall.run,
    "retrieval": retrieval_quality.run,
    "answers": answers.run,
    "turns": turns.run,
    "turns-concurrent": turns.run_concurrent,
    "turns-keyless": turns.run_keyless,
    "widget": widget.run,
    "dashboard": dashboard.run,
    "purge": purge.run,
    "inbox": inbox.run_list,
    "inbox-live": inbox.run_live,
    "stt-wer": speech.run_wer,
    "speech": speech.run_speech,
    "voice": voice.run_voice,
    "voice-offline": voice.run_offline,
}


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"benchmarks to run (default: all of {', '.join(BENCHMARKS)})",
    )
    parser.add_argument("--repeat", type=_positive, help="measured runs (warm runs for `up`)")
    parser.add_argument("--cold", type=_positive, help="runs from a fresh state, where it applies")
    parser.add_argument(
        "--limit",
        type=_positive,
        help="`ingest`, `retrieval`: only the first N corpus articles; "
        "`purge`: conversations to seed (default 10000)",
    )
    parser.add_argument(
        "--chunks", type=_positive, help="`recall`: synthetic chunks to index (default 100000)"
    )
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    options = Options(repeat=args.repeat, cold=args.cold, limit=args.limit, chunks=args.chunks)

    results: list[BenchResult] = []
    crashed: list[str] = []
    for name in args.names or list(BENCHMARKS):
        print(f"== {name}", flush=True)
        try:
            result = BENCHMARKS[name](options)
        except Exception:
            traceback.print_exc()
            crashed.append(name)
            continue
        results.append(result)
        print(f"   wrote {write_result(result)}", flush=True)
    print()
    print(format_table(results, crashed))
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
