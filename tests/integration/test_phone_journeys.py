"""Phone calls end to end: the fake Twilio places a signed call to the real API, the media loop
hears the caller (Silero VAD on real speech made by espeak-ng), the real keyless support agent
answers from the knowledge base, and the answer is spoken back over the Media Stream.

Speech-to-text and text-to-speech are the fake Deepgram through the real deepgram-sdk (what
it hears is scripted; it speaks a tone per character), except in the offline journey, which
runs faster-whisper and the offline voice (Piper, or espeak-ng without it) for real and
transcribes what the caller heard back with Whisper.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import SecretStr
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from agents.providers.embeddings import LocalMiniLMEmbedder
from core.db import SessionMaker
from core.models import Call, CallOutcome, Message, MessageRole, MessageStatus, Role
from core.settings import Settings
from services.voice.audio import SAMPLE_RATE, ulaw_decode, wav_bytes
from services.voice.whisper import WhisperTranscriber
from tests.conftest import REPO, RunningApi, serve
from tests.factories import create_organization, member_headers
from tests.fakes.deepgram import FakeDeepgram
from tests.fakes.twilio import FakeCall, FakeTwilio
from tests.fixtures.documents import article, markdown_of
from tests.integration.call_steps import call_row, transcript, until
from tests.integration.knowledge_helpers import ingest
from tests.voice_audio import spoken_wav

pytestmark = pytest.mark.usefixtures("worker")

ACCOUNT_SID = "AC" + "2" * 28 + "9876"
AUTH_TOKEN = "phonetoken" + "5" * 22
NUMBER = "+15550107001"
NUMBER_SID = "PN" + "c" * 32
CALLER = "+15550107999"
HANDOFF = "+15550107000"
PUBLIC_URL = "https://voice.example.test"
GREETING = "Hi, this is Lumen's assistant. How can I help?"
QUESTION = "How do I reset my lamp to factory settings?"


@pytest.fixture
async def twilio() -> AsyncIterator[FakeTwilio]:
    async with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN, numbers=[(NUMBER_SID, NUMBER)]) as fake:
        yield fake


@pytest.fixture
def deepgram() -> Iterator[tuple[FakeDeepgram, str]]:
    fake = FakeDeepgram(api_key="dg-phone")
    with fake.serve() as base_url:
        yield fake, base_url


@pytest.fixture
def phone_settings(
    settings: Settings, twilio: FakeTwilio, deepgram: tuple[FakeDeepgram, str]
) -> Settings:
    return settings.model_copy(
        update={
            "twilio_api_base_url": twilio.base_url,
            "public_url": PUBLIC_URL,
            "deepgram_api_key": SecretStr("dg-phone"),
            "deepgram_base_url": deepgram[1],
            "voice_end_of_turn_ms": 500,
        }
    )


@pytest.fixture
async def api(phone_settings: Settings, embedder: LocalMiniLMEmbedder) -> AsyncIterator[RunningApi]:
    async with serve(phone_settings, embedder) as running:
        yield running


@pytest.fixture(scope="module")
def question_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return spoken_wav(QUESTION, tmp_path_factory.mktemp("speech") / "question.wav")


# Whisper tiny.en hears espeak-ng say this one exactly over the phone band ("reset", in
# espeak-ng's voice at 8 kHz, it hears as "repair").
OFFLINE_QUESTION = "How long is the warranty on my lamp?"
ARTIFACTS = REPO / "tests" / "artifacts"


async def lumen(
    api: RunningApi, maker: SessionMaker, settings: Settings, slug: str = "factory-reset"
) -> uuid.UUID:
    """An organization with the fake's Twilio account, its number, a greeting, a handoff
    number, and one article (``slug``) in its knowledge base."""
    organization = await create_organization(maker, "Lumen")
    headers = await member_headers(settings, maker, organization.id, Role.OWNER)
    async with api.client(headers=headers) as client:
        connected = await client.put(
            f"/api/orgs/{organization.id}/telephony/account",
            json={"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN},
        )
        assert connected.status_code == 200, connected.text
        imported = await client.post(f"/api/orgs/{organization.id}/phone-numbers/import")
        assert imported.status_code == 200, imported.text
        configured = await client.put(
            f"/api/orgs/{organization.id}/telephony/settings",
            json={"call_greeting": GREETING, "handoff_number": HANDOFF},
        )
        assert configured.status_code == 200, configured.text
        document = await ingest(
            client,
            organization.id,
            headers,
            f"{slug}.md",
            markdown_of(article(slug)),
        )
        assert document["status"] == "ready"
    return organization.id


async def test_a_caller_asks_hears_a_cited_answer_without_its_marks_and_hangs_up(
    api: RunningApi,
    twilio: FakeTwilio,
    deepgram: tuple[FakeDeepgram, str],
    session_maker: SessionMaker,
    phone_settings: Settings,
    question_wav: Path,
) -> None:
    fake, _ = deepgram
    org_id = await lumen(api, session_maker, phone_settings)
    fake.hears(QUESTION)
    call = await twilio.call(api.url, PUBLIC_URL, to=NUMBER, from_=CALLER)
    greeting = FakeDeepgram.speech_seconds(GREETING)
    await until(lambda: call.received_seconds >= greeting * 0.9)  # the greeting, spoken first
    await call.say(question_wav, speed=4)
    await call.send_silence(0.8)
    await until(lambda: len(fake.speaks) >= 3)  # the answer's first pieces were spoken
    await asyncio.sleep(1.0)
    await call.hang_up()

    row = await call_row(session_maker, org_id, call)
    rows = await until(lambda: _answered(session_maker, org_id, row.conversation_id))
    visitor, answer = rows[0], rows[1]
    assert (visitor.role, visitor.content) == (MessageRole.VISITOR, QUESTION)
    assert answer.role is MessageRole.ASSISTANT
    assert "[1]" in answer.content
    assert answer.citations
    assert answer.citations[0]["title"] == article("factory-reset").title
    spoken = [request.text for request in fake.speaks]
    assert spoken[0] == GREETING
    assert all("[" not in text and "](" not in text for text in spoken)
    assert any("12 seconds" in text for text in spoken)
    assert call.marks  # Twilio confirmed what it played
    # Deepgram was given the organization's words to listen for.
    assert fake.listens[0].keyterms == ["Lumen", article("factory-reset").title]
    assert call.heard_seconds > 1.0

    ended = await until(lambda: _ended(session_maker, org_id, call))
    assert ended.outcome is CallOutcome.COMPLETED
    assert ended.from_number == CALLER
    assert ended.to_number == NUMBER
    assert ended.duration_seconds is not None
    assert ended.ended_at is not None


async def test_speaking_over_the_answer_clears_it_and_starts_a_new_turn(
    api: RunningApi,
    twilio: FakeTwilio,
    deepgram: tuple[FakeDeepgram, str],
    session_maker: SessionMaker,
    phone_settings: Settings,
    question_wav: Path,
) -> None:
    fake, _ = deepgram
    org_id = await lumen(api, session_maker, phone_settings)
    fake.hears(QUESTION, "Thanks, that's all.")
    call = await twilio.call(api.url, PUBLIC_URL, to=NUMBER, from_=CALLER)
    await until(lambda: call.received_seconds >= FakeDeepgram.speech_seconds(GREETING) * 0.9)
    await call.say(question_wav, speed=4)
    await call.send_silence(0.8)
    await until(lambda: len(fake.speaks) >= 3)
    await until(lambda: len(call.marks) >= 2)  # the greeting and the answer's first piece
    await call.say(question_wav)  # the caller talks over the answer
    await call.send_silence(0.8)
    await until(lambda: call.clears >= 1)

    row = await call_row(session_maker, org_id, call)
    rows = await until(lambda: _interrupted_then_answered(session_maker, org_id, row))
    first = next(message for message in rows if message.status is MessageStatus.INTERRUPTED)
    assert first.trail["heard"]
    assert len(first.trail["heard"]) < len(first.content)
    assert [m.content for m in rows if m.role is MessageRole.VISITOR] == [
        QUESTION,
        "Thanks, that's all.",
    ]
    # The operator's transcript says so, with what the caller heard.
    headers = await member_headers(phone_settings, session_maker, org_id, Role.OPERATOR)
    async with api.client(headers=headers) as client:
        detail = await client.get(f"/api/orgs/{org_id}/conversations/{row.conversation_id}")
    assert detail.status_code == 200, detail.text
    shown = next(m for m in detail.json()["messages"] if m["id"] == str(first.id))
    assert shown["status"] == "interrupted"
    assert shown["heard"] == first.trail["heard"]
    await call.hang_up()


async def test_pressing_zero_puts_the_caller_through_to_the_handoff_number(
    api: RunningApi,
    twilio: FakeTwilio,
    session_maker: SessionMaker,
    phone_settings: Settings,
) -> None:
    org_id = await lumen(api, session_maker, phone_settings)
    call = await twilio.call(api.url, PUBLIC_URL, to=NUMBER, from_=CALLER)
    await call.send_silence(0.3)
    await call.press("0")
    await until(lambda: call.dial_target is not None)
    assert call.dial_target == HANDOFF
    redirects = [r for r in twilio.requests if r.path.endswith(f"/Calls/{call.sid}.json")]
    assert redirects
    assert "<Dial" in redirects[0].form["Twiml"]
    ended = await until(lambda: _ended(session_maker, org_id, call))
    assert ended.outcome is CallOutcome.TRANSFERRED
    assert ended.transfer_target == HANDOFF


async def test_a_stream_token_opens_one_media_stream_only(
    api: RunningApi,
    twilio: FakeTwilio,
    session_maker: SessionMaker,
    phone_settings: Settings,
) -> None:
    await lumen(api, session_maker, phone_settings)
    call = await twilio.call(api.url, PUBLIC_URL, to=NUMBER, from_=CALLER, stream=False)
    assert call.stream_url is not None
    local = FakeTwilio.local_ws_url(call.stream_url, api.url)
    async with connect(local) as first:
        await first.send('{"event": "connected"}')
        with pytest.raises(InvalidStatus) as refused:
            async with connect(local):
                pass
        assert refused.value.response.status_code == 403
    with pytest.raises(InvalidStatus) as unknown:
        async with connect(local.rsplit("/", 1)[0] + "/forged-token"):
            pass
    assert unknown.value.response.status_code == 403


async def _answered(maker: SessionMaker, org_id: uuid.UUID, conversation_id: Any) -> list[Message]:
    rows = await transcript(maker, org_id, conversation_id)
    return rows if any(m.role is MessageRole.ASSISTANT for m in rows) else []


async def _interrupted_then_answered(
    maker: SessionMaker, org_id: uuid.UUID, row: Call
) -> list[Message]:
    rows = await transcript(maker, org_id, row.conversation_id)
    answers = [m for m in rows if m.role is MessageRole.ASSISTANT]
    interrupted = [m for m in answers if m.status is MessageStatus.INTERRUPTED]
    return rows if len(answers) == 2 and interrupted else []


async def _ended(maker: SessionMaker, org_id: uuid.UUID, call: FakeCall) -> Call | None:
    row = await call_row(maker, org_id, call)
    return row if row.outcome is not None and row.ended_at is not None else None


# The offline stack, for real ---------------------------------------------------------------


@pytest.fixture
def offline_settings(settings: Settings, twilio: FakeTwilio) -> Settings:
    return settings.model_copy(
        update={
            "twilio_api_base_url": twilio.base_url,
            "public_url": PUBLIC_URL,
            "deepgram_api_key": None,
            "voice_end_of_turn_ms": 600,
        }
    )


async def test_offline_whisper_and_the_offline_voice_answer_a_call_end_to_end(
    twilio: FakeTwilio,
    session_maker: SessionMaker,
    offline_settings: Settings,
    embedder: LocalMiniLMEmbedder,
    tmp_path: Path,
) -> None:
    question = spoken_wav(OFFLINE_QUESTION, tmp_path / "warranty.wav")
    async with serve(offline_settings, embedder) as api:
        org_id = await lumen(api, session_maker, offline_settings, "warranty-and-returns")
        call = await twilio.call(api.url, PUBLIC_URL, to=NUMBER, from_=CALLER)
        await call.wait_for_reply(within=30, quiet=1.0)  # the greeting, spoken offline
        await call.say(question)
        await call.send_silence(1.0)
        reply = await call.wait_for_reply(within=60, quiet=1.5)
        await call.hang_up()
        row = await call_row(session_maker, org_id, call)
        rows = await until(lambda: _answered(session_maker, org_id, row.conversation_id), 60)

    # Whisper heard the question, and the agent answered it from the article...
    assert rows[0].content == OFFLINE_QUESTION
    assert rows[1].citations
    assert rows[1].citations[0]["title"] == article("warranty-and-returns").title
    # ...and what the caller heard is speech of the answer: Whisper hears it back.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "phone-offline-answer.wav").write_bytes(wav_bytes(ulaw_decode(reply), SAMPLE_RATE))
    heard = await _transcribe(ulaw_decode(reply))
    (ARTIFACTS / "phone-offline-answer.txt").write_text(f"{rows[1].content}\n---\n{heard}\n")
    words = set(heard.lower().replace(",", " ").replace(".", " ").split())
    assert words & {"warranty", "years", "year", "receipt", "help", "found"}, heard


async def _transcribe(samples: np.ndarray[Any, Any]) -> str:
    transcriber = WhisperTranscriber()
    session = await transcriber.open()
    try:
        await session.feed(samples[: SAMPLE_RATE * 20])  # the first 20 s are plenty
        return await session.finish()
    finally:
        await session.close()
