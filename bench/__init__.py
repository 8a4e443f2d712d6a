"""Benchmarks of the whole product, run with `make bench` (``python -m bench``).

Each benchmark is a module here with a ``run(options) -> BenchResult`` function, listed once in
``bench.__main__.BENCHMARKS``. Results go to ``bench/results/<name>.json``.
"""
