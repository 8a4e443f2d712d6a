"""The payload codec with the platform key: sealing, tampering, pass-through, the converter.

The platform key is derived from the master key alone, so these tests never reach a database
(the keyring's session maker points at an engine that is never connected). Organization keys,
which live in the database, are tested in tests/integration/test_payload_encryption.py.
"""

from __future__ import annotations

import uuid

import pytest
from pydantic import BaseModel
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.api.failure.v1 import Failure
from temporalio.api.history.v1 import History, HistoryEvent
from temporalio.converter import (
    ActivitySerializationContext,
    DefaultFailureConverterWithEncodedAttributes,
    WorkflowSerializationContext,
)
from temporalio.exceptions import ApplicationError

from core.db import create_engine, create_session_maker
from core.encryption import PLATFORM_KEY_ID, DataKeys, PayloadKey
from core.ids import account_deletion_id, member_deletion_id
from core.payload_codec import (
    ENCODING,
    KEY_ID,
    EncryptionCodec,
    PayloadDecryptionError,
    data_converter,
    decode_payloads_in,
    seal,
    unseal,
)

CANARY = "canary-7f3a1c@example.com"


@pytest.fixture
def keyring() -> DataKeys:
    engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:9/never", pool_size=1)
    return DataKeys(create_session_maker(engine), "unit-test-master-key-" + "x" * 16)


def plain(text: str = CANARY) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=f'"{text}"'.encode())


def workflow_context(workflow_id: str) -> WorkflowSerializationContext:
    return WorkflowSerializationContext(namespace="perceptron", workflow_id=workflow_id)


async def test_a_payload_round_trips_and_its_ciphertext_holds_nothing_readable(
    keyring: DataKeys,
) -> None:
    codec = EncryptionCodec(keyring)
    [sealed] = await codec.encode([plain()])
    assert sealed.metadata["encoding"] == ENCODING
    assert sealed.metadata[KEY_ID] == PLATFORM_KEY_ID.encode()
    assert CANARY.encode() not in sealed.SerializeToString()
    assert b"json/plain" not in sealed.SerializeToString(), "inner metadata is encrypted too"
    [opened] = await codec.decode([sealed])
    assert opened == plain()


async def test_the_same_payload_seals_differently_each_time(keyring: DataKeys) -> None:
    codec = EncryptionCodec(keyring)
    first, second = await codec.encode([plain(), plain()])
    assert first.data != second.data


@pytest.mark.parametrize(
    "workflow_id",
    [
        account_deletion_id(uuid.uuid4()),
        member_deletion_id(uuid.uuid4(), uuid.uuid4()),
        "retention-sweep",
        "retention-sweep-2025-01-01T03:00:00Z",
        f"system-check-{uuid.uuid4()}",
    ],
)
async def test_platform_workflows_use_the_platform_key(keyring: DataKeys, workflow_id: str) -> None:
    codec = EncryptionCodec(keyring).with_context(workflow_context(workflow_id))
    [sealed] = await codec.encode([plain()])
    assert sealed.metadata[KEY_ID] == PLATFORM_KEY_ID.encode()


async def test_an_activity_outside_any_workflow_uses_the_platform_key(keyring: DataKeys) -> None:
    context = ActivitySerializationContext(
        namespace="perceptron",
        activity_id="a",
        activity_type="t",
        activity_task_queue="q",
        workflow_id=None,
        workflow_type=None,
        is_local=False,
    )
    [sealed] = await EncryptionCodec(keyring).with_context(context).encode([plain()])
    assert sealed.metadata[KEY_ID] == PLATFORM_KEY_ID.encode()


async def test_payloads_without_encryption_metadata_pass_through_untouched(
    keyring: DataKeys,
) -> None:
    untouched = [plain(), Payload(metadata={"encoding": b"binary/null"}), Payload()]
    assert await EncryptionCodec(keyring).decode(untouched) == untouched


async def test_tampered_ciphertext_is_refused(keyring: DataKeys) -> None:
    codec = EncryptionCodec(keyring)
    [sealed] = await codec.encode([plain()])
    flipped = bytearray(sealed.data)
    flipped[-1] ^= 0x01
    tampered = Payload(metadata=dict(sealed.metadata), data=bytes(flipped))
    with pytest.raises(PayloadDecryptionError, match="tampered"):
        await codec.decode([tampered])
    truncated = Payload(metadata=dict(sealed.metadata), data=sealed.data[:5])
    with pytest.raises(PayloadDecryptionError):
        await codec.decode([truncated])


def test_the_key_id_is_bound_to_the_ciphertext() -> None:
    """Relabelled with another key id (even over the same key bytes) it no longer opens."""
    secret = bytes(range(32))
    sealed = seal(PayloadKey("key-a", secret), plain())
    with pytest.raises(PayloadDecryptionError):
        unseal(PayloadKey("key-b", secret), sealed)
    assert unseal(PayloadKey("key-a", secret), sealed) == plain()


async def test_another_master_key_cannot_read_the_payloads(keyring: DataKeys) -> None:
    [sealed] = await EncryptionCodec(keyring).encode([plain()])
    engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:9/never", pool_size=1)
    stranger = DataKeys(create_session_maker(engine), "another-master-key-" + "y" * 16)
    with pytest.raises(PayloadDecryptionError):
        await EncryptionCodec(stranger).decode([sealed])


async def test_an_unknown_key_id_is_refused_clearly(keyring: DataKeys) -> None:
    [sealed] = await EncryptionCodec(keyring).encode([plain()])
    sealed.metadata[KEY_ID] = b"not-a-key"
    with pytest.raises(PayloadDecryptionError, match="unknown data key"):
        await EncryptionCodec(keyring).decode([sealed])


class Ticket(BaseModel):
    subject: str
    priority: int


async def test_the_converter_keeps_pydantic_values_and_encrypts_them(keyring: DataKeys) -> None:
    converter = data_converter(keyring).with_context(workflow_context("system-check-1"))
    [payload] = await converter.encode([Ticket(subject=CANARY, priority=2)])
    assert CANARY.encode() not in payload.SerializeToString()
    assert await converter.decode([payload], [Ticket]) == [Ticket(subject=CANARY, priority=2)]


async def test_failure_messages_and_stack_traces_are_encrypted(keyring: DataKeys) -> None:
    converter = data_converter(keyring)
    assert isinstance(converter.failure_converter, DefaultFailureConverterWithEncodedAttributes)
    failure = Failure()
    try:
        raise ApplicationError(f"could not reach {CANARY}", non_retryable=True)
    except ApplicationError as error:
        await converter.encode_failure(error, failure)
    assert CANARY.encode() not in failure.SerializeToString()
    assert failure.message == "Encoded failure"
    assert failure.encoded_attributes.metadata["encoding"] == ENCODING
    restored = await converter.decode_failure(failure)
    assert isinstance(restored, ApplicationError)
    assert restored.message == f"could not reach {CANARY}"


async def test_every_payload_of_a_history_is_decoded_in_place(keyring: DataKeys) -> None:
    codec = EncryptionCodec(keyring)
    history = History()
    started = history.events.add(event_id=1)
    started.workflow_execution_started_event_attributes.input.CopyFrom(
        Payloads(payloads=await codec.encode([plain("first"), plain("second")]))
    )
    memo = started.workflow_execution_started_event_attributes.memo
    memo.fields["note"].CopyFrom((await codec.encode([plain("memo")]))[0])
    failed = history.events.add(event_id=2)
    failure = failed.activity_task_failed_event_attributes.failure
    failure.cause.encoded_attributes.CopyFrom((await codec.encode([plain("cause")]))[0])
    assert ENCODING in history.SerializeToString()

    await decode_payloads_in(history, codec)

    assert ENCODING not in history.SerializeToString()
    event: HistoryEvent = history.events[0]
    attributes = event.workflow_execution_started_event_attributes
    assert list(attributes.input.payloads) == [plain("first"), plain("second")]
    assert attributes.memo.fields["note"] == plain("memo")
    assert history.events[
        1
    ].activity_task_failed_event_attributes.failure.cause.encoded_attributes == (plain("cause"))
