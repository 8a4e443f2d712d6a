"""The fallback voice: espeak-ng from Debian, as a subprocess (``espeak-ng --stdout``).

Robotic, but free of GPL linking concerns (it runs as a separate program) and always
installable with ``apt-get install espeak-ng``. The text goes in on stdin, never on the
command line, where other users of the machine could read it. espeak-ng writes a WAV header
and then PCM as it synthesizes, so audio is resampled to 8 kHz and yielded as it arrives;
``aclose()`` kills the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import struct
from collections.abc import AsyncIterator

import numpy as np

from services.voice.audio import SAMPLE_RATE, Resampler, Samples

READ_BYTES = 4096
_HEADER_BYTES = 44  # espeak-ng writes the canonical RIFF/fmt/data header


def espeak_path() -> str | None:
    return shutil.which("espeak-ng")


class EspeakSynthesizer:
    """A ``Synthesizer`` running espeak-ng once per text."""

    name = "espeak-ng"

    def __init__(self, executable: str | None = None, voice: str = "en-us") -> None:
        found = executable or espeak_path()
        if found is None:
            raise RuntimeError("espeak-ng is not installed (apt-get install espeak-ng)")
        self._executable = found
        self._voice = voice

    async def synthesize(self, text: str) -> AsyncIterator[Samples]:
        process = await asyncio.create_subprocess_exec(
            self._executable,
            "--stdout",
            "-v",
            self._voice,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        assert process.stdin is not None
        assert process.stdout is not None
        try:
            process.stdin.write(text.encode())
            await process.stdin.drain()
            process.stdin.close()
            header = await process.stdout.readexactly(_HEADER_BYTES)
            rate = _wav_rate(header)
            resampler = Resampler(rate, SAMPLE_RATE)
            leftover = b""
            while data := await process.stdout.read(READ_BYTES):
                data = leftover + data
                whole = len(data) - len(data) % 2
                leftover = data[whole:]
                out = resampler.process(np.frombuffer(data[:whole], dtype="<i2"))
                if len(out):
                    yield out
            tail = resampler.flush()
            if len(tail):
                yield tail
            await process.wait()
        finally:
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()


def _wav_rate(header: bytes) -> int:
    if header[:4] != b"RIFF" or header[8:12] != b"WAVE":
        raise RuntimeError("espeak-ng did not write a WAV header")
    channels, rate = struct.unpack_from("<HI", header, 22)
    bits = struct.unpack_from("<H", header, 34)[0]
    if channels != 1 or bits != 16:
        raise RuntimeError(f"espeak-ng wrote {channels} channel(s) of {bits} bits, not mono 16")
    return int(rate)
