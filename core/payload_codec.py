"""Temporal payloads encrypted with the data key of the organization they belong to.

Every payload a client or worker writes is sealed with AES-256-GCM: the whole serialized
Payload (metadata and data) becomes the ciphertext, and the key id goes into the outer
metadata and into the associated data, so a payload names the key it needs and cannot be
relabelled with another. Which key is decided by the serialization context the SDK gives the
codec: a workflow id that carries an organization (:func:`core.ids.organization_of`)
means that organization's key; every other payload (account deletion, platform schedules,
system checks, client calls without a workflow) uses the platform key, so destroying an
organization's key (crypto-shredding) never locks the platform out of its own workflows.

Payloads without the encryption metadata are passed through on decode: histories recorded
before the codec existed still replay.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence

from cryptography.exceptions import InvalidTag
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import DecodeError, Message
from temporalio.api.common.v1 import Payload
from temporalio.api.history.v1 import History
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import (
    ActivitySerializationContext,
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    PayloadCodec,
    SerializationContext,
    WithSerializationContext,
    WorkflowSerializationContext,
)

from core.db import SessionMaker
from core.encryption import DataKeyDestroyedError, DataKeyError, DataKeys, PayloadKey, open_sealed
from core.encryption import seal as seal_bytes
from core.ids import organization_of
from core.settings import Settings

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"


class PayloadDecryptionError(RuntimeError):
    """An encrypted payload that cannot be read: unknown key, tampered or wrong key."""


class PayloadShreddedError(PayloadDecryptionError):
    """The payload's organization was deleted and its data key destroyed (crypto-shredded)."""


def create_keyring(settings: Settings, session_maker: SessionMaker) -> DataKeys:
    """The process's keyring, from the master key and cache time in settings."""
    return DataKeys(
        session_maker, settings.master_key.get_secret_value(), settings.data_key_cache_seconds
    )


def data_converter(keyring: DataKeys) -> DataConverter:
    """The project's converter: pydantic values, encrypted payloads, and failures whose
    message and stack trace travel as an (encrypted) payload instead of plain text."""
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=EncryptionCodec(keyring),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


class EncryptionCodec(PayloadCodec, WithSerializationContext):
    """AES-256-GCM over whole payloads, keyed by the workflow the payload belongs to."""

    def __init__(self, keyring: DataKeys, workflow_id: str | None = None) -> None:
        self._keyring = keyring
        self._workflow_id = workflow_id

    def with_context(self, context: SerializationContext) -> EncryptionCodec:
        workflow_id = None
        if isinstance(context, WorkflowSerializationContext | ActivitySerializationContext):
            workflow_id = context.workflow_id
        return EncryptionCodec(self._keyring, workflow_id)

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        if not payloads:
            return []
        key = await self._encryption_key()
        return [seal(key, payload) for payload in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        decoded = []
        for payload in payloads:
            if payload.metadata.get("encoding") != ENCODING:
                decoded.append(payload)
                continue
            key_id = payload.metadata.get(KEY_ID, b"").decode(errors="replace")
            try:
                key = await self._keyring.by_id(key_id)
            except DataKeyDestroyedError as error:
                raise PayloadShreddedError(
                    "payload is unreadable: its organization's data key was destroyed "
                    "(crypto-shredded)"
                ) from error
            except DataKeyError as error:
                raise PayloadDecryptionError(
                    f"payload names an unknown data key: {error}"
                ) from error
            decoded.append(unseal(key, payload))
        return decoded

    async def _encryption_key(self) -> PayloadKey:
        org_id = organization_of(self._workflow_id) if self._workflow_id else None
        if org_id is None:
            return self._keyring.platform
        return await self._keyring.for_organization(org_id)


def seal(key: PayloadKey, payload: Payload) -> Payload:
    key_id = key.key_id.encode()
    return Payload(
        metadata={"encoding": ENCODING, KEY_ID: key_id},
        data=seal_bytes(key.key, payload.SerializeToString(), key_id),
    )


def unseal(key: PayloadKey, payload: Payload) -> Payload:
    try:
        plaintext = open_sealed(key.key, payload.data, key.key_id.encode())
        inner = Payload()
        inner.ParseFromString(plaintext)
    except (InvalidTag, ValueError, DecodeError) as error:
        raise PayloadDecryptionError(
            "payload does not decrypt: tampered with, or sealed with another key"
        ) from error
    return inner


def payloads_in(message: Message) -> Iterator[Payload]:
    """Every Payload anywhere in a protobuf message (a fetched History, an event, a
    failure), depth first."""
    if message.DESCRIPTOR.full_name == Payload.DESCRIPTOR.full_name:
        assert isinstance(message, Payload)
        yield message
        return
    for field, value in message.ListFields():
        if field.type != FieldDescriptor.TYPE_MESSAGE:
            continue
        entry = field.message_type
        assert entry is not None
        if entry.GetOptions().map_entry:
            if entry.fields_by_name["value"].type == FieldDescriptor.TYPE_MESSAGE:
                for item in value.values():
                    yield from payloads_in(item)
        elif field.is_repeated:
            for item in value:
                yield from payloads_in(item)
        else:
            yield from payloads_in(value)


async def decode_payloads_in(message: Message, codec: PayloadCodec) -> None:
    """Decode, in place, every Payload anywhere in a protobuf message. Used to store
    recorded histories in plain form and to inspect them."""
    for payload in list(payloads_in(message)):
        payload.CopyFrom((await codec.decode([payload]))[0])


async def decode_history(history: WorkflowHistory, codec: PayloadCodec) -> WorkflowHistory:
    """A copy of a fetched history with every payload decrypted: what the replay tests store,
    since the per-organization keys that sealed it do not outlive a test's database."""
    plain = History(events=history.events)
    await decode_payloads_in(plain, codec)
    return WorkflowHistory(history.workflow_id, list(plain.events))
