"""Phone calls through Twilio, up to the media stream: the signed webhooks, the rows an
inbound call writes, single-use stream tokens, status callbacks, an organization's sealed
Twilio account and its numbers, transfer and "end call". Twilio is the fake of
tests/fakes/twilio.py, reached by the real ``twilio`` client through our http client."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import httpx
import psycopg
import pytest
from cryptography.exceptions import InvalidTag
from pydantic import SecretStr
from sqlmodel import select
from temporalio.client import Client

from agents.providers.embeddings import LocalMiniLMEmbedder
from core.db import SessionMaker, org_session
from core.encryption import DataKeys
from core.models import (
    Call,
    CallOutcome,
    Channel,
    Contact,
    Conversation,
    ConversationEvent,
    PhoneNumber,
    Role,
    TelephonyAccount,
)
from core.organization_settings import WEEKDAYS
from core.settings import Settings
from services.calls import Calls, CallSession, TransferOutcome
from services.errors import RefusedError
from services.telephony import Telephony, TwilioCredentials
from tests.conftest import RunningApi, serve
from tests.factories import create_organization, member_headers
from tests.fakes.twilio import FakeCall, FakeTwilio

ACCOUNT_SID = "AC" + "1" * 28 + "4321"
AUTH_TOKEN = "authtoken" + "7" * 23
NUMBER = "+15550100001"
NUMBER_SID = "PN" + "a" * 32
OTHER_NUMBER = "+15550100002"
OTHER_SID = "PN" + "b" * 32
CALLER = "+15550199999"
HANDOFF = "+15550123000"
PUBLIC_URL = "https://voice.example.test"


@pytest.fixture
async def twilio() -> AsyncIterator[FakeTwilio]:
    numbers = [(NUMBER_SID, NUMBER), (OTHER_SID, OTHER_NUMBER)]
    async with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN, numbers=numbers) as fake:
        yield fake


@pytest.fixture
def phone_settings(settings: Settings, twilio: FakeTwilio) -> Settings:
    return settings.model_copy(
        update={"twilio_api_base_url": twilio.base_url, "public_url": PUBLIC_URL}
    )


@pytest.fixture
async def api(phone_settings: Settings, embedder: LocalMiniLMEmbedder) -> AsyncIterator[RunningApi]:
    async with serve(phone_settings, embedder) as running:
        yield running


@pytest.fixture
def calls(
    session_maker: SessionMaker,
    temporal_client: Client,
    phone_settings: Settings,
    keyring: DataKeys,
) -> Calls:
    return Calls(
        session_maker,
        temporal_client,
        phone_settings,
        Telephony(session_maker, keyring, phone_settings),
    )


async def _connected_org(
    api: RunningApi, maker: SessionMaker, settings: Settings
) -> tuple[uuid.UUID, dict[str, str]]:
    """An organization with the fake's account connected and its numbers imported."""
    organization = await create_organization(maker)
    headers = await member_headers(settings, maker, organization.id, Role.OWNER)
    async with api.client(headers=headers) as client:
        connected = await client.put(
            f"/api/orgs/{organization.id}/telephony/account",
            json={"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN},
        )
        assert connected.status_code == 200, connected.text
        imported = await client.post(f"/api/orgs/{organization.id}/phone-numbers/import")
        assert imported.status_code == 200, imported.text
    return organization.id, headers


async def _put_settings(
    api: RunningApi, org_id: uuid.UUID, headers: dict[str, str], **values: object
) -> httpx.Response:
    async with api.client(headers=headers) as client:
        return await client.put(f"/api/orgs/{org_id}/telephony/settings", json=values)


async def _call(
    twilio: FakeTwilio, api: RunningApi, to: str = NUMBER, **kwargs: object
) -> FakeCall:
    return await twilio.call(api.url, PUBLIC_URL, to=to, from_=CALLER, stream=False, **kwargs)  # type: ignore[arg-type]


def _token(call: FakeCall) -> str:
    assert call.stream_url is not None
    return call.stream_url.rsplit("/", 1)[1]


async def _row(maker: SessionMaker, org_id: uuid.UUID, call: FakeCall) -> Call:
    async with org_session(maker, org_id) as session:
        return (await session.exec(select(Call).where(Call.provider_call_id == call.sid))).one()


# Webhook signatures ------------------------------------------------------------------------


async def test_a_forged_or_missing_signature_is_refused_and_writes_nothing(
    api: RunningApi, twilio: FakeTwilio, session_maker: SessionMaker, phone_settings: Settings
) -> None:
    org_id, _ = await _connected_org(api, session_maker, phone_settings)
    forged = await _call(twilio, api, signature="c2lnbmVkIGJ5IHNvbWVvbmUgZWxzZQ==")
    assert forged.status_code == 403
    # Signed with another account's token: as forged.
    impostor = FakeTwilio(ACCOUNT_SID, "another-token-" + "0" * 18)
    answer = await impostor.post_webhook(
        api.url, PUBLIC_URL, "/api/twilio/voice", {"CallSid": "CA1", "To": NUMBER, "From": CALLER}
    )
    assert answer.status_code == 403
    async with httpx.AsyncClient() as client:
        unsigned = await client.post(
            api.url + "/api/twilio/voice", data={"To": NUMBER, "From": CALLER, "CallSid": "CA2"}
        )
        assert unsigned.status_code == 403
        status = await client.post(
            api.url + "/api/twilio/status",
            data={"CallSid": "CA2", "CallStatus": "completed", "To": NUMBER},
            headers={"X-Twilio-Signature": "bm9wZQ=="},
        )
        assert status.status_code == 403
    async with org_session(session_maker, org_id) as session:
        assert (await session.exec(select(Call))).all() == []
        assert (await session.exec(select(Conversation))).all() == []


async def test_the_webhooks_are_exempt_from_csrf_but_still_need_the_signature(
    api: RunningApi, twilio: FakeTwilio, session_maker: SessionMaker, phone_settings: Settings
) -> None:
    """A browser's session cookie and a foreign Origin do not make the CSRF middleware refuse
    a webhook (Twilio sends neither): the signature alone decides."""
    await _connected_org(api, session_maker, phone_settings)
    cookies = {"perceptron_session": "some-session"}
    headers = {"Origin": "https://elsewhere.example"}
    async with httpx.AsyncClient(cookies=cookies, headers=headers) as client:
        refused = await client.post(api.url + "/api/twilio/voice", data={"To": NUMBER})
        assert refused.status_code == 403
        assert refused.json()["detail"] == "invalid Twilio signature"
        params = {
            "CallSid": "CA" + "9" * 32,
            "AccountSid": ACCOUNT_SID,
            "To": NUMBER,
            "From": CALLER,
        }
        signature = twilio_signature(PUBLIC_URL + "/api/twilio/voice", params)
        answered = await client.post(
            api.url + "/api/twilio/voice", data=params, headers={"X-Twilio-Signature": signature}
        )
        assert answered.status_code == 200
        assert "<Stream" in answered.text


def twilio_signature(url: str, params: dict[str, str]) -> str:
    from twilio.request_validator import RequestValidator

    return str(RequestValidator(AUTH_TOKEN).compute_signature(url, params))


async def test_an_unknown_number_is_not_in_service(api: RunningApi, twilio: FakeTwilio) -> None:
    call = await _call(twilio, api, to="+15550177777")
    assert call.status_code == 200
    assert call.said == ["The number you have called is not in service. Goodbye."]
    assert ElementTree.fromstring(call.twiml).find("Hangup") is not None
    assert call.stream_url is None


# An inbound call -----------------------------------------------------------------------------


async def test_a_call_to_a_known_number_connects_a_stream_and_writes_its_rows(
    api: RunningApi, twilio: FakeTwilio, session_maker: SessionMaker, phone_settings: Settings
) -> None:
    org_id, _ = await _connected_org(api, session_maker, phone_settings)
    call = await _call(twilio, api)
    assert call.status_code == 200, call.twiml
    assert call.stream_url is not None
    assert call.stream_url.startswith("wss://voice.example.test/api/twilio/media/")
    token = _token(call)
    assert len(token) >= 40
    assert "?" not in call.stream_url

    row = await _row(session_maker, org_id, call)
    assert call.parameters == {"call_id": str(row.id)}
    assert (row.direction, row.status) == ("inbound", "in-progress")
    assert (row.from_number, row.to_number) == (CALLER, NUMBER)
    assert row.stream_token_hash is not None
    assert token not in row.stream_token_hash
    assert row.stream_token_expires_at is not None
    assert row.stream_token_expires_at - datetime.now(UTC) <= timedelta(seconds=60)
    async with org_session(session_maker, org_id) as session:
        number = (await session.exec(select(PhoneNumber).where(PhoneNumber.number == NUMBER))).one()
        assert row.phone_number_id == number.id
        conversation = await session.get(Conversation, row.conversation_id)
        assert conversation is not None
        assert conversation.channel is Channel.PHONE
        contact = await session.get(Contact, row.contact_id)
        assert contact is not None
        assert contact.phone == CALLER
        assert conversation.contact_id == contact.id

    # The same caller again: the same contact, a new conversation and call.
    again = await _call(twilio, api)
    second = await _row(session_maker, org_id, again)
    assert second.contact_id == row.contact_id
    assert second.conversation_id != row.conversation_id


async def test_local_public_urls_stream_over_plain_ws(
    settings: Settings,
    embedder: LocalMiniLMEmbedder,
    twilio: FakeTwilio,
    session_maker: SessionMaker,
) -> None:
    local = settings.model_copy(update={"twilio_api_base_url": twilio.base_url})
    async with serve(local, embedder) as running:
        await _connected_org(running, session_maker, local)
        call = await twilio.call(running.url, running.url, to=NUMBER, from_=CALLER, stream=False)
    assert call.stream_url is not None
    assert call.stream_url.startswith(f"ws://127.0.0.1:{local.api_port}/api/twilio/media/")


async def test_a_stream_token_redeems_once_and_expires(
    api: RunningApi,
    twilio: FakeTwilio,
    session_maker: SessionMaker,
    phone_settings: Settings,
    calls: Calls,
) -> None:
    org_id, headers = await _connected_org(api, session_maker, phone_settings)
    greeting = "Hi, you've reached Acme's assistant."
    assert (await _put_settings(api, org_id, headers, call_greeting=greeting)).status_code == 200
    call = await _call(twilio, api)
    row = await _row(session_maker, org_id, call)

    session = await calls.redeem_stream_token(_token(call))
    assert session == CallSession(
        org_id=org_id,
        call_id=row.id,
        conversation_id=row.conversation_id,  # type: ignore[arg-type]
        channel=Channel.PHONE,
        greeting=greeting,
        provider_call_id=call.sid,
        recording=False,
    )
    assert (await _row(session_maker, org_id, call)).stream_token_used_at is not None
    with pytest.raises(RefusedError) as reused:
        await calls.redeem_stream_token(_token(call))
    assert reused.value.status == 403
    with pytest.raises(RefusedError) as unknown:
        await calls.redeem_stream_token("not-a-token")
    assert unknown.value.status == 403

    late = await _call(twilio, api)
    async with org_session(session_maker, org_id) as db:
        stale = await _row(session_maker, org_id, late)
        stale.stream_token_expires_at = datetime.now(UTC) - timedelta(seconds=1)
        db.add(stale)
    with pytest.raises(RefusedError) as expired:
        await calls.redeem_stream_token(_token(late))
    assert expired.value.status == 403

    # A caller who hung up before the stream opened: the token no longer works.
    hung_up = await _call(twilio, api)
    await twilio.post_webhook(
        api.url,
        PUBLIC_URL,
        "/api/twilio/status",
        {**hung_up._call_params(), "CallStatus": "completed", "CallDuration": "1"},
    )
    with pytest.raises(RefusedError) as ended:
        await calls.redeem_stream_token(_token(hung_up))
    assert ended.value.status == 403
    assert (await _row(session_maker, org_id, hung_up)).outcome is CallOutcome.NOT_ANSWERED


async def test_two_sockets_racing_with_one_token_get_one_call(
    api: RunningApi,
    twilio: FakeTwilio,
    session_maker: SessionMaker,
    phone_settings: Settings,
    calls: Calls,
) -> None:
    await _connected_org(api, session_maker, phone_settings)
    call = await _call(twilio, api)
    results = await asyncio.gather(
        *(calls.redeem_stream_token(_token(call)) for _ in range(4)), return_exceptions=True
    )
    assert sum(isinstance(result, CallSession) for result in results) == 1
    assert all(
        isinstance(result, CallSession) or getattr(result, "status", None) == 403
        for result in results
    )


async def test_status_callbacks_record_status_duration_and_unanswered_calls(
    api: RunningApi,
    twilio: FakeTwilio,
    session_maker: SessionMaker,
    phone_settings: Settings,
    calls: Calls,
) -> None:
    org_id, _ = await _connected_org(api, session_maker, phone_settings)
    answered = await _call(twilio, api)
    await calls.redeem_stream_token(_token(answered))
    callback = await twilio.post_webhook(
        api.url,
        PUBLIC_URL,
        "/api/twilio/status",
        {**answered._call_params(), "CallStatus": "completed", "CallDuration": "42"},
    )
    assert callback.status_code == 204
    row = await _row(session_maker, org_id, answered)
    assert (row.status, row.duration_seconds) == ("completed", 42)
    assert row.ended_at is not None
    assert row.outcome is None

    busy = await _call(twilio, api)
    callback = await twilio.post_webhook(
        api.url,
        PUBLIC_URL,
        "/api/twilio/status",
        {**busy._call_params(), "CallStatus": "no-answer", "CallDuration": "0"},
    )
    assert callback.status_code == 204
    row = await _row(session_maker, org_id, busy)
    assert (row.status, row.outcome, row.duration_seconds) == (
        "no-answer",
        CallOutcome.NOT_ANSWERED,
        0,
    )

    # The media loop's last word never overwrites what is recorded.
    assert row.conversation_id is not None
    session = CallSession(org_id, row.id, row.conversation_id, Channel.PHONE, "", busy.sid, False)
    await calls.ended(session, CallOutcome.COMPLETED)
    assert (await _row(session_maker, org_id, busy)).outcome is CallOutcome.NOT_ANSWERED


async def test_the_media_loops_last_word_records_end_duration_and_outcome_once(
    api: RunningApi,
    twilio: FakeTwilio,
    session_maker: SessionMaker,
    phone_settings: Settings,
    calls: Calls,
) -> None:
    org_id, _ = await _connected_org(api, session_maker, phone_settings)
    call = await _call(twilio, api)
    session = await calls.redeem_stream_token(_token(call))
    await calls.ended(session, CallOutcome.FAILED)
    first = await _row(session_maker, org_id, call)
    await calls.ended(session, CallOutcome.COMPLETED)
    second = await _row(session_maker, org_id, call)
    assert first.outcome is second.outcome is CallOutcome.FAILED
    assert first.ended_at == second.ended_at is not None
    assert second.duration_seconds is not None
    assert second.status == "completed"


# The account and its numbers -----------------------------------------------------------------


async def test_connecting_an_account_stores_nothing_readable_and_wrong_credentials_get_422(
    api: RunningApi,
    twilio: FakeTwilio,
    session_maker: SessionMaker,
    phone_settings: Settings,
    database_url: str,
) -> None:
    organization = await create_organization(session_maker)
    headers = await member_headers(phone_settings, session_maker, organization.id)
    base = f"/api/orgs/{organization.id}/telephony"
    async with api.client(headers=headers) as client:
        wrong = await client.put(
            base + "/account", json={"account_sid": ACCOUNT_SID, "auth_token": "wrong" * 6}
        )
        assert wrong.status_code == 422
        assert "Twilio refused" in wrong.json()["detail"]
        assert (await client.get(base)).json()["account"] is None

        connected = await client.put(
            base + "/account", json={"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN}
        )
        assert connected.status_code == 200
        assert connected.json()["account_hint"] == "AC…4321"
        shown = (await client.get(base)).json()
        assert shown["account"]["account_hint"] == "AC…4321"
        assert ACCOUNT_SID not in str(shown)
        assert AUTH_TOKEN not in str(shown)
        assert shown["settings"]["record_calls"] is False
        assert shown["voice"]["description"]

    # Twilio was asked, through Basic auth, before anything was stored.
    checks = [r for r in twilio.requests if r.path.endswith(f"{ACCOUNT_SID}.json")]
    assert [r.authorized for r in checks] == [False, True]

    dsn = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as connection:
        rows = connection.execute(
            "SELECT row_to_json(t)::text, sealed_credentials FROM telephony_accounts t"
        ).fetchall()
    assert len(rows) == 1
    as_text, sealed = rows[0]
    for secret in (ACCOUNT_SID, AUTH_TOKEN, ACCOUNT_SID[2:], AUTH_TOKEN[:12]):
        assert secret not in as_text
        assert secret.encode() not in bytes(sealed)

    async with api.client(headers=headers) as client:
        assert (await client.delete(base + "/account")).status_code == 204
        assert (await client.get(base)).json()["account"] is None
        assert (await client.delete(base + "/account")).status_code == 404


async def test_numbers_import_route_and_can_be_put_straight_through(
    api: RunningApi, twilio: FakeTwilio, session_maker: SessionMaker, phone_settings: Settings
) -> None:
    org_id, headers = await _connected_org(api, session_maker, phone_settings)
    for sid in (NUMBER_SID, OTHER_SID):
        routed = twilio.routed(sid)
        assert routed["VoiceUrl"] == PUBLIC_URL + "/api/twilio/voice"
        assert routed["StatusCallback"] == PUBLIC_URL + "/api/twilio/status"
        assert routed["VoiceMethod"] == "POST"
    base = f"/api/orgs/{org_id}/phone-numbers"
    async with api.client(headers=headers) as client:
        listed = (await client.get(base)).json()["numbers"]
        assert [(n["number"], n["source"], n["assistant_enabled"]) for n in listed] == [
            (NUMBER, "own", True),
            (OTHER_NUMBER, "own", True),
        ]
        # Importing again changes nothing.
        assert (await client.post(base + "/import")).json()["numbers"] == listed
        first = listed[0]["id"]
        patched = await client.patch(
            f"{base}/{first}", json={"label": "Front desk", "assistant_enabled": False}
        )
        assert patched.status_code == 200
        assert (patched.json()["label"], patched.json()["assistant_enabled"]) == (
            "Front desk",
            False,
        )

    # Not routed to the assistant, no handoff number: nobody can take it.
    nobody = await _call(twilio, api)
    assert nobody.stream_url is None
    assert "nobody can take your call" in nobody.said[0]
    assert (await _put_settings(api, org_id, headers, handoff_number=HANDOFF)).status_code == 200
    straight = await _call(twilio, api)
    assert straight.dial_target == HANDOFF
    assert straight.stream_url is None
    row = await _row(session_maker, org_id, straight)
    assert (row.outcome, row.transfer_target, row.conversation_id) == (
        CallOutcome.TRANSFERRED,
        HANDOFF,
        None,
    )

    async with api.client(headers=headers) as client:
        assert (await client.delete(f"{base}/{first}")).status_code == 204
        assert [n["number"] for n in (await client.get(base)).json()["numbers"]] == [OTHER_NUMBER]
    gone = await _call(twilio, api)
    assert gone.said == ["The number you have called is not in service. Goodbye."]


async def test_telephony_settings_validate_and_are_audit_logged_by_key(
    api: RunningApi, twilio: FakeTwilio, session_maker: SessionMaker, phone_settings: Settings
) -> None:
    org_id, headers = await _connected_org(api, session_maker, phone_settings)
    for bad, field in (
        ({"handoff_number": "555-1234"}, "handoff_number"),
        ({"business_hours": {"timezone": "Mars/Olympus", "weekly": {}}}, "timezone"),
        ({"business_hours": {"timezone": "UTC", "weekly": {"mon": ["17:00-09:00"]}}}, "mon"),
        ({"business_hours": {"timezone": "UTC", "weekly": {"xyz": ["09:00-17:00"]}}}, "xyz"),
        ({"call_greeting": "x" * 301}, "call_greeting"),
    ):
        refused = await _put_settings(api, org_id, headers, **bad)
        assert refused.status_code == 422, bad
        assert field in refused.text
    hours = {"timezone": "America/New_York", "weekly": {"mon": ["09:00-17:00"]}}
    changed = await _put_settings(
        api, org_id, headers, handoff_number=HANDOFF, business_hours=hours, record_calls=True
    )
    assert changed.status_code == 200
    body = changed.json()
    assert body["handoff_number"] == HANDOFF
    assert body["record_calls"] is True
    assert body["business_hours"]["weekly"]["mon"] == ["09:00-17:00"]
    assert body["business_hours"]["weekly"]["tue"] == []
    # Only what is sent changes.
    kept = (await _put_settings(api, org_id, headers, call_greeting="Hello there.")).json()
    assert kept["handoff_number"] == HANDOFF
    assert kept["call_greeting"] == "Hello there."

    operator = await member_headers(phone_settings, session_maker, org_id, Role.OPERATOR)
    assert (await _put_settings(api, org_id, operator, record_calls=False)).status_code == 403
    async with api.client(headers=headers) as client:
        generic = await client.patch(
            f"/api/orgs/{org_id}", json={"settings": {"telephony": {"record_calls": False}}}
        )
    assert generic.status_code == 422
    assert "/telephony/settings" in generic.json()["detail"]
    async with api.client(headers=headers) as client:
        log = (await client.get(f"/api/orgs/{org_id}/audit-log")).json()
    entries = [e for e in log["items"] if e["action"] == "telephony.settings_changed"]
    assert [e["details"]["keys"] for e in entries] == [
        ["call_greeting"],
        ["business_hours", "handoff_number", "record_calls"],
    ]
    assert HANDOFF not in str(log)


# Transfer and ending a call ------------------------------------------------------------------


def _hours_open_now(tz: str = "America/Los_Angeles") -> dict[str, object]:
    today = WEEKDAYS[datetime.now(ZoneInfo(tz)).weekday()]
    return {"timezone": tz, "weekly": {today: ["00:00-24:00"]}}


def _hours_closed_today(tz: str = "Asia/Tokyo") -> dict[str, object]:
    today = datetime.now(ZoneInfo(tz)).weekday()
    other = WEEKDAYS[(today + 3) % 7]
    return {"timezone": tz, "weekly": {other: ["09:00-17:00"]}}


async def _needs_human(maker: SessionMaker, org_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
    for _ in range(200):
        async with org_session(maker, org_id) as session:
            conversation = await session.get(Conversation, conversation_id)
        if conversation is not None and conversation.needs_human:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the conversation never asked for a human")


async def test_transfer_within_hours_dials_the_handoff_number_through_rest(
    api: RunningApi,
    twilio: FakeTwilio,
    session_maker: SessionMaker,
    phone_settings: Settings,
    calls: Calls,
    worker: None,
) -> None:
    org_id, headers = await _connected_org(api, session_maker, phone_settings)
    changed = await _put_settings(
        api, org_id, headers, handoff_number=HANDOFF, business_hours=_hours_open_now()
    )
    assert changed.status_code == 200
    call = await twilio.call(api.url, PUBLIC_URL, to=NUMBER, from_=CALLER, stream=False)
    session = await calls.redeem_stream_token(_token(call))

    outcome, say = await calls.transfer(session)
    assert outcome is TransferOutcome.DIALLED
    assert say
    redirects = [r for r in twilio.requests if r.path.endswith(f"/Calls/{call.sid}.json")]
    assert len(redirects) == 1
    assert redirects[0].authorized
    twiml = ElementTree.fromstring(redirects[0].form["Twiml"])
    assert twiml.findtext("Dial") == HANDOFF
    assert twiml.findtext("Say")
    for _ in range(100):
        if call.dial_target is not None:
            break
        await asyncio.sleep(0.02)
    assert call.dial_target == HANDOFF
    row = await _row(session_maker, org_id, call)
    assert (row.outcome, row.transfer_target) == (CallOutcome.TRANSFERRED, HANDOFF)
    await _needs_human(session_maker, org_id, session.conversation_id)
    # The media loop's "completed" afterwards keeps the transfer.
    await calls.ended(session, CallOutcome.COMPLETED)
    assert (await _row(session_maker, org_id, call)).outcome is CallOutcome.TRANSFERRED


async def test_transfer_outside_hours_offers_a_callback_and_without_a_number_is_unavailable(
    api: RunningApi,
    twilio: FakeTwilio,
    session_maker: SessionMaker,
    phone_settings: Settings,
    calls: Calls,
    worker: None,
) -> None:
    org_id, headers = await _connected_org(api, session_maker, phone_settings)
    await _put_settings(
        api, org_id, headers, handoff_number=HANDOFF, business_hours=_hours_closed_today()
    )
    call = await _call(twilio, api)
    session = await calls.redeem_stream_token(_token(call))
    outcome, say = await calls.transfer(session)
    assert outcome is TransferOutcome.CLOSED
    assert say.startswith("Our team is available ")
    assert ", Tokyo time." in say
    assert say.endswith("I've passed your number to them and someone will call you back.")
    assert not [r for r in twilio.requests if "/Calls/" in r.path]  # no redirect
    await _needs_human(session_maker, org_id, session.conversation_id)
    await calls.ended(session, CallOutcome.COMPLETED)
    assert (await _row(session_maker, org_id, call)).outcome is CallOutcome.CALLBACK

    await _put_settings(api, org_id, headers, handoff_number=None, business_hours=None)
    other = await _call(twilio, api)
    other_session = await calls.redeem_stream_token(_token(other))
    outcome, say = await calls.transfer(other_session)
    assert outcome is TransferOutcome.UNAVAILABLE
    assert say
    await _needs_human(session_maker, org_id, other_session.conversation_id)


async def test_ending_a_call_asks_the_media_loop_and_completes_it_at_twilio(
    api: RunningApi,
    twilio: FakeTwilio,
    session_maker: SessionMaker,
    phone_settings: Settings,
    calls: Calls,
) -> None:
    org_id, _ = await _connected_org(api, session_maker, phone_settings)
    call = await _call(twilio, api)
    session = await calls.redeem_stream_token(_token(call))
    operator = await member_headers(phone_settings, session_maker, org_id, Role.OPERATOR)
    async with api.client(headers=operator) as client:
        ended = await client.post(f"/api/orgs/{org_id}/calls/{session.call_id}/end")
        assert ended.status_code == 202, ended.text
        listed = (await client.get(f"/api/orgs/{org_id}/calls")).json()
    assert listed["calls"][0]["id"] == str(session.call_id)
    async with org_session(session_maker, org_id) as db:
        events = (
            await db.exec(
                select(ConversationEvent).where(
                    ConversationEvent.conversation_id == session.conversation_id
                )
            )
        ).all()
    assert [(e.type, e.data) for e in events if e.type == "call.end_requested"] == [
        ("call.end_requested", {"call_id": str(session.call_id)})
    ]
    completes = [r for r in twilio.requests if r.path.endswith(f"/Calls/{call.sid}.json")]
    assert [r.form.get("Status") for r in completes] == ["completed"]
    # The fake hangs up and posts the status callback, which records the end.
    # The API commits the row before its 204 reaches the fake: wait for both.
    for _ in range(250):
        row = await _row(session_maker, org_id, call)
        if row.status == "completed" and call.status_callbacks:
            break
        await asyncio.sleep(0.02)
    assert row.status == "completed"
    assert row.ended_at is not None
    assert call.status_callbacks == [204]
    assert row.outcome is CallOutcome.ENDED_BY_OPERATOR


async def test_calls_page_newest_first_and_filter_by_conversation(
    api: RunningApi, twilio: FakeTwilio, session_maker: SessionMaker, phone_settings: Settings
) -> None:
    org_id, headers = await _connected_org(api, session_maker, phone_settings)
    placed = [await _call(twilio, api) for _ in range(3)]
    rows = [await _row(session_maker, org_id, call) for call in placed]
    async with api.client(headers=headers) as client:
        first = (await client.get(f"/api/orgs/{org_id}/calls", params={"limit": 2})).json()
        rest = (
            await client.get(
                f"/api/orgs/{org_id}/calls", params={"limit": 2, "cursor": first["next_cursor"]}
            )
        ).json()
        one = (
            await client.get(
                f"/api/orgs/{org_id}/calls",
                params={"conversation_id": str(rows[0].conversation_id)},
            )
        ).json()
    ids = [c["id"] for c in first["calls"] + rest["calls"]]
    assert ids == [str(row.id) for row in reversed(rows)]
    assert rest["next_cursor"] is None
    assert [c["id"] for c in one["calls"]] == [str(rows[0].id)]
    assert first["calls"][0]["from_number"] == CALLER


async def test_another_organizations_calls_and_numbers_are_404(
    api: RunningApi, twilio: FakeTwilio, session_maker: SessionMaker, phone_settings: Settings
) -> None:
    org_id, headers = await _connected_org(api, session_maker, phone_settings)
    call = await _call(twilio, api)
    row = await _row(session_maker, org_id, call)
    async with api.client(headers=headers) as client:
        number_id = (await client.get(f"/api/orgs/{org_id}/phone-numbers")).json()["numbers"][0][
            "id"
        ]
    other = await create_organization(session_maker, "Other")
    other_headers = await member_headers(phone_settings, session_maker, other.id)
    base = f"/api/orgs/{other.id}"
    async with api.client(headers=other_headers) as client:
        assert (await client.post(f"{base}/calls/{row.id}/end")).status_code == 404
        assert (await client.get(f"{base}/calls")).json()["calls"] == []
        assert (
            await client.patch(f"{base}/phone-numbers/{number_id}", json={"label": "mine"})
        ).status_code == 404
        assert (await client.delete(f"{base}/phone-numbers/{number_id}")).status_code == 404
        assert (await client.get(f"{base}/phone-numbers")).json()["numbers"] == []
        # Another organization's path is refused outright.
        assert (await client.get(f"/api/orgs/{org_id}/calls")).status_code == 403
        # Importing the same account's numbers into another organization takes none of them.
        connected = await client.put(
            f"{base}/telephony/account", json={"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN}
        )
        assert connected.status_code == 200
        assert (await client.post(f"{base}/phone-numbers/import")).json()["numbers"] == []


async def test_nothing_logged_holds_a_number_sid_or_token(
    api: RunningApi,
    twilio: FakeTwilio,
    session_maker: SessionMaker,
    phone_settings: Settings,
    calls: Calls,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    org_id, headers = await _connected_org(api, session_maker, phone_settings)
    await _put_settings(api, org_id, headers, handoff_number=HANDOFF)
    async with api.client(headers=headers) as client:
        await client.put(
            f"/api/orgs/{org_id}/telephony/account",
            json={"account_sid": ACCOUNT_SID, "auth_token": "wrong" * 6},
        )
    await _call(twilio, api, signature="Zm9yZ2Vk")
    call = await _call(twilio, api)
    token = _token(call)
    session = await calls.redeem_stream_token(token)
    with pytest.raises(RefusedError):
        await calls.redeem_stream_token(token)
    await calls.transfer(session)
    await twilio.post_webhook(
        api.url,
        PUBLIC_URL,
        "/api/twilio/status",
        {**call._call_params(), "CallStatus": "completed", "CallDuration": "3"},
    )
    # uvicorn's access log is the test servers' (the fake's and this API's): `perceptron api`
    # runs without one (cli/main.py), so it is left out.
    ours = [record for record in caplog.records if record.name != "uvicorn.access"]
    logged = "".join(f"{record.getMessage()} {record.__dict__}" for record in ours)
    assert "inbound call answered" in logged  # the capture works
    for secret in (ACCOUNT_SID, AUTH_TOKEN, token, call.sid, "wrong" * 6):
        assert secret not in logged
    for number in (NUMBER, CALLER, HANDOFF):
        assert number not in logged
        assert number[1:] not in logged


# Platform numbers and browser calls ----------------------------------------------------------

PLATFORM_SID = "AC" + "2" * 32
PLATFORM_TOKEN = "platformtoken" + "3" * 19
PLATFORM_NUMBER = "+15550155555"


async def test_platform_staff_assign_a_number_that_answers_with_the_platform_account(
    settings: Settings,
    embedder: LocalMiniLMEmbedder,
    session_maker: SessionMaker,
    database_url: str,
) -> None:
    organization = await create_organization(session_maker)
    assigned = _perceptron(
        "phone-number", PLATFORM_NUMBER, "--org", str(organization.id), database_url=database_url
    )
    assert assigned.returncode == 0, assigned.stderr
    again = _perceptron(
        "phone-number", PLATFORM_NUMBER, "--org", str(organization.id), database_url=database_url
    )
    assert again.returncode == 1
    assert "already assigned" in again.stderr
    async with org_session(session_maker, organization.id) as session:
        number = (await session.exec(select(PhoneNumber))).one()
    assert (number.number, number.source.value) == (PLATFORM_NUMBER, "platform")

    async with FakeTwilio(PLATFORM_SID, PLATFORM_TOKEN) as platform:
        configured = settings.model_copy(
            update={
                "twilio_api_base_url": platform.base_url,
                "public_url": PUBLIC_URL,
                "twilio_account_sid": PLATFORM_SID,
                "twilio_auth_token": SecretStr(PLATFORM_TOKEN),
            }
        )
        async with serve(configured, embedder) as running:
            call = await platform.call(
                running.url, PUBLIC_URL, to=PLATFORM_NUMBER, from_=CALLER, stream=False
            )
            assert call.status_code == 200
            assert call.stream_url is not None
            # Signed by any other account: refused.
            async with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as other:
                other.account_sid = PLATFORM_SID  # claims to be the platform
                forged = await other.call(
                    running.url, PUBLIC_URL, to=PLATFORM_NUMBER, from_=CALLER, stream=False
                )
            assert forged.status_code == 403
    row = await _row(session_maker, organization.id, call)
    assert row.phone_number_id == number.id


def _perceptron(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).parent / "perceptron"), *args],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_a_browser_call_gets_a_single_use_token_in_the_visitors_own_conversation(
    session_maker: SessionMaker, calls: Calls
) -> None:
    organization = await create_organization(session_maker)
    async with org_session(session_maker, organization.id) as session:
        visitor, stranger = Contact(org_id=organization.id), Contact(org_id=organization.id)
        session.add_all([visitor, stranger])
        conversation = Conversation(
            org_id=organization.id, contact_id=visitor.id, channel=Channel.CHAT
        )
        session.add(conversation)
    with pytest.raises(RefusedError) as not_theirs:
        await calls.start_browser_call(organization.id, stranger.id, conversation.id)
    assert not_theirs.value.status == 404

    call_id, token = await calls.start_browser_call(organization.id, visitor.id, conversation.id)
    voice = await calls.redeem_stream_token(token)
    assert (voice.call_id, voice.conversation_id) == (call_id, conversation.id)
    assert (voice.channel, voice.provider_call_id) == (Channel.VOICE, None)
    with pytest.raises(RefusedError):
        await calls.redeem_stream_token(token)
    async with org_session(session_maker, organization.id) as db:
        row = await db.get(Call, call_id)
    assert row is not None
    assert (row.direction, row.status, row.contact_id) == ("browser", "in-progress", visitor.id)

    # In the browser a person joins in the inbox: nothing to dial.
    outcome, say = await calls.transfer(voice)
    assert outcome is TransferOutcome.UNAVAILABLE
    assert say.endswith("they'll reply here.")

    await calls.hang_up(organization.id, call_id)  # no Twilio: only the event
    async with org_session(session_maker, organization.id) as db:
        events = (await db.exec(select(ConversationEvent))).all()
    assert [e.type for e in events] == ["call.end_requested"]
    await calls.ended(voice, CallOutcome.ENDED_BY_OPERATOR)
    with pytest.raises(RefusedError) as over:
        await calls.hang_up(organization.id, call_id)
    assert over.value.status == 409


async def test_sealed_credentials_open_only_for_their_own_organization(
    session_maker: SessionMaker, keyring: DataKeys, phone_settings: Settings
) -> None:
    telephony = Telephony(session_maker, keyring, phone_settings)
    first = await create_organization(session_maker, "First")
    second = await create_organization(session_maker, "Second")
    credentials = TwilioCredentials(ACCOUNT_SID, AUTH_TOKEN)
    sealed, key_id = await telephony.seal_credentials(first.id, credentials)
    own = TelephonyAccount(
        org_id=first.id, sealed_credentials=sealed, key_id=key_id, account_hint=credentials.hint
    )
    assert await telephony.open_credentials(own) == credentials
    moved = TelephonyAccount(
        org_id=second.id, sealed_credentials=sealed, key_id=key_id, account_hint="AC…4321"
    )
    with pytest.raises(InvalidTag):
        await telephony.open_credentials(moved)
    assert AUTH_TOKEN not in repr(credentials)


async def test_the_webhooks_are_rate_limited_per_address(
    settings: Settings, embedder: LocalMiniLMEmbedder
) -> None:
    limited = settings.model_copy(update={"twilio_webhooks_per_minute": 10})
    async with serve(limited, embedder) as running, httpx.AsyncClient() as client:
        answers = [
            (await client.post(running.url + "/api/twilio/voice", data={"To": NUMBER})).status_code
            for _ in range(11)
        ]
    assert answers == [403] * 10 + [429]
