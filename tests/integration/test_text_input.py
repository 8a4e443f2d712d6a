"""Text the product cannot store (NUL, unpaired surrogates) is refused at the API's edge with a
422 naming the field, on every kind of route; and a message that reaches the conversation
workflow anyway fails at once, visibly, instead of being retried for minutes and dropped."""

from __future__ import annotations

import asyncio
import logging
import uuid

import httpx
import pytest
from sqlmodel import col, select
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from core.db import SessionMaker, org_session
from core.ids import conversation_workflow_id
from core.models import Message, MessageRole
from core.settings import Settings
from services.conversations import ConversationError, Conversations
from tests.conftest import RunningApi
from tests.factories import bearer, create_member, create_organization, session_token
from tests.integration.conversation_helpers import new_visitor, read_events
from workflows.conversation import ConversationWorkflow, OperatorReply

pytestmark = pytest.mark.usefixtures("conversation_worker")

NUL = "Planted\u0000phrase"
# A lone surrogate cannot even be encoded by httpx: send the JSON escape itself, as a client may.
SURROGATE_ESCAPE = "Planted\\ud800phrase"


def _json(template: str, value: str) -> bytes:
    """``template`` with ``$`` replaced by a JSON string holding ``value`` verbatim."""
    return template.replace("$", f'"{value}"').encode()


async def _send(
    client: httpx.AsyncClient, method: str, url: str, body: bytes, headers: dict[str, str]
) -> httpx.Response:
    return await client.request(
        method, url, content=body, headers={**headers, "content-type": "application/json"}
    )


def _assert_refused(response: httpx.Response, loc: list[str | int], kind: str) -> None:
    assert response.status_code == 422, response.text
    (error,) = response.json()["detail"]
    assert error["loc"] == loc
    assert error["type"] == kind
    assert ("NUL" if kind == "string_nul" else "surrogate") in error["msg"]
    assert "Planted" not in response.text


@pytest.mark.parametrize(
    ("value", "kind"),
    [("Planted\\u0000phrase", "string_nul"), (SURROGATE_ESCAPE, "string_surrogate")],
)
async def test_every_kind_of_text_field_refuses_unstorable_text(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, value: str, kind: str
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    owner = await create_member(session_maker, organization.id)
    staff = bearer(session_token(settings, owner))
    org = f"/api/orgs/{organization.id}"
    async with api.client() as client:
        widget_key = {"x-perceptron-key": organization.public_key}
        visitor = await new_visitor(client, organization.public_key, name="Ann")
        started = await visitor.start("Hello")
        conversation = started["conversation"]["id"]
        refusals: list[tuple[tuple[str, str, str, dict[str, str]], list[str | int]]] = [
            # organization and visitor names
            (("PATCH", org, '{"name": $}', staff), ["body", "name"]),
            (("POST", "/api/widget/visitors", '{"name": $}', widget_key), ["body", "name"]),
            # visitor messages, starting a conversation and in one
            (
                ("POST", "/api/widget/conversations", '{"text": $}', visitor.headers),
                ["body", "text"],
            ),
            (
                (
                    "POST",
                    f"/api/widget/conversations/{conversation}/messages",
                    '{"text": $}',
                    visitor.headers,
                ),
                ["body", "text"],
            ),
            # an operator's reply
            (
                ("POST", f"{org}/conversations/{conversation}/reply", '{"text": $}', staff),
                ["body", "text"],
            ),
            # contact fields
            (
                ("PATCH", f"{org}/contacts/{visitor.contact_id}", '{"name": $}', staff),
                ["body", "name"],
            ),
            # a URL to import
            (("POST", f"{org}/knowledge/imports", '{"url": $}', staff), ["body", "url"]),
            # deep in a batch, and in a key
            (
                (
                    "POST",
                    "/api/widget/events",
                    '{"events": [{"type": "page_view"}, {"type": "page_view", "title": $}]}',
                    widget_key,
                ),
                ["body", "events", 1, "title"],
            ),
            (
                ("PATCH", org, '{"settings": {"greeting": "hi", $: 1}}', staff),
                ["body", "settings"],
            ),
        ]
        for (method, url, template, headers), loc in refusals:
            response = await _send(client, method, url, _json(template, value), headers)
            _assert_refused(response, loc, kind)

        history = await visitor.history(conversation)
        shown = await client.get(org, headers=staff)
        contact = await client.get(f"{org}/contacts/{visitor.contact_id}", headers=staff)
    assert [message["content"] for message in history if message["role"] != "assistant"] == [
        "Hello"
    ]
    assert shown.json()["name"] == "Lumen"
    assert contact.json()["name"] == "Ann"


async def test_query_parameters_and_paths_refuse_nul(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    owner = await create_member(session_maker, organization.id)
    staff = bearer(session_token(settings, owner))
    async with api.client() as client:
        found = await client.get(
            f"/api/orgs/{organization.id}/contacts?q=Planted%00phrase", headers=staff
        )
        _assert_refused(found, ["query", "q"], "string_nul")
        download = await client.get("/api/exports/Planted%00phrase")
        _assert_refused(download, ["path"], "string_nul")
        # Ordinary text, including characters beyond the BMP, goes through.
        fine = await client.patch(
            f"/api/orgs/{organization.id}", json={"name": "Lumen \U0001f4a1 Café"}, headers=staff
        )
        assert fine.status_code == 200, fine.text
        assert fine.json()["name"] == "Lumen \U0001f4a1 Café"


async def test_an_operator_reply_that_cannot_be_stored_is_reported_not_dropped(
    api: RunningApi,
    settings: Settings,
    session_maker: SessionMaker,
    temporal_client: Client,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The API refuses such a reply; one that reaches the workflow anyway (sent straight to
    Temporal) fails its store once, without retries, and the workflow records it as a
    ``message.failed`` event on the conversation's stream, then carries on."""
    caplog.set_level(logging.INFO)
    organization = await create_organization(session_maker, "Lumen")
    operator = await create_member(session_maker, organization.id)
    staff = bearer(session_token(settings, operator))
    async with api.client() as client:
        visitor = await new_visitor(client, organization.public_key, name="Ann")
        started = await visitor.start("Hello")
        conversation = uuid.UUID(started["conversation"]["id"])
        handle = temporal_client.get_workflow_handle(
            conversation_workflow_id(organization.id, conversation)
        )
        failed_id = uuid.uuid4()
        await handle.signal(
            ConversationWorkflow.operator_reply,
            OperatorReply(member_id=operator.id, name="Sam", message_id=failed_id, text=NUL),
        )
        events = await read_events(
            client,
            f"/api/orgs/{organization.id}/conversations/{conversation}/events",
            staff,
            lambda events: any(event.type == "message.failed" for event in events),
            within=15,
        )
        failed = next(event for event in events if event.type == "message.failed")
        assert failed.data["data"]["message_id"] == str(failed_id)
        assert failed.data["data"]["role"] == "operator"
        assert "could not be stored" in failed.data["data"]["reason"]

        # The conversation goes on: the next reply is stored.
        reply = await client.post(
            f"/api/orgs/{organization.id}/conversations/{conversation}/reply",
            json={"text": "Sorry, here it is."},
            headers=staff,
        )
        assert reply.status_code == 202, reply.text
        await read_events(
            client,
            f"/api/orgs/{organization.id}/conversations/{conversation}/events",
            staff,
            lambda events: any(
                event.type == "message.created" and event.data["data"]["role"] == "operator"
                for event in events
            ),
            within=15,
        )

    # Messages are stored by local activities: their outcome is a marker in the history,
    # and the failed store is recorded there once, as not to be retried.
    history = await handle.fetch_history()
    store_failures = [
        event.marker_recorded_event_attributes.failure
        for event in history.events
        if event.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
        and event.marker_recorded_event_attributes.HasField("failure")
    ]
    assert len(store_failures) == 1
    assert store_failures[0].application_failure_info.non_retryable
    async with org_session(session_maker, organization.id) as session:
        stored = (await session.exec(select(col(Message.content)))).all()
    assert NUL not in stored
    assert "Planted" not in caplog.text, "the message text reached the logs"


async def test_a_visitor_message_that_cannot_be_stored_fails_at_once(
    settings: Settings,
    session_maker: SessionMaker,
    temporal_client: Client,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Past the API's check (the service called directly), the message Update fails within
    seconds with a 422 the API would answer, rather than retrying for minutes."""
    caplog.set_level(logging.INFO)
    organization = await create_organization(session_maker, "Lumen")
    conversations = Conversations(session_maker, temporal_client, settings)
    conversation = await conversations.start(organization.id, None)
    with pytest.raises(ConversationError) as refused:
        await asyncio.wait_for(
            conversations.post(organization.id, conversation.id, NUL, uuid.uuid4()), 15
        )
    assert refused.value.status == 422
    assert "could not be stored" in refused.value.message
    # The same conversation still takes a message that can be stored.
    posted = await asyncio.wait_for(
        conversations.post(organization.id, conversation.id, "Hello", uuid.uuid4()), 15
    )
    assert "Planted" not in caplog.text, "the message text reached the logs"
    async with org_session(session_maker, organization.id) as session:
        stored = (
            await session.exec(select(Message).where(Message.role == MessageRole.VISITOR))
        ).all()
    assert [(message.id, message.content) for message in stored] == [(posted.message_id, "Hello")]


async def test_a_value_the_database_refuses_is_a_422_not_a_500(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    """Multipart bodies are not checked at the edge (their bytes are files): a file name
    PostgreSQL cannot store still ends as a 422 with a message, and nothing is stored."""
    organization = await create_organization(session_maker, "Lumen")
    owner = await create_member(session_maker, organization.id)
    staff = bearer(session_token(settings, owner))
    org = f"/api/orgs/{organization.id}"
    async with api.client() as client:
        # Written by hand: httpx would percent-encode the NUL in the file name.
        body = (
            b'--b\r\nContent-Disposition: form-data; name="file"; '
            b'filename="Planted\x00phrase.txt"\r\nContent-Type: text/plain\r\n\r\n'
            b"How to reset the lamp.\r\n--b--\r\n"
        )
        uploaded = await client.post(
            f"{org}/knowledge/documents",
            content=body,
            headers={**staff, "content-type": "multipart/form-data; boundary=b"},
        )
        listed = await client.get(f"{org}/knowledge/documents", headers=staff)
    assert uploaded.status_code == 422, uploaded.text
    assert "cannot be stored" in uploaded.json()["detail"]
    assert listed.json()["total"] == 0
