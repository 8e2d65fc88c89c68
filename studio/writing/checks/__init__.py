"""Checks every text must pass before approval: claims, grounding, spelling, unicode, channel
limits and prompt injection.

``run_checks`` runs them all on one text and returns findings whose offsets point into the text
as given (also when it is not NFC: the checks read its NFC form and offsets are mapped back).
A finding of severity "error" blocks approval (``studio.writing.findings.blocking``).
"""

from __future__ import annotations

from collections.abc import Iterable

from studio.errors import ConfigError
from studio.writing.checks import claims, grounding, injection, spelling, unicode
from studio.writing.checks._text import fold_same_length, normalise
from studio.writing.findings import Finding, blocking, sort_findings
from studio.writing.limits import FIELDS, check_limits, get_limits

__all__ = ["LANGS", "Finding", "apply_fixes", "blocking", "facts_vocabulary", "is_fix",
           "run_checks"]

LANGS = ("vi", "en", "fr")


def facts_vocabulary(facts: dict | None) -> list[str]:
    """Names in the fact sheet that spelling must accept (product, producer, places, Latin)."""
    if not facts:
        return []
    producer = facts.get("producer") or {}
    words = [*(facts.get("names") or {}).values(), *(facts.get("aliases") or []),
             producer.get("name"), producer.get("commune"), producer.get("district"),
             producer.get("province"), facts.get("origin"), facts.get("ingredients"),
             *(facts.get("certifications") or [])]
    words = [w for w in words if isinstance(w, str) and w]
    # English and French copy writes Vietnamese names without accents ("Dan Phuong").
    return words + [fold_same_length(w) for w in words]


def run_checks(text: str, lang: str, *, facts: dict | None = None, channel: str | None = None,
               field: str = "body", glossary: Iterable[str] = (),
               accent_style: str | None = None) -> list[Finding]:
    """All checks on one text.

    Args:
        text: the text to check.
        lang: "vi", "en" or "fr".
        facts: ``studio.catalog.factsheet.facts(product)``; without it grounding is skipped.
        channel: a channel of ``studio.writing.limits.CHANNELS`` for the limit check.
        field: which listing field the text is ("title", "description", "bullets", "hashtags",
            "tags", "caption", "author"); any other value ("body", "script") skips limits.
        glossary: the workspace's accepted words.
        accent_style: the workspace's Vietnamese accent placement ("hoà"/"old", "hòa"/"new").

    Returns:
        Findings in text order. Raises ConfigError for an unknown language or accent style or a
        missing dictionary, NotFound for an unknown channel.
    """
    if lang not in LANGS:
        raise ConfigError(f"unsupported language {lang!r}; use one of {', '.join(LANGS)}")
    spelling.accent_style(accent_style)  # validate before any work
    if channel is not None:
        get_limits(channel)
    norm = normalise(text)
    words = [*glossary, *facts_vocabulary(facts)]
    on_nfc = [
        *claims.check(norm.text, lang, facts),
        *grounding.check(norm.text, lang, facts),
        *spelling.check(norm.text, lang, words, accent_style),
        *injection.check(norm.text, lang),
    ]
    if norm.text != text:  # unicode.check reports NFC problems on the original itself
        on_nfc += unicode.check_diacritics(norm.text, lang, facts)
    found = [_remap(f, norm) for f in on_nfc] + unicode.check(text, lang, facts)
    if channel is not None and field in FIELDS:
        found += check_limits({field: text}, channel)
    return sort_findings(found)


def _remap(finding: Finding, norm) -> Finding:
    if norm.text == norm.original:
        return finding
    start, end = norm.span(finding.start, finding.end)
    return Finding(finding.kind, finding.severity, start, end, norm.original[start:end],
                   finding.rule, finding.message, finding.suggestion)


def is_fix(finding: Finding) -> bool:
    """True when ``finding.suggestion`` is a drop-in replacement for ``finding.text``."""
    if not finding.suggestion:
        return False
    if finding.kind == "unicode":
        return True
    return finding.kind == "spelling" and finding.rule.startswith("workspace accent style")


def apply_fixes(text: str, findings: Iterable[Finding]) -> str:
    """``text`` with every one-click fix applied (NFC, lost diacritics, accent style).

    Overlapping fixes keep the first; findings that are not fixes are ignored.
    """
    chosen: list[Finding] = []
    for f in sorted((f for f in findings if is_fix(f)), key=lambda f: (f.start, -f.end)):
        if chosen and f.start < chosen[-1].end:
            continue
        if text[f.start:f.end] != f.text:
            raise ValueError(f"finding at {f.start}..{f.end} does not match the text; run the "
                             "checks again on this text")
        chosen.append(f)
    for f in reversed(chosen):
        text = text[:f.start] + f.suggestion + text[f.end:]
    return text
