"""The local storage's streaming paths: a file stored from disk and read back a chunk at a
time, never half-written under its key, keys that stay inside the storage folder."""

from __future__ import annotations

import asyncio
import io
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


class _BrokenDisk(io.BytesIO):
    """A source that fails half-way through, as a disk or a network read can."""

    def read(self, size: int | None = -1) -> bytes:
        if self.tell() > 0:
            raise OSError("read failed")
        return super().read(1000)


async def test_a_failed_copy_leaves_nothing_and_a_crashed_one_is_deleted_with_its_key(
    tmp_path: Path,
) -> None:
    storage = LocalStorage(tmp_path)
    key = recording_key(uuid.uuid4(), uuid.uuid4())
    with pytest.raises(OSError, match="read failed"):
        await storage.put_file(key, _BrokenDisk(os.urandom(5000)))
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    # A process killed mid-copy leaves its temporary name behind: deleting the key (an
    # erasure, retention) takes that copy too.
    target = tmp_path / key
    target.parent.mkdir(parents=True, exist_ok=True)
    (target.parent / f".{target.name}.{uuid.uuid4().hex}.part").write_bytes(b"half a call")
    await storage.delete(key)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


async def test_deleting_the_files_of_one_folder_side_by_side_never_fails(tmp_path: Path) -> None:
    """A purge deletes a batch at once: one delete empties and removes the folder while
    another is still looking in it for half-written copies (seen as a failed purge in CI)."""
    storage = LocalStorage(tmp_path)
    for round_ in range(30):
        keys = [f"org/{round_}/file-{n}.bin" for n in range(8)]
        for key in keys:
            await storage.put(key, b"x")
        await asyncio.gather(*(storage.delete(key) for key in keys))
        assert not (tmp_path / "org" / str(round_)).exists()
