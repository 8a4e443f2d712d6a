"""Saved replies: canned answers operators insert with ``/shortcut`` while replying.

Every member lists them; owners and admins create, edit and delete them (the routes check
the role). A shortcut is unique within the organization: a duplicate is refused with 409.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.models import SavedReply
from core.text import unstorable
from services.accounts import Principal, audit_entry
from services.errors import RefusedError

SHORTCUT = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
MAX_CONTENT = 4000


class SavedReplyError(RefusedError):
    """A saved reply refused: the HTTP status and a message for the caller."""


@dataclass(frozen=True)
class SavedReplyInput:
    shortcut: str
    title: str
    content: str


def _checked(body: SavedReplyInput) -> SavedReplyInput:
    shortcut = body.shortcut.strip().lstrip("/").lower()
    if not SHORTCUT.fullmatch(shortcut):
        raise SavedReplyError(
            422,
            "a shortcut is 1 to 40 lowercase letters, digits, '-' or '_', "
            "starting with a letter or digit",
        )
    title = body.title.strip()
    content = body.content.strip()
    if not title or len(title) > 200:
        raise SavedReplyError(422, "a title is 1 to 200 characters")
    if not content or len(content) > MAX_CONTENT:
        raise SavedReplyError(422, f"the reply is 1 to {MAX_CONTENT} characters")
    for value in (title, content):
        if (reason := unstorable(value)) is not None:
            raise SavedReplyError(422, reason)
    return SavedReplyInput(shortcut=shortcut, title=title, content=content)


async def _taken(session: AsyncSession, shortcut: str, other_than: uuid.UUID | None) -> bool:
    query = select(SavedReply.id).where(SavedReply.shortcut == shortcut)
    if other_than is not None:
        query = query.where(SavedReply.id != other_than)
    return (await session.exec(query)).first() is not None


def _duplicate(shortcut: str) -> SavedReplyError:
    return SavedReplyError(409, f"a saved reply with the shortcut /{shortcut} already exists")


async def _flush(session: AsyncSession, shortcut: str) -> None:
    try:
        await session.flush()
    except IntegrityError as error:  # a concurrent create with the same shortcut
        raise _duplicate(shortcut) from error


async def list_saved_replies(session: AsyncSession) -> list[SavedReply]:
    return list((await session.exec(select(SavedReply).order_by(col(SavedReply.shortcut)))).all())


async def create_saved_reply(
    session: AsyncSession, principal: Principal, body: SavedReplyInput
) -> SavedReply:
    checked = _checked(body)
    if await _taken(session, checked.shortcut, None):
        raise _duplicate(checked.shortcut)
    reply = SavedReply(
        org_id=principal.org_id,
        shortcut=checked.shortcut,
        title=checked.title,
        content=checked.content,
        created_by=principal.member_id,
    )
    session.add(reply)
    await _flush(session, checked.shortcut)
    session.add(audit_entry(principal, "saved_reply.created", "saved_reply", reply.id))
    return reply


async def _get(session: AsyncSession, reply_id: uuid.UUID) -> SavedReply:
    reply = await session.get(SavedReply, reply_id, with_for_update=True)
    if reply is None:
        raise SavedReplyError(404, "no such saved reply")
    return reply


async def update_saved_reply(
    session: AsyncSession, principal: Principal, reply_id: uuid.UUID, body: SavedReplyInput
) -> SavedReply:
    checked = _checked(body)
    reply = await _get(session, reply_id)
    if await _taken(session, checked.shortcut, reply_id):
        raise _duplicate(checked.shortcut)
    reply.shortcut = checked.shortcut
    reply.title = checked.title
    reply.content = checked.content
    reply.updated_at = datetime.now(UTC)
    session.add(reply)
    await _flush(session, checked.shortcut)
    session.add(audit_entry(principal, "saved_reply.updated", "saved_reply", reply.id))
    return reply


async def delete_saved_reply(
    session: AsyncSession, principal: Principal, reply_id: uuid.UUID
) -> None:
    reply = await _get(session, reply_id)
    await session.delete(reply)
    session.add(audit_entry(principal, "saved_reply.deleted", "saved_reply", reply_id))
