"""The local storage's streaming paths: a file stored from disk and read back a chunk at a
time, never half-written under its key, keys that stay inside the storage folder."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from core.storage import LocalStorage, recording_key, recordings_prefix


async def test_a_file_is_stored_from_disk_and_read_back_in_chunks(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "files")
    source = tmp_path / "call.wav"
    data = os.urandom(2_500_000)
    source.write_bytes(data)
    org_id, call_id = uuid.uuid4(), uuid.uuid4()
    key = recording_key(org_id, call_id)

    with source.open("rb") as opened:
        opened.read(10)  # stored from the start wherever the file stands
        await storage.put_file(key, opened)

    chunks = [chunk async for chunk in storage.read_chunks(key, chunk_bytes=1_000_000)]
    assert [len(chunk) for chunk in chunks] == [1_000_000, 1_000_000, 500_000]
    assert b"".join(chunks) == data
    assert source.exists(), "the source is copied, not moved"
    assert key.startswith(recordings_prefix(org_id))
    assert await storage.keys(recordings_prefix(org_id), 10) == [key]
    assert not list((tmp_path / "files").rglob("*.part"))


async def test_reading_a_missing_file_raises_file_not_found(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    with pytest.raises(FileNotFoundError):
        async for _ in storage.read_chunks(recording_key(uuid.uuid4(), uuid.uuid4())):
            pass


async def test_keys_outside_the_storage_folder_are_refused(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "files")
    source = tmp_path / "x"
    source.write_bytes(b"x")
    with pytest.raises(ValueError, match="inside the storage folder"), source.open("rb") as f:
        await storage.put_file("../escape.wav", f)
    with pytest.raises(ValueError, match="inside the storage folder"):
        async for _ in storage.read_chunks("../x"):
            pass
