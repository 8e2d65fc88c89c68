"""One client for any OpenAI-compatible Chat Completions endpoint (OpenAI, Ollama, vLLM,
llama.cpp server, LM Studio), used by the writer and the translator.

Retries with backoff on 429 and 5xx (honouring Retry-After); a timeout is not retried, so the
caller can fall back to its offline engine at once. Every failure is an ``EngineError`` whose
message says what to check.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from studio.config import Settings, get_settings, mask_url
from studio.errors import ConfigError, EngineError

BACKOFF_S = (1.0, 4.0, 10.0)


class LLMTimeout(EngineError):
    """The endpoint did not answer within the timeout."""


@dataclass(frozen=True)
class LLMResult:
    text: str
    model: str
    tokens_in: int | None
    tokens_out: int | None
    latency_s: float
    finish_reason: str | None = None
    attempts: int = 1


class LLMClient:
    """A configured endpoint. Build one per process (it holds an HTTP connection pool)."""

    def __init__(self, base_url: str | None, api_key: str | None, model: str,
                 timeout_s: float = 60.0, max_retries: int = 3,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        try:
            from openai import OpenAI
        except ImportError as exc:  # pragma: no cover - the package is in requirements.txt
            raise ConfigError("the 'openai' package is missing: pip install openai") from exc
        if not base_url and not api_key:
            raise ConfigError("no LLM configured: set STUDIO_LLM_BASE_URL (e.g. "
                              "http://127.0.0.1:11434/v1 for Ollama) or STUDIO_LLM_API_KEY")
        self.model = model
        self.max_retries = max_retries
        self.sleep = sleep
        self.base_url = base_url or "https://api.openai.com/v1"
        self._client = OpenAI(base_url=base_url, api_key=api_key or "not-needed",
                              timeout=timeout_s, max_retries=0)

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> LLMClient:
        s = settings or get_settings()
        key = s.llm_api_key.get_secret_value() if s.llm_api_key else None
        return cls(s.llm_base_url, key, s.llm_model, s.llm_timeout_s)

    def chat(self, messages: list[dict], *, temperature: float = 0.4,
             max_tokens: int | None = None, json_mode: bool = False,
             on_token: Callable[[str], None] | None = None) -> LLMResult:
        """Send ``messages``; with ``on_token`` the answer streams through it as it comes."""
        import openai

        kwargs: dict = {"model": self.model, "messages": messages, "temperature": temperature}
        if max_tokens:
            kwargs["max_tokens"] = max_tokens
        if json_mode:
            kwargs["response_format"] = {"type": "json_object"}
        started = time.monotonic()
        for attempt in range(1, self.max_retries + 2):
            try:
                result = self._once(kwargs) if on_token is None else self._stream(kwargs, on_token)
                return LLMResult(**{**result, "latency_s": round(time.monotonic() - started, 3),
                                    "attempts": attempt})
            except openai.APITimeoutError as exc:
                raise LLMTimeout(f"the LLM at {mask_url(self.base_url)} did not answer in time; "
                                 "check that the server runs, or raise STUDIO_LLM_TIMEOUT") from exc
            except openai.APIConnectionError as exc:
                raise EngineError(f"cannot reach the LLM at {mask_url(self.base_url)}; check "
                                  "STUDIO_LLM_BASE_URL and that the server runs") from exc
            except openai.APIStatusError as exc:
                status = exc.status_code
                if status in (401, 403):
                    raise EngineError("the LLM refused the key (HTTP "
                                      f"{status}); check STUDIO_LLM_API_KEY") from exc
                if (status == 429 or status >= 500) and attempt <= self.max_retries:
                    self.sleep(_retry_after(exc) or BACKOFF_S[min(attempt, len(BACKOFF_S)) - 1])
                    continue
                raise EngineError(f"the LLM answered HTTP {status}: {_message(exc)}") from exc
        raise AssertionError("unreachable")

    def _once(self, kwargs: dict) -> dict:
        response = self._client.chat.completions.create(**kwargs)
        choice = response.choices[0]
        usage = response.usage
        return {"text": choice.message.content or "", "model": response.model or self.model,
                "tokens_in": usage.prompt_tokens if usage else None,
                "tokens_out": usage.completion_tokens if usage else None,
                "finish_reason": choice.finish_reason}

    def _stream(self, kwargs: dict, on_token: Callable[[str], None]) -> dict:
        parts: list[str] = []
        model, usage, finish = self.model, None, None
        stream = self._client.chat.completions.create(
            **kwargs, stream=True, stream_options={"include_usage": True})
        for chunk in stream:
            model = chunk.model or model
            if chunk.usage:
                usage = chunk.usage
            for choice in chunk.choices:
                delta = choice.delta.content or ""
                if delta:
                    parts.append(delta)
                    on_token(delta)
                finish = choice.finish_reason or finish
        return {"text": "".join(parts), "model": model,
                "tokens_in": usage.prompt_tokens if usage else None,
                "tokens_out": usage.completion_tokens if usage else None, "finish_reason": finish}


def _retry_after(exc) -> float | None:
    try:
        value = exc.response.headers.get("retry-after")
        return min(60.0, float(value)) if value else None
    except (AttributeError, ValueError):
        return None


def _message(exc) -> str:
    try:
        return exc.response.json()["error"]["message"][:200]
    except (ValueError, KeyError, TypeError, AttributeError):
        return str(exc)[:200]


def parse_json_object(text: str) -> dict:
    """The JSON object in an LLM answer (tolerates a ```json fence); EngineError if none."""
    cleaned = re.sub(r"^```(?:json)?\s*|\s*```$", "", text.strip())
    try:
        value = json.loads(cleaned)
    except json.JSONDecodeError:
        match = re.search(r"\{.*\}", cleaned, re.S)
        if not match:
            raise EngineError("the LLM did not return JSON; try again or use the offline "
                              "engine") from None
        try:
            value = json.loads(match.group(0))
        except json.JSONDecodeError as exc:
            raise EngineError("the LLM returned broken JSON; try again or use the offline "
                              "engine") from exc
    if not isinstance(value, dict):
        raise EngineError("the LLM returned JSON that is not an object")
    return value
