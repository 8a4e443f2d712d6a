"""A recorded call through the real media loop: the conversation workflow on Temporal, the event
table, PostgreSQL, the real ``CallRecording`` and storage; speech by the media loop tests'
instant doubles, and a phone that, like Twilio, sends a frame every 20 ms for the whole call
(silence unless the caller speaks) and plays what it is sent at real time.

What it proves: the recording holds exactly the caller's audio on the left, and on the right
what the phone actually played: the answer starts after the caller's turn on the same
timeline, and the part a barge-in cleared is not there.
"""

from __future__ import annotations

import asyncio
import base64
import io
import time
import wave
from collections.abc import AsyncIterator
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from core.db import SessionMaker, org_session
from core.event_hub import EventHub
from core.models import Call, CallOutcome, Channel
from core.settings import Settings
from core.storage import create_storage, recording_key
from services.calls import CallSession
from services.conversations import Conversations
from services.voice.audio import ulaw_encode
from services.voice.media_loop import LoopSettings, MediaLoop
from services.voice.recording import recording_for
from services.voice.speech import SpeechStack
from tests.factories import create_organization
from tests.integration.call_helpers import seed_call
from tests.integration.conversation_helpers import ScriptedAgent
from tests.integration.test_media_loop import (
    SILENCE,
    SPEECH,
    Control,
    LoudnessDetector,
    Phone,
    ScriptedTranscriber,
    ToneSynthesizer,
)

pytestmark = pytest.mark.usefixtures("conversation_worker")

FRAME = 160
LOUD = 500.0  # RMS above which a 20 ms slot holds tone rather than silence


class LivePhone(Phone):
    """A frame every 20 ms from the first to the last moment of the call, as Twilio sends them;
    counts what it played and what a ``clear`` dropped unplayed."""

    def __init__(self) -> None:
        super().__init__()
        self.frames_sent = 0
        self.tone_frames_sent = 0
        self.dropped_seconds = 0.0
        self._tone_left = 0
        self._on = True

    async def send(self, message: dict[str, Any]) -> None:
        if message["event"] == "clear":
            self.dropped_seconds += max(0.0, self._play_until - time.monotonic())
        await super().send(message)

    @property
    def played_seconds(self) -> float:
        return self.audio_seconds - self.dropped_seconds

    async def line(self) -> None:
        next_at = time.monotonic()
        while self._on:
            tone = self._tone_left > 0
            self._tone_left -= int(tone)
            payload = base64.b64encode(ulaw_encode(SPEECH if tone else SILENCE)).decode()
            await self.inbox.put({"event": "media", "media": {"payload": payload}})
            self.frames_sent += 1
            self.tone_frames_sent += int(tone)
            next_at += 0.02
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))

    async def say(self, seconds: float) -> None:
        """Speak for ``seconds`` (the line goes on sending silence after)."""
        self._tone_left = round(seconds / 0.02)
        await asyncio.sleep(seconds)
        await until(lambda: self._tone_left <= 0)

    async def hang_up(self) -> None:
        self._on = False
        await asyncio.sleep(0.05)
        await self.inbox.put({"event": "stop"})


@pytest.fixture
async def hub(settings: Settings) -> AsyncIterator[EventHub]:
    hub = EventHub(settings.resolved_database_url)
    await hub.start()
    yield hub
    await hub.stop()


async def until(check: Any, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)


def _loud_slots(channel: npt.NDArray[np.int16]) -> npt.NDArray[np.bool_]:
    slots = channel[: len(channel) // FRAME * FRAME].reshape(-1, FRAME).astype(np.float64)
    loud: npt.NDArray[np.bool_] = np.sqrt((slots**2).mean(axis=1)) > LOUD
    return loud


async def test_a_recorded_call_holds_what_the_caller_said_and_what_was_played_on_one_timeline(
    settings: Settings,
    session_maker: SessionMaker,
    temporal_client: Any,
    hub: EventHub,
    agent: ScriptedAgent,
) -> None:
    agent.token_delay = 0.02
    conversations = Conversations(session_maker, temporal_client, settings)
    organization = await create_organization(session_maker, "Lumen")
    conversation = await conversations.start(organization.id, None, Channel.PHONE)
    call = await seed_call(
        session_maker, organization.id, conversation_id=conversation.id, contact_id=None
    )
    session = CallSession(
        org_id=organization.id,
        call_id=call.id,
        conversation_id=conversation.id,
        channel=Channel.PHONE,
        greeting="",
        provider_call_id="CA1",
        recording=True,
    )
    storage = create_storage(settings)
    synthesizer = ToneSynthesizer()
    phone = LivePhone()
    loop = MediaLoop(
        phone,
        session,
        stack=SpeechStack(
            detector=LoudnessDetector,
            transcriber=ScriptedTranscriber(
                [
                    "tell me everything about the lamp its warranty its colours and its firmware",
                    "stop, thanks",
                ]
            ),
            synthesizer=synthesizer,
            description="test doubles",
        ),
        conversations=conversations,
        calls=Control(),
        hub=hub,
        session_maker=session_maker,
        settings=LoopSettings(end_of_turn_ms=400, barge_in_ms=200),
        recorder=recording_for(session, storage, session_maker),
    )
    phone.start()
    running = asyncio.create_task(loop.run())
    line = asyncio.create_task(phone.line())
    try:
        await asyncio.sleep(0.3)
        await phone.say(0.6)
        # The answer (about a second of tone) starts playing; cut in a moment after.
        await until(lambda: phone.audio_seconds > 0.5)
        await asyncio.sleep(0.15)
        await phone.say(0.5)
        await until(lambda: phone.clears == 1)
        # The second answer is played to its end, then the caller hangs up.
        await until(lambda: len(synthesizer.said) >= 2 and phone.echoed >= 1)
        await asyncio.sleep(max(0.0, phone._play_until - time.monotonic()) + 0.3)
        await phone.hang_up()
        assert await asyncio.wait_for(running, 20) is CallOutcome.COMPLETED
    finally:
        line.cancel()

    async with org_session(session_maker, organization.id) as db:
        stored = await db.get(Call, call.id)
    assert stored is not None
    assert stored.recorded is True
    data = await storage.get(recording_key(organization.id, call.id))
    with wave.open(io.BytesIO(data), "rb") as reader:
        assert (reader.getnchannels(), reader.getframerate()) == (2, 8000)
        frames = reader.getnframes()
        samples = np.frombuffer(reader.readframes(frames), dtype="<i2")
    left, right = samples[0::2], samples[1::2]

    # The caller's side is exactly what the phone sent, frame for frame.
    assert frames == phone.frames_sent * FRAME
    caller_loud = _loud_slots(left)
    assert int(caller_loud.sum()) == phone.tone_frames_sent == 30 + 25
    # The assistant's side is what was played, not what was sent: the cleared part is gone.
    assert phone.dropped_seconds > 0.3, "the barge-in cut a good part of the first answer"
    assistant_loud = _loud_slots(right)
    played = assistant_loud.sum() * 0.02
    assert abs(played - phone.played_seconds) < 0.12, (played, phone.played_seconds)
    assert played < phone.audio_seconds - 0.25
    # On one timeline: the first answer starts after the caller's question and its silence.
    first_question_end = int(np.flatnonzero(caller_loud)[29])
    first_answer = int(np.flatnonzero(assistant_loud)[0])
    assert first_answer > first_question_end + 400 // 20
    # ... and stops within the barge-in's reaction time once the caller cuts in.
    cut_in = int(np.flatnonzero(caller_loud)[30])
    after_cut = assistant_loud[cut_in + (200 + 200) // 20 : cut_in + 25]
    assert not after_cut.any(), "assistant audio after the clear, while the caller spoke"
