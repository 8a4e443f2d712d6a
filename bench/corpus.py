"""The Arduino help-center corpus and its question set, shared by the benchmarks and the corpus
test suite.

The articles are never copied into the repository: they are read from the folder the
``corpus_dir`` setting (``PERCEPTRON_CORPUS_DIR``) names. Questions name their target
articles by path relative to its ``content/`` folder.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy import func
from sqlmodel import col, select

from core.db import SessionMaker, org_session
from core.models import DocumentStatus, KnowledgeDocument
from services.knowledge import INGEST_BATCH_DOCUMENTS, KnowledgeBase, Upload

QUESTION_SET = Path(__file__).resolve().parent / "questions" / "arduino"
QUESTIONS = QUESTION_SET / "retrieval.yaml"
MISSING_CORPUS = "set PERCEPTRON_CORPUS_DIR to the arduino-help-center corpus"


@dataclass(frozen=True)
class Article:
    path: str  # relative to the corpus's content/ folder, as the question set names it
    file: Path

    def read(self) -> bytes:
        return self.file.read_bytes()


@dataclass(frozen=True)
class LabelledQuestion:
    """One question of the labelled set (``bench/questions/arduino/*.yaml``)."""

    id: str
    split: str  # "fit": for fitting and tuning; "test": only reported
    text: str
    history: tuple[str, ...]  # earlier visitor messages, for a follow-up
    articles: tuple[str, ...]  # answerable: the articles that answer it, best first
    facts: tuple[str, ...]  # answerable: phrases a correct answer contains
    why: str  # unanswerable: what the corpus lacks
    exact_token: bool

    @property
    def answerable(self) -> bool:
        return bool(self.articles)


@dataclass(frozen=True)
class Question:
    text: str
    articles: tuple[str, ...]  # paths of the articles that answer it, best first
    facts: tuple[str, ...]
    exact_token: bool  # it quotes an error message or product code


def content_dir(corpus_dir: Path) -> Path:
    """The folder of articles: ``content/`` in the corpus, or the folder itself."""
    content = corpus_dir / "content"
    return content if content.is_dir() else corpus_dir


def corpus_articles(corpus_dir: Path, limit: int | None = None) -> list[Article]:
    """Every Markdown article in a stable order (by path), or the first ``limit``."""
    root = content_dir(corpus_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"the corpus folder {root} does not exist")
    files = sorted(root.rglob("*.md"), key=lambda file: file.relative_to(root).as_posix())
    articles = [Article(file.relative_to(root).as_posix(), file) for file in files]
    if not articles:
        raise FileNotFoundError(f"the corpus folder {root} holds no Markdown articles")
    return articles[:limit] if limit else articles


def load_labelled(folder: Path = QUESTION_SET) -> list[LabelledQuestion]:
    """Every labelled question of the set, file by file (sorted), in file order."""
    questions = [q for file in sorted(folder.glob("*.yaml")) for q in _labelled(file)]
    ids = [question.id for question in questions]
    if len(set(ids)) != len(ids):
        raise ValueError(f"question ids repeat in {folder}")
    return questions


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    """The answerable questions of one file of the set (the retrieval questions by
    default), as the retrieval benchmark and the corpus suite read them."""
    return [
        Question(q.text, q.articles, q.facts, q.exact_token)
        for q in _labelled(path)
        if q.answerable
    ]


def _labelled(file: Path) -> list[LabelledQuestion]:
    document = yaml.safe_load(file.read_text()) or {}
    return [
        LabelledQuestion(
            id=str(item["id"]),
            split=str(item["split"]),
            text=str(item["question"]),
            history=tuple(str(text) for text in item.get("history", [])),
            articles=tuple(str(path) for path in item.get("articles", [])),
            facts=tuple(str(fact) for fact in item.get("facts", [])),
            why=str(item.get("why", "")),
            exact_token=bool(item.get("exact_token", False)),
        )
        for item in document.get("questions", [])
    ]


def _items(node: yaml.Node | None) -> list[yaml.Node]:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def first_hit(retrieved: Sequence[str | None], targets: Sequence[str]) -> int | None:
    """The 1-based rank of the first retrieved passage from one of ``targets``."""
    wanted = set(targets)
    for rank, path in enumerate(retrieved, start=1):
        if path in wanted:
            return rank
    return None


def hit_at(ranks: Sequence[int | None], k: int) -> float:
    """Share of questions with a passage from a target article in the top ``k``."""
    return sum(1 for rank in ranks if rank is not None and rank <= k) / len(ranks)


def mrr_at(ranks: Sequence[int | None], k: int) -> float:
    """Mean reciprocal rank of the first target passage, 0 when it is not in the top ``k``."""
    return sum(1 / rank for rank in ranks if rank is not None and rank <= k) / len(ranks)


@dataclass(frozen=True)
class Ingested:
    paths: dict[uuid.UUID, str]  # document id -> article path
    seconds: float  # from the first upload until every document was ready or failed
    ready: int
    failed: dict[str, str]  # article path -> failure reason
    chunks: int  # of the ready documents


async def ingest_articles(
    knowledge: KnowledgeBase,
    session_maker: SessionMaker,
    org_id: uuid.UUID,
    articles: Sequence[Article],
    *,
    concurrency: int = 4,
    within: float = 1800.0,
    bulk: bool = True,
) -> Ingested:
    """Add every article through the knowledge base and wait, polling the database, until
    each has ended ready or failed. ``bulk``: as an import does (``add_files``, one
    IngestBatchWorkflow per few articles); else as single uploads do (``add_file``, one
    IngestDocumentWorkflow each)."""
    paths: dict[uuid.UUID, str] = {}
    gate = asyncio.Semaphore(concurrency)
    size = INGEST_BATCH_DOCUMENTS if bulk else 1

    async def add(group: Sequence[Article]) -> None:
        async with gate:
            data = [await asyncio.to_thread(article.read) for article in group]
            if bulk:
                added = await knowledge.add_files(
                    org_id,
                    [
                        Upload(article.file.name, "text/markdown", content)
                        for article, content in zip(group, data, strict=True)
                    ],
                )
            else:
                added = [
                    await knowledge.add_file(org_id, group[0].file.name, "text/markdown", data[0])
                ]
        for article, one in zip(group, added, strict=True):
            if one.duplicate:
                raise RuntimeError(f"{article.path} has the same content as an article before")
            paths[one.document.id] = article.path

    started = time.perf_counter()
    groups = [articles[start : start + size] for start in range(0, len(articles), size)]
    await asyncio.gather(*(add(group) for group in groups))
    deadline = started + within
    while True:
        counts = await status_counts(session_maker, org_id)
        if counts.get(DocumentStatus.READY, 0) + counts.get(DocumentStatus.FAILED, 0) >= len(
            articles
        ):
            break
        if time.perf_counter() > deadline:
            raise TimeoutError(f"ingestion did not finish within {within:.0f}s: {counts}")
        await asyncio.sleep(0.2)
    seconds = time.perf_counter() - started
    async with org_session(session_maker, org_id) as session:
        documents = (await session.exec(select(KnowledgeDocument))).all()
    failed = {
        paths[d.id]: d.failure_reason or "" for d in documents if d.status is DocumentStatus.FAILED
    }
    ready = [d for d in documents if d.status is DocumentStatus.READY]
    return Ingested(
        paths=paths,
        seconds=seconds,
        ready=len(ready),
        failed=failed,
        chunks=sum(d.chunk_count for d in ready),
    )


async def status_counts(session_maker: SessionMaker, org_id: uuid.UUID) -> Mapping[str, int]:
    async with org_session(session_maker, org_id) as session:
        rows = (
            await session.exec(
                select(KnowledgeDocument.status, func.count()).group_by(
                    col(KnowledgeDocument.status)
                )
            )
        ).all()
    return {DocumentStatus(status): count for status, count in rows}
