"""`recall`: what the HNSW index loses against exact search, and what it saves, on 100k chunks.

Synthetic but shaped like a knowledge base: unit vectors (384-d, the local model's size) drawn
around 200 gaussian cluster centres, spread over four organizations (one with 70%, three with
10% each) that share the same clusters, so a small organization's neighbours are mostly other
tenants' rows and the organization filter relies on pgvector's iterative scan. They are loaded
with binary COPY into ``knowledge_chunks`` with the index dropped, then the index is rebuilt
from its own definition (the migration's: m=16, ef_construction=64, cosine), which is timed.

Each of 200 held-out query vectors runs twice through the product's own query (``Retriever``'s
vector search: iterative scan relaxed_order, ef_search 100, the organization filter, top 10
with their documents): once as is, once with ``SET LOCAL enable_indexscan = off``, which is
exact. EXPLAIN checks that the first plan uses the HNSW index and the second does not.
Recall@10 is the share of the exact top 10 that the index returns. No embedder and no
Temporal are needed.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import psycopg
from numpy.typing import NDArray
from pgvector.psycopg import register_vector
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from agents.knowledge.retrieval import Retriever
from agents.providers.embeddings import MINILM_DIMENSIONS, MINILM_MODEL_NAME
from bench.framework import BenchResult, Metric, Options
from bench.stack import create_organization, embedded_database
from core.db import SessionMaker, create_engine, create_session_maker, org_session
from core.logging import configure_logging
from core.models import DocumentStatus, KnowledgeDocument

NAME = "recall"
DEFAULT_CHUNKS = 100_000
DIMENSIONS = MINILM_DIMENSIONS
CLUSTERS = 200
QUERIES = 200
WARMUP = 20  # queries per variant run before the clock, to load the pages they touch
K = 10
EF_SEARCH = 100  # the Retriever's default
SEED = 20_250_611
ORG_SHARES = (0.7, 0.1, 0.1, 0.1)  # the first is the big organization, the second a small one
CHUNKS_PER_DOCUMENT = 50
SPREAD = (0.03, 0.08)  # per-dimension noise around a centre, drawn per cluster
INDEX = "ix_knowledge_chunks_embedding_hnsw"
BUILD_MEMORY = "1GB"  # maintenance_work_mem for the build, so the graph is built in memory

Vectors = NDArray[np.float32]
# Binary COPY needs every column's type, in the order of the column list in load().
CHUNK_TYPES = ["uuid", "uuid", "uuid", "int4", "text", "varchar", "varchar", "int4", "vector"]
CHUNK_TYPES += ["varchar", "int4", "timestamptz"]


def _normalised(vectors: NDArray[np.float64]) -> Vectors:
    normalised: Vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(
        np.float32
    )
    return normalised


@dataclass(frozen=True)
class Dataset:
    vectors: Vectors  # one row per chunk
    owners: NDArray[np.int64]  # index into the organizations, per chunk
    queries: Vectors


def synthetic(chunks: int, seed: int = SEED) -> Dataset:
    rng = np.random.default_rng(seed)
    centres = _normalised(rng.standard_normal((CLUSTERS, DIMENSIONS)))
    spreads = rng.uniform(*SPREAD, size=CLUSTERS)

    def around(count: int) -> Vectors:
        cluster = rng.integers(0, CLUSTERS, size=count)
        noise = rng.standard_normal((count, DIMENSIONS)) * spreads[cluster, np.newaxis]
        return _normalised(centres[cluster] + noise)

    sizes = [int(chunks * share) for share in ORG_SHARES]
    sizes[0] += chunks - sum(sizes)
    owners = np.repeat(np.arange(len(sizes)), sizes)
    return Dataset(vectors=around(chunks), owners=owners, queries=around(QUERIES))


@dataclass(frozen=True)
class Loaded:
    org_ids: list[uuid.UUID]
    insert_seconds: float
    build_seconds: float
    index_definition: str


def _plain_dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _documents(
    org_ids: Sequence[uuid.UUID], owners: NDArray[np.int64]
) -> list[tuple[uuid.UUID, uuid.UUID, int]]:
    """(document id, org id, ordinal) per chunk: each organization's chunks in documents of
    CHUNKS_PER_DOCUMENT."""
    seen = [0] * len(org_ids)
    document = [uuid.uuid4() for _ in org_ids]
    rows = []
    for owner in owners.tolist():
        ordinal = seen[owner] % CHUNKS_PER_DOCUMENT
        if ordinal == 0:
            document[owner] = uuid.uuid4()
        seen[owner] += 1
        rows.append((document[owner], org_ids[owner], ordinal))
    return rows


async def create_owners(
    session_maker: SessionMaker, data: Dataset
) -> list[tuple[uuid.UUID, uuid.UUID, int]]:
    """The organizations and their ready documents, through the models (so every column
    gets the product's defaults); returns (document id, org id, ordinal) per chunk."""
    org_ids = [
        await create_organization(session_maker, f"Recall {i}") for i in range(len(ORG_SHARES))
    ]
    rows = _documents(org_ids, data.owners)
    sizes: dict[uuid.UUID, tuple[uuid.UUID, int]] = {}
    for document_id, org_id, ordinal in rows:
        sizes[document_id] = (org_id, ordinal + 1)
    for org_id in org_ids:
        async with org_session(session_maker, org_id) as session:
            session.add_all(
                KnowledgeDocument(
                    id=document_id,
                    org_id=org_id,
                    title="Synthetic",
                    status=DocumentStatus.READY,
                    embedding_model=MINILM_MODEL_NAME,
                    chunk_count=count,
                    chunks_embedded=count,
                )
                for document_id, (owner, count) in sizes.items()
                if owner == org_id
            )
    return rows


def load(url: str, data: Dataset, rows: Sequence[tuple[uuid.UUID, uuid.UUID, int]]) -> Loaded:
    """The chunks by binary COPY with the HNSW index dropped, then the index rebuilt from its
    own definition."""
    now = datetime.now(UTC)
    org_ids = list(dict.fromkeys(org_id for _, org_id, _ in rows))
    with psycopg.connect(_plain_dsn(url)) as connection:
        register_vector(connection)
        definition = connection.execute("SELECT pg_get_indexdef(%s::regclass)", (INDEX,)).fetchone()
        assert definition is not None, f"the migrations define no {INDEX}"
        index_definition = str(definition[0])
        connection.execute(f"DROP INDEX {INDEX}")
        connection.commit()

        started = time.perf_counter()
        with (
            connection.cursor() as cursor,
            cursor.copy(
                "COPY knowledge_chunks (id, org_id, document_id, ordinal, content, title, "
                "section, token_count, embedding, embedding_model, embedding_dimensions, "
                "created_at) FROM STDIN (FORMAT BINARY)"
            ) as copy,
        ):
            copy.set_types(CHUNK_TYPES)
            for (document_id, org_id, ordinal), vector in zip(rows, data.vectors, strict=True):
                copy.write_row(
                    (
                        uuid.uuid4(),
                        org_id,
                        document_id,
                        ordinal,
                        "synthetic passage",
                        "Synthetic",
                        "",
                        2,
                        vector,
                        MINILM_MODEL_NAME,
                        DIMENSIONS,
                        now,
                    )
                )
        connection.commit()
        insert_seconds = time.perf_counter() - started

        started = time.perf_counter()
        connection.execute(f"SET maintenance_work_mem = '{BUILD_MEMORY}'")
        connection.execute(index_definition)
        connection.commit()
        build_seconds = time.perf_counter() - started
        connection.execute("ANALYZE knowledge_chunks")
        connection.execute("ANALYZE knowledge_documents")
        connection.commit()
    return Loaded(org_ids, insert_seconds, build_seconds, index_definition)


class _VectorsOnly:
    """The Retriever needs only the model name to filter by: no model is loaded here."""

    model_name = MINILM_MODEL_NAME
    dimensions = MINILM_DIMENSIONS
    max_input_tokens = 254

    def count_tokens(self, text: str) -> int:
        raise NotImplementedError

    async def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        raise NotImplementedError

    async def embed_query(self, text: str) -> list[float]:
        raise NotImplementedError


EXACT = "SET LOCAL enable_indexscan = off"


@dataclass
class Searcher:
    retriever: Retriever
    session_maker: SessionMaker

    async def nearest(
        self, org_id: uuid.UUID, vector: list[float], *, exact: bool
    ) -> list[uuid.UUID]:
        async with org_session(self.session_maker, org_id) as session:
            await self.retriever._tune_search(session)
            if exact:
                await (await session.connection()).execute(text(EXACT))
            passages = await self.retriever._load(session, vector, limit=K)
            return [passage.chunk_id for passage in passages]


@asynccontextmanager
async def captured_statements(engine: AsyncEngine) -> AsyncIterator[list[tuple[str, Any]]]:
    """The SQL (and parameters) the engine sends while the block runs."""
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", capture)


async def plan(
    engine: AsyncEngine, searcher: Searcher, org_id: uuid.UUID, vector: list[float], *, exact: bool
) -> str:
    """EXPLAIN of the very statement (and parameters) the Retriever sent for this query."""
    async with captured_statements(engine) as seen:
        await searcher.nearest(org_id, vector, exact=exact)
    statement, parameters = next((s, p) for s, p in seen if "knowledge_chunks" in s)
    settings = [(s, p) for s, p in seen if s.startswith(("SET LOCAL", "SELECT set_config"))]
    async with engine.connect() as connection, connection.begin():
        for setting, setting_parameters in settings:
            await connection.exec_driver_sql(setting, setting_parameters)
        rows = (await connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)).all()
    return "\n".join(str(row[0]) for row in rows)


_DETAILS = ("Sort Key", "Filter", "Order By", "Index Cond", "Recheck Cond", "Workers")


def _plan_summary(explained: str) -> str:
    """The plan's node names, outermost first: enough to see which path it takes."""
    nodes = []
    for line in explained.splitlines():
        node = line.strip().removeprefix("->").strip().split("  (")[0]
        if node and not node.startswith(_DETAILS):
            nodes.append(node)
    return " > ".join(nodes)


@dataclass(frozen=True)
class OrgFigures:
    recall: float
    hnsw_ms: list[float]
    exact_ms: list[float]
    hnsw_plan: str
    exact_plan: str


def _percentile(samples: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(samples), q))


async def measure_org(
    engine: AsyncEngine, searcher: Searcher, org_id: uuid.UUID, queries: Vectors
) -> OrgFigures:
    vectors = [q.tolist() for q in queries]
    for vector in vectors[:WARMUP]:
        await searcher.nearest(org_id, vector, exact=False)
        await searcher.nearest(org_id, vector, exact=True)
    hnsw_ms: list[float] = []
    exact_ms: list[float] = []
    recalls: list[float] = []
    for vector in vectors:
        started = time.perf_counter()
        approximate = await searcher.nearest(org_id, vector, exact=False)
        hnsw_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        truth = await searcher.nearest(org_id, vector, exact=True)
        exact_ms.append((time.perf_counter() - started) * 1000)
        recalls.append(len(set(approximate) & set(truth)) / max(len(truth), 1))
    return OrgFigures(
        recall=float(np.mean(recalls)),
        hnsw_ms=hnsw_ms,
        exact_ms=exact_ms,
        hnsw_plan=await plan(engine, searcher, org_id, vectors[0], exact=False),
        exact_plan=await plan(engine, searcher, org_id, vectors[0], exact=True),
    )


async def measure(url: str, data: Dataset) -> tuple[Loaded, dict[str, OrgFigures]]:
    engine = create_engine(url, pool_size=2)
    try:
        session_maker = create_session_maker(engine)
        rows = await create_owners(session_maker, data)
        loaded = load(url, data, rows)  # blocking, with nothing else to run meanwhile
        print(
            f"   COPY {loaded.insert_seconds:.1f}s, HNSW build {loaded.build_seconds:.1f}s",
            flush=True,
        )
        retriever = Retriever(session_maker, _VectorsOnly(), ef_search=EF_SEARCH)
        searcher = Searcher(retriever, session_maker)
        figures = {
            "big": await measure_org(engine, searcher, loaded.org_ids[0], data.queries),
            "small": await measure_org(engine, searcher, loaded.org_ids[1], data.queries),
        }
        return loaded, figures
    finally:
        await engine.dispose()


def run(options: Options) -> BenchResult:
    chunks = options.chunks or DEFAULT_CHUNKS
    configure_logging("console", "WARNING")
    started = time.perf_counter()
    data = synthetic(chunks)
    print(f"   generated {chunks} vectors in {time.perf_counter() - started:.1f}s", flush=True)
    with embedded_database() as postgres:
        loaded, figures = asyncio.run(measure(postgres.url, data))

    metrics: list[Metric] = [
        Metric("copy_chunks_s", loaded.insert_seconds, "s"),
        Metric("index_build_s", loaded.build_seconds, "s"),
    ]
    parameters: dict[str, int | float | str] = {
        "chunks": chunks,
        "organizations": "/".join(str(int(share * chunks)) for share in ORG_SHARES),
        "clusters": CLUSTERS,
        "queries": QUERIES,
        "k": K,
        "ef_search": EF_SEARCH,
        "build_maintenance_work_mem": BUILD_MEMORY,
        "index": loaded.index_definition,
        "seed": SEED,
    }
    for org, figure in figures.items():
        uses_index = INDEX in figure.hnsw_plan
        exact_uses_index = INDEX in figure.exact_plan
        if exact_uses_index:  # then there is no ground truth to measure against
            raise RuntimeError(f"the exact query used the HNSW index:\n{figure.exact_plan}")
        print(
            f"   {org} org: recall@10 {figure.recall:.3f}; plan uses the index: "
            f"hnsw {uses_index}, exact {exact_uses_index}",
            flush=True,
        )
        metrics += [
            Metric(f"recall_at_10_{org}_org", figure.recall, ""),
            Metric(f"exact_p50_{org}_org", _percentile(figure.exact_ms, 50), "ms"),
            Metric(f"exact_p95_{org}_org", _percentile(figure.exact_ms, 95), "ms"),
            Metric(
                f"hnsw_p50_{org}_org",
                _percentile(figure.hnsw_ms, 50),
                "ms",
                baseline=f"exact_p50_{org}_org",
            ),
            Metric(
                f"hnsw_p95_{org}_org",
                _percentile(figure.hnsw_ms, 95),
                "ms",
                baseline=f"exact_p95_{org}_org",
            ),
        ]
        parameters[f"{org}_org_hnsw_plan_uses_index"] = int(uses_index)
        parameters[f"{org}_org_exact_plan_uses_index"] = int(exact_uses_index)
        parameters[f"{org}_org_hnsw_plan"] = _plan_summary(figure.hnsw_plan)
        parameters[f"{org}_org_exact_plan"] = _plan_summary(figure.exact_plan)
    return BenchResult(
        name=NAME,
        metrics=metrics,
        parameters=parameters,
        samples={
            f"{kind}_{org}_ms": getattr(figure, f"{kind}_ms")
            for org, figure in figures.items()
            for kind in ("hnsw", "exact")
        },
    )
