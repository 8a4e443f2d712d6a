"""Webhook delivery activities: one signed POST per attempt, then the delivery's outcome.

The secret is read and unsealed here, never passed through workflow history (and, for a
while after a rotation, the secret it replaced: both sign, see ``core.webhooks``); the body is
built here from the outbox row, so history holds ids only. Each attempt is written to the
delivery log (attempts, response code, duration) as it ends. The connection goes through the
web-import client, which resolves the host once per connection and, outside local mode,
refuses any address that is not public (so a name rebound to a private address after
registration is refused at delivery time), and a URL that is not https. Redirects are not
followed.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx
from sqlmodel import select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from agents.knowledge.web_client import PrivateAddressError, Resolver, resolve, web_client
from core import metrics
from core.db import SessionMaker, org_session
from core.encryption import DataKeys, open_sealed
from core.logging import get_logger
from core.models import (
    AuditLogEntry,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from core.webhooks import signature_headers

log = get_logger(__name__)

ENDPOINT_ANSWERED = "WebhookEndpointAnswered"  # a non-2xx answer: retried
DELIVERY_REFUSED = "WebhookDeliveryRefused"  # a target that can never be reached: not retried
DISABLED_REASON = "disabled after {count} failed deliveries in a row"
NOT_HTTPS = "the URL is not https (http is delivered to in local mode only)"


@dataclass
class DeliveryRef:
    org_id: uuid.UUID
    delivery_id: uuid.UUID


@dataclass
class DeliveryOutcome:
    org_id: uuid.UUID
    delivery_id: uuid.UUID
    succeeded: bool
    disable_after_failures: int
    error: str | None = None


@dataclass
class AttemptResult:
    response_status: int | None  # None when nothing was sent (already done, endpoint gone)


def message_id(event_id: uuid.UUID) -> str:
    """``webhook-id``: the same for every try and replay of one event, so a receiver can
    recognise a message it has processed already."""
    return f"msg_{event_id.hex}"


def delivery_body(event: WebhookEvent) -> str:
    """The JSON body: the Standard Webhooks envelope around the event's ids."""
    return json.dumps(
        {
            "id": str(event.id),
            "type": event.type,
            "timestamp": event.created_at.isoformat(),
            "data": {"org_id": str(event.org_id), **event.data},
        },
        separators=(",", ":"),
        sort_keys=True,
    )


class WebhookActivities:
    def __init__(
        self,
        session_maker: SessionMaker,
        keyring: DataKeys,
        *,
        private_allowed: bool,
        timeout: float,
        http_allowed: bool = False,
        resolver: Resolver = resolve,
    ) -> None:
        self._maker = session_maker
        self._keyring = keyring
        self._private_allowed = private_allowed
        self._http_allowed = http_allowed
        self._timeout = timeout
        self._resolver = resolver

    @activity.defn
    async def deliver_webhook(self, ref: DeliveryRef) -> AttemptResult:
        """One attempt. Raises (and so is retried) unless the endpoint answers 2xx."""
        async with org_session(self._maker, ref.org_id) as session:
            delivery = await session.get(WebhookDelivery, ref.delivery_id)
            if delivery is None or delivery.status is not DeliveryStatus.PENDING:
                return AttemptResult(None)  # deleted, or finished by an earlier run
            endpoint = await session.get(WebhookEndpoint, delivery.endpoint_id)
            event = await session.get(WebhookEvent, delivery.event_id)
        if endpoint is None or event is None:
            return AttemptResult(None)
        if not endpoint.enabled:
            raise ApplicationError(
                "the endpoint is disabled", type=DELIVERY_REFUSED, non_retryable=True
            )
        if not self._http_allowed and urlsplit(endpoint.url).scheme != "https":
            # Registered in local mode, delivered by an installation that is not.
            await self._record_attempt(ref, None, 0, NOT_HTTPS)
            metrics.WEBHOOK_FAILURES.labels("refused").inc()
            raise ApplicationError(NOT_HTTPS, type=DELIVERY_REFUSED, non_retryable=True)
        now = datetime.now(UTC)
        secret = await self._open(endpoint.org_id, endpoint.key_id, endpoint.sealed_secret)
        previous = await self._previous_secret(endpoint, now)
        body = delivery_body(event)
        headers = {
            **signature_headers(secret, message_id(event.id), now, body, previous=previous),
            "content-type": "application/json",
            "user-agent": "Perceptron-Webhooks/1",
        }
        started = time.monotonic()
        status: int | None = None
        error: str | None = None
        refused = False
        try:
            async with web_client(
                private_allowed=self._private_allowed,
                timeout=self._timeout,
                resolver=self._resolver,
            ) as client:
                response = await client.post(endpoint.url, content=body, headers=headers)
            status = response.status_code
        except PrivateAddressError:
            error, refused = "the address is on a private network", True
        except httpx.HTTPError as failure:
            error = f"no answer ({type(failure).__name__})"
        duration_ms = round((time.monotonic() - started) * 1000)
        if status is not None and not 200 <= status < 300:
            error = f"answered {status}"
        await self._record_attempt(ref, status, duration_ms, error)
        log.info(
            "webhook attempt",
            delivery_id=str(ref.delivery_id),
            endpoint_id=str(endpoint.id),
            attempt=activity.info().attempt,
            status=status,
            duration_ms=duration_ms,
        )
        if error is not None:
            reason = "refused" if refused else ("status" if status is not None else "network")
            metrics.WEBHOOK_FAILURES.labels(reason).inc()
            raise ApplicationError(
                error,
                type=DELIVERY_REFUSED if refused else ENDPOINT_ANSWERED,
                non_retryable=refused,
            )
        return AttemptResult(status)

    async def _open(self, org_id: uuid.UUID, key_id: str, sealed: bytes) -> str:
        key = await self._keyring.by_id(key_id)
        return open_sealed(key.key, sealed, org_id.bytes).decode()

    async def _previous_secret(self, endpoint: WebhookEndpoint, now: datetime) -> str | None:
        """The secret a rotation replaced, while its overlap lasts."""
        expires = endpoint.previous_secret_expires_at
        sealed, key_id = endpoint.previous_sealed_secret, endpoint.previous_key_id
        if expires is None or expires <= now or sealed is None or key_id is None:
            return None
        return await self._open(endpoint.org_id, key_id, sealed)

    async def _record_attempt(
        self, ref: DeliveryRef, status: int | None, duration_ms: int, error: str | None
    ) -> None:
        async with org_session(self._maker, ref.org_id) as session:
            delivery = await session.get(WebhookDelivery, ref.delivery_id, with_for_update=True)
            if delivery is None:
                return
            delivery.attempts = max(delivery.attempts, activity.info().attempt)
            delivery.response_status = status
            delivery.duration_ms = duration_ms
            delivery.last_error = error
            delivery.last_attempt_at = datetime.now(UTC)
            session.add(delivery)

    @activity.defn
    async def finish_delivery(self, outcome: DeliveryOutcome) -> None:
        """Mark the delivery succeeded or failed; count the endpoint's failures in a row and
        disable it (with an audit entry) when they reach the limit. Idempotent."""
        async with org_session(self._maker, outcome.org_id) as session:
            delivery = await session.get(WebhookDelivery, outcome.delivery_id, with_for_update=True)
            if delivery is None or delivery.status is not DeliveryStatus.PENDING:
                return
            now = datetime.now(UTC)
            delivery.status = (
                DeliveryStatus.SUCCEEDED if outcome.succeeded else DeliveryStatus.FAILED
            )
            delivery.finished_at = now
            if outcome.error and not delivery.last_error:
                delivery.last_error = outcome.error[:200]
            session.add(delivery)
            endpoint = (
                await session.exec(
                    select(WebhookEndpoint)
                    .where(WebhookEndpoint.id == delivery.endpoint_id)
                    .with_for_update()
                )
            ).first()
            if endpoint is None:
                return
            if outcome.succeeded:
                endpoint.consecutive_failures = 0
            else:
                endpoint.consecutive_failures += 1
                if endpoint.enabled and (
                    endpoint.consecutive_failures >= outcome.disable_after_failures
                ):
                    endpoint.enabled = False
                    endpoint.disabled_reason = DISABLED_REASON.format(
                        count=endpoint.consecutive_failures
                    )
                    session.add(
                        AuditLogEntry(
                            org_id=endpoint.org_id,
                            action="webhook.endpoint_disabled",
                            target_type="webhook_endpoint",
                            target_id=str(endpoint.id),
                            details={"consecutive_failures": endpoint.consecutive_failures},
                        )
                    )
                    log.warning("webhook endpoint disabled", endpoint_id=str(endpoint.id))
            endpoint.updated_at = now
            session.add(endpoint)
