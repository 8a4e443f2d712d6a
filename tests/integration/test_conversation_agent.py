"""The whole keyless product: knowledge ingested, a visitor asks, the real support agent
(extractive responder) answers with a citation of the right article, or hands off."""

from __future__ import annotations

import pytest
from sqlmodel import select

from core.db import SessionMaker, org_session
from core.models import KnowledgeDocument, Message, MessageRole
from core.settings import Settings
from tests.conftest import RunningApi
from tests.factories import bearer, create_member, create_organization, session_token
from tests.fixtures.documents import load_articles
from tests.integration.conversation_helpers import new_visitor, read_events, turn_done
from tests.integration.knowledge_helpers import upload, wait_until_final

pytestmark = pytest.mark.usefixtures("worker")


async def test_a_visitor_gets_a_cited_answer_from_the_right_article_or_a_handoff(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    owner = await create_member(session_maker, organization.id)
    headers = bearer(session_token(settings, owner))
    async with api.client() as client:
        for article in load_articles():
            response = await upload(
                client, organization.id, headers, f"{article.slug}.md", article.markdown.encode()
            )
            await wait_until_final(client, organization.id, headers, response.json()["id"])

        visitor = await new_visitor(client, organization.public_key)
        started = await visitor.start("my firmware update failed with error E-204, what do I do?")
        cid = started["conversation"]["id"]
        events = await read_events(
            client, f"/api/widget/conversations/{cid}/events", visitor.headers, turn_done
        )
        declined = await visitor.start("can you recommend a good pizza place in Rome?")
        declined_events = await read_events(
            client,
            f"/api/widget/conversations/{declined['conversation']['id']}/events",
            visitor.headers,
            lambda events: any(e.type == "handoff.requested" for e in events),
        )

    done = next(event for event in events if event.type == "message.done")
    assert done.data["data"]["decision"] == "answer"
    assert "[1]" in done.data["data"]["content"]
    cited = {citation["document_id"] for citation in done.data["data"]["citations"]}
    async with org_session(session_maker, organization.id) as session:
        firmware = (
            await session.exec(
                select(KnowledgeDocument).where(
                    KnowledgeDocument.title == "Firmware update error codes"
                )
            )
        ).one()
        answer = (
            await session.exec(select(Message).where(Message.role == MessageRole.ASSISTANT))
        ).first()
    assert cited == {str(firmware.id)}
    assert answer is not None
    assert answer.trail["retrieved"], "the decision trail keeps what was retrieved"
    assert answer.prompt_version

    declined_done = next(e for e in declined_events if e.type == "message.done")
    assert declined_done.data["data"]["decision"] == "handoff"
