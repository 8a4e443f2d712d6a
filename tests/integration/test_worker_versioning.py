"""Deploy-safe conversations with Temporal Worker Versioning, on the real dev server: a v1
worker starts a conversation; a v2 worker whose ConversationWorkflow changed incompatibly
becomes the current version. The old conversation keeps answering on v1 (pinned), a new one
runs on v2, and nothing fails to replay."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import col, select
from temporalio import workflow
from temporalio.client import Client
from temporalio.service import RPCError
from temporalio.worker import Worker

from activities.conversation import ConversationActivities
from agents.providers.embeddings import LocalMiniLMEmbedder
from agents.support.turn import TokenSink, TurnInput, TurnOutcome
from core.db import SessionMaker, org_session
from core.encryption import DataKeys
from core.models import Message, MessageRole
from core.settings import Settings
from core.temporal import connect_temporal, make_current_version
from services.conversations import Conversations
from tests.factories import create_organization
from tests.integration.conversation_helpers import ScriptedAgent
from workflows.conversation import ConversationInput, ConversationWorkflow
from workflows.worker import build_workers, deployment_config

DEPLOYMENT = "perceptron-test"


@workflow.defn(name="ConversationWorkflow", sandboxed=False)
class ChangedConversationWorkflow(ConversationWorkflow):
    """v2: a timer before anything else. A v1 history replayed on this fails (its first
    command would differ), so a v1 conversation that reached a v2 worker would break."""

    @workflow.run
    async def run(self, input: ConversationInput) -> str:
        await workflow.sleep(timedelta(milliseconds=1))
        return await super().run(input)


@dataclass
class SecondAgent(ScriptedAgent):
    async def run_turn(self, turn: TurnInput, on_token: TokenSink) -> TurnOutcome:
        outcome = await super().run_turn(turn, on_token)
        return TurnOutcome(
            decision=outcome.decision,
            text=f"v2 {outcome.text}",
            citations=outcome.citations,
            reason=outcome.reason,
            trail=outcome.trail,
            model="scripted-v2",
            prompt_version=outcome.prompt_version,
        )


async def _eventually(check: Callable[[], Awaitable[bool]], within: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def _make_current(client: Client, build_id: str) -> None:
    """Once the version's workers have polled, the server accepts it as current."""
    for _ in range(100):
        try:
            await make_current_version(client, DEPLOYMENT, build_id)
            return
        except RPCError:
            await asyncio.sleep(0.1)
    await make_current_version(client, DEPLOYMENT, build_id)


async def _answers(
    maker: SessionMaker, org_id: uuid.UUID, conversation_id: uuid.UUID
) -> list[Message]:
    async with org_session(maker, org_id) as session:
        rows = await session.exec(
            select(Message)
            .where(
                Message.conversation_id == conversation_id, Message.role == MessageRole.ASSISTANT
            )
            .order_by(col(Message.created_at))
        )
        return list(rows.all())


async def test_an_old_conversation_stays_on_v1_while_new_ones_run_on_v2(
    settings: Settings,
    session_maker: SessionMaker,
    keyring: DataKeys,
    embedder: LocalMiniLMEmbedder,
) -> None:
    v1 = settings.model_copy(update={"worker_build_id": "v1", "worker_deployment_name": DEPLOYMENT})
    v2 = settings.model_copy(update={"worker_build_id": "v2", "worker_deployment_name": DEPLOYMENT})
    client = await connect_temporal(settings, keyring)
    conversations = Conversations(session_maker, client, settings)
    organization = await create_organization(session_maker, "Lumen")

    def v1_workers() -> list[Worker]:
        return build_workers(
            client, v1, session_maker, embedder=embedder, keyring=keyring, agent=ScriptedAgent()
        )

    async def old_answered(count: int) -> bool:
        return len(await _answers(session_maker, organization.id, old.id)) >= count

    async with contextlib.AsyncExitStack() as running:
        for built in v1_workers():
            await running.enter_async_context(built)
        await _make_current(client, "v1")
        old = await conversations.start(organization.id, None)
        await conversations.post(organization.id, old.id, "first question", uuid.uuid4())
        await _eventually(lambda: old_answered(1))

    # The release: v2's workers start beside v1's (restarted: nothing of the old
    # conversation is cached in a worker), then v2 becomes the current version.
    activities = ConversationActivities(session_maker, SecondAgent())
    async with contextlib.AsyncExitStack() as running:
        for built in v1_workers():
            await running.enter_async_context(built)
        await running.enter_async_context(
            Worker(
                client,
                task_queue=settings.temporal.task_queues.conversations,
                workflows=[ChangedConversationWorkflow],
                activities=[
                    activities.store_message,
                    activities.apply_change,
                    activities.run_turn,
                    activities.mark_interrupted,
                ],
                deployment_config=deployment_config(v2, pinned=True),
            )
        )
        await _make_current(client, "v2")
        # The old conversation, pinned to v1, answers its next message there.
        await conversations.post(organization.id, old.id, "second question", uuid.uuid4())
        await _eventually(lambda: old_answered(2))
        # A new conversation starts on the current version.
        new = await conversations.start(organization.id, None)
        await conversations.post(organization.id, new.id, "a new question", uuid.uuid4())

        async def new_answered() -> bool:
            return bool(await _answers(session_maker, organization.id, new.id))

        await _eventually(new_answered)
        old_described = await client.get_workflow_handle(old.workflow_id or "").describe()
        new_described = await client.get_workflow_handle(new.workflow_id or "").describe()

    old_answers = await _answers(session_maker, organization.id, old.id)
    [new_answer] = await _answers(session_maker, organization.id, new.id)
    assert [a.content for a in old_answers] == [
        "You asked: first question [1]",
        "You asked: second question [1]",
    ]
    assert [a.model for a in old_answers] == ["scripted", "scripted"]
    assert new_answer.content == "v2 You asked: a new question [1]"
    assert new_answer.model == "scripted-v2"
    old_versioning = old_described.raw_description.workflow_execution_info.versioning_info
    new_versioning = new_described.raw_description.workflow_execution_info.versioning_info
    assert old_versioning.deployment_version.build_id == "v1"
    assert new_versioning.deployment_version.build_id == "v2"
