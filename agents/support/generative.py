"""The LLM path: the model judges the passages through a function call, then writes the
answer, streamed token by token, citing passages as [n].

Any failure of the model call itself (connection refused, HTTP error, timeout, a stream that
stops) becomes :class:`LLMUnavailableError`, which the turn activity turns into an apology and
an offer of a person. Errors in this module's own code are not disguised as model failures.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, Field, ValidationError

from agents.knowledge.retrieval import RetrievedPassage
from agents.support.prompts import (
    JUDGE_TOOL,
    JUDGE_TOOL_NAME,
    judge_prompt,
    question_message,
    system_prompt,
)
from agents.support.turn import Citation, HistoryMessage, LLMUnavailableError, TokenSink

HISTORY_FOR_MODEL = 10  # earlier messages the model sees, to understand follow-ups

_CITATION = re.compile(r"\[(\d{1,2}(?:\s*,\s*\d{1,2})*)\]")
_T = TypeVar("_T")


class ModelJudgement(BaseModel):
    """The arguments of the judge's ``record_answerability`` call."""

    answerable: bool
    needs_clarification: bool = False
    clarifying_question: str | None = None
    reason: str = ""
    passage_ids: list[int] = Field(default_factory=list)


async def judge_with_model(
    model: BaseChatModel,
    organization: str,
    question: str,
    passages: Sequence[RetrievedPassage],
    deadline_seconds: float,
) -> ModelJudgement | None:
    """The model's verdict on the passages, or ``None`` when it did not call the function
    with valid arguments (the caller falls back to the keyless judge)."""
    # Forced as "required" with the one tool rather than by the tool's name: the same single
    # call on OpenAI, and the form llama.cpp's server honours (it rejects a named tool_choice,
    # an object, and falls back to "auto", where nothing makes the model call the function).
    bound = model.bind_tools([JUDGE_TOOL], tool_choice="required", parallel_tool_calls=False)
    messages: list[BaseMessage] = [
        SystemMessage(judge_prompt(organization)),
        HumanMessage(question_message(passages, question)),
    ]
    reply = await _guarded(lambda: bound.ainvoke(messages), deadline_seconds)
    if not isinstance(reply, AIMessage):
        return None
    for call in reply.tool_calls:
        if call["name"] != JUDGE_TOOL_NAME:
            continue
        try:
            return ModelJudgement.model_validate(call["args"])
        except ValidationError:
            return None
    return None


async def stream_answer(
    model: BaseChatModel,
    organization: str,
    question: str,
    history: Sequence[HistoryMessage],
    passages: Sequence[RetrievedPassage],
    on_token: TokenSink,
    deadline_seconds: float,
    *,
    spoken: bool = False,
) -> str:
    """Stream the model's answer to the visitor and return it whole; ``spoken`` when it will
    be read aloud (a call), which asks for a short answer in plain speech."""
    messages = answer_messages(organization, question, history, passages, spoken=spoken)
    pieces: list[str] = []
    sink_failures: list[Exception] = []  # the visitor's stream failing is not a model failure

    async def run() -> None:
        async for chunk in model.astream(messages):
            text = chunk.content if isinstance(chunk.content, str) else chunk.text
            if not text:
                continue
            pieces.append(text)
            try:
                await on_token(text)
            except Exception as error:
                sink_failures.append(error)
                return

    await _guarded(run, deadline_seconds)
    if sink_failures:
        raise sink_failures[0]
    return "".join(pieces)


def answer_messages(
    organization: str,
    question: str,
    history: Sequence[HistoryMessage],
    passages: Sequence[RetrievedPassage],
    *,
    spoken: bool = False,
) -> list[BaseMessage]:
    """System prompt, the recent conversation, then the passages and the question."""
    messages: list[BaseMessage] = [SystemMessage(system_prompt(organization, spoken=spoken))]
    for message in list(history)[-HISTORY_FOR_MODEL:]:
        if message.role == "visitor":
            messages.append(HumanMessage(message.content))
        elif message.role == "assistant":
            messages.append(AIMessage(message.content))
        elif message.role == "operator":
            messages.append(AIMessage(f"(a member of the team wrote) {message.content}"))
    messages.append(HumanMessage(question_message(passages, question)))
    return messages


def cited_passages(text: str, passages: Sequence[RetrievedPassage]) -> list[Citation]:
    """A citation for every passage the answer cites as [n] (or [n, m]), in order of first
    citation; numbers that name no passage are ignored."""
    citations: list[Citation] = []
    seen: set[int] = set()
    for match in _CITATION.finditer(text):
        for part in match.group(1).split(","):
            number = int(part)
            if number in seen or not 1 <= number <= len(passages):
                continue
            seen.add(number)
            passage = passages[number - 1]
            citations.append(
                Citation(
                    number=number,
                    chunk_id=passage.chunk_id,
                    document_id=passage.document_id,
                    title=passage.title,
                    section=passage.section,
                    source_url=passage.source_url,
                )
            )
    return citations


async def _guarded(call: Callable[[], Awaitable[_T]], deadline_seconds: float) -> _T:
    """Run one model call within the deadline; whatever the model client raises, or a
    deadline that passes, is the model being unavailable."""
    try:
        async with asyncio.timeout(deadline_seconds):
            return await call()
    except LLMUnavailableError:
        raise
    except TimeoutError as error:
        raise LLMUnavailableError(
            f"the language model did not finish within {deadline_seconds:.0f}s"
        ) from error
    except Exception as error:
        raise LLMUnavailableError(f"the language model failed: {type(error).__name__}") from error
