"""Account deletion on the real stack: PostgreSQL, the Temporal dev server, real workers, the
API on uvicorn and a local Clerk Backend API. Grace periods are set to seconds."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlmodel import SQLModel, select
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleIntervalSpec,
    ScheduleSpec,
    ScheduleState,
)
from temporalio.service import RPCError, RPCStatusCode

from agents.providers.embeddings import LocalMiniLMEmbedder
from core.db import SessionMaker, org_session, platform_session
from core.encryption import DataKeyDestroyedError, DataKeys, open_sealed, seal
from core.ids import (
    account_deletion_id,
    member_deletion_id,
    search_attributes,
    sync_source_id,
)
from core.models import (
    ApiKey,
    AuditLogEntry,
    Call,
    Contact,
    Conversation,
    ConversationEvent,
    DataKey,
    DeletionReceipt,
    DeletionStatus,
    DeletionSubject,
    KnowledgeSource,
    Member,
    Message,
    MessageRole,
    Organization,
    PhoneNumber,
    PrivacyRequest,
    PrivacyRequestKind,
    Role,
    Simulation,
    SimulationResult,
    SourceKind,
    TelephonyAccount,
    WidgetEvent,
)
from core.payload_codec import create_keyring
from core.settings import Settings
from core.storage import create_storage, recording_key
from services.account_deletion import AccountDeletions, DeletionError, PurgeOptions
from services.accounts import Principal, create_sign_in_link
from services.conversations import Conversations
from services.identity import hash_secret, new_api_key
from services.knowledge import KnowledgeBase
from tests.conftest import RunningApi, serve
from tests.factories import bearer, create_member, create_organization, session_token
from tests.fakes.clerk import ClerkInstance
from tests.integration.call_helpers import record_call
from tests.integration.conversation_helpers import ScriptedAgent
from tests.integration.knowledge_helpers import record_history
from workflows.sync_source import SyncKnowledgeSourceWorkflow, SyncSourceInput
from workflows.worker import build_workers

GUIDE = (
    b"# Lamp guide\n\nHold the dial down for twelve seconds to reset the lamp. "
    b"The warranty lasts two years from the date of purchase.\n"
)
# Every table with an org_id column (the organization's data, and its receipts and key).
ORG_TABLES = sorted(t.name for t in SQLModel.metadata.sorted_tables if "org_id" in t.c)


@pytest.fixture
def clerk() -> Iterator[ClerkInstance]:
    instance = ClerkInstance()
    with instance.serve():
        yield instance


@pytest.fixture
def deletion_settings(settings: Settings, clerk: ClerkInstance) -> Settings:
    """Clerk's Backend API configured (the fake); sign-in stays local."""
    return settings.model_copy(
        update={"clerk_secret_key": SecretStr(clerk.secret_key), "clerk_api_url": clerk.api_url}
    )


@pytest.fixture
async def workers(
    temporal_client: Client,
    deletion_settings: Settings,
    session_maker: SessionMaker,
    embedder: LocalMiniLMEmbedder,
    keyring: DataKeys,
) -> AsyncIterator[None]:
    async with running_workers(
        temporal_client, deletion_settings, session_maker, embedder, keyring
    ):
        yield


@contextlib.asynccontextmanager
async def running_workers(
    temporal: Client,
    settings: Settings,
    maker: SessionMaker,
    embedder: LocalMiniLMEmbedder,
    keyring: DataKeys,
) -> AsyncIterator[None]:
    async with contextlib.AsyncExitStack() as stack:
        for built in build_workers(
            temporal, settings, maker, embedder=embedder, agent=ScriptedAgent(), keyring=keyring
        ):
            await stack.enter_async_context(built)
        yield


@pytest.fixture
async def api(
    deletion_settings: Settings, embedder: LocalMiniLMEmbedder
) -> AsyncIterator[RunningApi]:
    async with serve(deletion_settings, embedder) as running:
        yield running


# -- the tests ------------------------------------------------------------------------------


@pytest.mark.usefixtures("workers")
async def test_deletion_purges_every_store_and_leaves_another_organization_as_it_was(
    api: RunningApi,
    deletion_settings: Settings,
    session_maker: SessionMaker,
    temporal_client: Client,
    keyring: DataKeys,
    clerk: ClerkInstance,
) -> None:
    a = await plant(deletion_settings, session_maker, temporal_client, clerk, "Acme")
    b = await plant(deletion_settings, session_maker, temporal_client, clerk, "Bolt")
    # One person in both organizations: their Clerk user is theirs, not Acme's.
    shared = await create_member(session_maker, a.org_id, Role.OPERATOR)
    await _add_member(session_maker, b.org_id, shared.idp_user_id)
    clerk.users.add(shared.idp_user_id)
    await set_grace(session_maker, a.org_id, seconds=2)
    b_before = await snapshot(session_maker, b.org_id)
    a_before = await snapshot(session_maker, a.org_id)
    assert all(a_before[t][0] > 0 for t in PLANTED_TABLES), a_before

    async with api.client() as client:
        first = await client.post(f"/api/orgs/{a.org_id}/deletion", headers=a.owner)
        again = await client.post(f"/api/orgs/{a.org_id}/deletion", headers=a.compliance)
        assert first.status_code == again.status_code == 202, first.text
        token = first.json()["receipt_token"]
        assert token
        assert first.json()["status"] == "scheduled"
        assert again.json()["receipt_token"] is None
        assert "already requested" in again.json()["message"]
        assert again.json()["purge_after"] == first.json()["purge_after"]
        runs = [w async for w in temporal_client.list_workflows(_deletion_query(a.org_id))]
        assert len(runs) == 1, "asked twice, one workflow"

        seen = await client.get(f"/api/orgs/{a.org_id}/deletion", headers=a.operator)
        assert seen.status_code == 200
        assert seen.json()["deadline"] > seen.json()["purge_after"]

        receipt = await eventually(lambda: _completed_receipt(client, token), within=90)

    assert receipt["status"] == "completed"
    assert receipt["subject"] == "organization"
    deleted = receipt["deleted"]
    requested_entry = {"audit_log": 1}  # the request itself was audit-logged
    for table in PLANTED_TABLES:
        assert deleted[table] == a_before[table][0] + requested_entry.get(table, 0), table
    assert deleted["organization"] == 1
    assert deleted["files"] == 1
    assert deleted["recordings"] == 1
    assert not await create_storage(deletion_settings).exists(a.recording_key)
    assert deleted["schedules"] == 1
    assert deleted["workflows_terminated"] >= 1  # the open conversation
    assert deleted["workflow_histories"] >= 2  # the conversation and the ingestion
    assert deleted["data_key"] == 1
    assert sorted(clerk.deleted_users) == sorted(a.clerk_users)
    assert deleted["identity_users"] == len(a.clerk_users)
    assert shared.idp_user_id in clerk.users
    assert clerk.deleted_organizations == [clerk_organization("Acme")]
    assert clerk_organization("Bolt") in clerk.organizations
    assert deleted["identity_organization"] == 1

    after = await snapshot(session_maker, a.org_id)
    leftovers = {
        t: n for t, (n, _) in after.items() if n and t not in {"deletion_receipts", "data_keys"}
    }
    assert leftovers == {}
    assert after["deletion_receipts"][0] == 1
    assert not (deletion_settings.storage_dir / str(a.org_id)).exists()
    with pytest.raises(DataKeyDestroyedError):
        await keyring.for_organization(a.org_id)
    # A copy of the sealed Twilio credentials (a backup, a replica) opens no more: the data
    # key that sealed them is gone, in this process and in a fresh one.
    for reader in (keyring, create_keyring(deletion_settings, session_maker)):
        reader.forget()
        with pytest.raises(DataKeyDestroyedError):
            await reader.by_id(a.credentials_key_id)
    assert b.credentials == await _open_credentials(keyring, b), "Bolt's still open"
    async with platform_session(session_maker) as session:
        key = (await session.exec(select(DataKey).where(DataKey.org_id == a.org_id))).one()
    assert key.wrapped_key is None
    assert key.destroyed_at is not None
    with pytest.raises(RPCError) as missing:
        await temporal_client.get_schedule_handle(a.schedule_id).describe()
    assert missing.value.status == RPCStatusCode.NOT_FOUND
    # The server deletes histories asynchronously; its listing follows within a minute.
    await eventually(lambda: _no_workflows_left(temporal_client, a.org_id), within=90, every=1)

    assert await snapshot(session_maker, b.org_id) == b_before, "Bolt is exactly as it was"
    assert [w async for w in temporal_client.list_workflows(f'PerceptronOrgId = "{b.org_id}"')]
    await temporal_client.get_schedule_handle(b.schedule_id).describe()
    await record_history(temporal_client, account_deletion_id(a.org_id), "account_deletion_purge")


@pytest.mark.usefixtures("workers")
async def test_cancelling_during_the_grace_period_leaves_everything_intact(
    api: RunningApi,
    deletion_settings: Settings,
    session_maker: SessionMaker,
    temporal_client: Client,
    clerk: ClerkInstance,
) -> None:
    a = await plant(deletion_settings, session_maker, temporal_client, clerk, "Acme")
    await set_grace(session_maker, a.org_id, seconds=3)
    before = await snapshot(session_maker, a.org_id)
    async with api.client() as client:
        requested = await client.post(f"/api/orgs/{a.org_id}/deletion", headers=a.owner)
        assert requested.status_code == 202
        cancelled = await client.post(f"/api/orgs/{a.org_id}/deletion/cancel", headers=a.owner)
        assert cancelled.status_code == 200, cancelled.text
        assert cancelled.json()["status"] == "cancelled"
        await asyncio.sleep(4)  # past the grace period: nothing happens
        state = await client.get(f"/api/orgs/{a.org_id}/deletion", headers=a.owner)
        receipt = await client.get(f"/api/deletion-receipts/{requested.json()['receipt_token']}")
    assert state.json()["status"] == "cancelled"
    assert receipt.json()["status"] == "cancelled"
    assert receipt.json()["cancelled_at"]
    after = await snapshot(session_maker, a.org_id)
    untouched = set(ORG_TABLES) - {"audit_log", "deletion_receipts"}
    assert {t: after[t] for t in untouched} == {t: before[t] for t in untouched}
    assert after["audit_log"][0] == before["audit_log"][0] + 2  # requested, cancelled
    assert clerk.deleted_users == []
    await record_history(
        temporal_client, account_deletion_id(a.org_id), "account_deletion_cancelled"
    )


@pytest.mark.usefixtures("workers")
async def test_a_legal_hold_pauses_deletion_past_the_grace_period_and_release_resumes_it(
    api: RunningApi,
    deletion_settings: Settings,
    session_maker: SessionMaker,
    temporal_client: Client,
    clerk: ClerkInstance,
) -> None:
    a = await plant(deletion_settings, session_maker, temporal_client, clerk, "Acme")
    await set_grace(session_maker, a.org_id, seconds=2)
    url = f"/api/orgs/{a.org_id}/deletion"
    async with api.client() as client:
        requested = await client.post(url, headers=a.compliance)
        assert requested.status_code == 202
        by_owner = await client.post(f"{url}/hold", json={"reason": "case-17"}, headers=a.owner)
        assert by_owner.status_code == 403
        named = await client.post(f"{url}/hold", json={"reason": "ann@x.io"}, headers=a.compliance)
        assert named.status_code == 422, "a reason code, never an email"
        held = await client.post(f"{url}/hold", json={"reason": "case-17"}, headers=a.compliance)
        assert held.status_code == 200, held.text
        assert held.json()["hold"]["reason"] == "case-17"
        before = await snapshot(session_maker, a.org_id)
        await asyncio.sleep(4)  # twice the grace period
        state = (await client.get(url, headers=a.operator)).json()
        assert state["status"] == "on_hold"
        assert state["hold"]["reason"] == "case-17"
        assert await snapshot(session_maker, a.org_id) == before, "nothing purged while held"
        released = await client.post(f"{url}/release", headers=a.compliance)
        assert released.status_code == 200
        assert released.json()["hold"] is None
        token = requested.json()["receipt_token"]
        receipt = await eventually(lambda: _completed_receipt(client, token), within=90)
    assert receipt["deleted"]["messages"] == before["messages"][0]
    assert (await snapshot(session_maker, a.org_id))["messages"][0] == 0


async def test_a_worker_killed_mid_purge_is_replaced_and_the_deletion_completes_once(
    settings: Settings, session_maker: SessionMaker, temporal_client: Client, tmp_path: Path
) -> None:
    """Real `perceptron worker` processes: the first is killed with SIGKILL while the
    messages are being deleted five at a time; a second one picks the purge up after the
    heartbeat timeout and finishes it. One receipt, with exact counts."""
    organization = await create_organization(session_maker, "Acme")
    owner = await create_member(session_maker, organization.id, Role.OWNER)
    await set_grace(session_maker, organization.id, seconds=0)
    total = 3000
    await _bulk_messages(session_maker, organization.id, total)
    env = {
        **os.environ,
        "DATABASE_URL": settings.resolved_database_url,
        "TEMPORAL_ADDRESS": settings.resolved_temporal_address,
        "PERCEPTRON_TEMPORAL_CONFIG": str(settings.temporal_config),
        "PERCEPTRON_DATA_DIR": str(settings.data_dir),
    }
    deletions = AccountDeletions(
        session_maker,
        temporal_client,
        settings,
        PurgeOptions(batch_size=5, heartbeat_timeout=timedelta(seconds=2)),
    )
    first = _start_worker(env, tmp_path / "worker-1.log")
    second: subprocess.Popen[bytes] | None = None
    try:
        requested = await deletions.request(
            Principal(org_id=organization.id, role=Role.OWNER, member_id=owner.id)
        )
        assert requested.receipt_token

        async def purging_messages() -> bool:
            remaining = await _count(session_maker, organization.id, "messages")
            return 0 < remaining < total

        await eventually(purging_messages, within=60, every=0.005)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        stopped_at = await _count(session_maker, organization.id, "messages")
        assert stopped_at > 0, "killed mid-purge"
        await asyncio.sleep(1)
        assert await _count(session_maker, organization.id, "messages") == stopped_at
        second = _start_worker(env, tmp_path / "worker-2.log")

        async def completed() -> bool:
            receipt = await deletions.receipt(requested.receipt_token or "")
            return receipt.status.value == "completed"

        await eventually(completed, within=120)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(20)
    async with platform_session(session_maker) as session:
        receipts = (
            await session.exec(
                select(DeletionReceipt).where(DeletionReceipt.org_id == organization.id)
            )
        ).all()
    assert len(receipts) == 1
    assert receipts[0].deleted["messages"] == total, "exact across the crash"
    assert receipts[0].deleted["conversations"] == 1
    assert receipts[0].deleted["members"] == 1
    after = await snapshot(session_maker, organization.id)
    assert {t: n for t, (n, _) in after.items() if n} == {"deletion_receipts": 1, "data_keys": 1}


@pytest.mark.usefixtures("workers")
async def test_deletion_refuses_the_wrong_roles_and_unknown_tokens(
    api: RunningApi,
    deletion_settings: Settings,
    session_maker: SessionMaker,
    temporal_client: Client,
) -> None:
    organization = await create_organization(session_maker, "Acme")
    other = await create_organization(session_maker, "Bolt")
    headers = {
        role: bearer(
            session_token(
                deletion_settings, await create_member(session_maker, organization.id, role)
            )
        )
        for role in Role
    }
    outsider = bearer(
        session_token(deletion_settings, await create_member(session_maker, other.id))
    )
    url = f"/api/orgs/{organization.id}/deletion"
    async with api.client() as client:
        assert (await client.get(url, headers=headers[Role.OWNER])).status_code == 404
        assert (await client.post(f"{url}/cancel", headers=headers[Role.OWNER])).status_code == 404
        for role in (Role.ADMIN, Role.OPERATOR):
            refused = await client.post(url, headers=headers[role])
            assert refused.status_code == 403, role
            assert "owner" in refused.json()["detail"]
        assert (await client.post(url, headers=outsider)).status_code == 403
        assert (await client.post(url)).status_code == 401
        unknown = await client.get("/api/deletion-receipts/not-a-real-token")
        assert unknown.status_code == 404
        assert unknown.json()["detail"] == "no deletion receipt for this token"
    assert not [w async for w in temporal_client.list_workflows(_deletion_query(organization.id))]


@pytest.mark.usefixtures("workers")
async def test_a_member_deletes_their_own_account_but_the_only_owner_cannot(
    api: RunningApi,
    deletion_settings: Settings,
    session_maker: SessionMaker,
    temporal_client: Client,
    clerk: ClerkInstance,
) -> None:
    organization = await create_organization(session_maker, "Acme")
    owner = await create_member(session_maker, organization.id, Role.OWNER)
    operator = await create_member(session_maker, organization.id, Role.OPERATOR)
    clerk.users.update({owner.idp_user_id, operator.idp_user_id})
    await create_sign_in_link(session_maker, organization.id, operator.id, timedelta(minutes=5))
    async with org_session(session_maker, organization.id) as session:
        contact = Contact(org_id=organization.id, email="visitor@example.com")
        session.add(contact)
        await session.flush()
        conversation = Conversation(org_id=organization.id, contact_id=contact.id)
        session.add(conversation)
        await session.flush()
        session.add(
            Message(
                org_id=organization.id,
                conversation_id=conversation.id,
                role=MessageRole.OPERATOR,
                content="An operator's reply stays the organization's.",
                author_member_id=operator.id,
            )
        )
    url = f"/api/orgs/{organization.id}/members/me"
    owner_headers = bearer(session_token(deletion_settings, owner))
    operator_headers = bearer(session_token(deletion_settings, operator))
    async with api.client() as client:
        sole = await client.delete(url, headers=owner_headers)
        assert sole.status_code == 409
        assert "only owner" in sole.json()["detail"]
        deleted = await client.delete(url, headers=operator_headers)
        assert deleted.status_code == 202, deleted.text
        assert deleted.json()["status"] == "completed"
        receipt = await client.get(f"/api/deletion-receipts/{deleted.json()['receipt_token']}")
        assert (
            await client.get(f"/api/orgs/{organization.id}", headers=operator_headers)
        ).status_code == 401
        assert (
            await client.get(f"/api/orgs/{organization.id}", headers=owner_headers)
        ).status_code == 200
    assert receipt.status_code == 200
    body = receipt.json()
    assert body["subject"] == "member"
    assert body["member_id"] == str(operator.id)
    assert body["status"] == "completed"
    assert body["deleted"] == {"members": 1, "sign_in_links": 1, "identity_users": 1}
    assert clerk.deleted_users == [operator.idp_user_id]
    async with org_session(session_maker, organization.id) as session:
        assert await session.get(Member, operator.id) is None
        assert await session.get(Member, owner.id) is not None
        message = (await session.exec(select(Message))).one()
    assert message.author_member_id is None
    await record_history(
        temporal_client, member_deletion_id(organization.id, operator.id), "member_deletion"
    )


@pytest.mark.usefixtures("workers")
async def test_work_started_while_purging_is_swept_once_the_organization_is_gone(
    api: RunningApi,
    deletion_settings: Settings,
    session_maker: SessionMaker,
    temporal_client: Client,
) -> None:
    """A legal hold placed while the knowledge base is purged (after the workflows and the
    files were) keeps the organization usable for a while: a conversation started, a sync
    schedule created and an export written then are gone at the end all the same, counted on
    top of the first sweep. Cancelling is refused once the purge has begun, and not audited."""
    organization = await create_organization(session_maker, "Acme")
    org_id = organization.id
    owner = await create_member(session_maker, org_id, Role.OWNER)
    compliance = bearer(
        session_token(
            deletion_settings, await create_member(session_maker, org_id, Role.COMPLIANCE)
        )
    )
    owner_headers = bearer(session_token(deletion_settings, owner))
    await set_grace(session_maker, org_id, seconds=0)
    storage = create_storage(deletion_settings)
    await storage.put(f"{org_id}/early/guide.md", GUIDE)
    async with org_session(session_maker, org_id) as session:
        # Enough rows, five at a time, for the knowledge stage to last a while.
        session.add_all(
            KnowledgeSource(org_id=org_id, kind=SourceKind.WEBSITE, url=f"https://x.test/{n}")
            for n in range(3000)
        )
    deletions = _deletions(session_maker, temporal_client, deletion_settings)
    requested = await deletions.request(
        Principal(org_id=org_id, role=Role.OWNER, member_id=owner.id)
    )
    token = requested.receipt_token or ""
    url = f"/api/orgs/{org_id}/deletion"
    async with api.client() as client:

        async def purging_knowledge() -> bool:
            return (await deletions.state(org_id)).stage == "knowledge"

        await eventually(purging_knowledge, within=60, every=0.02)
        held = await client.post(f"{url}/hold", json={"reason": "case-18"}, headers=compliance)
        assert held.status_code == 200, held.text

        async def paused() -> bool:
            return (await deletions.state(org_id)).status is DeletionStatus.ON_HOLD

        await eventually(paused, within=60)
        state = await deletions.state(org_id)
        assert state.stage == "knowledge", "paused before the accounts"
        assert state.deleted["files"] == 1
        assert state.deleted["workflows_terminated"] == 0

        refused = await client.post(f"{url}/cancel", headers=owner_headers)
        assert refused.status_code == 409, refused.text
        assert refused.json()["detail"] == "the deletion is on_hold: it can no longer be cancelled"
        async with org_session(session_maker, org_id) as session:
            cancellations = (
                await session.exec(
                    select(AuditLogEntry).where(
                        AuditLogEntry.action == "organization.deletion_cancelled"
                    )
                )
            ).all()
        assert cancellations == []

        # The organization still works: new work after its own store was purged.
        await storage.put(f"{org_id}/exports/late.zip", b"PK late export")
        async with org_session(session_maker, org_id) as session:
            visitor = Contact(org_id=org_id)
            session.add(visitor)
        conversations = Conversations(session_maker, temporal_client, deletion_settings)
        late = await conversations.start(org_id, visitor.id)
        await conversations.post(org_id, late.id, "is anyone there?", uuid.uuid4())
        late_source = uuid.uuid4()
        await _create_paused_schedule(temporal_client, deletion_settings, org_id, late_source)

        released = await client.post(f"{url}/release", headers=compliance)
        assert released.status_code == 200, released.text
        receipt = await eventually(lambda: _completed_receipt(client, token), within=120)

    deleted = receipt["deleted"]
    assert deleted["files"] == 2, "one file per sweep, added up"
    assert deleted["schedules"] == 1
    assert deleted["workflows_terminated"] == 1, "the late conversation"
    assert deleted["knowledge_sources"] == 3000
    assert (await deletions.state(org_id)).deleted == deleted
    assert not (deletion_settings.storage_dir / str(org_id)).exists()
    with pytest.raises(RPCError) as missing:
        await temporal_client.get_schedule_handle(sync_source_id(org_id, late_source)).describe()
    assert missing.value.status == RPCStatusCode.NOT_FOUND
    await eventually(lambda: _no_workflows_left(temporal_client, org_id), within=90, every=1)
    after = await snapshot(session_maker, org_id)
    assert {t: n for t, (n, _) in after.items() if n} == {"deletion_receipts": 1, "data_keys": 1}


@pytest.mark.usefixtures("workers")
async def test_files_are_purged_in_batches_each_counted_on_the_receipt(
    deletion_settings: Settings, session_maker: SessionMaker, temporal_client: Client
) -> None:
    """Files go a few at a time, heartbeating, each batch added to the receipt: the count
    grows while files remain, and ends exact."""
    organization = await create_organization(session_maker, "Acme")
    owner = await create_member(session_maker, organization.id, Role.OWNER)
    await set_grace(session_maker, organization.id, seconds=0)
    storage = create_storage(deletion_settings)
    total = 1500
    for n in range(total):
        await storage.put(f"{organization.id}/{n % 7}/file-{n}.bin", b"x")
    deletions = _deletions(session_maker, temporal_client, deletion_settings)
    requested = await deletions.request(
        Principal(org_id=organization.id, role=Role.OWNER, member_id=owner.id)
    )
    folder = deletion_settings.storage_dir / str(organization.id)

    async def counted_while_files_remain() -> bool:
        receipt = await deletions.receipt(requested.receipt_token or "")
        counted = int(receipt.deleted.get("files", 0))
        return 0 < counted < total and any(folder.rglob("*.bin"))

    await eventually(counted_while_files_remain, within=60, every=0.005)

    async def completed() -> DeletionReceipt | None:
        receipt = await deletions.receipt(requested.receipt_token or "")
        return receipt if receipt.status is DeletionStatus.COMPLETED else None

    receipt = await eventually(completed, within=90)
    assert receipt.deleted["files"] == total
    assert not folder.exists()


async def test_a_cancel_waits_for_a_busy_workflow_instead_of_refusing_then_cancelling(
    deletion_settings: Settings,
    session_maker: SessionMaker,
    temporal_client: Client,
    embedder: LocalMiniLMEmbedder,
    keyring: DataKeys,
) -> None:
    """No worker answers for a while: the cancellation is not refused (only to happen
    later); it is answered once the workflow has taken it in, and audited then."""
    organization = await create_organization(session_maker, "Acme")
    owner = await create_member(session_maker, organization.id, Role.OWNER)
    await set_grace(session_maker, organization.id, seconds=600)
    deletions = _deletions(session_maker, temporal_client, deletion_settings)
    principal = Principal(org_id=organization.id, role=Role.OWNER, member_id=owner.id)
    requested = await deletions.request(principal)
    cancelling = asyncio.create_task(deletions.cancel(principal))
    await asyncio.sleep(6)  # longer than the API used to wait before answering 409
    assert not cancelling.done()
    async with running_workers(
        temporal_client, deletion_settings, session_maker, embedder, keyring
    ):
        cancelled = await asyncio.wait_for(cancelling, 30)
        assert cancelled.status is DeletionStatus.CANCELLED
        receipt = await deletions.receipt(requested.receipt_token or "")
        assert receipt.status is DeletionStatus.CANCELLED
        again = await deletions.cancel(principal)
        assert again.status is DeletionStatus.CANCELLED
    async with org_session(session_maker, organization.id) as session:
        audited = (
            await session.exec(
                select(AuditLogEntry.action).where(
                    AuditLogEntry.action == "organization.deletion_cancelled"
                )
            )
        ).all()
    assert audited == ["organization.deletion_cancelled"]


async def test_two_owners_cannot_both_delete_their_own_accounts(
    deletion_settings: Settings, session_maker: SessionMaker, temporal_client: Client
) -> None:
    """The first owner's deletion is under way (no worker has run it yet, so their member row
    is still there): the second is now the only owner and is refused."""
    organization = await create_organization(session_maker, "Acme")
    first = await create_member(session_maker, organization.id, Role.OWNER)
    second = await create_member(session_maker, organization.id, Role.OWNER)
    deletions = _deletions(session_maker, temporal_client, deletion_settings)
    leaving = asyncio.create_task(
        deletions.delete_member(
            Principal(org_id=organization.id, role=Role.OWNER, member_id=first.id)
        )
    )
    try:

        async def first_receipt_recorded() -> bool:
            async with platform_session(session_maker) as session:
                found = await session.exec(
                    select(DeletionReceipt).where(DeletionReceipt.member_id == first.id)
                )
                return found.first() is not None

        await eventually(first_receipt_recorded, within=30, every=0.02)
        with pytest.raises(DeletionError) as refused:
            await deletions.delete_member(
                Principal(org_id=organization.id, role=Role.OWNER, member_id=second.id)
            )
        assert refused.value.status == 409
        assert "only owner" in refused.value.message
    finally:
        leaving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await leaving
        await temporal_client.get_workflow_handle(
            member_deletion_id(organization.id, first.id)
        ).terminate()
    async with platform_session(session_maker) as session:
        receipts = (
            await session.exec(
                select(DeletionReceipt).where(DeletionReceipt.org_id == organization.id)
            )
        ).all()
    assert [r.member_id for r in receipts] == [first.id]


@pytest.mark.usefixtures("workers")
async def test_a_receipt_left_active_without_a_workflow_does_not_block_a_new_request(
    api: RunningApi,
    deletion_settings: Settings,
    session_maker: SessionMaker,
    temporal_client: Client,
) -> None:
    """A receipt still marked scheduled whose workflow never ran (or is gone) is settled as
    cancelled, and a new deletion starts. A deletion requested again right after a
    cancellation gets its own run, never the closing one."""
    organization = await create_organization(session_maker, "Acme")
    org_id = organization.id
    owner = bearer(
        session_token(deletion_settings, await create_member(session_maker, org_id, Role.OWNER))
    )
    now = datetime.now(UTC)
    async with platform_session(session_maker) as session:
        stale = DeletionReceipt(
            subject=DeletionSubject.ORGANIZATION,
            org_id=org_id,
            workflow_id=account_deletion_id(org_id),
            token_hash=hash_secret("stale-receipt-token"),
            requested_at=now - timedelta(days=2),
            purge_after=now - timedelta(days=1),
            deadline=now + timedelta(days=28),
        )
        session.add(stale)
    await set_grace(session_maker, org_id, seconds=600)
    url = f"/api/orgs/{org_id}/deletion"
    async with api.client() as client:
        first = await client.post(url, headers=owner)
        assert first.status_code == 202, first.text
        assert first.json()["receipt_token"], "a new deletion, with its own receipt"
        assert first.json()["status"] == "scheduled"
        settled = await client.get("/api/deletion-receipts/stale-receipt-token")
        assert settled.json()["status"] == "cancelled"
        assert settled.json()["cancelled_at"]

        cancelled = await client.post(f"{url}/cancel", headers=owner)
        assert cancelled.status_code == 200, cancelled.text
        second = await client.post(url, headers=owner)
        assert second.status_code == 202, second.text
        assert second.json()["receipt_token"]
        assert (await client.get(url, headers=owner)).json()["status"] == "scheduled"
        cancelled_again = await client.post(f"{url}/cancel", headers=owner)
        assert cancelled_again.status_code == 200, cancelled_again.text
        tokens = [first.json()["receipt_token"], second.json()["receipt_token"]]
        statuses = [
            (await client.get(f"/api/deletion-receipts/{token}")).json()["status"]
            for token in tokens
        ]
    assert statuses == ["cancelled", "cancelled"]


# -- helpers --------------------------------------------------------------------------------


def _deletions(maker: SessionMaker, temporal: Client, settings: Settings) -> AccountDeletions:
    """Five rows (or files) per batch, so a purge is slow enough to watch."""
    return AccountDeletions(
        maker,
        temporal,
        settings,
        PurgeOptions(batch_size=5, heartbeat_timeout=timedelta(seconds=5)),
    )


PLANTED_TABLES = [
    "contacts",
    "conversations",
    "messages",
    "conversation_events",
    "calls",
    "widget_events",
    "knowledge_documents",
    "knowledge_chunks",
    "knowledge_sources",
    "members",
    "sign_in_links",
    "api_keys",
    "privacy_requests",
    "audit_log",
    "phone_numbers",
    "telephony_accounts",
    "simulations",
    "simulation_results",
]


class Planted:
    def __init__(
        self,
        org_id: uuid.UUID,
        headers: dict[Role, dict[str, str]],
        clerk_users: list[str],
        schedule_id: str,
        telephony: tuple[bytes, str, bytes, str],
    ) -> None:
        self.org_id = org_id
        # The sealed Twilio credentials as stored, their key, what they open to, the
        # recording's storage key.
        self.sealed, self.credentials_key_id, self.credentials, self.recording_key = telephony
        self.owner = headers[Role.OWNER]
        self.compliance = headers[Role.COMPLIANCE]
        self.operator = headers[Role.OPERATOR]
        self.clerk_users = clerk_users
        self.schedule_id = schedule_id


def clerk_organization(name: str) -> str:
    return f"org_{name.lower()}"


async def plant(
    settings: Settings,
    maker: SessionMaker,
    temporal: Client,
    clerk: ClerkInstance,
    name: str,
) -> Planted:
    """An organization with something in every store: members (Clerk users), a sign-in link,
    an API key, a privacy request, audit entries, contacts, a live conversation (a running
    workflow), calls, widget events, an ingested document (file, chunks, vectors, a finished
    workflow) and a website source with its sync schedule."""
    organization = await create_organization(maker, name)
    org_id = organization.id
    # Signed in through Clerk: the provider's organization goes with it.
    async with org_session(maker, org_id) as session:
        organization.external_id = clerk_organization(name)
        session.add(organization)
    clerk.organizations.add(clerk_organization(name))
    headers: dict[Role, dict[str, str]] = {}
    clerk_users: list[str] = []
    for role in (Role.OWNER, Role.COMPLIANCE, Role.OPERATOR):
        member = await create_member(maker, org_id, role, email=f"{role.value}@{name.lower()}.test")
        headers[role] = bearer(session_token(settings, member))
        clerk.users.add(member.idp_user_id)
        clerk_users.append(member.idp_user_id)
    await _add_member(maker, org_id, "local:staff")  # no Clerk user to delete
    owner_id = await _member_id(maker, org_id, Role.OWNER)
    await create_sign_in_link(maker, org_id, owner_id, timedelta(minutes=5))
    async with org_session(maker, org_id) as session:
        _, prefix, key_hash = new_api_key()
        session.add(ApiKey(org_id=org_id, name="backend", prefix=prefix, key_hash=key_hash))
        contact = Contact(org_id=org_id, name="Ann Canary", email=f"ann@{name.lower()}.test")
        session.add(contact)
        await session.flush()
        session.add(
            PrivacyRequest(
                org_id=org_id, kind=PrivacyRequestKind.CONTACT_EXPORT, contact_id=contact.id
            )
        )
        session.add(
            AuditLogEntry(org_id=org_id, action="api_key.created", actor_member_id=owner_id)
        )
        call_conversation = Conversation(org_id=org_id, contact_id=contact.id)
        session.add(call_conversation)
        await session.flush()
        call = Call(org_id=org_id, conversation_id=call_conversation.id, contact_id=contact.id)
        session.add(call)
        session.add(
            Message(
                org_id=org_id,
                conversation_id=call_conversation.id,
                role=MessageRole.VISITOR,
                content="Transcript: my lamp blinks amber.",
            )
        )
        # A simulation of that conversation, with the result that copies its text.
        simulation = Simulation(org_id=org_id, workflow_id=f"simulate-{org_id}-planted")
        session.add(simulation)
        await session.flush()
        session.add(
            SimulationResult(
                org_id=org_id,
                simulation_id=simulation.id,
                seq=0,
                case_key="planted",
                conversation_id=call_conversation.id,
                question="Transcript: my lamp blinks amber.",
            )
        )
        for kind in ("widget.opened", "page.viewed"):
            session.add(
                WidgetEvent(
                    org_id=org_id, contact_id=contact.id, type=kind, ip_address="203.0.113.7"
                )
            )
        source = KnowledgeSource(org_id=org_id, kind=SourceKind.WEBSITE, url="https://x.test/")
        source.schedule_id = sync_source_id(org_id, source.id)
        session.add(source)
    await _create_paused_schedule(temporal, settings, org_id, source.id)
    telephony = await _plant_telephony(settings, maker, org_id, call.id)

    conversations = Conversations(maker, temporal, settings)
    live = await conversations.start(org_id, contact.id)
    await conversations.post(org_id, live.id, "how do I reset my lamp?", uuid.uuid4())

    knowledge = KnowledgeBase(maker, create_storage(settings), temporal, settings)
    added = await knowledge.add_file(org_id, "guide.md", "text/markdown", GUIDE)

    async def ready() -> bool:
        document = await knowledge.get_document(org_id, added.document.id)
        return document.status.value == "ready"

    await eventually(ready, within=60)
    return Planted(org_id, headers, clerk_users, source.schedule_id, telephony)


async def _plant_telephony(
    settings: Settings, maker: SessionMaker, org_id: uuid.UUID, call_id: uuid.UUID
) -> tuple[bytes, str, bytes, str]:
    """A phone number, a Twilio account whose credentials are sealed under the organization's
    data key (as services.telephony seals them: the organization id as associated data), and
    a recording of the call."""
    credentials = f'{{"account_sid": "AC{org_id.hex}", "auth_token": "{uuid.uuid4().hex}"}}'
    key = await create_keyring(settings, maker).for_organization(org_id)
    sealed = seal(key.key, credentials.encode(), org_id.bytes)
    async with org_session(maker, org_id) as session:
        session.add(PhoneNumber(org_id=org_id, number=f"+1555{org_id.int % 10**7:07d}"))
        session.add(
            TelephonyAccount(
                org_id=org_id,
                sealed_credentials=sealed,
                key_id=key.key_id,
                account_hint=f"AC…{org_id.hex[-4:]}",
            )
        )
    await record_call(create_storage(settings), maker, org_id, call_id)
    return sealed, key.key_id, credentials.encode(), recording_key(org_id, call_id)


async def _open_credentials(keyring: DataKeys, planted: Planted) -> bytes:
    key = await keyring.by_id(planted.credentials_key_id)
    return open_sealed(key.key, planted.sealed, planted.org_id.bytes)


async def _create_paused_schedule(
    temporal: Client, settings: Settings, org_id: uuid.UUID, source_id: uuid.UUID
) -> None:
    schedule_id = sync_source_id(org_id, source_id)
    await temporal.create_schedule(
        schedule_id,
        Schedule(
            action=ScheduleActionStartWorkflow(
                SyncKnowledgeSourceWorkflow.run,
                SyncSourceInput(org_id=org_id, source_id=source_id),
                id=schedule_id,
                task_queue=settings.temporal.task_queues.ingestion,
                typed_search_attributes=search_attributes(org_id, "sync"),
            ),
            spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=timedelta(hours=24))]),
            state=ScheduleState(paused=True),
        ),
    )


async def _add_member(maker: SessionMaker, org_id: uuid.UUID, idp_user_id: str) -> None:
    async with org_session(maker, org_id) as session:
        session.add(Member(org_id=org_id, idp_user_id=idp_user_id, role=Role.OPERATOR))


async def _member_id(maker: SessionMaker, org_id: uuid.UUID, role: Role) -> uuid.UUID:
    async with org_session(maker, org_id) as session:
        return (await session.exec(select(Member.id).where(Member.role == role))).one()


async def _bulk_messages(maker: SessionMaker, org_id: uuid.UUID, count: int) -> None:
    async with org_session(maker, org_id) as session:
        conversation = Conversation(org_id=org_id)
        session.add(conversation)
        await session.flush()
        session.add_all(
            Message(
                org_id=org_id,
                conversation_id=conversation.id,
                role=MessageRole.VISITOR,
                content=f"message {index}",
            )
            for index in range(count)
        )
        session.add(ConversationEvent(org_id=org_id, conversation_id=conversation.id, type="x"))


async def set_grace(maker: SessionMaker, org_id: uuid.UUID, seconds: float) -> None:
    async with org_session(maker, org_id) as session:
        organization = await session.get(Organization, org_id)
        assert organization is not None
        organization.settings = {
            **organization.settings,
            "privacy": {"deletion_grace_days": seconds / 86400},
        }
        session.add(organization)


async def snapshot(maker: SessionMaker, org_id: uuid.UUID) -> dict[str, tuple[int, str | None]]:
    """Per table: the organization's row count and an md5 of its rows in order."""
    result: dict[str, tuple[int, str | None]] = {}
    async with platform_session(maker) as session:
        for table, column in [*((t, "org_id") for t in ORG_TABLES), ("organizations", "id")]:
            row = (
                await (await session.connection()).execute(
                    text(
                        f"SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t::text)) "
                        f'FROM "{table}" t WHERE {column} = :org'
                    ),
                    {"org": org_id},
                )
            ).one()
            result[table] = (int(row[0]), row[1])
    return result


async def _count(maker: SessionMaker, org_id: uuid.UUID, table: str) -> int:
    async with platform_session(maker) as session:
        row = (
            await (await session.connection()).execute(
                text(f'SELECT count(*) FROM "{table}" WHERE org_id = :org'),
                {"org": org_id},
            )
        ).one()
    return int(row[0])


async def eventually(check: Callable[[], Awaitable[Any]], within: float, every: float = 0.2) -> Any:
    deadline = time.monotonic() + within
    while True:
        outcome = await check()
        if outcome:
            return outcome
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within}s")
        await asyncio.sleep(every)


async def _completed_receipt(client: Any, token: str) -> dict[str, Any] | None:
    response = await client.get(f"/api/deletion-receipts/{token}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body if body["status"] == "completed" else None


async def _no_workflows_left(temporal: Client, org_id: uuid.UUID) -> bool:
    query = f'PerceptronOrgId = "{org_id}" AND PerceptronKind != "account-deletion"'
    return not [w async for w in temporal.list_workflows(query)]


def _deletion_query(org_id: uuid.UUID) -> str:
    return f'PerceptronOrgId = "{org_id}" AND PerceptronKind = "account-deletion"'


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    perceptron = str(Path(sys.executable).parent / "perceptron")
    with log.open("wb") as output:
        return subprocess.Popen(
            [perceptron, "worker"], env=env, stdout=output, stderr=subprocess.STDOUT
        )
