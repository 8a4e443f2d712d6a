"""Organizations, members, sign-in links and API keys: the account side of the product."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from core.db import SessionMaker, org_session, platform_session
from core.models import ApiKey, AuditLogEntry, Member, Organization, Role, SignInLink
from services.errors import RefusedError
from services.identity import ClerkClaims, hash_secret, new_api_key, new_sign_in_token

DEFAULT_ORGANIZATION_NAME = "My Company"
LOCAL_OWNER_ID = "local:owner"

# Who may grant which roles (API keys): at or below one's own. Owner > admin > operator;
# compliance is a separate duty (deletion requests, legal holds) that only an owner, the
# top role, grants. Operators and compliance members grant nothing.
GRANTABLE: dict[Role, frozenset[Role]] = {
    Role.OWNER: frozenset(Role),
    Role.ADMIN: frozenset({Role.ADMIN, Role.OPERATOR}),
    Role.OPERATOR: frozenset(),
    Role.COMPLIANCE: frozenset(),
}


def may_grant(granter: Role, role: Role) -> bool:
    return role in GRANTABLE[granter]


def refuse_unless_grantable(granter: Role, role: Role) -> None:
    if not may_grant(granter, role):
        names = ", ".join(sorted(GRANTABLE[granter])) or "none"
        raise RefusedError(403, f"the {granter.value} role can grant only these roles: {names}")


@dataclass(frozen=True)
class Principal:
    """The caller of an API route: a member, or an API key acting for its organization."""

    org_id: uuid.UUID
    role: Role
    member_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None
    is_platform_staff: bool = False


@dataclass(frozen=True)
class Bootstrap:
    org_id: uuid.UUID
    owner_id: uuid.UUID
    created: bool


async def bootstrap_default_organization(maker: SessionMaker) -> Bootstrap:
    """On first run, create the default organization and its owner. Idempotent."""
    async with platform_session(maker) as session:
        owner = (
            await session.exec(
                select(Member)
                .where(Member.idp_user_id == LOCAL_OWNER_ID)
                .order_by(col(Member.created_at))
            )
        ).first()
        if owner is not None:
            return Bootstrap(owner.org_id, owner.id, created=False)
        organization = Organization(name=DEFAULT_ORGANIZATION_NAME)
        session.add(organization)
        await session.flush()
        owner = Member(
            org_id=organization.id, idp_user_id=LOCAL_OWNER_ID, name="Owner", role=Role.OWNER
        )
        session.add(owner)
        await session.flush()
        return Bootstrap(organization.id, owner.id, created=True)


async def create_sign_in_link(
    maker: SessionMaker, org_id: uuid.UUID, member_id: uuid.UUID, ttl: timedelta
) -> str:
    """A one-time token for local sign-in; only its hash is stored."""
    token, token_hash = new_sign_in_token()
    async with org_session(maker, org_id) as session:
        session.add(
            SignInLink(
                org_id=org_id,
                member_id=member_id,
                token_hash=token_hash,
                expires_at=datetime.now(UTC) + ttl,
            )
        )
    return token


async def redeem_sign_in_link(maker: SessionMaker, token: str) -> Member | None:
    """Spend a sign-in link: returns its member once, never again, never after expiry."""
    async with platform_session(maker) as session:
        link = (
            await session.exec(
                select(SignInLink)
                .where(SignInLink.token_hash == hash_secret(token))
                .with_for_update()
            )
        ).first()
        if link is None or link.used_at is not None or link.expires_at < datetime.now(UTC):
            return None
        link.used_at = datetime.now(UTC)
        session.add(link)
        return await session.get(Member, link.member_id)


async def member_principal(maker: SessionMaker, member_id: uuid.UUID) -> Principal | None:
    async with platform_session(maker) as session:
        member = await session.get(Member, member_id)
        if member is None:
            return None
        return Principal(
            org_id=member.org_id,
            role=member.role,
            member_id=member.id,
            is_platform_staff=member.is_platform_staff,
        )


async def clerk_principal(maker: SessionMaker, claims: ClerkClaims) -> Principal | None:
    """Map a verified Clerk session to a member, provisioning organization and member on
    first sight (as Clerk-backed products do). Without an active organization: no access."""
    if claims.org_external_id is None:
        return None
    async with platform_session(maker) as session:
        organization = (
            await session.exec(
                select(Organization).where(Organization.external_id == claims.org_external_id)
            )
        ).first()
        if organization is None:
            organization = Organization(
                name=claims.org_external_id, external_id=claims.org_external_id
            )
            session.add(organization)
            await session.flush()
        member = (
            await session.exec(
                select(Member).where(
                    Member.org_id == organization.id, Member.idp_user_id == claims.user_id
                )
            )
        ).first()
        role = claims.role or Role.OPERATOR
        if member is None:
            member = Member(
                org_id=organization.id,
                idp_user_id=claims.user_id,
                name=claims.name or "",
                email=claims.email,
                role=role,
            )
        elif member.role != role:
            member.role = role
        member.last_seen_at = datetime.now(UTC)
        session.add(member)
        await session.flush()
        return Principal(
            org_id=organization.id,
            role=member.role,
            member_id=member.id,
            is_platform_staff=member.is_platform_staff,
        )


async def api_key_principal(maker: SessionMaker, secret: str) -> Principal | None:
    async with platform_session(maker) as session:
        key = (
            await session.exec(select(ApiKey).where(ApiKey.key_hash == hash_secret(secret)))
        ).first()
        if key is None or key.revoked_at is not None:
            return None
        key.last_used_at = datetime.now(UTC)
        session.add(key)
        return Principal(org_id=key.org_id, role=key.role, api_key_id=key.id)


async def create_api_key(
    maker: SessionMaker, principal: Principal, name: str, role: Role
) -> tuple[ApiKey, str]:
    refuse_unless_grantable(principal.role, role)
    secret, prefix, key_hash = new_api_key()
    async with org_session(maker, principal.org_id) as session:
        key = ApiKey(
            org_id=principal.org_id,
            name=name,
            prefix=prefix,
            key_hash=key_hash,
            role=role,
            created_by=principal.member_id,
        )
        session.add(key)
        await session.flush()
        session.add(audit_entry(principal, "api_key.created", "api_key", key.id))
    return key, secret


def audit_entry(
    principal: Principal,
    action: str,
    target_type: str | None = None,
    target_id: uuid.UUID | str | None = None,
    **details: object,
) -> AuditLogEntry:
    return AuditLogEntry(
        org_id=principal.org_id,
        actor_member_id=principal.member_id,
        actor_api_key_id=principal.api_key_id,
        action=action,
        target_type=target_type,
        target_id=str(target_id) if target_id is not None else None,
        details=dict(details),
    )


async def set_platform_staff(maker: SessionMaker, email_or_user_id: str, value: bool) -> int:
    """Flag (or unflag) the people who run the installation. Returns members changed."""
    async with platform_session(maker) as session:
        members = (
            await session.exec(
                select(Member).where(
                    (Member.email == email_or_user_id) | (Member.idp_user_id == email_or_user_id)
                )
            )
        ).all()
        for member in members:
            member.is_platform_staff = value
            session.add(member)
        return len(members)
