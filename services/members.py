"""Members and invitations: who may invite whom, change a role or remove a member.

The rules (the dashboard only mirrors them):

- Owners and admins manage members; an inviter grants only the roles in
  :data:`services.accounts.GRANTABLE` (an admin: admin and operator; an owner: any role).
- A member whose current role the caller could not grant is out of the caller's reach (an
  admin changes or removes neither owners nor compliance members).
- The organization always keeps an owner: the last owner is neither demoted nor removed (409).
- An invitation is a one-time link (only its SHA-256 is stored) that expires; accepting it
  creates the member with the invitation's email and role, once. In Clerk mode Clerk sends
  the invitation and the member appears on first sign-in.

Every change is audit-logged by ids and roles, never by email.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.db import SessionMaker, org_session, platform_session
from core.identity_provider import ClerkBackend, IdentityProviderError
from core.logging import get_logger
from core.models import AuditLogEntry, Invitation, Member, Organization, Role
from core.settings import AuthMode, Settings
from services.accounts import Principal, audit_entry, refuse_unless_grantable
from services.errors import RefusedError
from services.identity import hash_secret
from services.mail import mail_enabled, send_mail

log = get_logger(__name__)

INVITE_PATH = "/auth/invite"


class InvitationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"
    EXPIRED = "expired"


def invitation_status(invitation: Invitation, now: datetime | None = None) -> InvitationStatus:
    if invitation.accepted_at is not None:
        return InvitationStatus.ACCEPTED
    if invitation.revoked_at is not None:
        return InvitationStatus.REVOKED
    if invitation.expires_at <= (now or datetime.now(UTC)):
        return InvitationStatus.EXPIRED
    return InvitationStatus.PENDING


@dataclass(frozen=True)
class CreatedInvitation:
    invitation: Invitation
    link: str | None  # local mode: the one-time link, shown once
    emailed: bool
    email_error: str | None


def _manager(principal: Principal) -> None:
    if principal.role not in (Role.OWNER, Role.ADMIN):
        raise RefusedError(403, "only owners and admins manage members")


def _normalized_email(email: str) -> str:
    value = email.strip()
    local, _, domain = value.rpartition("@")
    if not local or not domain or "." not in domain or any(c.isspace() for c in value):
        raise RefusedError(422, "enter an email address such as name@example.com")
    return f"{local}@{domain.lower()}"


async def list_invitations(session: AsyncSession) -> list[Invitation]:
    invitations = await session.exec(select(Invitation).order_by(col(Invitation.created_at)))
    return list(invitations.all())


async def create_invitation(
    maker: SessionMaker, settings: Settings, principal: Principal, email: str, role: Role
) -> CreatedInvitation:
    _manager(principal)
    refuse_unless_grantable(principal.role, role)
    address = _normalized_email(email)
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    clerk = settings.effective_auth_mode is AuthMode.CLERK
    async with org_session(maker, principal.org_id) as session:
        existing = (
            await session.exec(
                select(Member).where(func.lower(col(Member.email)) == address.lower())
            )
        ).first()
        if existing is not None:
            raise RefusedError(409, "this person is a member already")
        pending = (
            await session.exec(
                select(Invitation).where(
                    func.lower(col(Invitation.email)) == address.lower(),
                    col(Invitation.accepted_at).is_(None),
                    col(Invitation.revoked_at).is_(None),
                    Invitation.expires_at > now,
                )
            )
        ).first()
        if pending is not None:
            raise RefusedError(409, "this address has a pending invitation: revoke it first")
        clerk_invitation_id = None
        if clerk:
            clerk_invitation_id = await _invite_through_clerk(
                session, settings, principal, address, role
            )
        invitation = Invitation(
            org_id=principal.org_id,
            email=address,
            role=role,
            token_hash=hash_secret(token),
            invited_by=principal.member_id,
            expires_at=now + timedelta(hours=settings.invitation_ttl_hours),
        )
        session.add(invitation)
        await session.flush()
        details: dict[str, object] = {"role": role.value}
        if clerk_invitation_id:
            details["clerk_invitation_id"] = clerk_invitation_id
        session.add(
            audit_entry(principal, "member.invited", "invitation", invitation.id, **details)
        )
    if clerk:
        return CreatedInvitation(invitation, link=None, emailed=True, email_error=None)
    link = f"{settings.api_url}{INVITE_PATH}?token={token}"
    emailed, email_error = False, None
    if mail_enabled(settings):
        async with platform_session(maker) as session:
            organization = await session.get(Organization, principal.org_id)
        name = organization.name if organization else "Perceptron"
        try:
            await send_mail(
                settings,
                address,
                f"You are invited to {name} on Perceptron",
                f"You have been invited to join {name} on Perceptron as {role.value}.\n\n"
                f"Open this link to accept (it works once, until "
                f"{invitation.expires_at:%Y-%m-%d %H:%M} UTC):\n\n{link}\n",
            )
            emailed = True
        except (OSError, RuntimeError, ValueError) as error:
            # smtplib's errors are OSError subclasses; the class name only (no addresses).
            log.warning("invitation email not sent", error_type=type(error).__name__)
            email_error = "the email could not be sent: copy the link and send it yourself"
    return CreatedInvitation(invitation, link=link, emailed=emailed, email_error=email_error)


async def _invite_through_clerk(
    session: AsyncSession, settings: Settings, principal: Principal, email: str, role: Role
) -> str:
    if settings.clerk_secret_key is None:
        raise RefusedError(409, "set CLERK_SECRET_KEY to invite members through Clerk")
    organization = (await session.exec(select(Organization))).one()
    if organization.external_id is None:
        raise RefusedError(409, "this organization is not linked to a Clerk organization")
    backend = ClerkBackend(settings.clerk_api_url, settings.clerk_secret_key.get_secret_value())
    try:
        return await backend.invite_to_organization(
            organization.external_id, email, f"org:{role.value}", f"{settings.api_url}/dashboard/"
        )
    except (IdentityProviderError, OSError) as error:
        log.warning("clerk invitation failed", error_type=type(error).__name__)
        raise RefusedError(502, str(error)) from None


async def revoke_invitation(
    session: AsyncSession,
    principal: Principal,
    invitation_id: uuid.UUID,
    settings: Settings | None = None,
) -> Invitation:
    """Withdraw a pending invitation; in Clerk mode Clerk's invitation is revoked too."""
    _manager(principal)
    invitation = await session.get(Invitation, invitation_id)
    if invitation is None or invitation.org_id != principal.org_id:
        raise RefusedError(404, "no such invitation")
    refuse_unless_grantable(principal.role, invitation.role)
    if invitation.accepted_at is not None:
        raise RefusedError(409, "this invitation was accepted already: remove the member instead")
    if invitation.revoked_at is None:
        if settings is not None and settings.effective_auth_mode is AuthMode.CLERK:
            await _revoke_in_clerk(session, settings, invitation)
        invitation.revoked_at = datetime.now(UTC)
        session.add(invitation)
        session.add(audit_entry(principal, "invitation.revoked", "invitation", invitation.id))
    return invitation


async def _revoke_in_clerk(
    session: AsyncSession, settings: Settings, invitation: Invitation
) -> None:
    """Clerk's invitation id was kept in the audit entry of the invitation."""
    invited = (
        await session.exec(
            select(AuditLogEntry).where(
                AuditLogEntry.action == "member.invited",
                AuditLogEntry.target_id == str(invitation.id),
            )
        )
    ).first()
    clerk_id = invited.details.get("clerk_invitation_id") if invited else None
    organization = (await session.exec(select(Organization))).one()
    if not isinstance(clerk_id, str) or organization.external_id is None:
        return
    if settings.clerk_secret_key is None:
        raise RefusedError(409, "set CLERK_SECRET_KEY to revoke invitations in Clerk")
    backend = ClerkBackend(settings.clerk_api_url, settings.clerk_secret_key.get_secret_value())
    try:
        await backend.revoke_invitation(organization.external_id, clerk_id)
    except (IdentityProviderError, OSError) as error:
        log.warning("clerk invitation revoke failed", error_type=type(error).__name__)
        raise RefusedError(502, str(error)) from None


class InvitationRefusedError(RefusedError):
    """Why a link does not work, in words for the person who opened it."""


async def accept_invitation(maker: SessionMaker, token: str) -> Member:
    """Spend an invitation: the member it creates, once."""
    now = datetime.now(UTC)
    async with platform_session(maker) as session:
        invitation = (
            await session.exec(
                select(Invitation)
                .where(Invitation.token_hash == hash_secret(token))
                .with_for_update()
            )
        ).first()
        if invitation is None:
            raise InvitationRefusedError(404, "This invitation link is not valid.")
        status = invitation_status(invitation, now)
        if status is InvitationStatus.ACCEPTED:
            raise InvitationRefusedError(410, "This invitation was used already. Sign in instead.")
        if status is InvitationStatus.REVOKED:
            raise InvitationRefusedError(410, "This invitation was withdrawn.")
        if status is InvitationStatus.EXPIRED:
            raise InvitationRefusedError(410, "This invitation has expired.")
        taken = (
            await session.exec(
                select(Member).where(
                    Member.org_id == invitation.org_id,
                    func.lower(col(Member.email)) == invitation.email.lower(),
                )
            )
        ).first()
        if taken is not None:
            raise InvitationRefusedError(409, "You are a member of this organization already.")
        member = Member(
            org_id=invitation.org_id,
            idp_user_id=f"local:invited:{uuid.uuid4()}",
            name=invitation.email.partition("@")[0][:200],
            email=invitation.email,
            role=invitation.role,
            last_seen_at=now,
        )
        session.add(member)
        await session.flush()
        invitation.accepted_at = now
        session.add(invitation)
        actor = Principal(org_id=invitation.org_id, role=member.role, member_id=member.id)
        session.add(
            audit_entry(
                actor, "invitation.accepted", "invitation", invitation.id, role=member.role.value
            )
        )
        return member


async def _owners_left(session: AsyncSession, without: uuid.UUID) -> int:
    count = (
        await session.exec(
            select(func.count())
            .select_from(Member)
            .where(Member.role == Role.OWNER, Member.id != without)
        )
    ).one()
    return int(count)


async def _member_in_reach(
    session: AsyncSession, principal: Principal, member_id: uuid.UUID
) -> Member:
    _manager(principal)
    # One change at a time per organization decides who the owners are.
    await session.exec(select(func.pg_advisory_xact_lock(func.hashtext(str(principal.org_id)))))
    member = (
        await session.exec(select(Member).where(Member.id == member_id).with_for_update())
    ).first()
    if member is None:
        raise RefusedError(404, "no such member")
    refuse_unless_grantable(principal.role, member.role)
    return member


async def change_role(
    session: AsyncSession, principal: Principal, member_id: uuid.UUID, role: Role
) -> Member:
    member = await _member_in_reach(session, principal, member_id)
    refuse_unless_grantable(principal.role, role)
    if member.role == role:
        return member
    if member.role is Role.OWNER and await _owners_left(session, member.id) == 0:
        raise RefusedError(
            409, "the organization needs an owner: make another member an owner first"
        )
    previous = member.role
    member.role = role
    session.add(member)
    session.add(
        audit_entry(
            principal,
            "member.role_changed",
            "member",
            member.id,
            previous=previous.value,
            role=role.value,
        )
    )
    return member


async def remove_member(session: AsyncSession, principal: Principal, member_id: uuid.UUID) -> None:
    member = await _member_in_reach(session, principal, member_id)
    if member.role is Role.OWNER and await _owners_left(session, member.id) == 0:
        raise RefusedError(
            409, "the last owner cannot be removed: make another member an owner first"
        )
    session.add(
        audit_entry(principal, "member.removed", "member", member.id, role=member.role.value)
    )
    await session.delete(member)
