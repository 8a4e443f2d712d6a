"""The Twilio REST side of an organization's telephony.

Every request goes through the real ``twilio.rest.Client`` with :class:`TwilioHttp`, an
asynchronous http client that sends it to ``settings.twilio_api_base_url`` when that is set (a
local fake, in tests) instead of api.twilio.com, and that logs nothing: Twilio's own client
logs URLs holding the account SID and bodies holding phone numbers.

Which account answers for a number: a number of the organization's own Twilio account
(``source=own``) uses that account, whose SID and token are sealed under the organization's
data key (the organization id as associated data, so a sealed row cannot be moved to another
organization); a number the platform assigned (``source=platform``) uses the platform's
``TWILIO_ACCOUNT_SID``/``TWILIO_AUTH_TOKEN``. No SID, token or number is ever logged.
"""

from __future__ import annotations

import base64
import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlmodel import select
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from core.db import SessionMaker, org_session, platform_session
from core.encryption import DataKeys, open_sealed, seal
from core.logging import get_logger
from core.models import NumberSource, PhoneNumber, TelephonyAccount
from core.settings import Settings
from services.errors import RefusedError

log = get_logger(__name__)

# Twilio's client logs each request (URL with the account SID, parameters with numbers) at
# INFO: it gets a logger of its own that is switched off.
_SILENT = logging.getLogger("perceptron.twilio_http")
_SILENT.disabled = True
_SILENT.propagate = False
REQUEST_TIMEOUT_SECONDS = 10.0


class TelephonyError(RefusedError):
    """Twilio refused or could not be reached; the message never holds a SID, token or number."""


@dataclass(frozen=True)
class TwilioCredentials:
    account_sid: str
    auth_token: str = field(repr=False)

    @property
    def hint(self) -> str:
        """What settings show of the account: ``AC…1234``."""
        return f"{self.account_sid[:2]}…{self.account_sid[-4:]}"


@dataclass(frozen=True)
class IncomingNumber:
    """A number of a Twilio account (``IncomingPhoneNumbers``)."""

    sid: str
    number: str
    friendly_name: str


@dataclass(frozen=True)
class NumberAccount:
    """The number a call was made to and the Twilio account it belongs to."""

    phone_number: PhoneNumber
    credentials: TwilioCredentials

    @property
    def validator(self) -> RequestValidator:
        return RequestValidator(self.credentials.auth_token)


class TwilioHttp(AsyncTwilioHttpClient):  # type: ignore[misc]  # twilio ships no types
    """Twilio's asynchronous http client, to ``base_url`` instead of Twilio's hosts when
    given, with a fresh connection pool per request (a client outlives no event loop)."""

    def __init__(self, base_url: str | None) -> None:
        super().__init__(pool_connections=False, timeout=REQUEST_TIMEOUT_SECONDS, logger=_SILENT)
        self._base = urlsplit(base_url.rstrip("/")) if base_url else None

    async def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,  # noqa: ASYNC109  # the signature Twilio calls
        allow_redirects: bool = False,
    ) -> Response:
        if self._base is not None:
            parts = urlsplit(url)
            url = urlunsplit(
                (
                    self._base.scheme,
                    self._base.netloc,
                    self._base.path + parts.path,
                    parts.query,
                    "",
                )
            )
        if auth is not None:  # aiohttp deprecates BasicAuth: the same header, written here
            basic = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
            headers = {**(headers or {}), "Authorization": f"Basic {basic}"}
        response: Response = await super().request(
            method, url, params, data, headers, None, timeout, allow_redirects
        )
        return response


class Telephony:
    def __init__(self, session_maker: SessionMaker, keyring: DataKeys, settings: Settings) -> None:
        self._maker = session_maker
        self._keyring = keyring
        self._settings = settings

    # Credentials ------------------------------------------------------------------------

    def platform_credentials(self) -> TwilioCredentials | None:
        token = self._settings.twilio_auth_token
        if not self._settings.twilio_account_sid or token is None:
            return None
        return TwilioCredentials(self._settings.twilio_account_sid, token.get_secret_value())

    async def seal_credentials(
        self, org_id: uuid.UUID, credentials: TwilioCredentials
    ) -> tuple[bytes, str]:
        """``(sealed, key id)``: the SID and token sealed under the organization's data key."""
        key = await self._keyring.for_organization(org_id)
        plaintext = json.dumps(
            {"account_sid": credentials.account_sid, "auth_token": credentials.auth_token}
        ).encode()
        return seal(key.key, plaintext, org_id.bytes), key.key_id

    async def open_credentials(self, account: TelephonyAccount) -> TwilioCredentials:
        key = await self._keyring.by_id(account.key_id)
        values = json.loads(open_sealed(key.key, account.sealed_credentials, account.org_id.bytes))
        return TwilioCredentials(values["account_sid"], values["auth_token"])

    async def own_credentials(self, org_id: uuid.UUID) -> TwilioCredentials | None:
        """The organization's connected account, or None."""
        async with org_session(self._maker, org_id) as session:
            account = (await session.exec(select(TelephonyAccount))).first()
        return await self.open_credentials(account) if account is not None else None

    async def credentials_for(self, phone_number: PhoneNumber) -> TwilioCredentials | None:
        """The account that owns a number: the organization's own, or the platform's."""
        if phone_number.source is NumberSource.PLATFORM:
            return self.platform_credentials()
        return await self.own_credentials(phone_number.org_id)

    async def account_for_number(self, number: str) -> NumberAccount | None:
        """The number callers dialled (any organization's) and its account, or None when
        it is not one of ours or its account is gone."""
        async with platform_session(self._maker) as session:
            phone_number = (
                await session.exec(select(PhoneNumber).where(PhoneNumber.number == number))
            ).first()
        if phone_number is None:
            return None
        credentials = await self.credentials_for(phone_number)
        if credentials is None:
            return None
        return NumberAccount(phone_number, credentials)

    async def validator_for(self, number: str) -> RequestValidator | None:
        """Twilio's own webhook signature check, with the token of the account owning
        ``number``; None for a number that is not ours."""
        account = await self.account_for_number(number)
        return account.validator if account is not None else None

    # REST -------------------------------------------------------------------------------

    async def check(self, credentials: TwilioCredentials) -> None:
        """Fetch the account: :class:`TelephonyError` (422) when Twilio refuses them."""
        await self._call(
            credentials,
            lambda client: client.api.v2010.accounts(credentials.account_sid).fetch_async(),
            refused="Twilio refused this account SID and auth token",
        )

    async def incoming_numbers(self, credentials: TwilioCredentials) -> list[IncomingNumber]:
        found = await self._call(
            credentials,
            lambda client: client.incoming_phone_numbers.list_async(limit=1000),
            refused="Twilio refused to list this account's numbers",
        )
        return [
            IncomingNumber(
                sid=item.sid, number=item.phone_number, friendly_name=item.friendly_name or ""
            )
            for item in found
        ]

    async def route_number(
        self, credentials: TwilioCredentials, number_sid: str, voice_url: str, status_url: str
    ) -> None:
        """Point the number's incoming calls and status callbacks at this installation."""
        await self._call(
            credentials,
            lambda client: client.incoming_phone_numbers(number_sid).update_async(
                voice_url=voice_url,
                voice_method="POST",
                status_callback=status_url,
                status_callback_method="POST",
            ),
            refused="Twilio refused to route this number",
        )

    async def redirect_call(
        self, credentials: TwilioCredentials, call_sid: str, twiml: str
    ) -> None:
        """Replace what a live call is doing with ``twiml`` (its media stream ends)."""
        await self._call(
            credentials,
            lambda client: client.calls(call_sid).update_async(twiml=twiml),
            refused="Twilio refused to redirect the call",
        )

    async def complete_call(self, credentials: TwilioCredentials, call_sid: str) -> None:
        """Hang up a live call."""
        await self._call(
            credentials,
            lambda client: client.calls(call_sid).update_async(status="completed"),
            refused="Twilio refused to end the call",
        )

    def client(self, credentials: TwilioCredentials) -> Client:
        # environment={}: the settings are the only reader of the environment.
        return Client(
            credentials.account_sid,
            credentials.auth_token,
            http_client=TwilioHttp(self._settings.twilio_api_base_url),
            environment={},
        )

    async def _call(self, credentials: TwilioCredentials, request: Any, refused: str) -> Any:
        try:
            return await request(self.client(credentials))
        except TwilioRestException as error:
            log.warning("twilio refused a request", status=error.status, code=error.code)
            if error.status in {401, 403, 404}:
                raise TelephonyError(422, refused) from None
            raise TelephonyError(503, "Twilio did not accept the request: try again") from None
        except (TwilioException, OSError, TimeoutError) as error:
            log.warning("twilio unreachable", error=type(error).__name__)
            raise TelephonyError(503, "Twilio could not be reached: try again") from None
