"""Webhooks: the endpoints an organization registers, their delivery log, replays, and the
dispatcher that turns outbox rows into delivery workflows.

How an event gets out (see ``core.webhooks`` for why an outbox): the domain change writes a
``webhook_events`` row in its own transaction and notifies ``webhook_events``;
:func:`dispatch_loop`, which every API process runs, wakes on that notification (and polls
slowly in case one is missed), takes undispatched rows and holds them locked (``FOR NO KEY
UPDATE SKIP LOCKED``: another process skips them) until the round ends. It commits one
delivery per enabled endpoint of the event's organization that subscribes to the type, with
an id derived from the event and the endpoint; then it starts each delivery's workflow under
an id derived from that (never reused: ``REJECT_DUPLICATE``), and only then marks the rows
dispatched. A process that dies halfway leaves the rows undispatched (its lock dies with its
connection); the next round writes the same deliveries (``ON CONFLICT DO NOTHING``) and
finds their workflows started already, so nothing is delivered twice. A replay is a new
delivery (its own id) of the same event.

Owners and admins manage endpoints (the routes check the role). Outside local mode a URL
that is not https, or whose address is on a private network or loopback, is refused here,
and again at delivery time (the address after DNS resolution: ``activities.webhooks``). A URL
with credentials in it is refused everywhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from agents.knowledge.web import FetchError, ensure_public_address
from core.cursors import decode_cursor, encode_cursor
from core.db import SessionMaker, org_session, platform_session
from core.encryption import DataKeys, seal
from core.event_hub import EventHub
from core.ids import search_attributes, webhook_delivery_id
from core.logging import get_logger
from core.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from core.settings import Settings
from core.text import unstorable
from core.webhooks import CHANNEL, EVENT_TYPES, new_secret
from services.accounts import Principal, audit_entry
from services.errors import RefusedError
from workflows.webhook_delivery import WebhookDeliveryInput, WebhookDeliveryWorkflow

log = get_logger(__name__)

MAX_URL = 2000
DISPATCH_BATCH = 100
DISPATCH_RETRY_SECONDS = 5.0
WORKFLOW_KIND = "webhook"
HTTPS_REQUIRED = "a webhook URL must start with https:// (http:// is accepted in local mode only)"


class WebhookError(RefusedError):
    """A webhook request refused: the HTTP status and a message for the caller."""


@dataclass(frozen=True)
class EndpointInput:
    url: str
    event_types: list[str]
    description: str = ""


@dataclass(frozen=True)
class EndpointChange:
    url: str | None = None
    event_types: list[str] | None = None
    description: str | None = None
    enabled: bool | None = None


@dataclass(frozen=True)
class CreatedEndpoint:
    endpoint: WebhookEndpoint
    secret: str  # shown once


@dataclass(frozen=True)
class DeliveryPage:
    deliveries: list[WebhookDelivery]
    next_cursor: str | None


class Webhooks:
    def __init__(
        self, session_maker: SessionMaker, temporal: Client, keyring: DataKeys, settings: Settings
    ) -> None:
        self._maker = session_maker
        self._temporal = temporal
        self._keyring = keyring
        self._settings = settings

    # Endpoints ----------------------------------------------------------------------------

    async def list_endpoints(self, org_id: uuid.UUID) -> list[WebhookEndpoint]:
        async with org_session(self._maker, org_id) as session:
            query = select(WebhookEndpoint).order_by(col(WebhookEndpoint.created_at))
            return list((await session.exec(query)).all())

    async def get_endpoint(self, org_id: uuid.UUID, endpoint_id: uuid.UUID) -> WebhookEndpoint:
        async with org_session(self._maker, org_id) as session:
            return await _endpoint(session, endpoint_id)

    async def create_endpoint(self, principal: Principal, body: EndpointInput) -> CreatedEndpoint:
        url = await self._checked_url(body.url)
        event_types = _checked_types(body.event_types)
        description = _checked_description(body.description)
        secret = new_secret()
        sealed, key_id = await self._seal(principal.org_id, secret)
        async with org_session(self._maker, principal.org_id) as session:
            endpoint = WebhookEndpoint(
                org_id=principal.org_id,
                url=url,
                description=description,
                event_types=event_types,
                sealed_secret=sealed,
                key_id=key_id,
                created_by=principal.member_id,
            )
            session.add(endpoint)
            await session.flush()
            session.add(
                audit_entry(principal, "webhook.endpoint_created", "webhook_endpoint", endpoint.id)
            )
        return CreatedEndpoint(endpoint, secret)

    async def update_endpoint(
        self, principal: Principal, endpoint_id: uuid.UUID, change: EndpointChange
    ) -> WebhookEndpoint:
        url = await self._checked_url(change.url) if change.url is not None else None
        async with org_session(self._maker, principal.org_id) as session:
            endpoint = await _endpoint(session, endpoint_id, lock=True)
            if url is not None:
                endpoint.url = url
            if change.event_types is not None:
                endpoint.event_types = _checked_types(change.event_types)
            if change.description is not None:
                endpoint.description = _checked_description(change.description)
            if change.enabled is not None and change.enabled != endpoint.enabled:
                endpoint.enabled = change.enabled
                endpoint.consecutive_failures = 0
                endpoint.disabled_reason = None if change.enabled else "disabled by a member"
            endpoint.updated_at = datetime.now(UTC)
            session.add(endpoint)
            session.add(
                audit_entry(principal, "webhook.endpoint_updated", "webhook_endpoint", endpoint.id)
            )
        return endpoint

    async def rotate_secret(self, principal: Principal, endpoint_id: uuid.UUID) -> CreatedEndpoint:
        """A new secret, shown once. The one it replaces goes on signing beside it for
        ``webhook_secret_overlap_hours`` (a second signature), so a receiver can switch
        without refusing a delivery; a secret replaced before, if any, stops at once."""
        secret = new_secret()
        sealed, key_id = await self._seal(principal.org_id, secret)
        now = datetime.now(UTC)
        overlap = timedelta(hours=self._settings.webhook_secret_overlap_hours)
        async with org_session(self._maker, principal.org_id) as session:
            endpoint = await _endpoint(session, endpoint_id, lock=True)
            _keep_previous(endpoint, now + overlap if overlap else None)
            endpoint.sealed_secret = sealed
            endpoint.key_id = key_id
            endpoint.updated_at = now
            session.add(endpoint)
            session.add(
                audit_entry(principal, "webhook.secret_rotated", "webhook_endpoint", endpoint.id)
            )
        return CreatedEndpoint(endpoint, secret)

    async def delete_endpoint(self, principal: Principal, endpoint_id: uuid.UUID) -> None:
        """The endpoint and its delivery log."""
        async with org_session(self._maker, principal.org_id) as session:
            endpoint = await _endpoint(session, endpoint_id, lock=True)
            await session.delete(endpoint)
            session.add(
                audit_entry(principal, "webhook.endpoint_deleted", "webhook_endpoint", endpoint_id)
            )

    # Deliveries ---------------------------------------------------------------------------

    async def deliveries(
        self, org_id: uuid.UUID, endpoint_id: uuid.UUID, limit: int, cursor: str | None
    ) -> DeliveryPage:
        """Newest first (created_at, id), keyset-paged."""
        query = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
        if cursor is not None:
            at, row_id = _decode_cursor(cursor)
            query = query.where(
                (col(WebhookDelivery.created_at) < at)
                | ((col(WebhookDelivery.created_at) == at) & (col(WebhookDelivery.id) < row_id))
            )
        query = query.order_by(
            col(WebhookDelivery.created_at).desc(), col(WebhookDelivery.id).desc()
        ).limit(limit + 1)
        async with org_session(self._maker, org_id) as session:
            await _endpoint(session, endpoint_id)
            rows = list((await session.exec(query)).all())
        more = len(rows) > limit
        rows = rows[:limit]
        last = rows[-1] if more and rows else None
        return DeliveryPage(rows, encode_cursor(last.created_at, last.id) if last else None)

    async def replay(
        self, principal: Principal, endpoint_id: uuid.UUID, delivery_id: uuid.UUID
    ) -> WebhookDelivery:
        """A new delivery of the same event to the same endpoint (same ``webhook-id``)."""
        async with org_session(self._maker, principal.org_id) as session:
            endpoint = await _endpoint(session, endpoint_id)
            original = await session.get(WebhookDelivery, delivery_id)
            if original is None or original.endpoint_id != endpoint_id:
                raise WebhookError(404, "no such delivery")
            if not endpoint.enabled:
                raise WebhookError(409, "the endpoint is disabled: enable it first")
            replay = _delivery(
                principal.org_id, endpoint_id, original.event_id, original.event_type, uuid.uuid4()
            )
            replay.replay_of = original.id
            session.add(replay)
            session.add(
                audit_entry(principal, "webhook.delivery_replayed", "webhook_delivery", original.id)
            )
        await start_delivery(self._temporal, self._settings, replay)
        return replay

    # Helpers ------------------------------------------------------------------------------

    async def _checked_url(self, url: str) -> str:
        return await checked_url(
            url,
            private_allowed=self._settings.private_urls_allowed,
            http_allowed=self._settings.is_local,
        )

    async def _seal(self, org_id: uuid.UUID, secret: str) -> tuple[bytes, str]:
        key = await self._keyring.for_organization(org_id)
        return seal(key.key, secret.encode(), org_id.bytes), key.key_id


async def checked_url(url: str, *, private_allowed: bool, http_allowed: bool) -> str:
    """An http(s) URL without credentials; outside local mode, https on a public address."""
    url = url.strip()
    if not url or len(url) > MAX_URL or unstorable(url) is not None:
        raise WebhookError(422, f"a URL is 1 to {MAX_URL} characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise WebhookError(422, "the URL cannot be read") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise WebhookError(422, "a webhook URL starts with https:// and a host")
    if parts.scheme == "http" and not http_allowed:
        raise WebhookError(422, HTTPS_REQUIRED)
    if parts.username is not None or parts.password is not None:
        raise WebhookError(
            422, "a webhook URL may not carry credentials: the signature is the proof"
        )
    if not private_allowed:
        try:
            await ensure_public_address(url)
        except FetchError as error:
            raise WebhookError(422, str(error)) from None
    return url


async def start_delivery(temporal: Client, settings: Settings, delivery: WebhookDelivery) -> None:
    """Start a delivery's workflow; one started already (a re-dispatch) is left alone."""
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await temporal.start_workflow(
            WebhookDeliveryWorkflow.run,
            WebhookDeliveryInput(
                org_id=delivery.org_id,
                delivery_id=delivery.id,
                initial_interval_seconds=settings.webhook_retry_initial_seconds,
                maximum_interval_seconds=settings.webhook_retry_maximum_seconds,
                window_seconds=settings.webhook_delivery_window_seconds,
                timeout_seconds=settings.webhook_timeout_seconds,
                disable_after_failures=settings.webhook_disable_after_failures,
            ),
            id=delivery.workflow_id,
            task_queue=settings.temporal.task_queues.webhooks,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=search_attributes(delivery.org_id, WORKFLOW_KIND),
        )


async def dispatch_pending(maker: SessionMaker, temporal: Client, settings: Settings) -> int:
    """One round of the dispatcher: returns the events dispatched.

    The events stay locked (``FOR NO KEY UPDATE SKIP LOCKED``) by this round's transaction
    until they are marked dispatched, so a dispatcher in another process skips them the whole
    time. The deliveries are committed meanwhile in a transaction of their own, before their
    workflows start (a workflow must find its row); the events are marked dispatched only
    once every start has been accepted. If the round fails, its lock goes with its
    transaction and the next round writes the same deliveries and starts nothing twice."""
    async with platform_session(maker) as claim:
        events = await _claim_events(claim)
        if not events:
            return 0
        deliveries = await _write_deliveries(maker, events)
        for delivery in deliveries:
            await start_delivery(temporal, settings, delivery)
        await claim.exec(
            update(WebhookEvent)
            .where(col(WebhookEvent.id).in_([event.id for event in events]))
            .values(dispatched_at=datetime.now(UTC))
        )
    return len(events)


async def _claim_events(session: AsyncSession) -> list[WebhookEvent]:
    """The oldest undispatched events, locked. ``NO KEY`` because the deliveries written
    meanwhile reference these rows: their foreign key check takes a key-share lock, which
    ``FOR UPDATE`` would block."""
    query = (
        select(WebhookEvent)
        .where(col(WebhookEvent.dispatched_at).is_(None))
        .order_by(col(WebhookEvent.created_at))
        .limit(DISPATCH_BATCH)
        .with_for_update(skip_locked=True, key_share=True)
    )
    return list((await session.exec(query)).all())


async def _write_deliveries(
    maker: SessionMaker, events: list[WebhookEvent]
) -> list[WebhookDelivery]:
    """One delivery per event and subscribed endpoint of the event's own organization, with
    an id derived from both (a second round writes nothing new); committed on return."""
    async with platform_session(maker) as session:
        subscribers = await _subscribers(session, {event.org_id for event in events})
        deliveries = [
            _delivery(
                event.org_id,
                endpoint_id,
                event.id,
                event.type,
                uuid.uuid5(event.id, str(endpoint_id)),
            )
            for event in events
            for endpoint_id in subscribers.get((event.org_id, event.type), [])
        ]
        if deliveries:
            now = datetime.now(UTC)
            await session.exec(
                insert(WebhookDelivery)
                .values([_delivery_row(delivery, now) for delivery in deliveries])
                .on_conflict_do_nothing(index_elements=["id"])
            )
    return deliveries


async def _subscribers(
    session: AsyncSession, org_ids: set[uuid.UUID]
) -> dict[tuple[uuid.UUID, str], list[uuid.UUID]]:
    """The enabled endpoints of these organizations by (organization, event type): one
    query for a whole batch."""
    rows = await session.exec(
        select(WebhookEndpoint.id, WebhookEndpoint.org_id, WebhookEndpoint.event_types)
        .where(
            col(WebhookEndpoint.org_id).in_(org_ids),
            col(WebhookEndpoint.enabled).is_(True),
        )
        .order_by(col(WebhookEndpoint.created_at), col(WebhookEndpoint.id))
    )
    found: dict[tuple[uuid.UUID, str], list[uuid.UUID]] = defaultdict(list)
    for endpoint_id, org_id, event_types in rows.all():
        for event_type in event_types:
            found[(org_id, event_type)].append(endpoint_id)
    return found


def _delivery_row(delivery: WebhookDelivery, now: datetime) -> dict[str, object]:
    return {
        "id": delivery.id,
        "org_id": delivery.org_id,
        "endpoint_id": delivery.endpoint_id,
        "event_id": delivery.event_id,
        "event_type": delivery.event_type,
        "status": DeliveryStatus.PENDING,
        "attempts": 0,
        "workflow_id": delivery.workflow_id,
        "created_at": now,
    }


async def dispatch_loop(
    maker: SessionMaker, temporal: Client, settings: Settings, hub: EventHub
) -> None:
    """Dispatch the outbox for as long as the API runs (each API process runs one): when
    ``record_event`` notifies (``core.webhooks.CHANNEL``, which ``hub`` must listen on), and
    every ``webhook_dispatch_fallback_seconds`` for a notification that went missing. A full
    batch is followed at once by the next; a failed round is tried again soon."""
    with hub.channel_waiter(CHANNEL) as woken:
        while True:
            woken.clear()  # before the round: a notification during it means another round
            try:
                dispatched = await dispatch_pending(maker, temporal, settings)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("webhook dispatch failed; retrying")
                await _wait(
                    woken, min(DISPATCH_RETRY_SECONDS, settings.webhook_dispatch_fallback_seconds)
                )
                continue
            if dispatched < DISPATCH_BATCH:
                await _wait(woken, settings.webhook_dispatch_fallback_seconds)


async def _wait(woken: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(woken.wait(), seconds)


def _delivery(
    org_id: uuid.UUID,
    endpoint_id: uuid.UUID,
    event_id: uuid.UUID,
    event_type: str,
    delivery_id: uuid.UUID,
) -> WebhookDelivery:
    return WebhookDelivery(
        id=delivery_id,
        org_id=org_id,
        endpoint_id=endpoint_id,
        event_id=event_id,
        event_type=event_type,
        workflow_id=webhook_delivery_id(org_id, delivery_id),
    )


def _keep_previous(endpoint: WebhookEndpoint, until: datetime | None) -> None:
    """The current secret, still sealed as it is, becomes the previous one until ``until``
    (None: no overlap)."""
    endpoint.previous_sealed_secret = endpoint.sealed_secret if until else None
    endpoint.previous_key_id = endpoint.key_id if until else None
    endpoint.previous_secret_expires_at = until


async def _endpoint(
    session: AsyncSession, endpoint_id: uuid.UUID, *, lock: bool = False
) -> WebhookEndpoint:
    endpoint = await session.get(WebhookEndpoint, endpoint_id, with_for_update=lock)
    if endpoint is None:
        raise WebhookError(404, "no such webhook endpoint")
    return endpoint


def _checked_types(event_types: list[str]) -> list[str]:
    chosen = list(dict.fromkeys(event_types))
    unknown = [name for name in chosen if name not in EVENT_TYPES]
    if not chosen:
        raise WebhookError(422, "choose at least one event type")
    if unknown:
        raise WebhookError(422, f"unknown event types: {', '.join(unknown)}")
    return chosen


def _checked_description(description: str) -> str:
    description = description.strip()
    if len(description) > 200 or unstorable(description) is not None:
        raise WebhookError(422, "a description is at most 200 characters")
    return description


def _decode_cursor(value: str) -> tuple[datetime, uuid.UUID]:
    parsed = decode_cursor(value)
    if parsed is None:
        raise WebhookError(422, "cursor is not one this API returned")
    return parsed
