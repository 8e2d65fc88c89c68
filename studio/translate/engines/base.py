"""The translator plug-in kind: one ABC, one required method, a registry by name."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from studio.errors import ConfigError, EngineError, ValidationFailed
from studio.translate.glossary import Term


class EngineUnavailable(EngineError):
    """A transient failure (unreachable, timed out, rate-limited, 5xx): worth a retry."""


class TranslateSettings(BaseSettings):
    """Translation settings, read from the environment like ``studio.config.Settings``."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    engine: str = Field("offline", validation_alias=AliasChoices("STUDIO_TRANSLATE_ENGINE"))
    timeout_s: float = Field(20.0, gt=0, le=600,
                             validation_alias=AliasChoices("STUDIO_TRANSLATE_TIMEOUT"))
    retries: int = Field(2, ge=0, le=10, validation_alias=AliasChoices("STUDIO_TRANSLATE_RETRIES"))
    libre_url: str | None = Field(None, validation_alias=AliasChoices("STUDIO_LIBRE_URL"))
    libre_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("STUDIO_LIBRE_API_KEY"))
    deepl_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("STUDIO_DEEPL_API_KEY"))
    microsoft_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("STUDIO_MICROSOFT_API_KEY"))
    microsoft_region: str | None = Field(
        None, validation_alias=AliasChoices("STUDIO_MICROSOFT_REGION"))
    mymemory_email: str | None = Field(
        None, validation_alias=AliasChoices("STUDIO_MYMEMORY_EMAIL"))


def load_settings() -> TranslateSettings:
    """The translation settings; ConfigError naming the variable when one is invalid."""
    from pydantic import ValidationError

    try:
        return TranslateSettings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "a STUDIO_ translation setting"
        field = TranslateSettings.model_fields.get(name)  # reported by alias or by field name
        if field is not None and field.validation_alias is not None:
            name = field.validation_alias.choices[0]
        raise ConfigError(f"{name} is invalid ({first['msg']}); fix or unset it") from exc


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value else None


@dataclass
class EngineOptions:
    """Everything an engine may need; ``from_settings`` fills it from the environment."""

    timeout_s: float = 20.0
    retries: int = 2
    backoff_s: tuple[float, ...] = (0.5, 2.0, 5.0)
    sleep: Callable[[float], None] = time.sleep
    libre_url: str | None = None
    libre_api_key: str | None = None
    deepl_api_key: str | None = None
    microsoft_api_key: str | None = None
    microsoft_region: str | None = None
    mymemory_email: str | None = None
    llm_client: object | None = None  # studio.llm.LLMClient; built lazily from settings
    memory: object | None = None  # studio.translate.memory.MemoryIndex for the offline engine
    twin_table: dict[str, str] = field(default_factory=dict)  # the in-memory twin's phrasebook

    @classmethod
    def from_settings(cls, settings: TranslateSettings | None = None, **overrides) -> EngineOptions:
        s = settings or load_settings()
        values = {"timeout_s": s.timeout_s, "retries": s.retries, "libre_url": s.libre_url,
                  "libre_api_key": _secret(s.libre_api_key),
                  "deepl_api_key": _secret(s.deepl_api_key),
                  "microsoft_api_key": _secret(s.microsoft_api_key),
                  "microsoft_region": s.microsoft_region, "mymemory_email": s.mymemory_email}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


class Translator(ABC):
    """A translation engine. Subclasses set ``name`` and implement :meth:`translate_batch`."""

    name: ClassVar[str]
    label: ClassVar[str]
    #: False for engines that never leave the machine.
    needs_network: ClassVar[bool] = True
    #: Whether raw output is worth caching (not for the memory-only engine).
    cacheable: ClassVar[bool] = True

    def __init__(self, options: EngineOptions | None = None) -> None:
        self.options = options or EngineOptions()
        #: Per source text, how the last batch matched it ("fuzzy 93.5"...), for display.
        self.notes: dict[str, str] = {}

    @abstractmethod
    def translate_batch(self, texts: Sequence[str], source: str, target: str,
                        glossary: Sequence[Term] = ()) -> list[str | None]:
        """Translate ``texts`` (same count and order); None means "no translation for this
        text": it is returned untouched and marked untranslated."""

    def cache_id(self) -> str:
        """What the cache key says about the engine (an LLM adds its model)."""
        return self.name


ENGINES: dict[str, type[Translator]] = {}
#: Engines a user may choose (the in-memory twin is for tests).
PUBLIC_ENGINES = ("offline", "google", "mymemory", "libre", "deepl", "microsoft", "llm")


def register(cls: type[Translator]) -> type[Translator]:
    ENGINES[cls.name] = cls
    return cls


def get_translator(name: str, options: EngineOptions | None = None) -> Translator:
    """The engine registered as ``name``; ValidationFailed naming the choices otherwise."""
    from studio.errors import Problem

    cls = ENGINES.get((name or "").strip().lower())
    if cls is None:
        raise ValidationFailed(
            [Problem("--engine", "engine_unknown", {"value": name,
                                                     "known": ", ".join(PUBLIC_ENGINES)})],
            f"unknown engine {name!r}: use one of {', '.join(PUBLIC_ENGINES)}")
    return cls(options)
