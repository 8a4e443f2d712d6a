"""Calls and their recordings for the privacy tests: rows written as the product writes them,
recordings made through the real ``CallRecording`` into the real storage."""

from __future__ import annotations

import random
import uuid
from typing import Any

from core.db import SessionMaker, org_session
from core.models import Call
from core.storage import FileStorage, recording_key
from services.voice.recording import CallRecording

FRAME_BYTES = 160  # 20 ms of 8 kHz mu-law


def speech_like_frames(seed: str, count: int) -> list[bytes]:
    """Mu-law frames of noise unique to ``seed``: the recording made from them holds byte runs
    found in no other file, so a test can look for the recording's bytes anywhere."""
    rng = random.Random(seed)
    return [rng.randbytes(FRAME_BYTES) for _ in range(count)]


async def seed_call(
    maker: SessionMaker,
    org_id: uuid.UUID,
    *,
    conversation_id: uuid.UUID | None,
    contact_id: uuid.UUID | None,
    from_number: str = "+15550100",
    **fields: Any,
) -> Call:
    async with org_session(maker, org_id) as session:
        call = Call(
            org_id=org_id,
            conversation_id=conversation_id,
            contact_id=contact_id,
            direction="inbound",
            from_number=from_number,
            to_number="+15550199",
            status="completed",
            duration_seconds=3,
            **fields,
        )
        session.add(call)
    return call


async def record_call(
    storage: FileStorage,
    maker: SessionMaker,
    org_id: uuid.UUID,
    call_id: uuid.UUID,
    *,
    seed: str | None = None,
    seconds: float = 1.0,
) -> bytes:
    """Record a call as the media loop does (caller frames as the clock, an answer sent
    part-way) and return the stored WAV's bytes."""
    frames = int(seconds / 0.02)
    caller = speech_like_frames(seed or str(call_id), frames)
    answer = speech_like_frames(f"answer-{seed or call_id}", frames // 2)
    recording = CallRecording(storage, org_id, call_id, session_maker=maker)
    for index, frame in enumerate(caller):
        recording.caller(frame)
        if index == frames // 4:
            for sent in answer:
                recording.assistant(sent)
    assert await recording.save()
    return await storage.get(recording_key(org_id, call_id))
