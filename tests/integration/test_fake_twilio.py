"""The fake Twilio's call side against a tiny Media Streams server of the test's own: the
webhook is signed as Twilio signs it, audio goes out as 20 ms mu-law frames in real time,
what comes back is played in real time, marks are echoed after the audio before them, and a
clear drops what was not played yet."""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
import subprocess
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from twilio.twiml.voice_response import VoiceResponse

from core.ports import free_port
from services.telephony import TwilioHttp
from tests.fakes.twilio import FRAME_BYTES, FakeTwilio

ACCOUNT_SID = "AC" + "e" * 32
AUTH_TOKEN = "echo-token-0123456789abcdef"
PUBLIC_URL = "https://echo.example.test"


@dataclass
class EchoServer:
    """Answers the voice webhook with a stream to itself; echoes the caller's audio back,
    with a mark after every 10 frames; a DTMF digit makes it clear."""

    url: str = ""
    signatures_valid: list[bool] = field(default_factory=list)
    events: list[dict[str, object]] = field(default_factory=list)
    marks_back: list[str] = field(default_factory=list)

    async def voice(self, request: Request) -> Response:
        params = {key: str(value) for key, value in (await request.form()).items()}
        valid = RequestValidator(AUTH_TOKEN).validate(
            PUBLIC_URL + request.url.path, params, request.headers.get("x-twilio-signature", "")
        )
        self.signatures_valid.append(bool(valid))
        response = VoiceResponse()
        stream = response.connect().stream(url="wss://echo.example.test/media/t0ken")
        stream.parameter(name="call_id", value="call-1")
        return Response(str(response), media_type="application/xml")

    async def media(self, websocket: WebSocket) -> None:
        await websocket.accept()
        frames = 0
        try:
            while True:
                message = json.loads(await websocket.receive_text())
                self.events.append(message)
                event = message["event"]
                sid = message.get("streamSid")
                if event == "media":
                    frames += 1
                    await websocket.send_text(
                        json.dumps(
                            {
                                "event": "media",
                                "streamSid": sid,
                                "media": {"payload": message["media"]["payload"]},
                            }
                        )
                    )
                    if frames % 10 == 0:
                        await websocket.send_text(
                            json.dumps(
                                {"event": "mark", "streamSid": sid, "mark": {"name": f"m{frames}"}}
                            )
                        )
                elif event == "mark":
                    self.marks_back.append(str(message["mark"]["name"]))
                elif event == "dtmf" and message["dtmf"]["digit"] == "9":
                    for _ in range(25):  # half a second of "answer", then a mark
                        payload = base64.b64encode(b"\x20" * FRAME_BYTES).decode()
                        await websocket.send_text(
                            json.dumps(
                                {"event": "media", "streamSid": sid, "media": {"payload": payload}}
                            )
                        )
                    await websocket.send_text(
                        json.dumps({"event": "mark", "streamSid": sid, "mark": {"name": "answer"}})
                    )
                elif event == "dtmf" and message["dtmf"]["digit"] == "#":
                    await websocket.close()  # the server ends the call
                    return
                elif event == "dtmf":
                    await websocket.send_text(json.dumps({"event": "clear", "streamSid": sid}))
                elif event == "stop":
                    await websocket.close()
                    return
        except WebSocketDisconnect:
            return


@pytest.fixture
async def echo() -> AsyncIterator[EchoServer]:
    server = EchoServer()
    app = Starlette(
        routes=[
            Route("/api/twilio/voice", server.voice, methods=["POST"]),
            WebSocketRoute("/media/{token}", server.media),
        ]
    )
    port = free_port()
    running = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    task = asyncio.create_task(running.serve())
    while not running.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    server.url = f"http://127.0.0.1:{port}"
    try:
        yield server
    finally:
        running.should_exit = True
        await task


@pytest.fixture(scope="module")
def spoken_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About a second of speech, made by espeak-ng."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    path = tmp_path_factory.mktemp("speech") / "hello.wav"
    subprocess.run(["espeak-ng", "-w", str(path), "Hello, I would like some help."], check=True)
    return path


async def test_the_fake_signs_its_webhook_and_streams_in_real_time(
    echo: EchoServer, spoken_wav: Path
) -> None:
    async with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as twilio:
        call = await twilio.call(echo.url, PUBLIC_URL, to="+15550001111", from_="+15550002222")
        assert echo.signatures_valid == [True]
        assert call.parameters == {"call_id": "call-1"}
        began = time.monotonic()
        await call.say(spoken_wav)
        sent_seconds = time.monotonic() - began
        await asyncio.sleep(0.5)  # the last echoed frames and marks play out
        played_before = call.heard_seconds
        await call.press("9")
        reply = await call.wait_for_reply(within=5, quiet=0.3)
        await asyncio.sleep(0.7)
        await call.hang_up()

    media = [event for event in echo.events if event["event"] == "media"]
    assert echo.events[0]["event"] == "connected"
    start = echo.events[1]
    assert start["event"] == "start"
    assert start["start"]["customParameters"] == {"call_id": "call-1"}  # type: ignore[index]
    assert start["start"]["mediaFormat"]["encoding"] == "audio/x-mulaw"  # type: ignore[index]
    assert all(
        len(base64.b64decode(event["media"]["payload"])) == FRAME_BYTES  # type: ignore[index]
        for event in media
    )
    spoken_seconds = len(media) * 0.02
    assert spoken_seconds > 1.0
    # Real time: streaming took as long as the speech lasts (within scheduling slack).
    assert sent_seconds == pytest.approx(spoken_seconds, rel=0.1)
    # Everything echoed was played, and each mark came back after the audio before it.
    assert reply == b"\x20" * FRAME_BYTES * 25
    assert call.heard_seconds - played_before == pytest.approx(0.5, abs=0.05)
    assert call.heard_seconds == pytest.approx(call.received_seconds, abs=0.05)
    assert call.marks == [f"m{n}" for n in range(10, len(media) + 1, 10)] + ["answer"]
    assert echo.marks_back == call.marks
    assert call.clears == 0
    assert echo.events[-1]["event"] == "stop"
    assert call.status_callbacks == [404]  # the echo server has no status route


async def test_a_clear_drops_the_audio_not_yet_played(echo: EchoServer) -> None:
    async with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN, speed=1.0) as twilio:
        call = await twilio.call(echo.url, PUBLIC_URL, to="+15550001111", from_="+15550002222")
        # Two seconds of tone sent fast (10x): the echo arrives much faster than it plays.
        await call.send_audio(b"\x10" * 8000 * 2, speed=10.0)
        await asyncio.sleep(0.5)
        await call.press("5")
        await asyncio.sleep(0.3)
        heard_at_clear = call.heard_seconds
        await asyncio.sleep(0.5)
        await call.hang_up()

    assert call.received_seconds == pytest.approx(2.0, abs=0.05)
    assert call.clears == 1
    assert 0.2 < heard_at_clear < 1.5
    assert call.heard_seconds == pytest.approx(heard_at_clear, abs=0.03)  # nothing more played
    # Marks still queued when the clear came back at once; the ones after it never played.
    assert len(call.marks) == len(set(call.marks))


async def test_when_the_server_closes_the_stream_the_call_ends_with_its_status_callback(
    echo: EchoServer,
) -> None:
    async with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as twilio:
        call = await twilio.call(echo.url, PUBLIC_URL, to="+15550001111", from_="+15550002222")
        await call.press("#")
        await asyncio.wait_for(call.ended.wait(), 5)
        for _ in range(100):
            if call.status_callbacks:
                break
            await asyncio.sleep(0.02)
    assert call.closed_by_server
    assert call.status_callbacks == [404]  # posted (the echo server has no status route)


async def test_a_rest_redirect_to_dial_ends_the_stream_as_twilio_does(echo: EchoServer) -> None:
    """Through the real twilio client and our http client: the fake checks Basic auth, then
    sends ``stop``, closes the socket and follows the <Dial>."""
    async with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN) as twilio:
        call = await twilio.call(echo.url, PUBLIC_URL, to="+15550001111", from_="+15550002222")
        await call.send_silence(0.2)
        wrong = Client(ACCOUNT_SID, "not-the-token", http_client=TwilioHttp(twilio.base_url))
        with pytest.raises(TwilioRestException) as refused:
            await wrong.calls(call.sid).update_async(twiml="<Response><Hangup/></Response>")
        assert refused.value.status == 401
        assert not call.ended.is_set()

        client = Client(ACCOUNT_SID, AUTH_TOKEN, http_client=TwilioHttp(twilio.base_url))
        twiml = VoiceResponse()
        twiml.say("Putting you through.")
        twiml.dial("+15550123000")
        updated = await client.calls(call.sid).update_async(twiml=str(twiml))
        assert updated.sid == call.sid
        await asyncio.wait_for(call.ended.wait(), 5)
    assert call.dial_target == "+15550123000"
    assert call.said[-1] == "Putting you through."
    assert echo.events[-1]["event"] == "stop"
    assert not call.closed_by_server
    assert [r.authorized for r in twilio.requests] == [False, True]
