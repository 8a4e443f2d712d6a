"""Saved replies: every member lists them; owners and admins manage them."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from api.deps import OrgAdmin, OrgMember, OrgSessionDep
from api.responses import MEMBER_ERRORS
from core.models import SavedReply
from services import saved_replies
from services.saved_replies import MAX_CONTENT, SavedReplyInput

router = APIRouter(
    prefix="/api/orgs/{org_id}/saved-replies", tags=["saved replies"], responses=MEMBER_ERRORS
)


class SavedReplyBody(BaseModel):
    shortcut: str = Field(
        min_length=1, max_length=41, description="Typed after '/' in the reply box"
    )
    title: str = Field(min_length=1, max_length=200)
    content: str = Field(min_length=1, max_length=MAX_CONTENT)

    def as_input(self) -> SavedReplyInput:
        return SavedReplyInput(shortcut=self.shortcut, title=self.title, content=self.content)


class SavedReplyPublic(BaseModel):
    id: uuid.UUID
    shortcut: str
    title: str
    content: str
    created_at: datetime
    updated_at: datetime | None


def _public(reply: SavedReply) -> SavedReplyPublic:
    return SavedReplyPublic.model_validate(reply, from_attributes=True)


@router.get("")
async def list_saved_replies(_: OrgMember, session: OrgSessionDep) -> list[SavedReplyPublic]:
    return [_public(reply) for reply in await saved_replies.list_saved_replies(session)]


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_saved_reply(
    body: SavedReplyBody, principal: OrgAdmin, session: OrgSessionDep
) -> SavedReplyPublic:
    return _public(await saved_replies.create_saved_reply(session, principal, body.as_input()))


@router.put("/{reply_id}")
async def update_saved_reply(
    reply_id: uuid.UUID, body: SavedReplyBody, principal: OrgAdmin, session: OrgSessionDep
) -> SavedReplyPublic:
    return _public(
        await saved_replies.update_saved_reply(session, principal, reply_id, body.as_input())
    )


@router.delete("/{reply_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_saved_reply(
    reply_id: uuid.UUID, principal: OrgAdmin, session: OrgSessionDep
) -> None:
    await saved_replies.delete_saved_reply(session, principal, reply_id)
