"""Call recordings: what the media loop feeds ``CallRecording`` becomes a two-channel WAV in
storage on the call's own timeline, without what a barge-in cut off, in bounded memory, and
only when the organization records calls. Real PostgreSQL and the real local storage."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import tracemalloc
import uuid
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from core.db import SessionMaker, org_session
from core.models import Call, Contact, Conversation
from core.settings import Settings
from core.storage import create_storage, recording_key
from services.voice.recording import ULAW_TO_LINEAR, CallRecording, recording_for
from tests.factories import create_organization
from tests.integration.call_helpers import FRAME_BYTES, seed_call, speech_like_frames

FRAME = FRAME_BYTES  # samples per 20 ms frame, one mu-law byte each


@dataclass(frozen=True)
class Session:
    """What the media loop holds (``services.calls.CallSession``'s fields that matter here)."""

    org_id: uuid.UUID
    call_id: uuid.UUID
    recording: bool


async def _call(maker: SessionMaker) -> tuple[uuid.UUID, uuid.UUID]:
    organization = await create_organization(maker, "Lumen")
    async with org_session(maker, organization.id) as session:
        contact = Contact(org_id=organization.id, phone="+15550100")
        session.add(contact)
        await session.flush()
        conversation = Conversation(org_id=organization.id, contact_id=contact.id)
        session.add(conversation)
        await session.flush()
    call = await seed_call(
        maker, organization.id, conversation_id=conversation.id, contact_id=contact.id
    )
    return organization.id, call.id


def _frame(code: int) -> bytes:
    return bytes([code]) * FRAME_BYTES


def _channels(data: bytes) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.int16], wave.Wave_read]:
    with wave.open(io.BytesIO(data), "rb") as reader:
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
    return samples[0::2], samples[1::2], reader


def _slots(channel: npt.NDArray[np.int16]) -> list[int]:
    """One value per 20 ms slot (each test frame is one constant code)."""
    slots = channel.reshape(-1, FRAME)
    assert (slots == slots[:, :1]).all(), "a frame was split across slots"
    return [int(value) for value in slots[:, 0]]


def test_mu_law_decodes_as_g711() -> None:
    assert ULAW_TO_LINEAR[0xFF] == ULAW_TO_LINEAR[0x7F] == 0  # the two silences
    assert ULAW_TO_LINEAR[0x00] == -32124
    assert ULAW_TO_LINEAR[0x80] == 32124
    assert ULAW_TO_LINEAR[0x0F] == -16764
    assert ULAW_TO_LINEAR[0xFE] == 8
    assert ULAW_TO_LINEAR[0x7E] == -8
    # Each half is monotonic: louder codes are further from zero.
    assert (np.diff(ULAW_TO_LINEAR[0x80:].astype(int)) < 0).all()
    assert (np.diff(ULAW_TO_LINEAR[:0x80].astype(int)) > 0).all()


async def test_the_caller_is_left_and_the_assistant_right_on_the_callers_timeline(
    settings: Settings, session_maker: SessionMaker
) -> None:
    """Caller frames c0..c9 are the clock. Three answer frames sent after c2 play in the
    slots of c3..c5; one sent after c4, while a2 still plays, queues after it (slot 6)."""
    org_id, call_id = await _call(session_maker)
    storage = create_storage(settings)
    recording = CallRecording(storage, org_id, call_id, session_maker=session_maker)
    caller = [0x10 + n for n in range(10)]
    answer = [0x90 + n for n in range(4)]
    for slot, code in enumerate(caller):
        recording.caller(_frame(code))
        if slot == 2:
            for sent in answer[:3]:
                recording.assistant(_frame(sent))
        if slot == 4:
            recording.assistant(_frame(answer[3]))
    assert await recording.save()

    data = await storage.get(recording_key(org_id, call_id))
    left, right, reader = _channels(data)
    assert (reader.getnchannels(), reader.getframerate(), reader.getsampwidth()) == (2, 8000, 2)
    assert reader.getnframes() == 10 * FRAME  # as long as the caller's audio: 200 ms
    assert _slots(left) == [int(ULAW_TO_LINEAR[code]) for code in caller]
    silent = 0
    heard = [int(ULAW_TO_LINEAR[code]) for code in answer]
    assert _slots(right) == [silent] * 3 + heard + [silent] * 3
    async with org_session(session_maker, org_id) as session:
        call = await session.get(Call, call_id)
    assert call is not None
    assert call.recorded is True
    assert recording_key(org_id, call_id) == f"{org_id}/recordings/{call_id}.wav"


async def test_audio_dropped_by_a_barge_in_is_not_in_the_recording(
    settings: Settings, session_maker: SessionMaker
) -> None:
    """A four-frame answer starts at slot 2; the caller talks over it and the loop clears
    after slot 3: slots 2 and 3 were heard, the other two frames never were."""
    org_id, call_id = await _call(session_maker)
    storage = create_storage(settings)
    recording = CallRecording(storage, org_id, call_id, session_maker=session_maker)
    for slot in range(8):
        if slot == 2:
            for code in (0x91, 0x92, 0x93, 0x94):
                recording.assistant(_frame(code))
        if slot == 4:
            recording.cleared()
        if slot == 6:  # the next answer plays from when it is sent
            recording.assistant(_frame(0x95))
        recording.caller(_frame(0x20))
    assert await recording.save()
    _, right, _ = _channels(await storage.get(recording_key(org_id, call_id)))
    played = [int(ULAW_TO_LINEAR[code]) for code in (0x91, 0x92)]
    assert _slots(right) == [0, 0, *played, 0, 0, int(ULAW_TO_LINEAR[0x95]), 0]


async def test_answer_audio_still_queued_when_the_call_ends_is_not_recorded(
    settings: Settings, session_maker: SessionMaker
) -> None:
    org_id, call_id = await _call(session_maker)
    storage = create_storage(settings)
    recording = CallRecording(storage, org_id, call_id, session_maker=session_maker)
    recording.caller(_frame(0x20))
    for _ in range(50):  # a second of answer, sent at once
        recording.assistant(_frame(0x91))
    recording.caller(_frame(0x20))
    assert await recording.save()
    recording.caller(_frame(0x20))  # after the save: ignored
    _, right, reader = _channels(await storage.get(recording_key(org_id, call_id)))
    assert reader.getnframes() == 2 * FRAME
    assert _slots(right) == [0, int(ULAW_TO_LINEAR[0x91])]
    assert not await recording.save(), "saved once"


async def test_nothing_is_recorded_when_the_organization_does_not_record_calls(
    settings: Settings, session_maker: SessionMaker
) -> None:
    org_id, call_id = await _call(session_maker)
    storage = create_storage(settings)
    assert recording_for(Session(org_id, call_id, recording=False), storage, session_maker) is None
    recorder = recording_for(Session(org_id, call_id, recording=True), storage, session_maker)
    assert isinstance(recorder, CallRecording)
    # A recorder that heard nothing stores nothing either.
    assert not await recorder.save()
    assert not await storage.exists(recording_key(org_id, call_id))
    assert not (settings.storage_dir / str(org_id)).exists()
    async with org_session(session_maker, org_id) as session:
        call = await session.get(Call, call_id)
    assert call is not None
    assert call.recorded is False


async def test_a_call_erased_while_it_ran_leaves_no_recording(
    settings: Settings, session_maker: SessionMaker
) -> None:
    org_id, call_id = await _call(session_maker)
    storage = create_storage(settings)
    recording = CallRecording(storage, org_id, call_id, session_maker=session_maker)
    for frame in speech_like_frames("erased", 25):
        recording.caller(frame)
    async with org_session(session_maker, org_id) as session:
        call = await session.get(Call, call_id)
        await session.delete(call)
    assert not await recording.save()
    assert not await storage.exists(recording_key(org_id, call_id))
    assert list((settings.storage_dir).rglob("*.wav")) == []


async def test_a_long_call_is_recorded_in_bounded_memory(
    settings: Settings, session_maker: SessionMaker
) -> None:
    """Ten minutes of call (19 MB of WAV) with the assistant talking half the time: Python's
    peak allocation stays far below the recording's size, and the media loop's per-frame
    cost stays far below the 20 ms a frame lasts."""
    org_id, call_id = await _call(session_maker)
    storage = create_storage(settings)
    frames = 10 * 60 * 50
    caller = speech_like_frames("long-caller", 50)
    answer = speech_like_frames("long-answer", 50)
    recording = CallRecording(storage, org_id, call_id, session_maker=session_maker)
    tracemalloc.start()
    try:
        started = time.perf_counter()
        for index in range(frames):
            recording.caller(caller[index % 50])
            if (index // 500) % 2:  # ten seconds speaking, ten listening
                recording.assistant(answer[index % 50])
        elapsed = time.perf_counter() - started
        assert await recording.save()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = (settings.storage_dir / recording_key(org_id, call_id)).stat().st_size
    assert size == 44 + frames * FRAME * 4  # header + int16 stereo
    assert peak < 4 * 1024 * 1024, f"peak {peak} bytes for a {size} byte recording"
    per_frame_ms = elapsed / frames * 1000 / 2  # caller and assistant, under tracemalloc
    assert per_frame_ms < 1.0, per_frame_ms


RECORD_THEN_WAIT = """
import sys, time, uuid
from services.voice.recording import CallRecording
recording = CallRecording(None, uuid.uuid4(), uuid.uuid4(), session_maker=None)
for _ in range(500):
    recording.caller(bytes(range(160)))
    recording.assistant(bytes(range(160)))
print(recording._file.tell(), flush=True)
time.sleep(60)
"""


def test_a_media_loop_killed_mid_call_leaves_no_audio_on_its_disk(tmp_path: Path) -> None:
    """The temporary recording is written in the temp folder but has no name there: while the
    call runs the folder lists nothing (the process holds it open, deleted), and once the
    process is killed (SIGKILL: no cleanup code runs) nothing is left to find."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-c", RECORD_THEN_WAIT],
        env={**os.environ, "TMPDIR": str(folder)},
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert process.stdout is not None
        written = int(process.stdout.readline())
        assert written == 44 + 500 * FRAME * 4, "ten seconds of call on disk"
        assert list(folder.iterdir()) == [], "the recording has no name while it is written"
        held = [os.readlink(fd) for fd in Path(f"/proc/{process.pid}/fd").iterdir()]
        assert [target for target in held if target.startswith(str(folder))], held
        assert all(target.endswith("(deleted)") for target in held if str(folder) in target)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    assert list(folder.iterdir()) == []
