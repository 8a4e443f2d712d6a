"""Where uploaded files live: behind one small interface, so the API and the worker need not
share a disk. A folder in the data dir by default."""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import re
import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import BinaryIO, Protocol

from core.settings import Settings

# Read a stored file this much at a time when it is streamed (a call recording, into a ZIP).
CHUNK_BYTES = 1024 * 1024


class FileStorage(Protocol):
    async def put(self, key: str, data: bytes) -> None: ...
    async def put_file(self, key: str, source: BinaryIO) -> None:
        """Store an open file from its start, without reading it into memory (a call
        recording is ~115 MB an hour). Like ``put``, never half-written under ``key``."""
        ...

    async def get(self, key: str) -> bytes: ...
    def read_chunks(self, key: str, chunk_bytes: int = CHUNK_BYTES) -> AsyncIterator[bytes]:
        """The file's bytes a chunk at a time; ``FileNotFoundError`` if there is none."""
        ...

    async def delete(self, key: str) -> None:
        """Delete the file and any half-written copy of it. Idempotent."""
        ...

    async def exists(self, key: str) -> bool: ...
    async def delete_prefix(self, prefix: str) -> int:
        """Delete every file whose key starts with ``prefix`` (an organization's ``<org>/``);
        returns how many were deleted. Idempotent."""
        ...

    async def keys(self, prefix: str, limit: int) -> list[str]:
        """Up to ``limit`` keys of the files under ``prefix`` (a folder: ``<org>/``), including
        half-written ones, so a purge can delete them a batch at a time."""
        ...


def document_key(org_id: uuid.UUID, document_id: uuid.UUID, filename: str) -> str:
    """Keys start with the organization, so deleting an organization deletes one prefix."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", filename).strip("._") or "file"
    return f"{org_id}/{document_id}/{safe[:120]}"


def recording_key(org_id: uuid.UUID, call_id: uuid.UUID) -> str:
    """A call's recording: derived from the call's id alone (never a number or a name), under
    the organization's prefix, so erasure and retention find it from the call row and an
    account deletion's prefix purge takes it too."""
    return f"{recordings_prefix(org_id)}{call_id}.wav"


def recordings_prefix(org_id: uuid.UUID) -> str:
    """The folder of an organization's call recordings."""
    return f"{org_id}/recordings/"


class LocalStorage:
    """Files under a root folder. Writes go to a temporary name first, then are renamed, so a
    crash never leaves a half-written file under a real key."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    async def put(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._put, key, data)

    async def put_file(self, key: str, source: BinaryIO) -> None:
        await asyncio.to_thread(self._put_file, key, source)

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self._path(key).read_bytes)

    async def read_chunks(self, key: str, chunk_bytes: int = CHUNK_BYTES) -> AsyncIterator[bytes]:
        handle = await asyncio.to_thread(self._path(key).open, "rb")
        try:
            while chunk := await asyncio.to_thread(handle.read, chunk_bytes):
                yield chunk
        finally:
            handle.close()

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._delete, key)

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self._path(key).exists)

    async def delete_prefix(self, prefix: str) -> int:
        return await asyncio.to_thread(self._delete_prefix, prefix)

    async def keys(self, prefix: str, limit: int) -> list[str]:
        return await asyncio.to_thread(self._keys, prefix, limit)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError("storage keys must stay inside the storage folder")
        return path

    def _put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
        temporary.write_bytes(data)
        os.replace(temporary, path)

    def _put_file(self, key: str, source: BinaryIO) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
        source.seek(0)
        try:
            with temporary.open("wb") as target:
                shutil.copyfileobj(source, target, CHUNK_BYTES)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        os.replace(temporary, path)

    def _delete(self, key: str) -> None:
        path = self._path(key)
        path.unlink(missing_ok=True)
        # And any copy a crash left half-written under its temporary name. Deletes run side by
        # side: another one may have removed the folder, emptied, meanwhile.
        with contextlib.suppress(FileNotFoundError):
            for partial in path.parent.glob(f".{glob.escape(path.name)}.*.part"):
                partial.unlink(missing_ok=True)
        # Remove the now-empty document folder (never the root).
        parent = path.parent
        while parent != self.root and parent.is_relative_to(self.root):
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent

    def _keys(self, prefix: str, limit: int) -> list[str]:
        """Walks lazily and stops at ``limit``: a huge folder is never listed whole."""
        folder = self._folder(prefix)
        found: list[str] = []
        for directory, _, files in os.walk(folder):
            for name in files:
                if len(found) >= limit:
                    return found
                found.append((Path(directory) / name).relative_to(self.root).as_posix())
        return found

    def _folder(self, prefix: str) -> Path:
        if not prefix.endswith("/") or prefix.strip("/") == "":
            raise ValueError("a storage prefix is a folder: it ends with / and is not the root")
        return self._path(prefix)

    def _delete_prefix(self, prefix: str) -> int:
        folder = self._folder(prefix)
        if not folder.is_dir():
            return 0
        deleted = 0
        # Deepest first, so each folder is empty by the time it is removed.
        for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            if path.is_dir() and not path.is_symlink():
                path.rmdir()
            else:
                path.unlink(missing_ok=True)
                if not path.name.endswith(".part"):
                    deleted += 1
        folder.rmdir()
        return deleted


def create_storage(settings: Settings) -> FileStorage:
    return LocalStorage(settings.storage_dir)
