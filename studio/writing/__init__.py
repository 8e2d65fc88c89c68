"""Writer: grounded stories, channel listings, livestream scripts and captions, with checks.

Front door::

    from studio.writing import generate, caption
    result = generate(session, ws, "tra-xa-den", "listing", "vi,en", channel="shopee")
    result.texts["vi"]["title"], result.findings

Engines are plug-ins (``Engine`` with one method, ``write``) registered by name: ``offline``
(phrase banks, deterministic, the default) and ``llm`` (prompt files, falls back to offline).
"""

from studio.writing.caption import caption
from studio.writing.engines import (
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
from studio.writing.script import is_health_protection_food
from studio.writing.service import (
    Result,
    apply_fix,
    approve,
    as_text,
    bulk_listings,
    generate,
    history,
    listings_csv,
    save_draft,
)
from studio.writing.teleprompter import Teleprompter

__all__ = ["KINDS", "LANGS", "Engine", "Request", "Result", "Teleprompter", "WritingError",
           "Written", "apply_fix", "approve", "as_text", "bulk_listings", "caption",
           "engine_names", "generate", "get_engine", "history", "is_health_protection_food",
           "listings_csv", "register", "save_draft"]
