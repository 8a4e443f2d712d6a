"""The operators' side of conversations: the inbox, transcripts, live takeover."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Query, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from sqlmodel import col, select

from activities.conversation import message_json
from api.deps import OrgMember, StateDep
from api.paging import MAX_EVENT_ID, Offset, PageSize
from api.responses import EVENT_STREAM, MEMBER_ERRORS
from api.state import AppState
from api.streaming import event_stream
from core.db import org_session
from core.models import Channel, Contact, ConversationStatus, Member, MessageStatus
from services.accounts import Principal, audit_entry
from services.conversations import ConversationError, ConversationFilters, Cursor
from services.transcripts import ContactPanel, DecisionTrail, contact_panel, decision_trails
from workflows.conversation import Assignment, Operator, OperatorReply

router = APIRouter(prefix="/api/orgs/{org_id}", tags=["conversations"], responses=MEMBER_ERRORS)


class ConversationSummary(BaseModel):
    id: uuid.UUID
    status: ConversationStatus
    channel: Channel
    contact_id: uuid.UUID | None
    assignee_id: uuid.UUID | None
    needs_human: bool
    created_at: datetime
    updated_at: datetime
    last_message_at: datetime | None


class ContactBrief(BaseModel):
    id: uuid.UUID
    name: str | None
    email: str | None


class InboxItem(ConversationSummary):
    contact: ContactBrief | None = Field(description="Who the conversation is with, if known")
    preview: str | None = Field(
        default=None, description="The newest message, shortened (None before the first)"
    )


class ConversationPage(BaseModel):
    items: list[InboxItem]
    total: int = Field(description="Conversations matching the filters, on every page")
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` for the next page; None on the last"
    )


class ReplyBody(BaseModel):
    text: str = Field(min_length=1, max_length=4000)


class AssignBody(BaseModel):
    member_id: uuid.UUID | None


class LiveOperator(BaseModel):
    id: uuid.UUID
    name: str


class LiveState(BaseModel):
    """What the conversation's workflow says now (None when it is not running)."""

    status: str
    operator: LiveOperator | None
    pending_handoff: bool
    queued: int


class TranscriptMessage(BaseModel):
    id: uuid.UUID
    conversation_id: uuid.UUID
    role: str
    content: str
    citations: list[dict[str, Any]]
    feedback: int | None
    created_at: datetime
    trail: DecisionTrail | None = Field(
        description="An assistant answer's decision trail: retrieved passages and scores, "
        "the decision and why, the model and prompt version (members only)"
    )
    model: str | None
    prompt_version: str | None
    status: str = Field(
        default="complete", description="complete, failed, or interrupted (a spoken answer)"
    )
    heard: str | None = Field(
        default=None, description="An interrupted spoken answer: the part the caller heard"
    )


class ConversationDetail(BaseModel):
    conversation: ConversationSummary
    contact: ContactBrief | None
    contact_panel: ContactPanel | None = Field(
        description="The contact's browser, device, pages seen and earlier conversations"
    )
    live: LiveState | None
    messages: list[TranscriptMessage]


ASSIGNEE_HELP = "`me`, `unassigned`, or a member id; omitted: anyone"
SEARCH_HELP = (
    'full-text search over the messages (words, "a phrase", -excluded, or); '
    "whole words, no stemming"
)


@router.get("/conversations")
async def list_conversations(
    principal: OrgMember,
    state: StateDep,
    status_filter: Annotated[ConversationStatus | None, Query(alias="status")] = None,
    channel: Channel | None = None,
    since: Annotated[
        datetime | None, Query(description="created at or after (ISO 8601 with a time zone)")
    ] = None,
    until: Annotated[datetime | None, Query(description="created before")] = None,
    assignee: Annotated[str | None, Query(max_length=40, description=ASSIGNEE_HELP)] = None,
    needs_human: bool | None = None,
    q: Annotated[str | None, Query(max_length=200, description=SEARCH_HELP)] = None,
    cursor: Annotated[
        str | None, Query(max_length=200, description="next_cursor of the previous page")
    ] = None,
    limit: PageSize = 50,
    offset: Offset = 0,
) -> ConversationPage:
    """The inbox: the organization's conversations, last active first, keyset-paged."""
    for value, name in ((since, "since"), (until, "until")):
        if value is not None and value.tzinfo is None:
            raise HTTPException(422, detail=f"{name} needs a time zone (say Z for UTC)")
    if since is not None and until is not None and since >= until:
        raise HTTPException(422, detail="since must be before until")
    if cursor is not None and offset:
        raise HTTPException(422, detail="give cursor or offset, not both")
    assignee_id, unassigned = _assignee(assignee, principal)
    filters = ConversationFilters(
        status=status_filter,
        channel=channel,
        since=since,
        until=until,
        assignee_id=assignee_id,
        unassigned=unassigned,
        needs_human=needs_human,
        text=(q or "").strip() or None,
    )
    page = await state.conversations.page(
        principal.org_id,
        filters,
        limit,
        offset=offset,
        cursor=Cursor.decode(cursor) if cursor else None,
        previews=True,
    )
    rows = page.rows
    contact_ids = {row.contact_id for row in rows if row.contact_id is not None}
    contacts: dict[uuid.UUID, ContactBrief] = {}
    if contact_ids:
        async with org_session(state.session_maker, principal.org_id) as session:
            found = await session.exec(select(Contact).where(col(Contact.id).in_(contact_ids)))
            contacts = {
                contact.id: ContactBrief(id=contact.id, name=contact.name, email=contact.email)
                for contact in found
            }
    return ConversationPage(
        items=[
            InboxItem.model_validate(
                {
                    **ConversationSummary.model_validate(row, from_attributes=True).model_dump(),
                    "contact": contacts.get(row.contact_id) if row.contact_id else None,
                    "preview": page.previews.get(row.id),
                }
            )
            for row in rows
        ],
        total=page.total,
        next_cursor=page.next_cursor.encode() if page.next_cursor else None,
    )


def _assignee(value: str | None, principal: Principal) -> tuple[uuid.UUID | None, bool]:
    """The assignee filter: (a member id, only unassigned)."""
    if value is None or value == "":
        return None, False
    if value == "unassigned":
        return None, True
    if value == "me":
        if principal.member_id is None:
            raise ConversationError(422, "assignee=me needs a member's session")
        return principal.member_id, False
    try:
        return uuid.UUID(value), False
    except ValueError:
        raise ConversationError(422, "assignee must be me, unassigned or a member id") from None


@router.get("/conversations/{conversation_id}")
async def read_conversation(
    conversation_id: uuid.UUID, principal: OrgMember, state: StateDep
) -> ConversationDetail:
    """One conversation with its transcript. Every read is written to the audit log."""
    conversation = await _conversation(state, principal, conversation_id)
    messages = await state.conversations.messages(principal.org_id, conversation_id)
    async with org_session(state.session_maker, principal.org_id) as session:
        contact = (
            await session.get(Contact, conversation.contact_id) if conversation.contact_id else None
        )
        trails = await decision_trails(session, messages)
        panel = await contact_panel(session, contact, conversation_id) if contact else None
        session.add(
            audit_entry(principal, "conversation.transcript_read", "conversation", conversation_id)
        )
    view = await state.conversations.view(principal.org_id, conversation_id)
    return ConversationDetail(
        conversation=ConversationSummary.model_validate(conversation, from_attributes=True),
        contact=(
            ContactBrief(id=contact.id, name=contact.name, email=contact.email) if contact else None
        ),
        contact_panel=panel,
        live=(
            LiveState(
                status=view.status,
                operator=(
                    LiveOperator(id=view.operator.member_id, name=view.operator.name)
                    if view.operator
                    else None
                ),
                pending_handoff=view.pending_handoff,
                queued=view.queued,
            )
            if view
            else None
        ),
        messages=[
            TranscriptMessage.model_validate(
                {
                    **message_json(message),
                    "trail": trails.get(message.id),
                    "model": message.model,
                    "prompt_version": message.prompt_version,
                    "status": message.status.value,
                    "heard": (
                        message.trail.get("heard")
                        if message.status is MessageStatus.INTERRUPTED
                        else None
                    ),
                }
            )
            for message in messages
        ],
    )


@router.get(
    "/conversations/{conversation_id}/events",
    response_class=StreamingResponse,
    responses=EVENT_STREAM,
)
async def conversation_events(
    conversation_id: uuid.UUID,
    principal: OrgMember,
    state: StateDep,
    last_event_id: Annotated[
        int | None, Header(alias="last-event-id", ge=0, le=MAX_EVENT_ID)
    ] = None,
) -> StreamingResponse:
    await _conversation(state, principal, conversation_id)
    return _sse(state, principal, last_event_id or 0, conversation_id)


@router.get("/inbox/events", response_class=StreamingResponse, responses=EVENT_STREAM)
async def inbox_events(
    principal: OrgMember,
    state: StateDep,
    last_event_id: Annotated[
        int | None, Header(alias="last-event-id", ge=0, le=MAX_EVENT_ID)
    ] = None,
) -> StreamingResponse:
    """Every conversation event of the organization, live: the inbox's feed."""
    start = last_event_id
    if start is None:
        from core.conversation_events import last_event_id as newest

        async with org_session(state.session_maker, principal.org_id) as session:
            start = await newest(session)
    return _sse(state, principal, start, None)


def _sse(
    state: AppState, principal: Any, after: int, conversation_id: uuid.UUID | None
) -> StreamingResponse:
    return StreamingResponse(
        event_stream(
            state.event_hub,
            state.session_maker,
            principal.org_id,
            after,
            conversation_id,
            members=True,
        ),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.post("/conversations/{conversation_id}/join", status_code=status.HTTP_202_ACCEPTED)
async def join(conversation_id: uuid.UUID, principal: OrgMember, state: StateDep) -> None:
    operator = await _operator(state, principal)
    await _signal(state, principal, conversation_id, "operator_join", operator)


@router.post("/conversations/{conversation_id}/reply", status_code=status.HTTP_202_ACCEPTED)
async def reply(
    conversation_id: uuid.UUID, body: ReplyBody, principal: OrgMember, state: StateDep
) -> dict[str, str]:
    operator = await _operator(state, principal)
    message_id = uuid.uuid4()
    await _signal(
        state,
        principal,
        conversation_id,
        "operator_reply",
        OperatorReply(
            member_id=operator.member_id, name=operator.name, message_id=message_id, text=body.text
        ),
    )
    return {"message_id": str(message_id)}


@router.post("/conversations/{conversation_id}/leave", status_code=status.HTTP_202_ACCEPTED)
async def leave(conversation_id: uuid.UUID, principal: OrgMember, state: StateDep) -> None:
    await _signal(state, principal, conversation_id, "operator_leave")


@router.post("/conversations/{conversation_id}/resolve", status_code=status.HTTP_202_ACCEPTED)
async def resolve(conversation_id: uuid.UUID, principal: OrgMember, state: StateDep) -> None:
    await _signal(state, principal, conversation_id, "resolve")


@router.post("/conversations/{conversation_id}/reopen", status_code=status.HTTP_202_ACCEPTED)
async def reopen(conversation_id: uuid.UUID, principal: OrgMember, state: StateDep) -> None:
    await _signal(state, principal, conversation_id, "reopen")


@router.post("/conversations/{conversation_id}/assign", status_code=status.HTTP_202_ACCEPTED)
async def assign(
    conversation_id: uuid.UUID, body: AssignBody, principal: OrgMember, state: StateDep
) -> None:
    if body.member_id is not None:
        async with org_session(state.session_maker, principal.org_id) as session:
            if await session.get(Member, body.member_id) is None:
                raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such member")
    await _signal(state, principal, conversation_id, "assign", Assignment(body.member_id))


async def _conversation(state: AppState, principal: Principal, conversation_id: uuid.UUID) -> Any:
    return await state.conversations.get(principal.org_id, conversation_id)


async def _operator(state: AppState, principal: Principal) -> Operator:
    if principal.member_id is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="only members can take over")
    async with org_session(state.session_maker, principal.org_id) as session:
        member = await session.get(Member, principal.member_id)
    name = (member.name if member else "") or "Support"
    return Operator(member_id=principal.member_id, name=name)


async def _signal(
    state: AppState, principal: Principal, conversation_id: uuid.UUID, name: str, arg: object = None
) -> None:
    await _conversation(state, principal, conversation_id)
    await state.conversations.signal(principal.org_id, conversation_id, name, arg)
