"""The one audio format of calls: 8 kHz mono G.711 mu-law in 20 ms frames, and its PCM side.

Twilio Media Streams and the widget's microphone both carry 160-byte mu-law frames (20 ms at
8 kHz). Everything else in the voice code works on int16 PCM samples (``Samples``); this
module converts between the two, resamples (soxr) and reads and writes WAV (stdlib ``wave``).

The mu-law tables are computed once with numpy from the G.711 algorithm as the stdlib's
``audioop`` implements it (Sun's g711.c: 14-bit magnitude, bias 33, eight segments), so the
bytes are identical to ``audioop.lin2ulaw``/``ulaw2lin`` without the module deprecated in 3.11
and removed in 3.13.
"""

from __future__ import annotations

import io
import wave
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import soxr

SAMPLE_RATE = 8000
FRAME_SAMPLES = 160
FRAME_BYTES = 160
FRAME_SECONDS = 0.02
ULAW_SILENCE = 0xFF  # decodes to 0

Samples = npt.NDArray[np.int16]

_BIAS = 0x84
_CLIP = 8159  # the largest 14-bit magnitude mu-law represents
_SEGMENT_ENDS = np.array([0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF], dtype=np.int32)


def _decode_table() -> npt.NDArray[np.int16]:
    code = ~np.arange(256, dtype=np.int32) & 0xFF
    magnitude = (((code & 0x0F) << 3) + _BIAS) << ((code & 0x70) >> 4)
    linear = np.where(code & 0x80, _BIAS - magnitude, magnitude - _BIAS)
    return linear.astype(np.int16)


def _encode_table() -> npt.NDArray[np.uint8]:
    """The mu-law byte of every int16 value, indexed by ``sample + 32768``."""
    pcm = np.arange(-32768, 32768, dtype=np.int32) >> 2  # 16-bit to 14-bit (arithmetic shift)
    mask = np.where(pcm < 0, 0x7F, 0xFF)
    magnitude = np.minimum(np.abs(pcm), _CLIP) + (_BIAS >> 2)
    segment = np.searchsorted(_SEGMENT_ENDS, magnitude, side="left")  # first end >= magnitude
    mantissa = (magnitude >> (np.minimum(segment, 7) + 1)) & 0x0F
    code = np.where(segment >= 8, 0x7F, (segment << 4) | mantissa)
    return (code ^ mask).astype(np.uint8)


_DECODE = _decode_table()
_ENCODE = _encode_table()


def ulaw_decode(data: bytes) -> Samples:
    """Mu-law bytes to int16 samples (one sample per byte)."""
    codes = np.frombuffer(data, dtype=np.uint8)
    return _DECODE[codes]


def ulaw_encode(samples: Samples) -> bytes:
    """Int16 samples to mu-law bytes."""
    index = np.asarray(samples, dtype=np.int16).astype(np.int32) + 32768
    return bytes(_ENCODE[index].tobytes())


def resample(samples: Samples, from_rate: int, to_rate: int) -> Samples:
    """Resample a whole clip (soxr, high quality). For a stream, see ``Resampler``."""
    if from_rate == to_rate:
        return np.asarray(samples, dtype=np.int16)
    if len(samples) == 0:
        return np.zeros(0, dtype=np.int16)
    out = soxr.resample(np.asarray(samples, dtype=np.int16), from_rate, to_rate)
    return np.asarray(out, dtype=np.int16)


class Resampler:
    """Resamples a stream chunk by chunk with soxr's filter state kept across chunks, so
    chunk boundaries leave no clicks; ``flush`` returns the samples still in the filter.

    ``quality`` is soxr's: the default "HQ" filter holds audio back and lets it out in blocks
    of about 100 ms (8 to 16 kHz in 20 ms chunks); "QQ" (cubic) returns each chunk's samples
    at once, for a consumer that must not wait, such as voice activity detection."""

    def __init__(self, from_rate: int, to_rate: int, quality: str = "HQ") -> None:
        self._stream = soxr.ResampleStream(from_rate, to_rate, 1, dtype="int16", quality=quality)

    def process(self, samples: Samples) -> Samples:
        out = self._stream.resample_chunk(np.asarray(samples, dtype=np.int16))
        return np.asarray(out, dtype=np.int16)

    def flush(self) -> Samples:
        out = self._stream.resample_chunk(np.zeros(0, dtype=np.int16), last=True)
        return np.asarray(out, dtype=np.int16)


def split_frames(ulaw: bytes) -> list[bytes]:
    """160-byte frames (20 ms); the last one padded with mu-law silence."""
    frames = [ulaw[i : i + FRAME_BYTES] for i in range(0, len(ulaw), FRAME_BYTES)]
    if frames and len(frames[-1]) < FRAME_BYTES:
        frames[-1] = frames[-1] + bytes([ULAW_SILENCE]) * (FRAME_BYTES - len(frames[-1]))
    return frames


def read_wav(source: str | Path | bytes) -> tuple[Samples, int]:
    """A PCM WAV file (a path or its bytes) as mono int16 samples and its sample rate.
    Stereo is mixed down; 8-bit and 32-bit PCM are converted to 16 bits."""
    content = source if isinstance(source, bytes) else Path(source).read_bytes()
    with wave.open(io.BytesIO(content), "rb") as wav:
        channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
        raw = wav.readframes(wav.getnframes())
    data: npt.NDArray[np.integer[Any]] | npt.NDArray[np.floating[Any]]
    if width == 1:
        data = (np.frombuffer(raw, dtype=np.uint8).astype(np.int32) - 128) << 8
    elif width == 2:
        data = np.frombuffer(raw, dtype="<i2").astype(np.int32)
    elif width == 4:
        data = np.frombuffer(raw, dtype="<i4").astype(np.int64) >> 16
    else:
        raise ValueError(f"unsupported WAV sample width: {width} bytes")
    if channels > 1:
        data = data[: len(data) - len(data) % channels].reshape(-1, channels).mean(axis=1)
    return np.asarray(data, dtype=np.int16), rate


def wav_bytes(samples: Samples, rate: int) -> bytes:
    """Mono 16-bit PCM WAV file bytes."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(np.asarray(samples, dtype="<i2").tobytes())
    return buffer.getvalue()
