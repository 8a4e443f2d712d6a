"""`perceptron ingest`: files and folders from the command line, waited for with progress."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from core.db import SessionMaker, org_session
from core.models import DocumentStatus, KnowledgeDocument
from core.settings import Settings
from tests.factories import create_organization
from tests.fixtures.documents import encrypted_pdf, load_articles, pdf_of

pytestmark = pytest.mark.usefixtures("worker")

PERCEPTRON = str(Path(sys.executable).parent / "perceptron")


async def _run(settings: Settings, *args: str) -> tuple[int, str]:
    env = {
        **os.environ,
        "DATABASE_URL": settings.resolved_database_url,
        "TEMPORAL_ADDRESS": settings.resolved_temporal_address,
        "PERCEPTRON_TEMPORAL_CONFIG": str(settings.temporal_config),
        "PERCEPTRON_DATA_DIR": str(settings.data_dir),
    }
    process = await asyncio.create_subprocess_exec(
        PERCEPTRON,
        "ingest",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, output.decode()


async def test_a_folder_is_ingested_and_waited_for(
    settings: Settings, session_maker: SessionMaker, tmp_path: Path
) -> None:
    organization = await create_organization(session_maker)
    folder = tmp_path / "articles"
    folder.mkdir()
    articles = load_articles()[:3]
    for article in articles[:2]:
        (folder / f"{article.slug}.md").write_text(article.markdown)
    (folder / f"{articles[2].slug}.pdf").write_bytes(pdf_of(articles[2]))
    (folder / "notes.png").write_bytes(b"\x89PNG")  # not knowledge: left alone

    code, output = await _run(settings, str(folder), "--org", str(organization.id))

    assert code == 0, output
    assert "3 ready, 0 failed" in output
    async with org_session(session_maker, organization.id) as session:
        documents = (await session.exec(select(KnowledgeDocument))).all()
    assert len(documents) == 3
    assert {document.status for document in documents} == {DocumentStatus.READY}


async def test_a_failed_file_is_reported_with_its_reason_and_a_non_zero_exit(
    settings: Settings, session_maker: SessionMaker, tmp_path: Path
) -> None:
    organization = await create_organization(session_maker)
    locked = encrypted_pdf()
    path = tmp_path / locked.name
    path.write_bytes(locked.data)

    code, output = await _run(settings, str(path), "--org", str(organization.id))

    assert code == 1
    assert "password" in output
    assert "0 ready, 1 failed" in output
