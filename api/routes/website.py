"""The public website, served by the API with no session: the landing page, the privacy
policy (rendered from Markdown, ``services/website/privacy-policy.md``) and, when
``PERCEPTRON_SIGNUP`` is on, the sign-up form that creates an organization and its owner.

Plain server-rendered HTML with one stylesheet and no script at all (CSP ``default-src
'none'``). The sign-up form is a same-origin POST: the middleware's header token cannot be
sent by a form, so this route checks it itself (``api.csrf.SELF_CHECKED``): the Origin (or
Referer) must be the installation's own, and the form must carry a token this server signed
when it rendered the form, less than two hours ago.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import smtplib
import time
import uuid
from dataclasses import dataclass
from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from fastapi.responses import HTMLResponse, RedirectResponse

from api.csrf import origin_of, own_origins
from api.deps import StateDep
from api.state import AppState
from core.logging import get_logger
from core.settings import AuthMode, Settings
from services.account_deletion import AccountDeletions, DeletionError
from services.mail import mail_enabled, send_mail
from services.website import (
    SITE_CSS,
    SignupError,
    active_subprocessors,
    discard_signup,
    privacy_policy,
    sign_up,
)

log = get_logger(__name__)

router = APIRouter(include_in_schema=False)

SITE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
FORM_TOKEN_SECONDS = 2 * 3600
FIELD_LIMIT = 1000  # characters: anything longer is refused before it is looked at


def _page(title: str, body: str, *, status_code: int = 200, signup: bool = False) -> HTMLResponse:
    nav_signup = '<a href="/signup">Create an organization</a>' if signup else ""
    document = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>{html.escape(title)} · Perceptron</title>
<link rel="icon" href="/favicon.ico" type="image/svg+xml">
<link rel="stylesheet" href="/site.css">
</head><body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header"><a class="brand" href="/">Perceptron</a>
<nav aria-label="Site"><a href="/demo/">Live demo</a>{nav_signup}
<a href="/dashboard/">Sign in</a></nav>
</header>
<main id="main">{body}</main>
<footer class="site-footer"><a href="/privacy-policy">Privacy policy</a>
<a href="/api/docs">API reference</a></footer>
</body></html>"""
    return HTMLResponse(
        document,
        status_code=status_code,
        headers={
            "Content-Security-Policy": SITE_CSP,
            "X-Frame-Options": "DENY",
            "Cache-Control": "no-store" if status_code != 200 or title == "Sign up" else "no-cache",
        },
    )


def _signup_open(settings: Settings) -> bool:
    return settings.signup


@router.get("/", response_class=HTMLResponse)
async def landing(state: StateDep) -> HTMLResponse:
    signup = _signup_open(state.settings)
    start = (
        '<a class="button" href="/signup">Create an organization</a>'
        if signup
        else '<a class="button" href="/dashboard/">Sign in to the dashboard</a>'
    )
    body = f"""
<section class="hero">
<h1>Customer support that answers from what you know</h1>
<p class="lead">Perceptron answers your customers in a chat widget, in the browser by voice
and on the phone, from your own help center and documents, with citations. When a question
needs a person, it hands the conversation to your team, live.</p>
<p class="cta"><a class="button primary" href="/demo/">Try the live demo</a>{start}</p>
</section>
<section class="features" aria-label="What Perceptron does">
<div><h2>Answers with sources</h2><p>Every answer cites the passages it comes from. When
your knowledge does not cover a question, it says so instead of guessing.</p></div>
<div><h2>A person when it matters</h2><p>Operators see handoffs arrive in their inbox, join
the conversation and reply; the assistant goes quiet while they are in it.</p></div>
<div><h2>Durable by design</h2><p>Every conversation, import and deletion is a durable
workflow: a restart loses nothing, and nothing is answered twice.</p></div>
<div><h2>Private by construction</h2><p>Exports, erasure and account deletion are built in,
logs hold no personal data, and no tracking cookies. Read the
<a href="/privacy-policy">privacy policy</a>.</p></div>
</section>"""
    return _page("Customer support that answers from what you know", body, signup=signup)


@router.get("/privacy-policy", response_class=HTMLResponse)
async def policy(state: StateDep) -> HTMLResponse:
    document = privacy_policy()
    used = active_subprocessors(state.settings)
    installation = (
        "This installation is configured to use: "
        + ", ".join(html.escape(name) for name in used)
        + "."
        if used
        else "This installation is configured to use none of them: it talks to no one outside "
        "its own servers."
    )
    note = f'<p class="installation" data-testid="installation-subprocessors">{installation}</p>'
    placeholder = "<p>{{installation}}</p>"
    policy_html = (
        document.html.replace(placeholder, note, 1)
        if placeholder in document.html
        else document.html + note
    )
    body = f"""<article class="policy">
<h1>{html.escape(document.title)}</h1>
<p class="updated">Last updated: <time datetime="{document.updated.isoformat()}">
{document.updated.strftime("%-d %B %Y")}</time></p>
{policy_html}
</article>"""
    return _page(document.title, body, signup=_signup_open(state.settings))


@router.get("/deletion-receipts/{token}", response_class=HTMLResponse)
async def deletion_receipt(token: str, state: StateDep) -> HTMLResponse:
    """The receipt of a deletion as a page: what was deleted and when, counts only. The link
    (its one-time token) is the credential, as for ``GET /api/deletion-receipts/{token}``."""
    try:
        receipt = await AccountDeletions(
            state.session_maker, state.temporal, state.settings
        ).receipt(token[:200])
    except DeletionError:
        return _page(
            "Deletion receipt",
            "<h1>Deletion receipt</h1><p>There is no deletion receipt for this link.</p>",
            status_code=404,
        )
    when = {
        "Requested": receipt.requested_at,
        "Purging started after": receipt.purge_after,
        "Deadline": receipt.deadline,
        "Completed": receipt.completed_at,
        "Cancelled": receipt.cancelled_at,
    }
    facts = "".join(
        f'<dt>{label}</dt><dd><time datetime="{moment.isoformat()}">'
        f"{moment.strftime('%-d %B %Y, %H:%M UTC')}</time></dd>"
        for label, moment in when.items()
        if moment is not None
    )
    rows = "".join(
        f'<tr><th scope="row">{html.escape(str(store))}</th><td>{int(count)}</td></tr>'
        for store, count in sorted(receipt.deleted.items())
    )
    counts = (
        f'<table><thead><tr><th scope="col">Store</th><th scope="col">Deleted</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
        if rows
        else "<p>Nothing has been deleted yet.</p>"
    )
    subject = "organization" if receipt.subject.value == "organization" else "member account"
    body = f"""<article class="policy receipt">
<h1>Deletion receipt</h1>
<p class="updated">The {subject} <code>{receipt.org_id}</code>:
<strong data-testid="receipt-status">{html.escape(receipt.status.value.replace("_", " "))}</strong>.
</p>
<dl class="facts">{facts}</dl>
<h2>What was deleted</h2>
{counts}
<p class="fine">Counts and times only: a receipt holds no personal data.</p>
</article>"""
    return _page("Deletion receipt", body)


def _form_token(settings: Settings, issued: int) -> str:
    key = settings.secret_key.get_secret_value().encode()
    digest = hmac.new(key, f"perceptron signup form:{issued}".encode(), hashlib.sha256)
    return f"{issued}.{digest.hexdigest()}"


def _form_token_valid(settings: Settings, token: str) -> bool:
    issued_text, _, _ = token.partition(".")
    if not issued_text.isdigit():
        return False
    issued = int(issued_text)
    if not 0 <= time.time() - issued <= FORM_TOKEN_SECONDS:
        return False
    return hmac.compare_digest(_form_token(settings, issued).encode(), token.encode())


def _signup_enabled(state: StateDep) -> AppState:
    """404 when sign-up is off: the page and the route do not exist."""
    if not _signup_open(state.settings):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Not Found")
    return state


SignupState = Annotated[AppState, Depends(_signup_enabled)]


def _clerk(state: AppState) -> Response | None:
    """In Clerk mode, people sign up with Clerk (organization and owner are provisioned on
    their first sign-in): send them there."""
    if state.settings.effective_auth_mode is not AuthMode.CLERK:
        return None
    if state.settings.clerk_sign_up_url:
        return RedirectResponse(state.settings.clerk_sign_up_url, status_code=303)
    return _page(
        "Sign up",
        "<h1>Sign up</h1><p>Sign-up goes through Clerk here, but its page is not configured: "
        "the installation's operator sets <code>CLERK_SIGN_UP_URL</code>.</p>",
        status_code=503,
    )


def _signup_form(
    settings: Settings, *, name: str = "", email: str = "", error: str | None = None
) -> str:
    token = _form_token(settings, int(time.time()))
    problem = (
        f'<p class="error" role="alert" id="signup-error">{html.escape(error)}</p>' if error else ""
    )
    described = ' aria-describedby="signup-error"' if error else ""
    return f"""<section class="narrow">
<h1>Create an organization</h1>
<p>Your organization gets its own knowledge base, widget and inbox; you become its owner.</p>
{problem}
<form method="post" action="/signup" class="signup">
<input type="hidden" name="form_token" value="{html.escape(token)}">
<label for="organization">Organization name</label>
<input id="organization" name="organization" required maxlength="200" autocomplete="organization"
 value="{html.escape(name)}"{described}>
<label for="email">Your email</label>
<input id="email" name="email" type="email" required maxlength="320" autocomplete="email"
 value="{html.escape(email)}"{described}>
<button type="submit" class="button primary">Create the organization</button>
</form>
<p class="fine">By signing up you accept how we handle data: see the
<a href="/privacy-policy">privacy policy</a>.</p>
</section>"""


@router.get("/signup", response_class=HTMLResponse)
async def signup_page(state: SignupState) -> Response:
    return _clerk(state) or _page("Sign up", _signup_form(state.settings), signup=True)


@router.post("/signup", response_class=HTMLResponse)
async def signup(request: Request, state: SignupState) -> Response:
    clerk = _clerk(state)
    if clerk is not None:
        return clerk
    settings = state.settings
    name = email_text = ""
    try:
        name, email_text = await _checked_form(request, state)
        created = await _create(state, name, email_text)
    except _FormRefusedError as refusal:
        response = _again(refusal.status, refusal.message, settings, name, email_text)
        if refusal.retry_after is not None:
            response.headers["Retry-After"] = str(refusal.retry_after)
        return response
    log.info("organization signed up", org_id=str(created.org_id))
    minutes = settings.sign_in_link_ttl_minutes
    if created.emailed:
        body = f"""<section class="narrow">
<h1>Check your email</h1>
<p>Your organization is ready. We sent a one-time sign-in link to {html.escape(created.email)};
it works once, within {minutes} minutes.</p>
</section>"""
        return _page("Sign up", body, status_code=201, signup=True)
    link = f"{settings.api_url}/auth/sign-in?token={created.sign_in_token}"
    body = f"""<section class="narrow">
<h1>Your organization is ready</h1>
<p>Open this one-time link to sign in as its owner. It works once, within {minutes} minutes.</p>
<p><a class="button primary" href="{html.escape(link)}" data-testid="sign-in-link">Sign in
to the dashboard</a></p>
<p class="fine">Local mode: the link is shown here because this installation sends no email
(<code>PERCEPTRON_SMTP_HOST</code> is not set). Otherwise it is sent to your address.</p>
</section>"""
    return _page("Sign up", body, status_code=201, signup=True)


@dataclass(frozen=True)
class _Created:
    org_id: uuid.UUID
    email: str
    sign_in_token: str
    emailed: bool


class _FormRefusedError(Exception):
    def __init__(self, status: int, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


async def _create(state: AppState, name: str, email_text: str) -> _Created:
    """Create the organization and deliver its owner's sign-in link: by email when SMTP is
    configured, otherwise (local mode only) on the page. A link that cannot be emailed undoes
    the sign-up, so nothing is left half-made and the person can simply try again."""
    settings = state.settings
    try:
        email = validate_email(email_text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise _FormRefusedError(422, "That email address is not valid.") from None
    emailed = mail_enabled(settings)
    if not emailed and not settings.is_local:
        # Outside local mode the link must be emailed, never shown (or logged).
        raise _FormRefusedError(503, "Sign-up needs email delivery, which is not configured.")
    try:
        created = await sign_up(state.session_maker, settings, name, email)
    except SignupError as error:
        raise _FormRefusedError(error.status, _sentence(error.message)) from None
    if emailed:
        link = f"{settings.api_url}/auth/sign-in?token={created.sign_in_token}"
        try:
            await send_mail(
                settings,
                email,
                "Your Perceptron sign-in link",
                f"Your organization is ready. Open this link to sign in as its owner; it works"
                f" once, within {settings.sign_in_link_ttl_minutes} minutes:\n\n{link}\n",
            )
        except (OSError, smtplib.SMTPException) as error:
            log.warning("sign-up link not sent", error_type=type(error).__name__)
            await discard_signup(state.session_maker, created.org_id)
            raise _FormRefusedError(
                502, "We could not send the sign-in link by email. Try again in a few minutes."
            ) from None
    return _Created(created.org_id, email, created.sign_in_token, emailed)


async def _checked_form(request: Request, state: AppState) -> tuple[str, str]:
    """The organization name and email of a form this site rendered, sent from this site,
    within the address's rate limit; otherwise a refusal."""
    settings = state.settings
    headers = request.headers
    claimed = headers["origin"] if "origin" in headers else headers.get("referer")
    if claimed is None or origin_of(claimed) not in own_origins(settings):
        raise _FormRefusedError(403, "This form must be sent from this site's own sign-up page.")
    address = request.client.host if request.client else "unknown"
    wait = await state.signup_limiter.check(address)
    if wait is not None:
        raise _FormRefusedError(429, "Too many sign-ups from this address: try again later.", wait)
    form = await request.form()
    values = {
        field: value if isinstance(value := form.get(field), str) else ""
        for field in ("form_token", "organization", "email")
    }
    if not _form_token_valid(settings, values["form_token"][:FIELD_LIMIT]):
        raise _FormRefusedError(
            403, "This form has expired: reload the sign-up page and send it again."
        )
    return values["organization"][:FIELD_LIMIT], values["email"][:FIELD_LIMIT].strip()


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


def _again(code: int, message: str, settings: Settings, name: str, email: str) -> HTMLResponse:
    return _page(
        "Sign up",
        _signup_form(settings, name=name[:200], email=email[:320], error=message),
        status_code=code,
        signup=True,
    )


@router.get("/site.css")
async def site_css() -> Response:
    return Response(
        SITE_CSS.read_text(encoding="utf-8"),
        media_type="text/css",
        headers={"Cache-Control": "public, max-age=300"},
    )


# The installation's icon, for the website and the dashboard (browsers ask /favicon.ico).
FAVICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<rect width="32" height="32" rx="8" fill="#4338ca"/>'
    '<path d="M9 23V9h7a5 5 0 0 1 0 10h-4" fill="none" stroke="#fff" stroke-width="3" '
    'stroke-linecap="round" stroke-linejoin="round"/></svg>'
)


@router.get("/favicon.ico")
async def favicon() -> Response:
    return Response(
        FAVICON,
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )
