"""The dashboard's "try it" box: what the assistant would answer to a question, from the
organization's knowledge, without a conversation.

It runs the conversation turn's own answer path (the support agent: route, retrieve, judge,
answer, clarify or hand off) with the same retriever and chat model, and records the passages
the agent retrieved. Nothing is stored: no conversation, no message, no event.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel

from agents.knowledge.retrieval import DocumentChunk, RetrievedPassage, Vocabulary
from agents.support.agent import SupportAgent
from agents.support.context import KnowledgeReader, PassageSearch
from agents.support.turn import Citation, Decision, LLMUnavailableError, TurnInput
from core.db import SessionMaker, org_session
from core.logging import get_logger
from core.models import Organization
from core.organization_settings import OrganizationSettings

log = get_logger(__name__)


@dataclass(frozen=True)
class Trial:
    decision: Decision
    reason: str  # why this decision, as the decision trail records it
    answer: str  # the text the visitor would be sent
    citations: list[Citation]
    passages: list[RetrievedPassage]  # what retrieval found, best first
    model: str


class _RecordingSearch:
    """The agent's retriever, keeping what it returned for this one trial."""

    def __init__(self, retriever: PassageSearch) -> None:
        self._retriever = retriever
        self.passages: list[RetrievedPassage] = []

    async def search(self, org_id: uuid.UUID, query: str, k: int) -> list[RetrievedPassage]:
        found = await self._retriever.search(org_id, query, k)
        self.passages = list(found)
        return found


class _RecordingReader(_RecordingSearch):
    """A recording retriever that also reads whole articles and the knowledge base's
    vocabulary, as the conversation turn's does: the keyless answerer needs both."""

    def __init__(self, retriever: KnowledgeReader) -> None:
        super().__init__(retriever)  # type: ignore[arg-type]
        self._reader = retriever

    async def vocabulary(self, org_id: uuid.UUID) -> Vocabulary:
        return await self._reader.vocabulary(org_id)

    async def documents(
        self, org_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[DocumentChunk]]:
        return await self._reader.documents(org_id, document_ids)

    async def embed_texts(self, texts: Sequence[str]) -> list[list[float]]:
        return await self._reader.embed_texts(texts)


class KnowledgeTrial:
    """One per process: holds the retriever and the chat model the worker's agent uses."""

    def __init__(
        self,
        session_maker: SessionMaker,
        retriever: PassageSearch,
        chat_model: BaseChatModel | None,
    ) -> None:
        self._session_maker = session_maker
        self._retriever = retriever
        self._chat_model = chat_model

    async def ask(self, org_id: uuid.UUID, question: str) -> Trial:
        async with org_session(self._session_maker, org_id) as session:
            organization = await session.get(Organization, org_id)
        recorder = (
            _RecordingReader(self._retriever)
            if isinstance(self._retriever, KnowledgeReader)
            else _RecordingSearch(self._retriever)
        )
        agent = SupportAgent(recorder, self._chat_model)  # the graph compiles in ~5 ms
        turn = TurnInput(
            org_id=org_id,
            conversation_id=uuid.uuid4(),  # never stored: there is no conversation
            question=question,
            organization_name=organization.name if organization else "the company",
            operating_point=(
                OrganizationSettings.of(organization.settings, organization.id).answer_threshold
                if organization
                else None
            ),
        )

        async def discard(_: str) -> None:
            return None

        try:
            outcome = await agent.run_turn(turn, discard)
        except Exception as error:
            if not _is_model_failure(error):
                raise
            log.warning("model unavailable in a knowledge trial", error_type=type(error).__name__)
            return Trial(
                decision=Decision.HANDOFF,
                reason=f"the language model failed: {type(error).__name__}",
                answer="",
                citations=[],
                passages=recorder.passages,
                model="unavailable",
            )
        return Trial(
            decision=outcome.decision,
            reason=outcome.reason,
            answer=outcome.text,
            citations=outcome.citations,
            passages=recorder.passages,
            model=outcome.model,
        )


def _is_model_failure(error: Exception) -> bool:
    """What the conversation turn answers with an apology: the agent's own signal that the
    model failed, or an error of the OpenAI client."""
    if isinstance(error, LLMUnavailableError):
        return True
    import openai

    return isinstance(error, openai.APIError)
