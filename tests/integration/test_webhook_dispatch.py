"""The webhook dispatcher against real PostgreSQL: it wakes on NOTIFY (and only slowly polls
for a notification missed), several of them never dispatch one event twice, and a batch
costs one endpoint query whatever its size.

No API runs here: the dispatchers are the test's own, one per simulated API process, each
with its own engine and LISTEN connection; the worker delivers to a local receiver.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any, cast

import psycopg
import pytest
from sqlalchemy import event as sa_event
from sqlmodel import col, select
from temporalio.client import Client

from core.db import SessionMaker, create_engine, create_session_maker, org_session, platform_session
from core.encryption import DataKeys
from core.event_hub import EventHub
from core.models import WebhookDelivery, WebhookEvent
from core.settings import Settings
from core.webhooks import CHANNEL, DOCUMENT_READY, record_event
from services.webhooks import dispatch_loop, dispatch_pending
from tests.factories import create_organization
from tests.integration.webhook_helpers import (
    Receiver,
    add_endpoint,
    add_event,
    eventually,
    serve_receiver,
)

pytestmark = pytest.mark.usefixtures("conversation_worker")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"webhook_dispatch_fallback_seconds": 3600.0})


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with serve_receiver() as found:
        yield found


class RecordedStarts:
    """Stands in for the Temporal client: counts the workflow starts asked for; with
    ``hold`` set, each start waits until ``release`` is set (then starts nothing)."""

    def __init__(self, *, hold: bool = False) -> None:
        self.ids: list[str] = []
        self.entered = asyncio.Event()
        self.release = asyncio.Event()
        if not hold:
            self.release.set()

    async def start_workflow(self, *_: Any, id: str, **__: Any) -> None:
        self.ids.append(id)
        self.entered.set()
        await self.release.wait()

    @property
    def client(self) -> Client:
        return cast(Client, self)


@contextlib.asynccontextmanager
async def api_process(
    settings: Settings, temporal: Client, *, listening: bool = True
) -> AsyncIterator[SessionMaker]:
    """What one API process runs for webhooks: an engine, a LISTEN connection (unless
    ``listening`` is off: every notification is missed) and the dispatch loop."""
    engine = create_engine(settings.resolved_database_url, pool_size=2)
    maker = create_session_maker(engine)
    hub = EventHub(settings.resolved_database_url, channels=(CHANNEL,))
    if listening:
        await hub.start()
    loop = asyncio.create_task(dispatch_loop(maker, temporal, settings, hub))
    try:
        yield maker
    finally:
        loop.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await loop
        await hub.stop()
        await engine.dispose()


async def record(maker: SessionMaker, org_id: uuid.UUID, count: int = 1) -> list[uuid.UUID]:
    """``count`` document.ready events recorded in one transaction, as the product does."""
    recorded: list[uuid.UUID] = []
    async with org_session(maker, org_id) as session:
        for _ in range(count):
            event_id = await record_event(
                session, org_id, DOCUMENT_READY, {"document_id": str(uuid.uuid4())}
            )
            assert event_id is not None
            recorded.append(event_id)
    return recorded


async def undispatched(maker: SessionMaker) -> int:
    async with platform_session(maker) as session:
        rows = await session.exec(
            select(WebhookEvent.id).where(col(WebhookEvent.dispatched_at).is_(None))
        )
        return len(rows.all())


async def all_deliveries(maker: SessionMaker) -> list[WebhookDelivery]:
    async with platform_session(maker) as session:
        return list((await session.exec(select(WebhookDelivery))).all())


async def test_record_event_notifies_the_dispatchers_when_its_transaction_commits(
    settings: Settings, session_maker: SessionMaker, keyring: DataKeys
) -> None:
    org_id = (await create_organization(session_maker)).id
    await add_endpoint(session_maker, keyring, org_id, [DOCUMENT_READY])
    dsn = settings.resolved_database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as listener:
        await listener.execute(f"LISTEN {CHANNEL}")

        async def heard() -> list[str]:
            return [n.channel async for n in listener.notifies(timeout=0.5)]

        with contextlib.suppress(RuntimeError):
            async with org_session(session_maker, org_id) as session:
                await record_event(session, org_id, DOCUMENT_READY, {"document_id": "a"})
                assert await heard() == []  # not before the commit
                raise RuntimeError("rolled back")
        assert await heard() == []  # a change that never happened wakes nobody
        await record(session_maker, org_id, count=3)
        assert await heard() == [CHANNEL]  # one per transaction
        async with org_session(session_maker, org_id) as session:  # nobody subscribes
            assert await record_event(session, org_id, "call.ended", {"call_id": "c"}) is None
        assert await heard() == []


async def test_the_dispatcher_wakes_on_notify_and_polls_slowly_for_a_missed_one(
    settings: Settings, session_maker: SessionMaker, keyring: DataKeys
) -> None:
    org_id = (await create_organization(session_maker)).id
    await add_endpoint(session_maker, keyring, org_id, [DOCUMENT_READY])
    starts = RecordedStarts()
    # Polling every hour: only the notification can wake it in time.
    async with api_process(settings, starts.client):
        await record(session_maker, org_id)
        await eventually(lambda: _none_left(session_maker), within=10)
    assert len(starts.ids) == 1

    # A process that hears nothing (its LISTEN connection is down) still dispatches, on
    # its slow poll.
    polling = settings.model_copy(update={"webhook_dispatch_fallback_seconds": 2.0})
    async with api_process(polling, starts.client, listening=False):
        await asyncio.sleep(0.5)  # its first round has run: nothing to do then
        await add_event(session_maker, org_id, DOCUMENT_READY)
        assert await undispatched(session_maker) == 1
        await eventually(lambda: _none_left(session_maker), within=10)
    assert len(starts.ids) == 2


async def _none_left(maker: SessionMaker) -> bool:
    return await undispatched(maker) == 0


async def test_a_batch_being_dispatched_is_skipped_by_every_other_dispatcher(
    settings: Settings, session_maker: SessionMaker, keyring: DataKeys
) -> None:
    """Between committing its deliveries and marking its events, a dispatcher still holds
    the events: another one that runs meanwhile finds nothing, and starts nothing."""
    org_id = (await create_organization(session_maker)).id
    await add_endpoint(session_maker, keyring, org_id, [DOCUMENT_READY])
    await add_event(session_maker, org_id, DOCUMENT_READY)
    held = RecordedStarts(hold=True)
    first = asyncio.create_task(dispatch_pending(session_maker, held.client, settings))
    await asyncio.wait_for(held.entered.wait(), 10)
    assert len(await all_deliveries(session_maker)) == 1  # committed before the start

    other = RecordedStarts()
    assert await dispatch_pending(session_maker, other.client, settings) == 0
    assert other.ids == []

    held.release.set()
    assert await first == 1
    assert await undispatched(session_maker) == 0
    assert len(held.ids) == 1


async def test_several_api_processes_deliver_each_event_exactly_once(
    settings: Settings,
    session_maker: SessionMaker,
    keyring: DataKeys,
    temporal_client: Client,
    receiver: Receiver,
) -> None:
    org_id = (await create_organization(session_maker)).id
    await add_endpoint(session_maker, keyring, org_id, [DOCUMENT_READY], receiver.url)
    async with contextlib.AsyncExitStack() as processes:
        for _ in range(3):
            await processes.enter_async_context(api_process(settings, temporal_client))
        # Every process wakes on every notification; they race for the same rows.
        batches = await asyncio.gather(*(record(session_maker, org_id, 5) for _ in range(6)))
        recorded = {event_id for batch in batches for event_id in batch}

        async def all_received() -> bool:
            return len(receiver.received) >= len(recorded)

        await eventually(all_received)
        await asyncio.sleep(1.0)  # a second delivery of anything would arrive by now
    received = [uuid.UUID(r.event["id"]) for r in receiver.received]
    assert sorted(received) == sorted(recorded)  # each once
    deliveries = await all_deliveries(session_maker)
    assert sorted(d.event_id for d in deliveries) == sorted(recorded)
    assert {d.status for d in deliveries} == {"succeeded"}
    assert await undispatched(session_maker) == 0


async def test_a_batch_takes_one_endpoint_query_and_each_event_only_its_organizations(
    settings: Settings, keyring: DataKeys
) -> None:
    engine = create_engine(settings.resolved_database_url, pool_size=2)
    maker = create_session_maker(engine)
    statements: list[str] = []

    def seen(_: Any, __: Any, statement: str, *___: Any) -> None:
        statements.append(statement)

    try:
        acme = (await create_organization(maker, "Acme")).id
        globex = (await create_organization(maker, "Globex")).id
        acme_docs = await add_endpoint(maker, keyring, acme, [DOCUMENT_READY, "call.ended"])
        acme_calls = await add_endpoint(maker, keyring, acme, ["call.ended"])
        await add_endpoint(maker, keyring, acme, [DOCUMENT_READY], enabled=False)
        globex_docs = await add_endpoint(maker, keyring, globex, [DOCUMENT_READY])
        events = [await add_event(maker, acme, DOCUMENT_READY) for _ in range(8)]
        events += [await add_event(maker, globex, DOCUMENT_READY) for _ in range(4)]
        events += [await add_event(maker, acme, "call.ended") for _ in range(2)]
        starts = RecordedStarts()
        sa_event.listen(engine.sync_engine, "before_cursor_execute", seen)
        try:
            assert await dispatch_pending(maker, starts.client, settings) == len(events)
        finally:
            sa_event.remove(engine.sync_engine, "before_cursor_execute", seen)
        deliveries = await all_deliveries(maker)
    finally:
        await engine.dispose()
    endpoint_queries = [s for s in statements if "FROM webhook_endpoints" in s]
    assert len(endpoint_queries) == 1
    inserts = [s for s in statements if s.startswith("INSERT INTO webhook_deliveries")]
    assert len(inserts) == 1
    by_event = {e.id: e for e in events}
    pairs = sorted((by_event[d.event_id].type, d.org_id, d.endpoint_id) for d in deliveries)
    assert pairs == sorted(
        [(DOCUMENT_READY, acme, acme_docs.id)] * 8
        + [(DOCUMENT_READY, globex, globex_docs.id)] * 4
        + [("call.ended", acme, acme_docs.id), ("call.ended", acme, acme_calls.id)] * 2
    )
    assert all(d.org_id == by_event[d.event_id].org_id for d in deliveries)
    assert len(starts.ids) == len(deliveries) == len(set(starts.ids))
