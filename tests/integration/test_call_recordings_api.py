"""``GET /api/orgs/{org}/calls/{id}/recording`` on the real API (uvicorn), PostgreSQL and
storage: the WAV for owners, admins and operators, every listen in the audit log, 404 for a
call not recorded and for another organization's call."""

from __future__ import annotations

import uuid

from sqlmodel import select

from core.db import SessionMaker, org_session
from core.models import AuditLogEntry, Contact, Conversation, Role
from core.settings import Settings
from core.storage import create_storage, recording_key
from tests.conftest import RunningApi
from tests.factories import create_organization, member_headers
from tests.integration.call_helpers import record_call, seed_call


async def _conversation(maker: SessionMaker, org_id: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    async with org_session(maker, org_id) as session:
        contact = Contact(org_id=org_id, phone="+15550100")
        session.add(contact)
        await session.flush()
        conversation = Conversation(org_id=org_id, contact_id=contact.id)
        session.add(conversation)
    return contact.id, conversation.id


async def test_a_recording_is_served_to_call_staff_and_every_listen_is_audited(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    org_id = organization.id
    contact_id, conversation_id = await _conversation(session_maker, org_id)
    call = await seed_call(
        session_maker, org_id, conversation_id=conversation_id, contact_id=contact_id
    )
    silent = await seed_call(
        session_maker, org_id, conversation_id=conversation_id, contact_id=contact_id
    )
    storage = create_storage(settings)
    stored = await record_call(storage, session_maker, org_id, call.id, seconds=2)
    headers = {role: await member_headers(settings, session_maker, org_id, role) for role in Role}
    url = f"/api/orgs/{org_id}/calls/{call.id}/recording"
    async with api.client() as client:
        answers = {role: await client.get(url, headers=headers[role]) for role in Role}
        not_recorded = await client.get(
            f"/api/orgs/{org_id}/calls/{silent.id}/recording", headers=headers[Role.OWNER]
        )
        unknown = await client.get(
            f"/api/orgs/{org_id}/calls/{uuid.uuid4()}/recording", headers=headers[Role.OWNER]
        )
        signed_out = await client.get(url)

    for role in (Role.OWNER, Role.ADMIN, Role.OPERATOR):
        answer = answers[role]
        assert answer.status_code == 200, (role, answer.text)
        assert answer.headers["content-type"] == "audio/wav"
        assert answer.headers["cache-control"] == "no-store"
        assert answer.content == stored
    assert answers[Role.COMPLIANCE].status_code == 403
    assert not_recorded.status_code == 404
    assert not_recorded.json()["detail"] == "no recording of this call"
    assert unknown.status_code == 404
    assert signed_out.status_code == 401
    async with org_session(session_maker, org_id) as session:
        reads = (
            await session.exec(
                select(AuditLogEntry).where(AuditLogEntry.action == "call.recording_read")
            )
        ).all()
    assert sorted(str(entry.target_id) for entry in reads) == [str(call.id)] * 3
    assert all(entry.actor_member_id is not None for entry in reads)
    assert {entry.target_type for entry in reads} == {"call"}


async def test_another_organizations_call_recording_is_not_found(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    lumen = await create_organization(session_maker, "Lumen")
    umbra = await create_organization(session_maker, "Umbra")
    contact_id, conversation_id = await _conversation(session_maker, lumen.id)
    call = await seed_call(
        session_maker, lumen.id, conversation_id=conversation_id, contact_id=contact_id
    )
    storage = create_storage(settings)
    await record_call(storage, session_maker, lumen.id, call.id)
    outsider = await member_headers(settings, session_maker, umbra.id, Role.OWNER)
    async with api.client() as client:
        # Through their own organization's path: the call is not theirs.
        own_path = await client.get(
            f"/api/orgs/{umbra.id}/calls/{call.id}/recording", headers=outsider
        )
        # Through the other organization's path: not a member there.
        other_path = await client.get(
            f"/api/orgs/{lumen.id}/calls/{call.id}/recording", headers=outsider
        )
    assert own_path.status_code == 404
    assert other_path.status_code == 403
    assert await storage.exists(recording_key(lumen.id, call.id))


async def test_a_recording_deleted_from_storage_answers_not_found(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    contact_id, conversation_id = await _conversation(session_maker, organization.id)
    call = await seed_call(
        session_maker, organization.id, conversation_id=conversation_id, contact_id=contact_id
    )
    storage = create_storage(settings)
    await record_call(storage, session_maker, organization.id, call.id)
    await storage.delete(recording_key(organization.id, call.id))
    owner = await member_headers(settings, session_maker, organization.id, Role.OWNER)
    async with api.client() as client:
        gone = await client.get(
            f"/api/orgs/{organization.id}/calls/{call.id}/recording", headers=owner
        )
    assert gone.status_code == 404
