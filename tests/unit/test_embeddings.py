"""The local embedding model (real ONNX model, real tokenizer) and the provider registry."""

from __future__ import annotations

import numpy as np
import pytest

from agents.providers.embeddings import (
    MINILM_DIMENSIONS,
    MINILM_MODEL_NAME,
    LocalMiniLMEmbedder,
    OpenAIEmbedder,
    create_embedder,
)
from core.settings import Settings

QUESTION = "How do I reset my password?"
PARAPHRASE = "I forgot my password and need to change it"
UNRELATED = "The weather in Paris is sunny"


@pytest.fixture(scope="module")
def embedder() -> LocalMiniLMEmbedder:
    return LocalMiniLMEmbedder()


def cosine(a: list[float], b: list[float]) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


async def test_local_vectors_have_384_dimensions_and_unit_length(
    embedder: LocalMiniLMEmbedder,
) -> None:
    vectors = await embedder.embed_documents([QUESTION, PARAPHRASE, UNRELATED])

    assert embedder.model_name == MINILM_MODEL_NAME
    assert embedder.dimensions == MINILM_DIMENSIONS == 384
    assert [len(vector) for vector in vectors] == [384, 384, 384]
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert all(isinstance(value, float) for value in vectors[0])


async def test_a_paraphrase_is_closer_than_an_unrelated_sentence(
    embedder: LocalMiniLMEmbedder,
) -> None:
    question = await embedder.embed_query(QUESTION)
    paraphrase, unrelated = await embedder.embed_documents([PARAPHRASE, UNRELATED])

    assert cosine(question, paraphrase) > 0.6
    assert cosine(question, unrelated) < 0.2


async def test_documents_keep_their_order_and_match_the_query_vector(
    embedder: LocalMiniLMEmbedder,
) -> None:
    # Lengths vary so the batches are sorted by length, and the batch size of 3 splits them.
    texts = [
        "Refunds are issued within 30 days of purchase. " * 6,
        "hi",
        UNRELATED,
        QUESTION,
        "Shipping to Canada takes five to seven business days.",
        "Our support team is available Monday to Friday, 9am to 5pm CET.",
        PARAPHRASE,
    ]
    small_batches = LocalMiniLMEmbedder(batch_size=3)

    documents = await small_batches.embed_documents(texts)

    for text, vector in zip(texts, documents, strict=True):
        assert cosine(vector, await embedder.embed_query(text)) > 0.999


def test_count_tokens_counts_wordpieces_without_special_tokens(
    embedder: LocalMiniLMEmbedder,
) -> None:
    assert embedder.count_tokens("") == 0
    assert embedder.count_tokens("hello") == 1
    assert embedder.count_tokens(QUESTION) == 7  # how do i reset my password ?
    long_text = "password " * 1000
    assert embedder.count_tokens(long_text) == 1000  # not truncated: the chunker sees it all


async def test_text_longer_than_the_model_window_is_truncated_not_refused(
    embedder: LocalMiniLMEmbedder,
) -> None:
    window = embedder.max_tokens - 2
    words = [f"word{index % 50}" for index in range(3000)]
    long_text = " ".join(words)
    assert embedder.count_tokens(long_text) > window

    [whole, head] = await embedder.embed_documents([long_text, " ".join(words[:window])])

    assert len(whole) == 384
    assert np.isclose(np.linalg.norm(whole), 1.0, atol=1e-5)
    assert cosine(whole, head) > 0.95  # only the head of the text is read


async def test_nothing_to_embed_returns_nothing(embedder: LocalMiniLMEmbedder) -> None:
    assert await embedder.embed_documents([]) == []


def test_invalid_local_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        LocalMiniLMEmbedder(batch_size=0)
    with pytest.raises(ValueError, match="max_tokens"):
        LocalMiniLMEmbedder(max_tokens=2)


def test_without_a_key_the_local_model_is_used() -> None:
    embedder = create_embedder(Settings(_env_file=None, openai_api_key=None))

    assert isinstance(embedder, LocalMiniLMEmbedder)
    assert (embedder.model_name, embedder.dimensions) == (MINILM_MODEL_NAME, 384)


def test_with_a_key_openai_is_used() -> None:
    settings = Settings(
        _env_file=None, openai_api_key="sk-test", openai_base_url="http://127.0.0.1:9/v1"
    )

    embedder = create_embedder(settings)

    assert isinstance(embedder, OpenAIEmbedder)
    assert (embedder.model_name, embedder.dimensions) == ("text-embedding-3-small", 384)


def test_openai_models_of_unknown_size_need_their_dimensions() -> None:
    with pytest.raises(ValueError, match="EMBEDDING_DIMENSIONS"):
        OpenAIEmbedder(api_key="sk-test", model="nomic-embed-text")

    configured = OpenAIEmbedder(api_key="sk-test", model="nomic-embed-text", dimensions=768)
    assert configured.dimensions == 768
    assert OpenAIEmbedder(api_key="sk-test", model="text-embedding-ada-002").dimensions == 1536


def test_openai_token_estimate_errs_high() -> None:
    embedder = OpenAIEmbedder(api_key="sk-test")

    assert embedder.count_tokens("") == 0
    assert embedder.count_tokens("How do I reset my password?") == 8  # 6 words * 1.3
    assert embedder.count_tokens("x" * 400) == 100  # no spaces: 4 characters a token
