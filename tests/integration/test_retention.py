"""Retention end to end: the sweep workflow on the dev server against real PostgreSQL, real
conversation workflows whose histories it deletes, and the daily Temporal Schedule."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, update
from sqlmodel import col, select
from temporalio.client import (
    Client,
    ScheduleActionExecutionStartWorkflow,
    ScheduleActionStartWorkflow,
    ScheduleOverlapPolicy,
    ScheduleRange,
)
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import ActivityEnvironment

from activities.retention import OrganizationRetention, RetentionActivities, SweepOrganization
from core.db import SessionMaker, org_session
from core.encryption import DataKeys
from core.ids import RETENTION_SCHEDULE_ID, contact_erasure_id, conversation_workflow_id
from core.models import (
    Call,
    Contact,
    Conversation,
    ConversationNote,
    DeliveryStatus,
    Message,
    Organization,
    PrivacyRequest,
    PrivacyRequestKind,
    PrivacyRequestStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WidgetEvent,
)
from core.settings import Settings
from core.storage import create_storage, recording_key
from services.conversations import Conversations
from services.retention import ensure_retention_schedule, prepare_retention_schedule
from tests.factories import create_organization
from tests.integration.call_helpers import record_call
from tests.integration.knowledge_helpers import record_history
from tests.integration.webhook_helpers import add_endpoint
from tests.integration.webhook_helpers import add_event as add_webhook_event
from workflows.retention_sweep import RetentionSweepInput, RetentionSweepWorkflow, RetentionTotals

NOW = datetime.now(UTC)


async def organization_with(maker: SessionMaker, **privacy: Any) -> uuid.UUID:
    organization = await create_organization(maker, "Retention Co")
    if privacy:
        async with org_session(maker, organization.id) as session:
            stored = (await session.exec(select(Organization))).one()
            stored.settings = {"privacy": privacy}
            session.add(stored)
    return organization.id


async def add_event(maker: SessionMaker, org_id: uuid.UUID, age: timedelta) -> uuid.UUID:
    async with org_session(maker, org_id) as session:
        event = WidgetEvent(
            org_id=org_id,
            type="page_view",
            page_url="https://shop.example/",
            browser="Firefox",
            ip_address="198.51.100.23",
            created_at=datetime.now(UTC) - age,
        )
        session.add(event)
    return event.id


async def ips(maker: SessionMaker, org_id: uuid.UUID) -> dict[uuid.UUID, str | None]:
    async with org_session(maker, org_id) as session:
        events = (await session.exec(select(WidgetEvent))).all()
    return {event.id: event.ip_address for event in events}


async def run_sweep(
    client: Client, settings: Settings, name: str | None = None, page_size: int = 100
) -> RetentionTotals:
    workflow_id = f"retention-sweep-test-{uuid.uuid4()}"
    totals = await client.execute_workflow(
        RetentionSweepWorkflow.run,
        RetentionSweepInput(page_size=page_size),
        id=workflow_id,
        task_queue=settings.temporal.task_queues.privacy,
    )
    if name:
        await record_history(client, workflow_id, name)
    return totals


async def test_ips_older_than_each_organizations_setting_are_removed(
    worker: None, settings: Settings, session_maker: SessionMaker, temporal_client: Client
) -> None:
    short = await organization_with(session_maker, ip_retention_days=10)
    old = await add_event(session_maker, short, timedelta(days=20))
    recent = await add_event(session_maker, short, timedelta(days=5))
    longer = await organization_with(session_maker, ip_retention_days=60)
    kept_elsewhere = await add_event(session_maker, longer, timedelta(days=20))
    default = await organization_with(session_maker)  # 30 days
    default_old = await add_event(session_maker, default, timedelta(days=31))
    default_recent = await add_event(session_maker, default, timedelta(days=29))
    immediate = await organization_with(session_maker, ip_retention_days=0)
    fresh = await add_event(session_maker, immediate, timedelta(seconds=1))

    # Pages of two organizations: the sweep continues-as-new between pages.
    totals = await run_sweep(temporal_client, settings, "retention_sweep", page_size=2)

    assert totals.organizations == 4
    assert totals.ips_removed == 3
    assert await ips(session_maker, short) == {old: None, recent: "198.51.100.23"}
    assert await ips(session_maker, longer) == {kept_elsewhere: "198.51.100.23"}
    assert await ips(session_maker, default) == {default_old: None, default_recent: "198.51.100.23"}
    assert await ips(session_maker, immediate) == {fresh: None}
    # The rest of each event is untouched, and a second sweep finds nothing left to do.
    async with org_session(session_maker, short) as session:
        event = await session.get(WidgetEvent, old)
    assert event is not None
    assert event.browser == "Firefox"
    again = await run_sweep(temporal_client, settings)
    assert again.ips_removed == 0


async def start_conversation(
    conversations: Conversations,
    maker: SessionMaker,
    org_id: uuid.UUID,
    age: timedelta,
) -> uuid.UUID:
    """A real conversation: a row, a running workflow with one stored message, a call, a
    widget event and a private note; then aged."""
    async with org_session(maker, org_id) as session:
        contact = Contact(org_id=org_id, name="Visitor")
        session.add(contact)
    conversation = await conversations.start(org_id, contact.id)
    await conversations.post(org_id, conversation.id, "Where is my order?", uuid.uuid4())
    # Let the agent's answer land first: it touches the conversation's timestamps.
    deadline = time.monotonic() + 20
    while len(await conversations.messages(org_id, conversation.id)) < 2:
        assert time.monotonic() < deadline, "the agent did not answer"
        await asyncio.sleep(0.1)
    async with org_session(maker, org_id) as session:
        session.add(Call(org_id=org_id, conversation_id=conversation.id, contact_id=contact.id))
        session.add(WidgetEvent(org_id=org_id, conversation_id=conversation.id, type="chat_opened"))
        session.add(
            ConversationNote(org_id=org_id, conversation_id=conversation.id, content="A note")
        )
        then = datetime.now(UTC) - age
        await session.exec(
            update(Conversation)
            .where(col(Conversation.id) == conversation.id)
            .values(created_at=then, updated_at=then, last_message_at=then)
        )
    return conversation.id


async def history_exists(client: Client, workflow_id: str) -> bool:
    try:
        await client.get_workflow_handle(workflow_id).describe()
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True


async def wait_until_deleted(client: Client, workflow_id: str, within: float = 20.0) -> None:
    """Temporal deletes a history asynchronously, a moment after the request."""
    deadline = time.monotonic() + within
    while await history_exists(client, workflow_id):
        if time.monotonic() > deadline:
            raise AssertionError(f"{workflow_id} still has a history")
        await asyncio.sleep(0.2)


async def rows(maker: SessionMaker, org_id: uuid.UUID, model: Any, conversation: uuid.UUID) -> int:
    async with org_session(maker, org_id) as session:
        count: int = (
            await session.exec(
                select(func.count()).select_from(model).where(model.conversation_id == conversation)
            )
        ).one()
    return count


async def test_conversation_retention_deletes_old_conversations_and_their_histories(
    conversation_worker: None,
    settings: Settings,
    session_maker: SessionMaker,
    temporal_client: Client,
) -> None:
    conversations = Conversations(session_maker, temporal_client, settings)
    limited = await organization_with(session_maker, conversation_retention_days=30)
    old = await start_conversation(conversations, session_maker, limited, timedelta(days=45))
    recent = await start_conversation(conversations, session_maker, limited, timedelta(days=3))
    unlimited = await organization_with(session_maker)  # kept while the account is active
    ancient = await start_conversation(conversations, session_maker, unlimited, timedelta(days=400))
    old_id = conversation_workflow_id(limited, old)
    assert await history_exists(temporal_client, old_id)
    # Every conversation's call was recorded.
    storage = create_storage(settings)
    recordings = {}
    for org_id, conversation_id in ((limited, old), (limited, recent), (unlimited, ancient)):
        call_id = await call_of(session_maker, org_id, conversation_id)
        await record_call(storage, session_maker, org_id, call_id)
        recordings[conversation_id] = recording_key(org_id, call_id)

    totals = await run_sweep(temporal_client, settings)

    assert totals.conversations_deleted == 1
    assert totals.histories_deleted == 1
    assert totals.recordings_deleted == 1
    assert not await storage.exists(recordings[old])
    assert await storage.exists(recordings[recent])
    assert await storage.exists(recordings[ancient])
    async with org_session(session_maker, limited) as session:
        assert await session.get(Conversation, old) is None
        assert await session.get(Conversation, recent) is not None
    for model, each in ((Message, 2), (ConversationNote, 1), (Call, 1), (WidgetEvent, 1)):
        assert await rows(session_maker, limited, model, old) == 0
        assert await rows(session_maker, limited, model, recent) == each
        assert await rows(session_maker, unlimited, model, ancient) == each
    await wait_until_deleted(temporal_client, old_id)
    assert await history_exists(temporal_client, conversation_workflow_id(limited, recent))
    assert await history_exists(temporal_client, conversation_workflow_id(unlimited, ancient))
    async with org_session(session_maker, unlimited) as session:
        assert await session.get(Conversation, ancient) is not None
    again = await run_sweep(temporal_client, settings)
    assert again.conversations_deleted == 0
    assert again.recordings_deleted == 0


async def call_of(maker: SessionMaker, org_id: uuid.UUID, conversation_id: uuid.UUID) -> uuid.UUID:
    async with org_session(maker, org_id) as session:
        return (
            await session.exec(select(Call.id).where(Call.conversation_id == conversation_id))
        ).one()


@pytest.fixture
async def retention_schedule(temporal_client: Client) -> AsyncIterator[None]:
    """The schedule id is the platform's one; remove it after the test."""
    yield
    try:
        await temporal_client.get_schedule_handle(RETENTION_SCHEDULE_ID).delete()
    except RPCError as error:
        if error.status != RPCStatusCode.NOT_FOUND:
            raise


async def test_retention_schedule_is_daily_idempotent_and_runs_the_sweep(
    worker: None,
    retention_schedule: None,
    settings: Settings,
    session_maker: SessionMaker,
    temporal_client: Client,
) -> None:
    org_id = await organization_with(session_maker, ip_retention_days=1)
    event = await add_event(session_maker, org_id, timedelta(days=2))

    await ensure_retention_schedule(temporal_client, settings)
    handle = temporal_client.get_schedule_handle(RETENTION_SCHEDULE_ID)
    description = await handle.describe()
    schedule = description.schedule
    calendar = schedule.spec.calendars[0]
    assert list(calendar.hour) == [ScheduleRange(settings.retention_sweep_hour_utc)]
    assert list(calendar.minute) == [ScheduleRange(0)]
    assert schedule.spec.time_zone_name == "UTC"
    assert schedule.policy.overlap is ScheduleOverlapPolicy.SKIP
    action = schedule.action
    assert isinstance(action, ScheduleActionStartWorkflow)
    assert action.workflow == "RetentionSweepWorkflow"
    assert action.task_queue == settings.temporal.task_queues.privacy
    assert action.id == RETENTION_SCHEDULE_ID
    next_run = description.info.next_action_times[0]
    assert (next_run.hour, next_run.minute) == (settings.retention_sweep_hour_utc, 0)

    # Idempotent: a second call (here with another hour) updates the one schedule.
    moved = settings.model_copy(update={"retention_sweep_hour_utc": 17})
    await ensure_retention_schedule(temporal_client, moved)
    await prepare_retention_schedule(moved)  # as `perceptron up` and temporal-setup call it
    listed = [
        listing.id
        async for listing in await temporal_client.list_schedules()
        if listing.id == RETENTION_SCHEDULE_ID
    ]
    assert listed == [RETENTION_SCHEDULE_ID]
    calendar = (await handle.describe()).schedule.spec.calendars[0]
    assert list(calendar.hour) == [ScheduleRange(17)]

    await handle.trigger()
    deadline = time.monotonic() + 20
    while not (recent := (await handle.describe()).info.recent_actions):
        assert time.monotonic() < deadline, "the schedule did not start the sweep"
        await asyncio.sleep(0.2)
    started = recent[0].action
    assert isinstance(started, ScheduleActionExecutionStartWorkflow)
    assert started.workflow_id.startswith(RETENTION_SCHEDULE_ID)
    totals = await temporal_client.get_workflow_handle(
        started.workflow_id, run_id=started.first_execution_run_id, result_type=RetentionTotals
    ).result()
    assert totals.organizations == 1
    assert totals.ips_removed == 1
    assert await ips(session_maker, org_id) == {event: None}


async def test_the_sweep_restarts_an_erasure_left_without_its_workflow(
    worker: None, temporal_client: Client, settings: Settings, session_maker: SessionMaker
) -> None:
    """An erasure request whose workflow never started (a crash between its row and its
    start) is started by the next daily sweep and erases the contact; a fresh one is left
    to its own request."""
    org_id = await organization_with(session_maker)
    async with org_session(session_maker, org_id) as session:
        stalled_contact = Contact(org_id=org_id, name="Stalled")
        fresh_contact = Contact(org_id=org_id, name="Fresh")
        session.add_all([stalled_contact, fresh_contact])
        await session.flush()
        stalled = PrivacyRequest(
            org_id=org_id,
            kind=PrivacyRequestKind.CONTACT_ERASURE,
            status=PrivacyRequestStatus.PENDING,
            contact_id=stalled_contact.id,
            created_at=NOW - timedelta(hours=1),
        )
        fresh = PrivacyRequest(
            org_id=org_id,
            kind=PrivacyRequestKind.CONTACT_ERASURE,
            status=PrivacyRequestStatus.PENDING,
            contact_id=fresh_contact.id,
        )
        session.add_all([stalled, fresh])

    totals = await run_sweep(temporal_client, settings)
    assert totals.erasures_resumed == 1

    erasure = temporal_client.get_workflow_handle(contact_erasure_id(org_id, stalled.id))
    await erasure.result()
    async with org_session(session_maker, org_id) as session:
        done = await session.get(PrivacyRequest, stalled.id)
        waiting = await session.get(PrivacyRequest, fresh.id)
        remaining = {contact.name for contact in (await session.exec(select(Contact))).all()}
    assert done is not None
    assert done.status is PrivacyRequestStatus.COMPLETED
    assert waiting is not None
    assert waiting.status is PrivacyRequestStatus.PENDING
    assert remaining == {"Fresh"}
    # A second sweep finds nothing left to restart: the completed one is never run again.
    assert (await run_sweep(temporal_client, settings)).erasures_resumed == 0


async def webhook_delivery(
    maker: SessionMaker,
    endpoint: WebhookEndpoint,
    event: WebhookEvent,
    age: timedelta,
    replay_of: uuid.UUID | None = None,
) -> uuid.UUID:
    async with org_session(maker, endpoint.org_id) as session:
        delivery = WebhookDelivery(
            org_id=endpoint.org_id,
            endpoint_id=endpoint.id,
            event_id=event.id,
            event_type=event.type,
            status=DeliveryStatus.SUCCEEDED,
            workflow_id=f"webhook-test-{uuid.uuid4()}",
            replay_of=replay_of,
            created_at=datetime.now(UTC) - age,
        )
        session.add(delivery)
    return delivery.id


async def webhook_event(
    maker: SessionMaker, org_id: uuid.UUID, age: timedelta, *, dispatched: bool = True
) -> WebhookEvent:
    event = await add_webhook_event(maker, org_id, "document.ready", datetime.now(UTC) - age)
    if dispatched:
        async with org_session(maker, org_id) as session:
            await session.exec(
                update(WebhookEvent)
                .where(col(WebhookEvent.id) == event.id)
                .values(dispatched_at=event.created_at)
            )
    return event


async def webhook_rows(maker: SessionMaker, org_id: uuid.UUID) -> tuple[set[Any], set[Any]]:
    async with org_session(maker, org_id) as session:
        events = set((await session.exec(select(WebhookEvent.id))).all())
        deliveries = set((await session.exec(select(WebhookDelivery.id))).all())
    return events, deliveries


async def test_the_webhook_delivery_log_is_kept_for_the_retention_period(
    worker: None,
    settings: Settings,
    session_maker: SessionMaker,
    temporal_client: Client,
    keyring: DataKeys,
) -> None:
    assert settings.webhook_log_retention_days == 30
    org_id = await organization_with(session_maker)
    endpoint = await add_endpoint(session_maker, keyring, org_id, ["document.ready"])
    days = timedelta(days=1)
    old = await webhook_event(session_maker, org_id, 40 * days)
    for _ in range(3):
        await webhook_delivery(session_maker, endpoint, old, 40 * days)
    replayed = await webhook_event(session_maker, org_id, 40 * days)
    first_try = await webhook_delivery(session_maker, endpoint, replayed, 40 * days)
    replay = await webhook_delivery(session_maker, endpoint, replayed, 2 * days, first_try)
    recent = await webhook_event(session_maker, org_id, 5 * days)
    recent_delivery = await webhook_delivery(session_maker, endpoint, recent, 5 * days)
    waiting = await webhook_event(session_maker, org_id, 40 * days, dispatched=False)
    # Rotated secrets: one past its overlap, one in it.
    rotated = await add_endpoint(session_maker, keyring, org_id, ["document.ready"])
    overlapping = await add_endpoint(session_maker, keyring, org_id, ["document.ready"])
    for row, expires in ((rotated, -days), (overlapping, days)):
        async with org_session(session_maker, org_id) as session:
            await session.exec(
                update(WebhookEndpoint)
                .where(col(WebhookEndpoint.id) == row.id)
                .values(
                    previous_sealed_secret=row.sealed_secret,
                    previous_key_id=row.key_id,
                    previous_secret_expires_at=datetime.now(UTC) + expires,
                )
            )

    totals = await run_sweep(temporal_client, settings)

    assert totals.webhook_deliveries_deleted == 4
    assert totals.webhook_events_deleted == 1
    assert totals.webhook_secrets_forgotten == 1
    async with org_session(session_maker, org_id) as session:
        previous = dict(
            (
                await session.exec(
                    select(WebhookEndpoint.id, WebhookEndpoint.previous_sealed_secret)
                )
            ).all()
        )
    assert previous == {
        endpoint.id: None,
        rotated.id: None,
        overlapping.id: overlapping.sealed_secret,
    }
    # A recent replay keeps the event it sends; an event not yet dispatched stays to go out.
    assert await webhook_rows(session_maker, org_id) == (
        {replayed.id, recent.id, waiting.id},
        {replay, recent_delivery},
    )
    again = await run_sweep(temporal_client, settings)
    assert (again.webhook_deliveries_deleted, again.webhook_events_deleted) == (0, 0)

    # A shorter period, deleted in batches of one.
    activities = RetentionActivities(
        session_maker,
        temporal_client,
        create_storage(settings),
        webhook_log_retention_days=3,
        webhook_batch=1,
    )
    counts = await ActivityEnvironment().run(
        activities.sweep_organization,
        SweepOrganization(
            retention=OrganizationRetention(org_id, 30, None), as_of=datetime.now(UTC)
        ),
    )
    assert (counts.webhook_deliveries_deleted, counts.webhook_events_deleted) == (1, 1)
    assert await webhook_rows(session_maker, org_id) == ({replayed.id, waiting.id}, {replay})
