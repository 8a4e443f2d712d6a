"""Webhooks on the real stack: the API, PostgreSQL, the Temporal dev server and its worker,
and a local HTTP receiver that checks every signature with the secret shown at creation.

Retry settings are short (tenths of a second, a delivery window of seconds) so that retries,
failures and disabling happen within the test; the product's defaults are 24 hours.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlmodel import col, select
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.webhooks import DELIVERY_REFUSED, NOT_HTTPS, DeliveryRef, WebhookActivities
from agents.support.turn import Decision
from core import metrics
from core.db import SessionMaker, org_session, platform_session
from core.encryption import DataKeys, open_sealed, seal
from core.ids import webhook_delivery_id
from core.models import (
    AuditLogEntry,
    Call,
    Contact,
    Organization,
    Role,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from core.settings import Environment, Settings
from core.webhooks import new_secret
from services.accounts import Principal
from services.webhooks import (
    HTTPS_REQUIRED,
    EndpointChange,
    EndpointInput,
    WebhookError,
    Webhooks,
    checked_url,
    dispatch_pending,
)
from tests.conftest import RunningApi
from tests.factories import create_member, create_organization, member_headers
from tests.integration.conversation_helpers import ScriptedAgent, configure, new_visitor
from tests.integration.knowledge_helpers import (
    owner_headers,
    record_history,
    upload,
    wait_until_final,
)
from tests.integration.webhook_helpers import Receiver, eventually, serve_receiver

pytestmark = pytest.mark.usefixtures("conversation_worker")

WINDOW_SECONDS = 4.0
DISABLE_AFTER = 2


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "webhook_retry_initial_seconds": 0.1,
            "webhook_retry_maximum_seconds": 0.2,
            "webhook_delivery_window_seconds": WINDOW_SECONDS,
            "webhook_disable_after_failures": DISABLE_AFTER,
            "webhook_dispatch_fallback_seconds": 3600.0,  # woken by NOTIFY, or never
            # The abandoned-call sweep runs every second: a call.ended source.
            "voice_heartbeat_seconds": 0.5,
        }
    )


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with serve_receiver() as found:
        yield found


async def register(
    client: httpx.AsyncClient,
    org_id: uuid.UUID,
    headers: dict[str, str],
    url: str,
    event_types: list[str],
) -> dict[str, Any]:
    response = await client.post(
        f"/api/orgs/{org_id}/webhooks",
        json={"url": url, "event_types": event_types, "description": "CRM"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def deliveries(
    client: httpx.AsyncClient, org_id: uuid.UUID, headers: dict[str, str], endpoint_id: str
) -> list[dict[str, Any]]:
    response = await client.get(
        f"/api/orgs/{org_id}/webhooks/{endpoint_id}/deliveries", headers=headers
    )
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["deliveries"]
    return found


async def public_key(maker: SessionMaker, org_id: uuid.UUID) -> str:
    async with platform_session(maker) as session:
        organization = await session.get(Organization, org_id)
        assert organization is not None
        return organization.public_key


async def test_conversation_events_are_signed_with_the_secret_shown_at_creation(
    api: RunningApi,
    settings: Settings,
    session_maker: SessionMaker,
    receiver: Receiver,
    agent: ScriptedAgent,
) -> None:
    agent.decisions = [Decision.HANDOFF]
    org_id, headers = await owner_headers(settings, session_maker)
    email = "pat.visitor@example.org"
    async with api.client() as client:
        endpoint = await register(
            client,
            org_id,
            headers,
            receiver.url,
            ["conversation.created", "message.created", "handoff.requested"],
        )
        secret = endpoint["secret"]
        assert secret.startswith("whsec_")
        listed = await client.get(f"/api/orgs/{org_id}/webhooks", headers=headers)
        assert listed.status_code == 200
        assert [e["id"] for e in listed.json()] == [endpoint["id"]]
        assert "secret" not in listed.json()[0]  # shown once

        visitor = await new_visitor(client, await public_key(session_maker, org_id), email=email)
        started = await visitor.start("My lamp flickers, I want a refund")
        conversation_id = started["conversation"]["id"]

        async def all_arrived() -> bool:
            roles = {r.event["data"]["role"] for r in receiver.of_type("message.created")}
            return (
                bool(receiver.of_type("conversation.created"))
                and bool(receiver.of_type("handoff.requested"))
                and {"visitor", "assistant"} <= roles
            )

        await eventually(all_arrived)
        log: list[dict[str, Any]] = []

        async def settled() -> bool:
            # A receiver has its request a moment before the delivery's outcome is written.
            log[:] = await deliveries(client, org_id, headers, endpoint["id"])
            return len(log) == len(receiver.received) and all(d["status"] != "pending" for d in log)

        await eventually(settled)

    for request in receiver.received:
        # Verified exactly as a receiver would, with the secret from the create answer.
        assert Webhook(secret).verify(request.body, request.headers) == request.event
        assert request.headers["webhook-id"] == f"msg_{uuid.UUID(request.event['id']).hex}"
        assert request.event["data"]["org_id"] == str(org_id)
        assert request.event["data"]["conversation_id"] == conversation_id
        # Ids only: no message text, no email.
        assert "refund" not in request.body
        assert email not in request.body
    created = receiver.of_type("conversation.created")[0].event
    assert created["data"]["channel"] == "chat"
    roles = {r.event["data"]["role"] for r in receiver.of_type("message.created")}
    assert {"visitor", "assistant"} <= roles
    assert {d["status"] for d in log} == {"succeeded"}
    assert all(d["attempts"] == 1 and d["response_status"] == 200 for d in log)
    assert all(d["duration_ms"] is not None for d in log)
    assert len(log) == len(receiver.received)


async def test_a_failing_receiver_is_retried_with_every_attempt_in_the_log(
    api: RunningApi,
    settings: Settings,
    session_maker: SessionMaker,
    receiver: Receiver,
    temporal_client: Client,
) -> None:
    receiver.answers = [500, 500]  # then 200
    failures_before = _failures("status")
    org_id, headers = await owner_headers(settings, session_maker)
    async with api.client() as client:
        endpoint = await register(
            client, org_id, headers, receiver.url, ["document.ready", "document.failed"]
        )
        uploaded = await upload(
            client, org_id, headers, "lamps.md", b"# Lamps\n\nOur lamps last ten years.\n"
        )
        assert uploaded.status_code == 202, uploaded.text
        document = await wait_until_final(client, org_id, headers, uploaded.json()["id"])
        assert document["status"] == "ready"

        async def finished() -> bool:
            log = await deliveries(client, org_id, headers, endpoint["id"])
            return bool(log) and log[0]["status"] != "pending"

        await eventually(finished)
        [delivery] = await deliveries(client, org_id, headers, endpoint["id"])

        broken = await upload(client, org_id, headers, "broken.pdf", b"%PDF-1.4 not really")
        assert broken.status_code == 202, broken.text
        failed = await wait_until_final(client, org_id, headers, broken.json()["id"])
        assert failed["status"] == "failed"
        await eventually(lambda: _has(receiver, "document.failed"))

    assert delivery["status"] == "succeeded"
    assert delivery["attempts"] == 3
    assert _failures("status") - failures_before == 2  # the worker's webhook failure counter
    assert delivery["response_status"] == 200
    ready = receiver.of_type("document.ready")
    assert len(ready) == 3  # two 500s, then the 200
    assert len({r.headers["webhook-id"] for r in ready}) == 1  # the same message each time
    assert ready[0].event["data"] == {"org_id": str(org_id), "document_id": document["id"]}
    assert receiver.of_type("document.failed")[0].event["data"]["document_id"] == failed["id"]
    await record_history(
        temporal_client,
        webhook_delivery_id(org_id, uuid.UUID(delivery["id"])),
        "webhook_delivery_retried",
    )


def _failures(reason: str) -> float:
    return (
        metrics.REGISTRY.get_sample_value("perceptron_webhook_failures_total", {"reason": reason})
        or 0.0
    )


async def _has(receiver: Receiver, type: str) -> bool:
    return bool(receiver.of_type(type))


async def test_an_endpoint_that_keeps_failing_is_disabled_with_an_audit_entry(
    api: RunningApi,
    settings: Settings,
    session_maker: SessionMaker,
    receiver: Receiver,
    temporal_client: Client,
) -> None:
    receiver.otherwise = 500
    org_id, headers = await owner_headers(settings, session_maker)
    async with api.client() as client:
        endpoint = await register(client, org_id, headers, receiver.url, ["message.created"])
        visitor = await new_visitor(client, await public_key(session_maker, org_id))
        await visitor.start("Hello there")  # the visitor's message and the answer: two events

        async def disabled() -> bool:
            response = await client.get(
                f"/api/orgs/{org_id}/webhooks/{endpoint['id']}", headers=headers
            )
            return response.json()["enabled"] is False

        await eventually(disabled, within=60)
        shown = (
            await client.get(f"/api/orgs/{org_id}/webhooks/{endpoint['id']}", headers=headers)
        ).json()
        log = await deliveries(client, org_id, headers, endpoint["id"])
        replay = await client.post(
            f"/api/orgs/{org_id}/webhooks/{endpoint['id']}/deliveries/{log[0]['id']}/replay",
            headers=headers,
        )
    assert shown["consecutive_failures"] == DISABLE_AFTER
    assert shown["disabled_reason"] == f"disabled after {DISABLE_AFTER} failed deliveries in a row"
    failed = [d for d in log if d["status"] == "failed"]
    assert len(failed) == DISABLE_AFTER
    assert all(d["attempts"] >= 2 and d["response_status"] == 500 for d in failed)
    assert replay.status_code == 409  # enable it first
    async with org_session(session_maker, org_id) as session:
        entries = (
            await session.exec(
                select(AuditLogEntry).where(AuditLogEntry.action == "webhook.endpoint_disabled")
            )
        ).all()
    assert [(e.target_type, e.target_id) for e in entries] == [("webhook_endpoint", endpoint["id"])]
    assert entries[0].details == {"consecutive_failures": DISABLE_AFTER}
    await record_history(
        temporal_client,
        webhook_delivery_id(org_id, uuid.UUID(failed[0]["id"])),
        "webhook_delivery_failed",
    )


async def test_replay_sends_the_same_event_again_and_other_organizations_cannot(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, receiver: Receiver
) -> None:
    org_id, headers = await owner_headers(settings, session_maker, "Lumen")
    other_id, other_headers = await owner_headers(settings, session_maker, "Umbra")
    operator = await member_headers(settings, session_maker, org_id, Role.OPERATOR)
    async with api.client() as client:
        endpoint = await register(client, org_id, headers, receiver.url, ["conversation.created"])
        visitor = await new_visitor(client, await public_key(session_maker, org_id))
        await visitor.start()
        await eventually(lambda: _has(receiver, "conversation.created"))

        async def succeeded() -> bool:
            log = await deliveries(client, org_id, headers, endpoint["id"])
            return [d["status"] for d in log] == ["succeeded"]

        await eventually(succeeded)
        [original] = await deliveries(client, org_id, headers, endpoint["id"])
        base = f"/api/orgs/{org_id}/webhooks/{endpoint['id']}"
        replay_url = f"{base}/deliveries/{original['id']}/replay"

        # Another organization's owner, through our path or through theirs: nothing.
        theirs = f"/api/orgs/{other_id}/webhooks/{endpoint['id']}"
        refused = [
            await client.get(f"{base}/deliveries", headers=other_headers),
            await client.post(replay_url, headers=other_headers),
            await client.get(f"{theirs}/deliveries", headers=other_headers),
            await client.post(
                f"{theirs}/deliveries/{original['id']}/replay", headers=other_headers
            ),
            await client.get(f"/api/orgs/{other_id}/webhooks", headers=other_headers),
            await client.get(f"{base}/deliveries", headers=operator),  # not an admin
        ]
        replayed = await client.post(replay_url, headers=headers)
        assert replayed.status_code == 202, replayed.text

        async def replay_done() -> bool:
            log = await deliveries(client, org_id, headers, endpoint["id"])
            return len(log) == 2 and all(d["status"] == "succeeded" for d in log)

        await eventually(replay_done)
        log = await deliveries(client, org_id, headers, endpoint["id"])
    assert [r.status_code for r in refused] == [403, 403, 404, 404, 200, 403]
    assert refused[4].json() == []
    assert replayed.json()["replay_of"] == original["id"]
    assert replayed.json()["event_id"] == original["event_id"]
    assert log[0]["id"] == replayed.json()["id"]  # newest first
    first, again = receiver.of_type("conversation.created")
    assert first.body == again.body
    assert first.headers["webhook-id"] == again.headers["webhook-id"]


async def test_after_a_rotation_both_secrets_sign_until_the_overlap_ends(
    api: RunningApi,
    settings: Settings,
    session_maker: SessionMaker,
    receiver: Receiver,
    keyring: DataKeys,
    temporal_client: Client,
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    async with api.client() as client:
        endpoint = await register(client, org_id, headers, receiver.url, ["conversation.created"])
        old = endpoint["secret"]
        base = f"/api/orgs/{org_id}/webhooks/{endpoint['id']}"
        rotated = await client.post(f"{base}/secret", headers=headers)
        assert rotated.status_code == 200, rotated.text
        new = rotated.json()["secret"]
        stored = await _endpoint_row(session_maker, org_id, endpoint["id"])
        visitor = await new_visitor(client, await public_key(session_maker, org_id))
        await visitor.start()
        await eventually(lambda: _has(receiver, "conversation.created"))

        # The overlap is over (as if 24 hours had passed): the old secret signs no more.
        async with org_session(session_maker, org_id) as session:
            row = await session.get(WebhookEndpoint, uuid.UUID(endpoint["id"]))
            assert row is not None
            row.previous_secret_expires_at = datetime.now(UTC) - timedelta(seconds=1)
            session.add(row)
        await visitor.start()
        await eventually(lambda: _count(receiver, "conversation.created", 2))

    assert new != old
    # The replaced secret is kept sealed exactly as it was, for the overlap of the setting.
    assert stored.previous_sealed_secret is not None
    assert stored.previous_key_id is not None
    key = await keyring.by_id(stored.previous_key_id)
    assert open_sealed(key.key, stored.previous_sealed_secret, org_id.bytes).decode() == old
    assert stored.previous_secret_expires_at is not None
    overlap = stored.previous_secret_expires_at - datetime.now(UTC)
    assert timedelta(hours=23, minutes=59) < overlap <= timedelta(hours=24)
    during, after = receiver.of_type("conversation.created")
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    # A receiver that knows only the old secret still verifies during the overlap ...
    assert Webhook(old).verify(during.body, during.headers) == during.event
    assert Webhook(new).verify(during.body, during.headers) == during.event
    # ... and not after it.
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    assert Webhook(new).verify(after.body, after.headers) == after.event
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(after.body, after.headers)

    # Rotating again: the secret just replaced overlaps, the first one is gone; with no
    # overlap configured, the replaced secret stops at once.
    principal = Principal(org_id=org_id, role=Role.OWNER)
    webhooks = Webhooks(session_maker, temporal_client, keyring, settings)
    await webhooks.rotate_secret(principal, uuid.UUID(endpoint["id"]))
    again = await _endpoint_row(session_maker, org_id, endpoint["id"])
    assert again.previous_sealed_secret == stored.sealed_secret
    abrupt = settings.model_copy(update={"webhook_secret_overlap_hours": 0})
    await Webhooks(session_maker, temporal_client, keyring, abrupt).rotate_secret(
        principal, uuid.UUID(endpoint["id"])
    )
    last = await _endpoint_row(session_maker, org_id, endpoint["id"])
    assert (last.previous_sealed_secret, last.previous_key_id) == (None, None)
    assert last.previous_secret_expires_at is None


async def _endpoint_row(
    maker: SessionMaker, org_id: uuid.UUID, endpoint_id: str
) -> WebhookEndpoint:
    async with org_session(maker, org_id) as session:
        row = await session.get(WebhookEndpoint, uuid.UUID(endpoint_id))
    assert row is not None
    return row


async def _count(receiver: Receiver, type: str, count: int) -> bool:
    return len(receiver.of_type(type)) >= count


async def test_urls_with_credentials_or_unknown_event_types_are_refused(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    async with api.client() as client:
        answers = [
            await client.post(
                f"/api/orgs/{org_id}/webhooks",
                json={"url": url, "event_types": types},
                headers=headers,
            )
            for url, types in [
                ("https://user:pw@hooks.example.com/in", ["message.created"]),
                ("ftp://hooks.example.com/in", ["message.created"]),
                ("https://hooks.example.com/in", ["message.deleted"]),
            ]
        ]
    assert [a.status_code for a in answers] == [422, 422, 422]
    assert "credentials" in answers[0].json()["detail"]


async def test_private_and_loopback_targets_are_refused_outside_local_mode(
    settings: Settings, session_maker: SessionMaker, keyring: DataKeys
) -> None:
    production = settings.model_copy(update={"environment": Environment.PRODUCTION})
    assert production.private_urls_allowed is False
    for url in (
        "http://127.0.0.1:8080/hooks",
        "http://localhost/hooks",
        "https://10.0.0.7/hooks",
        "http://169.254.169.254/latest",
        "http://[::1]/hooks",
    ):
        with pytest.raises(WebhookError) as refused:
            await checked_url(
                url, private_allowed=production.private_urls_allowed, http_allowed=True
            )
        assert refused.value.status == 422
    assert await checked_url("http://127.0.0.1/hooks", private_allowed=True, http_allowed=True)

    # Registered while it resolved publicly; at delivery time the name answers a private
    # address: the connection is refused after resolution, and the delivery is not retried.
    org_id, _ = await owner_headers(settings, session_maker)
    key = await keyring.for_organization(org_id)
    async with org_session(session_maker, org_id) as session:
        endpoint = WebhookEndpoint(
            org_id=org_id,
            url="https://hooks.rebinding.example/in",
            event_types=["document.ready"],
            sealed_secret=seal(key.key, new_secret().encode(), org_id.bytes),
            key_id=key.key_id,
        )
        event = WebhookEvent(org_id=org_id, type="document.ready", data={"document_id": "d"})
        session.add_all([endpoint, event])
        await session.flush()
        delivery = WebhookDelivery(
            org_id=org_id,
            endpoint_id=endpoint.id,
            event_id=event.id,
            event_type=event.type,
            workflow_id="test",
        )
        session.add(delivery)

    async def rebound(host: str, port: int) -> list[str]:
        return ["10.1.2.3"]

    activities = WebhookActivities(
        session_maker, keyring, private_allowed=False, timeout=5, resolver=rebound
    )
    with pytest.raises(ApplicationError) as failure:
        await ActivityEnvironment().run(
            activities.deliver_webhook, DeliveryRef(org_id=org_id, delivery_id=delivery.id)
        )
    assert failure.value.type == DELIVERY_REFUSED
    assert failure.value.non_retryable
    async with org_session(session_maker, org_id) as session:
        stored = await session.get(WebhookDelivery, delivery.id)
    assert stored is not None
    assert stored.last_error == "the address is on a private network"
    assert stored.response_status is None


async def test_outside_local_mode_only_https_targets_are_registered_or_delivered_to(
    settings: Settings, session_maker: SessionMaker, keyring: DataKeys, temporal_client: Client
) -> None:
    production = settings.model_copy(update={"environment": Environment.PRODUCTION})
    webhooks = Webhooks(session_maker, temporal_client, keyring, production)
    org_id = (await create_organization(session_maker)).id
    owner = await create_member(session_maker, org_id, Role.OWNER)
    principal = Principal(org_id=org_id, role=Role.OWNER, member_id=owner.id)
    public = "93.184.216.34"  # a public address needs no DNS here

    with pytest.raises(WebhookError) as refused:
        await webhooks.create_endpoint(
            principal, EndpointInput(f"http://{public}/in", ["document.ready"])
        )
    assert refused.value.status == 422
    assert refused.value.message == HTTPS_REQUIRED
    assert "https://" in HTTPS_REQUIRED
    created = await webhooks.create_endpoint(
        principal, EndpointInput(f"https://{public}/in", ["document.ready"])
    )
    with pytest.raises(WebhookError) as changed:
        await webhooks.update_endpoint(
            principal, created.endpoint.id, EndpointChange(url=f"http://{public}/other")
        )
    assert changed.value.message == HTTPS_REQUIRED
    # Allowing private addresses does not allow http: only local mode does.
    lenient = production.model_copy(update={"allow_private_urls": True})
    with pytest.raises(WebhookError):
        await Webhooks(session_maker, temporal_client, keyring, lenient).create_endpoint(
            principal, EndpointInput("http://10.0.0.7/in", ["document.ready"])
        )
    assert settings.is_local
    local = await Webhooks(session_maker, temporal_client, keyring, settings).create_endpoint(
        principal, EndpointInput("http://127.0.0.1:9/in", ["document.ready"])
    )
    assert local.endpoint.url == "http://127.0.0.1:9/in"

    # Registered in local mode, delivered by an installation that is not: refused, once.
    async with org_session(session_maker, org_id) as session:
        event = WebhookEvent(org_id=org_id, type="document.ready", data={"document_id": "d"})
        session.add(event)
        await session.flush()
        delivery = WebhookDelivery(
            org_id=org_id,
            endpoint_id=local.endpoint.id,
            event_id=event.id,
            event_type=event.type,
            workflow_id="test",
        )
        session.add(delivery)
    activities = WebhookActivities(
        session_maker, keyring, private_allowed=True, timeout=5, http_allowed=False
    )
    with pytest.raises(ApplicationError) as failure:
        await ActivityEnvironment().run(
            activities.deliver_webhook, DeliveryRef(org_id=org_id, delivery_id=delivery.id)
        )
    assert failure.value.type == DELIVERY_REFUSED
    assert failure.value.non_retryable
    async with org_session(session_maker, org_id) as session:
        stored = await session.get(WebhookDelivery, delivery.id)
    assert stored is not None
    assert stored.last_error == NOT_HTTPS
    assert stored.response_status is None


async def test_erasure_and_organization_deletion_remove_the_delivery_log(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, receiver: Receiver
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    await configure(session_maker, org_id, privacy={"deletion_grace_days": 1 / 86400})
    async with api.client() as client:
        endpoint = await register(
            client, org_id, headers, receiver.url, ["conversation.created", "deletion.completed"]
        )
        key = await public_key(session_maker, org_id)
        erased = await new_visitor(client, key)
        kept = await new_visitor(client, key)
        await erased.start()
        kept_conversation = (await kept.start())["conversation"]["id"]

        async def delivered(count: int) -> bool:
            log = await deliveries(client, org_id, headers, endpoint["id"])
            return len(log) == count and all(d["status"] == "succeeded" for d in log)

        await eventually(lambda: delivered(2))
        minor = await client.post(
            f"/api/orgs/{org_id}/contacts/{erased.contact_id}/report-minor", headers=headers
        )
        assert minor.status_code == 202, minor.text
        # The erased contact's delivery is gone; the erasure's own event is delivered.
        await eventually(lambda: _has(receiver, "deletion.completed"))
        await eventually(lambda: delivered(2))
        log = await deliveries(client, org_id, headers, endpoint["id"])
        async with org_session(session_maker, org_id) as session:
            conversations = (await session.exec(select(WebhookEvent.conversation_id))).all()

        requested = await client.post(f"/api/orgs/{org_id}/deletion", headers=headers)
        assert requested.status_code == 202, requested.text
        token = requested.json()["receipt_token"]

        async def completed() -> bool:
            receipt = await client.get(f"/api/deletion-receipts/{token}")
            return bool(receipt.json()["status"] == "completed")

        await eventually(completed, within=90)
        receipt = (await client.get(f"/api/deletion-receipts/{token}")).json()
    assert sorted(d["event_type"] for d in log) == ["conversation.created", "deletion.completed"]
    assert sorted(str(c) for c in conversations) == sorted([kept_conversation, "None"])
    done = receiver.of_type("deletion.completed")[0].event["data"]
    assert done == {"org_id": str(org_id), "request_id": minor.json()["id"], "subject": "contact"}
    assert receipt["deleted"]["webhook_deliveries"] == 2
    assert receipt["deleted"]["webhook_events"] == 2
    assert receipt["deleted"]["webhook_endpoints"] == 1
    assert await _webhook_rows(session_maker, org_id) == {"events": 0, "deliveries": 0}
    async with platform_session(session_maker) as session:
        endpoints = (
            await session.exec(select(WebhookEndpoint).where(WebhookEndpoint.org_id == org_id))
        ).all()
    assert endpoints == []


async def test_a_call_that_ends_is_announced_once_without_the_callers_number(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, receiver: Receiver
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    async with api.client() as client:
        endpoint = await register(client, org_id, headers, receiver.url, ["call.ended"])
        # A call whose media loop died an hour ago: the API's sweep ends it.
        async with org_session(session_maker, org_id) as session:
            call = Call(
                org_id=org_id,
                from_number="+15550123",
                to_number="+15550199",
                status="in-progress",
                stream_token_used_at=datetime.now(UTC) - timedelta(hours=1),
            )
            session.add(call)
        await eventually(lambda: _has(receiver, "call.ended"))
        log = await deliveries(client, org_id, headers, endpoint["id"])
    [ended] = receiver.of_type("call.ended")
    assert ended.event["data"] == {
        "org_id": str(org_id),
        "call_id": str(call.id),
        "conversation_id": None,
        "direction": "inbound",
    }
    assert "5550123" not in ended.body
    assert [d["event_type"] for d in log] == ["call.ended"]


async def test_erasing_a_caller_removes_the_end_of_a_call_that_had_no_conversation(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, receiver: Receiver
) -> None:
    """A call that ended before any conversation began is the caller's all the same: its
    ``call.ended`` event and delivery go with the contact."""
    org_id, headers = await owner_headers(settings, session_maker)
    async with api.client() as client:
        endpoint = await register(client, org_id, headers, receiver.url, ["call.ended"])
        async with org_session(session_maker, org_id) as session:
            contact = Contact(org_id=org_id, phone="+15550123")
            session.add(contact)
            await session.flush()
            session.add(
                Call(
                    org_id=org_id,
                    contact_id=contact.id,
                    from_number="+15550123",
                    to_number="+15550199",
                    status="in-progress",
                    stream_token_used_at=datetime.now(UTC) - timedelta(hours=1),
                )
            )

        async def logged(count: int) -> bool:
            log = await deliveries(client, org_id, headers, endpoint["id"])
            return len(log) == count and all(d["status"] == "succeeded" for d in log)

        await eventually(lambda: logged(1))
        minor = await client.post(
            f"/api/orgs/{org_id}/contacts/{contact.id}/report-minor", headers=headers
        )
        assert minor.status_code == 202, minor.text
        await eventually(lambda: logged(0))
    assert await _webhook_rows(session_maker, org_id) == {"events": 0, "deliveries": 0}


async def test_an_admin_edits_disables_and_deletes_an_endpoint_with_its_log(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, receiver: Receiver
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    admin = await member_headers(settings, session_maker, org_id, Role.ADMIN)
    async with api.client() as client:
        endpoint = await register(client, org_id, headers, receiver.url, ["conversation.created"])
        base = f"/api/orgs/{org_id}/webhooks/{endpoint['id']}"
        edited = await client.patch(
            base, json={"event_types": ["message.created"], "enabled": False}, headers=admin
        )
        assert edited.status_code == 200, edited.text
        visitor = await new_visitor(client, await public_key(session_maker, org_id))
        await visitor.start()  # while disabled: no event is written for it
        enabled = await client.patch(
            base, json={"event_types": ["conversation.created"], "enabled": True}, headers=admin
        )
        await visitor.start()
        await eventually(lambda: _has(receiver, "conversation.created"))
        log = await deliveries(client, org_id, headers, endpoint["id"])
        deleted = await client.delete(base, headers=admin)
        gone = await client.get(base, headers=admin)
    assert edited.json()["enabled"] is False
    assert edited.json()["disabled_reason"] == "disabled by a member"
    assert enabled.json()["enabled"] is True
    assert enabled.json()["disabled_reason"] is None
    assert len(log) == 1
    assert len(receiver.received) == 1
    assert deleted.status_code == 204
    assert gone.status_code == 404
    assert (await _webhook_rows(session_maker, org_id))["deliveries"] == 0
    async with org_session(session_maker, org_id) as session:
        actions = (
            await session.exec(
                select(AuditLogEntry.action).where(col(AuditLogEntry.action).startswith("webhook."))
            )
        ).all()
    assert sorted(actions) == [
        "webhook.endpoint_created",
        "webhook.endpoint_deleted",
        "webhook.endpoint_updated",
        "webhook.endpoint_updated",
    ]


async def test_a_resolved_conversation_is_announced(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, receiver: Receiver
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    await configure(session_maker, org_id, idle_timeout_seconds=1)
    async with api.client() as client:
        await register(client, org_id, headers, receiver.url, ["conversation.resolved"])
        visitor = await new_visitor(client, await public_key(session_maker, org_id))
        conversation_id = (await visitor.start("hi"))["conversation"]["id"]
        await eventually(lambda: _has(receiver, "conversation.resolved"))
    [resolved] = receiver.received  # only the type subscribed to
    assert resolved.event["data"] == {"org_id": str(org_id), "conversation_id": conversation_id}


async def test_a_finished_export_is_announced(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, receiver: Receiver
) -> None:
    org_id, headers = await owner_headers(settings, session_maker)
    async with api.client() as client:
        await register(client, org_id, headers, receiver.url, ["export.ready"])
        requested = await client.post(f"/api/orgs/{org_id}/exports", json={}, headers=headers)
        assert requested.status_code == 202, requested.text
        await eventually(lambda: _has(receiver, "export.ready"))
    [ready] = receiver.of_type("export.ready")
    assert ready.event["data"] == {
        "org_id": str(org_id),
        "export_id": requested.json()["id"],
        "kind": "organization_export",
    }
    assert "download" not in ready.body  # the link is minted when a member asks for it


async def _webhook_rows(maker: SessionMaker, org_id: uuid.UUID) -> dict[str, int]:
    async with platform_session(maker) as session:
        events = (
            await session.exec(select(WebhookEvent.id).where(WebhookEvent.org_id == org_id))
        ).all()
        delivered = (
            await session.exec(
                select(WebhookDelivery.id).where(col(WebhookDelivery.org_id) == org_id)
            )
        ).all()
    return {"events": len(events), "deliveries": len(delivered)}


async def test_dispatching_an_event_again_never_delivers_it_twice(
    api: RunningApi,
    settings: Settings,
    session_maker: SessionMaker,
    receiver: Receiver,
    temporal_client: Client,
) -> None:
    """A dispatcher that died after starting the workflows but before marking the event
    dispatched: the next round finds the same delivery and its workflow, and starts nothing."""
    org_id, headers = await owner_headers(settings, session_maker)
    async with api.client() as client:
        endpoint = await register(client, org_id, headers, receiver.url, ["conversation.created"])
        visitor = await new_visitor(client, await public_key(session_maker, org_id))
        await visitor.start()

        async def succeeded() -> bool:
            log = await deliveries(client, org_id, headers, endpoint["id"])
            return [d["status"] for d in log] == ["succeeded"]

        await eventually(succeeded)
        [delivery] = await deliveries(client, org_id, headers, endpoint["id"])
    async with org_session(session_maker, org_id) as session:
        event = await session.get(WebhookEvent, uuid.UUID(delivery["event_id"]))
        assert event is not None
        event.dispatched_at = None
        session.add(event)

    # This round, or the API's own dispatcher if it comes first, dispatches it again.
    await dispatch_pending(session_maker, temporal_client, settings)

    async def dispatched_again() -> bool:
        async with org_session(session_maker, org_id) as session:
            again = await session.get(WebhookEvent, uuid.UUID(delivery["event_id"]))
        return again is not None and again.dispatched_at is not None

    await eventually(dispatched_again)
    async with org_session(session_maker, org_id) as session:
        rows = (await session.exec(select(WebhookDelivery))).all()
    assert [row.id for row in rows] == [uuid.UUID(delivery["id"])]
    workflow_id = webhook_delivery_id(org_id, uuid.UUID(delivery["id"]))
    runs = [run async for run in temporal_client.list_workflows(f'WorkflowId = "{workflow_id}"')]
    assert len(runs) == 1
    assert runs[0].status == WorkflowExecutionStatus.COMPLETED
    assert len(receiver.received) == 1
