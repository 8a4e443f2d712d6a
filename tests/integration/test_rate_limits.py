"""Rate limits live in PostgreSQL: every API process spends the same budget, a burst from
many requests at once takes exactly the limit, several limits on one request are taken all or
none, and the table never holds the address or visitor it limits."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import text

from agents.providers.embeddings import LocalMiniLMEmbedder
from api.rate_limit import RateLimits, check_all
from core.db import SessionMaker, create_engine
from core.ports import free_port
from core.settings import Settings
from tests.conftest import serve
from tests.factories import create_organization

ADDRESS = "203.0.113.9"


async def test_two_api_processes_spend_one_budget(
    settings: Settings, session_maker: SessionMaker, embedder: LocalMiniLMEmbedder
) -> None:
    strict = settings.model_copy(update={"new_visitors_per_minute": 3})
    other = strict.model_copy(update={"api_port": free_port()})
    organization = await create_organization(session_maker)
    keyed = {"x-perceptron-key": organization.public_key}
    async with (
        serve(strict, embedder) as first,
        serve(other, embedder) as second,
        first.client() as one,
        second.client() as two,
    ):
        answers = [
            (await client.post("/api/widget/visitors", json={}, headers=keyed)).status_code
            for client in (one, two, one, two, two)
        ]
    assert answers == [201, 201, 201, 429, 429], "the second process saw the first's visitors"


async def test_a_burst_from_many_connections_takes_exactly_the_limit(settings: Settings) -> None:
    engine = create_engine(settings.resolved_database_url, pool_size=10)
    try:
        limiter = RateLimits(engine, "a secret of this test").limiter("burst", 10, 60.0)
        waits = await asyncio.gather(*(limiter.check(ADDRESS) for _ in range(40)))
    finally:
        await engine.dispose()
    assert waits.count(None) == 10
    refused = [wait for wait in waits if wait is not None]
    assert len(refused) == 30
    assert all(1 <= wait <= 60 for wait in refused)


async def test_several_limits_are_taken_all_or_none(settings: Settings) -> None:
    engine = create_engine(settings.resolved_database_url, pool_size=2)
    try:
        store = RateLimits(engine, "a secret of this test")
        visitor = store.limiter("visitor", 2, 60.0)
        address = store.limiter("address", 5, 60.0)
        assert await visitor.check("ada", cost=2) is None
        wait = await check_all((visitor, "ada"), (address, ADDRESS))
        assert wait is not None, "ada's own budget is spent"
        assert wait >= 1
        # The address's budget was not touched by the refused request: all 5 remain.
        assert await address.check(ADDRESS, cost=5) is None
        assert await address.check(ADDRESS) is not None
        # More than a whole window at once is never allowed, and takes nothing.
        assert await visitor.check("bob", cost=3) == 60
        assert await visitor.check("bob", cost=2) is None
    finally:
        await engine.dispose()


async def test_the_budget_comes_back_at_the_limits_rate(settings: Settings) -> None:
    engine = create_engine(settings.resolved_database_url, pool_size=2)
    try:
        limiter = RateLimits(engine, "a secret of this test").limiter("rate", 4, 2.0)
        assert [await limiter.check(ADDRESS) for _ in range(5)][-1] == 1
        await asyncio.sleep(0.6)  # one hit's share of the window (0.5 s) has passed
        assert await limiter.check(ADDRESS) is None
        assert await limiter.check(ADDRESS) is not None
    finally:
        await engine.dispose()


async def test_the_table_never_holds_the_address_or_the_visitor(
    settings: Settings, session_maker: SessionMaker, embedder: LocalMiniLMEmbedder
) -> None:
    organization = await create_organization(session_maker)
    async with serve(settings, embedder) as running, running.client() as client:
        visitor = await client.post(
            "/api/widget/visitors", json={}, headers={"x-perceptron-key": organization.public_key}
        )
        assert visitor.status_code == 201
        contact_id = visitor.json()["contact_id"]
        token = visitor.json()["visitor_token"]
        started = await client.post(
            "/api/widget/conversations",
            json={},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert started.status_code == 201, started.text
    engine = create_engine(settings.resolved_database_url, pool_size=1)
    try:
        async with engine.connect() as connection:
            keys = (await connection.execute(text("SELECT key FROM rate_limit_buckets"))).all()
    finally:
        await engine.dispose()
    assert len(keys) >= 3, "visitors per address, conversations per visitor and per address"
    stored = b"".join(bytes(key) for (key,) in keys)
    for needle in ("127.0.0.1", contact_id, str(organization.id)):
        assert needle.encode() not in stored
    assert all(len(bytes(key)) == 32 for (key,) in keys)


async def test_a_refused_request_says_when_to_come_back(
    settings: Settings, session_maker: SessionMaker, embedder: LocalMiniLMEmbedder
) -> None:
    strict = settings.model_copy(update={"new_visitors_per_minute": 1})
    organization = await create_organization(session_maker)
    keyed = {"x-perceptron-key": organization.public_key}
    async with serve(strict, embedder) as running, running.client() as client:
        answers: list[httpx.Response] = [
            await client.post("/api/widget/visitors", json={}, headers=keyed) for _ in range(2)
        ]
    assert [answer.status_code for answer in answers] == [201, 429]
    assert 1 <= int(answers[1].headers["retry-after"]) <= 60
