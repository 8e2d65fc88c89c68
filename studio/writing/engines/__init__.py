"""Writing engines: ``offline`` (phrase banks, the default) and ``llm`` (prompt files + an
OpenAI-compatible endpoint, falling back to ``offline`` with a notice)."""

from studio.writing.engines.base import (
    KINDS,
    LANGS,
    Engine,
    Request,
    WritingError,
    Written,
    engine_names,
    get_engine,
    register,
)
from studio.writing.engines.llm import LLMEngine
from studio.writing.engines.offline import OfflineEngine

register("offline", OfflineEngine)
register("llm", LLMEngine)

__all__ = ["KINDS", "LANGS", "Engine", "LLMEngine", "OfflineEngine", "Request", "WritingError",
           "Written", "engine_names", "get_engine", "register"]
