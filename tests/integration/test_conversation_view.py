"""The dashboard's conversation view through the real API: private notes (never a visitor's),
saved replies, the typed decision trail of an answer and the contact panel."""

from __future__ import annotations

import uuid

import pytest

from core.db import SessionMaker, org_session
from core.models import (
    KnowledgeChunk,
    KnowledgeDocument,
    KnowledgeSource,
    Message,
    MessageRole,
    Role,
    SourceKind,
)
from core.settings import Settings
from tests.conftest import RunningApi
from tests.factories import bearer, create_member, create_organization, session_token
from tests.integration.conversation_helpers import new_visitor, read_events, turn_done

pytestmark = pytest.mark.usefixtures("conversation_worker")

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


async def _team(
    settings: Settings, maker: SessionMaker
) -> tuple[uuid.UUID, str, dict[str, dict[str, str]]]:
    organization = await create_organization(maker, "Lumen")
    headers = {}
    for role in (Role.OWNER, Role.ADMIN, Role.OPERATOR, Role.COMPLIANCE):
        member = await create_member(maker, organization.id, role)
        headers[role.value] = bearer(session_token(settings, member))
    return organization.id, organization.public_key, headers


async def test_a_note_reaches_members_live_and_never_the_visitor(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    org_id, public_key, team = await _team(settings, session_maker)
    secret = f"secret-note-{uuid.uuid4().hex[:8]}"
    async with api.client() as client:
        visitor = await new_visitor(client, public_key, name="Ann")
        started = await visitor.start("Where is my order?")
        conversation_id = started["conversation"]["id"]
        visitor_url = f"/api/widget/conversations/{conversation_id}/events"
        await read_events(client, visitor_url, visitor.headers, turn_done)
        notes_url = f"/api/orgs/{org_id}/conversations/{conversation_id}/notes"

        added = await client.post(
            notes_url, json={"content": f"  {secret}  "}, headers=team["operator"]
        )
        assert added.status_code == 201, added.text
        note = added.json()
        assert note["content"] == secret
        assert note["author_name"] == "operator person"

        # Another member's open dashboard hears of it (the id only, never the text).
        member_events = await read_events(
            client,
            f"/api/orgs/{org_id}/conversations/{conversation_id}/events",
            team["owner"],
            lambda events: any(event.type == "note.created" for event in events),
        )
        created = next(event for event in member_events if event.type == "note.created")
        assert created.data["data"] == {"note_id": note["id"]}
        inbox_events = await read_events(
            client,
            f"/api/orgs/{org_id}/inbox/events",
            team["admin"],
            lambda events: any(event.type == "note.created" for event in events),
            last_event_id=0,
        )
        assert any(event.type == "note.created" for event in inbox_events)

        # The operator joins after the note: the visitor's stream, read past that point,
        # has every event before it except the note's.
        joined = await client.post(
            f"/api/orgs/{org_id}/conversations/{conversation_id}/join", headers=team["operator"]
        )
        assert joined.status_code == 202, joined.text
        seen = await read_events(
            client,
            visitor_url,
            visitor.headers,
            lambda events: any(event.type == "operator.joined" for event in events),
        )
        assert [event for event in seen if event.type.startswith("note.")] == []
        assert all(secret not in str(event.data) for event in seen)
        history = await visitor.history(conversation_id)
        assert history
        assert all(secret not in str(message) for message in history)
        widget_list = await client.get("/api/widget/conversations", headers=visitor.headers)
        assert secret not in widget_list.text
        # Visitors cannot reach the members' routes at all.
        refused = await client.get(notes_url, headers=visitor.headers)
        assert refused.status_code == 401

        listed = await client.get(notes_url, headers=team["compliance"])
        assert [item["id"] for item in listed.json()] == [note["id"]]

        # Only the author edits; the author or an admin deletes.
        note_url = f"{notes_url}/{note['id']}"
        other = await client.patch(note_url, json={"content": "changed"}, headers=team["owner"])
        assert other.status_code == 403
        assert "author" in other.json()["detail"]
        edited = await client.patch(note_url, json={"content": "edited"}, headers=team["operator"])
        assert edited.status_code == 200, edited.text
        assert edited.json()["content"] == "edited"
        assert edited.json()["updated_at"] is not None
        denied = await client.delete(note_url, headers=team["compliance"])
        assert denied.status_code == 403
        removed = await client.delete(note_url, headers=team["admin"])
        assert removed.status_code == 204
        assert (await client.get(notes_url, headers=team["owner"])).json() == []
        gone = await client.delete(note_url, headers=team["admin"])
        assert gone.status_code == 404

        # Bad input gets a clear 4xx; nothing is written.
        for body in ({"content": "   "}, {"content": "a\u0000b"}, {"content": "x" * 4001}, {}):
            bad = await client.post(notes_url, json=body, headers=team["operator"])
            assert bad.status_code == 422, body
        missing = await client.post(
            f"/api/orgs/{org_id}/conversations/{uuid.uuid4()}/notes",
            json={"content": "hello"},
            headers=team["operator"],
        )
        assert missing.status_code == 404
        assert (await client.get(notes_url, headers=team["owner"])).json() == []


async def test_notes_are_scoped_to_the_organization(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    org_id, public_key, team = await _team(settings, session_maker)
    other_org, _, strangers = await _team(settings, session_maker)
    async with api.client() as client:
        visitor = await new_visitor(client, public_key)
        started = await visitor.start("Hello")
        conversation_id = started["conversation"]["id"]
        url = f"/api/orgs/{org_id}/conversations/{conversation_id}/notes"
        added = await client.post(url, json={"content": "ours"}, headers=team["owner"])
        assert added.status_code == 201
        assert (await client.get(url, headers=strangers["owner"])).status_code == 403
        foreign = f"/api/orgs/{other_org}/conversations/{conversation_id}/notes"
        assert (await client.get(foreign, headers=strangers["owner"])).status_code == 404
        assert (
            await client.post(foreign, json={"content": "x"}, headers=strangers["owner"])
        ).status_code == 404


async def test_saved_replies_are_listed_by_everyone_and_managed_by_admins(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    org_id, _, team = await _team(settings, session_maker)
    other_org, _, strangers = await _team(settings, session_maker)
    url = f"/api/orgs/{org_id}/saved-replies"
    body = {"shortcut": "/Refund", "title": "Refunds", "content": "Refunds take 5 days."}
    async with api.client() as client:
        refused = await client.post(url, json=body, headers=team["operator"])
        assert refused.status_code == 403
        created = await client.post(url, json=body, headers=team["admin"])
        assert created.status_code == 201, created.text
        reply = created.json()
        assert reply["shortcut"] == "refund"
        duplicate = await client.post(
            url, json={**body, "shortcut": "refund"}, headers=team["owner"]
        )
        assert duplicate.status_code == 409
        assert "/refund" in duplicate.json()["detail"]
        second = await client.post(
            url,
            json={"shortcut": "hours", "title": "Hours", "content": "9 to 5."},
            headers=team["owner"],
        )
        assert second.status_code == 201
        clash = await client.put(
            f"{url}/{second.json()['id']}",
            json={"shortcut": "refund", "title": "Hours", "content": "9 to 5."},
            headers=team["owner"],
        )
        assert clash.status_code == 409
        for bad in (
            {**body, "shortcut": "two words"},
            {**body, "content": " "},
            {**body, "title": ""},
        ):
            assert (await client.post(url, json=bad, headers=team["owner"])).status_code == 422

        listed = await client.get(url, headers=team["operator"])
        assert [item["shortcut"] for item in listed.json()] == ["hours", "refund"]
        # Another organization has its own shortcuts and cannot see these.
        assert (await client.get(url, headers=strangers["owner"])).status_code == 403
        theirs = await client.post(
            f"/api/orgs/{other_org}/saved-replies", json=body, headers=strangers["owner"]
        )
        assert theirs.status_code == 201
        assert (
            await client.get(f"/api/orgs/{other_org}/saved-replies", headers=strangers["owner"])
        ).json()[0]["id"] != reply["id"]

        updated = await client.put(
            f"{url}/{reply['id']}",
            json={"shortcut": "refund", "title": "Refunds", "content": "Refunds take 3 days."},
            headers=team["admin"],
        )
        assert updated.status_code == 200, updated.text
        assert updated.json()["content"] == "Refunds take 3 days."
        assert (
            await client.delete(f"{url}/{reply['id']}", headers=team["operator"])
        ).status_code == 403
        assert (
            await client.delete(f"{url}/{reply['id']}", headers=team["owner"])
        ).status_code == 204
        assert [
            item["shortcut"] for item in (await client.get(url, headers=team["operator"])).json()
        ] == ["hours"]
        assert (
            await client.put(f"{url}/{uuid.uuid4()}", json=body, headers=team["owner"])
        ).status_code == 404


async def test_the_detail_has_a_typed_trail_for_members_and_the_contact_panel(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    org_id, public_key, team = await _team(settings, session_maker)
    async with api.client() as client:
        visitor = await new_visitor(client, public_key, name="Ann", email="ann@example.com")
        earlier = await visitor.start("First question")
        started = await visitor.start("Second question")
        conversation_id = uuid.UUID(started["conversation"]["id"])
        tracked = await client.post(
            "/api/widget/events",
            json={
                "events": [
                    {"type": "page_view", "url": "https://shop.example/lamps", "title": "Lamps"},
                    {"type": "page_view", "url": "https://shop.example/cart", "title": "Cart"},
                ]
            },
            headers={
                "x-perceptron-key": public_key,
                "user-agent": FIREFOX,
                **visitor.headers,
            },
        )
        assert tracked.status_code == 202
        await read_events(
            client,
            f"/api/widget/conversations/{conversation_id}/events",
            visitor.headers,
            turn_done,
        )
        async with org_session(session_maker, org_id) as session:
            source = KnowledgeSource(
                org_id=org_id, kind=SourceKind.URL, url="https://help.example/"
            )
            session.add(source)
            await session.flush()
            document = KnowledgeDocument(
                org_id=org_id,
                source_id=source.id,
                title="Shipping",
                source_type=SourceKind.URL,
                storage_key=f"{org_id}/doc/shipping.html",
            )
            session.add(document)
            await session.flush()
            chunk = KnowledgeChunk(
                org_id=org_id,
                document_id=document.id,
                ordinal=0,
                title="Shipping",
                content="Orders ship within two days.   We ship worldwide.",
            )
            session.add(chunk)
            await session.flush()
            session.add(
                Message(
                    org_id=org_id,
                    conversation_id=conversation_id,
                    role=MessageRole.ASSISTANT,
                    content="I will get a person.",
                    trail={
                        "route": "retrieve",
                        "query": "second question",
                        "retrieved": [
                            {
                                "chunk_id": str(chunk.id),
                                "document_id": str(document.id),
                                "title": "Shipping",
                                "section": "",
                                "score": 0.42,
                                "rank": 1,
                            },
                            {
                                "chunk_id": str(uuid.uuid4()),
                                "title": "Gone",
                                "score": 0.1,
                                "rank": 2,
                            },
                        ],
                        "grounding": {"score": 0.3, "answerable": False, "terms": ["x"]},
                        "decision": "handoff",
                        "reason": "the knowledge does not cover it",
                        "cited_chunk_ids": [],
                    },
                    model="extractive",
                    prompt_version="v9",
                )
            )
        detail = await client.get(
            f"/api/orgs/{org_id}/conversations/{conversation_id}", headers=team["operator"]
        )
        assert detail.status_code == 200, detail.text
        body = detail.json()
        [trail] = [m["trail"] for m in body["messages"] if m["content"] == "I will get a person."]
        assert trail["decision"] == "handoff"
        assert trail["reason"] == "the knowledge does not cover it"
        assert trail["model"] == "extractive"
        assert trail["prompt_version"] == "v9"
        assert trail["grounding"] == {"score": 0.3, "answerable": False}
        first, second = trail["passages"]
        assert first["title"] == "Shipping"
        assert first["score"] == 0.42
        assert first["excerpt"] == "Orders ship within two days. We ship worldwide."
        assert second["excerpt"] is None  # the chunk is gone
        assert all(m["trail"] is None for m in body["messages"] if m["role"] == "visitor")

        panel = body["contact_panel"]
        assert panel["name"] == "Ann"
        assert panel["email"] == "ann@example.com"
        assert panel["browser"]
        assert "Firefox" in panel["browser"]
        assert {page["url"] for page in panel["pages"]} == {
            "https://shop.example/lamps",
            "https://shop.example/cart",
        }
        assert [c["id"] for c in panel["earlier_conversations"]] == [earlier["conversation"]["id"]]

        # The visitor's own view of the same conversation carries no trail.
        history = await visitor.history(str(conversation_id))
        assert history
        assert all("trail" not in message for message in history)
        assert "the knowledge does not cover it" not in str(history)
        assert (
            await client.get(f"/api/orgs/{org_id}/conversations/{conversation_id}")
        ).status_code == 401
