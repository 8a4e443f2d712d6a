"""Contacts through the real API: find them, read one, correct a name or an email (the right
to rectification), with the audit log naming the changed fields and never their values."""

from __future__ import annotations

import uuid

import httpx
from sqlmodel import select

from core.db import SessionMaker, org_session
from core.models import AuditLogEntry, Contact, Role
from core.settings import Settings
from services.accounts import Principal, create_api_key
from tests.conftest import RunningApi
from tests.factories import bearer, create_member, create_organization, member_headers


async def _contact(
    maker: SessionMaker, org_id: uuid.UUID, name: str | None, email: str | None
) -> Contact:
    async with org_session(maker, org_id) as session:
        contact = Contact(org_id=org_id, name=name, email=email)
        session.add(contact)
    return contact


async def _audit(maker: SessionMaker, org_id: uuid.UUID) -> list[AuditLogEntry]:
    async with org_session(maker, org_id) as session:
        return list((await session.exec(select(AuditLogEntry))).all())


async def test_an_operator_corrects_name_and_email_and_the_audit_names_fields_only(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    operator = await member_headers(settings, session_maker, organization.id, Role.OPERATOR)
    contact = await _contact(session_maker, organization.id, "Jon Smiht", "jon@old.example")
    async with api.client() as client:
        response = await client.patch(
            f"/api/orgs/{organization.id}/contacts/{contact.id}",
            json={"name": "Jon Smith", "email": "jon@new.example"},
            headers=operator,
        )
        unchanged = await client.patch(
            f"/api/orgs/{organization.id}/contacts/{contact.id}",
            json={"name": "Jon Smith"},
            headers=operator,
        )
        read = await client.get(
            f"/api/orgs/{organization.id}/contacts/{contact.id}", headers=operator
        )

    assert response.status_code == 200, response.text
    assert response.json()["changed"] == ["email", "name"]
    assert unchanged.json()["changed"] == []
    assert read.json()["name"] == "Jon Smith"
    assert read.json()["email"] == "jon@new.example"
    [entry] = await _audit(session_maker, organization.id)
    assert entry.action == "contact.corrected"
    assert entry.target_id == str(contact.id)
    assert entry.actor_member_id is not None
    assert entry.details == {"fields": ["email", "name"]}
    written = f"{entry.details} {entry.target_type} {entry.target_id}"
    for value in ("Jon", "Smith", "Smiht", "old.example", "new.example"):
        assert value not in written


async def test_a_field_sent_as_null_is_cleared_and_one_left_out_is_kept(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    owner = await member_headers(settings, session_maker, organization.id, Role.OWNER)
    contact = await _contact(session_maker, organization.id, "Ann", "ann@example.com")
    async with api.client() as client:
        response = await client.patch(
            f"/api/orgs/{organization.id}/contacts/{contact.id}",
            json={"email": None},
            headers=owner,
        )
    assert response.status_code == 200, response.text
    assert response.json()["contact"]["email"] is None
    assert response.json()["contact"]["name"] == "Ann"
    assert response.json()["changed"] == ["email"]


async def test_an_api_key_can_correct_a_contact(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    owner = await create_member(session_maker, organization.id, Role.OWNER)
    _, secret = await create_api_key(
        session_maker,
        Principal(org_id=organization.id, role=Role.OWNER, member_id=owner.id),
        "crm sync",
        Role.OPERATOR,
    )
    contact = await _contact(session_maker, organization.id, None, "x@example.com")
    async with api.client() as client:
        response = await client.patch(
            f"/api/orgs/{organization.id}/contacts/{contact.id}",
            json={"name": "Xavier"},
            headers=bearer(secret),
        )
    assert response.status_code == 200, response.text
    corrected = [
        entry
        for entry in await _audit(session_maker, organization.id)
        if entry.action == "contact.corrected"
    ]
    assert corrected[0].actor_api_key_id is not None
    assert corrected[0].actor_member_id is None


async def test_bad_corrections_are_refused_with_a_message(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    operator = await member_headers(settings, session_maker, organization.id, Role.OPERATOR)
    contact = await _contact(session_maker, organization.id, "Ann", "ann@example.com")
    url = f"/api/orgs/{organization.id}/contacts/{contact.id}"
    async with api.client() as client:
        bad_email = await client.patch(url, json={"email": "ann at example"}, headers=operator)
        blank_name = await client.patch(url, json={"name": "   "}, headers=operator)
        nothing = await client.patch(url, json={}, headers=operator)
        too_long = await client.patch(url, json={"name": "x" * 201}, headers=operator)
    assert bad_email.status_code == 422
    assert "not a valid email address" in bad_email.text
    assert blank_name.status_code == 422
    assert "the name is empty" in blank_name.text
    assert nothing.status_code == 422
    assert nothing.json()["detail"] == "nothing to correct: send a name or an email"
    assert too_long.status_code == 422
    async with org_session(session_maker, organization.id) as session:
        stored = await session.get(Contact, contact.id)
    assert stored is not None
    assert (stored.name, stored.email) == ("Ann", "ann@example.com")
    assert await _audit(session_maker, organization.id) == []


async def test_another_organizations_contact_is_not_found(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    other = await create_organization(session_maker, "Umbra")
    owner = await member_headers(settings, session_maker, organization.id, Role.OWNER)
    foreign = await _contact(session_maker, other.id, "Eve", "eve@example.com")
    async with api.client() as client:
        read = await client.get(f"/api/orgs/{organization.id}/contacts/{foreign.id}", headers=owner)
        patched = await client.patch(
            f"/api/orgs/{organization.id}/contacts/{foreign.id}",
            json={"name": "Mallory"},
            headers=owner,
        )
        into_other = await client.get(f"/api/orgs/{other.id}/contacts/{foreign.id}", headers=owner)
        listed = await client.get(
            f"/api/orgs/{organization.id}/contacts",
            params={"email": "eve@example.com"},
            headers=owner,
        )
    assert read.status_code == 404
    assert read.json()["detail"] == "no such contact"
    assert patched.status_code == 404
    assert into_other.status_code == 403
    assert listed.json() == {"items": [], "total": 0}
    async with org_session(session_maker, other.id) as session:
        stored = await session.get(Contact, foreign.id)
    assert stored is not None
    assert stored.name == "Eve"


async def test_contacts_are_found_by_exact_email_or_part_of_name_or_email_and_paginated(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    operator = await member_headers(settings, session_maker, organization.id, Role.OPERATOR)
    ann = await _contact(session_maker, organization.id, "Ann Lee", "ann@shop.example")
    annabel = await _contact(session_maker, organization.id, "Annabel", "bel@other.example")
    bob = await _contact(session_maker, organization.id, "Bob", "bob@shop.example")
    await _contact(session_maker, organization.id, "Percent", "100%_sure@x.example")
    url = f"/api/orgs/{organization.id}/contacts"
    async with api.client() as client:
        exact = await client.get(url, params={"email": "ANN@shop.example"}, headers=operator)
        partial = await client.get(url, params={"email": "ann"}, headers=operator)
        by_name = await client.get(url, params={"q": "ann"}, headers=operator)
        by_domain = await client.get(url, params={"q": "shop.example"}, headers=operator)
        wildcard = await client.get(url, params={"q": "%"}, headers=operator)
        first_page = await client.get(url, params={"limit": 2}, headers=operator)
        second_page = await client.get(url, params={"limit": 2, "offset": 2}, headers=operator)
        bad_limit = await client.get(url, params={"limit": 0}, headers=operator)

    def ids(response: httpx.Response) -> set[str]:
        return {item["id"] for item in response.json()["items"]}

    assert ids(exact) == {str(ann.id)}
    assert ids(partial) == set()
    assert ids(by_name) == {str(ann.id), str(annabel.id)}
    assert ids(by_domain) == {str(ann.id), str(bob.id)}
    assert len(ids(wildcard)) == 1, "a % in the search is a character, not a wildcard"
    assert first_page.json()["total"] == 4
    assert len(ids(first_page) | ids(second_page)) == 4
    assert bad_limit.status_code == 422
