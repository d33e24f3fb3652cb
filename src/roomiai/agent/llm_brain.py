"""The LLM brain: Groq, or any OpenAI-compatible endpoint (OpenAI, a local Ollama or vLLM), driving Roomi's tools.

The provider plugins are imported and constructed only here, only when the settings configure an LLM: local mode never
imports them, and nothing is built that would call a provider at session start (livekit's LLM prewarm lists models).
The LLM gets the same Receptionist, the same tools and the same confirm guards as the deterministic brain.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from .. import metrics
from ..config import PLACEHOLDER_SECRETS, Settings

if TYPE_CHECKING:
    from livekit.agents import llm

    from .api_client import RoomiApi
    from .call_state import CallState

log = logging.getLogger("roomiai.agent.llm")

# OpenAI-compatible servers on your own machine (Ollama, vLLM without --api-key) ignore the key, but the client needs one
LOCAL_ENDPOINT_KEY = "no-key-needed"
GROQ_DEFAULT_MODEL = "llama-3.3-70b-versatile"
HOW_TO_CONFIGURE = (
    "set GROQ_API_KEY (or ROOMIAI_LLM_API_KEY) for Groq, or ROOMIAI_LLM_BASE_URL for an OpenAI-compatible endpoint "
    "such as a local Ollama (http://127.0.0.1:11434/v1) with ROOMIAI_LLM_MODEL; or use --brain deterministic"
)


class LLMNotConfigured(Exception):
    """No LLM brain can be built from the settings; the message says what to set."""


def require_configured(settings: Settings) -> None:
    """Raise LLMNotConfigured unless the settings name a usable LLM; imports and builds nothing."""
    model = settings.llm_model.strip()
    if not model:
        raise LLMNotConfigured("ROOMIAI_LLM_MODEL is empty: name the model, e.g. llama-3.3-70b-versatile on Groq.")
    base_url = settings.llm_base_url.strip()
    if base_url:
        parsed = urlparse(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise LLMNotConfigured(
                f"ROOMIAI_LLM_BASE_URL must be an http(s) URL such as http://127.0.0.1:11434/v1, not {base_url!r}."
            )
    key = settings.resolved_llm_api_key()
    if key and _placeholder(key):
        raise LLMNotConfigured(
            "The LLM API key is a placeholder; set ROOMIAI_LLM_API_KEY (or GROQ_API_KEY / "
            "OPENAI_API_KEY) to a real key."
        )
    if not settings.llm_configured():
        provider = settings.resolved_llm_provider()
        if provider == "openai":
            raise LLMNotConfigured(
                "The LLM brain is not configured: set OPENAI_API_KEY (or ROOMIAI_LLM_API_KEY) for "
                "OpenAI, or ROOMIAI_LLM_BASE_URL for another OpenAI-compatible endpoint; "
                "or use --brain deterministic."
            )
        raise LLMNotConfigured(f"The LLM brain is not configured: {HOW_TO_CONFIGURE}.")
    if settings.resolved_llm_provider() == "openai" and not base_url and model == GROQ_DEFAULT_MODEL:
        raise LLMNotConfigured(
            f"OpenAI does not serve {GROQ_DEFAULT_MODEL}: set ROOMIAI_LLM_MODEL (e.g. gpt-4.1-mini), "
            "or ROOMIAI_LLM_PROVIDER=groq."
        )


def make_llm(settings: Settings) -> llm.LLM:
    """The configured LLM as a livekit `llm.LLM`: livekit.plugins.groq, or livekit.plugins.openai with a base URL."""
    require_configured(settings)
    model, temperature = settings.llm_model.strip(), settings.llm_temperature
    key = settings.resolved_llm_api_key()
    if settings.resolved_llm_provider() == "groq":
        from livekit.plugins import groq

        return groq.LLM(model=model, api_key=key, temperature=temperature)
    from livekit.plugins import openai

    base_url = settings.llm_base_url.strip()
    options: dict[str, Any] = {"model": model, "api_key": key or LOCAL_ENDPOINT_KEY, "temperature": temperature}
    if base_url:
        options["base_url"] = base_url
    return openai.LLM(**options)


def llm_brain_factory(settings: Settings) -> Callable[[RoomiApi, CallState, dict[str, Any]], llm.LLM]:
    """A `make_brain(api, state, hotel_facts)` for the runtime; checks the settings now, builds the LLM per call."""
    require_configured(settings)

    def make_brain(api: RoomiApi, state: CallState, hotel_facts: dict[str, Any]) -> llm.LLM:
        from livekit.agents import llm as livekit_llm

        from .brain.llm import DeterministicLLM

        log.info("the LLM brain is %s, with the deterministic brain as its fallback", describe(settings))
        # a provider that fails or stalls does not leave the caller in silence: the offline brain answers that turn
        brain = livekit_llm.FallbackAdapter(
            [make_llm(settings), DeterministicLLM(hotel=hotel_facts, today=state.date)],
            attempt_timeout=settings.provider_timeout_seconds,
            max_retry_per_llm=1,
            retry_interval=0.3,
        )
        brain.on("llm_availability_changed", metrics.fallback_counter("llm"))
        return brain

    return make_brain


def describe(settings: Settings) -> str:
    """Which LLM the settings configure, for logs: provider, model and host; never the key."""
    provider = settings.resolved_llm_provider()
    host = (
        urlparse(settings.llm_base_url).netloc
        if settings.llm_base_url.strip()
        else ("api.groq.com" if provider == "groq" else "api.openai.com")
    )
    return f"{provider} {settings.llm_model} at {host}"


def _placeholder(key: str) -> bool:
    lowered = key.strip().lower()
    return lowered in PLACEHOLDER_SECRETS or lowered.startswith(("your_", "your-", "<")) or lowered == "changeme"
