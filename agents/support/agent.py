"""The support agent: one conversation turn through the support graph.

    agent = SupportAgent(Retriever(session_maker, embedder), create_chat_model(settings))
    outcome = await agent.run_turn(turn, on_token)

Without a chat model (no ``OPENAI_API_KEY``) the keyless judge decides and the extractive
responder answers; with one, the model judges and writes. Either way the outcome carries the
decision trail: what was retrieved with its scores, the grounding figures, the decision and
its reason, the model and the prompt version.
"""

from __future__ import annotations

from typing import Any

from langchain_core.language_models import BaseChatModel

from agents.providers.llm import chat_model_name
from agents.support.context import (
    DEFAULT_K,
    DISSATISFACTION_HANDOFF,
    LLM_DEADLINE_SECONDS,
    CachedReader,
    KnowledgeReader,
    PassageSearch,
    SupportContext,
)
from agents.support.extractive import EXTRACTIVE_MODEL
from agents.support.graph import SupportGraph, build_graph
from agents.support.grounding import GroundingPolicy
from agents.support.prompts import PROMPT_VERSION
from agents.support.state import SupportState
from agents.support.turn import Decision, TokenSink, TurnInput, TurnOutcome


class SupportAgent:
    """Answers one visitor message per :meth:`run_turn`; holds no conversation state of its
    own, so one agent serves every conversation of every organization.

    :meth:`run_turn` raises :class:`agents.support.turn.LLMUnavailableError` when the chat
    model fails or times out (the turn activity apologises and offers a person).
    """

    def __init__(
        self,
        retriever: PassageSearch,
        chat_model: BaseChatModel | None,
        *,
        k: int = DEFAULT_K,
        grounding: GroundingPolicy | None = None,
        dissatisfaction_handoff: int = DISSATISFACTION_HANDOFF,
        llm_deadline_seconds: float = LLM_DEADLINE_SECONDS,
    ) -> None:
        if k < 1:
            raise ValueError("k must be at least 1")
        self._retriever = retriever
        self._chat_model = chat_model
        self._k = k
        self._grounding = grounding or GroundingPolicy()
        self._dissatisfaction_handoff = dissatisfaction_handoff
        self._llm_deadline_seconds = llm_deadline_seconds
        self._graph: SupportGraph = build_graph()
        self._reader = CachedReader(retriever) if isinstance(retriever, KnowledgeReader) else None

    @property
    def model(self) -> str:
        return chat_model_name(self._chat_model, EXTRACTIVE_MODEL)

    async def run_turn(self, turn: TurnInput, on_token: TokenSink) -> TurnOutcome:
        context = SupportContext(
            retriever=self._retriever,
            chat_model=self._chat_model,
            on_token=on_token,
            reader=self._reader,
            k=self._k,
            grounding=self._grounding,
            dissatisfaction_handoff=self._dissatisfaction_handoff,
            llm_deadline_seconds=self._llm_deadline_seconds,
        )
        values = await self._graph.ainvoke(SupportState(turn=turn), context=context)
        final = SupportState(**values) if isinstance(values, dict) else values
        decision = final.decision or Decision.HANDOFF
        trail: dict[str, Any] = {
            **final.trail,
            "decision": decision.value,
            "reason": final.reason,
            "cited_chunk_ids": [str(citation.chunk_id) for citation in final.citations],
            "model": self.model,
            "prompt_version": PROMPT_VERSION,
        }
        return TurnOutcome(
            decision=decision,
            text=final.text,
            citations=final.citations,
            reason=final.reason,
            trail=trail,
            model=self.model,
            prompt_version=PROMPT_VERSION,
        )
