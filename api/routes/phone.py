"""An organization's telephony for the dashboard: its Twilio account, numbers, settings and
calls. The account, numbers and settings are for owners and admins; the call log and
"end call" for operators too."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel, Field

from api.deps import OrgAdmin, StateDep, require_roles
from api.paging import PageSize
from api.responses import MEMBER_ERRORS
from core.models import Call, CallOutcome, PhoneNumber, Role, TelephonyAccount
from core.organization_settings import TelephonySettings
from services.accounts import Principal
from services.voice.speech import SpeechStack

router = APIRouter(prefix="/api/orgs/{org_id}", tags=["phone"], responses=MEMBER_ERRORS)

CallViewer = Annotated[Principal, Depends(require_roles(Role.OWNER, Role.ADMIN, Role.OPERATOR))]


class TelephonyAccountView(BaseModel):
    provider: Literal["twilio"] = "twilio"
    account_hint: str = Field(description="the connected account, e.g. AC…1234")
    connected_at: datetime

    @classmethod
    def of(cls, account: TelephonyAccount) -> TelephonyAccountView:
        return cls(account_hint=account.account_hint, connected_at=account.updated_at)


class VoiceView(BaseModel):
    description: str
    speaks: bool = Field(description="false: no voice is available on this installation")


class TelephonyView(BaseModel):
    account: TelephonyAccountView | None
    settings: TelephonySettings
    voice: VoiceView


class AccountCredentials(BaseModel):
    account_sid: str = Field(min_length=1, max_length=64)
    auth_token: str = Field(min_length=1, max_length=128)


class PhoneNumberView(BaseModel):
    id: uuid.UUID
    number: str
    source: str
    label: str
    assistant_enabled: bool
    created_at: datetime

    @classmethod
    def of(cls, number: PhoneNumber) -> PhoneNumberView:
        return cls(
            id=number.id,
            number=number.number,
            source=number.source.value,
            label=number.label,
            assistant_enabled=number.assistant_enabled,
            created_at=number.created_at,
        )


class PhoneNumberList(BaseModel):
    numbers: list[PhoneNumberView]


class PhoneNumberChange(BaseModel):
    label: str | None = Field(default=None, max_length=100)
    assistant_enabled: bool | None = None


class CallView(BaseModel):
    id: uuid.UUID
    conversation_id: uuid.UUID | None
    direction: str
    from_number: str | None
    to_number: str | None
    status: str
    outcome: CallOutcome | None
    transfer_target: str | None
    started_at: datetime
    ended_at: datetime | None
    duration_seconds: int | None
    recorded: bool

    @classmethod
    def of(cls, call: Call) -> CallView:
        return cls.model_validate(call, from_attributes=True)


class CallList(BaseModel):
    calls: list[CallView]
    next_cursor: str | None


@router.get("/telephony")
async def get_telephony(principal: OrgAdmin, state: StateDep) -> TelephonyView:
    account = await state.phone_numbers.account(principal.org_id)
    return TelephonyView(
        account=TelephonyAccountView.of(account) if account else None,
        settings=await state.phone_numbers.settings(principal.org_id),
        voice=voice_summary(state.speech),
    )


@router.put("/telephony/account")
async def connect_account(
    body: AccountCredentials, principal: OrgAdmin, state: StateDep
) -> TelephonyAccountView:
    """Checked with Twilio first (422 with the reason when it refuses them); afterwards only
    the hint ``AC…1234`` can be read."""
    account = await state.phone_numbers.connect(principal, body.account_sid, body.auth_token)
    return TelephonyAccountView.of(account)


@router.delete("/telephony/account", status_code=status.HTTP_204_NO_CONTENT)
async def disconnect_account(principal: OrgAdmin, state: StateDep) -> Response:
    await state.phone_numbers.disconnect(principal)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/telephony/settings")
async def update_telephony_settings(
    body: TelephonySettings, principal: OrgAdmin, state: StateDep
) -> TelephonySettings:
    """Changes the fields sent (422 naming a field that does not validate)."""
    changes = body.model_dump(mode="json", include=body.model_fields_set)
    return await state.phone_numbers.update_settings(principal, changes)


@router.get("/phone-numbers")
async def list_phone_numbers(principal: OrgAdmin, state: StateDep) -> PhoneNumberList:
    return _numbers(await state.phone_numbers.list_numbers(principal.org_id))


@router.post("/phone-numbers/import")
async def import_phone_numbers(principal: OrgAdmin, state: StateDep) -> PhoneNumberList:
    """Stores the connected account's numbers and routes their calls to this installation."""
    return _numbers(await state.phone_numbers.import_numbers(principal))


@router.patch("/phone-numbers/{number_id}")
async def change_phone_number(
    number_id: uuid.UUID, body: PhoneNumberChange, principal: OrgAdmin, state: StateDep
) -> PhoneNumberView:
    number = await state.phone_numbers.update(
        principal, number_id, label=body.label, assistant_enabled=body.assistant_enabled
    )
    return PhoneNumberView.of(number)


@router.delete("/phone-numbers/{number_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_phone_number(
    number_id: uuid.UUID, principal: OrgAdmin, state: StateDep
) -> Response:
    await state.phone_numbers.delete(principal, number_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/calls")
async def list_calls(
    principal: CallViewer,
    state: StateDep,
    conversation_id: uuid.UUID | None = None,
    limit: PageSize = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> CallList:
    page = await state.calls.page(principal.org_id, conversation_id, limit, cursor)
    return CallList(calls=[CallView.of(call) for call in page.calls], next_cursor=page.next_cursor)


@router.post("/calls/{call_id}/end", status_code=status.HTTP_202_ACCEPTED)
async def end_call(call_id: uuid.UUID, principal: CallViewer, state: StateDep) -> Response:
    """The media loop holding the call ends it; a phone call is also completed by Twilio."""
    await state.calls.hang_up(principal.org_id, call_id)
    return Response(status_code=status.HTTP_202_ACCEPTED)


def voice_summary(speech: SpeechStack) -> VoiceView:
    """Which voice this installation speaks with (the process's speech stack)."""
    return VoiceView(description=speech.description, speaks=speech.synthesizer is not None)


def _numbers(numbers: list[PhoneNumber]) -> PhoneNumberList:
    return PhoneNumberList(numbers=[PhoneNumberView.of(number) for number in numbers])
