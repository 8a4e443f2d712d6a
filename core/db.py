"""The database engine, sessions, and the tenant scoping every query passes through.

A session is opened either *for one organization* (``org_session``) or, for the few places
that work across organizations (sign-in, the platform's own maintenance), *for the platform*
(``platform_session``). In an organization's session every ORM query on an ``OrgOwned`` table
(and on ``organizations`` itself) is filtered to that organization automatically, and every new
row must belong to it. A plain session bound to neither refuses to touch tenant data at all,
so an unscoped query cannot be written by accident.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.util import find_tables
from sqlmodel import Session as SQLModelSession
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from core.models import Organization, OrgOwned

ORG_KEY = "org_id"
PLATFORM_KEY = "platform"

SessionMaker = async_sessionmaker[AsyncSession]


class UnscopedQueryError(RuntimeError):
    """Raised when tenant data is touched without naming the organization."""


class TenantSession(SQLModelSession):
    """The synchronous session behind every ``AsyncSession``; carries the tenant scope."""


def create_engine(database_url: str, *, pool_size: int = 10) -> AsyncEngine:
    """``hide_parameters``: a statement's values (message text, names) stay out of its errors,
    which are logged with their tracebacks."""
    return create_async_engine(
        database_url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        hide_parameters=True,
    )


def create_session_maker(engine: AsyncEngine) -> SessionMaker:
    return async_sessionmaker(
        engine, class_=AsyncSession, sync_session_class=TenantSession, expire_on_commit=False
    )


@asynccontextmanager
async def org_session(maker: SessionMaker, org_id: uuid.UUID) -> AsyncIterator[AsyncSession]:
    """A session that sees only ``org_id``'s rows. Commits on success, rolls back on error."""
    async with maker() as session:
        session.sync_session.info[ORG_KEY] = org_id
        async with _transaction(session):
            yield session


@asynccontextmanager
async def platform_session(maker: SessionMaker) -> AsyncIterator[AsyncSession]:
    """A session across all organizations, for sign-in and platform maintenance only."""
    async with maker() as session:
        session.sync_session.info[PLATFORM_KEY] = True
        async with _transaction(session):
            yield session


@asynccontextmanager
async def _transaction(session: AsyncSession) -> AsyncIterator[None]:
    try:
        yield
    except BaseException:
        await session.rollback()
        raise
    await session.commit()


@event.listens_for(TenantSession, "do_orm_execute")
def _scope_to_organization(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    info = state.session.info
    if info.get(PLATFORM_KEY):
        return
    # Tables, not mappers: ``select(func.count()).select_from(Model)`` names no entity.
    touched = {
        table.name
        for table in find_tables(
            cast(ClauseElement, state.statement),
            check_columns=True,
            include_aliases=True,
            include_joins=True,
            include_selects=True,
            include_crud=True,
        )
        if isinstance(table, Table)
    }
    tenants = _tenant_classes()
    if not touched & tenants.keys():
        return
    org_id = info.get(ORG_KEY)
    if org_id is None:
        raise UnscopedQueryError(
            "this query reads organization data: open the session with org_session(maker, org_id)"
        )
    state.statement = state.statement.options(
        *(
            with_loader_criteria(cls, _organization_column(cls) == org_id, include_aliases=True)
            for name, cls in tenants.items()
            if name in touched
        )
    )


@cache
def _tenant_classes() -> dict[str, type[OrgOwned] | type[Organization]]:
    """Table name -> mapped class, for every table that holds an organization's data."""
    return {
        mapper.local_table.name: mapper.class_  # type: ignore[attr-defined]  # always a Table here
        for mapper in SQLModel._sa_registry.mappers
        if issubclass(mapper.class_, OrgOwned | Organization)
    }


def _organization_column(cls: type[OrgOwned] | type[Organization]) -> Any:
    return Organization.id if cls is Organization else cls.org_id  # type: ignore[union-attr]  # SQLModel metaclass hides org_id from mypy


def refuse_other_organization(session: AsyncSession, org_id: uuid.UUID) -> None:
    """For rows written by a statement rather than an object (which ``before_flush`` checks):
    an organization's session writes only its own organization's rows."""
    info = session.sync_session.info
    if not info.get(PLATFORM_KEY) and info.get(ORG_KEY) != org_id:
        raise UnscopedQueryError("a row of another organization cannot be written here")


@event.listens_for(TenantSession, "before_flush")
def _refuse_rows_of_other_organizations(session: Session, _: Any, __: Any) -> None:
    info = session.info
    if info.get(PLATFORM_KEY):
        return
    org_id = info.get(ORG_KEY)
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, OrgOwned) and (org_id is None or obj.org_id != org_id):
            raise UnscopedQueryError(
                f"a {type(obj).__name__} of another organization cannot be written here"
            )
        if isinstance(obj, Organization) and obj.id != org_id:
            raise UnscopedQueryError("an organization can only be changed in its own session")
