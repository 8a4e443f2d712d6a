"""Private notes on a conversation: members only, never a visitor (services/notes.py)."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from api.deps import OrgMember, OrgSessionDep
from api.responses import MEMBER_ERRORS
from services import notes
from services.notes import MAX_NOTE_LENGTH, NoteView

router = APIRouter(
    prefix="/api/orgs/{org_id}/conversations/{conversation_id}/notes",
    tags=["conversations"],
    responses=MEMBER_ERRORS,
)


class NoteBody(BaseModel):
    content: str = Field(min_length=1, max_length=MAX_NOTE_LENGTH)


class NotePublic(BaseModel):
    id: uuid.UUID
    conversation_id: uuid.UUID
    author_member_id: uuid.UUID | None
    author_name: str | None
    content: str
    created_at: datetime
    updated_at: datetime | None


def _public(view: NoteView) -> NotePublic:
    note = view.note
    return NotePublic(
        id=note.id,
        conversation_id=note.conversation_id,
        author_member_id=note.author_member_id,
        author_name=view.author_name,
        content=note.content,
        created_at=note.created_at,
        updated_at=note.updated_at,
    )


@router.get("")
async def list_notes(
    conversation_id: uuid.UUID, _: OrgMember, session: OrgSessionDep
) -> list[NotePublic]:
    return [_public(view) for view in await notes.list_notes(session, conversation_id)]


@router.post("", status_code=status.HTTP_201_CREATED)
async def add_note(
    conversation_id: uuid.UUID, body: NoteBody, principal: OrgMember, session: OrgSessionDep
) -> NotePublic:
    return _public(await notes.add_note(session, principal, conversation_id, body.content))


@router.patch("/{note_id}")
async def edit_note(
    conversation_id: uuid.UUID,
    note_id: uuid.UUID,
    body: NoteBody,
    principal: OrgMember,
    session: OrgSessionDep,
) -> NotePublic:
    return _public(
        await notes.edit_note(session, principal, conversation_id, note_id, body.content)
    )


@router.delete("/{note_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_note(
    conversation_id: uuid.UUID, note_id: uuid.UUID, principal: OrgMember, session: OrgSessionDep
) -> None:
    await notes.delete_note(session, principal, conversation_id, note_id)
