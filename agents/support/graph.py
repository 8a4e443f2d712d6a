"""The support graph of one conversation turn.

    route_request ──► retrieve ──► judge ──► answer
          │                          ├─────► clarify
          └──────────► handoff ◄─────┘

``route_request`` hands off at once when the visitor asks for a person or has been unhappy
with recent answers; otherwise the question (with the previous visitor message, when it is a
short follow-up) is searched. ``judge`` decides from the passages: the model through a
function call when a chat model is configured, else the keyless judge (``grounding.py``).
Every text the visitor sees is streamed through the context's token sink.

The graph is built by :func:`build_graph`, when called; nothing is compiled at import.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable
from typing import Any, Protocol

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime

from agents.knowledge.retrieval import RetrievedPassage
from agents.support.context import SupportContext
from agents.support.extractive import compose_answer, lead, stream_text
from agents.support.generative import (
    ModelJudgement,
    cited_passages,
    judge_with_model,
    stream_answer,
)
from agents.support.grounding import Grounding, assess
from agents.support.prompts import (
    CLARIFY_BETWEEN,
    CLARIFY_OPEN,
    HANDOFF_TEXT,
    SPOKEN_HANDOFF_TEXT,
)
from agents.support.routing import asks_for_a_person, question_parts, retrieval_query
from agents.support.state import HandoffCause, SupportState, SupportUpdate, Verdict
from agents.support.turn import Decision, LLMUnavailableError
from core.tracing import tracer

SupportGraph = CompiledStateGraph[SupportState, SupportContext, SupportState, SupportState]


def build_graph() -> SupportGraph:
    graph = StateGraph(SupportState, context_schema=SupportContext)
    graph.add_node("route_request", _traced("route_request", route_request))
    graph.add_node("retrieve", _traced("retrieve", retrieve))
    graph.add_node("judge", _traced("judge", judge))
    graph.add_node("answer", _traced("answer", answer))
    graph.add_node("clarify", _traced("clarify", clarify))
    graph.add_node("handoff", _traced("handoff", handoff))
    graph.add_edge(START, "route_request")
    graph.add_conditional_edges("route_request", _after_routing, ["retrieve", "handoff"])
    graph.add_edge("retrieve", "judge")
    graph.add_conditional_edges("judge", _after_judging, ["answer", "clarify", "handoff"])
    for last in ("answer", "clarify", "handoff"):
        graph.add_edge(last, END)
    return graph.compile(name="support-agent")


class Node(Protocol):
    def __call__(
        self, state: SupportState, *, runtime: Runtime[SupportContext]
    ) -> Awaitable[SupportUpdate]: ...


_tracer = tracer("perceptron.agent")


def _traced(name: str, node: Node) -> Node:
    """The node inside a span named for it (``agent.judge``). Only the node's name and its
    numbers are recorded (the judge's score and operating point, the decision), never what
    the visitor wrote or what the passages say."""

    @functools.wraps(node)
    async def run(state: SupportState, *, runtime: Runtime[SupportContext]) -> SupportUpdate:
        with _tracer.start_as_current_span(f"agent.{name}") as span:
            update = await node(state, runtime=runtime)
            grounding = update.get("trail", {}).get("grounding")
            if isinstance(grounding, dict) and "score" in grounding:
                span.set_attribute("agent.grounding.score", float(grounding["score"]))
                span.set_attribute(
                    "agent.grounding.operating_point", float(grounding["operating_point"])
                )
            if "decision" in update:
                span.set_attribute("agent.decision", update["decision"].value)
            return update

    return run


# -- nodes -----------------------------------------------------------------------------------


async def route_request(state: SupportState, runtime: Runtime[SupportContext]) -> SupportUpdate:
    turn = state.turn
    if asks_for_a_person(turn.question):
        return {
            "verdict": Verdict(
                Decision.HANDOFF, "the visitor asked for a person", handoff_cause="requested"
            ),
            "trail": {"route": "requested a person"},
        }
    if turn.dissatisfaction >= runtime.context.dissatisfaction_handoff:
        return {
            "verdict": Verdict(
                Decision.HANDOFF,
                f"the visitor was unhappy with {turn.dissatisfaction} recent answers",
                handoff_cause="dissatisfied",
            ),
            "trail": {"route": "dissatisfied"},
        }
    query, follow_up = retrieval_query(turn.question, turn.history)
    return {"query": query, "trail": {"route": "retrieve", "query": query, "follow_up": follow_up}}


async def retrieve(state: SupportState, runtime: Runtime[SupportContext]) -> SupportUpdate:
    context = runtime.context
    passages = await context.retriever.search(state.turn.org_id, state.query, k=context.k)
    return {
        "passages": passages,
        "trail": {
            "retrieved": [
                {
                    "chunk_id": str(passage.chunk_id),
                    "document_id": str(passage.document_id),
                    "title": passage.title,
                    "section": passage.section,
                    "score": passage.score,
                    "rank": passage.rank,
                }
                for passage in passages
            ]
        },
    }


async def judge(state: SupportState, runtime: Runtime[SupportContext]) -> SupportUpdate:
    context = runtime.context
    rarity = None
    if context.reader is not None and state.passages:
        rarity = await context.reader.rarity(state.turn.org_id)
    grounding = assess(
        state.query,
        state.passages,
        context.grounding,
        rarity=rarity,
        operating_point=state.turn.operating_point,
    )
    trail = {"grounding": grounding.figures()}
    keyless = _keyless_verdict(grounding)
    if context.chat_model is None or not state.passages:
        return {"verdict": keyless, "rarity": rarity, "trail": {**trail, "judge": "keyless"}}
    judgement = await judge_with_model(
        context.chat_model,
        state.turn.organization_name,
        state.query,
        state.passages,
        context.llm_deadline_seconds,
    )
    if judgement is None:
        return {"verdict": keyless, "trail": {**trail, "judge": "keyless (no model verdict)"}}
    return {
        "verdict": _model_verdict(judgement, state),
        "trail": {**trail, "judge": "model", "model_judgement": judgement.model_dump()},
    }


async def answer(state: SupportState, runtime: Runtime[SupportContext]) -> SupportUpdate:
    context = runtime.context
    verdict = _verdict(state)
    passages = list(verdict.passages or state.passages)
    if context.chat_model is not None:
        text = await stream_answer(
            context.chat_model,
            state.turn.organization_name,
            state.turn.question,
            state.turn.history,
            passages,
            context.on_token,
            context.llm_deadline_seconds,
            spoken=state.turn.spoken,
        )
        if not text.strip():
            raise LLMUnavailableError("the language model returned an empty answer")
        return {
            "decision": Decision.ANSWER,
            "reason": verdict.reason,
            "text": text,
            "citations": cited_passages(text, passages),
        }
    # The judge has decided to answer: the lead goes out at once, the quote once composed.
    opening = lead()
    await stream_text(opening, context.on_token)
    first, also, parts_trail = await _further_questions(state, runtime)
    documents = None
    if context.reader is not None:
        every = [*passages, *(p for _, part_passages in also for p in part_passages)]
        documents = await context.reader.documents(
            state.turn.org_id, list(dict.fromkeys(p.document_id for p in every))
        )
    extract = await compose_answer(
        first,
        passages,
        documents=documents,
        rarity=state.rarity,
        embed=context.reader.embed if context.reader is not None else None,
        also=also,
    )
    if extract is None:
        handed = await _hand_off(
            context,
            "unanswered",
            "nothing in the passages could be quoted",
            spoken=state.turn.spoken,
        )
        return {**handed, "text": opening + str(handed.get("text", ""))}
    await stream_text(extract.text, context.on_token)
    return {
        "decision": Decision.ANSWER,
        "reason": verdict.reason,
        "text": opening + extract.text,
        "citations": extract.citations,
        "trail": {
            "quoted_blocks": extract.sentences,
            "quoted_structures": extract.structures,
            **parts_trail,
        },
    }


async def _further_questions(
    state: SupportState, runtime: Runtime[SupportContext]
) -> tuple[str, list[tuple[str, tuple[RetrievedPassage, ...]]], dict[str, Any]]:
    """A message that asks two unrelated things ("how do I reset it? also does it work on
    5 GHz?") is answered part by part: each further part is searched and judged on its own,
    and answered from its own article when the judge would answer it alone and that article
    is not one the answer already quotes from (parts about one article are answered as one
    question, from it). Returns the question the first part of
    the answer is chosen for (the whole message when no further part is answered), the
    answered further parts with their passages, and the trail of the parts."""
    context = runtime.context
    parts = [] if state.trail.get("follow_up") else question_parts(state.turn.question)
    if len(parts) < 2:
        return state.query, [], {}
    also: list[tuple[str, tuple[RetrievedPassage, ...]]] = []
    judged: list[dict[str, Any]] = []
    answered = {passage.document_id for passage in _verdict(state).passages or state.passages}
    for part in parts[1:]:
        passages = await context.retriever.search(state.turn.org_id, part, k=context.k)
        grounding = assess(
            part,
            passages,
            context.grounding,
            rarity=state.rarity,
            operating_point=state.turn.operating_point,
        )
        # A part the first part's articles answer too is answered with them, as one.
        new = bool(grounding.relevant) and grounding.relevant[0].document_id not in answered
        judged.append(
            {
                "answerable": grounding.answerable,
                "score": round(grounding.probability, 4),
                "new_article": new,
            }
        )
        if grounding.answerable and new:
            also.append((part, grounding.relevant))
            answered.update(passage.document_id for passage in grounding.relevant)
    trail = {"further_questions": judged}
    return (parts[0], also, trail) if also else (state.query, [], trail)


async def clarify(state: SupportState, runtime: Runtime[SupportContext]) -> SupportUpdate:
    verdict = _verdict(state)
    text = verdict.clarifying_question or CLARIFY_OPEN
    await stream_text(text, runtime.context.on_token)
    return {"decision": Decision.CLARIFY, "reason": verdict.reason, "text": text}


async def handoff(state: SupportState, runtime: Runtime[SupportContext]) -> SupportUpdate:
    verdict = _verdict(state)
    return await _hand_off(
        runtime.context, verdict.handoff_cause, verdict.reason, spoken=state.turn.spoken
    )


# -- edges and helpers -----------------------------------------------------------------------


def _after_routing(state: SupportState) -> str:
    return "handoff" if state.verdict is not None else "retrieve"


def _after_judging(state: SupportState) -> str:
    decision = _verdict(state).decision
    return {Decision.ANSWER: "answer", Decision.CLARIFY: "clarify"}.get(decision, "handoff")


def _verdict(state: SupportState) -> Verdict:
    if state.verdict is None:
        raise RuntimeError("the support graph reached a decision node without a verdict")
    return state.verdict


async def _hand_off(
    context: SupportContext, cause: HandoffCause, reason: str, *, spoken: bool
) -> SupportUpdate:
    text = (SPOKEN_HANDOFF_TEXT if spoken else HANDOFF_TEXT)[cause]
    await stream_text(text, context.on_token)
    return {
        "decision": Decision.HANDOFF,
        "reason": reason,
        "text": text,
        "trail": {"handoff_cause": cause},
    }


def _keyless_verdict(grounding: Grounding) -> Verdict:
    if grounding.clarify:
        question = (
            CLARIFY_BETWEEN.format(
                first=grounding.competing_titles[0], second=grounding.competing_titles[1]
            )
            if len(grounding.competing_titles) >= 2
            else CLARIFY_OPEN
        )
        return Verdict(Decision.CLARIFY, grounding.reason, clarifying_question=question)
    if grounding.answerable:
        return Verdict(Decision.ANSWER, grounding.reason, passages=grounding.relevant)
    return Verdict(Decision.HANDOFF, grounding.reason, handoff_cause="unanswered")


def _model_verdict(judgement: ModelJudgement, state: SupportState) -> Verdict:
    reason = f"model: {judgement.reason}".strip()
    if judgement.needs_clarification:
        return Verdict(
            Decision.CLARIFY,
            reason,
            clarifying_question=(judgement.clarifying_question or "").strip() or CLARIFY_OPEN,
        )
    if not judgement.answerable:
        return Verdict(Decision.HANDOFF, reason, handoff_cause="unanswered")
    chosen = tuple(
        state.passages[number - 1]
        for number in dict.fromkeys(judgement.passage_ids)
        if 1 <= number <= len(state.passages)
    )
    return Verdict(Decision.ANSWER, reason, passages=chosen or tuple(state.passages))
