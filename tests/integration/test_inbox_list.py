"""The inbox list through the real API against real PostgreSQL: every filter, the full-text
search over messages (through its GIN index), keyset paging, and another organization's
conversations never showing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from core.db import SessionMaker, org_session
from core.models import (
    Channel,
    Contact,
    Conversation,
    ConversationStatus,
    Member,
    Message,
    MessageRole,
    Organization,
    Role,
)
from core.settings import Settings
from services.conversations import message_search
from tests.conftest import RunningApi
from tests.factories import bearer, create_member, create_organization, session_token

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


async def _conversation(
    maker: SessionMaker,
    org_id: uuid.UUID,
    *,
    texts: tuple[str, ...] = ("hello",),
    status: ConversationStatus = ConversationStatus.OPEN,
    channel: Channel = Channel.CHAT,
    assignee: uuid.UUID | None = None,
    needs_human: bool = False,
    created: datetime = NOW,
    active: datetime | None = None,
    name: str | None = None,
) -> uuid.UUID:
    async with org_session(maker, org_id) as session:
        contact = Contact(org_id=org_id, name=name) if name else None
        if contact:
            session.add(contact)
            await session.flush()
        conversation = Conversation(
            org_id=org_id,
            contact_id=contact.id if contact else None,
            status=status,
            channel=channel,
            assignee_id=assignee,
            needs_human=needs_human,
            created_at=created,
            updated_at=active or created,
        )
        session.add(conversation)
        await session.flush()
        for index, content in enumerate(texts):
            session.add(
                Message(
                    org_id=org_id,
                    conversation_id=conversation.id,
                    role=MessageRole.VISITOR,
                    content=content,
                    created_at=created + timedelta(seconds=index),
                )
            )
    return conversation.id


class Inbox:
    def __init__(self, client: httpx.AsyncClient, org: Organization, member: Member, s: Settings):
        self.client = client
        self.url = f"/api/orgs/{org.id}/conversations"
        self.headers = bearer(session_token(s, member))

    async def get(self, **params: Any) -> httpx.Response:
        return await self.client.get(self.url, params=params, headers=self.headers)

    async def ids(self, **params: Any) -> set[uuid.UUID]:
        response = await self.get(**params)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["total"] == len(body["items"])
        return {uuid.UUID(item["id"]) for item in body["items"]}


@pytest.fixture
async def world(api: RunningApi, settings: Settings, session_maker: SessionMaker) -> dict[str, Any]:
    """Two organizations; the other's conversations match every filter and search."""
    org = await create_organization(session_maker, "Lumen")
    other = await create_organization(session_maker, "Elsewhere")
    me = await create_member(session_maker, org.id, Role.OPERATOR)
    colleague = await create_member(session_maker, org.id, Role.OPERATOR)
    stranger = await create_member(session_maker, other.id, Role.OPERATOR)
    ids = {
        "lamp": await _conversation(
            session_maker,
            org.id,
            texts=("My desk lamp flickers", "It is the blue one"),
            name="Ada",
            created=NOW - timedelta(days=3),
            active=NOW - timedelta(hours=1),
        ),
        "refund": await _conversation(
            session_maker,
            org.id,
            texts=("I want a refund for the broken shade",),
            status=ConversationStatus.WAITING_FOR_HUMAN,
            needs_human=True,
            created=NOW - timedelta(days=1),
        ),
        "mine": await _conversation(
            session_maker,
            org.id,
            texts=("Where is my order?",),
            status=ConversationStatus.WITH_OPERATOR,
            assignee=me.id,
            channel=Channel.PHONE,
            created=NOW - timedelta(days=2),
        ),
        "theirs": await _conversation(
            session_maker,
            org.id,
            texts=("Shipping to Norway?",),
            status=ConversationStatus.RESOLVED,
            assignee=colleague.id,
            created=NOW - timedelta(days=10),
        ),
    }
    for status in ConversationStatus:
        for channel in Channel:
            await _conversation(
                session_maker,
                other.id,
                texts=("lamp refund order shipping flickers",),
                status=status,
                channel=channel,
                assignee=stranger.id,
                needs_human=True,
                created=NOW - timedelta(days=1),
            )
    return {"org": org, "me": me, "colleague": colleague, "ids": ids}


async def test_each_filter_keeps_only_its_conversations_of_this_organization(
    api: RunningApi, settings: Settings, world: dict[str, Any]
) -> None:
    ids = world["ids"]
    async with api.client() as client:
        inbox = Inbox(client, world["org"], world["me"], settings)
        assert await inbox.ids() == set(ids.values())
        assert await inbox.ids(status="waiting_for_human") == {ids["refund"]}
        assert await inbox.ids(status="resolved") == {ids["theirs"]}
        assert await inbox.ids(channel="phone") == {ids["mine"]}
        assert await inbox.ids(channel="voice") == set()
        assert await inbox.ids(assignee="me") == {ids["mine"]}
        assert await inbox.ids(assignee=str(world["colleague"].id)) == {ids["theirs"]}
        assert await inbox.ids(assignee="unassigned") == {ids["lamp"], ids["refund"]}
        assert await inbox.ids(needs_human="true") == {ids["refund"]}
        assert await inbox.ids(needs_human="false") == {ids["lamp"], ids["mine"], ids["theirs"]}
        # The date range is on creation: since inclusive, until exclusive.
        window = {
            "since": (NOW - timedelta(days=3)).isoformat(),
            "until": (NOW - timedelta(days=1)).isoformat(),
        }
        assert await inbox.ids(**window) == {ids["lamp"], ids["mine"]}
        assert await inbox.ids(since=(NOW - timedelta(days=5)).isoformat(), status="open") == {
            ids["lamp"]
        }


async def test_search_finds_conversations_by_any_of_their_messages(
    api: RunningApi, settings: Settings, world: dict[str, Any]
) -> None:
    ids = world["ids"]
    async with api.client() as client:
        inbox = Inbox(client, world["org"], world["me"], settings)
        # A later message of the conversation matches too; whole words, any case.
        assert await inbox.ids(q="BLUE") == {ids["lamp"]}
        assert await inbox.ids(q="refund shade") == {ids["refund"]}
        assert await inbox.ids(q='"broken shade"') == {ids["refund"]}
        assert await inbox.ids(q='"shade broken"') == set()
        assert await inbox.ids(q="lamp or order") == {ids["lamp"], ids["mine"]}
        # Each message is matched on its own: "lamp" without "flickers" is in no message.
        assert await inbox.ids(q="lamp -flickers") == set()
        assert await inbox.ids(q="lamp -blue") == {ids["lamp"]}
        assert await inbox.ids(q="refund", status="open") == set()
        assert await inbox.ids(q="   ") == set(ids.values()), "a blank search is no search"
        assert await inbox.ids(q="' & | ! (") == set(), "operators are text, never an error"
        page = (await inbox.get(q="flickers")).json()
    item = page["items"][0]
    assert item["contact"]["name"] == "Ada"
    assert item["preview"] == "It is the blue one", "the newest message"


async def test_pages_continue_with_the_cursor_newest_activity_first(
    api: RunningApi, settings: Settings, world: dict[str, Any]
) -> None:
    ids = world["ids"]
    async with api.client() as client:
        inbox = Inbox(client, world["org"], world["me"], settings)
        seen: list[str] = []
        cursor: str | None = None
        pages = 0
        while True:
            params: dict[str, Any] = {"limit": 1} | ({"cursor": cursor} if cursor else {})
            body = (await inbox.get(**params)).json()
            assert body["total"] == 4
            seen += [item["id"] for item in body["items"]]
            pages += 1
            cursor = body["next_cursor"]
            if cursor is None:
                break
    assert pages == 4
    expected = [ids["lamp"], ids["refund"], ids["mine"], ids["theirs"]]
    assert seen == [str(i) for i in expected], "ordered by last activity, newest first"


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"assignee": "somebody"}, "assignee must be me, unassigned or a member id"),
        ({"cursor": "bm90IGEgY3Vyc29y"}, "cursor is not one this API returned"),
        ({"since": "2026-11-20T00:00:00"}, "since needs a time zone"),
        (
            {"since": "2026-11-20T00:00:00Z", "until": "2026-11-19T00:00:00Z"},
            "since must be before until",
        ),
        ({"q": "x" * 201}, "at most 200 characters"),
        ({"status": "sleeping"}, "Input should be"),
    ],
)
async def test_bad_filters_are_refused_with_a_clear_message(
    api: RunningApi,
    settings: Settings,
    world: dict[str, Any],
    params: dict[str, str],
    detail: str,
) -> None:
    async with api.client() as client:
        response = await Inbox(client, world["org"], world["me"], settings).get(**params)
    assert response.status_code == 422
    assert detail in response.text


async def test_another_organizations_member_cannot_list_this_inbox(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, world: dict[str, Any]
) -> None:
    other = await create_organization(session_maker, "Nosy")
    nosy = await create_member(session_maker, other.id, Role.OWNER)
    async with api.client() as client:
        response = await Inbox(client, world["org"], nosy, settings).get()
    assert response.status_code in (403, 404)


async def test_the_search_uses_the_full_text_index(
    session_maker: SessionMaker, world: dict[str, Any]
) -> None:
    """With sequential scans priced out, the plan of the search's own expression reads the
    GIN index: the query's expression matches ix_messages_content_search."""
    from sqlmodel import col, select

    statement = select(col(Message.conversation_id)).where(message_search("lamp"))
    async with org_session(session_maker, world["org"].id) as session:
        compiled = statement.compile(
            dialect=postgresql.dialect(),  # type: ignore[no-untyped-call]
            compile_kwargs={"literal_binds": True},
        )
        await session.exec(text("SET LOCAL enable_seqscan = off"))  # type: ignore[call-overload]
        plan = (await session.exec(text(f"EXPLAIN {compiled}"))).all()  # type: ignore[call-overload]
    lines = "\n".join(row[0] for row in plan)
    assert "ix_messages_content_search" in lines, lines
