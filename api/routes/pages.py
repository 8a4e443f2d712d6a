"""The dashboard and the widget demo page. Placeholders until their issues land; honest ones."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

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
async def demo() -> str:
    return _PAGE.format(
        title="Widget demo",
        body="<p>The embeddable chat widget is not built yet; this page will load it for the "
        "default organization.</p>",
    )
