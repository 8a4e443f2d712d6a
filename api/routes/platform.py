"""Platform tools for the people who run this installation: the Temporal Web UI's codec.

The Web UI shows workflow histories; their payloads are encrypted (core.payload_codec). It
calls this remote codec (the Temporal codec-server protocol: ``POST {endpoint}/decode`` and
``/encode`` with ``{"payloads": [...]}`` in proto3 JSON and an ``X-Namespace`` header) to show
and to write them. Only platform staff may use it. The UI runs on its own origin (the embedded
dev server's UI port, or the origins in ``temporal_ui_origins``), so the codec is a small
application of its own, mounted at ``codec_endpoint`` from temporal.yaml, with Starlette's CORS
middleware allowing exactly those origins, with credentials (the session cookie).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, Header, HTTPException, Request, status
from fastapi.middleware.cors import CORSMiddleware
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads

from api.deps import CurrentPrincipal, StateDep
from core.logging import get_logger
from core.payload_codec import EncryptionCodec, PayloadDecryptionError, PayloadShreddedError
from core.settings import Settings
from services.accounts import Principal

log = get_logger(__name__)

MAX_BODY_BYTES = 16 * 1024 * 1024
CODEC_REQUEST_HEADERS = ["content-type", "x-namespace", "authorization"]


def create_codec_app(settings: Settings) -> FastAPI:
    """The codec endpoint, to mount at ``settings.temporal.codec_endpoint``."""
    codec = FastAPI(title="Perceptron codec", docs_url=None, redoc_url=None, openapi_url=None)
    codec.add_middleware(
        CORSMiddleware,
        allow_origins=temporal_ui_origins(settings),
        allow_credentials=True,
        allow_methods=["POST"],
        allow_headers=CODEC_REQUEST_HEADERS,
        max_age=600,
    )
    allowed = {*temporal_ui_origins(settings), _origin(settings.api_url)}

    async def same_site_or_ui(origin: Annotated[str | None, Header()] = None) -> None:
        """A browser on any other origin is refused outright, not only denied the answer:
        other ports of the same host are "same-site" and would carry the session cookie."""
        if origin is not None and origin.rstrip("/") not in allowed:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="origin not allowed")

    guards = [Depends(same_site_or_ui), Depends(require_platform_staff)]
    codec.post("/decode", dependencies=guards)(decode)
    codec.post("/encode", dependencies=guards)(encode)
    return codec


def temporal_ui_origins(settings: Settings) -> list[str]:
    """The embedded dev server's UI (by address and by name) and any configured UI."""
    port = settings.temporal_ui_port
    embedded = [_origin(settings.temporal_ui_url), f"http://localhost:{port}"]
    configured = [origin.rstrip("/") for origin in settings.temporal_ui_origins]
    return list(dict.fromkeys([*embedded, *configured]))


async def require_platform_staff(principal: CurrentPrincipal) -> Principal:
    if not principal.is_platform_staff:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, detail="the codec is for platform staff only"
        )
    return principal


async def decode(
    request: Request,
    state: StateDep,
    x_namespace: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Decrypt payloads for the Web UI. A crypto-shredded payload (its organization was
    deleted) comes back unchanged: it stays unreadable, and the rest of the page still shows."""
    payloads = await _payloads(request)
    codec = EncryptionCodec(state.keyring)
    decoded: list[Payload] = []
    for index, payload in enumerate(payloads):
        try:
            decoded.extend(await codec.decode([payload]))
        except PayloadShreddedError:
            decoded.append(payload)
        except PayloadDecryptionError as error:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT, detail=f"payload {index}: {error}"
            ) from error
    log.info("codec decode", payloads=len(payloads), namespace=x_namespace)
    return _body(decoded)


async def encode(
    request: Request,
    state: StateDep,
    x_namespace: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Encrypt payloads the Web UI sends (signal or start inputs). The UI names no workflow,
    so they are sealed with the platform key; decoding finds it by the key id they carry."""
    payloads = await _payloads(request)
    encoded = await EncryptionCodec(state.keyring).encode(payloads)
    log.info("codec encode", payloads=len(payloads), namespace=x_namespace)
    return _body(encoded)


async def _payloads(request: Request) -> list[Payload]:
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("application/json"):
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, detail="send application/json")
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            detail=f"at most {MAX_BODY_BYTES // (1024 * 1024)} MB per request",
        )
    message = Payloads()
    try:
        json_format.Parse(body, message)
    except json_format.ParseError as error:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST,
            detail='expected {"payloads": [{"metadata": {...}, "data": "<base64>"}]}',
        ) from error
    return list(message.payloads)


def _body(payloads: list[Payload]) -> dict[str, Any]:
    return {
        "payloads": [
            json_format.MessageToDict(payload, preserving_proto_field_name=True)
            for payload in payloads
        ]
    }


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
