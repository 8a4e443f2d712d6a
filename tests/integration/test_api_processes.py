"""Several API processes on one database: the visitor's and the inbox's event streams do not
depend on which API accepted the message. Each API holds its own LISTEN connection
(``EventHub``); a message posted through one is streamed by another, and a stream that
reconnects to another API resumes where it stopped (Last-Event-ID)."""

from __future__ import annotations

import asyncio

import pytest

from core.db import SessionMaker
from core.models import Role
from core.ports import free_port
from core.settings import Settings
from tests.conftest import serve
from tests.factories import bearer, create_member, create_organization, session_token
from tests.integration.conversation_helpers import new_visitor, read_events, turn_done

pytestmark = pytest.mark.usefixtures("conversation_worker")


async def test_a_message_posted_through_one_api_is_streamed_by_another(
    settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    member = await create_member(session_maker, organization.id, Role.OPERATOR)
    staff = bearer(session_token(settings, member))
    other = settings.model_copy(update={"api_port": free_port()})
    async with (
        serve(settings) as first,
        serve(other) as second,
        first.client() as via_first,
        second.client() as via_second,
    ):
        inbox = asyncio.create_task(
            read_events(via_second, f"/api/orgs/{organization.id}/inbox/events", staff, turn_done)
        )
        await asyncio.sleep(0.3)  # the inbox stream is open before the message is sent
        visitor = await new_visitor(via_first, organization.public_key, name="Ann")
        started = await visitor.start("where is my order?")
        conversation_id = started["conversation"]["id"]
        url = f"/api/widget/conversations/{conversation_id}/events"
        headers = visitor.headers
        # The visitor's stream on the other API: the whole turn, token by token.
        streamed = await read_events(via_second, url, headers, turn_done)
        fed = await inbox
    tokens = "".join(e.data["data"]["text"] for e in streamed if e.type == "token")
    done = next(e for e in streamed if e.type == "message.done")
    assert tokens == done.data["data"]["content"] == "You asked: where is my order? [1]"
    assert {e.data["conversation_id"] for e in fed} == {conversation_id}
    assert any(e.type == "message.done" for e in fed)

    # Both processes stop and one comes back (a restart, a deploy): the visitor writes
    # through it, and a stream that reconnects with the last id it saw gets the rest, once.
    async with serve(other) as second, second.client() as via_second:
        visitor.client = via_second
        said = await visitor.say(conversation_id, "and when will it arrive?")
        assert said.status_code == 202, said.text
        rest = await read_events(via_second, url, headers, turn_done, last_event_id=streamed[-1].id)
    ids = [e.id for e in streamed + rest]
    assert len(ids) == len(set(ids)), "no event is streamed twice"
    assert [e.data["data"]["content"] for e in rest if e.type == "message.done"] == [
        "You asked: and when will it arrive? [1]"
    ]
