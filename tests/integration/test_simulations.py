"""Simulations end to end: the API starts a SimulationWorkflow on the real dev server, real
workers run the cases through the real keyless support agent over two Lumen articles
ingested through the real pipeline, and the results are read back through the API."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import func
from sqlmodel import SQLModel, col, select
from temporalio.client import Client

from activities.simulation import AgentSetup, Candidate, LabelledQuestion
from agents.knowledge.retrieval import Retriever
from agents.providers.embeddings import LocalMiniLMEmbedder
from agents.support.agent import SupportAgent
from agents.support.extractive import EXTRACTIVE_MODEL
from agents.support.prompts import JUDGE_TOOL_NAME, PROMPT_VERSION
from agents.support.turn import Citation, Decision, TokenSink, TurnInput, TurnOutcome
from core.db import SessionMaker, org_session
from core.encryption import DataKeys
from core.ids import simulation_id
from core.models import (
    AuditLogEntry,
    Contact,
    Conversation,
    ConversationEvent,
    Message,
    MessageRole,
    Role,
    Simulation,
    SimulationResult,
    SimulationStatus,
)
from core.settings import Settings
from services.simulations import simulate_questions
from tests.conftest import RunningApi, serve
from tests.factories import member_headers
from tests.fakes.openai import FakeOpenAI
from tests.fixtures.documents import article
from tests.integration.conftest import FAKE_OPENAI_KEY
from tests.integration.knowledge_helpers import ingest, owner_headers, record_history
from workflows.worker import build_workers

RESET_QUESTION = {
    "id": "factory-reset",
    "question": "how do I reset my lamp to factory settings?",
    "articles": ["Hardware/factory-reset.md"],
    "facts": ["12 seconds"],
}
UNANSWERABLE = {
    "id": "shipping-to-mars",
    "question": "do you ship lamps to research stations in Antarctica?",
    "why": "the articles cover no shipping",
}
UNMATCHED = {
    "id": "warranty-unmatched",
    "question": "how long is the warranty on the lamp?",
    "articles": ["Policies/warranty-and-returns.md"],
    "facts": ["two years"],
}


@dataclass
class Lumen:
    org_id: uuid.UUID
    owner: dict[str, str]
    documents: dict[str, str]  # slug -> document id


async def lumen(client: httpx.AsyncClient, settings: Settings, maker: SessionMaker) -> Lumen:
    org_id, owner = await owner_headers(settings, maker, "Lumen")
    documents = {}
    for slug in ("factory-reset", "wifi-setup"):
        ingested = await ingest(
            client, org_id, owner, f"{slug}.md", article(slug).markdown.encode()
        )
        assert ingested["status"] == "ready", ingested
        documents[slug] = ingested["id"]
    return Lumen(org_id, owner, documents)


async def finished(
    client: httpx.AsyncClient, org_id: uuid.UUID, headers: dict[str, str], simulation: str
) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        response = await client.get(f"/api/orgs/{org_id}/simulations/{simulation}", headers=headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if body["status"] in {"completed", "failed"}:
            return body
        await asyncio.sleep(0.2)
    raise AssertionError("the simulation did not finish in time")


async def results(
    client: httpx.AsyncClient, org_id: uuid.UUID, headers: dict[str, str], simulation: str
) -> list[dict[str, Any]]:
    response = await client.get(
        f"/api/orgs/{org_id}/simulations/{simulation}/results", headers=headers
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def count(maker: SessionMaker, org_id: uuid.UUID, model: type[SQLModel]) -> int:
    async with org_session(maker, org_id) as session:
        return (await session.exec(select(func.count()).select_from(model))).one()


@pytest.mark.usefixtures("worker")
async def test_a_labelled_question_set_gives_before_after_and_scores(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, temporal_client: Client
) -> None:
    async with api.client() as client:
        kb = await lumen(client, settings, session_maker)
        started = await client.post(
            f"/api/orgs/{kb.org_id}/simulations",
            json={
                "source": {
                    "kind": "questions",
                    "questions": [RESET_QUESTION, UNANSWERABLE, UNMATCHED],
                },
                "candidate": {"k": 2, "search_mode": "hybrid"},
            },
            headers=kb.owner,
        )
        assert started.status_code == 202, started.text
        simulation = started.json()["id"]
        done = await finished(client, kb.org_id, kb.owner, simulation)
        cases = await results(client, kb.org_id, kb.owner, simulation)
        listed = await client.get(f"/api/orgs/{kb.org_id}/simulations", headers=kb.owner)

    assert done["status"] == "completed", done
    assert done["progress"] == {"done": 3, "total": 3}
    assert done["candidate"] == {"k": 2, "search_mode": "hybrid"}
    summary = done["summary"]
    assert summary["unmatched_articles"] == ["Policies/warranty-and-returns.md"]
    assert (summary["cases"], summary["done"], summary["failed"], summary["labelled"]) == (
        3,
        3,
        0,
        3,
    )
    assert [item["id"] for item in listed.json()["items"]] == [simulation]

    reset, unanswerable, unmatched = cases
    assert [case["case_key"] for case in cases] == [
        "factory-reset",
        "shipping-to-mars",
        "warranty-unmatched",
    ]
    assert reset["labels"]["articles"] == [kb.documents["factory-reset"]]
    for side in ("before", "after"):
        answer = reset[side]
        assert answer["model"] == EXTRACTIVE_MODEL
        assert answer["prompt_version"] == PROMPT_VERSION
        assert answer["decision"] == "answer"
        assert answer["citations"][0]["document_id"] == kb.documents["factory-reset"]
        assert answer["scores"]["decided_right"] is True
        assert answer["scores"]["all_facts"] is True
        assert answer["scores"]["right_article"] is True
        assert answer["scores"]["unsupported_sentences"] == []
        assert unanswerable[side]["decision"] == "handoff"
        assert unanswerable[side]["scores"]["decided_right"] is True
        assert unanswerable[side]["scores"]["right_article"] is None
        # A labelled article this knowledge base does not have: no right or wrong article.
        assert unmatched[side]["scores"]["right_article"] is None
    assert summary["decided_right_before"] >= 2
    assert summary["all_facts_after"] >= 1
    for case in cases:
        assert case["status"] == "done"
        assert case["diff"] == ("" if not case["text_changed"] else case["diff"])
    await record_history(
        temporal_client, simulation_id(kb.org_id, uuid.UUID(simulation)), "simulation_questions"
    )


@pytest.mark.usefixtures("worker")
async def test_recorded_conversations_are_rerun_with_the_recorded_answer_as_before(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    async with api.client() as client:
        kb = await lumen(client, settings, session_maker)
        conversation_id, question_id = await recorded_conversation(
            session_maker, kb.org_id, kb.documents["factory-reset"]
        )
        messages = await count(session_maker, kb.org_id, Message)
        events = await count(session_maker, kb.org_id, ConversationEvent)
        by_ids = await client.post(
            f"/api/orgs/{kb.org_id}/simulations",
            json={"source": {"kind": "conversations", "conversation_ids": [str(conversation_id)]}},
            headers=kb.owner,
        )
        last = await client.post(
            f"/api/orgs/{kb.org_id}/simulations",
            json={"source": {"kind": "conversations", "last": 5}, "candidate": {"k": 1}},
            headers=kb.owner,
        )
        assert by_ids.status_code == last.status_code == 202, by_ids.text
        done = [
            await finished(client, kb.org_id, kb.owner, started.json()["id"])
            for started in (by_ids, last)
        ]
        cases = await results(client, kb.org_id, kb.owner, by_ids.json()["id"])
        cases_of_last = await results(client, kb.org_id, kb.owner, last.json()["id"])

    assert [simulation["status"] for simulation in done] == ["completed", "completed"]
    assert len(cases) == len(cases_of_last) == 1
    (case,) = cases
    assert case["conversation_id"] == str(conversation_id)
    assert case["message_id"] == str(question_id)
    assert case["question"] == "how do I reset my lamp to factory settings?"
    assert [m["role"] for m in case["history"]] == ["visitor", "assistant"]
    before = case["before"]
    assert before["text"] == "Hold the dial down. [1]"
    assert before["decision"] == "answer"
    assert before["model"] == "recorded-model"
    assert before["prompt_version"] == "support-2026-01-01.1"
    assert before["citations"] == [
        {"number": 1, "document_id": kb.documents["factory-reset"], "title": "Factory reset"}
    ]
    assert case["after"]["model"] == EXTRACTIVE_MODEL
    assert case["after"]["prompt_version"] == PROMPT_VERSION
    assert case["text_changed"] is True
    assert case["diff"].startswith("--- before\n+++ after")
    assert "-Hold the dial down. [1]" in case["diff"]
    # Nothing was written into the conversation: no message, no event.
    assert await count(session_maker, kb.org_id, Message) == messages
    assert await count(session_maker, kb.org_id, ConversationEvent) == events


async def recorded_conversation(
    maker: SessionMaker, org_id: uuid.UUID, document_id: str, route: str = "retrieve"
) -> tuple[uuid.UUID, uuid.UUID]:
    """A conversation as the turn activity stores one: an earlier exchange, then a question
    answered with a decision trail."""
    async with org_session(maker, org_id) as session:
        contact = Contact(org_id=org_id, name="Ann")
        session.add(contact)
        await session.flush()
        conversation = Conversation(org_id=org_id, contact_id=contact.id)
        session.add(conversation)
        await session.flush()
        hello = Message(
            org_id=org_id, conversation_id=conversation.id, role=MessageRole.VISITOR, content="hi"
        )
        greeting = Message(
            org_id=org_id,
            conversation_id=conversation.id,
            role=MessageRole.ASSISTANT,
            content="Hello! How can I help?",
        )
        question = Message(
            org_id=org_id,
            conversation_id=conversation.id,
            role=MessageRole.VISITOR,
            content="how do I reset my lamp to factory settings?",
        )
        for message in (hello, greeting, question):
            session.add(message)
            await session.flush()
        session.add(
            Message(
                org_id=org_id,
                conversation_id=conversation.id,
                role=MessageRole.ASSISTANT,
                content="Hold the dial down. [1]",
                citations=[
                    {
                        "number": 1,
                        "chunk_id": str(uuid.uuid4()),
                        "document_id": document_id,
                        "title": "Factory reset",
                        "section": "",
                        "source_url": None,
                    }
                ],
                trail={"decision": "answer", "reason": "recorded", "route": route},
                model="recorded-model",
                prompt_version="support-2026-01-01.1",
                reply_to_id=question.id,
            )
        )
    return conversation.id, question.id


# -- the candidate's operating point reaches the agent ------------------------------------


@dataclass
class ThresholdAgents:
    """An agent factory whose agents answer when the turn's operating point is below 0.5 (or
    unset) and hand off above it, recording every turn they see."""

    turns: list[tuple[AgentSetup, TurnInput]] = field(default_factory=list)

    def __call__(self, setup: AgentSetup) -> ThresholdAgent:
        return ThresholdAgent(self, setup)


@dataclass
class ThresholdAgent:
    agents: ThresholdAgents
    setup: AgentSetup

    async def run_turn(self, turn: TurnInput, on_token: TokenSink) -> TurnOutcome:
        self.agents.turns.append((self.setup, turn))
        if "explode" in turn.question:
            raise RuntimeError("the agent broke on this one")
        answers = turn.operating_point is None or turn.operating_point < 0.5
        return TurnOutcome(
            decision=Decision.ANSWER if answers else Decision.HANDOFF,
            text="Hold the dial. [1]" if answers else "A person will help.",
            citations=[
                Citation(1, uuid.uuid4(), uuid.uuid4(), "Reset", "", None),
            ]
            if answers
            else [],
            reason="threshold",
            trail={},
            model="threshold",
            prompt_version="test",
        )


@contextlib.asynccontextmanager
async def threshold_workers(
    client: Client, settings: Settings, maker: SessionMaker, embedder: LocalMiniLMEmbedder
) -> AsyncIterator[ThresholdAgents]:
    agents = ThresholdAgents()
    async with contextlib.AsyncExitStack() as stack:
        for built in build_workers(
            client, settings, maker, embedder=embedder, simulation_agents=agents
        ):
            await stack.enter_async_context(built)
        yield agents


async def test_the_operating_point_changes_a_decision_and_one_failing_case_fails_alone(
    api: RunningApi,
    settings: Settings,
    session_maker: SessionMaker,
    temporal_client: Client,
    embedder: LocalMiniLMEmbedder,
) -> None:
    org_id, owner = await owner_headers(settings, session_maker)
    questions = [
        {"question": "how do I reset it?", "articles": ["reset"], "facts": ["dial"]},
        {"question": "please explode", "why": "a case the agent fails on"},
        {"question": "can I reset it again?", "articles": ["reset"], "facts": ["dial"]},
    ]
    async with (
        threshold_workers(temporal_client, settings, session_maker, embedder) as agents,
        api.client() as client,
    ):
        started = await client.post(
            f"/api/orgs/{org_id}/simulations",
            json={
                "source": {"kind": "questions", "questions": questions},
                "candidate": {"operating_point": 0.9, "k": 3},
            },
            headers=owner,
        )
        assert started.status_code == 202, started.text
        done = await finished(client, org_id, owner, started.json()["id"])
        cases = await results(client, org_id, owner, started.json()["id"])

    assert done["status"] == "completed"
    assert done["failed"] == 1
    assert [case["status"] for case in cases] == ["done", "failed", "done"]
    assert cases[1]["error"] == "RuntimeError: the agent broke on this one"
    first = cases[0]
    assert (first["before"]["decision"], first["after"]["decision"]) == ("answer", "handoff")
    assert first["decision_changed"] is True
    assert first["before"]["scores"]["decided_right"] is True
    assert first["after"]["scores"]["decided_right"] is False
    summary = done["summary"]
    assert (summary["decision_changed"], summary["answer_before"], summary["handoff_after"]) == (
        2,
        2,
        2,
    )
    seen = {(setup.k, turn.operating_point) for setup, turn in agents.turns}
    assert seen == {(None, None), (3, 0.9)}


BORDERLINE = [
    "how do I reset my lamp to factory settings?",
    "which port does the lamp need open on our office firewall?",
    "the wifi signal is weak where my desk is, what can I do?",
    "can I reset the lamp from the app instead of the dial?",
    "does the lamp remember my wifi after a power cut?",
]


@pytest.mark.usefixtures("worker")
async def test_the_real_agents_decision_follows_the_candidates_operating_point(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, embedder: LocalMiniLMEmbedder
) -> None:
    """The real agent at the top of the range hands off a question it answers by default.
    Skipped while the keyless judge does not read ``TurnInput.operating_point``."""
    async with api.client() as client:
        kb = await lumen(client, settings, session_maker)
        agent = SupportAgent(Retriever(session_maker, embedder), None)

        async def decision(question: str, point: float | None) -> Decision:
            turn = TurnInput(
                org_id=kb.org_id,
                conversation_id=uuid.uuid4(),
                question=question,
                operating_point=point,
            )
            return (await agent.run_turn(turn, _ignore)).decision

        moved = [q for q in BORDERLINE if await decision(q, None) != await decision(q, 0.95)]
        if not moved:
            pytest.skip("the keyless judge does not read TurnInput.operating_point yet")
        started = await client.post(
            f"/api/orgs/{kb.org_id}/simulations",
            json={
                "source": {
                    "kind": "questions",
                    "questions": [{"question": q, "why": "borderline"} for q in moved],
                },
                "candidate": {"operating_point": 0.95},
            },
            headers=kb.owner,
        )
        done = await finished(client, kb.org_id, kb.owner, started.json()["id"])
    assert done["summary"]["decision_changed"] == len(moved)


async def _ignore(_: str) -> None:
    return None


async def test_a_dissatisfied_turn_is_replayed_as_one_and_no_cases_fail_the_run_clearly(
    api: RunningApi,
    settings: Settings,
    session_maker: SessionMaker,
    temporal_client: Client,
    embedder: LocalMiniLMEmbedder,
) -> None:
    org_id, owner = await owner_headers(settings, session_maker)
    await recorded_conversation(session_maker, org_id, str(uuid.uuid4()), route="dissatisfied")
    async with (
        threshold_workers(temporal_client, settings, session_maker, embedder) as agents,
        api.client() as client,
    ):
        replayed = await client.post(
            f"/api/orgs/{org_id}/simulations",
            json={"source": {"kind": "conversations", "last": 1}},
            headers=owner,
        )
        future = await client.post(
            f"/api/orgs/{org_id}/simulations",
            json={"source": {"kind": "conversations", "since": "2999-01-01T00:00:00"}},
            headers=owner,
        )
        done = await finished(client, org_id, owner, replayed.json()["id"])
        empty = await finished(client, org_id, owner, future.json()["id"])
    assert done["status"] == "completed"
    assert [turn.dissatisfaction for _, turn in agents.turns] == [2]
    assert empty["status"] == "failed"
    assert empty["failure_reason"] == (
        "no cases: the conversations chosen have no answered visitor message"
    )


# -- the API: roles, organizations, bad input, deletion -----------------------------------


async def test_simulations_are_for_owners_and_admins_of_their_own_organization(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    org_id, owner = await owner_headers(settings, session_maker, "Acme")
    other_id, other_owner = await owner_headers(settings, session_maker, "Globex")
    operator = await member_headers(settings, session_maker, org_id, Role.OPERATOR)
    admin = await member_headers(settings, session_maker, org_id, Role.ADMIN)
    body = {"source": {"kind": "questions", "questions": [UNANSWERABLE]}}
    async with api.client() as client:
        started = await client.post(f"/api/orgs/{org_id}/simulations", json=body, headers=admin)
        assert started.status_code == 202, started.text
        simulation = started.json()["id"]
        refused = await client.post(f"/api/orgs/{org_id}/simulations", json=body, headers=operator)
        listed_by_operator = await client.get(f"/api/orgs/{org_id}/simulations", headers=operator)
        # Another organization's owner, on their own organization's routes: not found.
        elsewhere = [
            await client.get(f"/api/orgs/{other_id}/simulations/{simulation}", headers=other_owner),
            await client.get(
                f"/api/orgs/{other_id}/simulations/{simulation}/results", headers=other_owner
            ),
            await client.delete(
                f"/api/orgs/{other_id}/simulations/{simulation}", headers=other_owner
            ),
        ]
        foreign = await client.get(
            f"/api/orgs/{org_id}/simulations/{simulation}", headers=other_owner
        )
        other_list = await client.get(f"/api/orgs/{other_id}/simulations", headers=other_owner)
        mine = await client.get(f"/api/orgs/{org_id}/simulations/{simulation}", headers=owner)
    assert refused.status_code == listed_by_operator.status_code == 403
    assert [response.status_code for response in elsewhere] == [404, 404, 404]
    assert foreign.status_code == 403
    assert other_list.json() == {"items": [], "total": 0}
    assert mine.status_code == 200


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {
                "source": {"kind": "questions", "questions": [RESET_QUESTION]},
                "candidate": {"operating_point": 1.5},
            },
            "less than or equal to 0.95",
        ),
        (
            {"source": {"kind": "questions", "questions": [RESET_QUESTION]}, "candidate": {"k": 0}},
            "greater than or equal to 1",
        ),
        (
            {
                "source": {"kind": "questions", "questions": [RESET_QUESTION]},
                "candidate": {"search_mode": "magic"},
            },
            "'vector' or 'hybrid'",
        ),
        (
            {"source": {"kind": "questions", "questions": [{"question": "unlabelled?"}]}},
            "label the question",
        ),
        ({"source": {"kind": "questions", "questions": []}}, "at least 1 item"),
        ({"source": {"kind": "conversations"}}, "choose conversations"),
        ({"source": {"kind": "tickets"}}, "'questions', 'conversations'"),
        (
            {
                "source": {"kind": "questions", "questions": [RESET_QUESTION]},
                "candidate": {"temperature": 2},
            },
            "Extra inputs are not permitted",
        ),
        (
            {
                "source": {"kind": "questions", "questions": [RESET_QUESTION]},
                "candidate": {"responder": "keyless", "model": "gpt-4o"},
            },
            "a model name needs the model responder",
        ),
    ],
)
async def test_bad_simulation_input_is_a_422_that_says_why(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, body: Any, message: str
) -> None:
    org_id, owner = await owner_headers(settings, session_maker)
    async with api.client() as client:
        response = await client.post(f"/api/orgs/{org_id}/simulations", json=body, headers=owner)
    assert response.status_code == 422, response.text
    assert message in response.text


async def test_a_model_candidate_without_a_configured_model_is_refused(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    org_id, owner = await owner_headers(settings, session_maker)
    async with api.client() as client:
        response = await client.post(
            f"/api/orgs/{org_id}/simulations",
            json={
                "source": {"kind": "questions", "questions": [RESET_QUESTION]},
                "candidate": {"responder": "model", "model": "gpt-4o"},
            },
            headers=owner,
        )
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "no chat model is configured: set OPENAI_API_KEY to simulate a model responder"
    )


@pytest.mark.usefixtures("worker")
async def test_a_deleted_simulation_is_gone_with_its_results_and_both_are_audited(
    api: RunningApi, settings: Settings, session_maker: SessionMaker
) -> None:
    async with api.client() as client:
        kb = await lumen(client, settings, session_maker)
        started = await client.post(
            f"/api/orgs/{kb.org_id}/simulations",
            json={"source": {"kind": "questions", "questions": [RESET_QUESTION]}},
            headers=kb.owner,
        )
        simulation = started.json()["id"]
        await finished(client, kb.org_id, kb.owner, simulation)
        assert await count(session_maker, kb.org_id, SimulationResult) == 1
        deleted = await client.delete(
            f"/api/orgs/{kb.org_id}/simulations/{simulation}", headers=kb.owner
        )
        again = await client.delete(
            f"/api/orgs/{kb.org_id}/simulations/{simulation}", headers=kb.owner
        )
        read = await client.get(f"/api/orgs/{kb.org_id}/simulations/{simulation}", headers=kb.owner)
    assert deleted.status_code == 204
    assert again.status_code == read.status_code == 404
    assert await count(session_maker, kb.org_id, SimulationResult) == 0
    async with org_session(session_maker, kb.org_id) as session:
        actions = (
            await session.exec(
                select(AuditLogEntry.action, AuditLogEntry.target_id)
                .where(col(AuditLogEntry.action).startswith("simulation."))
                .order_by(col(AuditLogEntry.created_at))
            )
        ).all()
    assert [tuple(row) for row in actions] == [
        ("simulation.started", simulation),
        ("simulation.deleted", simulation),
    ]


async def test_a_conversation_deleted_takes_its_simulation_results_with_it(
    session_maker: SessionMaker,
) -> None:
    """Results copy conversation text: erasure and retention, which delete conversations,
    delete them too (ON DELETE CASCADE)."""
    from tests.factories import create_organization

    organization = await create_organization(session_maker)
    conversation_id, question_id = await recorded_conversation(
        session_maker, organization.id, str(uuid.uuid4())
    )
    async with org_session(session_maker, organization.id) as session:
        simulation = Simulation(org_id=organization.id, workflow_id="simulate-test")
        session.add(simulation)
        await session.flush()
        session.add(
            SimulationResult(
                org_id=organization.id,
                simulation_id=simulation.id,
                seq=0,
                case_key=str(question_id),
                conversation_id=conversation_id,
                message_id=question_id,
                question="how do I reset my lamp?",
            )
        )
    async with org_session(session_maker, organization.id) as session:
        conversation = await session.get(Conversation, conversation_id)
        await session.delete(conversation)
    assert await count(session_maker, organization.id, SimulationResult) == 0


# -- `perceptron simulate` ------------------------------------------------------------------

PERCEPTRON = str(Path(sys.executable).parent / "perceptron")

QUESTION_FILE = """\
# The format of bench/questions/arduino/*.yaml
questions:
- id: factory-reset
  split: fit
  question: how do I reset my lamp to factory settings?
  articles:
  - Hardware/factory-reset.md
  facts:
  - 12 seconds
- id: shipping-to-antarctica
  split: test
  question: do you ship lamps to research stations in Antarctica?
  why: the articles cover no shipping
"""


async def perceptron(settings: Settings, *args: str) -> tuple[int, str]:
    env = {
        **os.environ,
        "DATABASE_URL": settings.resolved_database_url,
        "TEMPORAL_ADDRESS": settings.resolved_temporal_address,
        "PERCEPTRON_TEMPORAL_CONFIG": str(settings.temporal_config),
        "PERCEPTRON_DATA_DIR": str(settings.data_dir),
        "COLUMNS": "120",
    }
    process = await asyncio.create_subprocess_exec(
        PERCEPTRON,
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, output.decode()


@pytest.mark.usefixtures("worker")
async def test_the_simulate_command_runs_a_question_file_and_prints_the_summary(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, tmp_path: Path
) -> None:
    async with api.client() as client:
        kb = await lumen(client, settings, session_maker)
    questions = tmp_path / "questions.yaml"
    questions.write_text(QUESTION_FILE)

    code, output = await perceptron(
        settings, "simulate", "--org", "lumen", "--questions", str(questions), "--k", "2"
    )

    assert code == 0, output
    assert "decided right" in output
    assert "2 of 2 cases run, 0 failed" in output
    assert "2 labelled" in output
    assert f"/api/orgs/{kb.org_id}/simulations/" in output
    async with org_session(session_maker, kb.org_id) as session:
        (stored,) = (await session.exec(select(Simulation))).all()
    assert stored.candidate == {"k": 2}
    assert stored.summary["decided_right_after"] == 2


async def test_the_simulate_command_refuses_bad_input_with_the_reason(
    settings: Settings, session_maker: SessionMaker, tmp_path: Path
) -> None:
    await owner_headers(settings, session_maker, "Lumen")
    questions = tmp_path / "questions.yaml"
    questions.write_text(QUESTION_FILE)
    out_of_range = await perceptron(
        settings,
        "simulate",
        "--org",
        "Lumen",
        "--questions",
        str(questions),
        "--operating-point",
        "1.5",
    )
    no_source = await perceptron(settings, "simulate", "--org", "Lumen")
    unknown = await perceptron(settings, "simulate", "--org", "Nobody", "--conversations", "3")
    assert out_of_range[0] == no_source[0] == unknown[0] == 2
    assert "less than or equal to 0.95" in out_of_range[1]
    assert "--questions FILE.yaml or --conversations N" in no_source[1]
    assert "no organization named 'Nobody'" in unknown[1]


@pytest.mark.usefixtures("worker")
async def test_the_benchmarks_simulate_a_question_set_and_get_every_result(
    api: RunningApi, settings: Settings, session_maker: SessionMaker, temporal_client: Client
) -> None:
    async with api.client() as client:
        kb = await lumen(client, settings, session_maker)
    report = await simulate_questions(
        session_maker,
        temporal_client,
        settings,
        kb.org_id,
        [
            LabelledQuestion.model_validate(RESET_QUESTION),
            LabelledQuestion.model_validate(UNANSWERABLE),
        ],
        Candidate(k=2),
        within=60,
    )
    assert report.simulation.status is SimulationStatus.COMPLETED
    assert report.simulation.summary["decided_right_after"] == 2
    assert [result.case_key for result in report.results] == ["factory-reset", "shipping-to-mars"]
    assert report.results[0].after is not None
    assert report.results[0].after["scores"]["all_facts"] is True


async def test_a_model_candidate_runs_the_configured_chat_model_under_its_name(
    settings: Settings,
    session_maker: SessionMaker,
    temporal_client: Client,
    embedder: LocalMiniLMEmbedder,
    keyring: DataKeys,
    fake: FakeOpenAI,
    fake_openai: tuple[FakeOpenAI, str],
) -> None:
    keyed = settings.model_copy(
        update={"openai_api_key": SecretStr(FAKE_OPENAI_KEY), "openai_base_url": fake_openai[1]}
    )
    for _ in ("before", "after"):
        fake.reply_tool_call(
            JUDGE_TOOL_NAME,
            {
                "answerable": True,
                "needs_clarification": False,
                "reason": "scripted",
                "passage_ids": [1],
            },
        )
        fake.reply_text(
            "Press and hold the brightness dial on the base for 12 seconds [1]. "
            "The lamp then sings a song [1]."
        )
    async with contextlib.AsyncExitStack() as stack:
        for built in build_workers(
            temporal_client, keyed, session_maker, embedder=embedder, keyring=keyring
        ):
            await stack.enter_async_context(built)
        api = await stack.enter_async_context(serve(keyed, embedder))
        async with api.client() as client:
            kb = await lumen(client, keyed, session_maker)
            started = await client.post(
                f"/api/orgs/{kb.org_id}/simulations",
                json={
                    "source": {"kind": "questions", "questions": [RESET_QUESTION]},
                    "candidate": {"model": "fake-gpt-2"},
                },
                headers=kb.owner,
            )
            assert started.status_code == 202, started.text
            done = await finished(client, kb.org_id, kb.owner, started.json()["id"])
            (case,) = await results(client, kb.org_id, kb.owner, started.json()["id"])

    assert done["status"] == "completed", done
    assert case["status"] == "done", case["error"]
    assert case["before"]["model"] == keyed.llm_model
    assert case["after"]["model"] == "fake-gpt-2"
    assert [request.body["model"] for request in fake.chat_requests()] == [
        keyed.llm_model,
        keyed.llm_model,
        "fake-gpt-2",
        "fake-gpt-2",
    ]
    # A model writes its own words: a sentence counts when the passage holds its key terms.
    scores = case["after"]["scores"]
    assert scores["all_facts"] is True
    assert scores["unsupported_sentences"] == ["The lamp then sings a song."]
