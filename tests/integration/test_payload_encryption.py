"""Workflow payloads are encrypted with their organization's key, on the real dev server.

Raw histories are read with the session's plain client (no codec), as anyone with access to
the Temporal server would read them, and searched for planted canaries.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from temporalio import activity, workflow
from temporalio.api.common.v1 import Payload
from temporalio.client import Client, WorkflowFailureError, WorkflowHistory
from temporalio.converter import WorkflowSerializationContext
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, UnsandboxedWorkflowRunner, Worker

from core.db import SessionMaker
from core.encryption import PLATFORM_KEY_ID, DataKeyDestroyedError, DataKeys
from core.ids import (
    account_deletion_id,
    conversation_workflow_id,
    data_export_id,
    search_attributes,
)
from core.payload_codec import (
    ENCODING,
    KEY_ID,
    EncryptionCodec,
    PayloadDecryptionError,
    PayloadShreddedError,
    decode_history,
    unseal,
)
from tests.conftest import RunningApi
from tests.factories import create_organization
from tests.integration.conversation_helpers import new_visitor, read_events, turn_done
from workflows.registry import ALL_WORKFLOWS


def canary() -> str:
    return f"canary-{uuid.uuid4().hex}@example.com"


def raw_bytes(history: WorkflowHistory) -> bytes:
    return b"".join(event.SerializeToString() for event in history.events)


def key_ids(history: WorkflowHistory) -> set[bytes]:
    """The key ids named by the encrypted payloads of a raw history."""
    found: set[bytes] = set()
    for event in history.events:
        for field, value in event.ListFields():
            if field.name.endswith("_attributes"):
                _collect_key_ids(value, found)
    return found


def _collect_key_ids(message: object, found: set[bytes]) -> None:
    if isinstance(message, Payload):
        if message.metadata.get("encoding") == ENCODING:
            found.add(message.metadata[KEY_ID])
        return
    list_fields = getattr(message, "ListFields", None)
    if list_fields is None:
        return
    for field, value in list_fields():
        if field.message_type is None:
            continue
        if field.message_type.GetOptions().map_entry:
            for item in value.values():
                _collect_key_ids(item, found)
        elif field.is_repeated:
            for item in value:
                _collect_key_ids(item, found)
        else:
            _collect_key_ids(value, found)


# A workflow of the test's own: its id decides the key, as for the product's workflows.
@dataclass
class CanaryInput:
    text: str
    fail: bool = False


@activity.defn(name="canary_echo")
async def canary_echo(request: CanaryInput) -> str:
    if request.fail:
        raise ApplicationError(f"refused {request.text.upper()}", non_retryable=True)
    return request.text


@workflow.defn(name="CanaryWorkflow")
class CanaryWorkflow:
    @workflow.run
    async def run(self, request: CanaryInput) -> str:
        return await workflow.execute_activity(
            canary_echo, request, start_to_close_timeout=timedelta(seconds=30)
        )


@pytest.fixture
async def canary_worker(temporal_client: Client, task_queue: str) -> AsyncIterator[Worker]:
    worker = Worker(
        temporal_client,
        task_queue=task_queue,
        workflows=[CanaryWorkflow],
        activities=[canary_echo],
        workflow_runner=UnsandboxedWorkflowRunner(),
    )
    async with worker:
        yield worker


async def _run_canary(
    client: Client, task_queue: str, workflow_id: str, org_id: uuid.UUID, request: CanaryInput
) -> str:
    return await client.execute_workflow(
        CanaryWorkflow.run,
        request,
        id=workflow_id,
        task_queue=task_queue,
        search_attributes=search_attributes(org_id, "test-canary"),
        execution_timeout=timedelta(seconds=60),
    )


async def test_each_organization_has_its_own_key_and_never_reads_anothers(
    keyring: DataKeys, session_maker: SessionMaker
) -> None:
    first = await create_organization(session_maker, "First")
    second = await create_organization(session_maker, "Second")
    first_key = await keyring.for_organization(first.id)
    second_key = await keyring.for_organization(second.id)
    assert first_key.key_id != second_key.key_id
    assert first_key.key != second_key.key != keyring.platform.key
    assert await keyring.for_organization(first.id) == first_key, "one key per organization"

    codec = EncryptionCodec(keyring).with_context(
        WorkflowSerializationContext("perceptron", data_export_id(first.id, uuid.uuid4()))
    )
    secret = Payload(metadata={"encoding": b"json/plain"}, data=b'"mine"')
    [sealed] = await codec.encode([secret])
    assert sealed.metadata[KEY_ID] == first_key.key_id.encode()
    with pytest.raises(PayloadDecryptionError):
        unseal(second_key, sealed)
    relabelled = Payload(
        metadata={"encoding": ENCODING, KEY_ID: second_key.key_id.encode()}, data=sealed.data
    )
    with pytest.raises(PayloadDecryptionError):
        await codec.decode([relabelled])
    keyring.forget()
    assert await EncryptionCodec(keyring).decode([sealed]) == [secret], "found again by key id"


@pytest.mark.usefixtures("conversation_worker")
async def test_a_conversation_leaves_no_plaintext_in_its_history_until_its_key_is_destroyed(
    api: RunningApi,
    session_maker: SessionMaker,
    temporal_client: Client,
    temporal_env: WorkflowEnvironment,
    keyring: DataKeys,
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    planted = canary()
    async with api.client() as client:
        visitor = await new_visitor(client, organization.public_key)
        started = await visitor.start(f"My email is {planted}, please help")
        conversation_id = uuid.UUID(started["conversation"]["id"])
        events_url = f"/api/widget/conversations/{conversation_id}/events"
        await read_events(client, events_url, visitor.headers, turn_done)
    workflow_id = conversation_workflow_id(organization.id, conversation_id)

    raw = await temporal_env.client.get_workflow_handle(workflow_id).fetch_history()
    assert planted.encode() not in raw_bytes(raw)
    org_key = await keyring.for_organization(organization.id)
    assert key_ids(raw) == {org_key.key_id.encode()}

    codec = temporal_client.data_converter.payload_codec
    assert codec is not None
    assert planted.encode() in raw_bytes(await decode_history(raw, codec))
    replayer = Replayer(workflows=ALL_WORKFLOWS, data_converter=temporal_client.data_converter)
    await replayer.replay_workflow(raw)

    await temporal_client.get_workflow_handle(workflow_id).terminate()
    await keyring.destroy(organization.id)
    keyring.forget()
    raw = await temporal_env.client.get_workflow_handle(workflow_id).fetch_history()
    with pytest.raises(PayloadShreddedError, match="crypto-shredded"):
        await decode_history(raw, codec)
    with pytest.raises(RuntimeError, match="data key was destroyed"):
        await Replayer(
            workflows=ALL_WORKFLOWS, data_converter=temporal_client.data_converter
        ).replay_workflow(raw, raise_on_replay_failure=True)


async def test_failure_messages_are_encrypted_in_the_history(
    canary_worker: Worker,
    task_queue: str,
    session_maker: SessionMaker,
    temporal_client: Client,
    temporal_env: WorkflowEnvironment,
) -> None:
    organization = await create_organization(session_maker)
    planted = canary()
    workflow_id = data_export_id(organization.id, uuid.uuid4())
    with pytest.raises(WorkflowFailureError) as failed:
        await _run_canary(
            temporal_client, task_queue, workflow_id, organization.id, CanaryInput(planted, True)
        )

    cause = failed.value.cause
    assert isinstance(cause, ActivityError)
    assert isinstance(cause.cause, ApplicationError)
    assert cause.cause.message == f"refused {planted.upper()}", "the codec client reads it"
    raw = await temporal_env.client.get_workflow_handle(workflow_id).fetch_history()
    data = raw_bytes(raw)
    assert planted.upper().encode() not in data
    assert planted.encode() not in data
    failures = [
        event.activity_task_failed_event_attributes.failure
        for event in raw.events
        if event.HasField("activity_task_failed_event_attributes")
    ]
    assert failures
    assert all(failure.message == "Encoded failure" for failure in failures)


async def test_the_account_deletion_history_outlives_the_organizations_key(
    canary_worker: Worker,
    task_queue: str,
    session_maker: SessionMaker,
    keyring: DataKeys,
    temporal_client: Client,
    temporal_env: WorkflowEnvironment,
) -> None:
    """The deletion workflow runs under the platform key: destroying the organization's key,
    its last step, leaves its own history readable while the organization's is not."""
    organization = await create_organization(session_maker)
    deletion_id = account_deletion_id(organization.id)
    export_id = data_export_id(organization.id, uuid.uuid4())
    planted = canary()
    for workflow_id in (deletion_id, export_id):
        assert (
            await _run_canary(
                temporal_client, task_queue, workflow_id, organization.id, CanaryInput(planted)
            )
            == planted
        )
    deletion_raw = await temporal_env.client.get_workflow_handle(deletion_id).fetch_history()
    export_raw = await temporal_env.client.get_workflow_handle(export_id).fetch_history()
    assert key_ids(deletion_raw) == {PLATFORM_KEY_ID.encode()}
    org_key = await keyring.for_organization(organization.id)
    assert key_ids(export_raw) == {org_key.key_id.encode()}
    assert planted.encode() not in raw_bytes(deletion_raw) + raw_bytes(export_raw)

    await keyring.destroy(organization.id)
    keyring.forget()
    codec = EncryptionCodec(keyring)
    assert planted.encode() in raw_bytes(await decode_history(deletion_raw, codec))
    with pytest.raises(PayloadShreddedError):
        await decode_history(export_raw, codec)
    with pytest.raises(DataKeyDestroyedError):
        await _run_canary(
            temporal_client,
            task_queue,
            data_export_id(organization.id, uuid.uuid4()),
            organization.id,
            CanaryInput("new work"),
        )
