"""The support agent's LLM path against a real OpenAI-compatible server: llama.cpp's server
(xllamacpp) with SmolLM2-135M-Instruct, through the real langchain-openai client that
``create_chat_model`` makes for ``OPENAI_BASE_URL`` (tests/llama_server.py).

A 135M model proves the wire format, not the answers: these tests assert what crosses the wire
and how the pipeline handles the server's replies (the judge's function call parsed or the
keyless judge taking over, answers streamed in pieces, citations mapped to passages, the model
named in the trail), never what the model says. Decoding is greedy with a fixed seed, so a run
repeats itself; the answer budget is small to keep the tests short on two cores."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from agents.providers.llm import create_chat_model
from agents.support.agent import SupportAgent
from agents.support.generative import (
    ModelJudgement,
    cited_passages,
    judge_with_model,
    stream_answer,
)
from agents.support.prompts import CLARIFY_OPEN
from agents.support.turn import Decision
from core.settings import Settings
from tests.integration.test_support_agent_llm import (
    AFTER_RESET,
    RESET,
    InMemoryRetriever,
    TokenRecorder,
    turn,
)
from tests.llama_server import JSON_FENCE, MODEL_NAME, SEED, RunningLlamaServer, serve_smollm2

MAX_TOKENS = 112  # room for the judge's call (about 95 tokens: the grammar allows loose JSON)
ANSWER_TOKENS = 32  # enough to stream in pieces
DEADLINE_SECONDS = 240.0  # a whole model call, on two cores shared with other work
PASSAGES = [RESET, AFTER_RESET]
QUESTION = "how do I reset my lamp?"


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningLlamaServer]:
    with serve_smollm2(tmp_path_factory.mktemp("llama-server")) as server:
        yield server


@pytest.fixture
def model(llama_server: RunningLlamaServer) -> ChatOpenAI:
    """The product's chat model for this server, made deterministic and short."""
    chat_model = create_chat_model_for(llama_server)
    return chat_model.model_copy(
        update={"temperature": 0.0, "seed": SEED, "max_tokens": MAX_TOKENS}
    )


def create_chat_model_for(server: RunningLlamaServer) -> ChatOpenAI:
    chat_model = create_chat_model(
        Settings(
            openai_api_key=SecretStr("sk-local"),  # the server checks none
            openai_base_url=server.base_url,
            llm_model=MODEL_NAME,
            llm_timeout_seconds=DEADLINE_SECONDS,
        )
    )
    assert isinstance(chat_model, ChatOpenAI)
    assert chat_model.openai_api_base == server.base_url
    return chat_model


async def test_the_judge_calls_its_function_under_the_servers_grammar(
    model: ChatOpenAI, llama_server: RunningLlamaServer
) -> None:
    judgement = await judge_with_model(model, "Lumen", QUESTION, PASSAGES, DEADLINE_SECONDS)

    # The request offered the function and forced it: the server rendered the tools into the
    # prompt (the template opens a JSON block only when tools are offered), parsed the reply
    # with its tool-call parser, and the client turned the call into the judge's arguments.
    served = llama_server.last_request()
    assert served["chat_format"] == "peg-native"
    assert served["generation_prompt"].endswith(JSON_FENCE)
    assert (served["temperature"], served["seed"], served["n_predict"]) == (0.0, SEED, MAX_TOKENS)
    assert served["stream"] is True  # the product's model streams every call
    assert isinstance(judgement, ModelJudgement)
    assert all(isinstance(number, int) for number in judgement.passage_ids)


async def test_a_turn_through_the_support_agent(model: ChatOpenAI) -> None:
    sink = TokenRecorder()

    outcome = await SupportAgent(
        InMemoryRetriever(PASSAGES), model, llm_deadline_seconds=DEADLINE_SECONDS
    ).run_turn(turn(QUESTION), sink)

    print(f"turn: {outcome.decision.value} by {outcome.trail['judge']}: {outcome.text!r}")
    assert outcome.model == outcome.trail["model"] == MODEL_NAME
    assert "".join(sink.tokens) == outcome.text
    # The model's verdict when its call parsed, else the keyless judge, as designed.
    assert outcome.trail["judge"] in {"model", "keyless (no model verdict)"}
    if outcome.trail["judge"] == "model":
        judgement = ModelJudgement.model_validate(outcome.trail["model_judgement"])
        if judgement.needs_clarification:
            assert outcome.decision is Decision.CLARIFY
            assert outcome.text == (judgement.clarifying_question or "").strip() or CLARIFY_OPEN
        elif not judgement.answerable:
            assert outcome.decision is Decision.HANDOFF
    if outcome.decision is Decision.ANSWER:
        assert len(sink.tokens) > 1  # the model's answer, streamed
        cited = {citation.chunk_id for citation in outcome.citations}
        assert cited <= {passage.chunk_id for passage in PASSAGES}
        assert outcome.trail["cited_chunk_ids"] == [str(c.chunk_id) for c in outcome.citations]


async def test_a_streamed_answer_arrives_in_pieces_and_its_citations_map_to_passages(
    model: ChatOpenAI, llama_server: RunningLlamaServer
) -> None:
    short = model.model_copy(update={"max_tokens": ANSWER_TOKENS})
    sink = TokenRecorder()
    started = time.monotonic()

    text = await stream_answer(short, "Lumen", QUESTION, [], PASSAGES, sink, DEADLINE_SECONDS)

    print(f"answer: {len(sink.tokens)} pieces in {time.monotonic() - started:.1f}s: {text!r}")
    served = llama_server.last_request()
    assert served["stream"] is True
    assert not served["generation_prompt"].endswith(JSON_FENCE)  # no tools on the answer
    assert len(sink.tokens) > 1
    assert "".join(sink.tokens) == text
    assert text.strip()
    for citation in cited_passages(text, PASSAGES):  # none when the model cites nothing
        assert f"[{citation.number}" in text
        assert citation.chunk_id == PASSAGES[citation.number - 1].chunk_id
