"""Conversations end to end: widget API -> ConversationWorkflow -> turn activity -> event
store -> LISTEN/NOTIFY -> SSE, and the operators' takeover. The agent is a scripted double of
our TurnRunner protocol here; the real agent has its own tests."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import Callable

import pytest
from sqlmodel import col, select
from temporalio.client import Client

from agents.providers.embeddings import LocalMiniLMEmbedder
from agents.support.turn import Decision
from core.db import SessionMaker, org_session
from core.ids import conversation_workflow_id
from core.models import AuditLogEntry, Message, Organization, Role
from core.settings import Settings
from tests.conftest import RunningApi
from tests.factories import bearer, create_member, create_organization, session_token
from tests.integration.conversation_helpers import (
    ScriptedAgent,
    SseEvent,
    configure,
    new_visitor,
    read_events,
    turn_done,
)
from tests.integration.knowledge_helpers import HISTORIES, record_history
from workflows.conversation import ConversationWorkflow

pytestmark = pytest.mark.usefixtures("conversation_worker")


def answered(count: int) -> Callable[[list[SseEvent]], bool]:
    return lambda events: turn_done(events, count)


async def _organization(maker: SessionMaker) -> Organization:
    return await create_organization(maker, "Lumen")


def _events_url(conversation_id: str) -> str:
    return f"/api/widget/conversations/{conversation_id}/events"


async def test_a_visitor_message_is_answered_with_streamed_tokens(
    api: RunningApi, session_maker: SessionMaker, temporal_client: Client
) -> None:
    organization = await _organization(session_maker)
    async with api.client() as client:
        visitor = await new_visitor(client, organization.public_key, name="Ann")
        started = await visitor.start("How do I reset the lamp?")
        conversation_id = started["conversation"]["id"]
        events = await read_events(client, _events_url(conversation_id), visitor.headers, turn_done)
        history = await visitor.history(conversation_id)

    types = [event.type for event in events]
    assert types.index("message.created") < types.index("turn.started") < types.index("token")
    streamed = "".join(event.data["data"]["text"] for event in events if event.type == "token")
    done = next(event for event in events if event.type == "message.done")
    assert streamed == done.data["data"]["content"] == "You asked: How do I reset the lamp? [1]"
    assert [message["role"] for message in history] == ["visitor", "assistant"]
    assert history[1]["citations"][0]["number"] == 1
    ids = [event.id or 0 for event in events]
    assert ids == sorted(ids), "event ids are monotonic"
    async with org_session(session_maker, organization.id) as session:
        answer = (await session.exec(select(Message).where(Message.role == "assistant"))).one()
    assert answer.trail["decision"] == "answer"
    assert answer.model == "scripted"
    assert answer.reply_to_id == uuid.UUID(started["message_id"])
    await record_history(
        temporal_client,
        conversation_workflow_id(organization.id, uuid.UUID(conversation_id)),
        "conversation_plain_turn",
    )


async def test_messages_sent_during_a_turn_queue_and_are_answered_in_order(
    api: RunningApi, session_maker: SessionMaker, agent: ScriptedAgent
) -> None:
    agent.token_delay = 0.05
    organization = await _organization(session_maker)
    async with api.client() as client:
        visitor = await new_visitor(client, organization.public_key)
        started = await visitor.start("first")
        conversation_id = started["conversation"]["id"]
        for text in ("second", "third"):
            assert (await visitor.say(conversation_id, text)).status_code == 202
        await read_events(
            client, _events_url(conversation_id), visitor.headers, lambda e: turn_done(e, 3)
        )
        history = await visitor.history(conversation_id)
    answers = [m["content"] for m in history if m["role"] == "assistant"]
    assert answers == ["You asked: first [1]", "You asked: second [1]", "You asked: third [1]"]
    assert [turn.question for turn in agent.turns] == ["first", "second", "third"]
    # The second and third arrived while the first turn was running: they queued.
    assert history[0]["content"] == "first"
    assert {m["content"] for m in history[:4]} >= {"first", "second"}


@pytest.mark.parametrize(
    ("text", "reason"),
    [("   ", "empty"), ("x" * 4001, "longer than 4000")],
    ids=["empty", "too long"],
)
async def test_empty_and_oversized_messages_are_refused(
    api: RunningApi, session_maker: SessionMaker, text: str, reason: str
) -> None:
    organization = await _organization(session_maker)
    async with api.client() as client:
        visitor = await new_visitor(client, organization.public_key)
        started = await visitor.start("hello")
        response = await visitor.say(started["conversation"]["id"], text)
    assert response.status_code == 422
    assert reason in response.json()["detail"]


async def test_a_message_to_an_ended_conversation_is_refused(
    api: RunningApi, session_maker: SessionMaker
) -> None:
    organization = await _organization(session_maker)
    async with api.client() as client:
        visitor = await new_visitor(client, organization.public_key)
        started = await visitor.start("hello")
        conversation_id = started["conversation"]["id"]
        await read_events(client, _events_url(conversation_id), visitor.headers, turn_done)
        ended = await client.post(
            f"/api/widget/conversations/{conversation_id}/end", headers=visitor.headers
        )
        assert ended.status_code == 202
        await read_events(
            client,
            _events_url(conversation_id),
            visitor.headers,
            lambda events: any(e.data["data"].get("status") == "closed" for e in events),
        )
        response = await visitor.say(conversation_id, "one more thing")
    assert response.status_code == 409


async def test_html_in_messages_is_stored_and_returned_as_plain_text(
    api: RunningApi, session_maker: SessionMaker
) -> None:
    organization = await _organization(session_maker)
    payload = '<script>alert("x")</script><b>bold</b>'
    async with api.client() as client:
        visitor = await new_visitor(client, organization.public_key)
        started = await visitor.start(payload)
        conversation_id = started["conversation"]["id"]
        await read_events(client, _events_url(conversation_id), visitor.headers, turn_done)
        response = await client.get(
            f"/api/widget/conversations/{conversation_id}/messages", headers=visitor.headers
        )
    assert response.headers["content-type"] == "application/json"
    assert response.json()[0]["content"] == payload


async def test_unknown_and_other_visitors_conversations_answer_the_same_404(
    api: RunningApi, session_maker: SessionMaker
) -> None:
    organization = await _organization(session_maker)
    async with api.client() as client:
        alice = await new_visitor(client, organization.public_key)
        mallory = await new_visitor(client, organization.public_key)
        started = await alice.start("my order number is 123")
        theirs = started["conversation"]["id"]
        responses = [
            await client.get(f"/api/widget/conversations/{cid}/messages", headers=mallory.headers)
            for cid in (theirs, str(uuid.uuid4()))
        ]
        said = await mallory.say(theirs, "hijack")
        stream = await client.get(_events_url(theirs), headers=mallory.headers)
    assert [r.status_code for r in responses] == [404, 404]
    assert responses[0].json() == responses[1].json()
    assert "123" not in responses[0].text
    assert said.status_code == 404
    assert stream.status_code == 404


async def test_a_widget_key_from_an_origin_not_allowed_is_refused(
    api: RunningApi, session_maker: SessionMaker
) -> None:
    organization = await _organization(session_maker)
    await configure(session_maker, organization.id, allowed_origins=["https://shop.example"])
    async with api.client() as client:
        refused = await client.post(
            "/api/widget/visitors",
            json={},
            headers={"x-perceptron-key": organization.public_key, "origin": "https://evil.example"},
        )
        allowed = await new_visitor(client, organization.public_key, origin="https://shop.example")
        reused = await client.get(
            "/api/widget/conversations",
            headers={**allowed.headers, "origin": "https://evil.example"},
        )
        unknown = await client.post(
            "/api/widget/visitors", json={}, headers={"x-perceptron-key": "pk_nope"}
        )
    assert refused.status_code == 403
    assert reused.status_code == 403
    assert unknown.status_code == 401


async def test_a_message_flood_gets_429_with_retry_after(
    settings: Settings, session_maker: SessionMaker, embedder: LocalMiniLMEmbedder
) -> None:
    from tests.conftest import serve

    strict = settings.model_copy(update={"visitor_messages_per_minute": 3})
    organization = await _organization(session_maker)
    async with serve(strict, embedder) as running, running.client() as client:
        visitor = await new_visitor(client, organization.public_key)
        started = await visitor.start("one")
        conversation_id = started["conversation"]["id"]
        codes = [(await visitor.say(conversation_id, f"m{n}")) for n in range(4)]
    assert [response.status_code for response in codes[:2]] == [202, 202]
    limited = codes[2]
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1


async def test_an_operator_takes_over_and_the_ai_stays_silent_until_they_leave(
    api: RunningApi,
    settings: Settings,
    session_maker: SessionMaker,
    agent: ScriptedAgent,
    temporal_client: Client,
) -> None:
    organization = await _organization(session_maker)
    operator = await create_member(session_maker, organization.id, Role.OPERATOR)
    staff = bearer(session_token(settings, operator))
    base = f"/api/orgs/{organization.id}/conversations"
    async with api.client() as client:
        visitor = await new_visitor(client, organization.public_key)
        started = await visitor.start("hello")
        cid = started["conversation"]["id"]
        await read_events(client, _events_url(cid), visitor.headers, turn_done)

        assert (await client.post(f"{base}/{cid}/join", headers=staff)).status_code == 202
        await read_events(
            client,
            _events_url(cid),
            visitor.headers,
            lambda events: any(e.type == "operator.joined" for e in events),
        )
        assert (await visitor.say(cid, "are you a person?")).status_code == 202
        reply = await client.post(
            f"{base}/{cid}/reply", json={"text": "Yes, I'm Sam."}, headers=staff
        )
        assert reply.status_code == 202
        await read_events(
            client,
            _events_url(cid),
            visitor.headers,
            lambda events: any(
                e.type == "message.created" and e.data["data"]["role"] == "operator" for e in events
            ),
        )
        view = await client.get(f"{base}/{cid}", headers=staff)
        assert view.json()["live"]["operator"]["id"] == str(operator.id)
        assert view.json()["conversation"]["status"] == "with_operator"
        assert len(agent.turns) == 1, "the AI did not answer while the operator was there"

        assert (await client.post(f"{base}/{cid}/leave", headers=staff)).status_code == 202
        await read_events(
            client,
            _events_url(cid),
            visitor.headers,
            lambda events: any(e.type == "operator.left" for e in events),
        )
        assert (await visitor.say(cid, "thanks, one more question")).status_code == 202
        await read_events(client, _events_url(cid), visitor.headers, lambda e: turn_done(e, 2))
    assert [turn.question for turn in agent.turns] == ["hello", "thanks, one more question"]
    await record_history(
        temporal_client,
        conversation_workflow_id(organization.id, uuid.UUID(cid)),
        "conversation_operator_takeover",
    )


async def test_a_handoff_nobody_picks_up_gets_the_fallback_message(
    api: RunningApi,
    session_maker: SessionMaker,
    agent: ScriptedAgent,
    settings: Settings,
    temporal_client: Client,
) -> None:
    agent.decisions = [Decision.HANDOFF]
    organization = await _organization(session_maker)
    await configure(session_maker, organization.id, handoff_timeout_seconds=1)
    member = await create_member(session_maker, organization.id, Role.OPERATOR)
    async with api.client() as client:
        visitor = await new_visitor(client, organization.public_key)
        started = await visitor.start("I want a refund for a broken lamp")
        cid = started["conversation"]["id"]
        events = await read_events(
            client,
            _events_url(cid),
            visitor.headers,
            lambda events: any(
                e.type == "message.created" and e.data["data"]["role"] == "system" for e in events
            ),
        )
        waiting = await client.get(
            f"/api/orgs/{organization.id}/conversations?needs_human=true",
            headers=bearer(session_token(settings, member)),
        )
    assert any(e.type == "handoff.requested" for e in events)
    fallback = next(
        e for e in events if e.type == "message.created" and e.data["data"]["role"] == "system"
    )
    assert "email" in fallback.data["data"]["content"]
    assert [item["id"] for item in waiting.json()["items"]] == [cid]
    await record_history(
        temporal_client,
        conversation_workflow_id(organization.id, uuid.UUID(cid)),
        "conversation_handoff",
    )


async def test_an_idle_conversation_is_resolved(
    api: RunningApi, session_maker: SessionMaker
) -> None:
    organization = await _organization(session_maker)
    await configure(session_maker, organization.id, idle_timeout_seconds=1)
    async with api.client() as client:
        visitor = await new_visitor(client, organization.public_key)
        started = await visitor.start("hi")
        cid = started["conversation"]["id"]
        events = await read_events(
            client,
            _events_url(cid),
            visitor.headers,
            lambda events: any(e.data["data"].get("status") == "resolved" for e in events),
        )
    resolved = next(e for e in events if e.data["data"].get("status") == "resolved")
    assert resolved.data["data"]["reason"] == "idle"


async def test_a_failing_model_gets_an_apology_and_a_handoff_offer(
    api: RunningApi, session_maker: SessionMaker, agent: ScriptedAgent
) -> None:
    agent.fail_next = 1
    organization = await _organization(session_maker)
    async with api.client() as client:
        visitor = await new_visitor(client, organization.public_key)
        started = await visitor.start("hello?")
        cid = started["conversation"]["id"]
        events = await read_events(client, _events_url(cid), visitor.headers, turn_done)
        later = await visitor.say(cid, "still there?")
        history = await visitor.history(cid)
    done = next(e for e in events if e.type == "message.done")
    assert "talk to a person" in done.data["data"]["content"].lower()
    assert done.data["data"]["decision"] == "handoff"
    assert later.status_code == 202, "the conversation stays usable"
    assert history[-1]["content"] == "still there?"


async def test_a_reconnecting_client_resumes_after_last_event_id_without_gaps(
    api: RunningApi, session_maker: SessionMaker, agent: ScriptedAgent
) -> None:
    agent.token_delay = 0.02
    organization = await _organization(session_maker)
    async with api.client() as client:
        visitor = await new_visitor(client, organization.public_key)
        started = await visitor.start("tell me everything about the lamp")
        cid = started["conversation"]["id"]
        first = await read_events(
            client,
            _events_url(cid),
            visitor.headers,
            lambda events: any(e.type == "token" for e in events),
        )
        rest = await read_events(
            client, _events_url(cid), visitor.headers, turn_done, last_event_id=first[-1].id
        )
        everything = await read_events(client, _events_url(cid), visitor.headers, turn_done)
    resumed = [event.id for event in first + rest]
    assert resumed == [event.id for event in everything]
    assert len(set(resumed)) == len(resumed)


async def test_operators_get_the_inbox_feed_and_transcript_reads_are_audited(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await _organization(session_maker)
    member = await create_member(session_maker, organization.id, Role.OPERATOR)
    staff = bearer(session_token(settings, member))
    async with api.client() as client:
        inbox_task = asyncio.create_task(
            read_events(
                client,
                f"/api/orgs/{organization.id}/inbox/events",
                staff,
                turn_done,
            )
        )
        await asyncio.sleep(0.3)
        visitor = await new_visitor(client, organization.public_key)
        started = await visitor.start("where is my order?")
        inbox = await inbox_task
        cid = started["conversation"]["id"]
        listed = await client.get(
            f"/api/orgs/{organization.id}/conversations?status=open&channel=chat", headers=staff
        )
        transcript = await client.get(
            f"/api/orgs/{organization.id}/conversations/{cid}", headers=staff
        )
    assert {event.data["conversation_id"] for event in inbox} == {cid}
    assert listed.json()["total"] == 1
    assert [m["role"] for m in transcript.json()["messages"]] == ["visitor", "assistant"]
    async with org_session(session_maker, organization.id) as session:
        audit = (
            await session.exec(select(AuditLogEntry).order_by(col(AuditLogEntry.created_at)))
        ).all()
    assert [(entry.action, entry.target_id) for entry in audit] == [
        ("conversation.transcript_read", cid)
    ]


async def test_another_organizations_operator_cannot_touch_the_conversation(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await _organization(session_maker)
    other = await create_organization(session_maker, "Globex")
    outsider = await create_member(session_maker, other.id, Role.OWNER)
    headers = bearer(session_token(settings, outsider))
    async with api.client() as client:
        visitor = await new_visitor(client, organization.public_key)
        started = await visitor.start("secret question")
        cid = started["conversation"]["id"]
        own_org = await client.get(f"/api/orgs/{other.id}/conversations/{cid}", headers=headers)
        their_org = await client.get(
            f"/api/orgs/{organization.id}/conversations/{cid}", headers=headers
        )
        join = await client.post(f"/api/orgs/{other.id}/conversations/{cid}/join", headers=headers)
    assert own_org.status_code == 404
    assert their_org.status_code == 403
    assert join.status_code == 404


async def test_the_workflow_continues_as_new_carrying_its_state(
    api: RunningApi,
    settings: Settings,
    session_maker: SessionMaker,
    temporal_client: Client,
) -> None:
    organization = await _organization(session_maker)
    await configure(session_maker, organization.id, max_history_events=30)
    operator = await create_member(session_maker, organization.id, Role.OPERATOR)
    staff = bearer(session_token(settings, operator))
    async with api.client() as client:
        visitor = await new_visitor(client, organization.public_key)
        started = await visitor.start("message 1")
        cid = started["conversation"]["id"]
        for n in range(2, 5):
            await read_events(client, _events_url(cid), visitor.headers, answered(n - 1))
            assert (await visitor.say(cid, f"message {n}")).status_code == 202
        await read_events(client, _events_url(cid), visitor.headers, lambda e: turn_done(e, 4))
        joined = await client.post(
            f"/api/orgs/{organization.id}/conversations/{cid}/join", headers=staff
        )
        assert joined.status_code == 202
        await read_events(
            client,
            _events_url(cid),
            visitor.headers,
            lambda events: any(e.type == "operator.joined" for e in events),
        )
        history = await visitor.history(cid)

    workflow_id = conversation_workflow_id(organization.id, uuid.UUID(cid))
    runs = [run async for run in temporal_client.list_workflows(f"WorkflowId = '{workflow_id}'")]
    assert len(runs) >= 2, "the workflow continued as new"
    handle = temporal_client.get_workflow_handle(workflow_id)
    view = await handle.query(ConversationWorkflow.view)
    assert view.status == "with_operator"
    assert view.operator is not None
    assert view.operator.member_id == operator.id
    assert [m["role"] for m in history].count("assistant") == 4
    first_run = min(runs, key=lambda run: run.start_time)
    if os.environ.get("PERCEPTRON_RECORD_HISTORIES"):
        old = temporal_client.get_workflow_handle(workflow_id, run_id=first_run.run_id)
        path = HISTORIES / "conversation_continue_as_new.json"
        path.write_text(json.dumps(json.loads((await old.fetch_history()).to_json()), indent=1))
