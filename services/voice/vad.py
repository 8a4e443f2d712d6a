"""Voice activity detection: Silero VAD v6 as ONNX, from faster-whisper's package data.

The v6 model faster-whisper ships is the 16 kHz export: its input is one window of 512 samples
(32 ms) after 64 samples of context from the window before, with an LSTM state ``h``/``c`` of
shape (1, 1, 128) carried from window to window (see ``faster_whisper/vad.py``). It has no
sample-rate input, so the 8 kHz frames of a call are upsampled to 16 kHz as a stream (soxr,
state kept across frames) and buffered into whole windows: each 20 ms frame adds 320 samples,
so a frame completes zero or one window and ``probability`` returns the latest window's value.
The upsampling is soxr's quick (cubic) quality, which returns each frame's samples at once:
the default filter holds them back and lets them out in blocks of about 100 ms.

One ``InferenceSession`` per process (``run`` is thread-safe); the state lives in each
detector, one per call. One intra-op thread: a window costs well under a millisecond.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path

import numpy as np
import numpy.typing as npt
import onnxruntime

from services.voice.audio import SAMPLE_RATE, Resampler, Samples

MODEL_RATE = 16_000
WINDOW = 512
CONTEXT = 64
_STATE_SHAPE = (1, 1, 128)

_session_lock = threading.Lock()


def silero_model_path() -> Path:
    from faster_whisper.utils import get_assets_path

    return Path(get_assets_path()) / "silero_vad_v6.onnx"


def silero_session() -> onnxruntime.InferenceSession:
    """The process's one Silero session, loaded on first use."""
    with _session_lock:
        return _load_session()


@functools.cache
def _load_session() -> onnxruntime.InferenceSession:
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.enable_cpu_mem_arena = False
    options.log_severity_level = 4
    return onnxruntime.InferenceSession(
        str(silero_model_path()), sess_options=options, providers=["CPUExecutionProvider"]
    )


class SileroDetector:
    """A ``SpeechDetector``: feed 20 ms frames at 8 kHz, read the speech probability."""

    def __init__(self) -> None:
        self._session = silero_session()
        self.reset()

    def reset(self) -> None:
        self._h: npt.NDArray[np.float32] = np.zeros(_STATE_SHAPE, dtype=np.float32)
        self._c: npt.NDArray[np.float32] = np.zeros(_STATE_SHAPE, dtype=np.float32)
        self._context: npt.NDArray[np.float32] = np.zeros(CONTEXT, dtype=np.float32)
        self._pending: npt.NDArray[np.float32] = np.zeros(0, dtype=np.float32)
        # Quick (cubic) upsampling: soxr's default filter lets 20 ms frames out in ~100 ms
        # blocks, which delayed every speech start, end of turn and barge-in by up to that.
        self._upsampler = Resampler(SAMPLE_RATE, MODEL_RATE, quality="QQ")
        self._latest = 0.0

    def probability(self, frame: Samples) -> float:
        upsampled = self._upsampler.process(frame).astype(np.float32) / 32768.0
        self._pending = np.concatenate([self._pending, upsampled])
        while len(self._pending) >= WINDOW:
            window, self._pending = self._pending[:WINDOW], self._pending[WINDOW:]
            self._latest = self._run(window)
        return self._latest

    def _run(self, window: npt.NDArray[np.float32]) -> float:
        model_input = np.concatenate([self._context, window])[np.newaxis, :]
        probabilities, self._h, self._c = self._session.run(
            None, {"input": model_input, "h": self._h, "c": self._c}
        )
        self._context = window[-CONTEXT:]
        return float(probabilities[0])
