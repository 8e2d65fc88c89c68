"""Spelling with Debian's hunspell dictionaries (through spylls), a brand glossary, and one
Vietnamese accent placement per workspace.

- Dictionaries are read from /usr/share/hunspell (packages hunspell-vi, hunspell-en-us,
  hunspell-fr), loaded on first use and cached. Debian's vi_VN list is syllable-level.
- ``glossary``: the workspace's accepted words (brand and place names, Latin names...).
  Words of the product's fact sheet are accepted too (``run_checks`` adds them).
- Accent placement in the open syllables oa, oe, uy: "hoà, thuỷ, khoẻ" (mark on the second
  vowel) or "hòa, thủy, khỏe" (mark on the first). ``accent_style`` names the one to keep:
  "hoà" or "hòa" (self-describing, preferred), or "old" (= hoà) / "new" (= hòa) as the writer
  issue defines them. Most Vietnamese references (UniKey, Wikipedia) use these two words the
  other way round, so the self-describing values avoid confusion.
- All spelling findings are warnings: an unknown word may be a name that belongs in the glossary.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from studio.errors import ConfigError
from studio.writing.checks._text import fold_same_length
from studio.writing.findings import Finding

HUNSPELL_DIR = Path("/usr/share/hunspell")
DICTIONARIES = {"vi": ("vi_VN", "hunspell-vi"), "en": ("en_US", "hunspell-en-us"),
                "fr": ("fr", "hunspell-fr")}
ACCENT_STYLES = {"hoà": "second", "oà": "second", "old": "second",
                 "hòa": "first", "òa": "first", "new": "first"}
RULE_DICT = "hunspell dictionary ({name}, Debian package {package}) plus the workspace glossary"
RULE_ACCENT = "workspace accent style: tone mark on the {where} vowel of oa/oe/uy ({example})"
# spylls' own suggester can take seconds per word on the French dictionary (compound and ngram
# phases cannot be interrupted), so suggestions come from a small edit search of our own that
# checks the clock between dictionary lookups.
SUGGEST_BUDGET_S = 0.3  # per word
TEXT_BUDGET_S = 0.6  # per text; later unknown words get no suggestion (cached ones do)

_TONES = "\u0300\u0301\u0309\u0303\u0323"
_OPEN_ENDINGS = {"oa", "oe", "uy"}
_OPEN = re.compile(r"(?P<init>[bcdfghklmnprstvxđ]*)(?P<a>[ou])(?P<b>[aey])", re.I)
_TOKEN = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[#@][\w-]+|[^\W\d_]+(?:['’][^\W\d_]+)*",
                    re.UNICODE)


@lru_cache(maxsize=8)
def dictionary(lang: str, directory: Path = HUNSPELL_DIR):
    """The spylls Dictionary of ``lang``; raises ConfigError naming the Debian package."""
    if lang not in DICTIONARIES:
        raise ConfigError(f"no spelling dictionary for {lang!r}; use one of "
                          f"{', '.join(DICTIONARIES)}")
    name, package = DICTIONARIES[lang]
    base = Path(directory) / name
    missing = [p.name for p in (base.with_suffix(".aff"), base.with_suffix(".dic"))
               if not p.is_file()]
    if missing:
        raise ConfigError(f"spelling dictionary {', '.join(missing)} is missing in {directory}; "
                          f"install it with 'apt-get install {package}'")
    try:
        from spylls.hunspell import Dictionary
    except ImportError as exc:  # pragma: no cover - spylls is in requirements.txt
        raise ConfigError("spylls is not installed; run 'pip install spylls'") from exc
    return Dictionary.from_files(str(base))


def accent_style(value: str | None) -> str | None:
    """'first', 'second' or None for an accent_style setting; raises ConfigError if unknown."""
    if value in (None, ""):
        return None
    key = unicodedata.normalize("NFC", value).strip().lower()
    if key not in ACCENT_STYLES:
        raise ConfigError(f"unknown accent style {value!r}; use 'hoà' (hoà, thuỷ, khoẻ) or "
                          "'hòa' (hòa, thủy, khỏe), also called 'old' and 'new'")
    return ACCENT_STYLES[key]


def _tone_of(syllable: str) -> tuple[str, str | None, int | None]:
    """(syllable without tone, tone mark, index of the letter that carried it)."""
    bare, tone, where = [], None, None
    for i, ch in enumerate(syllable):
        parts = unicodedata.normalize("NFD", ch)
        marks = [c for c in parts if c in _TONES]
        if marks:
            tone, where = marks[0], i
        bare.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES)))
    return "".join(bare), tone, where


def place_tone(syllable: str, style: str) -> str:
    """``syllable`` with its tone on the first or second vowel of a final oa/oe/uy."""
    if fold_same_length(syllable[-2:]) not in _OPEN_ENDINGS:
        return syllable  # the common case, decided without decomposing the word
    bare, tone, where = _tone_of(syllable)
    m = _OPEN.fullmatch(bare)
    if tone is None or m is None or m.group("init").lower() in ("q", "g"):
        return syllable  # "quý", "giá": u/i belong to the consonant
    first = len(m.group("init"))
    target = first if style == "first" else first + 1
    if where not in (first, first + 1) or where == target:
        return syllable
    chars = list(bare)
    chars[target] = unicodedata.normalize("NFC", chars[target] + tone)
    return "".join(chars)


def _candidates(word: str, aff) -> Iterator[str]:
    """Likely corrections first: deletions (doubled letters), swaps, accent variants (MAP), REP
    pairs, then edits with the dictionary's most frequent letters (TRY)."""
    yield from (word[:i] + word[i + 1:] for i in range(len(word)))
    yield from (word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1))
    for group in aff.MAP or ():
        chars = [c for c in group if len(c) == 1]
        for i, ch in enumerate(word):
            if ch in chars:
                yield from (word[:i] + alt + word[i + 1:] for alt in chars if alt != ch)
    for rep in aff.REP or ():
        start = word.find(rep.pattern.strip("^$"))
        if start >= 0 and rep.pattern.strip("^$"):
            yield word[:start] + rep.replacement.replace("_", " ") + word[
                start + len(rep.pattern.strip("^$")):]
    letters = [c for c in (aff.TRY or "") if c.isalpha()][:24]
    for i in range(len(word)):
        yield from (word[:i] + c + word[i + 1:] for c in letters if c != word[i])
    for i in range(len(word) + 1):
        yield from (word[:i] + c + word[i:] for c in letters)


_SUGGESTED: dict[tuple[str, str], str] = {}  # (lang, word) -> suggestion


def suggest(word: str, dic, budget_s: float = SUGGEST_BUDGET_S) -> tuple[str, bool]:
    """(first dictionary word one edit away, whether the search finished in ``budget_s``)."""
    deadline = time.monotonic() + budget_s
    seen = {word}
    for candidate in _candidates(word, dic.aff):
        if candidate in seen or not candidate.strip():
            continue
        seen.add(candidate)
        if dic.lookup(candidate):
            return candidate, True
        if time.monotonic() > deadline:
            return "", False
    return "", True


def _suggestion(lang: str, word: str, budget_s: float) -> str:
    key = (lang, word)
    if key not in _SUGGESTED:
        if budget_s <= 0:
            return ""  # this text's budget is spent; a later text may search
        # A search that ran out of time is cached too: the word is far from any dictionary word
        # (usually a name), and searching again on every text would cost the budget every time.
        hint, _complete = suggest(word, dictionary(lang), budget_s)
        if len(_SUGGESTED) > 20_000:
            _SUGGESTED.clear()
        _SUGGESTED[key] = hint
    return _SUGGESTED[key]


@lru_cache(maxsize=200_000)
def _in_dictionary(lang: str, word: str) -> bool:
    """Dictionary lookup, cached: listings for many products repeat most of their words."""
    dic = dictionary(lang)
    return bool(dic.lookup(word) or dic.lookup(word.lower()) or dic.lookup(word.capitalize()))


def _known(word: str, lang: str, glossary: set[str]) -> bool:
    if word.lower() in glossary or word in glossary:
        return True
    return _in_dictionary(lang, word)


def check(text: str, lang: str, glossary: Iterable[str] = (),
          accent: str | None = None) -> list[Finding]:
    """Spelling and accent-style findings for ``text`` (NFC).

    Args:
        text: the text, NFC.
        lang: "vi", "en" or "fr".
        glossary: accepted words or phrases (each word of a phrase is accepted).
        accent: the workspace accent style ("hoà"/"old" or "hòa"/"new"); Vietnamese only.
    """
    dictionary(lang)  # ConfigError now if the dictionary is missing
    style = accent_style(accent) if lang == "vi" else None
    accepted = {w.lower() for entry in glossary for w in _TOKEN.findall(
        unicodedata.normalize("NFC", entry))}
    name, package = DICTIONARIES[lang]
    found: list[Finding] = []
    text_deadline = time.monotonic() + TEXT_BUDGET_S
    for m in _TOKEN.finditer(text):
        word = m.group()
        if word[0] in "#@" or "/" in word or "@" in word or "." in word:
            continue  # hashtags, handles, links
        if len(word) > 1 and word.isupper():
            continue  # acronyms: OCOP, HACCP, VND
        if style and (wanted := place_tone(word, style)) != word:
            example = "hoà, thuỷ, khoẻ" if style == "second" else "hòa, thủy, khỏe"
            found.append(Finding("spelling", "warning", m.start(), m.end(), word,
                                 RULE_ACCENT.format(where=style, example=example),
                                 f"'{word}' uses the other accent placement; this workspace "
                                 f"writes '{wanted}'", wanted))
            continue
        probe = place_tone(word, "second") if lang == "vi" else word  # Debian vi_VN style
        if _known(probe, lang, accepted) or _known(word, lang, accepted):
            continue
        left = text_deadline - time.monotonic()
        hint = _suggestion(lang, word, min(SUGGEST_BUDGET_S, left))
        found.append(Finding("spelling", "warning", m.start(), m.end(), word,
                             RULE_DICT.format(name=name, package=package),
                             f"'{word}' is not in the {lang} dictionary or the glossary; fix it "
                             "or add it to the workspace glossary", hint))
    return found
