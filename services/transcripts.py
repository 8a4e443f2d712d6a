"""What the dashboard's conversation view shows beside the messages: the decision trail of
each AI answer (typed, with an excerpt of every retrieved passage) and the contact panel
(who, on which browser and device, which pages, which earlier conversations).

Members only: the widget's routes never call this module.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.models import (
    Contact,
    Conversation,
    ConversationStatus,
    KnowledgeChunk,
    Message,
    MessageRole,
    WidgetEvent,
)

EXCERPT_CHARS = 320
PAGES_SHOWN = 5
EARLIER_SHOWN = 10


class TrailPassage(BaseModel):
    """One passage the retriever found for the question."""

    chunk_id: str | None
    document_id: str | None
    title: str
    section: str
    score: float | None
    rank: int | None
    cited: bool = Field(description="The answer cites this passage")
    excerpt: str | None = Field(description="The passage's text, shortened; None once deleted")


class DecisionTrail(BaseModel):
    """Why the AI answered as it did."""

    decision: str | None = Field(description="answer, clarify or handoff")
    reason: str | None
    route: str | None = Field(description="retrieve, or why retrieval was skipped")
    query: str | None = Field(description="What was searched for")
    judge: str | None = Field(description="Who judged the grounding: keyless or model")
    grounding: dict[str, float | bool | None] = Field(
        description="The grounding figures behind the decision (scores, coverage, margins)"
    )
    passages: list[TrailPassage]
    model: str | None
    prompt_version: str | None
    error: str | None = Field(description="The error type when the turn failed")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _excerpt(content: str) -> str:
    text = " ".join(content.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"


async def decision_trails(
    session: AsyncSession, messages: list[Message]
) -> dict[uuid.UUID, DecisionTrail]:
    """The typed trail of every assistant message that has one, by message id."""
    answers = [m for m in messages if m.role is MessageRole.ASSISTANT and m.trail]
    chunk_ids: set[uuid.UUID] = set()
    for message in answers:
        for passage in message.trail.get("retrieved") or []:
            if isinstance(passage, dict):
                try:
                    chunk_ids.add(uuid.UUID(str(passage.get("chunk_id"))))
                except ValueError:
                    continue
    contents: dict[str, str] = {}
    if chunk_ids:
        rows = await session.exec(
            select(KnowledgeChunk.id, KnowledgeChunk.content).where(
                col(KnowledgeChunk.id).in_(chunk_ids)
            )
        )
        contents = {str(chunk_id): content for chunk_id, content in rows.all()}
    trails: dict[uuid.UUID, DecisionTrail] = {}
    for message in answers:
        trail = message.trail
        cited = {str(value) for value in trail.get("cited_chunk_ids") or []}
        passages = []
        for passage in trail.get("retrieved") or []:
            if not isinstance(passage, dict):
                continue
            chunk_id = _text(passage.get("chunk_id"))
            content = contents.get(chunk_id) if chunk_id else None
            rank = passage.get("rank")
            passages.append(
                TrailPassage(
                    chunk_id=chunk_id,
                    document_id=_text(passage.get("document_id")),
                    title=_text(passage.get("title")) or "",
                    section=_text(passage.get("section")) or "",
                    score=_number(passage.get("score")),
                    rank=rank if isinstance(rank, int) else None,
                    cited=chunk_id in cited,
                    excerpt=_excerpt(content) if content is not None else None,
                )
            )
        figures = trail.get("grounding") if isinstance(trail.get("grounding"), dict) else {}
        trails[message.id] = DecisionTrail(
            decision=_text(trail.get("decision")),
            reason=_text(trail.get("reason")),
            route=_text(trail.get("route")),
            query=_text(trail.get("query")),
            judge=_text(trail.get("judge")),
            grounding={
                key: value
                for key, value in (figures or {}).items()
                if isinstance(value, bool) or _number(value) is not None
            },
            passages=passages,
            model=message.model or _text(trail.get("model")),
            prompt_version=message.prompt_version or _text(trail.get("prompt_version")),
            error=_text(trail.get("error")),
        )
    return trails


class PageSeen(BaseModel):
    url: str
    title: str | None
    seen_at: datetime


class EarlierConversation(BaseModel):
    id: uuid.UUID
    status: ConversationStatus
    created_at: datetime
    last_message_at: datetime | None


class ContactPanel(BaseModel):
    """Who the conversation is with, for the panel beside the transcript."""

    id: uuid.UUID
    name: str | None
    email: str | None
    phone: str | None
    verified: bool
    browser: str | None
    device: str | None
    pages: list[PageSeen] = Field(description="Pages the contact was seen on, latest first")
    earlier_conversations: list[EarlierConversation] = Field(
        description="The contact's other conversations, latest first"
    )


async def contact_panel(
    session: AsyncSession, contact: Contact, conversation_id: uuid.UUID
) -> ContactPanel:
    seen = (
        await session.exec(
            select(WidgetEvent)
            .where(WidgetEvent.contact_id == contact.id)
            .where(col(WidgetEvent.page_url).is_not(None))
            .order_by(col(WidgetEvent.created_at).desc())
            .limit(PAGES_SHOWN * 10)
        )
    ).all()
    # Any widget event says which page the contact was on (a page view sent before the
    # visitor had a session carries no contact); each page once, at its latest visit.
    pages: dict[str, WidgetEvent] = {}
    for event in seen:
        if event.page_url and event.page_url not in pages and len(pages) < PAGES_SHOWN:
            pages[event.page_url] = event
    client = (
        await session.exec(
            select(WidgetEvent)
            .where(WidgetEvent.contact_id == contact.id)
            .where(col(WidgetEvent.browser).is_not(None))
            .order_by(col(WidgetEvent.created_at).desc())
            .limit(1)
        )
    ).first()
    earlier = (
        await session.exec(
            select(Conversation)
            .where(Conversation.contact_id == contact.id)
            .where(Conversation.id != conversation_id)
            .order_by(col(Conversation.created_at).desc())
            .limit(EARLIER_SHOWN)
        )
    ).all()
    return ContactPanel(
        id=contact.id,
        name=contact.name,
        email=contact.email,
        phone=contact.phone,
        verified=contact.verified,
        browser=client.browser if client else None,
        device=client.device if client else None,
        pages=[
            PageSeen(url=url, title=event.page_title, seen_at=event.created_at)
            for url, event in pages.items()
        ],
        earlier_conversations=[
            EarlierConversation(
                id=row.id,
                status=row.status,
                created_at=row.created_at,
                last_message_at=row.last_message_at,
            )
            for row in earlier
        ],
    )
