"""Export activities: build the ZIP of an organization's (or one contact's) data, mark the
request complete, and delete the file once its link has expired.

The ZIP holds one JSON file per table and a CSV next to each tabular one, the recordings of
the exported calls (``recordings/<call id>.wav``), and a ``manifest.json``. Rows are read in
keyset-paged batches inside one REPEATABLE READ snapshot and streamed into the archive on
disk, so a large organization is never held in memory as rows, and JSON and CSV always
describe the same snapshot; recordings are copied in a chunk at a time. Columns are listed
explicitly: secrets (API key hashes, the widget secret, sign-in and stream token hashes, the
sealed Twilio credentials) are never selected.

Every activity is idempotent: the archive is rebuilt under the same storage key, a request
already complete keeps its expiry, an expired file is deleted again harmlessly.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import IO, Any, cast

from sqlalchemy import ColumnElement, or_
from sqlalchemy.orm import InstrumentedAttribute
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity
from temporalio.exceptions import ApplicationError

from core.db import SessionMaker, org_session
from core.logging import get_logger
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
    Organization,
    PhoneNumber,
    PrivacyRequest,
    PrivacyRequestKind,
    PrivacyRequestStatus,
    Simulation,
    SimulationResult,
    WidgetEvent,
)
from core.storage import FileStorage, recording_key
from core.webhooks import EXPORT_READY, record_event

log = get_logger(__name__)

EXPORT_FORMAT_VERSION = 1
EXPORT_GONE = "ExportGone"
ERASED_WHILE_EXPORTING = "ErasedWhileExporting"
NON_RETRYABLE_ERRORS = [EXPORT_GONE, ERASED_WHILE_EXPORTING]
BATCH_SIZE = 1000
# The folder of call recordings in the archive, and their count in the manifest.
RECORDINGS = "recordings"


@dataclass
class ExportRef:
    org_id: uuid.UUID
    request_id: uuid.UUID


@dataclass
class ExportBuilt:
    file_key: str
    size_bytes: int
    counts: dict[str, int] = field(default_factory=dict)
    # When the archive's database snapshot began: a contact erased after it may be inside.
    snapshot_at: datetime | None = None


@dataclass
class ExportCompletion:
    ref: ExportRef
    built: ExportBuilt
    link_ttl_seconds: int


@dataclass
class ExportFailure:
    reason: str


def export_key(org_id: uuid.UUID, request_id: uuid.UUID) -> str:
    """Under the organization's prefix, so deleting the organization deletes its exports."""
    return f"{org_id}/exports/{request_id}.zip"


@dataclass(frozen=True)
class _Table:
    """One exported table: the file name, the columns (an allow-list) and which rows."""

    name: str
    columns: tuple[InstrumentedAttribute[Any], ...]
    where: tuple[ColumnElement[bool], ...] = ()


def _columns(*attributes: Any) -> tuple[InstrumentedAttribute[Any], ...]:
    # SQLModel types model attributes as plain values; at runtime they are instrumented.
    return tuple(cast(InstrumentedAttribute[Any], attribute) for attribute in attributes)


MEMBER_COLUMNS = _columns(
    Member.id, Member.name, Member.email, Member.role, Member.created_at, Member.last_seen_at
)
CONTACT_COLUMNS = _columns(
    Contact.id,
    Contact.name,
    Contact.email,
    Contact.phone,
    Contact.verified,
    Contact.external_id,
    Contact.created_at,
    Contact.updated_at,
)
CONVERSATION_COLUMNS = _columns(
    Conversation.id,
    Conversation.contact_id,
    Conversation.channel,
    Conversation.status,
    Conversation.assignee_id,
    Conversation.needs_human,
    Conversation.created_at,
    Conversation.updated_at,
    Conversation.last_message_at,
    Conversation.resolved_at,
)
MESSAGE_COLUMNS = _columns(
    Message.id,
    Message.conversation_id,
    Message.role,
    Message.content,
    Message.status,
    Message.citations,
    Message.author_member_id,
    Message.feedback,
    Message.reply_to_id,
    Message.created_at,
)
# Private notes: exported like messages (they are about the contact), erased with them.
NOTE_COLUMNS = _columns(
    ConversationNote.id,
    ConversationNote.conversation_id,
    ConversationNote.author_member_id,
    ConversationNote.content,
    ConversationNote.created_at,
    ConversationNote.updated_at,
)
CALL_COLUMNS = _columns(
    Call.id,
    Call.conversation_id,
    Call.contact_id,
    Call.direction,
    Call.from_number,
    Call.to_number,
    Call.status,
    Call.started_at,
    Call.ended_at,
    Call.duration_seconds,
    Call.provider_call_id,
    Call.phone_number_id,
    Call.outcome,
    Call.transfer_target,
    Call.recorded,
)
# The organization's numbers. Never its Twilio account (telephony_accounts): sealed secrets.
PHONE_NUMBER_COLUMNS = _columns(
    PhoneNumber.id,
    PhoneNumber.number,
    PhoneNumber.source,
    PhoneNumber.provider_sid,
    PhoneNumber.label,
    PhoneNumber.assistant_enabled,
    PhoneNumber.created_at,
)
WIDGET_EVENT_COLUMNS = _columns(
    WidgetEvent.id,
    WidgetEvent.contact_id,
    WidgetEvent.conversation_id,
    WidgetEvent.type,
    WidgetEvent.page_url,
    WidgetEvent.referrer,
    WidgetEvent.page_title,
    WidgetEvent.browser,
    WidgetEvent.device,
    WidgetEvent.ip_address,
    WidgetEvent.created_at,
)
KNOWLEDGE_SOURCE_COLUMNS = _columns(
    KnowledgeSource.id,
    KnowledgeSource.kind,
    KnowledgeSource.url,
    KnowledgeSource.max_pages,
    KnowledgeSource.last_synced_at,
    KnowledgeSource.last_error,
    KnowledgeSource.created_at,
)
KNOWLEDGE_DOCUMENT_COLUMNS = _columns(
    KnowledgeDocument.id,
    KnowledgeDocument.source_id,
    KnowledgeDocument.title,
    KnowledgeDocument.source_type,
    KnowledgeDocument.source_url,
    KnowledgeDocument.filename,
    KnowledgeDocument.content_type,
    KnowledgeDocument.sha256,
    KnowledgeDocument.size_bytes,
    KnowledgeDocument.status,
    KnowledgeDocument.failure_reason,
    KnowledgeDocument.chunk_count,
    KnowledgeDocument.created_at,
    KnowledgeDocument.updated_at,
    KnowledgeDocument.ingested_at,
)
AUDIT_COLUMNS = _columns(
    AuditLogEntry.id,
    AuditLogEntry.actor_member_id,
    AuditLogEntry.actor_api_key_id,
    AuditLogEntry.action,
    AuditLogEntry.target_type,
    AuditLogEntry.target_id,
    AuditLogEntry.details,
    AuditLogEntry.created_at,
)
# Simulations the organization ran, and their results (which copy conversation text).
SIMULATION_COLUMNS = _columns(
    Simulation.id,
    Simulation.status,
    Simulation.source,
    Simulation.candidate,
    Simulation.total,
    Simulation.done,
    Simulation.failed,
    Simulation.summary,
    Simulation.failure_reason,
    Simulation.created_by,
    Simulation.created_at,
    Simulation.finished_at,
)
SIMULATION_RESULT_COLUMNS = _columns(
    SimulationResult.id,
    SimulationResult.simulation_id,
    SimulationResult.seq,
    SimulationResult.case_key,
    SimulationResult.conversation_id,
    SimulationResult.message_id,
    SimulationResult.question,
    SimulationResult.history,
    SimulationResult.labels,
    SimulationResult.status,
    SimulationResult.error,
    SimulationResult.before,
    SimulationResult.after,
    SimulationResult.diff,
    SimulationResult.decision_changed,
    SimulationResult.text_changed,
    SimulationResult.finished_at,
)
# The organization's profile: never its widget secret (nor the public key, which is no
# personal data and no use outside the product).
ORGANIZATION_COLUMNS = _columns(
    Organization.id,
    Organization.name,
    Organization.external_id,
    Organization.settings,
    Organization.created_at,
    Organization.updated_at,
)


def organization_tables() -> list[_Table]:
    """The organization (row filtering is the org session's tenant scope)."""
    return [
        _Table("members", MEMBER_COLUMNS),
        _Table("contacts", CONTACT_COLUMNS),
        _Table("conversations", CONVERSATION_COLUMNS),
        _Table("messages", MESSAGE_COLUMNS),
        _Table("conversation_notes", NOTE_COLUMNS),
        _Table("calls", CALL_COLUMNS),
        _Table("phone_numbers", PHONE_NUMBER_COLUMNS),
        _Table("widget_events", WIDGET_EVENT_COLUMNS),
        _Table("knowledge_sources", KNOWLEDGE_SOURCE_COLUMNS),
        _Table("knowledge_documents", KNOWLEDGE_DOCUMENT_COLUMNS),
        _Table("audit_log", AUDIT_COLUMNS),
        _Table("simulations", SIMULATION_COLUMNS),
        _Table("simulation_results", SIMULATION_RESULT_COLUMNS),
    ]


def contact_tables(contact_id: uuid.UUID) -> list[_Table]:
    """One contact: its row, its conversations and what hangs off them."""
    conversations = select(col(Conversation.id)).where(col(Conversation.contact_id) == contact_id)
    return [
        _Table("contacts", CONTACT_COLUMNS, (col(Contact.id) == contact_id,)),
        _Table(
            "conversations", CONVERSATION_COLUMNS, (col(Conversation.contact_id) == contact_id,)
        ),
        _Table("messages", MESSAGE_COLUMNS, (col(Message.conversation_id).in_(conversations),)),
        _Table(
            "conversation_notes",
            NOTE_COLUMNS,
            (col(ConversationNote.conversation_id).in_(conversations),),
        ),
        _Table(
            "calls",
            CALL_COLUMNS,
            (
                or_(
                    col(Call.contact_id) == contact_id,
                    col(Call.conversation_id).in_(conversations),
                ),
            ),
        ),
        _Table(
            "widget_events",
            WIDGET_EVENT_COLUMNS,
            (
                or_(
                    col(WidgetEvent.contact_id) == contact_id,
                    col(WidgetEvent.conversation_id).in_(conversations),
                ),
            ),
        ),
    ]


class DataExportActivities:
    def __init__(
        self, session_maker: SessionMaker, storage: FileStorage, batch_size: int = BATCH_SIZE
    ) -> None:
        self._session_maker = session_maker
        self._storage = storage
        self._batch_size = batch_size

    @activity.defn
    async def start_export(self, ref: ExportRef) -> None:
        async with org_session(self._session_maker, ref.org_id) as session:
            request = await _request(session, ref)
            if request.status is PrivacyRequestStatus.PENDING:
                request.status = PrivacyRequestStatus.RUNNING
                session.add(request)

    @activity.defn
    async def build_export(self, ref: ExportRef) -> ExportBuilt:
        # A nameless temporary file: a worker killed mid-export leaves no archive of the
        # organization's data (recordings included) behind on its disk.
        with tempfile.TemporaryFile(prefix="perceptron-export-") as archive:
            counts, snapshot_at = await self._write_archive(ref, archive)
            size = archive.seek(0, io.SEEK_END)
            activity.heartbeat("storing")
            key = export_key(ref.org_id, ref.request_id)
            # From the disk: with call recordings an archive can be large.
            await self._storage.put_file(key, archive)
        async with org_session(self._session_maker, ref.org_id) as session:
            erased_meanwhile = await _erasure_since(session, snapshot_at)
        if erased_meanwhile:
            # The archive may hold a contact that was erased after its snapshot: build again
            # (a retry of this activity) from a snapshot without it.
            await self._storage.delete(key)
            raise ApplicationError("a contact was erased during the export; building it again")
        log.info("export built", request_id=str(ref.request_id), size_bytes=size)
        return ExportBuilt(file_key=key, size_bytes=size, counts=counts, snapshot_at=snapshot_at)

    @activity.defn
    async def complete_export(self, completion: ExportCompletion) -> datetime:
        """Mark the request complete and start its link's lifetime; returns the expiry.
        A retry after success returns the expiry already set."""
        ref = completion.ref
        async with org_session(self._session_maker, ref.org_id) as session:
            request = await _request(session, ref)
            if request.status is PrivacyRequestStatus.COMPLETED and request.expires_at:
                return request.expires_at
            snapshot_at = completion.built.snapshot_at
            if snapshot_at is not None and await _erasure_since(session, snapshot_at):
                # An erasure started after the build checked, before the link exists: an
                # erasure only deletes the files of exports it can see, so this one must go.
                await self._storage.delete(completion.built.file_key)
                raise ApplicationError(
                    "a contact was erased while this export was prepared: request a new export",
                    type=ERASED_WHILE_EXPORTING,
                    non_retryable=True,
                )
            now = datetime.now(UTC)
            request.status = PrivacyRequestStatus.COMPLETED
            request.file_key = completion.built.file_key
            request.size_bytes = completion.built.size_bytes
            request.receipt = {"counts": completion.built.counts, "link_expired": False}
            request.completed_at = now
            request.expires_at = now + timedelta(seconds=completion.link_ttl_seconds)
            session.add(request)
            await record_event(
                session,
                ref.org_id,
                EXPORT_READY,
                {"export_id": str(request.id), "kind": request.kind.value},
                contact_id=request.contact_id,
                event_id=uuid.uuid5(request.id, EXPORT_READY),
            )
            return request.expires_at

    @activity.defn
    async def expire_export(self, ref: ExportRef) -> None:
        """Delete the file; the request stays (with its counts) and its link answers 410."""
        async with org_session(self._session_maker, ref.org_id) as session:
            request = await session.get(PrivacyRequest, ref.request_id)
            key = export_key(ref.org_id, ref.request_id)
            await self._storage.delete(key)
            if request is None:
                return
            request.file_key = None
            request.receipt = {**request.receipt, "link_expired": True}
            session.add(request)

    @activity.defn
    async def fail_export(self, ref: ExportRef, failure: ExportFailure) -> None:
        async with org_session(self._session_maker, ref.org_id) as session:
            request = await session.get(PrivacyRequest, ref.request_id)
            if request is None:
                return
            request.status = PrivacyRequestStatus.FAILED
            request.failure_reason = failure.reason[:1000]
            request.completed_at = datetime.now(UTC)
            session.add(request)
        await self._storage.delete(export_key(ref.org_id, ref.request_id))

    async def _write_archive(
        self, ref: ExportRef, target: IO[bytes]
    ) -> tuple[dict[str, int], datetime]:
        async with org_session(self._session_maker, ref.org_id) as session:
            # One snapshot for every table: counts, JSON and CSV agree with each other.
            await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            # The transaction's start, no later than its snapshot.
            snapshot_at = (await session.exec(select(func.now()))).one()
            request = await _request(session, ref)
            if request.kind is PrivacyRequestKind.CONTACT_EXPORT:
                if request.contact_id is None or not await _exists(
                    session, Contact, request.contact_id
                ):
                    raise ApplicationError(
                        "the contact no longer exists", type=EXPORT_GONE, non_retryable=True
                    )
                tables = contact_tables(request.contact_id)
            else:
                tables = organization_tables()
            counts: dict[str, int] = {}
            files: list[str] = []
            with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                if request.kind is PrivacyRequestKind.ORGANIZATION_EXPORT:
                    profile = await _organization_profile(session)
                    archive.writestr("organization.json", json.dumps(profile, indent=1) + "\n")
                    files.append("organization.json")
                for table in tables:
                    counts[table.name] = await self._write_table(session, archive, table)
                    files += [f"{table.name}.json", f"{table.name}.csv"]
                    activity.heartbeat(table.name)
                recordings = await self._write_recordings(session, archive, ref.org_id, tables)
                counts[RECORDINGS] = len(recordings)
                files += recordings
                manifest = {
                    "format_version": EXPORT_FORMAT_VERSION,
                    "kind": request.kind.value,
                    "organization_id": str(ref.org_id),
                    "contact_id": str(request.contact_id) if request.contact_id else None,
                    "request_id": str(ref.request_id),
                    "generated_at": datetime.now(UTC).isoformat(),
                    "files": files,
                    "counts": counts,
                }
                archive.writestr("manifest.json", json.dumps(manifest, indent=1) + "\n")
        return counts, snapshot_at

    async def _write_table(
        self, session: AsyncSession, archive: zipfile.ZipFile, table: _Table
    ) -> int:
        """Stream the table into ``<name>.json`` while the CSV goes to a temporary file (a
        ZIP takes one entry at a time), then copy the CSV in."""
        header = [column.key for column in table.columns]
        count = 0
        with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as csv_file:
            writer = csv.writer(csv_file)
            writer.writerow(header)
            with archive.open(f"{table.name}.json", "w", force_zip64=True) as raw:
                out = io.TextIOWrapper(raw, encoding="utf-8")
                out.write("[")
                async for rows in self._batches(session, table):
                    for row in rows:
                        record = {
                            key: _plain(value) for key, value in zip(header, row, strict=True)
                        }
                        out.write(",\n" if count else "\n")
                        out.write(json.dumps(record, ensure_ascii=False))
                        writer.writerow([_cell(record[key]) for key in header])
                        count += 1
                    activity.heartbeat(f"{table.name}:{count}")
                out.write("\n]\n" if count else "]\n")
                out.flush()
                out.detach()
            csv_file.seek(0)
            with archive.open(f"{table.name}.csv", "w", force_zip64=True) as raw:
                _copy_text(csv_file, raw)
        return count

    async def _write_recordings(
        self,
        session: AsyncSession,
        archive: zipfile.ZipFile,
        org_id: uuid.UUID,
        tables: list[_Table],
    ) -> list[str]:
        """The recordings of the exported calls (those marked recorded, in the same snapshot),
        as ``recordings/<call id>.wav``, streamed from storage a chunk at a time. One deleted
        since (retention, erasure) is left out."""
        calls = next(table for table in tables if table.name == "calls")
        recorded = (
            await session.exec(
                select(col(Call.id))
                .where(*calls.where, col(Call.recorded).is_(True))
                .order_by(col(Call.id))
            )
        ).all()
        names: list[str] = []
        for call_id in recorded:
            chunks = self._storage.read_chunks(recording_key(org_id, call_id))
            try:
                first = await anext(chunks)
            except (FileNotFoundError, StopAsyncIteration):
                continue
            name = f"{RECORDINGS}/{call_id}.wav"
            entry = zipfile.ZipInfo(name, date_time=datetime.now(UTC).timetuple()[:6])
            entry.compress_type = zipfile.ZIP_STORED  # PCM barely deflates; spare the CPU
            with archive.open(entry, "w", force_zip64=True) as out:
                out.write(first)
                async for chunk in chunks:
                    out.write(chunk)
                    activity.heartbeat(name)
            names.append(name)
        return names

    async def _batches(
        self, session: AsyncSession, table: _Table
    ) -> AsyncIterator[list[tuple[Any, ...]]]:
        """Keyset pages by primary key: constant memory, no OFFSET rescans."""
        id_column = table.columns[0]
        last: Any = None
        while True:
            statement = select(*table.columns).where(*table.where)
            if last is not None:
                statement = statement.where(id_column > last)
            statement = statement.order_by(id_column).limit(self._batch_size)
            rows = [tuple(row) for row in (await session.exec(statement)).all()]
            if not rows:
                return
            yield rows
            if len(rows) < self._batch_size:
                return
            last = rows[-1][0]


async def _erasure_since(session: AsyncSession, since: datetime) -> bool:
    """Whether a contact erasure of the organization runs now or completed after ``since``.
    An erasure is marked running before it deletes anything, so together with the erasure's
    own deletion of the export files it can see, no erased contact stays in an export."""
    erasure = (
        await session.exec(
            select(PrivacyRequest.id)
            .where(
                PrivacyRequest.kind == PrivacyRequestKind.CONTACT_ERASURE,
                or_(
                    col(PrivacyRequest.status) == PrivacyRequestStatus.RUNNING,
                    (col(PrivacyRequest.status) == PrivacyRequestStatus.COMPLETED)
                    & (col(PrivacyRequest.completed_at) >= since),
                ),
            )
            .limit(1)
        )
    ).first()
    return erasure is not None


async def _request(session: AsyncSession, ref: ExportRef) -> PrivacyRequest:
    request = await session.get(PrivacyRequest, ref.request_id)
    if request is None:
        raise ApplicationError(
            "the export request no longer exists", type=EXPORT_GONE, non_retryable=True
        )
    return request


async def _exists(session: AsyncSession, model: type[Contact], row_id: uuid.UUID) -> bool:
    return (
        await session.exec(select(col(model.id)).where(col(model.id) == row_id))
    ).first() is not None


async def _organization_profile(session: AsyncSession) -> dict[str, Any]:
    row = (await session.exec(select(*ORGANIZATION_COLUMNS))).one()
    return {
        column.key: _plain(value) for column, value in zip(ORGANIZATION_COLUMNS, row, strict=True)
    }


def _plain(value: Any) -> Any:
    """A JSON-ready value: ids and times as strings, enums as their values."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _copy_text(source: IO[str], target: IO[bytes]) -> None:
    out = io.TextIOWrapper(target, encoding="utf-8", newline="")
    shutil.copyfileobj(source, out)
    out.flush()
    out.detach()
