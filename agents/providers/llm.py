"""The chat model behind LLM answers, or none at all.

With ``OPENAI_API_KEY`` set, answers come from an OpenAI-compatible chat model (OpenAI itself,
or any server ``OPENAI_BASE_URL`` points at: vLLM, Ollama, llama.cpp). Without a key there is
no chat model: the support agent answers with its extractive responder, and nothing leaves
the machine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

DEFAULT_LLM_MODEL = "gpt-4o-mini"
DEFAULT_LLM_TIMEOUT_SECONDS = 30.0
LLM_TEMPERATURE = 0.2  # low: answers should stay close to the passages, not be creative
LLM_MAX_RETRIES = 1  # one retry of a failed request; after that the visitor gets a person


def create_chat_model(settings: Settings) -> BaseChatModel | None:
    """A streaming ``ChatOpenAI`` when a key is set, else ``None`` (the keyless default).

    Call once per process and pass the result along. The model name comes from
    ``settings.llm_model`` and the per-request timeout from ``settings.llm_timeout_seconds``
    when the settings class has them (read with defaults, so this works before they exist).
    """
    if settings.openai_api_key is None:
        return None
    from langchain_openai import ChatOpenAI

    model = settings.llm_model or DEFAULT_LLM_MODEL
    timeout = settings.llm_timeout_seconds or DEFAULT_LLM_TIMEOUT_SECONDS
    return ChatOpenAI(
        model=model,
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url,
        streaming=True,
        timeout=float(timeout),
        max_retries=LLM_MAX_RETRIES,
        temperature=LLM_TEMPERATURE,
    )


def chat_model_name(model: BaseChatModel | None, keyless_name: str) -> str:
    """The model's name for the decision trail: ``model_name`` when the class has one
    (``ChatOpenAI`` does), else its LangChain type, else ``keyless_name``."""
    if model is None:
        return keyless_name
    name = getattr(model, "model_name", None) or getattr(model, "model", None)
    return name if isinstance(name, str) and name else model._llm_type
