"""Translation engines: one ABC (:class:`Translator`), a registry by name (:data:`ENGINES`).

Importing this package registers every built-in engine.
"""

from studio.translate.engines import llm, local, web  # noqa: F401  (registers the engines)
from studio.translate.engines.base import (
    ENGINES,
    PUBLIC_ENGINES,
    EngineOptions,
    EngineUnavailable,
    TranslateSettings,
    Translator,
    get_translator,
    load_settings,
    register,
)

__all__ = ["ENGINES", "PUBLIC_ENGINES", "EngineOptions", "EngineUnavailable",
           "TranslateSettings", "Translator", "get_translator", "load_settings", "register"]
