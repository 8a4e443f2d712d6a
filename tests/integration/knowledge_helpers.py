"""Shared steps of the knowledge tests: sign in as an owner, upload, wait for an outcome."""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client

from core.db import SessionMaker
from core.models import Role
from core.payload_codec import decode_history
from core.settings import Settings
from tests.factories import bearer, create_member, create_organization, session_token


async def owner_headers(
    settings: Settings, maker: SessionMaker, name: str = "Acme"
) -> tuple[uuid.UUID, dict[str, str]]:
    organization = await create_organization(maker, name)
    owner = await create_member(maker, organization.id, Role.OWNER)
    return organization.id, bearer(session_token(settings, owner))


async def upload(
    client: httpx.AsyncClient,
    org_id: uuid.UUID,
    headers: dict[str, str],
    filename: str,
    data: bytes,
    content_type: str = "application/octet-stream",
) -> httpx.Response:
    return await client.post(
        f"/api/orgs/{org_id}/knowledge/documents",
        files={"file": (filename, data, content_type)},
        headers=headers,
    )


async def wait_until_final(
    client: httpx.AsyncClient,
    org_id: uuid.UUID,
    headers: dict[str, str],
    document_id: str,
    within: float = 60.0,
) -> dict[str, Any]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        response = await client.get(
            f"/api/orgs/{org_id}/knowledge/documents/{document_id}", headers=headers
        )
        response.raise_for_status()
        document: dict[str, Any] = response.json()
        if document["status"] in {"ready", "failed"}:
            return document
        await asyncio.sleep(0.1)
    raise AssertionError(f"document {document_id} did not finish within {within}s")


async def ingest(
    client: httpx.AsyncClient,
    org_id: uuid.UUID,
    headers: dict[str, str],
    filename: str,
    data: bytes,
) -> dict[str, Any]:
    """Upload a file (accepted: 202) and wait until its ingestion is over, ready or failed."""
    response = await upload(client, org_id, headers, filename, data)
    assert response.status_code == 202, response.text
    return await wait_until_final(client, org_id, headers, response.json()["id"])


async def search(
    client: httpx.AsyncClient,
    org_id: uuid.UUID,
    headers: dict[str, str],
    query: str,
    k: int = 5,
    mode: str | None = None,
) -> list[dict[str, Any]]:
    body: dict[str, Any] = {"query": query, "k": k}
    if mode:
        body["mode"] = mode
    response = await client.post(f"/api/orgs/{org_id}/knowledge/search", json=body, headers=headers)
    response.raise_for_status()
    hits: list[dict[str, Any]] = response.json()
    return hits


HISTORIES = Path(__file__).resolve().parents[1] / "replay" / "histories"


async def record_history(client: Client, workflow_id: str, name: str) -> None:
    """With PERCEPTRON_RECORD_HISTORIES=1, save the workflow's history for the replay tests."""
    if not os.environ.get("PERCEPTRON_RECORD_HISTORIES"):
        return
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    # Stored decrypted: the per-organization keys that sealed it die with the test database.
    codec = client.data_converter.payload_codec
    if codec is not None:
        history = await decode_history(history, codec)
    document = json.loads(history.to_json())
    (HISTORIES / f"{name}.json").write_text(json.dumps(document, indent=1) + "\n")
