"""`ingest`: the help-center corpus through the real ingestion pipeline, against embedding alone.

End to end: every article is added as an import does (``KnowledgeBase.add_files``, which
starts one IngestBatchWorkflow per eight articles: ``perceptron ingest`` on a folder), then
again into a second organization as single uploads do (``add_file``, one
IngestDocumentWorkflow each); the real workers extract, chunk, store, embed and finish them;
each clock stops when the database shows every document ready or failed. Baseline, measured
in the same run with the same loaded model: the same articles extracted, chunked and embedded
(batches of 64) in one loop, no database, no Temporal. Their ratio is the pipeline's
overhead, which is what travels across machines. Wall time suffers when other work shares
the machine, so CPU time (this process and PostgreSQL and Temporal under it) is compared
too, with the load average before and after in the parameters.

Needs the corpus (``PERCEPTRON_CORPUS_DIR``); without it the benchmark says it was skipped.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass

from agents.knowledge.chunking import chunk_document, sizes_for
from agents.knowledge.extraction import extract
from agents.providers.embeddings import LocalMiniLMEmbedder
from bench.corpus import MISSING_CORPUS, Article, Ingested, corpus_articles, ingest_articles
from bench.framework import BenchResult, Metric, Options
from bench.stack import cpu_seconds, load_average, running_stack
from core.settings import Settings

NAME = "ingest"
BASELINE_BATCH = 64


@dataclass(frozen=True)
class Baseline:
    chunks: int
    prepare_seconds: float  # extract + chunk
    embed_seconds: float
    cpu_seconds: float

    @property
    def seconds(self) -> float:
        return self.prepare_seconds + self.embed_seconds


async def embed_alone(embedder: LocalMiniLMEmbedder, articles: Sequence[Article]) -> Baseline:
    """What ingestion costs without the pipeline: extract, chunk, embed, in one loop."""
    started = time.perf_counter()
    cpu_started = cpu_seconds()
    texts: list[str] = []
    for article in articles:
        document = extract(article.read(), article.file.name, "text/markdown")
        sizes = sizes_for(embedder.max_input_tokens)
        chunks = chunk_document(
            document,
            embedder.count_tokens,
            target_tokens=sizes.target_tokens,
            max_tokens=sizes.max_tokens,
            overlap_tokens=sizes.overlap_tokens,
        )
        texts += [c.embedding_text() for c in chunks]
    prepared = time.perf_counter()
    for start in range(0, len(texts), BASELINE_BATCH):
        await embedder.embed_documents(texts[start : start + BASELINE_BATCH])
    embedded = time.perf_counter()
    return Baseline(
        len(texts), prepared - started, embedded - prepared, cpu_seconds() - cpu_started
    )


async def measure(articles: Sequence[Article]) -> BenchResult:
    async with running_stack() as stack:
        await stack.embedder.embed_documents(["warm up the model"])  # loads it, off the clock
        baseline = await embed_alone(stack.embedder, articles)
        print(
            f"   embed alone: {baseline.chunks} chunks in {baseline.seconds:.1f}s "
            f"(extract+chunk {baseline.prepare_seconds:.1f}s; {baseline.cpu_seconds:.0f} CPU s)",
            flush=True,
        )
        org_id = await stack.create_organization("Arduino help center")
        load_before = load_average()
        cpu_started = cpu_seconds()
        run = await ingest_articles(stack.knowledge, stack.session_maker, org_id, articles)
        run_cpu = cpu_seconds() - cpu_started
        load_after = load_average()
        _report("end to end (import)", len(articles), run, run_cpu, load_before, load_after)
        uploads_org = await stack.create_organization("Arduino help center, uploaded")
        uploads_cpu_started = cpu_seconds()
        uploads = await ingest_articles(
            stack.knowledge, stack.session_maker, uploads_org, articles, bulk=False
        )
        uploads_cpu = cpu_seconds() - uploads_cpu_started
        _report("one upload each", len(articles), uploads, uploads_cpu, load_after, load_average())
    return BenchResult(
        name=NAME,
        metrics=[
            Metric("documents_per_s", len(articles) / run.seconds, "docs/s"),
            Metric("chunks_per_s", run.chunks / run.seconds, "chunks/s"),
            Metric("embed_alone_chunks_per_s", baseline.chunks / baseline.seconds, "chunks/s"),
            Metric("failed", len(run.failed), "docs"),
            Metric("embed_alone_s", baseline.seconds, "s"),
            Metric("end_to_end_s", run.seconds, "s", baseline="embed_alone_s"),
            Metric("embed_alone_cpu_s", baseline.cpu_seconds, "s"),
            Metric("end_to_end_cpu_s", run_cpu, "s", baseline="embed_alone_cpu_s"),
            Metric("uploads_end_to_end_s", uploads.seconds, "s", baseline="embed_alone_s"),
            Metric("uploads_end_to_end_cpu_s", uploads_cpu, "s", baseline="embed_alone_cpu_s"),
        ],
        parameters={
            "documents": len(articles),
            "chunks": run.chunks,
            "baseline_chunks": baseline.chunks,
            "baseline_extract_chunk_s": round(baseline.prepare_seconds, 3),
            "baseline_batch": BASELINE_BATCH,
            "embedding_model": stack.embedder.model_name,
            "load_average_before": round(load_before, 2),
            "load_average_after": round(load_after, 2),
        },
    )


def _report(
    label: str, documents: int, run: Ingested, cpu: float, load_before: float, load_after: float
) -> None:
    print(
        f"   {label}: {documents} documents, {run.chunks} chunks in {run.seconds:.1f}s "
        f"({cpu:.0f} CPU s, load {load_before:.1f} -> {load_after:.1f}), "
        f"{len(run.failed)} failed",
        flush=True,
    )
    for path, reason in run.failed.items():
        print(f"   failed: {path}: {reason}", flush=True)


def run(options: Options) -> BenchResult:
    corpus = Settings().corpus_dir
    if corpus is None:
        print(f"   skipped: {MISSING_CORPUS}", flush=True)
        return BenchResult(name=NAME, metrics=[], parameters={}, skipped=MISSING_CORPUS)
    return asyncio.run(measure(corpus_articles(corpus, options.limit)))
