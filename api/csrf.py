"""Cross-site request forgery defence for members signed in by a cookie.

A browser sends the session cookie (ours, or Clerk's ``__session``) with every request to the
API's host that comes from the same *site*, and SameSite=Lax counts a page on another port or a
sibling subdomain as the same site. So every state-changing request (any method but GET, HEAD,
OPTIONS, TRACE) signed in by a cookie must

- come from this installation's own origin: its ``Origin`` header (without one, its
  ``Referer``) names the origin of ``PERCEPTRON_PUBLIC_URL`` (in local mode also the address
  the API listens on), scheme, host and port exactly; and
- carry the session's CSRF token in ``X-CSRF-Token``: an HMAC of the session under the secret
  key, so no other page can guess or plant one. A page gets it from ``GET /api/auth/csrf``
  (JSON, same origin only: the API sends no CORS headers outside the widget, so another
  origin cannot read it). It is not put in a script-readable cookie: cookies are not
  isolated by port, so any page on the same host could read it.

Exempt, refused by neither check:
- credentials in the Authorization header (Bearer session tokens, API keys): a browser never
  adds them by itself;
- requests without a session cookie: the route decides (401, or a public route);
- the widget's routes (``/api/widget/``): they authenticate by the widget key and the visitor
  token and never read a cookie;
- the public sign-up form (``/signup``): a plain HTML form cannot send the header, so the route
  checks the Origin and a form token it signed itself (api/routes/website.py);
- Twilio's webhooks (``/api/twilio/``): Twilio sends no cookie, and each request is checked by
  its ``X-Twilio-Signature`` (api/routes/twilio.py);
- the Temporal Web UI's codec: it changes nothing (encode and decode only), the UI cannot know
  our token, and it keeps its own exact Origin check (api/routes/platform.py).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import urlsplit

import jwt
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from api.deps import CLERK_COOKIE, bearer_credential, session_cookie
from api.routes import twilio, widget
from core.logging import get_logger
from core.settings import Settings

log = get_logger(__name__)

CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Public forms that check their own origin and form token (api/routes/website.py): a plain
# HTML form cannot send the X-CSRF-Token header, even from a signed-in browser.
SELF_CHECKED = frozenset({"/signup"})


class CsrfTokens:
    """The per-session token: HMAC-SHA256 of the session, under a key derived from the
    installation's secret key. Clerk refreshes its session token every minute, so a Clerk
    session is identified by its session id (``sid``), not by the token."""

    def __init__(self, secret_key: str) -> None:
        self._key = hmac.new(secret_key.encode(), b"perceptron csrf", hashlib.sha256).digest()

    def for_session(self, cookies: Mapping[str, str]) -> str | None:
        session = session_cookie(cookies)
        if session is None:
            return None
        name, value = session
        subject = f"{name}:{_clerk_session_id(value) if name == CLERK_COOKIE else value}"
        return hmac.new(self._key, subject.encode(), hashlib.sha256).hexdigest()

    def matches(self, cookies: Mapping[str, str], token: str | None) -> bool:
        expected = self.for_session(cookies)
        if expected is None or not token:
            return False
        return hmac.compare_digest(expected.encode(), token.encode())


def _clerk_session_id(token: str) -> str:
    """The session id of a Clerk token, or the token itself. Unverified on purpose: the route
    verifies the credential; this only ties the CSRF token to one session."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return token
    sid = claims.get("sid")
    return f"sid:{sid}" if isinstance(sid, str) and sid else token


def origin_of(url: str) -> str | None:
    """``scheme://host:port`` with the port always written, or None for anything that is not
    an http(s) URL (``null``, garbage)."""
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        host = parts.hostname
        port = parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:
        return None
    if scheme not in _DEFAULT_PORTS or not host or port is None:
        return None
    return f"{scheme}://{f'[{host}]' if ':' in host else host}:{port}"


def own_origins(settings: Settings) -> frozenset[str]:
    """Where this installation's own pages are: its public URL and, in local mode, the address
    the API listens on."""
    urls = [settings.api_url]
    if settings.is_local:
        host = settings.api_host
        urls.append(f"http://{f'[{host}]' if ':' in host else host}:{settings.api_port}")
    return frozenset(origin for url in urls if (origin := origin_of(url)) is not None)


class CsrfProtection:
    """ASGI middleware: a forged request is refused with 403 before any route runs or its body
    is read."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self._origins = own_origins(settings)
        self._public_origin = settings.api_url
        self._tokens = CsrfTokens(settings.secret_key.get_secret_value())
        self._exempt = (
            widget.router.prefix + "/",
            twilio.router.prefix + "/",
            settings.temporal.codec_endpoint + "/",
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
            refusal = self.refusal(HTTPConnection(scope))
            if refusal is not None:
                log.info("csrf refused", method=scope["method"], path=scope["path"])
                response = JSONResponse({"detail": refusal}, status_code=403)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def refusal(self, request: HTTPConnection) -> str | None:
        """Why this request is refused, or None when it may go on."""
        if request.scope["path"].startswith(self._exempt) or request.scope["path"] in SELF_CHECKED:
            return None
        if bearer_credential(request.headers) is not None:
            return None
        if session_cookie(request.cookies) is None:
            return None
        headers = request.headers
        claimed = headers["origin"] if "origin" in headers else headers.get("referer")
        if claimed is None or origin_of(claimed) not in self._origins:
            return (
                "cross-site request refused: a request signed in by cookie must come from "
                f"this installation's own origin ({self._public_origin}), named by its Origin "
                "or Referer header"
            )
        if not self._tokens.matches(request.cookies, headers.get(CSRF_HEADER)):
            return (
                f"missing or wrong CSRF token: send the {CSRF_HEADER} header with the token "
                "from GET /api/auth/csrf"
            )
        return None
