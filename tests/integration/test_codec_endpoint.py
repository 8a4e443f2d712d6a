"""The remote codec the Temporal Web UI calls: platform staff only, CORS for the UI only."""

from __future__ import annotations

import asyncio
import base64
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload
from temporalio.converter import WorkflowSerializationContext

from cli.embedded.temporal import EmbeddedTemporal
from core.db import SessionMaker
from core.encryption import DataKeys
from core.ids import data_export_id
from core.models import Role
from core.payload_codec import ENCODING, KEY_ID, EncryptionCodec
from core.ports import free_port
from core.settings import Settings
from services.accounts import set_platform_staff
from tests.conftest import RunningApi, serve
from tests.factories import bearer, create_member, create_organization, session_token

CANARY = "canary-codec@example.com"
EVIL_ORIGIN = "http://127.0.0.1:6666"


def decode_url(settings: Settings) -> str:
    return f"{settings.temporal.codec_endpoint}/decode"


def encode_url(settings: Settings) -> str:
    return f"{settings.temporal.codec_endpoint}/encode"


def as_json(*payloads: Payload) -> dict[str, Any]:
    return {"payloads": [json_format.MessageToDict(payload) for payload in payloads]}


def from_json(body: dict[str, Any]) -> list[Payload]:
    return [json_format.ParseDict(item, Payload()) for item in body["payloads"]]


def plain(text: str = CANARY) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=f'"{text}"'.encode())


async def staff_headers(settings: Settings, maker: SessionMaker) -> dict[str, str]:
    organization = await create_organization(maker, "Platform")
    member = await create_member(maker, organization.id, Role.OWNER)
    assert await set_platform_staff(maker, member.idp_user_id, True) == 1
    return {**bearer(session_token(settings, member)), "X-Namespace": "perceptron"}


async def test_only_platform_staff_may_use_the_codec(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    organization = await create_organization(session_maker)
    owner = await create_member(session_maker, organization.id, Role.OWNER)
    body = as_json(plain())
    async with api.client() as client:
        anonymous = await client.post(decode_url(settings), json=body)
        owner_call = await client.post(
            decode_url(settings), json=body, headers=bearer(session_token(settings, owner))
        )
        staff = await client.post(
            decode_url(settings), json=body, headers=await staff_headers(settings, session_maker)
        )
    assert anonymous.status_code == 401
    assert owner_call.status_code == 403
    assert owner_call.json()["detail"] == "the codec is for platform staff only"
    assert staff.status_code == 200


async def test_encode_then_decode_gives_back_the_original(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    headers = await staff_headers(settings, session_maker)
    originals = [plain(), plain("second"), Payload(metadata={"encoding": b"binary/null"})]
    async with api.client(headers=headers) as client:
        encoded = await client.post(encode_url(settings), json=as_json(*originals))
        assert encoded.status_code == 200
        sealed = from_json(encoded.json())
        assert all(payload.metadata["encoding"] == ENCODING for payload in sealed)
        assert CANARY.encode() not in b"".join(p.SerializeToString() for p in sealed)
        decoded = await client.post(decode_url(settings), json=encoded.json())
    assert decoded.status_code == 200
    assert from_json(decoded.json()) == originals
    wire = decoded.json()["payloads"][0]
    assert base64.b64decode(wire["metadata"]["encoding"]) == b"json/plain"
    assert base64.b64decode(wire["data"]) == f'"{CANARY}"'.encode()


async def test_organization_payloads_decode_and_shredded_ones_stay_sealed(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, keyring: DataKeys
) -> None:
    headers = await staff_headers(settings, session_maker)
    live = await create_organization(session_maker, "Live")
    deleted = await create_organization(session_maker, "Deleted")

    async def sealed_for(org_id: uuid.UUID, text: str) -> Payload:
        context = WorkflowSerializationContext("perceptron", data_export_id(org_id, uuid.uuid4()))
        [payload] = await EncryptionCodec(keyring).with_context(context).encode([plain(text)])
        return payload

    live_payload = await sealed_for(live.id, "live")
    shredded_payload = await sealed_for(deleted.id, "gone")
    await keyring.destroy(deleted.id)
    untouched = plain("was never encrypted")
    async with api.client(headers=headers) as client:
        response = await client.post(
            decode_url(settings), json=as_json(live_payload, shredded_payload, untouched)
        )
    assert response.status_code == 200
    assert from_json(response.json()) == [plain("live"), shredded_payload, untouched]


async def test_bad_requests_get_clear_errors(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, keyring: DataKeys
) -> None:
    headers = await staff_headers(settings, session_maker)
    [sealed] = await EncryptionCodec(keyring).encode([plain()])
    tampered = Payload(metadata=dict(sealed.metadata), data=sealed.data[:-1] + b"\x00")
    unknown_key = Payload(metadata={"encoding": ENCODING, KEY_ID: b"nope"}, data=sealed.data)
    async with api.client(headers=headers) as client:
        not_json = await client.post(decode_url(settings), content=b"payloads")
        wrong_shape = await client.post(decode_url(settings), json={"payloads": [{"data": 5}]})
        bad_tag = await client.post(decode_url(settings), json=as_json(plain(), tampered))
        no_key = await client.post(decode_url(settings), json=as_json(unknown_key))
        empty = await client.post(decode_url(settings), json={})
    assert not_json.status_code == 415
    assert wrong_shape.status_code == 400
    assert "payloads" in wrong_shape.json()["detail"]
    assert bad_tag.status_code == 422
    assert bad_tag.json()["detail"].startswith("payload 1: payload does not decrypt")
    assert no_key.status_code == 422
    assert "unknown data key" in no_key.json()["detail"]
    assert empty.status_code == 200
    assert empty.json() == {"payloads": []}


def preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-namespace",
    }


async def test_cors_lets_the_temporal_ui_in_with_credentials_and_no_other_origin(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    headers = await staff_headers(settings, session_maker)
    ui = settings.temporal_ui_url
    async with api.client() as client:
        allowed = await client.options(decode_url(settings), headers=preflight(ui))
        by_name = await client.options(
            decode_url(settings), headers=preflight(f"http://localhost:{settings.temporal_ui_port}")
        )
        refused = await client.options(decode_url(settings), headers=preflight(EVIL_ORIGIN))
        from_ui = await client.post(
            decode_url(settings), json=as_json(plain()), headers={**headers, "Origin": ui}
        )
        from_elsewhere = await client.post(
            decode_url(settings), json=as_json(plain()), headers={**headers, "Origin": EVIL_ORIGIN}
        )
        other_route = await client.options("/api/me", headers=preflight(ui))
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ui
    assert allowed.headers["access-control-allow-credentials"] == "true"
    assert "x-namespace" in allowed.headers["access-control-allow-headers"].lower()
    assert by_name.status_code == 200
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    assert from_ui.status_code == 200
    assert from_ui.headers["access-control-allow-origin"] == ui
    assert from_elsewhere.status_code == 403
    assert "access-control-allow-origin" not in from_elsewhere.headers
    assert "access-control-allow-origin" not in other_route.headers, "no CORS elsewhere"


async def test_a_configured_temporal_ui_origin_is_allowed(
    settings: Settings, session_maker: SessionMaker
) -> None:
    origin = "https://temporal.example.com"
    configured = settings.model_copy(update={"temporal_ui_origins": [origin + "/"]})
    async with serve(configured) as api, api.client() as client:
        allowed = await client.options(decode_url(settings), headers=preflight(origin))
        refused = await client.options(
            decode_url(settings), headers=preflight("https://other.example.com")
        )
    assert allowed.headers["access-control-allow-origin"] == origin
    assert refused.status_code == 400


async def test_the_embedded_web_ui_is_pointed_at_the_codec(
    settings: Settings, tmp_path: Path
) -> None:
    ui_port = free_port()
    server = EmbeddedTemporal(
        tmp_path / "temporal-ui",
        free_port(),
        ui_port,
        settings.temporal,
        settings.resolved_namespace,
        codec_endpoint=settings.temporal.codec_url(settings.api_url),
    )
    try:
        await asyncio.to_thread(server.start)
        async with httpx.AsyncClient() as client:
            response = await client.get(f"http://127.0.0.1:{ui_port}/api/v1/settings")
    finally:
        await asyncio.to_thread(server.stop)
    codec = response.json()["Codec"]
    assert codec["Endpoint"] == f"{settings.api_url}/api/platform/codec"


@pytest.mark.parametrize("path", ["decode", "encode"])
async def test_the_codec_answers_only_post(api: RunningApi, settings: Settings, path: str) -> None:
    async with api.client() as client:
        response = await client.get(f"{settings.temporal.codec_endpoint}/{path}")
    assert response.status_code == 405
