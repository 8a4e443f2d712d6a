"""Bad input is a 4xx with a message, never a 500 or a hang: paging past 64 bits, event ids
past 64 bits, organization settings of the wrong type (on write, and rows stored before
they were validated), and an upload body over the limit refused while it arrives."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from core.db import SessionMaker
from core.models import Organization
from core.settings import Settings
from tests.conftest import RunningApi, serve
from tests.factories import bearer, create_member, create_organization, session_token
from tests.integration.conversation_helpers import configure, new_visitor, read_events, turn_done

PAST_64_BITS = str(2**64)


async def _owner(api: RunningApi, maker: SessionMaker) -> tuple[Organization, dict[str, str]]:
    organization = await create_organization(maker, "Lumen")
    owner = await create_member(maker, organization.id)
    return organization, bearer(session_token(api.settings, owner))


async def test_every_list_route_refuses_an_offset_past_its_bound(
    api: RunningApi, session_maker: SessionMaker
) -> None:
    organization, headers = await _owner(api, session_maker)
    org_id = organization.id
    lists = [
        f"/api/orgs/{org_id}/conversations",
        f"/api/orgs/{org_id}/contacts",
        f"/api/orgs/{org_id}/knowledge/documents",
        f"/api/orgs/{org_id}/privacy/requests",
        f"/api/orgs/{org_id}/audit-log",
    ]
    async with api.client() as client:
        for url in lists:
            for offset in (PAST_64_BITS, "10000001", "-1"):
                response = await client.get(url, params={"offset": offset}, headers=headers)
                assert response.status_code == 422, (url, offset, response.text)
                assert response.json()["detail"][0]["loc"] == ["query", "offset"]
            deep = await client.get(url, params={"offset": "10000000"}, headers=headers)
            assert deep.status_code == 200, (url, deep.text)
            assert deep.json()["items"] == []


async def test_event_streams_refuse_event_ids_past_64_bits(
    api: RunningApi, session_maker: SessionMaker
) -> None:
    organization, headers = await _owner(api, session_maker)
    org_id = organization.id
    async with api.client() as client:
        visitor = await new_visitor(client, organization.public_key)
        started = await visitor.start()
        conversation = started["conversation"]["id"]
        widget_url = f"/api/widget/conversations/{conversation}/events"
        refused = [
            await client.get(widget_url, params={"after": "1e20"}, headers=visitor.headers),
            await client.get(widget_url, params={"after": PAST_64_BITS}, headers=visitor.headers),
            await client.get(widget_url, params={"after": "-5"}, headers=visitor.headers),
            await client.get(
                widget_url, headers={**visitor.headers, "Last-Event-ID": PAST_64_BITS}
            ),
            await client.get(widget_url, headers={**visitor.headers, "Last-Event-ID": "soon"}),
            await client.get(
                f"/api/orgs/{org_id}/conversations/{conversation}/events",
                headers={**headers, "Last-Event-ID": PAST_64_BITS},
            ),
            await client.get(
                f"/api/orgs/{org_id}/inbox/events",
                headers={**headers, "Last-Event-ID": PAST_64_BITS},
            ),
        ]
    for response in refused:
        assert response.status_code == 422, (response.request.url, response.text)
        assert response.json()["detail"]


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"allowed_origins": 5}, "allowed_origins"),
        ({"allowed_origins": ["shop.example"]}, "allowed_origins"),
        ({"idle_timeout_seconds": "soon"}, "idle_timeout_seconds"),
        ({"idle_timeout_seconds": 1e300}, "idle_timeout_seconds"),
        ({"idle_timeout_seconds": 0}, "idle_timeout_seconds"),
        ({"handoff_timeout_seconds": True}, "handoff_timeout_seconds"),
        ({"widget": {"color": "red; background: url(x)"}}, "color"),
        ({"widget": {"position": "middle"}}, "position"),
        ({"widget": {"pre_chat": "always"}}, "pre_chat"),
        ({"widget": {"avatar_url": "javascript:alert(1)"}}, "avatar_url"),
        ({"widget": "dark"}, "widget"),
        ({"surprise": 1}, "surprise"),
    ],
)
async def test_organization_settings_of_the_wrong_type_are_refused_naming_the_key(
    api: RunningApi, session_maker: SessionMaker, values: dict[str, object], key: str
) -> None:
    organization, headers = await _owner(api, session_maker)
    org_id = organization.id
    async with api.client() as client:
        response = await client.patch(
            f"/api/orgs/{org_id}", json={"settings": values}, headers=headers
        )
        after = await client.get(f"/api/orgs/{org_id}", headers=headers)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert any(key in map(str, error["loc"]) for error in detail), detail
    assert after.json()["settings"] == {}


async def test_valid_organization_settings_are_stored_normalized(
    api: RunningApi, session_maker: SessionMaker
) -> None:
    organization, headers = await _owner(api, session_maker)
    org_id = organization.id
    async with api.client() as client:
        response = await client.patch(
            f"/api/orgs/{org_id}",
            json={
                "settings": {
                    "idle_timeout_seconds": 600,
                    "allowed_origins": ["https://Shop.example/"],
                    "widget": {"color": "#ff6600", "theme": "dark"},
                }
            },
            headers=headers,
        )
    assert response.status_code == 200, response.text
    stored = response.json()["settings"]
    assert stored["idle_timeout_seconds"] == 600
    assert stored["allowed_origins"] == ["https://shop.example"]
    assert stored["widget"]["color"] == "#ff6600"
    assert stored["widget"]["theme"] == "dark"


@pytest.mark.usefixtures("conversation_worker")
async def test_settings_stored_before_validation_cannot_break_the_widget_or_a_message(
    api: RunningApi, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    await configure(
        session_maker,
        organization.id,
        allowed_origins=5,
        idle_timeout_seconds=1e300,
        handoff_timeout_seconds="soon",
        widget={"color": 7, "theme": "dark"},
    )
    key = {"x-perceptron-key": organization.public_key}
    async with api.client() as client:
        config = await client.get("/api/widget/config", headers=key)
        # A damaged origin list fails closed: no site may embed the widget until it is set.
        refused = await client.post(
            "/api/widget/visitors", json={}, headers={**key, "origin": "https://any.example"}
        )
        visitor = await new_visitor(client, organization.public_key)
        started = await asyncio.wait_for(visitor.start("How do I reset the lamp?"), 20)
        events = await read_events(
            client,
            f"/api/widget/conversations/{started['conversation']['id']}/events",
            visitor.headers,
            turn_done,
        )
    assert config.status_code == 200, config.text
    assert refused.status_code == 403, refused.text
    assert config.json()["color"] == "#4f46e5"  # the bad colour falls back to the default
    assert config.json()["theme"] == "dark"  # the good field next to it is kept
    assert turn_done(events)


async def _raw_upload(
    settings: Settings, org_id: uuid.UUID, headers: dict[str, str], chunked: bool
) -> tuple[bytes, int, float]:
    """Post a 400 MB upload over a raw socket, sending as the server reads; return the
    response head, how many body bytes went out before it came, and how long it took."""
    boundary = "perceptronboundary"
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="big.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    size = 400 * 1024 * 1024
    framing = (
        "Transfer-Encoding: chunked\r\n"
        if chunked
        else f"Content-Length: {len(head) + size + len(boundary) + 8}\r\n"
    )
    reader, writer = await asyncio.open_connection("127.0.0.1", settings.api_port)
    writer.write(
        (
            f"POST /api/orgs/{org_id}/knowledge/documents HTTP/1.1\r\n"
            f"Host: 127.0.0.1\r\nAuthorization: {headers['Authorization']}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n{framing}\r\n"
        ).encode()
    )
    sent = 0
    chunk = b"x" * (256 * 1024)
    started = time.monotonic()

    async def send_body() -> None:
        nonlocal sent
        pieces = [head] + [chunk] * (size // len(chunk))
        for piece in pieces:
            writer.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            await writer.drain()
            sent += len(piece)

    sender = asyncio.create_task(send_body())
    try:
        response = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 60)
        body = await asyncio.wait_for(reader.read(2000), 10)
    finally:
        sender.cancel()
        writer.close()
    return response + body, sent, time.monotonic() - started


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
async def test_an_upload_over_the_limit_is_refused_before_it_is_read(
    settings: Settings, session_maker: SessionMaker, chunked: bool
) -> None:
    small = settings.model_copy(update={"max_upload_mb": 1})
    organization = await create_organization(session_maker, "Lumen")
    owner = await create_member(session_maker, organization.id)
    headers = bearer(session_token(small, owner))
    async with serve(small):
        response, sent, took = await _raw_upload(small, organization.id, headers, chunked)
    assert response.startswith(b"HTTP/1.1 413"), response[:200]
    assert b'"detail":"the file is larger than the 1 MB limit"' in response
    assert sent < 20 * 1024 * 1024, f"{sent} bytes were read before the refusal"
    assert took < 10
