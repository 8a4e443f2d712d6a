"""Live audio: the media WebSockets of phone calls and of the widget's microphone, and the
widget's request for a voice session.

Both sockets speak the Twilio Media Streams protocol and are served by the same media loop
(``services.voice.media_loop``). A socket is opened with a single-use, short-lived stream
token in its path (Twilio's stream URLs take no query string): the phone's comes in the TwiML
that answers Twilio's voice webhook, the widget's from ``POST /api/widget/voice``. An unknown,
used or expired token is refused at the handshake (HTTP 403), before any audio flows.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from typing import Any

from fastapi import APIRouter, HTTPException, WebSocket, status
from pydantic import BaseModel
from starlette.websockets import WebSocketDisconnect, WebSocketState

from api.deps import StateDep
from api.responses import errors
from api.routes.widget import Visitor
from api.state import AppState
from core.logging import get_logger
from core.models import Channel
from services.conversations import ConversationError
from services.errors import RefusedError
from services.voice.media_loop import LoopSettings, MediaLoop
from services.voice.recording import recording_for

log = get_logger(__name__)

router = APIRouter(tags=["voice"])
REFUSED = 1008  # policy violation: closed before accept, the handshake answers 403


class VoiceRequest(BaseModel):
    conversation_id: uuid.UUID | None = None


class VoiceSession(BaseModel):
    call_id: uuid.UUID
    conversation_id: uuid.UUID
    stream_url: str  # a path on this API: open a WebSocket to it within a minute


@router.post(
    "/api/widget/voice",
    status_code=status.HTTP_201_CREATED,
    responses=errors(401, 403, 404, 409, 503),
)
async def start_voice(body: VoiceRequest, visitor: Visitor, state: StateDep) -> VoiceSession:
    """A voice session for the visitor: in their conversation, or a new one (channel voice)."""
    if state.speech.synthesizer is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail=state.speech.description)
    if body.conversation_id is not None:
        try:
            conversation = await state.conversations.get(visitor.org_id, body.conversation_id)
        except ConversationError:
            conversation = None
        if conversation is None or conversation.contact_id != visitor.contact_id:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such conversation")
    else:
        conversation = await state.conversations.start(
            visitor.org_id, visitor.contact_id, Channel.VOICE
        )
    call_id, token = await state.calls.start_browser_call(
        visitor.org_id, visitor.contact_id, conversation.id
    )
    return VoiceSession(
        call_id=call_id, conversation_id=conversation.id, stream_url=f"/api/widget/voice/{token}"
    )


@router.websocket("/api/twilio/media/{token}")
async def phone_media(websocket: WebSocket, token: str) -> None:
    await _serve(websocket, token)


@router.websocket("/api/widget/voice/{token}")
async def widget_media(websocket: WebSocket, token: str) -> None:
    await _serve(websocket, token)


async def _serve(websocket: WebSocket, token: str) -> None:
    state: AppState = websocket.state.app_state
    try:
        call = await state.calls.redeem_stream_token(token)
    except RefusedError:
        await websocket.close(code=REFUSED)
        return
    await websocket.accept()
    recorder = recording_for(call, state.storage, state.session_maker)
    loop = MediaLoop(
        _Socket(websocket),
        call,
        stack=state.speech,
        conversations=state.conversations,
        calls=state.calls,
        hub=state.event_hub,
        session_maker=state.session_maker,
        settings=LoopSettings.of(state.settings),
        recorder=recorder,
    )
    await loop.run()
    if websocket.client_state is WebSocketState.CONNECTED:
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await websocket.close()


class _Socket:
    """A Starlette WebSocket as the media loop's socket: JSON text frames; a peer that has
    gone reads as None, and sending to it is a no-op (its hang-up is not a failure)."""

    def __init__(self, websocket: WebSocket) -> None:
        self._websocket = websocket
        self._closed = False

    async def receive(self) -> dict[str, Any] | None:
        while not self._closed:
            try:
                text = await self._websocket.receive_text()
            except (WebSocketDisconnect, RuntimeError):
                self._closed = True
                return None
            try:
                message = json.loads(text)
            except ValueError:
                continue  # not a Media Streams message: ignored
            if isinstance(message, dict):
                return message
        return None

    async def send(self, message: dict[str, Any]) -> None:
        if self._closed:
            return
        try:
            await self._websocket.send_text(json.dumps(message))
        except (WebSocketDisconnect, RuntimeError, OSError):
            self._closed = True
