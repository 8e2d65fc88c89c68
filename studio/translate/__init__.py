"""Translation: engines behind one interface, glossary, translation memory, bilingual subtitles.

The library comes first; ``studio.translate.cli`` and the pages are thin layers over it.
"""

from studio.translate import glossary, memory
from studio.translate.detect import LANGUAGES, check_pair, detect, source_warning
from studio.translate.engines import (
    ENGINES,
    PUBLIC_ENGINES,
    EngineOptions,
    EngineUnavailable,
    TranslateSettings,
    Translator,
    get_translator,
)
from studio.translate.glossary import SEED_SUGGESTIONS, GlossaryHit, Term, add_term, enforce
from studio.translate.memory import MemoryIndex, approve
from studio.translate.service import BatchResult, Translation, translate_texts
from studio.translate.subtitles import translate_segments, translation_lines, write_subtitles

__all__ = [
    "ENGINES", "LANGUAGES", "PUBLIC_ENGINES", "SEED_SUGGESTIONS", "BatchResult", "EngineOptions",
    "EngineUnavailable", "GlossaryHit", "MemoryIndex", "Term", "TranslateSettings", "Translation",
    "Translator", "add_term", "approve", "check_pair", "detect", "enforce", "get_translator",
    "glossary", "memory", "source_warning", "translate_segments", "translate_texts",
    "translation_lines", "write_subtitles",
]
