"""Test speech, made at test time with espeak-ng (never checked in): the voice tests, the
fake Twilio's media stream and the browser's fake microphone all use these."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from services.voice.audio import (
    FRAME_SAMPLES,
    SAMPLE_RATE,
    Samples,
    read_wav,
    resample,
    wav_bytes,
)

MISSING_ESPEAK = (
    "espeak-ng is not installed: the voice tests make their speech with it "
    "(apt-get install espeak-ng)"
)


def espeak_executable() -> str:
    found = shutil.which("espeak-ng")
    if found is None:
        pytest.fail(MISSING_ESPEAK, pytrace=False)
    return found


def spoken_wav(text: str, path: Path, rate: int = SAMPLE_RATE) -> Path:
    """``text`` spoken by espeak-ng (US English), written to ``path`` as mono 16-bit WAV at
    ``rate``; returns ``path``."""
    raw = subprocess.run(
        [espeak_executable(), "-v", "en-us", "--stdout"],
        input=text.encode(),
        capture_output=True,
        check=True,
    ).stdout
    samples, source_rate = read_wav(raw_wav_fixed(raw))
    path.write_bytes(wav_bytes(resample(samples, source_rate, rate), rate))
    return path


def spoken_samples(text: str, tmp_path: Path, rate: int = SAMPLE_RATE) -> Samples:
    """``text`` spoken by espeak-ng, as samples at ``rate``."""
    samples, _ = read_wav(spoken_wav(text, tmp_path / "spoken.wav", rate))
    return samples


def raw_wav_fixed(data: bytes) -> bytes:
    """espeak-ng's --stdout header leaves the sizes at 0x7FFFFFFF (it cannot seek back):
    write the real ones so the stdlib ``wave`` reads exactly the audio."""
    fixed = bytearray(data)
    fixed[4:8] = (len(data) - 8).to_bytes(4, "little")
    fixed[40:44] = (len(data) - 44).to_bytes(4, "little")
    return bytes(fixed)


def silence(seconds: float, rate: int = SAMPLE_RATE) -> Samples:
    return np.zeros(int(seconds * rate), dtype=np.int16)


def frames(samples: Samples) -> list[Samples]:
    """20 ms frames at 8 kHz (the last partial frame dropped)."""
    whole = len(samples) - len(samples) % FRAME_SAMPLES
    return list(np.asarray(samples[:whole]).reshape(-1, FRAME_SAMPLES))


def words(text: str) -> list[str]:
    """Lower-case words without punctuation, for comparing transcripts."""
    cleaned = "".join(c if c.isalnum() or c in "'" else " " for c in text.lower())
    return [word.strip("'") for word in cleaned.split() if word.strip("'")]


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / reference words, by a word-level edit
    distance (Levenshtein over words)."""
    ref, hyp = words(reference), words(hypothesis)
    return word_errors(ref, hyp) / max(len(ref), 1)


def word_errors(ref: list[str], hyp: list[str]) -> int:
    previous = list(range(len(hyp) + 1))
    for i, ref_word in enumerate(ref, start=1):
        current = [i]
        for j, hyp_word in enumerate(hyp, start=1):
            current.append(
                min(
                    previous[j] + 1,  # deletion
                    current[j - 1] + 1,  # insertion
                    previous[j - 1] + (ref_word != hyp_word),  # substitution or match
                )
            )
        previous = current
    return previous[-1]
