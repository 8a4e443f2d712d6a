"""Durability: the stream survives an API restart; a turn survives its worker dying."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from agents.providers.embeddings import LocalMiniLMEmbedder
from agents.support.prompts import JUDGE_TOOL_NAME
from core.db import SessionMaker
from core.settings import Settings
from tests.conftest import serve
from tests.factories import bearer, create_member, create_organization, session_token
from tests.fakes.openai import FakeOpenAI
from tests.fixtures.documents import load_articles
from tests.integration.conversation_helpers import (
    ScriptedAgent,
    SseEvent,
    Visitor,
    configure,
    new_visitor,
    read_events,
    turn_done,
)
from tests.integration.knowledge_helpers import upload, wait_until_final


@pytest.fixture
def agent() -> ScriptedAgent:
    return ScriptedAgent(token_delay=0.15)


@pytest.mark.usefixtures("conversation_worker")
async def test_a_client_resumes_after_an_api_restart_and_misses_nothing(
    settings: Settings, session_maker: SessionMaker, embedder: LocalMiniLMEmbedder
) -> None:
    organization = await create_organization(session_maker, "Lumen")
    seen: list[SseEvent] = []
    async with serve(settings, embedder) as running, running.client() as client:
        visitor = await new_visitor(client, organization.public_key)
        started = await visitor.start("please explain the warranty in detail")
        cid = started["conversation"]["id"]
        url = f"/api/widget/conversations/{cid}/events"
        seen += await read_events(
            client,
            url,
            visitor.headers,
            lambda events: sum(e.type == "token" for e in events) >= 2,
        )
    # The API is gone mid-answer; the turn goes on in the worker. A new API process starts.
    await asyncio.sleep(0.3)
    async with serve(settings, embedder) as restarted, restarted.client() as client:
        rest = await read_events(client, url, visitor.headers, turn_done, last_event_id=seen[-1].id)
        full = await read_events(client, url, visitor.headers, turn_done)
        history = await Visitor(client, visitor.token, visitor.contact_id).history(cid)
    assert [e.id for e in seen + rest] == [e.id for e in full], "nothing missed, nothing twice"
    streamed = "".join(e.data["data"]["text"] for e in seen + rest if e.type == "token")
    assert streamed == history[-1]["content"]


async def test_a_turn_survives_its_worker_being_killed_mid_answer(
    settings: Settings, session_maker: SessionMaker, tmp_path: Path
) -> None:
    """The worker is a real `perceptron worker` process talking to a fake OpenAI server whose
    answer stalls after a few tokens; it is killed with SIGKILL, a new worker picks the turn
    up after the heartbeat timeout, and the visitor sees one complete answer."""
    fake = FakeOpenAI(api_key="sk-test")
    fake.reply_tool_call(JUDGE_TOOL_NAME, _judged())
    fake.reply_text(ANSWER, stall_after_tokens=3)
    fake.reply_tool_call(JUDGE_TOOL_NAME, _judged())
    fake.reply_text(ANSWER)
    organization = await create_organization(session_maker, "Lumen")
    await configure(session_maker, organization.id, turn_heartbeat_seconds=2)
    owner = await create_member(session_maker, organization.id)
    with fake.serve() as base_url:
        keyed = settings.model_copy(
            update={"openai_api_key": SecretStr("sk-test"), "openai_base_url": base_url}
        )
        env = {
            **os.environ,
            "DATABASE_URL": keyed.resolved_database_url,
            "TEMPORAL_ADDRESS": keyed.resolved_temporal_address,
            "PERCEPTRON_TEMPORAL_CONFIG": str(keyed.temporal_config),
            "PERCEPTRON_DATA_DIR": str(keyed.data_dir),
            "OPENAI_API_KEY": "sk-test",
            "OPENAI_BASE_URL": base_url,
        }
        first = _start_worker(env, tmp_path / "worker-1.log")
        second: subprocess.Popen[bytes] | None = None
        try:
            async with serve(keyed) as running, running.client() as client:
                headers = bearer(session_token(keyed, owner))
                article = next(a for a in load_articles() if a.slug == "factory-reset")
                uploaded = await upload(
                    client, organization.id, headers, "reset.md", article.markdown.encode()
                )
                await wait_until_final(client, organization.id, headers, uploaded.json()["id"])

                visitor = await new_visitor(client, organization.public_key)
                started = await visitor.start("how do I factory reset my lamp?")
                cid = started["conversation"]["id"]
                url = f"/api/widget/conversations/{cid}/events"
                before = await read_events(
                    client,
                    url,
                    visitor.headers,
                    lambda events: sum(e.type == "token" for e in events) >= 2,
                    within=60,
                )
                first.send_signal(signal.SIGKILL)
                first.wait(10)
                second = _start_worker(env, tmp_path / "worker-2.log")
                events = await read_events(
                    client, url, visitor.headers, turn_done, within=90, last_event_id=before[-1].id
                )
                history = await Visitor(client, visitor.token, visitor.contact_id).history(cid)
        finally:
            for process in (first, second):
                if process is not None and process.poll() is None:
                    process.terminate()
                    process.wait(20)

    restarted = [index for index, e in enumerate(events) if e.type == "turn.restarted"]
    assert restarted, "the retried turn announced itself"
    after_restart = events[restarted[-1] :]
    streamed = "".join(e.data["data"]["text"] for e in after_restart if e.type == "token")
    done = [e for e in events if e.type == "message.done"]
    assert len(done) == 1
    assert done[0].data["data"]["content"] == streamed == ANSWER
    assert [m["role"] for m in history] == ["visitor", "assistant"]
    assert history[1]["content"] == ANSWER


ANSWER = "Hold the dial down for twelve seconds until the lamp blinks amber [1]."


def _judged() -> dict[str, object]:
    return {"answerable": True, "needs_clarification": False, "reason": "", "passage_ids": [1]}


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    perceptron = str(Path(sys.executable).parent / "perceptron")
    with log.open("wb") as output:
        return subprocess.Popen(
            [perceptron, "worker"], env=env, stdout=output, stderr=subprocess.STDOUT
        )
