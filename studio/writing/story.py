"""Product stories on story beats: place, maker, hand process, taste/use, community,
certifications and traceability, call to action.

Long (~250 words) and short (~60 words). Every sentence comes from a phrase-bank template filled
only from the fact sheet; a beat whose facts are missing is left out.
"""

from __future__ import annotations

import re

from studio.writing.fit import limit_words
from studio.writing.phrases import bank, render, slots

LONG_BEATS = ("intro", "place", "maker", "process", "use", "community", "trust", "details",
              "cta")
SHORT_BEATS = ("intro", "maker", "process", "trust", "details", "cta")
LONG_WORDS = 250
SHORT_WORDS = 60
MAX_LONG_WORDS = 320
MAX_SHORT_WORDS = 80


def compose_story(facts: dict, lang: str) -> dict:
    """{"long": ..., "short": ...} in ``lang`` from ``facts``."""
    s = slots(facts, lang)
    b = bank(lang)
    paragraphs = []
    for beat in LONG_BEATS:
        sentences = render(b["story"].get(beat, []), s)
        if sentences:
            paragraphs.append(" ".join(sentences))
    long = _within(paragraphs, MAX_LONG_WORDS)
    short_sentences = [t for beat in SHORT_BEATS for t in render(b["short"].get(beat, []), s)]
    short = _short(short_sentences)
    return {"long": finish(long, lang), "short": finish(short, lang)}


def _within(paragraphs: list[str], max_words: int) -> str:
    """Paragraphs kept in order while the total stays under ``max_words`` (the CTA stays)."""
    if not paragraphs:
        return ""
    cta = paragraphs[-1]
    kept: list[str] = []
    budget = max_words - len(cta.split())
    for para in paragraphs[:-1]:
        words = len(para.split())
        if words <= budget:
            kept.append(para)
            budget -= words
        elif not kept:
            kept.append(limit_words(para, max(budget, 10)))
            budget = 0
    return "\n\n".join([*kept, cta])


def _short(sentences: list[str]) -> str:
    """The intro, then beats while under SHORT_WORDS, always ending with the call to action."""
    if not sentences:
        return ""
    cta = sentences[-1]
    out = [limit_words(sentences[0], MAX_SHORT_WORDS - len(cta.split()))]
    total = len(out[0].split()) + len(cta.split())
    for sentence in sentences[1:-1]:
        words = len(sentence.split())
        if total + words <= SHORT_WORDS:
            out.append(sentence)
            total += words
    if len(sentences) > 1:
        out.append(cta)
    return " ".join(out)


def finish(text: str, lang: str) -> str:
    """Language-specific typography: French elision (de Ô Diên → d’Ô Diên), no double spaces."""
    if lang == "fr":
        text = re.sub(r"\b([Dd])e ([AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜaeiouyàâäéèêëîïôöùûü])", r"\1’\2", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()
