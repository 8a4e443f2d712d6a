"""Private notes operators leave on a conversation: list, add, edit (author only), delete.

A note is for the organization's members only. Each change appends a ``note.*`` event to the
conversation's stream so other open dashboards refresh; the event carries the note's id, never
its text, and the visitor's stream (api/routes/widget.py) leaves every ``note.*`` event out
(``core.conversation_events.MEMBER_ONLY_PREFIX``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.conversation_events import append_event
from core.models import Conversation, ConversationNote, Member, Role
from core.text import unstorable
from services.accounts import Principal, audit_entry
from services.errors import RefusedError

MAX_NOTE_LENGTH = 4000


class NoteError(RefusedError):
    """A note refused: the HTTP status and a message for the caller."""


@dataclass(frozen=True)
class NoteView:
    note: ConversationNote
    author_name: str | None


def _author(principal: Principal) -> uuid.UUID:
    if principal.member_id is None:
        raise NoteError(403, "only members can write notes")
    return principal.member_id


def _checked(content: str) -> str:
    text = content.strip()
    if not text:
        raise NoteError(422, "a note cannot be empty")
    if len(text) > MAX_NOTE_LENGTH:
        raise NoteError(422, f"a note holds at most {MAX_NOTE_LENGTH} characters")
    if (reason := unstorable(text)) is not None:
        raise NoteError(422, reason)
    return text


async def _conversation(session: AsyncSession, conversation_id: uuid.UUID) -> Conversation:
    conversation = await session.get(Conversation, conversation_id)
    if conversation is None:
        raise NoteError(404, "no such conversation")
    return conversation


async def _note(
    session: AsyncSession, conversation_id: uuid.UUID, note_id: uuid.UUID
) -> ConversationNote:
    note = await session.get(ConversationNote, note_id, with_for_update=True)
    if note is None or note.conversation_id != conversation_id:
        raise NoteError(404, "no such note")
    return note


async def _name(session: AsyncSession, member_id: uuid.UUID | None) -> str | None:
    if member_id is None:
        return None
    member = await session.get(Member, member_id)
    return member.name if member else None


async def list_notes(session: AsyncSession, conversation_id: uuid.UUID) -> list[NoteView]:
    """The conversation's notes, oldest first, with their authors' names."""
    await _conversation(session, conversation_id)
    rows = await session.exec(
        select(ConversationNote, Member.name)
        .join(Member, col(Member.id) == col(ConversationNote.author_member_id), isouter=True)
        .where(ConversationNote.conversation_id == conversation_id)
        .order_by(col(ConversationNote.created_at), col(ConversationNote.id))
    )
    return [NoteView(note=note, author_name=name) for note, name in rows.all()]


async def add_note(
    session: AsyncSession, principal: Principal, conversation_id: uuid.UUID, content: str
) -> NoteView:
    author = _author(principal)
    text = _checked(content)
    await _conversation(session, conversation_id)
    note = ConversationNote(
        org_id=principal.org_id,
        conversation_id=conversation_id,
        author_member_id=author,
        content=text,
    )
    session.add(note)
    await session.flush()
    await append_event(
        session, principal.org_id, conversation_id, "note.created", {"note_id": str(note.id)}
    )
    session.add(audit_entry(principal, "conversation.note_added", "conversation", conversation_id))
    return NoteView(note=note, author_name=await _name(session, author))


async def edit_note(
    session: AsyncSession,
    principal: Principal,
    conversation_id: uuid.UUID,
    note_id: uuid.UUID,
    content: str,
) -> NoteView:
    author = _author(principal)
    text = _checked(content)
    note = await _note(session, conversation_id, note_id)
    if note.author_member_id != author:
        raise NoteError(403, "only the note's author can edit it")
    note.content = text
    note.updated_at = datetime.now(UTC)
    session.add(note)
    await append_event(
        session, principal.org_id, conversation_id, "note.updated", {"note_id": str(note.id)}
    )
    return NoteView(note=note, author_name=await _name(session, author))


async def delete_note(
    session: AsyncSession, principal: Principal, conversation_id: uuid.UUID, note_id: uuid.UUID
) -> None:
    """The author deletes a note; so may an owner or admin (moderation)."""
    author = _author(principal)
    note = await _note(session, conversation_id, note_id)
    if note.author_member_id != author and principal.role not in (Role.OWNER, Role.ADMIN):
        raise NoteError(403, "only the note's author, an owner or an admin can delete it")
    await session.delete(note)
    await append_event(
        session, principal.org_id, conversation_id, "note.deleted", {"note_id": str(note_id)}
    )
    session.add(
        audit_entry(principal, "conversation.note_deleted", "conversation", conversation_id)
    )
