"""Exports (access and portability) end to end: the API, the export workflow on the dev
server, real PostgreSQL, the ZIP in storage, the link without sign-in, expiry."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import tempfile
import time
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import col, select
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.data_export import DataExportActivities, ExportCompletion, ExportRef, export_key
from core.db import SessionMaker, org_session, platform_session
from core.ids import data_export_id
from core.models import (
    AuditLogEntry,
    Call,
    Contact,
    Conversation,
    ConversationNote,
    KnowledgeDocument,
    KnowledgeSource,
    Member,
    Message,
    MessageRole,
    Organization,
    PhoneNumber,
    PrivacyRequest,
    PrivacyRequestKind,
    PrivacyRequestStatus,
    Role,
    Simulation,
    SimulationResult,
    SimulationStatus,
    SourceKind,
    TelephonyAccount,
    WidgetEvent,
)
from core.settings import Settings
from core.storage import create_storage
from services.accounts import Principal, create_api_key, create_sign_in_link
from services.exports import request_export
from tests.conftest import RunningApi
from tests.factories import bearer, create_member, create_organization, session_token
from tests.integration.call_helpers import record_call
from tests.integration.knowledge_helpers import owner_headers, record_history
from workflows.data_export import DataExportResult

TABLES = [
    "members",
    "contacts",
    "conversations",
    "messages",
    "conversation_notes",
    "calls",
    "phone_numbers",
    "widget_events",
    "knowledge_sources",
    "knowledge_documents",
    "audit_log",
    "simulations",
    "simulation_results",
]
CONTACT_TABLES = [
    "contacts",
    "conversations",
    "messages",
    "conversation_notes",
    "calls",
    "widget_events",
]
MODELS: dict[str, Any] = {
    "members": Member,
    "contacts": Contact,
    "conversations": Conversation,
    "messages": Message,
    "conversation_notes": ConversationNote,
    "calls": Call,
    "phone_numbers": PhoneNumber,
    "widget_events": WidgetEvent,
    "knowledge_sources": KnowledgeSource,
    "knowledge_documents": KnowledgeDocument,
    "audit_log": AuditLogEntry,
    "simulations": Simulation,
    "simulation_results": SimulationResult,
}


@dataclass
class SeededContact:
    contact_id: uuid.UUID
    conversation_id: uuid.UUID
    email: str
    phrase: str
    note: str
    call_id: uuid.UUID


@dataclass
class SeededTelephony:
    """What must never leave in an export: the sealed Twilio credentials, their hint, a stream
    token's hash."""

    sealed: bytes
    account_hint: str
    stream_token_hash: str


async def seed_contact(maker: SessionMaker, org_id: uuid.UUID, label: str) -> SeededContact:
    """A contact with a conversation, two messages, a private note, a call and a widget
    event; its email, a phrase in its message and its note are unique, so they can be
    searched for in an archive."""
    marker = uuid.uuid4().hex[:10]
    note = f"private note {label} {marker}: prefers email"
    email = f"{label}-{marker}@example.com"
    phrase = f"planted phrase {label} {marker}"
    async with org_session(maker, org_id) as session:
        contact = Contact(org_id=org_id, name=f"{label} person", email=email, phone="+15550100")
        session.add(contact)
        await session.flush()
        conversation = Conversation(
            org_id=org_id, contact_id=contact.id, last_message_at=datetime.now(UTC)
        )
        session.add(conversation)
        await session.flush()
        session.add(
            Message(
                org_id=org_id,
                conversation_id=conversation.id,
                role=MessageRole.VISITOR,
                content=f'Hello, {phrase}, with a comma and a "quote"\nand a new line',
            )
        )
        session.add(
            Message(
                org_id=org_id,
                conversation_id=conversation.id,
                role=MessageRole.ASSISTANT,
                content="Happy to help.",
                citations=[{"number": 1, "title": "Help"}],
            )
        )
        session.add(ConversationNote(org_id=org_id, conversation_id=conversation.id, content=note))
        call = Call(
            org_id=org_id,
            conversation_id=conversation.id,
            contact_id=contact.id,
            from_number="+15550100",
            status="completed",
            duration_seconds=42,
        )
        session.add(call)
        session.add(
            WidgetEvent(
                org_id=org_id,
                contact_id=contact.id,
                conversation_id=conversation.id,
                type="page_view",
                page_url=f"https://shop.example/{marker}",
                browser="Firefox",
                ip_address="203.0.113.7",
            )
        )
    return SeededContact(contact.id, conversation.id, email, phrase, note, call.id)


async def seed_organization(maker: SessionMaker, org_id: uuid.UUID) -> SeededTelephony:
    """A knowledge source and document, settings, a phone number, a connected Twilio account
    and a call whose stream token is still live."""
    marker = uuid.uuid4().hex
    telephony = SeededTelephony(
        sealed=f"sealed-twilio-{marker}".encode(),
        account_hint=f"AC…{marker[:4]}",
        stream_token_hash=f"{marker}{marker}",
    )
    async with org_session(maker, org_id) as session:
        number = PhoneNumber(org_id=org_id, number="+15550199", label="Front desk")
        session.add(number)
        session.add(
            TelephonyAccount(
                org_id=org_id,
                sealed_credentials=telephony.sealed,
                key_id=f"key-{marker[:8]}",
                account_hint=telephony.account_hint,
            )
        )
        await session.flush()
        session.add(
            Call(
                org_id=org_id,
                phone_number_id=number.id,
                from_number="+15550142",
                to_number=number.number,
                status="in-progress",
                stream_token_hash=telephony.stream_token_hash,
            )
        )
        simulation = Simulation(
            org_id=org_id,
            status=SimulationStatus.COMPLETED,
            source={"kind": "questions", "questions": 1},
            candidate={"k": 3},
            summary={"cases": 1},
            workflow_id=f"simulate-{org_id}-seeded",
        )
        session.add(simulation)
        await session.flush()
        session.add(
            SimulationResult(
                org_id=org_id,
                simulation_id=simulation.id,
                seq=0,
                case_key="warranty",
                question="How long is the warranty?",
                labels={"answerable": True, "facts": ["two years"]},
                before={"decision": "handoff", "text": "A person will help."},
                after={"decision": "answer", "text": "Two years. [1]"},
                diff="-A person will help.\n+Two years. [1]",
                decision_changed=True,
                text_changed=True,
            )
        )
        source = KnowledgeSource(org_id=org_id, kind=SourceKind.URL, url="https://help.example/")
        session.add(source)
        await session.flush()
        session.add(
            KnowledgeDocument(
                org_id=org_id,
                source_id=source.id,
                title="Returns",
                source_type=SourceKind.URL,
                source_url="https://help.example/returns",
                storage_key=f"{org_id}/doc/returns.html",
            )
        )
        organization = (await session.exec(select(Organization))).one()
        organization.settings = {"privacy": {"ip_retention_days": 10}, "widget": {"theme": "dark"}}
        session.add(organization)
    return telephony


async def wait_for_export(
    client: httpx.AsyncClient,
    org_id: uuid.UUID,
    headers: dict[str, str],
    request_id: str,
    within: float = 60.0,
) -> dict[str, Any]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        response = await client.get(f"/api/orgs/{org_id}/exports/{request_id}", headers=headers)
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        if body["status"] in {"completed", "failed"}:
            return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"export {request_id} did not finish within {within}s")


def read_archive(data: bytes) -> tuple[dict[str, bytes], dict[str, Any]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return files, json.loads(files["manifest.json"])


def as_exported(value: Any) -> Any:
    """How a database value reads back from the archive's JSON."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


def same_value(exported: Any, stored: Any) -> bool:
    if isinstance(stored, datetime):
        return exported is not None and datetime.fromisoformat(exported) == stored
    return bool(exported == as_exported(stored))


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def assert_json_and_csv_agree(files: dict[str, bytes], table: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(files[f"{table}.json"])
    rows = list(csv.DictReader(io.StringIO(files[f"{table}.csv"].decode())))
    assert len(rows) == len(records), table
    by_id = {row["id"]: row for row in rows}
    for record in records:
        row = by_id[record["id"]]
        assert list(row) == list(record), f"{table}: CSV header differs from JSON keys"
        for key, value in record.items():
            assert row[key] == csv_cell(value), f"{table}.{key}"
    return records


async def assert_matches_database(
    maker: SessionMaker, org_id: uuid.UUID, table: str, records: list[dict[str, Any]]
) -> None:
    model = MODELS[table]
    async with org_session(maker, org_id) as session:
        stored = {str(row.id): row for row in (await session.exec(select(model))).all()}
    assert {record["id"] for record in records} == set(stored), table
    for record in records:
        row = stored[record["id"]]
        for key, value in record.items():
            assert same_value(value, getattr(row, key)), f"{table}.{key}"


async def test_organization_export_holds_every_table_as_json_and_csv_without_secrets(
    api: RunningApi,
    worker: None,
    settings: Settings,
    session_maker: SessionMaker,
    temporal_client: Client,
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    telephony = await seed_organization(session_maker, org_id)
    first = await seed_contact(session_maker, org_id, "alice")
    second = await seed_contact(session_maker, org_id, "bob")
    recording = await record_call(create_storage(settings), session_maker, org_id, first.call_id)
    # Secrets that must never leave: an API key, a sign-in link, the widget secret.
    owner = Principal(org_id=org_id, role=Role.OWNER)
    key, key_secret = await create_api_key(session_maker, owner, "backend", Role.ADMIN)
    member = await create_member(session_maker, org_id, Role.OPERATOR, email="op@example.com")
    sign_in_token = await create_sign_in_link(
        session_maker, org_id, member.id, timedelta(minutes=5)
    )
    async with org_session(session_maker, org_id) as session:
        organization = (await session.exec(select(Organization))).one()
    other_org, other_headers = await owner_headers(settings, session_maker, "Other")
    stranger = await seed_contact(session_maker, other_org, "stranger")

    async with api.client() as client:
        response = await client.post(f"/api/orgs/{org_id}/exports", json={}, headers=headers)
        assert response.status_code == 202, response.text
        request_id = response.json()["id"]
        assert response.json()["kind"] == "organization_export"
        status = await wait_for_export(client, org_id, headers, request_id)
        assert status["status"] == "completed", status
        assert status["download_url"].startswith(f"{settings.api_url}/api/exports/")
        assert status["counts"]["messages"] == 4
        assert status["link_expired"] is False

        files, manifest = await _download_checked(client, status["download_url"])

    expected = {"manifest.json", "organization.json", f"recordings/{first.call_id}.wav"} | {
        f"{table}.{suffix}" for table in TABLES for suffix in ("json", "csv")
    }
    assert set(files) == expected
    assert files[f"recordings/{first.call_id}.wav"] == recording
    assert status["counts"]["recordings"] == 1
    assert status["counts"]["calls"] == 3
    assert status["counts"]["phone_numbers"] == 1
    assert f"recordings/{first.call_id}.wav" in manifest["files"]
    assert manifest["format_version"] == 1
    assert manifest["kind"] == "organization_export"
    assert datetime.fromisoformat(manifest["generated_at"]) <= datetime.now(UTC)
    assert manifest["counts"] == status["counts"]
    for table in TABLES:
        records = assert_json_and_csv_agree(files, table)
        assert manifest["counts"][table] == len(records)
        if table != "audit_log":  # the download itself adds an entry after the snapshot
            await assert_matches_database(session_maker, org_id, table, records)
    audit_ids = {record["id"] for record in json.loads(files["audit_log.json"])}
    async with org_session(session_maker, org_id) as session:
        requested = (
            await session.exec(
                select(AuditLogEntry).where(AuditLogEntry.action == "privacy.export_requested")
            )
        ).one()
    assert str(requested.id) in audit_ids
    profile = json.loads(files["organization.json"])
    assert profile["id"] == str(org_id)
    assert profile["settings"]["widget"] == {"theme": "dark"}

    everything = b"".join(files.values())
    for phrase in (first.phrase, second.phrase, first.email, second.email, first.note):
        assert phrase.encode() in everything
    assert status["counts"]["conversation_notes"] == 2
    for secret in (
        organization.widget_secret,
        organization.public_key,
        key.key_hash,
        key_secret,
        sign_in_token,
        str(key.prefix),
    ):
        assert secret.encode() not in everything, "a secret is in the export"
    assert b"widget_secret" not in everything
    assert b"key_hash" not in everything
    assert b"token_hash" not in everything
    # The organization's Twilio account is never exported: sealed secrets, no personal data.
    assert not [name for name in files if "telephony" in name]
    for secret_bytes in (
        telephony.sealed,
        telephony.account_hint.encode(),
        telephony.stream_token_hash.encode(),
        b"sealed_credentials",
    ):
        assert secret_bytes not in everything, "a telephony secret is in the export"
    calls = {record["id"]: record for record in json.loads(files["calls.json"])}
    assert calls[str(first.call_id)]["recorded"] is True
    assert calls[str(second.call_id)]["recorded"] is False
    assert "stream_token_expires_at" not in calls[str(first.call_id)]
    for foreign in (stranger.phrase, stranger.email, stranger.note, str(other_org)):
        assert foreign.encode() not in everything, "another organization's data is in it"

    async with org_session(session_maker, org_id) as session:
        downloads = (
            await session.exec(
                select(AuditLogEntry).where(AuditLogEntry.action == "privacy.export_downloaded")
            )
        ).all()
        stored_request = await session.get(PrivacyRequest, uuid.UUID(request_id))
    assert [entry.target_id for entry in downloads] == [request_id]
    assert downloads[0].actor_member_id is None
    assert stored_request is not None
    assert stored_request.downloaded_at is not None
    assert stored_request.file_key == f"{org_id}/exports/{request_id}.zip"
    assert (settings.storage_dir / stored_request.file_key).is_file()
    # The token is stored only as a hash.
    assert stored_request.download_token_hash is not None
    assert stored_request.download_token_hash not in status["download_url"]
    # The other organization never sees this export.
    async with api.client() as client:
        response = await client.get(
            f"/api/orgs/{other_org}/exports/{request_id}", headers=other_headers
        )
    assert response.status_code == 404


async def _download_checked(
    client: httpx.AsyncClient, url: str
) -> tuple[dict[str, bytes], dict[str, Any]]:
    async with httpx.AsyncClient(timeout=10) as anonymous:  # no sign-in: the link is enough
        response = await anonymous.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="perceptron-')
    assert disposition.endswith('.zip"')
    return read_archive(response.content)


async def test_contact_export_holds_only_that_contacts_data(
    api: RunningApi,
    worker: None,
    settings: Settings,
    session_maker: SessionMaker,
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    await seed_organization(session_maker, org_id)
    wanted = await seed_contact(session_maker, org_id, "wanted")
    other = await seed_contact(session_maker, org_id, "other")
    storage = create_storage(settings)
    recording = await record_call(storage, session_maker, org_id, wanted.call_id)
    await record_call(storage, session_maker, org_id, other.call_id)
    compliance = await create_member(session_maker, org_id, Role.COMPLIANCE)
    compliance_headers = bearer(session_token(settings, compliance))

    async with api.client() as client:
        response = await client.post(
            f"/api/orgs/{org_id}/exports",
            json={"contact_id": str(wanted.contact_id)},
            headers=compliance_headers,
        )
        assert response.status_code == 202, response.text
        assert response.json()["kind"] == "contact_export"
        status = await wait_for_export(client, org_id, compliance_headers, response.json()["id"])
        assert status["status"] == "completed", status
        assert status["contact_id"] == str(wanted.contact_id)
        files, manifest = await _download_checked(client, status["download_url"])
        listed = await client.get(f"/api/orgs/{org_id}/exports", headers=headers)
    assert [item["id"] for item in listed.json()] == [status["id"]]
    assert all(item["download_url"] is None for item in listed.json())

    assert set(files) == {"manifest.json", f"recordings/{wanted.call_id}.wav"} | {
        f"{table}.{suffix}" for table in CONTACT_TABLES for suffix in ("json", "csv")
    }
    assert files[f"recordings/{wanted.call_id}.wav"] == recording
    assert manifest["kind"] == "contact_export"
    assert manifest["contact_id"] == str(wanted.contact_id)
    assert manifest["counts"] == {
        "contacts": 1,
        "conversations": 1,
        "messages": 2,
        "conversation_notes": 1,
        "calls": 1,
        "widget_events": 1,
        "recordings": 1,
    }
    for table in CONTACT_TABLES:
        records = assert_json_and_csv_agree(files, table)
        assert len(records) == manifest["counts"][table]
    contacts = json.loads(files["contacts.json"])
    assert contacts[0]["id"] == str(wanted.contact_id)
    assert contacts[0]["email"] == wanted.email
    assert {m["conversation_id"] for m in json.loads(files["messages.json"])} == {
        str(wanted.conversation_id)
    }
    everything = b"".join(files.values())
    assert wanted.phrase.encode() in everything
    assert wanted.note.encode() in everything
    assert other.phrase.encode() not in everything
    assert other.note.encode() not in everything
    assert other.email.encode() not in everything
    assert str(other.contact_id).encode() not in everything
    assert str(other.conversation_id).encode() not in everything
    assert str(other.call_id).encode() not in everything


async def test_export_requests_are_checked_for_role_organization_and_contact(
    api: RunningApi,
    settings: Settings,
    session_maker: SessionMaker,
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    other_org, _ = await owner_headers(settings, session_maker, "Other")
    foreign = await seed_contact(session_maker, other_org, "foreign")
    operator = await create_member(session_maker, org_id, Role.OPERATOR)
    operator_headers = bearer(session_token(settings, operator))
    url = f"/api/orgs/{org_id}/exports"

    async with api.client() as client:
        response = await client.post(
            url, json={"contact_id": str(foreign.contact_id)}, headers=headers
        )
        assert response.status_code == 404
        assert response.json()["detail"] == "no such contact"
        response = await client.post(url, json={}, headers=operator_headers)
        assert response.status_code == 403
        response = await client.get(f"{url}/{uuid.uuid4()}", headers=operator_headers)
        assert response.status_code == 403
        response = await client.post(url, json={})
        assert response.status_code == 401
        response = await client.post(f"/api/orgs/{other_org}/exports", json={}, headers=headers)
        assert response.status_code == 403
        response = await client.post(url, json={"contact_id": "not-a-uuid"}, headers=headers)
        assert response.status_code == 422
        response = await client.get(f"{url}/{uuid.uuid4()}", headers=headers)
        assert response.status_code == 404
        response = await client.get(f"/api/exports/{'x' * 43}")
        assert response.status_code == 404
    async with platform_session(session_maker) as session:
        requests = (await session.exec(select(PrivacyRequest))).all()
        audited = (
            await session.exec(
                select(AuditLogEntry).where(col(AuditLogEntry.action).startswith("privacy.export"))
            )
        ).all()
    assert requests == []
    assert audited == []


async def test_export_link_is_replaced_expires_with_410_and_the_file_is_deleted(
    api: RunningApi,
    worker: None,
    settings: Settings,
    session_maker: SessionMaker,
    temporal_client: Client,
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    await seed_contact(session_maker, org_id, "someone")
    owner = Principal(org_id=org_id, role=Role.OWNER)
    ttl = timedelta(seconds=6)
    request = await request_export(
        session_maker, temporal_client, settings, owner, None, link_ttl=ttl
    )
    assert request.workflow_id == data_export_id(org_id, request.id)

    async with api.client() as client:
        status = await wait_for_export(client, org_id, headers, str(request.id))
        assert status["status"] == "completed", status
        first_link = status["download_url"]
        again = await client.get(f"/api/orgs/{org_id}/exports/{request.id}", headers=headers)
        second_link = again.json()["download_url"]
        assert second_link != first_link
        async with httpx.AsyncClient(timeout=10) as anonymous:
            assert (await anonymous.get(first_link)).status_code == 404  # replaced
            assert (await anonymous.get(second_link)).status_code == 200
            key = settings.storage_dir / f"{org_id}/exports/{request.id}.zip"
            assert key.is_file()
            result = await temporal_client.get_workflow_handle(
                data_export_id(org_id, request.id), result_type=DataExportResult
            ).result()
            assert result.status == "expired"
            expired = await anonymous.get(second_link)
        assert expired.status_code == 410
        assert expired.json()["detail"] == "this export has expired"
        assert not key.exists()
        final = await client.get(f"/api/orgs/{org_id}/exports/{request.id}", headers=headers)
    body = final.json()
    assert body["status"] == "completed"
    assert body["link_expired"] is True
    assert body["download_url"] is None
    assert body["counts"]["messages"] == 2
    async with org_session(session_maker, org_id) as session:
        stored = await session.get(PrivacyRequest, request.id)
    assert stored is not None
    assert stored.file_key is None
    assert stored.receipt["link_expired"] is True
    await record_history(temporal_client, data_export_id(org_id, request.id), "data_export")


async def test_export_pages_through_tables_in_batches(
    settings: Settings, session_maker: SessionMaker
) -> None:
    """Keyset paging one row at a time writes the same archive as one large batch."""
    organization = await create_organization(session_maker)
    for label in ("a", "b", "c"):
        await seed_contact(session_maker, organization.id, label)
    async with org_session(session_maker, organization.id) as session:
        export = PrivacyRequest(org_id=organization.id, kind=PrivacyRequestKind.ORGANIZATION_EXPORT)
        session.add(export)
    storage = create_storage(settings)
    ref = ExportRef(org_id=organization.id, request_id=export.id)
    archives = []
    for batch_size in (1, 1000):
        activities = DataExportActivities(session_maker, storage, batch_size=batch_size)
        # The SDK's activity environment: the activity runs as in a worker, heartbeats included.
        built = await ActivityEnvironment().run(activities.build_export, ref)
        archives.append(read_archive(await storage.get(built.file_key))[0])
    for table in TABLES:
        assert json.loads(archives[0][f"{table}.json"]) == json.loads(archives[1][f"{table}.json"])
        assert archives[0][f"{table}.csv"] == archives[1][f"{table}.csv"]
    assert len(json.loads(archives[0]["messages.json"])) == 6


async def test_an_export_that_overlaps_a_contact_erasure_never_keeps_the_erased_contact(
    settings: Settings, session_maker: SessionMaker
) -> None:
    """An erasure only deletes the export files it can see. An archive whose snapshot may hold
    a contact erased meanwhile is built again (erasure running when the build ends), or, when
    the erasure started after the build but before the link existed, deleted and failed."""
    organization = await create_organization(session_maker)
    await seed_contact(session_maker, organization.id, "kept")
    async with org_session(session_maker, organization.id) as session:
        export = PrivacyRequest(org_id=organization.id, kind=PrivacyRequestKind.ORGANIZATION_EXPORT)
        erasure = PrivacyRequest(
            org_id=organization.id,
            kind=PrivacyRequestKind.CONTACT_ERASURE,
            status=PrivacyRequestStatus.RUNNING,
        )
        session.add_all([export, erasure])
    storage = create_storage(settings)
    ref = ExportRef(org_id=organization.id, request_id=export.id)
    activities = DataExportActivities(session_maker, storage)
    key = export_key(organization.id, export.id)

    with pytest.raises(ApplicationError, match="building it again") as rebuilt:
        await ActivityEnvironment().run(activities.build_export, ref)
    assert not rebuilt.value.non_retryable  # the activity's retry builds it again
    assert not await storage.exists(key)

    # The erasure completes before the next attempt: that build is clean.
    async with org_session(session_maker, organization.id) as session:
        finished = await session.get(PrivacyRequest, erasure.id)
        assert finished is not None
        finished.status = PrivacyRequestStatus.COMPLETED
        finished.completed_at = datetime.now(UTC) - timedelta(seconds=1)
        session.add(finished)
    built = await ActivityEnvironment().run(activities.build_export, ref)
    assert built.snapshot_at is not None
    assert await storage.exists(key)

    # Another erasure starts after that build, before the link exists: the file goes, and
    # the export fails with a reason the dashboard can show.
    async with org_session(session_maker, organization.id) as session:
        session.add(
            PrivacyRequest(
                org_id=organization.id,
                kind=PrivacyRequestKind.CONTACT_ERASURE,
                status=PrivacyRequestStatus.RUNNING,
            )
        )
    completion = ExportCompletion(ref=ref, built=built, link_ttl_seconds=60)
    with pytest.raises(ApplicationError, match="request a new export") as refused:
        await ActivityEnvironment().run(activities.complete_export, completion)
    assert refused.value.non_retryable
    assert not await storage.exists(key)
    async with org_session(session_maker, organization.id) as session:
        unfinished = await session.get(PrivacyRequest, export.id)
    assert unfinished is not None
    assert unfinished.file_key is None
    assert unfinished.status is not PrivacyRequestStatus.COMPLETED


async def test_an_export_being_built_leaves_no_named_file_on_the_workers_disk(
    settings: Settings,
    session_maker: SessionMaker,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The archive (and each table's CSV) is built in nameless temporary files: at every
    heartbeat of the build the temp folder lists nothing, so a worker killed mid-export leaves
    no copy of the organization's data (its recordings included) behind."""
    organization = await create_organization(session_maker)
    seeded = await seed_contact(session_maker, organization.id, "kept")
    storage = create_storage(settings)
    await record_call(storage, session_maker, organization.id, seeded.call_id)
    async with org_session(session_maker, organization.id) as session:
        export = PrivacyRequest(org_id=organization.id, kind=PrivacyRequestKind.ORGANIZATION_EXPORT)
        session.add(export)
    folder = tmp_path / "worker-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    seen: list[list[str]] = []
    environment = ActivityEnvironment()
    environment.on_heartbeat = lambda *_: seen.append([p.name for p in folder.iterdir()])
    built = await environment.run(
        DataExportActivities(session_maker, storage).build_export,
        ExportRef(org_id=organization.id, request_id=export.id),
    )
    assert len(seen) > len(TABLES), "heartbeats during the build"
    assert all(listing == [] for listing in seen), seen
    assert built.counts["recordings"] == 1
    files, _ = read_archive(await storage.get(built.file_key))
    assert f"recordings/{seeded.call_id}.wav" in files
