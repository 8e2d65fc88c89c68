"""One translation table for every UI string (Vietnamese first, English second).

The table is the union of ``studio/locales/*.json``: one file per capability, so capabilities add
strings without touching each other's files. Each entry is ``{"key": {"vi": "...", "en": "..."}}``
with ``str.format`` placeholders. A key defined in two files is an error, not a silent override.
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from pathlib import Path

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
LOCALES_DIR = Path(__file__).parent / "locales"


def nfc(text: str) -> str:
    """NFC-normalise ``text`` (stored text is always NFC so 'ệ' has one spelling)."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d): for diacritics-insensitive search and matching."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if unicodedata.category(c) != "Mn").casefold()


@lru_cache(maxsize=1)
def table() -> dict[str, dict[str, str]]:
    """The merged translation table; raises ValueError on a duplicate or incomplete key."""
    merged: dict[str, dict[str, str]] = {}
    origin: dict[str, str] = {}
    for path in sorted(LOCALES_DIR.glob("*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        for key, langs in entries.items():
            if key in merged:
                raise ValueError(f"i18n key {key!r} is in both {origin[key]} and {path.name}")
            missing = [lang for lang in LANGS if not langs.get(lang)]
            if missing:
                raise ValueError(f"i18n key {key!r} in {path.name} has no text for {missing}")
            merged[key] = {lang: nfc(text) for lang, text in langs.items()}
            origin[key] = path.name
    return merged


def has_key(key: str) -> bool:
    return key in table()


def t(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    """Translate ``key`` into ``lang``; unknown keys raise KeyError so tests catch them."""
    entry = table()[key]
    text = entry.get(lang) or entry[DEFAULT_LANG]
    return text.format(**params) if params else text
