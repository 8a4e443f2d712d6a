"""The data layer makes an unscoped query hard to write, and a cross-tenant write impossible."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import delete, inspect, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel, col, func, select

from core.conversation_events import append_event
from core.db import SessionMaker, UnscopedQueryError, org_session
from core.models import (
    Contact,
    ConversationEvent,
    DataKey,
    DeletionReceipt,
    Member,
    Organization,
    OrgOwned,
    RateLimitBucket,
)
from tests.factories import create_member, create_organization


async def test_a_session_without_an_organization_refuses_tenant_queries(
    session_maker: SessionMaker,
) -> None:
    async with session_maker() as session:
        with pytest.raises(UnscopedQueryError):
            await session.exec(select(Contact))
        with pytest.raises(UnscopedQueryError):
            await session.exec(select(Organization))


async def test_an_organization_session_sees_only_its_own_rows(
    session_maker: SessionMaker,
) -> None:
    acme = await create_organization(session_maker, "Acme")
    globex = await create_organization(session_maker, "Globex")
    for organization, name in ((acme, "Ann"), (globex, "Gus")):
        async with org_session(session_maker, organization.id) as session:
            session.add(Contact(org_id=organization.id, name=name))

    async with org_session(session_maker, acme.id) as session:
        contacts = (await session.exec(select(Contact))).all()
        organizations = (await session.exec(select(Organization))).all()
        # Even an explicit filter for the other tenant finds nothing.
        leaked = (await session.exec(select(Contact).where(Contact.org_id == globex.id))).all()
        by_primary_key = await session.get(Organization, globex.id)
    assert [contact.name for contact in contacts] == ["Ann"]
    assert [organization.name for organization in organizations] == ["Acme"]
    assert leaked == []
    assert by_primary_key is None


async def test_counts_and_subqueries_are_scoped_too(session_maker: SessionMaker) -> None:
    acme = await create_organization(session_maker, "Acme")
    globex = await create_organization(session_maker, "Globex")
    for organization in (acme, globex, globex):
        async with org_session(session_maker, organization.id) as session:
            session.add(Contact(org_id=organization.id, name="someone"))
    async with org_session(session_maker, acme.id) as session:
        count = (await session.exec(select(func.count()).select_from(Contact))).one()
        subquery = select(Contact.id).subquery()
        nested = (await session.exec(select(func.count()).select_from(subquery))).one()
        where_only = (
            await session.exec(select(func.count()).where(col(Contact.name) == "someone"))
        ).one()
    assert (count, nested, where_only) == (1, 1, 1)


async def test_bulk_updates_and_deletes_are_scoped(session_maker: SessionMaker) -> None:
    acme = await create_organization(session_maker, "Acme")
    globex = await create_organization(session_maker, "Globex")
    for organization in (acme, globex):
        async with org_session(session_maker, organization.id) as session:
            session.add(Contact(org_id=organization.id, name="before"))
    async with org_session(session_maker, acme.id) as session:
        await session.exec(update(Contact).values(name="after"))
        await session.exec(delete(Contact).where(col(Contact.name) == "before"))
    async with org_session(session_maker, globex.id) as session:
        names = (await session.exec(select(Contact.name))).all()
    assert names == ["before"]


async def test_joins_are_scoped_on_every_tenant_table(session_maker: SessionMaker) -> None:
    acme = await create_organization(session_maker, "Acme")
    globex = await create_organization(session_maker, "Globex")
    await create_member(session_maker, acme.id)
    await create_member(session_maker, globex.id)
    async with org_session(session_maker, acme.id) as session:
        rows = (
            await session.exec(
                select(Member, Organization).join(
                    Organization,
                    Organization.id == Member.org_id,  # type: ignore[arg-type]
                )
            )
        ).all()
    assert {organization.name for _, organization in rows} == {"Acme"}


async def test_writing_a_row_of_another_organization_is_refused(
    session_maker: SessionMaker,
) -> None:
    acme = await create_organization(session_maker, "Acme")
    globex = await create_organization(session_maker, "Globex")
    with pytest.raises(UnscopedQueryError):
        async with org_session(session_maker, acme.id) as session:
            session.add(Contact(org_id=globex.id, name="Mallory"))
    async with org_session(session_maker, globex.id) as session:
        assert (await session.exec(select(Contact))).all() == []


async def test_every_table_with_organization_data_carries_org_id() -> None:
    # The rate-limit buckets are no organization's data: HMACs of addresses and visitors (a
    # sign-up has no organization yet) with a time, shared by every API process.
    for table in SQLModel.metadata.sorted_tables:
        if table.name in ("organizations", "rate_limit_buckets"):
            continue
        assert "org_id" in table.columns, f"{table.name} has no org_id"
    mapped = {mapper.class_ for mapper in SQLModel._sa_registry.mappers}
    # The platform's own records about an organization, made to outlive its data: the
    # deletion receipt (the proof of deletion) and the data key (destroyed last, then a
    # tombstone). They hold ids and counts only, and only the platform session reads them.
    outside = {Organization, DeletionReceipt, DataKey, RateLimitBucket}
    assert {cls for cls in mapped if not issubclass(cls, OrgOwned)} == outside


async def test_no_password_is_stored_anywhere(session_maker: SessionMaker) -> None:
    async with session_maker() as session:
        connection = await session.connection()
        columns = await _all_columns(connection)
    assert columns, "the schema should have columns"
    assert not [column for column in columns if "password" in column or "passwd" in column]


async def _all_columns(connection: AsyncConnection) -> list[str]:
    def collect(sync_connection: object) -> list[str]:
        inspector = inspect(sync_connection)
        return [
            f"{table}.{column['name']}"
            for table in inspector.get_table_names()
            for column in inspector.get_columns(table)
        ]

    return await connection.run_sync(collect)


async def test_an_event_of_another_organization_is_refused_before_it_is_written(
    session_maker: SessionMaker,
) -> None:
    mine = await create_organization(session_maker)
    theirs = await create_organization(session_maker)
    with pytest.raises(UnscopedQueryError):
        async with org_session(session_maker, mine.id) as session:
            await append_event(session, theirs.id, uuid.uuid4(), "token", {"text": "hi"})
    async with org_session(session_maker, theirs.id) as session:
        assert (await session.exec(select(func.count()).select_from(ConversationEvent))).one() == 0
