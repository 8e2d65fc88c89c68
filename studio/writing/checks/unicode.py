"""Unicode hygiene: text must be NFC, carry no invisible characters, and keep its Vietnamese
diacritics.

- Non-NFC words (e.g. "e" + U+0301 instead of "é") are errors with the NFC word as the fix:
  they break search, length limits and some platforms' rendering.
- Invisible characters (zero-width space, BOM, soft hyphen...) are warnings; the fix removes them.
- Lost diacritics, in Vietnamese text only: a fact-sheet name or place written without its
  accents ("tra xa den" for "trà xạ đen") is an error with the accented form as the fix; a text
  where almost no word has a diacritic is a warning on the whole text. English and French texts
  may spell Vietnamese names without accents, so they are not checked for this.
"""

from __future__ import annotations

import re
import unicodedata

from studio.writing.checks._text import fold_same_length, has_diacritics
from studio.writing.findings import Finding

RULE_NFC = "Unicode NFC: text is stored and published in composed form (one code point per letter)"
RULE_INVISIBLE = "no invisible characters: they break search, counting and copy-paste"
RULE_DIACRITICS = "Vietnamese text keeps its diacritics (names must match the fact sheet)"
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_WORD = re.compile(r"\S+")
_VI_WORD = re.compile(r"[^\W\d_]+")
_NOT_PROSE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[#@][\w-]+")  # links, hashtags
MIN_WORDS_FOR_RATIO = 6
MIN_ACCENTED_SHARE = 0.15  # Vietnamese prose has diacritics on well over half its syllables


def check_nfc(text: str) -> list[Finding]:
    out = []
    for m in _WORD.finditer(text):
        word = m.group()
        fixed = unicodedata.normalize("NFC", word)
        if fixed != word:
            out.append(Finding("unicode", "error", m.start(), m.end(), word, RULE_NFC,
                               f"'{fixed}' is not in NFC form ({len(word)} code points instead "
                               f"of {len(fixed)})", fixed))
    for m in re.finditer(f"[{INVISIBLE}]+", text):
        names = ", ".join(sorted({unicodedata.name(c, hex(ord(c))) for c in m.group()}))
        out.append(Finding("unicode", "warning", m.start(), m.end(), m.group(), RULE_INVISIBLE,
                           f"invisible character(s): {names}", ""))
    return out


def _fact_phrases(facts: dict | None) -> list[str]:
    if not facts:
        return []
    producer = facts.get("producer") or {}
    names = facts.get("names") or {}
    phrases = [names.get("vi") or "", *(facts.get("aliases") or []), producer.get("name") or "",
               producer.get("commune") or "", producer.get("district") or "",
               producer.get("province") or ""]
    phrases += re.split(r"[,;]", facts.get("origin") or "")
    # One syllable is too little: "tra" (to look up) is a word of its own, not a lost "trà".
    phrases = [p.strip() for p in phrases
               if p and has_diacritics(p.strip()) and len(p.split()) >= 2]
    return sorted(set(phrases), key=len, reverse=True)


def _match_case(source: str, target: str) -> str:
    if source.isupper():
        return target.upper()
    if source[:1].isupper():
        return target[:1].upper() + target[1:]
    return target


def check_diacritics(text: str, lang: str, facts: dict | None) -> list[Finding]:
    """Lost Vietnamese diacritics (``text`` NFC)."""
    if lang != "vi":
        return []
    out: list[Finding] = []
    folded = fold_same_length(text)
    taken: list[tuple[int, int]] = [m.span() for m in _NOT_PROSE.finditer(text)]
    for phrase in _fact_phrases(facts):
        key = fold_same_length(phrase)
        for m in re.finditer(rf"(?<!\w){re.escape(key)}(?!\w)", folded):
            span = text[m.start():m.end()]
            if has_diacritics(span) or any(m.start() < b and m.end() > a for a, b in taken):
                continue
            taken.append(m.span())
            out.append(Finding("unicode", "error", m.start(), m.end(), span, RULE_DIACRITICS,
                               f"'{span}' has lost its diacritics; the fact sheet writes "
                               f"'{phrase}'", _match_case(span, phrase)))
    words = _VI_WORD.findall(_NOT_PROSE.sub(" ", text))
    if len(words) >= MIN_WORDS_FOR_RATIO:
        share = sum(has_diacritics(w) for w in words) / len(words)
        if share < MIN_ACCENTED_SHARE:
            out.append(Finding("unicode", "warning", 0, len(text), text, RULE_DIACRITICS,
                               f"only {share:.0%} of the words carry diacritics: this Vietnamese "
                               "text seems to have lost its accents", ""))
    return out


def check(text: str, lang: str, facts: dict | None = None) -> list[Finding]:
    """NFC and invisible characters on ``text`` as given; lost diacritics on its NFC form.

    ``text`` may be non-NFC here: offsets of the NFC findings point into it. The diacritics
    check runs on the NFC form, whose offsets equal the original's when the text is NFC.
    """
    found = check_nfc(text)
    if unicodedata.is_normalized("NFC", text):
        found += check_diacritics(text, lang, facts)
    return found
