"""The public API the chat widget calls from customers' websites.

A visitor first presents the organization's public widget key (from an allowed origin) and
gets a visitor token, scoped to that visitor's contact; every other call carries the token and
can reach only that visitor's own conversations. Another visitor's conversation id answers
404, the same as an id that does not exist.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, EmailStr, Field
from sqlalchemy import and_
from sqlmodel import col, select

from activities.conversation import message_json
from api.deps import StateDep
from api.paging import MAX_EVENT_ID
from api.rate_limit import check_all
from api.responses import EVENT_STREAM, errors
from api.state import AppState
from api.streaming import event_stream
from core.db import org_session, platform_session
from core.models import Contact, Conversation, Message, Organization, WidgetEvent
from core.organization_settings import OrganizationSettings
from services.conversations import ConversationError, ConversationFilters
from services.identity import InvalidTokenError, VisitorClaims, verify_identity_token
from services.technical_data import describe_client
from workflows.conversation import Feedback

router = APIRouter(
    prefix="/api/widget", tags=["widget"], responses=errors(401, 403, 404, 409, 422, 429, 503)
)


class VisitorStart(BaseModel):
    name: str | None = Field(default=None, max_length=200)
    email: EmailStr | None = None


class VisitorSession(BaseModel):
    visitor_token: str
    contact_id: uuid.UUID
    organization_name: str


class NewMessage(BaseModel):
    # Length and emptiness are checked by the workflow's validator, with the same messages
    # for every channel; only an absurd body is refused here.
    text: str = Field(max_length=100_000)
    client_message_id: uuid.UUID | None = None


class NewConversation(BaseModel):
    text: str | None = Field(default=None, max_length=100_000)


class ConversationPublic(BaseModel):
    id: uuid.UUID
    status: str
    channel: str
    created_at: datetime
    last_message_at: datetime | None


class PostedPublic(BaseModel):
    conversation_id: uuid.UUID
    message_id: uuid.UUID


class FeedbackBody(BaseModel):
    value: int = Field(description="1 for thumbs up, -1 for thumbs down")


def _forbidden_origin(organization: Organization, origin: str | None) -> bool:
    settings = OrganizationSettings.of(organization.settings, organization.id)
    if origin is None:
        return False  # no Origin: not a browser call
    if settings.origins_unreadable:
        return True  # a damaged list refuses every site until it is set again
    if not settings.allowed_origins:
        return False  # no list: any site may embed it
    return origin.rstrip("/") not in settings.allowed_origins


async def _organization_by_key(state: AppState, key: str) -> Organization | None:
    async with platform_session(state.session_maker) as session:
        return (
            await session.exec(select(Organization).where(Organization.public_key == key))
        ).first()


async def widget_organization(
    request: Request,
    state: StateDep,
    key: Annotated[str, Header(alias="x-perceptron-key", min_length=4, max_length=60)],
) -> Organization:
    """The organization whose public widget key the call presents, from an allowed origin."""
    organization = await _organization_by_key(state, key)
    if organization is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="unknown widget key")
    if _forbidden_origin(organization, request.headers.get("origin")):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="this site may not use the widget")
    return organization


WidgetOrganization = Annotated[Organization, Depends(widget_organization)]


async def current_visitor(
    request: Request,
    state: StateDep,
    token: Annotated[
        str | None, Query(description="for EventSource, which sends no headers")
    ] = None,
) -> VisitorClaims:
    header = request.headers.get("authorization", "")
    credential = header[7:].strip() if header.lower().startswith("bearer ") else token
    if not credential:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="start a visitor session first")
    try:
        claims = state.visitor_tokens.verify(credential)
    except InvalidTokenError as error:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="invalid visitor token") from error
    # One query on the way of every visitor call: the organization, and its contact if it
    # still exists.
    async with platform_session(state.session_maker) as session:
        found = (
            await session.exec(
                select(Organization, Contact)
                .outerjoin(
                    Contact,
                    and_(
                        col(Contact.id) == claims.contact_id, col(Contact.org_id) == Organization.id
                    ),
                )
                .where(col(Organization.id) == claims.org_id)
            )
        ).first()
    organization, contact = found if found is not None else (None, None)
    if organization is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="invalid visitor token")
    if contact is None:
        # The contact was erased (a privacy request): its token dies with it.
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, detail="this visitor no longer exists: start again"
        )
    if _forbidden_origin(organization, request.headers.get("origin")):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="this site may not use the widget")
    return claims


Visitor = Annotated[VisitorClaims, Depends(current_visitor)]


async def _own_conversation(
    state: AppState, visitor: VisitorClaims, conversation_id: uuid.UUID
) -> Conversation:
    """The visitor's own conversation, or 404 (never revealing whether the id exists)."""
    try:
        conversation = await state.conversations.get(visitor.org_id, conversation_id)
    except ConversationError:
        conversation = None
    if conversation is None or conversation.contact_id != visitor.contact_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such conversation")
    return conversation


def _client_address(request: Request) -> str:
    """The direct peer, or the address a trusted proxy forwarded (PERCEPTRON_TRUSTED_PROXIES,
    applied by uvicorn as `perceptron api` starts it)."""
    return request.client.host if request.client else "unknown"


def _refuse_over(wait: int | None, detail: str) -> None:
    if wait is not None:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS, detail=detail, headers={"Retry-After": str(wait)}
        )


async def _limit(state: AppState, key: str) -> None:
    _refuse_over(await state.message_limiter.check(key), "too many messages: wait a moment")


@router.post("/visitors", status_code=status.HTTP_201_CREATED)
async def start_visitor(
    body: VisitorStart,
    request: Request,
    state: StateDep,
    organization: WidgetOrganization,
) -> VisitorSession:
    wait = await state.visitor_limiter.check(f"{organization.id}:{_client_address(request)}")
    _refuse_over(wait, "too many new visitors from this address")
    async with org_session(state.session_maker, organization.id) as session:
        contact = Contact(org_id=organization.id, name=body.name, email=body.email)
        session.add(contact)
    return VisitorSession(
        visitor_token=state.visitor_tokens.issue(contact.id, organization.id),
        contact_id=contact.id,
        organization_name=organization.name,
    )


class WidgetConfig(BaseModel):
    organization_name: str
    greeting: str
    color: str
    position: str
    avatar_url: str | None
    theme: str
    pre_chat: str
    privacy_policy_url: str = Field(description="The privacy policy the widget links to")
    voice: bool = Field(description="The widget may offer a voice call (the server can speak)")


@router.get("/config")
async def widget_config(
    request: Request,
    state: StateDep,
    organization: WidgetOrganization,
) -> WidgetConfig:
    """Branding and the pre-chat form setting, from the organization's settings."""
    branding = OrganizationSettings.of(organization.settings, organization.id).widget
    return WidgetConfig(
        organization_name=organization.name,
        privacy_policy_url=f"{state.settings.api_url}/privacy-policy",
        voice=state.settings.voice_enabled and state.speech.synthesizer is not None,
        **branding.model_dump(),
    )


class IdentifyBody(BaseModel):
    token: str = Field(min_length=10, max_length=4000)


@router.post("/identify")
async def identify(body: IdentifyBody, visitor: Visitor, state: StateDep) -> VisitorSession:
    """Link the visitor to a verified customer: the customer's backend signed
    ``{user_id, email, name, exp}`` with the organization's widget secret (HS256), so the
    identity cannot be spoofed from the browser. ``exp`` is required, at most 24 hours ahead
    (60 seconds of clock skew allowed); 401 with the reason otherwise."""
    async with platform_session(state.session_maker) as session:
        organization = await session.get(Organization, visitor.org_id)
    assert organization is not None
    try:
        claims = verify_identity_token(body.token, organization.widget_secret)
    except InvalidTokenError as error:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail=str(error)) from error
    user_id = str(claims["user_id"])[:200]
    async with org_session(state.session_maker, visitor.org_id) as session:
        contact = (
            await session.exec(select(Contact).where(Contact.external_id == user_id))
        ).first()
        if contact is None:
            contact = await session.get(Contact, visitor.contact_id)
            assert contact is not None
            if contact.external_id not in {None, user_id}:
                contact = Contact(org_id=visitor.org_id)
        contact.external_id = user_id
        contact.verified = True
        if claims.get("email"):
            contact.email = str(claims["email"])[:320]
        if claims.get("name"):
            contact.name = str(claims["name"])[:200]
        session.add(contact)
        await session.flush()
        # The anonymous visitor's conversations now belong to the verified contact.
        if contact.id != visitor.contact_id:
            anonymous = (
                await session.exec(
                    select(Conversation).where(Conversation.contact_id == visitor.contact_id)
                )
            ).all()
            for conversation in anonymous:
                conversation.contact_id = contact.id
                session.add(conversation)
    return VisitorSession(
        visitor_token=state.visitor_tokens.issue(contact.id, visitor.org_id),
        contact_id=contact.id,
        organization_name=organization.name,
    )


class TrackedEvent(BaseModel):
    type: Literal["page_view", "widget_opened", "message_sent"]
    url: str | None = Field(default=None, max_length=2000)
    referrer: str | None = Field(default=None, max_length=2000)
    title: str | None = Field(default=None, max_length=500)
    at: datetime | None = None


class TrackedBatch(BaseModel):
    events: list[TrackedEvent] = Field(max_length=100)


@router.post("/events", status_code=status.HTTP_202_ACCEPTED)
async def track(
    body: TrackedBatch,
    request: Request,
    state: StateDep,
    organization: WidgetOrganization,
) -> dict[str, int]:
    """Widget analytics in batches. Browser and device come from the user agent; the IP is
    recorded here, server-side, and expires with the organization's IP retention."""
    contact_id = None
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        try:
            claims = state.visitor_tokens.verify(header[7:].strip())
            if claims.org_id == organization.id:
                contact_id = claims.contact_id
        except InvalidTokenError:
            contact_id = None
    address = _client_address(request)
    limits = [(state.limits.address_events, f"{organization.id}:{address}")]
    if contact_id is not None:
        limits.append((state.limits.visitor_events, str(contact_id)))
    _refuse_over(await check_all(*limits, cost=len(body.events)), "too many events: wait a moment")
    client = describe_client(request.headers.get("user-agent"))
    async with org_session(state.session_maker, organization.id) as session:
        if contact_id is not None and await session.get(Contact, contact_id) is None:
            contact_id = None  # an erased contact: its events are recorded without it
        for event in body.events:
            session.add(
                WidgetEvent(
                    org_id=organization.id,
                    contact_id=contact_id,
                    type=event.type,
                    page_url=event.url,
                    referrer=event.referrer,
                    page_title=event.title,
                    browser=client.browser,
                    device=client.device,
                    ip_address=address if request.client else None,
                )
            )
    return {"accepted": len(body.events)}


@router.get("/conversations")
async def my_conversations(visitor: Visitor, state: StateDep) -> list[ConversationPublic]:
    rows, _ = await state.conversations.list(
        visitor.org_id, ConversationFilters(contact_id=visitor.contact_id), limit=50, offset=0
    )
    return [ConversationPublic.model_validate(row, from_attributes=True) for row in rows]


@router.post("/conversations", status_code=status.HTTP_201_CREATED)
async def start_conversation(
    body: NewConversation, request: Request, visitor: Visitor, state: StateDep
) -> dict[str, Any]:
    wait = await check_all(
        (state.limits.visitor_conversations, str(visitor.contact_id)),
        (state.limits.address_conversations, f"{visitor.org_id}:{_client_address(request)}"),
    )
    _refuse_over(wait, "too many new conversations: wait a while")
    conversation = await state.conversations.start(visitor.org_id, visitor.contact_id)
    result: dict[str, Any] = {
        "conversation": ConversationPublic.model_validate(
            conversation, from_attributes=True
        ).model_dump(mode="json")
    }
    if body.text is not None:
        posted = await _post(state, visitor, conversation.id, body.text, None)
        result["message_id"] = str(posted.message_id)
    return result


@router.post("/conversations/{conversation_id}/messages", status_code=status.HTTP_202_ACCEPTED)
async def post_message(
    conversation_id: uuid.UUID, body: NewMessage, visitor: Visitor, state: StateDep
) -> PostedPublic:
    # The conversation is checked to be the visitor's own as the message is handed over.
    return await _post(state, visitor, conversation_id, body.text, body.client_message_id)


async def _post(
    state: AppState,
    visitor: VisitorClaims,
    conversation_id: uuid.UUID,
    text: str,
    client_message_id: uuid.UUID | None,
) -> PostedPublic:
    await _limit(state, str(visitor.contact_id))
    posted = await state.conversations.post(
        visitor.org_id,
        conversation_id,
        text,
        client_message_id or uuid.uuid4(),
        contact_id=visitor.contact_id,
    )
    return PostedPublic(conversation_id=conversation_id, message_id=posted.message_id)


@router.get("/conversations/{conversation_id}/messages")
async def history(
    conversation_id: uuid.UUID, visitor: Visitor, state: StateDep
) -> list[dict[str, Any]]:
    await _own_conversation(state, visitor, conversation_id)
    messages = await state.conversations.messages(visitor.org_id, conversation_id)
    return [message_json(message) for message in messages]


@router.get(
    "/conversations/{conversation_id}/events",
    response_class=StreamingResponse,
    responses=EVENT_STREAM,
)
async def events(
    conversation_id: uuid.UUID,
    visitor: Visitor,
    state: StateDep,
    last_event_id: Annotated[
        int | None, Header(alias="last-event-id", ge=0, le=MAX_EVENT_ID)
    ] = None,
    after: Annotated[
        int | None, Query(ge=0, le=MAX_EVENT_ID, description="same as Last-Event-ID")
    ] = None,
) -> StreamingResponse:
    await _own_conversation(state, visitor, conversation_id)
    stream = event_stream(
        state.event_hub,
        state.session_maker,
        visitor.org_id,
        last_event_id or after or 0,
        conversation_id,
    )
    return StreamingResponse(
        stream,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.post(
    "/conversations/{conversation_id}/messages/{message_id}/feedback",
    status_code=status.HTTP_204_NO_CONTENT,
)
async def feedback(
    conversation_id: uuid.UUID,
    message_id: uuid.UUID,
    body: FeedbackBody,
    visitor: Visitor,
    state: StateDep,
) -> None:
    if body.value not in {1, -1}:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail="value must be 1 or -1")
    await _own_conversation(state, visitor, conversation_id)
    async with org_session(state.session_maker, visitor.org_id) as session:
        message = await session.get(Message, message_id)
        if message is None or message.conversation_id != conversation_id:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such message")
        message.feedback = body.value
        session.add(message)
    await _signal(
        state, visitor, conversation_id, "give_feedback", Feedback(message_id, body.value)
    )


@router.post("/conversations/{conversation_id}/human", status_code=status.HTTP_202_ACCEPTED)
async def ask_for_human(conversation_id: uuid.UUID, visitor: Visitor, state: StateDep) -> None:
    await _own_conversation(state, visitor, conversation_id)
    await _signal(state, visitor, conversation_id, "request_human")


@router.post("/conversations/{conversation_id}/end", status_code=status.HTTP_202_ACCEPTED)
async def end_conversation(conversation_id: uuid.UUID, visitor: Visitor, state: StateDep) -> None:
    await _own_conversation(state, visitor, conversation_id)
    await _signal(state, visitor, conversation_id, "end")


async def _signal(
    state: AppState,
    visitor: VisitorClaims,
    conversation_id: uuid.UUID,
    name: str,
    arg: object = None,
) -> None:
    await state.conversations.signal(visitor.org_id, conversation_id, name, arg)
