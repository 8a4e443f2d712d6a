"""Data keys: one AES-256 key per organization, stored wrapped under the master key.

The master key comes from settings (``PERCEPTRON_MASTER_KEY``); a key-encryption key and the
platform's own payload key are derived from it with HKDF-SHA256. Each organization's data key
is generated on first use, wrapped with AES-GCM (the organization id as associated data, so a
wrapped key cannot be moved to another organization) and stored in ``data_keys``. Destroying it
sets the wrapped key to NULL and keeps a tombstone: no new key is ever issued for that
organization, and every payload it encrypted becomes unreadable (crypto-shredding).

Unwrapped keys are cached in memory for ``data_key_cache_seconds``; :meth:`DataKeys.destroy`
evicts at once in its own process, other processes forget within that time.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col, select

from core.db import SessionMaker, platform_session
from core.models import DataKey

PLATFORM_KEY_ID = "platform"
_KEY_BYTES = 32
_NONCE_BYTES = 12


class DataKeyError(RuntimeError):
    """A key that does not exist, was destroyed, or does not unwrap."""


class DataKeyDestroyedError(DataKeyError):
    """The organization was deleted: its payloads are unreadable and no new ones are written."""


@dataclass(frozen=True)
class PayloadKey:
    key_id: str
    key: bytes


def _derive(master_key: str, purpose: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=_KEY_BYTES, salt=b"perceptron", info=purpose
    ).derive(master_key.encode())


def seal(key: bytes, plaintext: bytes, associated_data: bytes | None = None) -> bytes:
    """AES-256-GCM: a random 96-bit nonce followed by the ciphertext and tag."""
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated_data)


def open_sealed(key: bytes, sealed: bytes, associated_data: bytes | None = None) -> bytes:
    return AESGCM(key).decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], associated_data)


class DataKeys:
    """The keyring: the platform key, and each organization's data key from the database."""

    def __init__(
        self, session_maker: SessionMaker, master_key: str, cache_seconds: float = 60.0
    ) -> None:
        self._maker = session_maker
        self._wrapping_key = _derive(master_key, b"data-key-wrapping")
        self.platform = PayloadKey(PLATFORM_KEY_ID, _derive(master_key, b"platform-payloads"))
        self._cache_seconds = cache_seconds
        # key id -> (payload key, org id, cached at); org id -> key id
        self._by_id: dict[str, tuple[PayloadKey, uuid.UUID, float]] = {}
        self._by_org: dict[uuid.UUID, str] = {}

    async def for_organization(self, org_id: uuid.UUID) -> PayloadKey:
        """The organization's key for encrypting, created on first use."""
        cached = self._by_org.get(org_id)
        if cached is not None and (hit := self._cached(cached)) is not None:
            return hit
        async with platform_session(self._maker) as session:
            row = (await session.exec(select(DataKey).where(DataKey.org_id == org_id))).first()
            if row is None:
                key = AESGCM.generate_key(bit_length=256)
                await session.exec(
                    insert(DataKey)
                    .values(
                        id=uuid.uuid4(),
                        org_id=org_id,
                        wrapped_key=seal(self._wrapping_key, key, org_id.bytes),
                        created_at=datetime.now(UTC),
                    )
                    .on_conflict_do_nothing(index_elements=["org_id"])
                )
                await session.commit()
                row = (await session.exec(select(DataKey).where(DataKey.org_id == org_id))).one()
        return self._remember(row)

    async def by_id(self, key_id: str) -> PayloadKey:
        """The key a payload names in its metadata, for decrypting."""
        if key_id == PLATFORM_KEY_ID:
            return self.platform
        if (hit := self._cached(key_id)) is not None:
            return hit
        try:
            parsed = uuid.UUID(key_id)
        except ValueError as error:
            raise DataKeyError("unknown data key") from error
        async with platform_session(self._maker) as session:
            row = await session.get(DataKey, parsed)
        if row is None:
            raise DataKeyError("unknown data key")
        return self._remember(row)

    async def destroy(self, org_id: uuid.UUID) -> bool:
        """Crypto-shred the organization's payloads. Idempotent; True if a key was destroyed
        now. A tombstone is written when the organization never had a key, so none is ever
        created for it afterwards."""
        key_id = self._by_org.pop(org_id, None)
        if key_id is not None:
            self._by_id.pop(key_id, None)
        now = datetime.now(UTC)
        async with platform_session(self._maker) as session:
            result = await session.exec(
                update(DataKey)
                .where(col(DataKey.org_id) == org_id, col(DataKey.wrapped_key).is_not(None))
                .values(wrapped_key=None, destroyed_at=now)
            )
            await session.exec(
                insert(DataKey)
                .values(id=uuid.uuid4(), org_id=org_id, created_at=now, destroyed_at=now)
                .on_conflict_do_nothing(index_elements=["org_id"])
            )
        return bool(getattr(result, "rowcount", 0))

    def forget(self) -> None:
        """Drop every cached key (tests, and processes that must not hold keys)."""
        self._by_id.clear()
        self._by_org.clear()

    def _cached(self, key_id: str) -> PayloadKey | None:
        entry = self._by_id.get(key_id)
        if entry is None:
            return None
        key, _, cached_at = entry
        if time.monotonic() - cached_at > self._cache_seconds:
            self._by_id.pop(key_id, None)
            return None
        return key

    def _remember(self, row: DataKey) -> PayloadKey:
        if row.wrapped_key is None:
            raise DataKeyDestroyedError("this organization's data key was destroyed")
        try:
            key = open_sealed(self._wrapping_key, row.wrapped_key, row.org_id.bytes)
        except Exception as error:
            raise DataKeyError("the data key does not unwrap under this master key") from error
        payload_key = PayloadKey(str(row.id), key)
        self._by_id[payload_key.key_id] = (payload_key, row.org_id, time.monotonic())
        self._by_org[row.org_id] = payload_key.key_id
        return payload_key
