"""What one agent turn takes and gives back. Plain data: the turn runs inside an activity and
its outcome is stored with the assistant message (the decision trail)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, Protocol

# Called with each piece of answer text as it is produced (streamed to the visitor).
TokenSink = Callable[[str], Awaitable[None]]


class Decision(StrEnum):
    ANSWER = "answer"
    CLARIFY = "clarify"
    HANDOFF = "handoff"


@dataclass(frozen=True)
class HistoryMessage:
    role: Literal["visitor", "assistant", "operator", "system"]
    content: str


@dataclass(frozen=True)
class TurnInput:
    org_id: uuid.UUID
    conversation_id: uuid.UUID
    question: str  # the visitor message this turn answers
    history: list[HistoryMessage] = field(default_factory=list)  # earlier messages, oldest first
    # How many recent answers the visitor was unhappy with (thumbs down, "that's not it").
    dissatisfaction: int = 0
    organization_name: str = "the company"
    # The answer will be read aloud (a phone call or the widget's microphone).
    spoken: bool = False
    # The keyless judge answers when its probability that the passages answer the question
    # reaches this; None: the calibrated default. Higher hands off more, lower answers more.
    operating_point: float | None = None


@dataclass(frozen=True)
class Citation:
    number: int  # the [n] used in the answer text
    chunk_id: uuid.UUID
    document_id: uuid.UUID
    title: str
    section: str
    source_url: str | None


@dataclass(frozen=True)
class TurnOutcome:
    decision: Decision
    text: str  # the full message shown to the visitor (what was streamed)
    citations: list[Citation]
    reason: str  # why this decision, for the audit trail (not shown to the visitor)
    trail: dict[str, Any]  # retrieved chunk ids and scores, grounding figures, decision
    model: str  # e.g. "extractive-v1" or the LLM model name
    prompt_version: str


class TurnRunner(Protocol):
    """What the conversation activities need of the agent (the support agent implements it)."""

    async def run_turn(self, turn: TurnInput, on_token: TokenSink) -> TurnOutcome: ...


class LLMUnavailableError(Exception):
    """The language model failed or timed out. The turn activity answers with an apology and
    an offer to talk to a person, and the conversation stays usable."""
