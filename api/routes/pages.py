"""The dashboard and the widget demo page. Placeholders until their issues land; honest ones."""

from __future__ import annotations

import html

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


@router.get("/")
async def root() -> RedirectResponse:
    return RedirectResponse("/dashboard/")


@router.get("/dashboard/", response_class=HTMLResponse)
async def dashboard() -> str:
    return _PAGE.format(
        title="Perceptron dashboard",
        body="<p>The API is running. The dashboard (inbox, knowledge base, analytics, settings)"
        " is not built yet. Signed-in members can already use the API: see "
        '<a href="/api/docs">the API reference</a> and <code>/api/me</code>.</p>',
    )


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
