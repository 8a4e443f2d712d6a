"""Twilio's webhooks: the voice webhook that answers an inbound call, and status callbacks.

Every request must carry ``X-Twilio-Signature``, checked with Twilio's own
``RequestValidator`` over the public URL Twilio called (``PERCEPTRON_PUBLIC_URL`` + path +
query) and the posted parameters, with the auth token of the account that owns the number;
anything else is refused with 403 before a row is read or written. These routes carry no
cookie and are exempt from the CSRF middleware (api/csrf.py); they are rate limited per
client address. The media WebSocket itself is ``api/routes/voice.py``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, HTTPException, Request, Response, status
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

from api.deps import StateDep
from api.state import AppState
from core.logging import get_logger
from services.calls import InboundKind

log = get_logger(__name__)

router = APIRouter(prefix="/api/twilio", tags=["twilio"], include_in_schema=False)
MEDIA_PATH = "/api/twilio/media"
TWIML = "application/xml"
MAX_PARAMS = 200
NOT_IN_SERVICE = "The number you have called is not in service. Goodbye."
NOBODY_AVAILABLE = "Sorry, nobody can take your call right now. Please try again later. Goodbye."


@router.post("/voice")
async def voice_webhook(request: Request, state: StateDep) -> Response:
    """An inbound call: ``<Connect><Stream>`` to the media WebSocket with a single-use
    token, ``<Dial>`` for a number not answered by the assistant, or not in service."""
    params = await _checked_params(request, state)
    account = await state.telephony.account_for_number(params.get("To", ""))
    if account is None:
        if not _signed_by_platform(request, state, params):
            raise _forbidden()
        return _twiml(_say_and_hang_up(NOT_IN_SERVICE))
    if params.get("AccountSid") != account.credentials.account_sid or not _valid(
        request, state, account.validator, params
    ):
        raise _forbidden()
    answer = await state.calls.answer_inbound(account, params)
    response = VoiceResponse()
    if answer.kind is InboundKind.STREAM and answer.stream_token is not None:
        stream = response.connect().stream(url=stream_url(state, answer.stream_token))
        stream.parameter(name="call_id", value=str(answer.call_id))
        return _twiml(response)
    if answer.kind is InboundKind.DIAL and answer.dial_number:
        response.dial(answer.dial_number)
        return _twiml(response)
    return _twiml(_say_and_hang_up(NOBODY_AVAILABLE))


@router.post("/status", status_code=status.HTTP_204_NO_CONTENT)
async def status_callback(request: Request, state: StateDep) -> Response:
    """A call's status changed: its status, and at the end its duration and end time."""
    params = await _checked_params(request, state)
    call = await state.calls.by_provider_id(params.get("CallSid", ""))
    number = call.to_number if call is not None else params.get("To", "")
    account = await state.telephony.account_for_number(number or "")
    if account is None or not _valid(request, state, account.validator, params):
        raise _forbidden()
    if call is not None and call.org_id == account.phone_number.org_id:
        await state.calls.status_changed(
            call, params.get("CallStatus", ""), params.get("CallDuration")
        )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def stream_url(state: AppState, token: str) -> str:
    """``wss://`` on the public host (``ws://`` when it is plain http, i.e. local)."""
    public = urlsplit(state.settings.api_url)
    scheme = "wss" if public.scheme == "https" else "ws"
    return f"{scheme}://{public.netloc}{public.path.rstrip('/')}{MEDIA_PATH}/{token}"


async def _checked_params(request: Request, state: AppState) -> dict[str, str]:
    """The posted parameters of a request that carries a signature, within the rate limit."""
    address = request.client.host if request.client else "unknown"
    wait = await state.twilio_limiter.check(address)
    if wait is not None:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail="too many webhook requests",
            headers={"Retry-After": str(wait)},
        )
    if not request.headers.get("x-twilio-signature"):
        raise _forbidden()
    form = await request.form()
    if len(form) > MAX_PARAMS:
        raise _forbidden()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _valid(
    request: Request, state: AppState, validator: RequestValidator, params: dict[str, str]
) -> bool:
    url = state.settings.api_url + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    signature = request.headers.get("x-twilio-signature", "")
    return bool(validator.validate(url, params, signature))


def _signed_by_platform(request: Request, state: AppState, params: dict[str, str]) -> bool:
    """A call to a number that is not ours: only the platform's own account can sign it
    verifiably; any other signature cannot be checked, and gets the same static answer."""
    platform = state.telephony.platform_credentials()
    if platform is None or params.get("AccountSid") != platform.account_sid:
        return True
    return _valid(request, state, RequestValidator(platform.auth_token), params)


def _say_and_hang_up(text: str) -> VoiceResponse:
    response = VoiceResponse()
    response.say(text)
    response.hangup()
    return response


def _twiml(response: VoiceResponse) -> Response:
    return Response(str(response), media_type=TWIML)


def _forbidden() -> HTTPException:
    log.info("twilio webhook refused: bad or missing signature")
    return HTTPException(status.HTTP_403_FORBIDDEN, detail="invalid Twilio signature")
