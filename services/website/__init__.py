"""The public website's content: the privacy policy (Markdown in this package, rendered to
HTML with raw HTML escaped) and the self-service sign-up that creates an organization and its
owner. The pages themselves are the API's (``api/routes/website.py``)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from markdown_it import MarkdownIt
from sqlmodel import func, select

from core.db import SessionMaker, platform_session
from core.models import Member, Organization, Role
from core.settings import Settings
from core.text import unstorable
from services.accounts import Principal, audit_entry, create_sign_in_link
from services.errors import RefusedError

POLICY = Path(__file__).with_name("privacy-policy.md")
SITE_CSS = Path(__file__).with_name("site.css")
_UPDATED = re.compile(r"^Last updated:\s*(\d{4}-\d{2}-\d{2})\s*$", re.MULTILINE)
SIGNUP_OWNER_PREFIX = "signup:"


@dataclass(frozen=True)
class Policy:
    title: str
    updated: date
    html: str


@lru_cache(maxsize=4)
def _render(text: str) -> Policy:
    found = _UPDATED.search(text)
    if found is None:
        raise ValueError("the privacy policy needs a 'Last updated: YYYY-MM-DD' line")
    updated = date.fromisoformat(found.group(1))
    body = _UPDATED.sub("", text, count=1)
    title_match = re.search(r"^# (.+)$", body, re.MULTILINE)
    title = title_match.group(1).strip() if title_match else "Privacy policy"
    if title_match:
        body = body.replace(title_match.group(0), "", 1)
    # "commonmark" with html off: raw HTML in the file is shown as text, never rendered.
    renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    return Policy(title=title, updated=updated, html=renderer.render(body))


def privacy_policy(path: Path = POLICY) -> Policy:
    return _render(path.read_text(encoding="utf-8"))


def active_subprocessors(settings: Settings) -> list[str]:
    """The third parties this installation is configured to use (README, "Who Perceptron
    talks to"): each only when its settings are present."""
    names = []
    if settings.openai_api_key is not None:
        names.append("OpenAI")
    if settings.deepgram_api_key is not None:
        names.append("Deepgram")
    if settings.twilio_account_sid and settings.twilio_auth_token is not None:
        names.append("Twilio")
    if settings.clerk_jwks_url or settings.clerk_jwt_key or settings.clerk_secret_key:
        names.append("Clerk")
    return names


class SignupError(RefusedError):
    """A sign-up refused: 409 for a duplicate, 422 for a bad value."""


@dataclass(frozen=True)
class SignedUp:
    org_id: uuid.UUID
    owner_id: uuid.UUID
    sign_in_token: str


def clean_organization_name(value: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise SignupError(422, "the organization's name is empty")
    if len(name) > 200:
        raise SignupError(422, "the organization's name is longer than 200 characters")
    if (why := unstorable(name)) is not None:
        raise SignupError(422, why)
    return name


async def sign_up(
    maker: SessionMaker, settings: Settings, organization_name: str, email: str
) -> SignedUp:
    """Create an organization and its owner (as the first-run bootstrap does), and a one-time
    sign-in link for the owner. 409 when the name or the email is taken already: names are
    compared without case, emails as normalised by the caller."""
    name = clean_organization_name(organization_name)
    async with platform_session(maker) as session:
        # One sign-up at a time decides whether a name or email is taken.
        await session.exec(select(func.pg_advisory_xact_lock(func.hashtext("perceptron signup"))))
        taken = (
            await session.exec(
                select(func.count())
                .select_from(Organization)
                .where(func.lower(Organization.name) == name.lower())
            )
        ).one()
        if taken:
            raise SignupError(409, "an organization with this name exists already")
        existing = (
            await session.exec(
                select(func.count()).select_from(Member).where(func.lower(Member.email) == email)
            )
        ).one()
        if existing:
            raise SignupError(409, "this email belongs to an account already: sign in instead")
        organization = Organization(name=name)
        session.add(organization)
        await session.flush()
        owner = Member(
            org_id=organization.id,
            idp_user_id=f"{SIGNUP_OWNER_PREFIX}{uuid.uuid4()}",
            name=email.split("@", 1)[0][:200],
            email=email,
            role=Role.OWNER,
        )
        session.add(owner)
        await session.flush()
        session.add(
            audit_entry(
                Principal(org_id=organization.id, role=Role.OWNER, member_id=owner.id),
                "organization.created",
                "organization",
                organization.id,
                via="signup",
            )
        )
    token = await create_sign_in_link(
        maker,
        organization.id,
        owner.id,
        timedelta(minutes=settings.sign_in_link_ttl_minutes),
    )
    return SignedUp(org_id=organization.id, owner_id=owner.id, sign_in_token=token)


async def discard_signup(maker: SessionMaker, org_id: uuid.UUID) -> None:
    """Undo a sign-up whose link could not be delivered: the organization is seconds old and
    holds nothing but its owner, the audit entry and the link, which go with it (cascade)."""
    async with platform_session(maker) as session:
        organization = await session.get(Organization, org_id)
        if organization is not None:
            await session.delete(organization)
