"""`stt-wer` and `speech`: the offline voice on this machine.

``stt-wer``: 30 customer questions spoken by espeak-ng, put through the phone's own channel
(8 kHz, G.711 mu-law out and back, 20 ms frames with 200 ms of silence before, as the media
loop's pre-roll, and 500 ms after, its endpointing silence) and transcribed by the offline
transcriber (faster-whisper tiny.en). The questions are the first 30 answerable ones of the
help-center question set when ``PERCEPTRON_CORPUS_DIR`` is set (those quoting an error message
or product code verbatim, marked ``# exact-token``, are left out: nobody reads
``stk500_getsync()`` aloud), otherwise 30 questions about the demo shop's articles. Reported:
the word error rate over all words (word-level edit distance, lower-case, punctuation
ignored), the share of questions heard exactly, and the real-time factor (decode time over
audio duration). The same speech at 16 kHz straight into Whisper (no phone channel) is the
baseline: the ratio shows what the telephone band costs.

``speech``: per-component costs. Whisper's decode time per utterance against the
utterance's duration (the real-time factor); the first-audio latency of Piper and of
espeak-ng for one sentence, warm, against the sentence's spoken duration; Silero's cost per
20 ms frame against the frame's own 20 ms. All of it competes for the same cores as a call's
other work: the 1-minute load average is stored with the figures.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from bench.corpus import corpus_articles, load_questions
from bench.framework import BenchResult, Metric, Options, p50
from core.settings import Settings
from services.voice.audio import (
    FRAME_SAMPLES,
    FRAME_SECONDS,
    SAMPLE_RATE,
    Samples,
    ulaw_decode,
    ulaw_encode,
)
from services.voice.espeak import EspeakSynthesizer
from services.voice.piper import PiperSynthesizer, piper_available
from services.voice.speech import Synthesizer
from services.voice.vad import SileroDetector
from services.voice.whisper import WhisperTranscriber, transcribe, whisper_model
from tests.voice_audio import espeak_executable, spoken_samples, word_errors, words

WER_NAME = "stt-wer"
SPEECH_NAME = "speech"
QUESTIONS = 30
VOCABULARY_TITLES = 40  # as the media loop: the 40 most recent ready articles
PRE_ROLL_SECONDS = 0.2
ENDPOINT_SECONDS = 0.5
SENTENCE = "To reset the lamp, press and hold the brightness dial for twelve seconds."

# About the demo shop's articles (services/demo/articles), phrased as callers ask.
DEMO_QUESTIONS = (
    "How do I reset my lamp to factory settings?",
    "Which dial do I hold to reset the lamp?",
    "How long do I hold the brightness dial?",
    "How do I pair the lamp with my phone over Bluetooth?",
    "The app cannot find my lamp. What should I do?",
    "Can I pay for Cloud Plus with PayPal?",
    "How much does Cloud Plus cost each month?",
    "How do I cancel my Cloud Plus subscription?",
    "Will I get a refund if I cancel my subscription?",
    "How do I set a colour temperature schedule?",
    "Can the lamp get warmer in the evening?",
    "How many schedules can I save?",
    "My firmware update failed. What should I do?",
    "What does the firmware error code mean?",
    "Which power adapter do firmware updates need?",
    "What is the warranty on the desk lamp?",
    "How do I return the lamp?",
    "Can I get a replacement if the lamp breaks?",
    "Does the lamp work on five gigahertz wifi?",
    "Why does the lamp not connect to my wifi network?",
    "Does the lamp work on a mesh network?",
    "How do I change the email address on my account?",
    "How do I delete my Lumen account?",
    "What happens to my data when I delete my account?",
    "Can I share the lamp with someone in my family?",
    "Does the lamp work with Amazon Alexa?",
    "Is the lamp dimmable?",
    "Why is the light ring blinking blue?",
    "Do I lose my settings when I restart the lamp?",
    "Can I talk to a person about my order?",
)


def run_wer(options: Options) -> BenchResult:
    espeak_executable()
    corpus = Settings().corpus_dir
    if corpus is not None:
        source = "help-center question set"
        texts = [q.text for q in load_questions() if not q.exact_token][:QUESTIONS]
        titles = [_title(article.read()) for article in corpus_articles(corpus)]
        vocabulary = ["Arduino", *[title for title in titles if title][:VOCABULARY_TITLES]]
    else:
        source = "demo shop questions"
        texts = list(DEMO_QUESTIONS[:QUESTIONS])
        vocabulary = ["Lumen", *_demo_titles()]
    if options.limit:
        texts = texts[: options.limit]
    whisper_model()  # loaded before the clock
    errors = reference_words = exact = wideband_errors = prompted_errors = prompted_exact = 0
    audio_seconds = decode_seconds = 0.0
    per_question: list[float] = []
    with tempfile.TemporaryDirectory(prefix="perceptron-stt-wer-") as folder:
        for index, text in enumerate(texts):
            heard_audio = phone_channel(spoken_samples(text, _subfolder(folder, index)))
            started = time.perf_counter()
            heard = asyncio.run(_transcribe_as_a_call(heard_audio))
            decode_seconds += time.perf_counter() - started
            audio_seconds += len(heard_audio) / SAMPLE_RATE
            ref, hyp = words(text), words(heard)
            wideband = transcribe(
                spoken_samples(text, _subfolder(folder, -index - 1), 16_000), 16_000
            )
            wideband_errors += word_errors(ref, words(wideband))
            prompted = word_errors(
                ref, words(asyncio.run(_transcribe_as_a_call(heard_audio, vocabulary)))
            )
            prompted_errors += prompted
            prompted_exact += prompted == 0
            wrong = word_errors(ref, hyp)
            errors += wrong
            reference_words += len(ref)
            exact += wrong == 0
            per_question.append(wrong / max(len(ref), 1))
            print(f"   {wrong}/{len(ref)}  {text!r} -> {heard!r}", flush=True)
    return BenchResult(
        name=WER_NAME,
        metrics=[
            Metric("wideband_word_error_rate", wideband_errors / max(reference_words, 1), "ratio"),
            Metric(
                "word_error_rate",
                errors / max(reference_words, 1),
                "ratio",
                baseline="wideband_word_error_rate",
            ),
            Metric("questions_heard_exactly", exact / len(texts), "ratio"),
            # As calls hear them: the organization's name and article titles as the prompt.
            Metric(
                "word_error_rate_with_vocabulary",
                prompted_errors / max(reference_words, 1),
                "ratio",
                baseline="word_error_rate",
            ),
            Metric("questions_heard_exactly_with_vocabulary", prompted_exact / len(texts), "ratio"),
            Metric("real_time_factor", decode_seconds / audio_seconds, "ratio"),
        ],
        parameters={
            "questions": len(texts),
            "source": source,
            "transcriber": WhisperTranscriber.name,
            "voice": "espeak-ng en-us",
            "channel": "8 kHz mu-law",
            "pre_roll_seconds": PRE_ROLL_SECONDS,
            "endpoint_seconds": ENDPOINT_SECONDS,
            "reference_words": reference_words,
            "load_average_1m": round(os.getloadavg()[0], 2),
        },
        samples={"question_wer": per_question},
    )


def run_speech(options: Options) -> BenchResult:
    espeak_executable()
    repeat = options.repeat or 5
    metrics: list[Metric] = []
    samples: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="perceptron-speech-") as folder:
        utterance = phone_channel(spoken_samples(SENTENCE, Path(folder)))
    utterance_seconds = len(utterance) / SAMPLE_RATE

    whisper_model()
    transcribe(utterance)  # warm
    decodes = [_timed(lambda: transcribe(utterance)) for _ in range(repeat)]
    samples["whisper_seconds"] = decodes
    metrics += [
        Metric("utterance_seconds", utterance_seconds, "s"),
        Metric("whisper_decode_p50", p50(decodes), "s", baseline="utterance_seconds"),
    ]

    synthesizers: list[tuple[str, Synthesizer]] = [("espeak", EspeakSynthesizer())]
    if piper_available():
        synthesizers.insert(0, ("piper", PiperSynthesizer()))
    for label, synthesizer in synthesizers:
        first, total, spoken = asyncio.run(_first_audio(synthesizer, SENTENCE, repeat))
        samples[f"{label}_first_audio_seconds"] = first
        metrics += [
            Metric(f"{label}_spoken_seconds", spoken, "s"),
            Metric(f"{label}_first_audio_p50", p50(first), "s", baseline=f"{label}_spoken_seconds"),
            Metric(f"{label}_whole_sentence_p50", p50(total), "s"),
        ]

    per_frame = [seconds * 1000 for seconds in _silero_per_frame(utterance, repeat)]
    samples["silero_frame_ms"] = per_frame
    metrics += [
        Metric("frame_ms", FRAME_SECONDS * 1000, "ms"),
        Metric("silero_per_frame_p50", p50(per_frame), "ms", baseline="frame_ms"),
    ]
    return BenchResult(
        name=SPEECH_NAME,
        metrics=metrics,
        parameters={
            "repeat": repeat,
            "sentence": SENTENCE,
            "transcriber": WhisperTranscriber.name,
            "piper": piper_available(),
            "load_average_1m": round(os.getloadavg()[0], 2),
        },
        samples=samples,
    )


def phone_channel(samples: Samples) -> Samples:
    """What the media loop hears of ``samples`` over a call: mu-law there and back, padded
    with the pre-roll and endpointing silence, in whole 20 ms frames."""
    padded = np.concatenate(
        [
            np.zeros(int(PRE_ROLL_SECONDS * SAMPLE_RATE), dtype=np.int16),
            samples,
            np.zeros(int(ENDPOINT_SECONDS * SAMPLE_RATE), dtype=np.int16),
        ]
    )
    padded = padded[: len(padded) - len(padded) % FRAME_SAMPLES]
    return ulaw_decode(ulaw_encode(padded))


def _title(markdown: bytes) -> str:
    """An article's front-matter title."""
    for line in markdown.decode("utf-8", "replace").splitlines()[:10]:
        if line.startswith("title:"):
            return line.split(":", 1)[1].strip().strip('"')
    return ""


def _demo_titles() -> list[str]:
    articles = Path(__file__).resolve().parents[1] / "services" / "demo" / "articles"
    return [
        line.split(":", 1)[1].strip()
        for path in sorted(articles.glob("*.md"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("title:")
    ]


async def _transcribe_as_a_call(audio: Samples, vocabulary: Sequence[str] = ()) -> str:
    session = await WhisperTranscriber().open(vocabulary)
    for start in range(0, len(audio), FRAME_SAMPLES):
        await session.feed(audio[start : start + FRAME_SAMPLES])
    text = await session.finish()
    await session.close()
    return text


async def _first_audio(
    synthesizer: Synthesizer, text: str, repeat: int
) -> tuple[list[float], list[float], float]:
    firsts: list[float] = []
    totals: list[float] = []
    spoken = 0.0
    for attempt in range(repeat + 1):  # the first run loads the voice: not counted
        started = time.perf_counter()
        first: float | None = None
        length = 0
        async for chunk in synthesizer.synthesize(text):
            if first is None:
                first = time.perf_counter() - started
            length += len(chunk)
        total = time.perf_counter() - started
        if attempt and first is not None:
            firsts.append(first)
            totals.append(total)
        spoken = length / SAMPLE_RATE
    return firsts, totals, spoken


def _silero_per_frame(audio: Samples, repeat: int) -> list[float]:
    frames = [audio[i : i + FRAME_SAMPLES] for i in range(0, len(audio), FRAME_SAMPLES)]
    per_frame: list[float] = []
    for _ in range(repeat):
        detector = SileroDetector()
        started = time.perf_counter()
        for frame in frames:
            detector.probability(frame)
        per_frame.append((time.perf_counter() - started) / len(frames))
    return per_frame


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _subfolder(folder: str, index: int) -> Path:
    path = Path(folder) / str(index)
    path.mkdir()
    return path
