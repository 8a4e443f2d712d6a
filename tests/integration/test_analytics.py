"""Analytics through the real API on real Postgres: conversations of known shapes (written with
old dates through the org-scoped sessions, and one live conversation through the widget and the
conversation workflow), every figure checked exactly, another organization's data never
counted, and knowledge gaps grouped by meaning with the real embedding model."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlmodel import select

from agents.support.turn import Decision
from core.db import SessionMaker, org_session
from core.models import (
    Channel,
    Conversation,
    ConversationEvent,
    ConversationStatus,
    Message,
    MessageRole,
    Role,
)
from core.settings import Settings
from tests.conftest import RunningApi
from tests.factories import (
    bearer,
    create_member,
    create_organization,
    member_headers,
    session_token,
)
from tests.integration.conversation_helpers import (
    ScriptedAgent,
    new_visitor,
    read_events,
    turn_done,
)

pytestmark = pytest.mark.usefixtures("conversation_worker")

RANGE = {"from": "2026-03-02", "to": "2026-03-08", "tz": "Europe/Berlin"}  # UTC+1 that week


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class Shop:
    """Writes conversations, messages and events of one organization with the times given."""

    def __init__(self, maker: SessionMaker, org_id: uuid.UUID) -> None:
        self.maker = maker
        self.org_id = org_id

    async def conversation(
        self,
        created: str,
        *,
        channel: Channel = Channel.CHAT,
        status: ConversationStatus = ConversationStatus.OPEN,
        resolved: str | None = None,
    ) -> uuid.UUID:
        async with org_session(self.maker, self.org_id) as session:
            row = Conversation(
                org_id=self.org_id,
                channel=channel,
                status=status,
                created_at=at(created),
                updated_at=at(created),
                resolved_at=at(resolved) if resolved else None,
            )
            session.add(row)
        return row.id

    async def turn(
        self,
        conversation_id: uuid.UUID,
        asked: str,
        question: str,
        *,
        decision: str = "answer",
        feedback: int | None = None,
        after_seconds: int = 5,
        **trail: Any,
    ) -> datetime:
        """A visitor question and the AI's answer ``after_seconds`` later; the answer's time."""
        asked_at = at(asked)
        answered_at = asked_at + timedelta(seconds=after_seconds)
        async with org_session(self.maker, self.org_id) as session:
            visitor = Message(
                org_id=self.org_id,
                conversation_id=conversation_id,
                role=MessageRole.VISITOR,
                content=question,
                created_at=asked_at,
            )
            session.add(visitor)
            await session.flush()
            session.add(
                Message(
                    org_id=self.org_id,
                    conversation_id=conversation_id,
                    role=MessageRole.ASSISTANT,
                    content="An answer.",
                    trail={"decision": decision, "reason": "test", **trail},
                    feedback=feedback,
                    reply_to_id=visitor.id,
                    created_at=answered_at,
                )
            )
        return answered_at

    async def operator_message(self, conversation_id: uuid.UUID, when: str) -> None:
        async with org_session(self.maker, self.org_id) as session:
            session.add(
                Message(
                    org_id=self.org_id,
                    conversation_id=conversation_id,
                    role=MessageRole.OPERATOR,
                    content="Hello, I can help.",
                    created_at=at(when),
                )
            )

    async def event(self, conversation_id: uuid.UUID, when: str, kind: str, **data: Any) -> None:
        async with org_session(self.maker, self.org_id) as session:
            session.add(
                ConversationEvent(
                    org_id=self.org_id,
                    conversation_id=conversation_id,
                    type=kind,
                    data=data,
                    created_at=at(when),
                )
            )


async def _known_week(shop: Shop) -> None:
    """Nine conversations in the range (Berlin days 2 to 8 March 2026), two just outside."""
    resolved, closed = ConversationStatus.RESOLVED, ConversationStatus.CLOSED
    # 1. Mon 10:30 Berlin: answered, thumbs up, resolved: the AI resolved it.
    c1 = await shop.conversation("2026-03-02T09:30:00", status=resolved)
    await shop.turn(c1, "2026-03-02T09:30:00", "How do I reset the lamp?", feedback=1)
    # 2. Mon 23:30 UTC is Tue 00:30 in Berlin: thumbs down, closed by the visitor.
    c2 = await shop.conversation("2026-03-02T23:30:00", status=closed)
    await shop.turn(c2, "2026-03-02T23:30:00", "Do you ship to Australia?", feedback=-1)
    # 3. Wed 13:00, voice: the knowledge did not cover it; an operator answers 60 s after the
    # handoff and resolves 600 s after it.
    c3 = await shop.conversation(
        "2026-03-04T12:00:00",
        channel=Channel.VOICE,
        status=resolved,
        resolved="2026-03-04T12:10:10",
    )
    await shop.turn(
        c3,
        "2026-03-04T12:00:05",
        "Can I get my order delivered to Sydney?",
        decision="handoff",
        route="retrieve",
    )  # answered (handed off) at 12:00:10
    await shop.event(
        c3, "2026-03-04T12:00:11", "handoff.requested", reason="the assistant handed off"
    )
    await shop.event(c3, "2026-03-04T12:01:00", "operator.joined")
    await shop.operator_message(c3, "2026-03-04T12:01:10")
    # 4. Thu 09:00, phone: the visitor asked for a person; answer after 180 s, resolved after
    # 1800 s. Not a knowledge gap.
    c4 = await shop.conversation(
        "2026-03-05T08:00:00",
        channel=Channel.PHONE,
        status=resolved,
        resolved="2026-03-05T08:30:05",
    )
    await shop.turn(
        c4,
        "2026-03-05T08:00:00",
        "I want to talk to a person",
        decision="handoff",
        route="requested a person",
    )
    await shop.operator_message(c4, "2026-03-05T08:03:05")
    # 5. Thu 09:20: the visitor pressed "talk to a person"; an operator writes 120 s later.
    c5 = await shop.conversation("2026-03-05T08:20:00", status=ConversationStatus.WITH_OPERATOR)
    await shop.event(
        c5, "2026-03-05T08:21:00", "handoff.requested", reason="the visitor asked for a person"
    )
    await shop.operator_message(c5, "2026-03-05T08:23:00")
    # 6. Fri 16:00: handed off because the visitor was unhappy; nobody answered yet.
    c6 = await shop.conversation("2026-03-06T15:00:00", status=ConversationStatus.WAITING_FOR_HUMAN)
    await shop.turn(
        c6,
        "2026-03-06T15:04:55",
        "Do you deliver to New Zealand?",
        decision="handoff",
        route="dissatisfied",
    )
    # 7. Sat 11:00: an operator took over without any handoff, then resolved it.
    c7 = await shop.conversation(
        "2026-03-07T10:00:00", status=resolved, resolved="2026-03-07T10:05:00"
    )
    await shop.event(c7, "2026-03-07T10:01:00", "operator.joined")
    await shop.operator_message(c7, "2026-03-07T10:02:00")
    # 8. Sat 12:00: the model failed; the apology offered a person. Not a knowledge gap.
    c8 = await shop.conversation("2026-03-07T11:00:00")
    await shop.turn(
        c8,
        "2026-03-07T11:00:00",
        "Is the lamp dimmable?",
        decision="handoff",
        error="TimeoutError",
    )
    # 9. Sun 10:00: an answer rated down, about something unrelated to shipping.
    c9 = await shop.conversation("2026-03-08T09:00:00")
    await shop.turn(
        c9, "2026-03-08T09:00:00", "What is the warranty on the desk lamp?", feedback=-1
    )
    # Outside the range in Berlin: Sun 1 March 23:59, and Mon 9 March 00:30.
    before = await shop.conversation("2026-03-01T22:59:00", status=resolved)
    await shop.turn(before, "2026-03-01T22:59:00", "Do you ship to Canada?", feedback=1)
    after = await shop.conversation("2026-03-08T23:30:00")
    await shop.turn(
        after,
        "2026-03-08T23:30:00",
        "Do you ship to Australia?",
        decision="handoff",
        route="retrieve",
    )


async def _owners_analytics(
    api: RunningApi,
    settings: Settings,
    maker: SessionMaker,
    org_id: uuid.UUID,
    params: dict[str, str],
) -> httpx.Response:
    """The organization's analytics for these query parameters, asked by a new owner."""
    headers = await member_headers(settings, maker, org_id, Role.OWNER)
    async with api.client() as client:
        return await client.get(f"/api/orgs/{org_id}/analytics", params=params, headers=headers)


async def test_every_figure_of_a_known_week_and_nothing_of_another_organization(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    other = await create_organization(session_maker, "Elsewhere")
    await _known_week(Shop(session_maker, organization.id))
    await _known_week(Shop(session_maker, other.id))  # the same week again, elsewhere
    response = await _owners_analytics(api, settings, session_maker, organization.id, RANGE)
    assert response.status_code == 200, response.text
    body = response.json()

    assert (body["start"], body["end"], body["time_zone"]) == (
        "2026-03-02",
        "2026-03-08",
        "Europe/Berlin",
    )
    zero = {"chat": 0, "voice": 0, "phone": 0}
    assert body["days"] == [
        {"day": "2026-03-02", "total": 1, "by_channel": {**zero, "chat": 1}},
        {"day": "2026-03-03", "total": 1, "by_channel": {**zero, "chat": 1}},
        {"day": "2026-03-04", "total": 1, "by_channel": {**zero, "voice": 1}},
        {"day": "2026-03-05", "total": 2, "by_channel": {**zero, "chat": 1, "phone": 1}},
        {"day": "2026-03-06", "total": 1, "by_channel": {**zero, "chat": 1}},
        {"day": "2026-03-07", "total": 2, "by_channel": {**zero, "chat": 2}},
        {"day": "2026-03-08", "total": 1, "by_channel": {**zero, "chat": 1}},
    ]
    resolution = body["resolution"]
    assert resolution["conversations"] == 9
    assert resolution["resolved_by_ai"] == 2
    assert resolution["resolved_by_ai_share"] == pytest.approx(2 / 9)
    assert resolution["handed_off"] == 6
    assert resolution["handoff_rate"] == pytest.approx(6 / 9)
    assert {cause["cause"]: cause["count"] for cause in resolution["handoff_causes"]} == {
        "unanswered": 1,
        "requested": 2,
        "dissatisfied": 1,
        "ai_error": 1,
        "operator_took_over": 1,
    }
    assert body["satisfaction"] == {
        "thumbs_up": 1,
        "thumbs_down": 2,
        "thumbs_up_share": pytest.approx(1 / 3),
    }
    first, resolved = body["response_times"]["first_response"], body["response_times"]["resolution"]
    assert first == {"count": 3, "median_seconds": 120.0, "p90_seconds": pytest.approx(168.0)}
    assert resolved == {"count": 2, "median_seconds": 1200.0, "p90_seconds": pytest.approx(1680.0)}

    expected_hours = {(0, 10): 1, (1, 0): 1, (2, 13): 1, (3, 9): 2, (4, 16): 1, (5, 11): 1,
                      (5, 12): 1, (6, 10): 1}  # fmt: skip
    grid = {
        (row["weekday"], hour): count
        for row in body["busiest_hours"]
        for hour, count in enumerate(row["hours"])
        if count
    }
    assert [row["weekday"] for row in body["busiest_hours"]] == list(range(7))
    assert grid == expected_hours

    gaps = body["knowledge_gaps"]
    assert (gaps["questions"], gaps["considered"]) == (4, 4)
    shipping, warranty = gaps["clusters"]
    assert (shipping["count"], shipping["declined"], shipping["thumbs_down"]) == (3, 2, 1)
    assert sorted(example["text"] for example in shipping["examples"]) == [
        "Can I get my order delivered to Sydney?",
        "Do you deliver to New Zealand?",
        "Do you ship to Australia?",
    ]
    assert shipping["label"] in {example["text"] for example in shipping["examples"]}
    assert (warranty["count"], warranty["declined"], warranty["thumbs_down"]) == (1, 0, 1)
    assert warranty["label"] == "What is the warranty on the desk lamp?"
    ours = {example["conversation_id"] for gap in gaps["clusters"] for example in gap["examples"]}
    async with org_session(session_maker, other.id) as session:
        theirs = {str(row.id) for row in (await session.exec(select(Conversation))).all()}
    assert not ours & theirs


async def test_a_live_handoff_is_counted_and_its_question_is_a_gap(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, agent: ScriptedAgent
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    owner = await create_member(session_maker, organization.id, Role.OWNER)
    agent.decisions = [Decision.HANDOFF]
    async with api.client() as client:
        visitor = await new_visitor(client, organization.public_key)
        started = await visitor.start("Do you sell gift cards?")
        cid = started["conversation"]["id"]
        await read_events(
            client,
            f"/api/widget/conversations/{cid}/events",
            visitor.headers,
            lambda events: (
                turn_done(events) and any(event.type == "handoff.requested" for event in events)
            ),
        )
        today = datetime.now(UTC).date()
        response = await client.get(
            f"/api/orgs/{organization.id}/analytics",
            params={"from": str(today - timedelta(days=6)), "to": str(today)},
            headers=bearer(session_token(settings, owner)),
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["time_zone"] == "UTC"
    assert body["days"][-1] == {
        "day": str(today),
        "total": 1,
        "by_channel": {"chat": 1, "voice": 0, "phone": 0},
    }
    assert (body["resolution"]["conversations"], body["resolution"]["handed_off"]) == (1, 1)
    causes = {cause["cause"]: cause["count"] for cause in body["resolution"]["handoff_causes"]}
    assert causes["unanswered"] == 1
    assert sum(causes.values()) == 1
    (gap,) = body["knowledge_gaps"]["clusters"]
    assert (gap["label"], gap["count"], gap["declined"]) == ("Do you sell gift cards?", 1, 1)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2026-03-08", "to": "2026-03-02"}, "from must be on or before to"),
        ({"from": "2025-01-01", "to": "2026-03-02"}, "at most 366 days"),
        ({"from": "2026-03-02"}, "give both from and to"),
        ({"from": "9999-12-31", "to": "9999-12-31"}, "days must lie between"),
        ({"from": "2026-03-02", "to": "2026-03-08", "tz": "Mars/Olympus"}, "not a known time zone"),
        ({"from": "2026-03-02", "to": "2026-03-08", "tz": "../../etc/passwd"}, "not a known time"),
    ],
)
async def test_a_bad_range_is_refused_with_a_clear_message(
    api: RunningApi,
    settings: Settings,
    session_maker: SessionMaker,
    params: dict[str, str],
    message: str,
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    response = await _owners_analytics(api, settings, session_maker, organization.id, params)
    assert response.status_code == 422
    assert message in response.json()["detail"]


async def test_a_malformed_date_is_a_422(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    params = {"from": "02/03/2026", "to": "2026-03-08"}
    response = await _owners_analytics(api, settings, session_maker, organization.id, params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "from"]


async def test_roles_and_organizations(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    other = await create_organization(session_maker, "Elsewhere")
    url = f"/api/orgs/{organization.id}/analytics"
    async with api.client() as client:
        for role, expected in [
            (Role.OWNER, 200),
            (Role.ADMIN, 200),
            (Role.OPERATOR, 200),
            (Role.COMPLIANCE, 403),
        ]:
            member = await create_member(session_maker, organization.id, role)
            response = await client.get(
                url, params=RANGE, headers=bearer(session_token(settings, member))
            )
            assert response.status_code == expected, (role, response.text)
        stranger = await create_member(session_maker, other.id, Role.OWNER)
        response = await client.get(
            url, params=RANGE, headers=bearer(session_token(settings, stranger))
        )
        assert response.status_code == 403
        assert (await client.get(url, params=RANGE)).status_code == 401
    assert date.fromisoformat(RANGE["from"]).weekday() == 0  # the week starts on a Monday


async def test_only_the_most_recent_questions_are_grouped_when_there_are_more_than_the_cap(
    api: RunningApi,
    settings: Settings,
    session_maker: SessionMaker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("services.analytics.MAX_GAP_QUESTIONS", 2)
    organization = await create_organization(session_maker, "Lumen")
    await _known_week(Shop(session_maker, organization.id))
    response = await _owners_analytics(api, settings, session_maker, organization.id, RANGE)
    assert response.status_code == 200, response.text
    gaps = response.json()["knowledge_gaps"]
    assert (gaps["questions"], gaps["considered"]) == (4, 2)
    assert sorted(gap["label"] for gap in gaps["clusters"]) == [
        "Do you deliver to New Zealand?",  # 6 March
        "What is the warranty on the desk lamp?",  # 8 March
    ]
