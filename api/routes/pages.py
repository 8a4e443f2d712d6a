"""The dashboard (the single-page app built in dashboard/), the widget script and its demo page."""

from __future__ import annotations

import html
from pathlib import Path

from fastapi import APIRouter, HTTPException, Response, status
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse
from sqlmodel import col, select

from api.deps import StateDep
from core.db import platform_session
from core.models import Organization
from services.demo import ARTICLES

DEMO = ARTICLES.parent

router = APIRouter(include_in_schema=False)

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;
color:#1f2937}}code{{background:#f3f4f6;padding:.1rem .3rem;border-radius:.2rem}}</style>
</head><body><h1>{title}</h1>{body}</body></html>"""


# The app's own page: scripts, styles and API calls from this origin only, never framed.
DASHBOARD_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
NOT_BUILT = _PAGE.format(
    title="The dashboard is not built",
    body="<p>The API is running, but the dashboard's files are missing. <code>make up</code> and"
    " <code>make test</code> build them; by hand: <code>cd dashboard &amp;&amp; npm ci &amp;&amp;"
    " npm run build</code>. Signed-in members can already use the API: see "
    '<a href="/api/docs">the API reference</a>.</p>',
)


@router.get("/dashboard")
async def dashboard_redirect() -> RedirectResponse:
    return RedirectResponse("/dashboard/")


@router.get("/dashboard/{path:path}")
async def dashboard(path: str, state: StateDep) -> Response:
    """The built dashboard: its hashed assets, cached for good, and for every other path (a
    client route such as /dashboard/inbox/...) its index.html, so a reload or a shared link
    opens the same screen."""
    root = state.settings.dashboard_dir
    index = root / "index.html"
    if not index.is_file():
        return HTMLResponse(NOT_BUILT, status_code=status.HTTP_503_SERVICE_UNAVAILABLE)
    asset = _inside(root, path) if path else None
    if asset is not None and asset.is_file():
        immutable = path.startswith("assets/")
        return FileResponse(
            asset,
            headers={
                "Cache-Control": "public, max-age=31536000, immutable"
                if immutable
                else "public, max-age=300"
            },
        )
    if path.startswith("assets/"):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such dashboard file")
    return FileResponse(
        index,
        media_type="text/html",
        headers={
            "Cache-Control": "no-cache",
            "Content-Security-Policy": DASHBOARD_CSP,
            "X-Frame-Options": "DENY",
        },
    )


def _inside(root: Path, path: str) -> Path | None:
    """``root / path`` when it stays inside ``root`` (no ``..`` or symbolic link out)."""
    base = root.resolve()
    candidate = (base / path).resolve()
    return candidate if candidate.is_relative_to(base) and candidate != base else None


@router.get("/demo/", response_class=HTMLResponse)
async def demo(state: StateDep) -> str:
    """A small shop page with the widget of the installation's first organization."""
    async with platform_session(state.session_maker) as session:
        organization = (
            await session.exec(select(Organization).order_by(col(Organization.created_at)))
        ).first()
    if organization is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no organization yet")
    page = (DEMO / "shop.html").read_text()
    return page.replace("{{PUBLIC_KEY}}", html.escape(organization.public_key))


@router.get("/widget.js")
async def widget_script(state: StateDep) -> Response:
    """The embeddable widget, built by `npm run build` in widget/ (make does it)."""
    script = state.settings.widget_script
    if not script.exists():
        return PlainTextResponse(
            "console.error('Perceptron: the widget is not built: run make up or make test');",
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            media_type="application/javascript",
        )
    return FileResponse(
        script,
        media_type="application/javascript",
        headers={"Cache-Control": "public, max-age=300"},
    )


@router.get("/widget-voice.js")
async def widget_voice_script(state: StateDep) -> Response:
    """The widget's voice code, loaded only when a visitor presses the microphone, so the
    widget script itself stays within its size budget."""
    return _widget_asset(state.settings.widget_voice_script, cross_origin=False)


@router.get("/widget-voice-worklet.js")
async def widget_voice_worklet(state: StateDep) -> Response:
    """The microphone's AudioWorklet processor. Browsers fetch worklet modules in CORS mode,
    and the widget runs on customers' sites, so this public file allows every origin (no
    credentials are involved)."""
    return _widget_asset(state.settings.widget_voice_worklet, cross_origin=True)


def _widget_asset(path: Path, *, cross_origin: bool) -> Response:
    headers = {"Cache-Control": "public, max-age=300"}
    if cross_origin:
        headers["Access-Control-Allow-Origin"] = "*"
    if not path.exists():
        return PlainTextResponse(
            "console.error('Perceptron: the widget is not built: run make up or make test');",
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            media_type="application/javascript",
            headers=headers,
        )
    return FileResponse(path, media_type="application/javascript", headers=headers)
