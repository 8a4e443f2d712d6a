"""What the support graph carries from node to node during one turn."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, TypedDict

from agents.knowledge.retrieval import RetrievedPassage
from agents.support.terms import Rarity
from agents.support.turn import Citation, Decision, TurnInput


def merge_trail(left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    """Each node adds its part of the decision trail; nothing is overwritten silently."""
    return {**left, **right}


# Why a person takes over: the visitor asked, the visitor was unhappy, or no answer was found.
HandoffCause = Literal["requested", "dissatisfied", "unanswered"]


@dataclass(frozen=True)
class Verdict:
    """What the turn will do, decided by the routing step or by either judge (keyless or
    model) on the retrieved passages."""

    decision: Decision
    reason: str
    passages: tuple[RetrievedPassage, ...] = ()  # what to answer from, most relevant first
    clarifying_question: str | None = None  # the question to ask when clarifying
    handoff_cause: HandoffCause = "unanswered"


@dataclass
class SupportState:
    turn: TurnInput
    query: str = ""  # what was searched for: the question, or the previous message + it
    passages: list[RetrievedPassage] = field(default_factory=list)
    verdict: Verdict | None = None
    rarity: Rarity | None = None  # the knowledge base's vocabulary, when the judge read it
    decision: Decision | None = None
    reason: str = ""
    text: str = ""  # everything streamed to the visitor
    citations: list[Citation] = field(default_factory=list)
    trail: Annotated[dict[str, Any], merge_trail] = field(default_factory=dict)


class SupportUpdate(TypedDict, total=False):
    """What a node returns: the fields of :class:`SupportState` it changes."""

    query: str
    passages: list[RetrievedPassage]
    verdict: Verdict
    rarity: Rarity | None
    decision: Decision
    reason: str
    text: str
    citations: list[Citation]
    trail: dict[str, Any]
