"""What one turn of the support graph runs with: passed as LangGraph's typed runtime context,
never read from the environment inside a node."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Protocol

from langchain_core.language_models import BaseChatModel

from agents.knowledge.retrieval import RetrievedPassage
from agents.support.grounding import GroundingPolicy
from agents.support.turn import TokenSink

DEFAULT_K = 5
DISSATISFACTION_HANDOFF = 2  # unhappy answers in a row before a person takes over
LLM_DEADLINE_SECONDS = 60.0  # a whole model call, first token to last


class PassageSearch(Protocol):
    """The part of :class:`agents.knowledge.retrieval.Retriever` the agent uses."""

    async def search(self, org_id: uuid.UUID, query: str, k: int) -> list[RetrievedPassage]: ...


@dataclass(frozen=True)
class SupportContext:
    retriever: PassageSearch
    chat_model: BaseChatModel | None  # None: the keyless judge and the extractive responder
    on_token: TokenSink
    k: int = DEFAULT_K
    grounding: GroundingPolicy = field(default_factory=GroundingPolicy)
    dissatisfaction_handoff: int = DISSATISFACTION_HANDOFF
    llm_deadline_seconds: float = LLM_DEADLINE_SECONDS
