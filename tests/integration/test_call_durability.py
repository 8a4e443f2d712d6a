"""Calls survive what chats survive: the worker killed mid-answer (the turn is retried and
the caller hears the answer once), and the voice process killed mid-call (the call ends with
its outcome recorded, and nothing is left half-written).

Both kill real processes with SIGKILL: a `perceptron worker` in the first, a `perceptron api`
(which holds the media loop) in the second.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from agents.providers.embeddings import LocalMiniLMEmbedder
from agents.support.prompts import JUDGE_TOOL_NAME
from core.db import SessionMaker
from core.models import Call, CallOutcome, Message, MessageRole, Role
from core.ports import free_port
from core.settings import Settings
from tests.conftest import serve
from tests.factories import create_organization, member_headers
from tests.fakes.deepgram import FakeDeepgram
from tests.fakes.openai import FakeOpenAI
from tests.fakes.twilio import FakeCall, FakeTwilio
from tests.fixtures.documents import article, markdown_of
from tests.integration.call_steps import call_row, transcript, until
from tests.integration.conversation_helpers import configure
from tests.integration.knowledge_helpers import ingest
from tests.voice_audio import spoken_wav

ACCOUNT_SID = "AC" + "3" * 28 + "1234"
AUTH_TOKEN = "durabletoken" + "6" * 20
NUMBER = "+15550108001"
NUMBER_SID = "PN" + "d" * 32
CALLER = "+15550108999"
PUBLIC_URL = "https://voice.example.test"
QUESTION = "How do I reset my lamp to factory settings?"
FIRST = "Hold the dial for twelve seconds."
SECOND = "Then release it when the ring pulses amber."
ANSWER = f"{FIRST} [1] {SECOND} [1]"


@pytest.fixture
async def twilio() -> AsyncIterator[FakeTwilio]:
    async with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN, numbers=[(NUMBER_SID, NUMBER)]) as fake:
        yield fake


@pytest.fixture
def deepgram() -> Iterator[tuple[FakeDeepgram, str]]:
    fake = FakeDeepgram(api_key="dg-durable")
    with fake.serve() as base_url:
        yield fake, base_url


@pytest.fixture
def question_wav(tmp_path: Path) -> Path:
    return spoken_wav(QUESTION, tmp_path / "question.wav")


def voice_settings(settings: Settings, twilio: FakeTwilio, deepgram_url: str) -> Settings:
    return settings.model_copy(
        update={
            "twilio_api_base_url": twilio.base_url,
            "public_url": PUBLIC_URL,
            "deepgram_api_key": SecretStr("dg-durable"),
            "deepgram_base_url": deepgram_url,
            "voice_end_of_turn_ms": 500,
            "voice_heartbeat_seconds": 0.5,
        }
    )


def environment(settings: Settings, **extra: str) -> dict[str, str]:
    """The settings as a child `perceptron` process reads them."""
    return {
        **os.environ,
        "DATABASE_URL": settings.resolved_database_url,
        "TEMPORAL_ADDRESS": settings.resolved_temporal_address,
        "PERCEPTRON_TEMPORAL_CONFIG": str(settings.temporal_config),
        "PERCEPTRON_DATA_DIR": str(settings.data_dir),
        "PERCEPTRON_PUBLIC_URL": PUBLIC_URL,
        "TWILIO_API_BASE_URL": settings.twilio_api_base_url or "",
        "DEEPGRAM_API_KEY": "dg-durable",
        "DEEPGRAM_BASE_URL": settings.deepgram_base_url or "",
        "PERCEPTRON_VOICE_END_OF_TURN_MS": str(settings.voice_end_of_turn_ms),
        "PERCEPTRON_VOICE_HEARTBEAT_SECONDS": str(settings.voice_heartbeat_seconds),
        **extra,
    }


@contextlib.contextmanager
def perceptron(command: str, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    executable = str(Path(sys.executable).parent / "perceptron")
    with log.open("wb") as output:
        process = subprocess.Popen(
            [executable, command], env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(20)


async def connected_org(
    api_url: str, maker: SessionMaker, settings: Settings
) -> tuple[uuid.UUID, dict[str, str]]:
    organization = await create_organization(maker, "Lumen")
    headers = await member_headers(settings, maker, organization.id, Role.OWNER)
    async with httpx.AsyncClient(base_url=api_url, headers=headers, timeout=30) as client:
        connected = await client.put(
            f"/api/orgs/{organization.id}/telephony/account",
            json={"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN},
        )
        assert connected.status_code == 200, connected.text
        assert (await client.post(f"/api/orgs/{organization.id}/phone-numbers/import")).is_success
        document = await ingest(
            client, organization.id, headers, "reset.md", markdown_of(article("factory-reset"))
        )
        assert document["status"] == "ready"
    return organization.id, headers


def _judged() -> dict[str, object]:
    return {"answerable": True, "needs_clarification": False, "reason": "", "passage_ids": [1]}


async def test_a_worker_killed_mid_answer_the_caller_hears_the_answer_once(
    settings: Settings,
    session_maker: SessionMaker,
    embedder: LocalMiniLMEmbedder,
    twilio: FakeTwilio,
    deepgram: tuple[FakeDeepgram, str],
    question_wav: Path,
    tmp_path: Path,
) -> None:
    fake_deepgram, deepgram_url = deepgram
    model = FakeOpenAI(api_key="sk-test")
    model.reply_tool_call(JUDGE_TOOL_NAME, _judged())
    # The first sentence streams, then the model stalls: the worker is killed mid-answer.
    model.reply_text(ANSWER, stall_after_tokens=len(FIRST.split()) + 2)
    model.reply_tool_call(JUDGE_TOOL_NAME, _judged())
    model.reply_text(ANSWER)
    with model.serve() as model_url:
        keyed = voice_settings(settings, twilio, deepgram_url).model_copy(
            update={"openai_api_key": SecretStr("sk-test"), "openai_base_url": model_url}
        )
        env = environment(keyed, OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=model_url)
        async with serve(keyed, embedder) as api:
            with perceptron("worker", env, tmp_path / "worker-1.log") as first:
                org_id, _ = await connected_org(api.url, session_maker, keyed)
                await _heartbeat_turns(session_maker, org_id)
                fake_deepgram.hears(QUESTION)
                call = await twilio.call(api.url, PUBLIC_URL, to=NUMBER, from_=CALLER)
                await call.say(question_wav, speed=4)
                await call.send_silence(0.8)
                await until(lambda: any(FIRST in r.text for r in fake_deepgram.speaks), within=60)
                first.send_signal(signal.SIGKILL)
                first.wait(10)
            with perceptron("worker", env, tmp_path / "worker-2.log"):
                row = await call_row(session_maker, org_id, call)
                rows = await until(lambda: _answered(session_maker, org_id, row), within=90)
                await until(lambda: any(SECOND in r.text for r in fake_deepgram.speaks), within=60)
                await asyncio.sleep(0.5)
                await call.hang_up()

    answers = [m for m in rows if m.role is MessageRole.ASSISTANT]
    assert [a.content for a in answers] == [ANSWER]
    # Each sentence spoken once: what the first attempt had said is not said again.
    spoken = [r.text for r in fake_deepgram.speaks]
    assert spoken.count(FIRST) == 1
    assert spoken.count(SECOND) == 1


@pytest.mark.usefixtures("worker")
async def test_the_voice_process_killed_mid_call_ends_the_call_as_failed_with_nothing_half_written(
    settings: Settings,
    session_maker: SessionMaker,
    embedder: LocalMiniLMEmbedder,
    twilio: FakeTwilio,
    deepgram: tuple[FakeDeepgram, str],
    question_wav: Path,
    tmp_path: Path,
) -> None:
    fake_deepgram, deepgram_url = deepgram
    voiced = voice_settings(settings, twilio, deepgram_url)
    port = free_port()
    env = environment(voiced, PERCEPTRON_API_PORT=str(port))
    child_url = f"http://127.0.0.1:{port}"
    async with serve(voiced, embedder) as api:  # the API that goes on running
        org_id, _ = await connected_org(api.url, session_maker, voiced)
        with perceptron("api", env, tmp_path / "api.log") as voice_process:
            await until(lambda: _serving(child_url), within=120)
            fake_deepgram.hears(QUESTION)
            call = await twilio.call(child_url, PUBLIC_URL, to=NUMBER, from_=CALLER)
            await call.say(question_wav, speed=4)
            await call.send_silence(0.8)
            await until(lambda: call.received_seconds > 0.5)  # the answer is being spoken
            voice_process.send_signal(signal.SIGKILL)
            voice_process.wait(10)
        # Twilio's stream broke with the process; the API still running ends the call.
        ended = await until(lambda: _ended(session_maker, org_id, call), within=30)

    assert ended.outcome is CallOutcome.FAILED
    assert ended.ended_at is not None
    assert ended.duration_seconds is not None
    rows = await transcript(session_maker, org_id, ended.conversation_id)
    # The turn is durable: the question and one whole answer, nothing partial.
    assert [m.role for m in rows] == [MessageRole.VISITOR, MessageRole.ASSISTANT]
    assert rows[0].content == QUESTION
    assert rows[1].citations


async def _answered(maker: SessionMaker, org_id: uuid.UUID, row: Call) -> list[Message]:
    rows = await transcript(maker, org_id, row.conversation_id)
    return rows if any(m.role is MessageRole.ASSISTANT for m in rows) else []


async def _ended(maker: SessionMaker, org_id: uuid.UUID, call: FakeCall) -> Call | None:
    row = await call_row(maker, org_id, call)
    return row if row.outcome is not None else None


async def _serving(url: str) -> bool:
    try:
        async with httpx.AsyncClient(timeout=2) as client:
            return (await client.get(url + "/healthz")).status_code == 200
    except httpx.HTTPError:
        return False


async def _heartbeat_turns(maker: SessionMaker, org_id: uuid.UUID) -> None:
    """A turn whose worker dies is retried after 2 s without a heartbeat, not 20."""
    await configure(maker, org_id, turn_heartbeat_seconds=2)
