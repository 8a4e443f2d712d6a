"""OpenAI embeddings through the real langchain-openai client, against a local fake server."""

from __future__ import annotations

import numpy as np
import openai
import pytest

from agents.providers.embeddings import EmbeddingError, OpenAIEmbedder, create_embedder
from core.settings import Settings
from tests.fakes.openai import FakeOpenAI, deterministic_embedding
from tests.integration.conftest import FAKE_OPENAI_KEY as API_KEY


@pytest.fixture
def base_url(fake_openai: tuple[FakeOpenAI, str]) -> str:
    return fake_openai[1]


async def test_documents_are_embedded_through_the_configured_server(
    fake: FakeOpenAI, base_url: str
) -> None:
    embedder = create_embedder(
        Settings(_env_file=None, openai_api_key=API_KEY, openai_base_url=base_url)
    )
    texts = ["How do I reset my password?", "Refunds take 30 days.", "Hello"]

    vectors = await embedder.embed_documents(texts)

    assert [len(vector) for vector in vectors] == [384, 384, 384]
    [request] = fake.requests_to("/v1/embeddings")
    assert request.authorization == f"Bearer {API_KEY}"
    assert request.body["model"] == "text-embedding-3-small"
    assert request.body["dimensions"] == 384
    assert request.body["input"] == texts  # plain strings: no tiktoken, no download
    assert request.body["encoding_format"] == "base64"  # the SDK's default, decoded for us
    for text, vector in zip(texts, vectors, strict=True):
        expected = deterministic_embedding("text-embedding-3-small", text, 384)
        assert np.allclose(vector, expected, atol=1e-6)


async def test_a_query_is_one_request_with_one_input(fake: FakeOpenAI, base_url: str) -> None:
    embedder = OpenAIEmbedder(api_key=API_KEY, base_url=base_url)

    vector = await embedder.embed_query("Where is my order?")

    assert len(vector) == 384
    assert fake.embedding_inputs == ["Where is my order?"]


async def test_large_sets_are_sent_in_batches_and_keep_their_order(
    fake: FakeOpenAI, base_url: str
) -> None:
    embedder = OpenAIEmbedder(api_key=API_KEY, base_url=base_url, batch_size=4)
    texts = [f"passage {index}" for index in range(10)]

    vectors = await embedder.embed_documents(texts)

    assert [len(request.body["input"]) for request in fake.requests_to("/v1/embeddings")] == [
        4,
        4,
        2,
    ]
    assert fake.embedding_inputs == texts
    expected = [deterministic_embedding("text-embedding-3-small", text, 384) for text in texts]
    assert np.allclose(vectors, expected, atol=1e-6)


async def test_models_without_shortening_get_no_dimensions_parameter(
    fake: FakeOpenAI, base_url: str
) -> None:
    embedder = OpenAIEmbedder(api_key=API_KEY, base_url=base_url, model="text-embedding-ada-002")

    [vector] = await embedder.embed_documents(["hello"])

    assert len(vector) == 1536
    assert "dimensions" not in fake.requests_to("/v1/embeddings")[0].body


async def test_nothing_to_embed_sends_nothing(fake: FakeOpenAI, base_url: str) -> None:
    embedder = OpenAIEmbedder(api_key=API_KEY, base_url=base_url)

    assert await embedder.embed_documents([]) == []
    assert fake.requests == []


async def test_a_wrong_key_raises_authentication_error(fake: FakeOpenAI, base_url: str) -> None:
    embedder = OpenAIEmbedder(api_key="sk-wrong", base_url=base_url)

    with pytest.raises(openai.AuthenticationError):
        await embedder.embed_query("hello")
    assert len(fake.requests) == 1  # 401 is not retried


async def test_server_errors_are_retried_then_raised(fake: FakeOpenAI, base_url: str) -> None:
    fake.fail_next(500, times=2)
    retrying = OpenAIEmbedder(api_key=API_KEY, base_url=base_url, max_retries=1)

    with pytest.raises(openai.InternalServerError):
        await retrying.embed_query("hello")
    assert len(fake.requests) == 2

    assert len(await retrying.embed_query("hello")) == 384  # the server recovered


async def test_vectors_of_the_wrong_size_are_refused(fake: FakeOpenAI, base_url: str) -> None:
    # Configured as 768-dimensional, but the model answers with its native 1536.
    embedder = OpenAIEmbedder(
        api_key=API_KEY, base_url=base_url, model="text-embedding-ada-002", dimensions=768
    )

    with pytest.raises(EmbeddingError, match="1536-dimensional"):
        await embedder.embed_query("hello")
