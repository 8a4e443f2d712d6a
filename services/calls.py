"""Calls: an inbound phone call or a widget voice session, from the first webhook to the
call record's last word.

An inbound call (``POST /api/twilio/voice``) names the organization by the number dialled:
the caller becomes (or is found as) a contact by their number, a ``phone`` conversation and a
``calls`` row are written, and a stream token is minted for the media WebSocket. The token is
``secrets.token_urlsafe(32)``; only its SHA-256 is stored, it expires after
:data:`STREAM_TOKEN_TTL` and is redeemed once (marked used in the same transaction that checks
it). The media loop gets a :class:`CallSession` for it, and ends the call with :meth:`ended`.

Outcomes are written once: the first of :meth:`transfer` (``transferred``, ``callback``),
:meth:`hang_up` (``ended_by_operator``), a status callback before any stream
(``not_answered``) or :meth:`ended` (whatever the media loop saw) wins.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client
from twilio.twiml.voice_response import VoiceResponse

from core.conversation_events import append_event
from core.cursors import decode_cursor, encode_cursor
from core.db import SessionMaker, org_session, platform_session
from core.logging import get_logger
from core.models import Call, CallOutcome, Channel, Contact, Conversation, Organization
from core.organization_settings import OrganizationSettings, TelephonySettings, is_open
from core.settings import Settings
from core.webhooks import CALL_ENDED, record_event
from services.conversations import ConversationError, Conversations
from services.errors import RefusedError
from services.telephony import NumberAccount, Telephony, TwilioCredentials

log = get_logger(__name__)

STREAM_TOKEN_TTL = timedelta(seconds=60)
IN_PROGRESS = "in-progress"
# Twilio's final call statuses (CallStatus of a status callback).
FINAL_STATUSES = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})
UNANSWERED_STATUSES = frozenset({"busy", "no-answer", "failed", "canceled"})
KNOWN_STATUSES = FINAL_STATUSES | {"queued", "initiated", "ringing", IN_PROGRESS}
PUTTING_THROUGH = "Please hold while I put you through to a member of our team."
CALLBACK_PHONE = "I've passed your number to them and someone will call you back."
CALLBACK_BROWSER = "I've passed your conversation to them and someone will reply here."
JOINING_HERE = "I've asked a member of our team to join this conversation; they'll reply here."
NO_HANDOFF = (
    "I can't put you through to a person right now, but I've passed your number to our team "
    "and someone will get back to you."
)


class CallError(RefusedError):
    """A call request refused: its HTTP status and a message without personal data."""


@dataclass(frozen=True)
class CallSession:
    """What a redeemed stream token gives the media loop."""

    org_id: uuid.UUID
    call_id: uuid.UUID
    conversation_id: uuid.UUID
    channel: Channel  # PHONE or VOICE
    greeting: str  # spoken first
    provider_call_id: str | None  # Twilio CallSid (None for the browser)
    recording: bool  # the organization records calls


class TransferOutcome(StrEnum):
    DIALLED = "dialled"
    CLOSED = "closed"
    UNAVAILABLE = "unavailable"


class InboundKind(StrEnum):
    STREAM = "stream"  # answered by the assistant over a media stream
    DIAL = "dial"  # the number is not routed to the assistant: put through at once
    UNAVAILABLE = "unavailable"  # nobody can take it (no assistant, no handoff number)


@dataclass(frozen=True)
class InboundAnswer:
    kind: InboundKind
    call_id: uuid.UUID
    stream_token: str | None = None
    dial_number: str | None = None


@dataclass(frozen=True)
class CallPage:
    calls: list[Call]
    next_cursor: str | None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Calls:
    def __init__(
        self,
        session_maker: SessionMaker,
        temporal: Client,
        settings: Settings,
        telephony: Telephony,
    ) -> None:
        self._maker = session_maker
        self._settings = settings
        self._telephony = telephony
        self._conversations = Conversations(session_maker, temporal, settings)

    # Starting ---------------------------------------------------------------------------

    async def answer_inbound(
        self, account: NumberAccount, params: Mapping[str, str]
    ) -> InboundAnswer:
        """The voice webhook of a signed request to one of our numbers: the contact, the
        conversation, the call row and (for the assistant) a stream token. Twilio retrying
        the webhook for the same CallSid gets the same call and a fresh token."""
        number = account.phone_number
        org_id = number.org_id
        call_sid = params.get("CallSid") or None
        caller = (params.get("From") or "").strip()[:40] or None
        telephony = await self._telephony_settings(org_id)
        if call_sid is not None:
            async with org_session(self._maker, org_id) as session:
                existing = (
                    await session.exec(select(Call).where(Call.provider_call_id == call_sid))
                ).first()
                if (
                    existing is not None
                    and existing.stream_token_used_at is None
                    and existing.conversation_id
                ):
                    token = self._mint(existing)
                    session.add(existing)
                    return InboundAnswer(InboundKind.STREAM, existing.id, stream_token=token)
        contact_id = await self._contact_for(org_id, caller)
        if not number.assistant_enabled:
            dial = telephony.handoff_number
            async with org_session(self._maker, org_id) as session:
                call = Call(
                    org_id=org_id,
                    contact_id=contact_id,
                    direction="inbound",
                    from_number=caller,
                    to_number=number.number,
                    provider_call_id=call_sid,
                    status=IN_PROGRESS,
                    phone_number_id=number.id,
                    outcome=CallOutcome.TRANSFERRED if dial else CallOutcome.NOT_ANSWERED,
                    transfer_target=dial,
                )
                session.add(call)
            log.info("inbound call put through", org_id=str(org_id), call_id=str(call.id))
            kind = InboundKind.DIAL if dial else InboundKind.UNAVAILABLE
            return InboundAnswer(kind, call.id, dial_number=dial)
        conversation = await self._conversations.start(org_id, contact_id, Channel.PHONE)
        async with org_session(self._maker, org_id) as session:
            call = Call(
                org_id=org_id,
                conversation_id=conversation.id,
                contact_id=contact_id,
                direction="inbound",
                from_number=caller,
                to_number=number.number,
                provider_call_id=call_sid,
                status=IN_PROGRESS,
                phone_number_id=number.id,
            )
            token = self._mint(call)
            session.add(call)
        log.info(
            "inbound call answered",
            org_id=str(org_id),
            call_id=str(call.id),
            conversation_id=str(conversation.id),
        )
        return InboundAnswer(InboundKind.STREAM, call.id, stream_token=token)

    async def start_browser_call(
        self, org_id: uuid.UUID, contact_id: uuid.UUID, conversation_id: uuid.UUID
    ) -> tuple[uuid.UUID, str]:
        """``(call id, stream token)`` for widget voice in the visitor's own conversation."""
        async with org_session(self._maker, org_id) as session:
            conversation = await session.get(Conversation, conversation_id)
            if conversation is None or conversation.contact_id != contact_id:
                raise CallError(404, "no such conversation")
            call = Call(
                org_id=org_id,
                conversation_id=conversation_id,
                contact_id=contact_id,
                direction="browser",
                status=IN_PROGRESS,
            )
            token = self._mint(call)
            session.add(call)
        log.info("browser call started", org_id=str(org_id), call_id=str(call.id))
        return call.id, token

    async def redeem_stream_token(self, token: str) -> CallSession:
        """The call a media WebSocket opens: 403 for a token that is unknown, used or
        expired, or whose call has already ended. Marked used in the transaction that checks
        it, so two sockets racing with one token get one call."""
        now = datetime.now(UTC)
        async with platform_session(self._maker) as session:
            call = (
                await session.exec(
                    select(Call)
                    .where(Call.stream_token_hash == hash_token(token))
                    .with_for_update()
                )
            ).first()
            if (
                call is None
                or call.stream_token_used_at is not None
                or call.stream_token_expires_at is None
                or call.stream_token_expires_at <= now
                or call.conversation_id is None
                or call.ended_at is not None
            ):
                raise CallError(403, "this stream token is unknown, used or expired")
            call.stream_token_used_at = now
            session.add(call)
            organization = await session.get(Organization, call.org_id)
        telephony = OrganizationSettings.of(
            organization.settings if organization else {}, call.org_id
        ).telephony
        return CallSession(
            org_id=call.org_id,
            call_id=call.id,
            conversation_id=call.conversation_id,
            channel=Channel.VOICE if call.direction == "browser" else Channel.PHONE,
            greeting=telephony.call_greeting,
            provider_call_id=call.provider_call_id,
            recording=telephony.record_calls,
        )

    # During the call --------------------------------------------------------------------

    async def transfer(self, session: CallSession) -> tuple[TransferOutcome, str]:
        """Put the caller through to a person. A phone call within business hours, with a
        handoff number, is redirected to ``<Dial>`` it (DIALLED; its TwiML says the line
        returned, so the media loop need not: the stream ends). Outside business hours a
        callback is offered (CLOSED, outcome ``callback``). Without a number (or in the
        browser within hours) the team is told (UNAVAILABLE). In every case the
        conversation asks for a human, so it waits in the inbox."""
        telephony = await self._telephony_settings(session.org_id)
        handoff, hours = telephony.handoff_number, telephony.business_hours
        phone = session.provider_call_id is not None
        outcome: TransferOutcome
        if hours is not None and not is_open(hours, datetime.now(UTC)) and (handoff or not phone):
            zone = hours.timezone.rsplit("/", 1)[-1].replace("_", " ")  # "New York"
            available = f"Our team is available {hours.describe()}, {zone} time."
            say = f"{available} {CALLBACK_PHONE if phone else CALLBACK_BROWSER}"
            await self._set_outcome(session.org_id, session.call_id, CallOutcome.CALLBACK, None)
            outcome = TransferOutcome.CLOSED
        elif phone and handoff:
            await self._dial(session, handoff)
            outcome, say = TransferOutcome.DIALLED, PUTTING_THROUGH
        else:
            # No number to put a caller through to; in the browser a person joins in the inbox.
            outcome, say = TransferOutcome.UNAVAILABLE, NO_HANDOFF if phone else JOINING_HERE
        try:
            await self._conversations.signal_with_start(
                session.org_id, session.conversation_id, "request_human"
            )
        except ConversationError:
            log.info("transfer: the conversation has ended", call_id=str(session.call_id))
        log.info("call transfer", call_id=str(session.call_id), outcome=outcome.value)
        return outcome, say

    async def _dial(self, session: CallSession, handoff: str) -> None:
        """Redirect the live Twilio call: say a short line, then ``<Dial>`` the number."""
        assert session.provider_call_id is not None
        response = VoiceResponse()
        response.say(PUTTING_THROUGH)
        response.dial(handoff)
        call = await self._call(session.org_id, session.call_id)
        credentials = await self._credentials_for_call(call)
        if credentials is None:
            raise CallError(409, "the Twilio account of this call is no longer connected")
        await self._telephony.redirect_call(credentials, session.provider_call_id, str(response))
        await self._set_outcome(session.org_id, session.call_id, CallOutcome.TRANSFERRED, handoff)

    async def hang_up(self, org_id: uuid.UUID, call_id: uuid.UUID) -> None:
        """An operator ends a call: the media loop holding it hears ``call.end_requested``
        on the conversation's events; a phone call is also completed through Twilio."""
        call = await self._call(org_id, call_id)
        if call.ended_at is not None:
            raise CallError(409, "the call has ended")
        async with org_session(self._maker, org_id) as session:
            if call.conversation_id is not None:
                await append_event(
                    session,
                    org_id,
                    call.conversation_id,
                    "call.end_requested",
                    {"call_id": str(call_id)},
                )
            row = await session.get(Call, call_id)
            if row is not None and row.outcome is None:
                row.outcome = CallOutcome.ENDED_BY_OPERATOR
                session.add(row)
        if call.direction != "browser" and call.provider_call_id:
            credentials = await self._credentials_for_call(call)
            if credentials is not None:
                await self._telephony.complete_call(credentials, call.provider_call_id)
        log.info("call end requested", org_id=str(org_id), call_id=str(call_id))

    async def ended(self, session: CallSession, outcome: CallOutcome) -> None:
        """The media loop's last word: end time, duration and outcome, each written only if
        not yet known (idempotent; a recorded outcome such as ``transferred`` is kept)."""
        now = datetime.now(UTC)
        async with org_session(self._maker, session.org_id) as db:
            call = await db.get(Call, session.call_id)
            if call is None:
                return
            if call.ended_at is None:
                call.ended_at = now
            await _announce_ended(db, call)
            if call.duration_seconds is None:
                call.duration_seconds = max(
                    0, int((call.ended_at - call.started_at).total_seconds())
                )
            if call.status not in FINAL_STATUSES:
                call.status = "completed"
            if call.outcome is None:
                call.outcome = outcome
            db.add(call)

    async def alive(self, session: CallSession) -> None:
        """The media loop's heartbeat: the call is live in some process."""
        async with org_session(self._maker, session.org_id) as db:
            call = await db.get(Call, session.call_id)
            if call is not None and call.ended_at is None:
                call.alive_at = datetime.now(UTC)
                db.add(call)

    async def end_abandoned(self, stale_after: timedelta) -> int:
        """End the calls whose media loop stopped beating (its process was killed): ended when
        it was last alive, outcome ``failed`` unless one is known. Returns how many."""
        cutoff = datetime.now(UTC) - stale_after
        async with platform_session(self._maker) as session:
            stale = (
                await session.exec(
                    select(Call.org_id, Call.id).where(
                        col(Call.stream_token_used_at).is_not(None),
                        col(Call.outcome).is_(None),
                        func.coalesce(Call.alive_at, Call.stream_token_used_at) < cutoff,
                    )
                )
            ).all()
        for org_id, call_id in stale:
            async with org_session(self._maker, org_id) as db:
                call = await db.get(Call, call_id)
                if call is None or call.outcome is not None:
                    continue
                last = call.alive_at or call.stream_token_used_at or call.started_at
                call.ended_at = call.ended_at or last
                await _announce_ended(db, call)
                if call.duration_seconds is None:
                    call.duration_seconds = max(
                        0, int((call.ended_at - call.started_at).total_seconds())
                    )
                if call.status not in FINAL_STATUSES:
                    call.status = "completed"
                call.outcome = CallOutcome.FAILED
                db.add(call)
                if call.conversation_id is not None:
                    await append_event(
                        db,
                        org_id,
                        call.conversation_id,
                        "call.ended",
                        {"call_id": str(call_id), "outcome": CallOutcome.FAILED.value},
                    )
            log.warning("call abandoned by its media loop", call_id=str(call_id))
        return len(stale)

    # Twilio's status callbacks ----------------------------------------------------------

    async def by_provider_id(self, call_sid: str) -> Call | None:
        """The call Twilio names (any organization's): for checking a status callback."""
        async with platform_session(self._maker) as session:
            return (
                await session.exec(select(Call).where(Call.provider_call_id == call_sid))
            ).first()

    async def status_changed(self, call: Call, status: str, duration: str | None) -> None:
        """A signed status callback: the status; for a final one the end time and Twilio's
        duration; a call that ended before its stream ever opened was not answered."""
        if status not in KNOWN_STATUSES:
            return
        now = datetime.now(UTC)
        async with org_session(self._maker, call.org_id) as session:
            row = await session.get(Call, call.id)
            if row is None:
                return
            row.status = status
            if status in FINAL_STATUSES:
                row.ended_at = row.ended_at or now
                await _announce_ended(session, row)
                if duration is not None and duration.isdigit():
                    row.duration_seconds = int(duration)
                elif row.duration_seconds is None:
                    row.duration_seconds = max(
                        0, int((row.ended_at - row.started_at).total_seconds())
                    )
                if (
                    row.outcome is None
                    and row.stream_token_used_at is None
                    and (status in UNANSWERED_STATUSES or row.conversation_id is not None)
                ):
                    row.outcome = CallOutcome.NOT_ANSWERED
            session.add(row)
        log.info("call status", call_id=str(call.id), status=status)

    # Reading ----------------------------------------------------------------------------

    async def page(
        self,
        org_id: uuid.UUID,
        conversation_id: uuid.UUID | None,
        limit: int,
        cursor: str | None,
    ) -> CallPage:
        """Newest first (started_at, id), keyset-paged."""
        query = select(Call)
        if conversation_id is not None:
            query = query.where(Call.conversation_id == conversation_id)
        if cursor is not None:
            at, row_id = _decode_cursor(cursor)
            query = query.where(
                (col(Call.started_at) < at)
                | ((col(Call.started_at) == at) & (col(Call.id) < row_id))
            )
        query = query.order_by(col(Call.started_at).desc(), col(Call.id).desc()).limit(limit + 1)
        async with org_session(self._maker, org_id) as session:
            rows = list((await session.exec(query)).all())
        more = len(rows) > limit
        rows = rows[:limit]
        last = rows[-1] if more and rows else None
        return CallPage(rows, encode_cursor(last.started_at, last.id) if last else None)

    async def _call(self, org_id: uuid.UUID, call_id: uuid.UUID) -> Call:
        async with org_session(self._maker, org_id) as session:
            call = await session.get(Call, call_id)
        if call is None:
            raise CallError(404, "no such call")
        return call

    # Helpers ----------------------------------------------------------------------------

    def _mint(self, call: Call) -> str:
        token = secrets.token_urlsafe(32)
        call.stream_token_hash = hash_token(token)
        call.stream_token_expires_at = datetime.now(UTC) + STREAM_TOKEN_TTL
        call.stream_token_used_at = None
        return token

    async def _contact_for(self, org_id: uuid.UUID, phone: str | None) -> uuid.UUID | None:
        """The organization's contact with this number, created when there is none."""
        if phone is None:
            return None
        async with org_session(self._maker, org_id) as session:
            contact = (
                await session.exec(
                    select(Contact).where(Contact.phone == phone).order_by(col(Contact.created_at))
                )
            ).first()
            if contact is None:
                contact = Contact(org_id=org_id, phone=phone)
                session.add(contact)
            return contact.id

    async def _telephony_settings(self, org_id: uuid.UUID) -> TelephonySettings:
        async with org_session(self._maker, org_id) as session:
            organization = await session.get(Organization, org_id)
        return OrganizationSettings.of(
            organization.settings if organization else {}, org_id
        ).telephony

    async def _credentials_for_call(self, call: Call) -> TwilioCredentials | None:
        if call.to_number is None:
            return None
        account = await self._telephony.account_for_number(call.to_number)
        if account is None or account.phone_number.org_id != call.org_id:
            return None
        return account.credentials

    async def _set_outcome(
        self, org_id: uuid.UUID, call_id: uuid.UUID, outcome: CallOutcome, target: str | None
    ) -> None:
        async with org_session(self._maker, org_id) as session:
            call = await session.get(Call, call_id)
            if call is None:
                return
            if call.outcome is None:
                call.outcome = outcome
            if target is not None:
                call.transfer_target = target
            session.add(call)


async def _announce_ended(session: AsyncSession, call: Call) -> None:
    """The ``call.ended`` webhook event, in the transaction that ends the call. Each way a
    call ends (the media loop, Twilio's status, the sweep) may get here: the event id is
    derived from the call, so it is written once."""
    await record_event(
        session,
        call.org_id,
        CALL_ENDED,
        {
            "call_id": str(call.id),
            "conversation_id": str(call.conversation_id) if call.conversation_id else None,
            "direction": call.direction,
        },
        conversation_id=call.conversation_id,
        contact_id=call.contact_id,  # erased with the contact, conversation or not
        event_id=uuid.uuid5(call.id, CALL_ENDED),
    )


def _decode_cursor(value: str) -> tuple[datetime, uuid.UUID]:
    parsed = decode_cursor(value)
    if parsed is None:
        raise CallError(422, "cursor is not one this API returned")
    return parsed


async def sweep_abandoned_calls(calls: Calls, every: float, stale_after: timedelta) -> None:
    """Run :meth:`Calls.end_abandoned` every ``every`` seconds, for as long as the API runs
    (each API process runs one; the update is idempotent)."""
    while True:
        await asyncio.sleep(every)
        try:
            await calls.end_abandoned(stale_after)
        except Exception as error:  # the database away for a moment: try again next time
            log.warning("abandoned calls sweep failed", error_type=type(error).__name__)
