"""The deletion canary: plant one unique email and phrase everywhere an organization's data
lives, delete the organization, and look for it everywhere afterwards.

Planted in: a contact (email), a visitor message and so the conversation workflow's payloads,
the assistant's answer, a simulation's result (which copies both), a knowledge document, its
chunk and its stored file, a widget event, a phone call (the canary phone calling) and its
recording (audio bytes found in no other file), and a log call (which must redact the email
and the phone, as Twilio posts it too). After the AccountDeletionWorkflow (grace period of a
few seconds, on the real dev server) the canary must be in no row of any table, no file under
the data folder, no captured log line, and no decryptable Temporal payload.
"""

from __future__ import annotations

import asyncio
import io
import logging
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from core.db import SessionMaker, org_session, platform_session
from core.encryption import DataKeys
from core.ids import ORG_ID
from core.logging import configure_logging, get_logger
from core.models import Call, Organization
from core.payload_codec import payloads_in, unseal
from core.settings import Settings
from core.storage import create_storage
from services.simulations import wait_for_simulation
from tests.conftest import RunningApi
from tests.integration.call_helpers import record_call
from tests.integration.conversation_helpers import configure, new_visitor, read_events, turn_done
from tests.integration.knowledge_helpers import owner_headers, upload, wait_until_final

pytestmark = pytest.mark.usefixtures("worker")

GRACE_SECONDS = 3


def _psycopg_url(settings: Settings) -> str:
    return settings.resolved_database_url.replace("postgresql+psycopg://", "postgresql://")


def rows_holding(database_url: str, needles: list[str]) -> dict[str, int]:
    """Every table of the database, every row as text: where does any needle still occur?"""
    found: dict[str, int] = {}
    with psycopg.connect(database_url) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        ]
        assert "messages" in tables
        assert "knowledge_chunks" in tables
        for table in tables:
            for needle in needles:
                query = sql.SQL("SELECT count(*) FROM {} AS r WHERE r::text ILIKE %s").format(
                    sql.Identifier(table)
                )
                count = connection.execute(query, (f"%{needle}%",)).fetchone()
                if count and count[0]:
                    found[f"{table}:{needle}"] = count[0]
    return found


def files_holding(root: Path, needles: Sequence[str | bytes]) -> list[str]:
    hits = []
    blobs = [n.encode() if isinstance(n, str) else n for n in needles]
    for path in root.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            hits += [f"{path}:{blob[:16]!r}" for blob in blobs if blob in content]
    return hits


async def temporal_leaks(
    target: str, namespace: str, keyring: DataKeys, needles: list[str]
) -> list[str]:
    """Read every workflow history of the namespace raw (no codec), and try to decrypt each
    payload with the keyring: no needle may be readable either way."""
    raw = await Client.connect(target, namespace=namespace, data_converter=pydantic_data_converter)
    leaks: list[str] = []
    async for execution in raw.list_workflows():
        history = await raw.get_workflow_handle(
            execution.id, run_id=execution.run_id
        ).fetch_history()
        serialized = history.to_json()
        leaks += [f"{execution.id} raw:{n}" for n in needles if n in serialized]
        for event in history.events:
            for payload in payloads_in(event):
                key_id = payload.metadata.get("encryption-key-id")
                if key_id is None:
                    readable = payload.data
                else:
                    try:
                        readable = unseal(await keyring.by_id(key_id.decode()), payload).data
                    except Exception:  # undecryptable is what crypto-shredding means
                        continue
                leaks += [
                    f"{execution.id} decrypted:{n}" for n in needles if n.encode() in readable
                ]
    return leaks


async def org_workflows_listed(client: Client, org_id: uuid.UUID, within: float) -> list[str]:
    """The organization's workflows Temporal still lists, once the listing is empty or when
    ``within`` seconds have passed. The deletion workflow itself runs under the platform."""
    deadline = time.monotonic() + within
    while True:
        listed = [
            execution.id
            async for execution in client.list_workflows(f'{ORG_ID.name} = "{org_id}"')
            if not execution.id.startswith("delete-org-")
        ]
        if not listed or time.monotonic() > deadline:
            return listed
        await asyncio.sleep(2)


async def wait_for_receipt(api: RunningApi, token: str, within: float = 90.0) -> dict[str, Any]:
    deadline = time.monotonic() + within
    async with api.client() as client:
        while time.monotonic() < deadline:
            response = await client.get(f"/api/deletion-receipts/{token}")
            assert response.status_code == 200, response.text
            receipt: dict[str, Any] = response.json()
            if receipt["status"] == "completed":
                return receipt
            await asyncio.sleep(0.5)
    raise AssertionError("the deletion did not complete in time")


async def test_the_canary_is_found_nowhere_after_the_organization_is_deleted(
    api: RunningApi,
    settings: Settings,
    session_maker: SessionMaker,
    temporal_client: Client,
    keyring: DataKeys,
) -> None:
    marker = uuid.uuid4().hex[:12]
    phrase = f"zebra-quartz-{marker}"
    email = f"canary.{marker}@example.org"
    phone = f"+1555{int(marker[:6], 16) % 10**7:07d}"
    needles = [marker, email, phone]

    captured = io.StringIO()
    configure_logging("json", "DEBUG", stream=captured)
    try:
        org_id, headers = await owner_headers(settings, session_maker)
        await configure(
            session_maker, org_id, privacy={"deletion_grace_days": GRACE_SECONDS / 86400}
        )
        async with api.client() as client:
            async with platform_session(session_maker) as session:
                organization = await session.get(Organization, org_id)
                assert organization is not None
            public_key = organization.public_key
            article = (
                f"# Lamp warranty\n\nThe {phrase} lamp has a two year warranty. "
                f"Write to {email} for a replacement.\n"
            ).encode()
            uploaded = await upload(
                client, org_id, headers, "warranty.md", article, "text/markdown"
            )
            assert uploaded.status_code == 202, uploaded.text
            document = await wait_until_final(client, org_id, headers, uploaded.json()["id"])
            assert document["status"] == "ready"

            visitor = await new_visitor(client, public_key, name=f"Canary {marker}", email=email)
            started = await visitor.start(
                f"What warranty does the {phrase} lamp have? I am {email}"
            )
            conversation_id = started["conversation"]["id"]
            await read_events(
                client,
                f"/api/widget/conversations/{conversation_id}/events",
                visitor.headers,
                turn_done,
            )
            # A simulation of the conversation: its result copies the visitor's question.
            simulated = await client.post(
                f"/api/orgs/{org_id}/simulations",
                json={"source": {"kind": "conversations", "conversation_ids": [conversation_id]}},
                headers=headers,
            )
            assert simulated.status_code == 202, simulated.text
            await wait_for_simulation(session_maker, org_id, uuid.UUID(simulated.json()["id"]))
            tracked = await client.post(
                "/api/widget/events",
                json={
                    "events": [
                        {
                            "type": "page_view",
                            "url": f"https://shop.example/{phrase}",
                            "title": phrase,
                        }
                    ]
                },
                headers={"x-perceptron-key": public_key, **visitor.headers},
            )
            assert tracked.status_code == 202, tracked.text
            async with org_session(session_maker, org_id) as session:
                call = Call(
                    org_id=org_id,
                    conversation_id=uuid.UUID(conversation_id),
                    contact_id=uuid.UUID(visitor.contact_id),
                    from_number=phone,
                    to_number="+15550199",
                    status="completed",
                )
                session.add(call)
            wav = await record_call(
                create_storage(settings), session_maker, org_id, call.id, seed=marker
            )
            # Audio bytes of this recording alone: noise seeded by the marker.
            voice = wav[4000:4064]
            get_logger("canary").info(
                "a visitor wrote in",
                email=email,
                note=f"mail {email} now, or call {phone}",
                form=f"From={phone.replace('+', '%2B')}&To=%2B15550199",
            )

            # The canary is really planted: in the database, the files, Temporal.
            planted = rows_holding(_psycopg_url(settings), needles)
            for table in (
                "contacts",
                "messages",
                "knowledge_chunks",
                "widget_events",
                "calls",
                "simulation_results",
            ):
                assert any(key.startswith(f"{table}:") for key in planted), (table, planted)
            assert f"calls:{phone}" in planted
            assert files_holding(settings.storage_dir, needles)
            assert len(files_holding(settings.storage_dir, [voice])) == 1, "the recording"
            target = temporal_client.service_client.config.target_host
            namespace = temporal_client.namespace
            raw = await Client.connect(target, namespace=namespace)
            assert (
                await raw.get_workflow_handle(
                    f"conversation-{org_id}-{conversation_id}"
                ).fetch_history()
            ).events

            requested = await client.post(f"/api/orgs/{org_id}/deletion", headers=headers)
            assert requested.status_code == 202, requested.text
            receipt = await wait_for_receipt(api, requested.json()["receipt_token"])

        assert receipt["org_id"] == str(org_id)
        assert receipt["deleted"]["messages"] >= 2
        assert receipt["deleted"]["calls"] == 1
        assert receipt["deleted"]["recordings"] == 1
        keyring.forget()
        assert rows_holding(_psycopg_url(settings), needles) == {}
        assert files_holding(settings.data_dir, [*needles, voice]) == []
        assert await temporal_leaks(target, namespace, keyring, needles) == []
        # Deleted histories leave the dev server's listing asynchronously (about 20-30 s).
        assert await org_workflows_listed(temporal_client, org_id, within=90) == []
    finally:
        configure_logging("console", "INFO")
        logging.getLogger().setLevel(logging.INFO)
    log_text = captured.getvalue()
    assert "a visitor wrote in" in log_text  # the log call was captured...
    # ...with the canary redacted, the phone's digits too (the form field is URL-encoded).
    assert [n for n in [*needles, phone.removeprefix("+")] if n in log_text] == []
