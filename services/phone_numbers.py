"""An organization's phone numbers, its own Twilio account and its telephony settings.

Connecting an account checks the SID and token with Twilio first; they are then sealed under
the organization's data key (:class:`services.telephony.Telephony`) and only the hint
``AC…1234`` can be read back. Importing lists the account's numbers, stores them and points
each one's incoming calls and status callbacks at this installation. Platform staff assign
numbers of the platform's own account with :func:`assign_platform_number` (``perceptron
phone-number``). Every change is audit-logged by what changed (keys, ids), never by a
number, SID or token.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete
from sqlmodel import col, select

from core.db import SessionMaker, org_session, platform_session
from core.logging import get_logger
from core.models import NumberSource, Organization, PhoneNumber, Role, TelephonyAccount
from core.organization_settings import E164_PATTERN, OrganizationSettings, TelephonySettings
from core.settings import Settings
from services.accounts import Principal, audit_entry
from services.errors import RefusedError
from services.telephony import Telephony, TwilioCredentials

log = get_logger(__name__)

VOICE_WEBHOOK_PATH = "/api/twilio/voice"
STATUS_WEBHOOK_PATH = "/api/twilio/status"


class PhoneNumberError(RefusedError):
    """A telephony request refused: its HTTP status and a message without personal data."""


class PhoneNumbers:
    def __init__(
        self, session_maker: SessionMaker, telephony: Telephony, settings: Settings
    ) -> None:
        self._maker = session_maker
        self._telephony = telephony
        self._settings = settings

    # The account ------------------------------------------------------------------------

    async def account(self, org_id: uuid.UUID) -> TelephonyAccount | None:
        async with org_session(self._maker, org_id) as session:
            return (await session.exec(select(TelephonyAccount))).first()

    async def connect(
        self, principal: Principal, account_sid: str, auth_token: str
    ) -> TelephonyAccount:
        """Check the credentials with Twilio, then store them sealed (replacing any
        previous account)."""
        account_sid, auth_token = account_sid.strip(), auth_token.strip()
        if not account_sid.startswith("AC") or len(account_sid) != 34:
            raise PhoneNumberError(422, "account_sid: a Twilio account SID is AC and 32 characters")
        if not auth_token:
            raise PhoneNumberError(422, "auth_token: required")
        credentials = TwilioCredentials(account_sid, auth_token)
        await self._telephony.check(credentials)
        sealed, key_id = await self._telephony.seal_credentials(principal.org_id, credentials)
        now = datetime.now(UTC)
        async with org_session(self._maker, principal.org_id) as session:
            account = (await session.exec(select(TelephonyAccount))).first()
            if account is None:
                account = TelephonyAccount(
                    org_id=principal.org_id,
                    sealed_credentials=sealed,
                    key_id=key_id,
                    account_hint=credentials.hint,
                )
            else:
                account.sealed_credentials = sealed
                account.key_id = key_id
                account.account_hint = credentials.hint
                account.updated_at = now
            session.add(account)
            session.add(
                audit_entry(
                    principal, "telephony.account_connected", "telephony_account", account.id
                )
            )
        log.info("telephony account connected", org_id=str(principal.org_id))
        return account

    async def disconnect(self, principal: Principal) -> None:
        """Forget the account and the numbers imported from it (404 when none is connected)."""
        async with org_session(self._maker, principal.org_id) as session:
            account = (await session.exec(select(TelephonyAccount))).first()
            if account is None:
                raise PhoneNumberError(404, "no Twilio account is connected")
            await session.delete(account)
            removed = await session.exec(
                delete(PhoneNumber).where(col(PhoneNumber.source) == NumberSource.OWN)
            )
            session.add(
                audit_entry(
                    principal,
                    "telephony.account_disconnected",
                    "telephony_account",
                    account.id,
                    numbers_removed=getattr(removed, "rowcount", 0),
                )
            )

    # Numbers ----------------------------------------------------------------------------

    async def list_numbers(self, org_id: uuid.UUID) -> list[PhoneNumber]:
        async with org_session(self._maker, org_id) as session:
            return list(
                (
                    await session.exec(
                        select(PhoneNumber).order_by(
                            col(PhoneNumber.created_at), col(PhoneNumber.id)
                        )
                    )
                ).all()
            )

    async def import_numbers(self, principal: Principal) -> list[PhoneNumber]:
        """Store the connected account's numbers (new ones answered by the assistant) and
        route each one's calls here. A number another organization already has is skipped."""
        credentials = await self._telephony.own_credentials(principal.org_id)
        if credentials is None:
            raise PhoneNumberError(409, "connect a Twilio account first")
        found = await self._telephony.incoming_numbers(credentials)
        base = self._settings.api_url
        taken = 0
        imported: list[uuid.UUID] = []
        for incoming in found:
            async with platform_session(self._maker) as session:
                existing = (
                    await session.exec(
                        select(PhoneNumber).where(PhoneNumber.number == incoming.number)
                    )
                ).first()
            if existing is not None and existing.org_id != principal.org_id:
                taken += 1
                continue
            await self._telephony.route_number(
                credentials, incoming.sid, base + VOICE_WEBHOOK_PATH, base + STATUS_WEBHOOK_PATH
            )
            async with org_session(self._maker, principal.org_id) as session:
                if existing is None:
                    existing = PhoneNumber(
                        org_id=principal.org_id,
                        number=incoming.number,
                        source=NumberSource.OWN,
                        provider_sid=incoming.sid,
                        label=incoming.friendly_name[:100],
                    )
                else:
                    existing.provider_sid = incoming.sid
                session.add(existing)
            imported.append(existing.id)
        async with org_session(self._maker, principal.org_id) as session:
            session.add(
                audit_entry(
                    principal,
                    "telephony.numbers_imported",
                    "organization",
                    principal.org_id,
                    imported=[str(number_id) for number_id in imported],
                    skipped_taken=taken,
                )
            )
        if taken:
            log.warning("numbers already used by another organization skipped", count=taken)
        return await self.list_numbers(principal.org_id)

    async def update(
        self,
        principal: Principal,
        number_id: uuid.UUID,
        label: str | None = None,
        assistant_enabled: bool | None = None,
    ) -> PhoneNumber:
        async with org_session(self._maker, principal.org_id) as session:
            number = await session.get(PhoneNumber, number_id)
            if number is None:
                raise PhoneNumberError(404, "no such phone number")
            changed = []
            if label is not None and label != number.label:
                number.label = label
                changed.append("label")
            if assistant_enabled is not None and assistant_enabled != number.assistant_enabled:
                number.assistant_enabled = assistant_enabled
                changed.append("assistant_enabled")
            if changed:
                session.add(number)
                session.add(
                    audit_entry(
                        principal,
                        "telephony.number_changed",
                        "phone_number",
                        number.id,
                        keys=changed,
                    )
                )
            return number

    async def delete(self, principal: Principal, number_id: uuid.UUID) -> None:
        async with org_session(self._maker, principal.org_id) as session:
            number = await session.get(PhoneNumber, number_id)
            if number is None:
                raise PhoneNumberError(404, "no such phone number")
            await session.delete(number)
            session.add(
                audit_entry(principal, "telephony.number_removed", "phone_number", number_id)
            )

    # Settings ---------------------------------------------------------------------------

    async def settings(self, org_id: uuid.UUID) -> TelephonySettings:
        async with org_session(self._maker, org_id) as session:
            organization = await session.get(Organization, org_id)
        return OrganizationSettings.of(
            organization.settings if organization else {}, org_id
        ).telephony

    async def update_settings(
        self, principal: Principal, changes: dict[str, Any]
    ) -> TelephonySettings:
        """Change the fields named in ``changes`` (validated as a whole: 422 naming the
        field); audit-logged by the keys that changed, never their values."""
        async with org_session(self._maker, principal.org_id) as session:
            organization = await session.get(Organization, principal.org_id)
            if organization is None:
                raise PhoneNumberError(404, "no such organization")
            current = OrganizationSettings.of(organization.settings, organization.id).telephony
            try:
                updated = TelephonySettings.model_validate({**current.model_dump(), **changes})
            except ValidationError as error:
                raise PhoneNumberError(
                    422,
                    "; ".join(
                        f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()
                    ),
                ) from None
            before, after = current.model_dump(mode="json"), updated.model_dump(mode="json")
            keys = sorted(key for key in after if after[key] != before.get(key))
            if keys:
                organization.settings = {**organization.settings, "telephony": after}
                organization.updated_at = datetime.now(UTC)
                session.add(organization)
                session.add(
                    audit_entry(
                        principal,
                        "telephony.settings_changed",
                        "organization",
                        organization.id,
                        keys=keys,
                    )
                )
            return updated


async def assign_platform_number(
    maker: SessionMaker,
    org_id: uuid.UUID,
    number: str,
    provider_sid: str | None = None,
    label: str = "",
) -> PhoneNumber:
    """Platform staff: give an organization a number of the platform's Twilio account
    (``perceptron phone-number``). 409 when any organization already has it."""
    if re.match(E164_PATTERN, number) is None:
        raise PhoneNumberError(422, "number: E.164, e.g. +15551230000")
    async with platform_session(maker) as session:
        if await session.get(Organization, org_id) is None:
            raise PhoneNumberError(404, "no such organization")
        taken = (
            await session.exec(select(PhoneNumber).where(PhoneNumber.number == number))
        ).first()
        if taken is not None:
            raise PhoneNumberError(409, "this number is already assigned")
    async with org_session(maker, org_id) as session:
        phone_number = PhoneNumber(
            org_id=org_id,
            number=number,
            source=NumberSource.PLATFORM,
            provider_sid=provider_sid,
            label=label[:100],
        )
        session.add(phone_number)
        session.add(
            audit_entry(
                Principal(org_id=org_id, role=Role.OWNER),  # platform staff, outside any member
                "telephony.platform_number_assigned",
                "phone_number",
                phone_number.id,
            )
        )
    return phone_number
