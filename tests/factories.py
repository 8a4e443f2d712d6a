"""Small builders for test data, written through the same scoped sessions the product uses."""

from __future__ import annotations

import uuid
from datetime import timedelta

from core.db import SessionMaker, org_session, platform_session
from core.models import Member, Organization, Role
from core.settings import Settings
from services.identity import LocalTokens


async def create_organization(maker: SessionMaker, name: str = "Acme") -> Organization:
    async with platform_session(maker) as session:
        organization = Organization(name=name)
        session.add(organization)
    return organization


async def create_member(
    maker: SessionMaker,
    org_id: uuid.UUID,
    role: Role = Role.OWNER,
    email: str | None = None,
) -> Member:
    async with org_session(maker, org_id) as session:
        member = Member(
            org_id=org_id,
            idp_user_id=f"user_{uuid.uuid4().hex[:12]}",
            name=f"{role.value} person",
            email=email,
            role=role,
        )
        session.add(member)
    return member


def session_token(settings: Settings, member: Member) -> str:
    tokens = LocalTokens(settings.secret_key.get_secret_value(), timedelta(minutes=5))
    return tokens.issue(member.id, member.org_id)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def member_headers(
    settings: Settings, maker: SessionMaker, org_id: uuid.UUID, role: Role = Role.OWNER
) -> dict[str, str]:
    """The Authorization header of a new member of the organization with this role."""
    return bearer(session_token(settings, await create_member(maker, org_id, role)))
