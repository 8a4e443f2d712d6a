"""Abuse with only the public widget key: analytics events, conversations and new visitors
are limited per visitor and per client address, and the client address is the direct peer's
unless that peer is a configured proxy (loopback is not one by default)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator

import httpx
import uvicorn
from sqlmodel import func, select

from agents.providers.embeddings import LocalMiniLMEmbedder
from api.app import create_app
from cli.main import api_server_config
from core.db import SessionMaker, org_session
from core.models import Conversation, WidgetEvent
from core.settings import Settings
from tests.conftest import serve
from tests.factories import create_organization
from tests.integration.conversation_helpers import new_visitor


def _batch(size: int = 100) -> dict[str, list[dict[str, str]]]:
    return {"events": [{"type": "page_view", "url": "https://shop.example/"}] * size}


async def _count(
    maker: SessionMaker, org_id: uuid.UUID, table: type[WidgetEvent] | type[Conversation]
) -> int:
    async with org_session(maker, org_id) as session:
        return (await session.exec(select(func.count()).select_from(table))).one()


async def test_twenty_thousand_events_with_the_public_key_are_refused_past_the_limit(
    settings: Settings, session_maker: SessionMaker, embedder: LocalMiniLMEmbedder
) -> None:
    organization = await create_organization(session_maker)
    keyed = {"x-perceptron-key": organization.public_key}
    async with serve(settings, embedder) as running, running.client() as client:
        responses = [
            await client.post("/api/widget/events", json=_batch(), headers=keyed)
            for _ in range(200)
        ]
    accepted = sum(r.json()["accepted"] for r in responses if r.status_code == 202)
    refused = [r for r in responses if r.status_code == 429]
    assert accepted == settings.address_events_per_minute == 600
    assert len(refused) == 200 - 6
    assert int(refused[0].headers["retry-after"]) >= 1
    assert refused[0].json()["detail"] == "too many events: wait a moment"
    assert await _count(session_maker, organization.id, WidgetEvent) == 600


async def test_one_visitors_events_are_limited_on_their_own(
    settings: Settings, session_maker: SessionMaker, embedder: LocalMiniLMEmbedder
) -> None:
    organization = await create_organization(session_maker)
    keyed = {"x-perceptron-key": organization.public_key}
    async with serve(settings, embedder) as running, running.client() as client:
        visitor = await new_visitor(client, organization.public_key)
        mine = {**keyed, **visitor.headers}
        first = await client.post("/api/widget/events", json=_batch(100), headers=mine)
        second = await client.post("/api/widget/events", json=_batch(100), headers=mine)
        small = await client.post("/api/widget/events", json=_batch(20), headers=mine)
        anonymous = await client.post("/api/widget/events", json=_batch(100), headers=keyed)
    assert settings.visitor_events_per_minute == 120
    assert [first.status_code, second.status_code, small.status_code] == [202, 429, 202]
    assert anonymous.status_code == 202, "another visitor on the same address still counts"


async def test_conversation_creation_is_limited_per_visitor_and_per_address(
    settings: Settings, session_maker: SessionMaker, embedder: LocalMiniLMEmbedder
) -> None:
    strict = settings.model_copy(
        update={"visitor_conversations_per_hour": 2, "address_conversations_per_hour": 3}
    )
    organization = await create_organization(session_maker)
    async with serve(strict, embedder) as running, running.client() as client:
        ada = await new_visitor(client, organization.public_key)
        bob = await new_visitor(client, organization.public_key)

        async def start(headers: dict[str, str]) -> httpx.Response:
            return await client.post("/api/widget/conversations", json={}, headers=headers)

        by_ada = [await start(ada.headers) for _ in range(3)]
        by_bob = [await start(bob.headers) for _ in range(2)]
    assert [r.status_code for r in by_ada] == [201, 201, 429]
    assert by_ada[2].json()["detail"] == "too many new conversations: wait a while"
    assert int(by_ada[2].headers["retry-after"]) >= 1
    assert [r.status_code for r in by_bob] == [201, 429], "the address's budget is spent"
    assert await _count(session_maker, organization.id, Conversation) == 3


@contextlib.asynccontextmanager
async def production_api(
    settings: Settings, embedder: LocalMiniLMEmbedder
) -> AsyncIterator[httpx.AsyncClient]:
    """The API under uvicorn exactly as `perceptron api` configures it."""
    server = uvicorn.Server(api_server_config(settings, create_app(settings, embedder)))
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("the API stopped during startup")
            await asyncio.sleep(0.01)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{settings.api_port}", timeout=10
        ) as client:
            yield client
    finally:
        server.should_exit = True
        await task


async def _new_visitors_from(
    client: httpx.AsyncClient, public_key: str, addresses: list[str]
) -> list[httpx.Response]:
    return [
        await client.post(
            "/api/widget/visitors",
            json={},
            headers={"x-perceptron-key": public_key, "x-forwarded-for": address},
        )
        for address in addresses
    ]


ADDRESSES = ["203.0.113.1", "203.0.113.2", "203.0.113.3"]


async def test_x_forwarded_for_from_loopback_does_not_bypass_the_new_visitor_limit(
    settings: Settings, session_maker: SessionMaker, embedder: LocalMiniLMEmbedder
) -> None:
    strict = settings.model_copy(update={"new_visitors_per_minute": 2})
    assert strict.trusted_proxies == []
    organization = await create_organization(session_maker)
    async with production_api(strict, embedder) as client:
        responses = await _new_visitors_from(client, organization.public_key, ADDRESSES)
        await client.post(
            "/api/widget/events",
            json=_batch(1),
            headers={"x-perceptron-key": organization.public_key, "x-forwarded-for": "1.2.3.4"},
        )
    assert [r.status_code for r in responses] == [201, 201, 429]
    async with org_session(session_maker, organization.id) as session:
        recorded = (await session.exec(select(WidgetEvent.ip_address))).all()
    assert recorded == ["127.0.0.1"]


async def test_a_configured_proxy_is_believed_about_the_client_address(
    settings: Settings, session_maker: SessionMaker, embedder: LocalMiniLMEmbedder
) -> None:
    behind_proxy = settings.model_copy(
        update={"new_visitors_per_minute": 2, "trusted_proxies": ["127.0.0.0/8"]}
    )
    organization = await create_organization(session_maker)
    async with production_api(behind_proxy, embedder) as client:
        responses = await _new_visitors_from(client, organization.public_key, ADDRESSES)
        again = await _new_visitors_from(client, organization.public_key, [ADDRESSES[0]] * 2)
        await client.post(
            "/api/widget/events",
            json=_batch(1),
            headers={
                "x-perceptron-key": organization.public_key,
                # A client's own X-Forwarded-For, to which the proxy appended the real peer.
                "x-forwarded-for": "10.9.9.9, 198.51.100.7",
            },
        )
    assert [r.status_code for r in responses] == [201, 201, 201]
    assert [r.status_code for r in again] == [201, 429], "each client address has its budget"
    async with org_session(session_maker, organization.id) as session:
        recorded = (await session.exec(select(WidgetEvent.ip_address))).all()
    assert recorded == ["198.51.100.7"]
