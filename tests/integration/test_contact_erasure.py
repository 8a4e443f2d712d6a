"""Contact erasure end to end: real conversations through the widget API (scripted agent),
the erasure API, ContactErasureWorkflow on the privacy queue, PostgreSQL and the Temporal dev
server. The erased contact's rows go from every table, its workflow histories from Temporal,
and nothing else changes."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import SQLModel, select
from temporalio import activity
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode
from temporalio.worker import Worker

from activities.contact_erasure import ContactErasureActivities, ContactErasureInput, ErasureRef
from core.db import SessionMaker, org_session, platform_session
from core.ids import contact_erasure_id, conversation_workflow_id, search_attributes
from core.models import (
    AuditLogEntry,
    Call,
    PrivacyRequest,
    PrivacyRequestKind,
    PrivacyRequestStatus,
    Role,
    Simulation,
    SimulationResult,
)
from core.settings import Settings
from core.storage import create_storage, recording_key
from tests.conftest import RunningApi
from tests.factories import bearer, create_member, create_organization, session_token
from tests.integration.call_helpers import record_call
from tests.integration.conversation_helpers import (
    Visitor,
    configure,
    new_visitor,
    read_events,
    turn_done,
)
from tests.integration.knowledge_helpers import record_history
from workflows.contact_erasure import ContactErasureWorkflow

pytestmark = pytest.mark.usefixtures("conversation_worker")

ORG_TABLES = sorted(
    table.name
    for table in SQLModel.metadata.sorted_tables
    if "org_id" in table.c and table.name != "deletion_receipts"
)
ERASED_STORES = (
    "contacts",
    "conversations",
    "messages",
    "conversation_notes",
    "conversation_events",
    "calls",
    "widget_events",
    "simulation_results",
)
SECONDS = 1 / 86400  # a grace period of one second, in the setting's days


@dataclass
class Customer:
    visitor: Visitor
    contact_id: uuid.UUID
    conversation_ids: list[uuid.UUID]


@dataclass
class Shop:
    org_id: uuid.UUID
    public_key: str
    owner: dict[str, str]
    compliance: dict[str, str]
    operator: dict[str, str]


async def _shop(settings: Settings, maker: SessionMaker, name: str) -> Shop:
    organization = await create_organization(maker, name)
    headers = {}
    for role in (Role.OWNER, Role.COMPLIANCE, Role.OPERATOR):
        member = await create_member(maker, organization.id, role)
        headers[role] = bearer(session_token(settings, member))
    return Shop(
        organization.id,
        organization.public_key,
        headers[Role.OWNER],
        headers[Role.COMPLIANCE],
        headers[Role.OPERATOR],
    )


async def _customer(
    client: httpx.AsyncClient,
    maker: SessionMaker,
    shop: Shop,
    phrase: str,
    *,
    email: str,
    conversations: int = 2,
    end_last: bool = False,
) -> Customer:
    """A contact with answered conversations, a private note, widget events and a call."""
    visitor = await new_visitor(client, shop.public_key, name="Robin Canary", email=email)
    ids = []
    for index in range(conversations):
        started = await visitor.start(f"My order {phrase} number {index} is late")
        conversation_id = started["conversation"]["id"]
        await read_events(
            client,
            f"/api/widget/conversations/{conversation_id}/events",
            visitor.headers,
            turn_done,
        )
        ids.append(uuid.UUID(conversation_id))
    noted = await client.post(
        f"/api/orgs/{shop.org_id}/conversations/{ids[0]}/notes",
        json={"content": f"Note: {phrase} asked twice"},
        headers=shop.operator,
    )
    assert noted.status_code == 201, noted.text
    tracked = await client.post(
        "/api/widget/events",
        json={
            "events": [
                {"type": "page_view", "url": f"https://shop.example/{phrase}"},
                {"type": "widget_opened"},
            ]
        },
        headers={"x-perceptron-key": shop.public_key, **visitor.headers},
    )
    assert tracked.status_code == 202, tracked.text
    contact_id = uuid.UUID(visitor.contact_id)
    async with org_session(maker, shop.org_id) as session:
        session.add(
            Call(
                org_id=shop.org_id,
                contact_id=contact_id,
                conversation_id=ids[0],
                from_number="+15550100",
                status="completed",
            )
        )
    if end_last:
        ended = await client.post(
            f"/api/widget/conversations/{ids[-1]}/end", headers=visitor.headers
        )
        assert ended.status_code == 202, ended.text
    return Customer(visitor, contact_id, ids)


async def _call_of(maker: SessionMaker, org_id: uuid.UUID, contact_id: uuid.UUID) -> uuid.UUID:
    async with org_session(maker, org_id) as session:
        return (await session.exec(select(Call.id).where(Call.contact_id == contact_id))).one()


async def _counts(maker: SessionMaker, org_id: uuid.UUID) -> dict[str, int]:
    async with platform_session(maker) as session:
        connection = await session.connection()
        return {
            table: int(
                (
                    await connection.execute(
                        text(f'SELECT count(*) FROM "{table}" WHERE org_id = :org'),
                        {"org": org_id},
                    )
                ).scalar_one()
            )
            for table in ORG_TABLES
        }


async def _contact_rows(maker: SessionMaker, customer: Customer) -> dict[str, int]:
    """The contact's rows per store, counted independently of the product's code."""
    queries = {
        "contacts": "SELECT count(*) FROM contacts WHERE id = :contact",
        "conversations": "SELECT count(*) FROM conversations WHERE contact_id = :contact",
        "messages": "SELECT count(*) FROM messages WHERE conversation_id = ANY(:conversations)",
        "conversation_notes": (
            "SELECT count(*) FROM conversation_notes WHERE conversation_id = ANY(:conversations)"
        ),
        "conversation_events": (
            "SELECT count(*) FROM conversation_events WHERE conversation_id = ANY(:conversations)"
        ),
        "calls": "SELECT count(*) FROM calls WHERE contact_id = :contact",
        "widget_events": "SELECT count(*) FROM widget_events WHERE contact_id = :contact",
        "simulation_results": (
            "SELECT count(*) FROM simulation_results WHERE conversation_id = ANY(:conversations)"
        ),
    }
    async with platform_session(maker) as session:
        connection = await session.connection()
        return {
            store: int(
                (
                    await connection.execute(
                        text(query),
                        {
                            "contact": customer.contact_id,
                            "conversations": customer.conversation_ids,
                        },
                    )
                ).scalar_one()
            )
            for store, query in queries.items()
        }


async def _simulated(maker: SessionMaker, org_id: uuid.UUID, *customers: Customer) -> None:
    """A simulation with a result for each customer's first conversation (a copy of it)."""
    async with org_session(maker, org_id) as session:
        simulation = Simulation(org_id=org_id, workflow_id=f"simulate-{org_id}-test")
        session.add(simulation)
        await session.flush()
        for seq, customer in enumerate(customers):
            session.add(
                SimulationResult(
                    org_id=org_id,
                    simulation_id=simulation.id,
                    seq=seq,
                    case_key=f"case-{seq}",
                    conversation_id=customer.conversation_ids[0],
                    question="a copy of the customer's question",
                )
            )


async def _tables_holding(maker: SessionMaker, needle: str) -> list[str]:
    """Every table (organization data or not) with a row whose text holds ``needle``."""
    found = []
    async with platform_session(maker) as session:
        connection = await session.connection()
        for table in SQLModel.metadata.sorted_tables:
            hits = (
                await connection.execute(
                    text(f'SELECT count(*) FROM "{table.name}" t WHERE t::text LIKE :needle'),
                    {"needle": f"%{needle}%"},
                )
            ).scalar_one()
            if hits:
                found.append(table.name)
    return found


async def _wait_for_status(
    client: httpx.AsyncClient,
    shop: Shop,
    request_id: str,
    wanted: str,
    within: float = 30.0,
) -> dict[str, Any]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        response = await client.get(
            f"/api/orgs/{shop.org_id}/privacy/requests/{request_id}", headers=shop.compliance
        )
        assert response.status_code == 200, response.text
        request: dict[str, Any] = response.json()
        if request["status"] == wanted:
            return request
        assert request["status"] not in {"failed", "cancelled", "completed"}, request
        await asyncio.sleep(0.1)
    raise AssertionError(f"privacy request {request_id} did not become {wanted} in {within}s")


async def _history_gone(temporal: Client, workflow_id: str, within: float = 60.0) -> bool:
    """Temporal deletes histories in the background: describe answers NOT_FOUND once done.
    A closed workflow's deletion waits for the server's task queues to acknowledge its close
    (about 30 s on the dev server); a running one's is immediate."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            await temporal.get_workflow_handle(workflow_id).describe()
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                return True
            raise
        await asyncio.sleep(0.2)
    return False


def _erase(
    client: httpx.AsyncClient,
    shop: Shop,
    headers: dict[str, str] | None = None,
    **body: str,
) -> Any:
    return client.post(
        f"/api/orgs/{shop.org_id}/privacy/erasures",
        json=body,
        headers=headers or shop.compliance,
    )


async def _audit(maker: SessionMaker, org_id: uuid.UUID) -> list[AuditLogEntry]:
    async with org_session(maker, org_id) as session:
        return list((await session.exec(select(AuditLogEntry))).all())


async def test_erasure_by_id_removes_exactly_that_contacts_data_everywhere(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, temporal_client: Client
) -> None:
    phrase = f"canary-{uuid.uuid4().hex[:12]}"
    email = f"{phrase}@example.com"
    shop = await _shop(settings, session_maker, "Lumen")
    other_shop = await _shop(settings, session_maker, "Umbra")
    await configure(session_maker, shop.org_id, privacy={"contact_erasure_grace_days": SECONDS})
    async with api.client() as client:
        customer = await _customer(client, session_maker, shop, phrase, email=email, end_last=True)
        neighbour = await _customer(
            client, session_maker, shop, "neighbour", email="n@example.com", conversations=1
        )
        stranger = await _customer(
            client, session_maker, other_shop, "stranger", email="s@example.com", conversations=1
        )
        closed = temporal_client.get_workflow_handle(
            conversation_workflow_id(shop.org_id, customer.conversation_ids[-1])
        )
        await closed.result()  # the ended conversation's workflow has completed
        # The customer's call and the neighbour's were recorded.
        storage = create_storage(settings)
        recorded = {
            who.contact_id: await _call_of(session_maker, shop.org_id, who.contact_id)
            for who in (customer, neighbour)
        }
        for call_id in recorded.values():
            await record_call(storage, session_maker, shop.org_id, call_id, seed=phrase)
        # A simulation re-ran the customer's and the neighbour's conversations.
        await _simulated(session_maker, shop.org_id, customer, neighbour)
        before = await _counts(session_maker, shop.org_id)
        other_before = await _counts(session_maker, other_shop.org_id)
        expected = await _contact_rows(session_maker, customer)

        response = await _erase(client, shop, contact_id=str(customer.contact_id))
        assert response.status_code == 202, response.text
        [request] = response.json()["requests"]
        assert request["status"] == "scheduled"
        assert request["reason"] == "requested"
        assert email not in response.text
        again = await _erase(client, shop, contact_id=str(customer.contact_id))
        assert again.json()["requests"][0]["id"] == request["id"], "one erasure per contact"

        done = await _wait_for_status(client, shop, request["id"], "completed")
        visitor_view = await client.get(
            f"/api/widget/conversations/{customer.conversation_ids[0]}/messages",
            headers=customer.visitor.headers,
        )
        new_conversation = await client.post(
            "/api/widget/conversations", json={}, headers=customer.visitor.headers
        )

    deleted = done["receipt"]["deleted"]
    after = await _counts(session_maker, shop.org_id)
    # Exactly the receipt's rows left the organization; nothing else changed but the
    # request itself and two audit entries (requested, completed).
    for table in ORG_TABLES:
        left = before[table] - deleted.get(table, 0)
        left += {"privacy_requests": 1, "audit_log": 2}.get(table, 0)
        assert after[table] == left, table
    assert {store: deleted[store] for store in ERASED_STORES} == expected
    assert expected["contacts"] == 1
    assert expected["conversations"] == 2
    assert expected["messages"] >= 4  # two questions, two answers (and status notes)
    assert expected["conversation_notes"] == 1
    assert expected["calls"] == 1
    assert expected["widget_events"] == 2
    assert expected["simulation_results"] == 1
    assert await _contact_rows(session_maker, customer) == dict.fromkeys(ERASED_STORES, 0)
    assert deleted["workflows_terminated"] == 1  # the other one had ended already
    assert deleted["workflow_histories"] == 2
    assert deleted["export_files"] == 0
    assert deleted["recordings"] == 1
    assert not await storage.exists(recording_key(shop.org_id, recorded[customer.contact_id]))
    assert await storage.exists(recording_key(shop.org_id, recorded[neighbour.contact_id]))
    assert set(ERASED_STORES) <= deleted.keys()
    assert {"requested_at", "erase_after", "started_at", "completed_at"} <= done["receipt"].keys()
    assert await _counts(session_maker, other_shop.org_id) == other_before
    # The neighbour and the stranger keep their conversations in Temporal too.
    for org_id, kept in (
        (shop.org_id, neighbour.conversation_ids[0]),
        (other_shop.org_id, stranger.conversation_ids[0]),
    ):
        await temporal_client.get_workflow_handle(conversation_workflow_id(org_id, kept)).describe()

    assert await _tables_holding(session_maker, phrase) == []
    assert await _tables_holding(session_maker, email) == []
    for conversation_id in customer.conversation_ids:
        assert await _history_gone(
            temporal_client, conversation_workflow_id(shop.org_id, conversation_id)
        ), "the conversation's Temporal history is deleted"
    # The erased visitor's token died with the contact: a clear 401, not a server error.
    assert visitor_view.status_code == 401
    assert new_conversation.status_code == 401
    assert "start again" in new_conversation.json()["detail"]

    entries = {entry.action: entry for entry in await _audit(session_maker, shop.org_id)}
    completed = entries["privacy.erasure_completed"]
    assert completed.actor_member_id is None
    assert completed.actor_api_key_id is None
    assert completed.details["deleted"] == deleted
    assert entries["privacy.erasure_requested"].actor_member_id is not None
    erasure = temporal_client.get_workflow_handle(
        contact_erasure_id(shop.org_id, uuid.UUID(request["id"]))
    )
    description = await erasure.describe()
    assert description.status == WorkflowExecutionStatus.COMPLETED
    assert description.typed_search_attributes is not None
    await record_history(temporal_client, erasure.id, "contact_erasure_completed")


async def test_erasure_by_email_erases_every_contact_with_it_in_this_organization_only(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    shop = await _shop(settings, session_maker, "Lumen")
    other_shop = await _shop(settings, session_maker, "Umbra")
    await configure(session_maker, shop.org_id, privacy={"contact_erasure_grace_days": 0})
    email = f"twice-{uuid.uuid4().hex[:8]}@example.com"
    async with api.client() as client:
        first = await _customer(client, session_maker, shop, "first", email=email, conversations=1)
        second = await _customer(
            client, session_maker, shop, "second", email=email.upper(), conversations=1
        )
        kept = await _customer(
            client, session_maker, shop, "kept", email="kept@example.com", conversations=1
        )
        foreign = await _customer(
            client, session_maker, other_shop, "foreign", email=email, conversations=1
        )
        other_before = await _counts(session_maker, other_shop.org_id)

        response = await _erase(client, shop, email=email)
        assert response.status_code == 202, response.text
        requests = response.json()["requests"]
        assert {r["contact_id"] for r in requests} == {
            str(first.contact_id),
            str(second.contact_id),
        }
        for request in requests:
            await _wait_for_status(client, shop, request["id"], "completed")
        unknown = await _erase(client, shop, email="nobody@example.com")
        contacts = await client.get(f"/api/orgs/{shop.org_id}/contacts", headers=shop.owner)
        listed = await client.get(f"/api/orgs/{shop.org_id}/privacy/requests", headers=shop.owner)

    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "no contact of this organization has that email"
    assert [c["id"] for c in contacts.json()["items"]] == [str(kept.contact_id)]
    assert await _counts(session_maker, other_shop.org_id) == other_before
    assert str(foreign.contact_id) not in {r["contact_id"] for r in requests}
    assert listed.json()["total"] == 2
    assert {r["status"] for r in listed.json()["items"]} == {"completed"}


async def test_a_reported_minor_is_erased_at_once_without_the_grace_period(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    shop = await _shop(settings, session_maker, "Lumen")  # default grace: one day
    phrase = f"minor-{uuid.uuid4().hex[:10]}"
    async with api.client() as client:
        child = await _customer(
            client, session_maker, shop, phrase, email=f"{phrase}@example.com", conversations=1
        )
        response = await client.post(
            f"/api/orgs/{shop.org_id}/contacts/{child.contact_id}/report-minor",
            headers=shop.compliance,
        )
        assert response.status_code == 202, response.text
        request = response.json()
        assert request["reason"] == "reported_minor"
        done = await _wait_for_status(client, shop, request["id"], "completed", within=20)

    assert done["receipt"]["deleted"]["contacts"] == 1
    assert done["receipt"]["erase_after"] == done["receipt"]["requested_at"]
    assert await _tables_holding(session_maker, phrase) == []
    actions = {entry.action for entry in await _audit(session_maker, shop.org_id)}
    assert {
        "privacy.minor_reported",
        "privacy.erasure_requested",
        "privacy.erasure_completed",
    } <= actions


async def test_reporting_a_minor_ends_the_grace_period_of_a_waiting_erasure(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    shop = await _shop(settings, session_maker, "Lumen")
    async with api.client() as client:
        child = await _customer(
            client, session_maker, shop, "waiting", email="w@example.com", conversations=1
        )
        waiting = (await _erase(client, shop, contact_id=str(child.contact_id))).json()
        [request] = waiting["requests"]
        assert request["status"] == "scheduled"
        reported = await client.post(
            f"/api/orgs/{shop.org_id}/contacts/{child.contact_id}/report-minor",
            headers=shop.owner,
        )
        assert reported.json()["id"] == request["id"]
        done = await _wait_for_status(client, shop, request["id"], "completed", within=20)
    assert done["reason"] == "reported_minor"


async def test_cancel_during_the_grace_period_leaves_everything(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, temporal_client: Client
) -> None:
    shop = await _shop(settings, session_maker, "Lumen")  # default grace: one day
    async with api.client() as client:
        customer = await _customer(
            client, session_maker, shop, "changed-my-mind", email="c@example.com"
        )
        before = await _counts(session_maker, shop.org_id)
        [request] = (await _erase(client, shop, contact_id=str(customer.contact_id))).json()[
            "requests"
        ]
        operator_cancel = await client.post(
            f"/api/orgs/{shop.org_id}/privacy/requests/{request['id']}/cancel",
            headers=shop.operator,
        )
        cancelled = await client.post(
            f"/api/orgs/{shop.org_id}/privacy/requests/{request['id']}/cancel",
            headers=shop.owner,
        )
        twice = await client.post(
            f"/api/orgs/{shop.org_id}/privacy/requests/{request['id']}/cancel",
            headers=shop.owner,
        )
        contact = await client.get(
            f"/api/orgs/{shop.org_id}/contacts/{customer.contact_id}", headers=shop.operator
        )

    assert operator_cancel.status_code == 403
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert "cancelled_at" in cancelled.json()["receipt"]
    assert twice.status_code == 409
    assert "cancelled" in twice.json()["detail"]
    assert contact.status_code == 200
    after = await _counts(session_maker, shop.org_id)
    assert after == {**before, "privacy_requests": 1, "audit_log": before["audit_log"] + 2}
    for conversation_id in customer.conversation_ids:
        await temporal_client.get_workflow_handle(
            conversation_workflow_id(shop.org_id, conversation_id)
        ).describe()
    erasure = temporal_client.get_workflow_handle(
        contact_erasure_id(shop.org_id, uuid.UUID(request["id"]))
    )
    assert (await erasure.result())["status"] == "cancelled"
    await record_history(temporal_client, erasure.id, "contact_erasure_cancelled")
    actions = [entry.action for entry in await _audit(session_maker, shop.org_id)]
    assert "privacy.erasure_cancelled" in actions
    assert "privacy.erasure_completed" not in actions


async def test_a_completed_erasure_cannot_be_cancelled(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    shop = await _shop(settings, session_maker, "Lumen")
    await configure(session_maker, shop.org_id, privacy={"contact_erasure_grace_days": 0})
    async with api.client() as client:
        customer = await _customer(
            client, session_maker, shop, "gone", email="g@example.com", conversations=1
        )
        [request] = (await _erase(client, shop, contact_id=str(customer.contact_id))).json()[
            "requests"
        ]
        await _wait_for_status(client, shop, request["id"], "completed")
        late = await client.post(
            f"/api/orgs/{shop.org_id}/privacy/requests/{request['id']}/cancel",
            headers=shop.compliance,
        )
    assert late.status_code == 409
    assert "completed" in late.json()["detail"]


async def test_another_organizations_contact_cannot_be_erased(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    shop = await _shop(settings, session_maker, "Lumen")
    other_shop = await _shop(settings, session_maker, "Umbra")
    async with api.client() as client:
        stranger = await _customer(
            client, session_maker, other_shop, "stranger", email="s@example.com", conversations=1
        )
        other_before = await _counts(session_maker, other_shop.org_id)
        by_id = await _erase(client, shop, contact_id=str(stranger.contact_id))
        by_email = await _erase(client, shop, email="s@example.com")
        minor = await client.post(
            f"/api/orgs/{shop.org_id}/contacts/{stranger.contact_id}/report-minor",
            headers=shop.owner,
        )
        into_other = await client.post(
            f"/api/orgs/{other_shop.org_id}/privacy/erasures",
            json={"contact_id": str(stranger.contact_id)},
            headers=shop.owner,
        )
    assert by_id.status_code == 404
    assert by_id.json()["detail"] == "no such contact"
    assert by_email.status_code == 404
    assert minor.status_code == 404
    assert into_other.status_code == 403
    assert await _counts(session_maker, other_shop.org_id) == other_before


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({}, "send either contact_id or email"),
        ({"contact_id": str(uuid.uuid4()), "email": "a@example.com"}, "either"),
        ({"email": "not an email"}, "email"),
    ],
    ids=["nothing", "both", "bad email"],
)
async def test_bad_erasure_requests_are_refused(
    api: RunningApi,
    settings: Settings,
    session_maker: SessionMaker,
    body: dict[str, str],
    detail: str,
) -> None:
    shop = await _shop(settings, session_maker, "Lumen")
    async with api.client() as client:
        response = await client.post(
            f"/api/orgs/{shop.org_id}/privacy/erasures", json=body, headers=shop.compliance
        )
    assert response.status_code == 422
    assert detail in response.text


async def test_operators_cannot_request_erasures_or_read_the_privacy_requests(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    shop = await _shop(settings, session_maker, "Lumen")
    async with api.client() as client:
        erase = await _erase(client, shop, headers=shop.operator, contact_id=str(uuid.uuid4()))
        listed = await client.get(
            f"/api/orgs/{shop.org_id}/privacy/requests", headers=shop.operator
        )
        missing = await client.get(
            f"/api/orgs/{shop.org_id}/privacy/requests/{uuid.uuid4()}", headers=shop.owner
        )
    assert erase.status_code == 403
    assert listed.status_code == 403
    assert missing.status_code == 404


async def test_operators_cannot_report_a_minor(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    """Reporting a minor erases at once and for good: privacy staff only."""
    shop = await _shop(settings, session_maker, "Lumen")
    await configure(session_maker, shop.org_id, privacy={"contact_erasure_grace_days": 0})
    async with api.client() as client:
        customer = await _customer(
            client, session_maker, shop, "not-a-child", email="adult@example.com", conversations=1
        )
        before = await _counts(session_maker, shop.org_id)
        reported = await client.post(
            f"/api/orgs/{shop.org_id}/contacts/{customer.contact_id}/report-minor",
            headers=shop.operator,
        )
        contact = await client.get(
            f"/api/orgs/{shop.org_id}/contacts/{customer.contact_id}", headers=shop.operator
        )
    assert reported.status_code == 403, reported.text
    assert contact.status_code == 200
    assert await _counts(session_maker, shop.org_id) == before


async def _request_without_workflow(
    maker: SessionMaker, shop: Shop, contact_id: uuid.UUID, grace: timedelta
) -> uuid.UUID:
    """An erasure request as a crash between its commit and its workflow's start leaves it."""
    now = datetime.now(UTC)
    request = PrivacyRequest(
        org_id=shop.org_id,
        kind=PrivacyRequestKind.CONTACT_ERASURE,
        status=PrivacyRequestStatus.SCHEDULED,
        contact_id=contact_id,
        reason="requested",
        receipt={"requested_at": now.isoformat(), "erase_after": (now + grace).isoformat()},
        created_at=now,
    )
    request.workflow_id = contact_erasure_id(shop.org_id, request.id)
    async with org_session(maker, shop.org_id) as session:
        session.add(request)
    return request.id


async def test_asking_again_starts_the_workflow_of_a_request_left_without_one(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, temporal_client: Client
) -> None:
    shop = await _shop(settings, session_maker, "Lumen")
    async with api.client() as client:
        customer = await _customer(
            client, session_maker, shop, "orphan", email="o@example.com", conversations=1
        )
        # Its grace period ended while no workflow was there to count it.
        orphan = await _request_without_workflow(
            session_maker, shop, customer.contact_id, -timedelta(hours=1)
        )
        again = await _erase(client, shop, contact_id=str(customer.contact_id))
        assert again.status_code == 202, again.text
        assert again.json()["requests"][0]["id"] == str(orphan)
        done = await _wait_for_status(client, shop, str(orphan), "completed")
    assert done["receipt"]["deleted"]["contacts"] == 1
    assert await _contact_rows(session_maker, customer) == dict.fromkeys(ERASED_STORES, 0)
    erasure = await temporal_client.get_workflow_handle(
        contact_erasure_id(shop.org_id, orphan)
    ).describe()
    assert erasure.status == WorkflowExecutionStatus.COMPLETED


async def test_reporting_a_minor_starts_the_workflow_of_a_request_left_without_one(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    shop = await _shop(settings, session_maker, "Lumen")
    async with api.client() as client:
        child = await _customer(
            client, session_maker, shop, "orphan-minor", email="om@example.com", conversations=1
        )
        orphan = await _request_without_workflow(
            session_maker, shop, child.contact_id, timedelta(days=1)
        )
        reported = await client.post(
            f"/api/orgs/{shop.org_id}/contacts/{child.contact_id}/report-minor",
            headers=shop.compliance,
        )
        assert reported.status_code == 202, reported.text
        assert reported.json()["id"] == str(orphan)
        done = await _wait_for_status(client, shop, str(orphan), "completed", within=20)
    assert done["reason"] == "reported_minor"
    assert await _contact_rows(session_maker, child) == dict.fromkeys(ERASED_STORES, 0)


async def test_a_conversation_started_during_the_erasure_loses_its_history_too(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, temporal_client: Client
) -> None:
    """A visitor starts a conversation after the erasure listed the contact's conversations
    and before its rows go: the rows go, and so does that conversation's Temporal history."""
    shop = await _shop(settings, session_maker, "Lumen")
    late: list[uuid.UUID] = []
    async with api.client() as client:
        customer = await _customer(
            client, session_maker, shop, "racing", email="r@example.com", conversations=1
        )
        erasure = ContactErasureActivities(session_maker, temporal_client, create_storage(settings))

        @activity.defn(name="contact_conversations")
        async def listed_then_a_visitor_starts_another(ref: ErasureRef) -> list[uuid.UUID]:
            listed = await erasure.contact_conversations(ref)
            if not late:  # once, even if retried
                started = await customer.visitor.start("And one more question")
                late.append(uuid.UUID(started["conversation"]["id"]))
                await read_events(
                    client,
                    f"/api/widget/conversations/{late[0]}/events",
                    customer.visitor.headers,
                    turn_done,
                )
            return listed

        request_id = await _request_without_workflow(
            session_maker, shop, customer.contact_id, timedelta(0)
        )
        task_queue = f"erasure-race-{uuid.uuid4()}"
        async with Worker(
            temporal_client,
            task_queue=task_queue,
            workflows=[ContactErasureWorkflow],
            activities=[
                listed_then_a_visitor_starts_another,
                erasure.mark_erasure_running,
                erasure.mark_erasure_cancelled,
                erasure.stop_contact_conversations,
                erasure.delete_contact_rows,
                erasure.delete_contact_histories,
                erasure.complete_erasure,
            ],
        ):
            result = await temporal_client.execute_workflow(
                ContactErasureWorkflow.run,
                ContactErasureInput(
                    org_id=shop.org_id, request_id=request_id, contact_id=customer.contact_id
                ),
                id=contact_erasure_id(shop.org_id, request_id),
                task_queue=task_queue,
                search_attributes=search_attributes(shop.org_id, "contact-erasure"),
            )

    [late_id] = late
    assert result.status == "completed"
    assert result.deleted["conversations"] == 2
    assert result.deleted["workflow_histories"] == 2
    assert result.deleted["workflows_terminated"] == 2
    customer.conversation_ids.append(late_id)
    assert await _contact_rows(session_maker, customer) == dict.fromkeys(ERASED_STORES, 0)
    for conversation_id in customer.conversation_ids:
        assert await _history_gone(
            temporal_client, conversation_workflow_id(shop.org_id, conversation_id)
        ), "every erased conversation's Temporal history is deleted"
    async with org_session(session_maker, shop.org_id) as session:
        stored = await session.get(PrivacyRequest, request_id)
    assert stored is not None
    assert stored.status is PrivacyRequestStatus.COMPLETED
    assert set(stored.receipt) >= {"deleted", "completed_at"}
    assert "erased_conversations" not in stored.receipt, "the receipt keeps counts only"


async def _finished_export(
    client: httpx.AsyncClient, shop: Shop, contact_id: uuid.UUID | None = None
) -> dict[str, Any]:
    body = {} if contact_id is None else {"contact_id": str(contact_id)}
    created = await client.post(f"/api/orgs/{shop.org_id}/exports", json=body, headers=shop.owner)
    assert created.status_code == 202, created.text
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        response = await client.get(
            f"/api/orgs/{shop.org_id}/exports/{created.json()['id']}", headers=shop.owner
        )
        assert response.status_code == 200, response.text
        export: dict[str, Any] = response.json()
        if export["status"] == "completed":
            return export
        assert export["status"] != "failed", export
        await asyncio.sleep(0.1)
    raise AssertionError("the export did not finish")


async def test_erasure_deletes_the_export_files_that_hold_the_contacts_data(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    """The contact's own export and the organization's whole export both hold its data:
    their files go and their links die. Another organization's export is not touched."""
    shop = await _shop(settings, session_maker, "Lumen")
    other_shop = await _shop(settings, session_maker, "Umbra")
    await configure(session_maker, shop.org_id, privacy={"contact_erasure_grace_days": 0})
    async with api.client() as client:
        customer = await _customer(
            client, session_maker, shop, "exported", email="x@example.com", conversations=1
        )
        await _customer(
            client, session_maker, other_shop, "elsewhere", email="e@example.com", conversations=1
        )
        own = await _finished_export(client, shop, customer.contact_id)
        whole = await _finished_export(client, shop)
        foreign = await _finished_export(client, other_shop)
        files = {
            export["id"]: settings.storage_dir / f"{org_id}/exports/{export['id']}.zip"
            for export, org_id in (
                (own, shop.org_id),
                (whole, shop.org_id),
                (foreign, other_shop.org_id),
            )
        }
        assert all(path.is_file() for path in files.values())

        [request] = (await _erase(client, shop, contact_id=str(customer.contact_id))).json()[
            "requests"
        ]
        done = await _wait_for_status(client, shop, request["id"], "completed")
        after = {
            export["id"]: (
                await client.get(
                    f"/api/orgs/{shop.org_id}/exports/{export['id']}", headers=shop.owner
                )
            ).json()
            for export in (own, whole)
        }
        foreign_now = await client.get(
            f"/api/orgs/{other_shop.org_id}/exports/{foreign['id']}", headers=other_shop.owner
        )
        async with httpx.AsyncClient(timeout=10) as anonymous:
            dead = [
                (await anonymous.get(export["download_url"])).status_code for export in (own, whole)
            ]
            alive = await anonymous.get(foreign_now.json()["download_url"])

    assert done["receipt"]["deleted"]["export_files"] == 2
    assert not files[own["id"]].exists()
    assert not files[whole["id"]].exists()
    assert files[foreign["id"]].is_file()
    for status in after.values():
        assert status["status"] == "completed"
        assert status["link_expired"] is True
        assert status["download_url"] is None
        assert datetime.fromisoformat(status["expires_at"]) <= datetime.now(UTC)
    assert dead == [404, 404]
    assert alive.status_code == 200
