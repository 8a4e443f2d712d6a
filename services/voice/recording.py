"""A call's recording, when the organization records calls: caller on the left, assistant on
the right, as a two-channel 8 kHz 16-bit WAV in storage under a key derived from the call's id.

The caller's frames are the clock: Twilio (and the widget) send inbound audio continuously,
20 ms a frame, silence included, so the number of caller samples heard so far is the call's
timeline. Assistant audio plays from when it was sent, queued after what is still playing:
it waits in a small buffer that starts at "now" and is written out beside the caller's frames
as they arrive. A barge-in (``clear``) drops that buffer, so what the caller never heard is
never in the recording. Audio still queued when the call ends was not played either and is
dropped the same way.

Memory stays bounded whatever the call's length (an hour is ~115 MB as int16 stereo): each
caller frame is written to a temporary file at once, and the finished file is copied into
storage without being read into memory. The temporary file has no name (unlinked from the
start), so a media loop that dies mid-call leaves no audio behind on its disk. Nothing is
created when recording is off.
"""

from __future__ import annotations

import contextlib
import tempfile
import uuid
import wave
from typing import BinaryIO, Protocol

import numpy as np
import numpy.typing as npt
from sqlalchemy import update
from sqlmodel import col

from core.db import SessionMaker, org_session
from core.logging import get_logger
from core.models import Call
from core.storage import FileStorage, recording_key

log = get_logger(__name__)

SAMPLE_RATE = 8000
CHANNELS = 2  # caller left, assistant right
SAMPLE_BYTES = 2  # 16-bit PCM


def _ulaw_table() -> npt.NDArray[np.int16]:
    """G.711 mu-law to 16-bit linear, for every byte value (0xFF and 0x7F are silence)."""
    codes = ~np.arange(256, dtype=np.int32) & 0xFF
    exponent = (codes >> 4) & 0x07
    magnitude = ((((codes & 0x0F) << 3) + 0x84) << exponent) - 0x84
    return np.where(codes & 0x80, -magnitude, magnitude).astype(np.int16)


ULAW_TO_LINEAR = _ulaw_table()


class RecordedCall(Protocol):
    """What of a media loop's call session decides recording (``services.calls.CallSession``)."""

    @property
    def org_id(self) -> uuid.UUID: ...
    @property
    def call_id(self) -> uuid.UUID: ...
    @property
    def recording(self) -> bool: ...


def recording_for(
    call: RecordedCall, storage: FileStorage, session_maker: SessionMaker
) -> CallRecording | None:
    """The call's recorder, or None when the organization does not record calls."""
    if not call.recording:
        return None
    return CallRecording(storage, call.org_id, call.call_id, session_maker=session_maker)


class CallRecording:
    """Fed by the media loop, saved once when the call ends. Not thread-safe: one call, one
    event loop."""

    def __init__(
        self,
        storage: FileStorage,
        org_id: uuid.UUID,
        call_id: uuid.UUID,
        *,
        session_maker: SessionMaker,
    ) -> None:
        self._storage = storage
        self._org_id = org_id
        self._call_id = call_id
        self._session_maker = session_maker
        # Assistant samples (int16 bytes) not yet played, the first one due at "now".
        self._pending = bytearray()
        self._samples = 0  # caller samples so far: the timeline, and what has been written
        self._file: BinaryIO | None = None
        self._wav: wave.Wave_write | None = None
        self._finished = False

    @property
    def seconds(self) -> float:
        """How long the recording is so far."""
        return self._samples / SAMPLE_RATE

    def caller(self, frame: bytes) -> None:
        """An inbound mu-law frame, as it arrives: written out at once beside whatever
        assistant audio was playing during it."""
        if self._finished or not frame:
            return
        left = ULAW_TO_LINEAR[np.frombuffer(frame, dtype=np.uint8)]
        count = len(left)
        played = bytes(self._pending[: count * SAMPLE_BYTES])
        del self._pending[: count * SAMPLE_BYTES]
        right = np.zeros(count, dtype=np.int16)
        heard = np.frombuffer(played, dtype=np.int16)
        right[: len(heard)] = heard
        stereo = np.empty(count * CHANNELS, dtype="<i2")
        stereo[0::2] = left
        stereo[1::2] = right
        self._writer().writeframesraw(stereo.tobytes())
        self._samples += count

    def assistant(self, frame: bytes) -> None:
        """An outbound mu-law frame, as it is sent: it plays after what is still queued."""
        if self._finished or not frame:
            return
        samples = ULAW_TO_LINEAR[np.frombuffer(frame, dtype=np.uint8)]
        self._pending += samples.astype("<i2").tobytes()

    def cleared(self) -> None:
        """A barge-in dropped the unplayed audio: it never reaches the recording."""
        self._pending.clear()

    async def save(self) -> bool:
        """Store the recording and mark the call recorded; True once stored. False when there
        is nothing to store (no caller audio) or the call is gone (erased or deleted while it
        ran: then the file is deleted again, so no recording outlives its call). Once saved,
        further frames are ignored and saving again answers False."""
        if self._finished:
            return False
        self._finished = True
        self._pending.clear()
        try:
            if self._wav is None or self._file is None or self._samples == 0:
                return False
            self._wav.close()  # writes the header's final lengths (the file stays open)
            key = recording_key(self._org_id, self._call_id)
            await self._storage.put_file(key, self._file)
            async with org_session(self._session_maker, self._org_id) as session:
                result = await session.exec(
                    update(Call).where(col(Call.id) == self._call_id).values(recorded=True)
                )
                marked = int(getattr(result, "rowcount", 0) or 0)
            if not marked:
                await self._storage.delete(key)
                log.info("call gone before its recording was saved", call_id=str(self._call_id))
                return False
            log.info("call recorded", call_id=str(self._call_id), seconds=round(self.seconds, 1))
            return True
        finally:
            self._close()

    def discard(self) -> None:
        """Drop the recording without storing it (the call failed before it began)."""
        self._finished = True
        self._pending.clear()
        self._close()

    def _writer(self) -> wave.Wave_write:
        """The temporary WAV, opened with the first frame: nothing on disk before audio."""
        if self._wav is None:
            # Lives as long as the call; nameless, so the OS reclaims it if the process dies.
            self._file = tempfile.TemporaryFile(prefix="perceptron-call-")  # noqa: SIM115
            self._wav = wave.open(self._file, "wb")  # noqa: SIM115
            self._wav.setnchannels(CHANNELS)
            self._wav.setsampwidth(SAMPLE_BYTES)
            self._wav.setframerate(SAMPLE_RATE)
        return self._wav

    def _close(self) -> None:
        if self._wav is not None:
            with contextlib.suppress(OSError, ValueError):  # closed already, or its file
                self._wav.close()
        if self._file is not None:
            self._file.close()
        self._wav = self._file = None
