"""Prompt injection: text that tries to steer a language model ("ignore previous instructions",
"bỏ qua mọi hướng dẫn trước", "ignore les instructions"...).

A fact sheet, a comment or a pasted text may carry such a line into a prompt; in a listing it
is never legitimate. Every language's patterns run on every text (an attack need not match the
text's language), also without diacritics. Findings are errors of kind "injection".
"""

from __future__ import annotations

import re

from studio.writing.checks._text import fold_pattern, fold_same_length
from studio.writing.findings import Finding

RULE = ("prompt-injection guard: a listing must not carry instructions to an AI model "
        "(OWASP Top 10 for LLM applications, LLM01)")
SUGGESTION = "remove this instruction; it is not product information"

_PATTERNS = (
    # English
    r"\b(?:ignore|disregard|forget|skip|override)\b(?:\W+\w+){0,3}?\W+(?:previous|prior|above|"
    r"earlier|preceding|all|any|your|the)\b(?:\W+\w+){0,2}?\W+(?:instructions?|prompts?|rules|"
    r"directions|messages|context|guidelines)\b",
    r"\byou are now\b|\bfrom now on,? you\b|\bact as (?:an?|the)\b|\bpretend (?:to be|you are)\b",
    r"\b(?:system|developer) (?:prompt|message|instructions?)\b|\bjailbreak\w*|"
    r"\bdeveloper mode\b|\breveal (?:your|the) (?:prompt|instructions)\b",
    r"\bnew instructions?\s*:|\bdo not follow (?:the|your|any)\b",
    r"</?\s*(?:system|assistant|user)\s*>|\[/?inst\]|<\|im_(?:start|end)\|>|^#{2,}\s*instruction",
    # Vietnamese (matched on accent-folded text as well)
    r"\b(?:bỏ qua|phớt lờ|quên|lờ đi|không tuân theo)\b(?:\s+\w+){0,3}?\s+(?:hướng dẫn|chỉ dẫn|"
    r"yêu cầu|lệnh|chỉ thị|quy tắc)\b",
    r"\bbây giờ bạn là\b|\bhãy đóng vai\b|\bhãy giả vờ\b|\blời nhắc hệ thống\b|"
    r"\bchỉ thị hệ thống\b",
    # French
    r"\b(?:ignore[zr]?|oublie[zr]?|ne tiens pas compte)\b(?:\W+\w+){0,3}?\W+(?:instructions?|"
    r"consignes?|règles|directives)\b",
    r"\b(?:tu es|vous êtes) maintenant\b|\b(?:invite|prompt|consigne)s? (?:du )?système\b|"
    r"\bfais semblant d['’]être\b",
)
_COMPILED = tuple(re.compile(p, re.I | re.M) for p in _PATTERNS)
_FOLDED = tuple(re.compile(fold_pattern(p), re.I | re.M) for p in _PATTERNS[5:7])


def check(text: str, lang: str = "") -> list[Finding]:
    """Injection findings in ``text`` (NFC); ``lang`` is accepted for symmetry and unused."""
    spans: set[tuple[int, int]] = set()
    for pattern in _COMPILED:
        spans |= {m.span() for m in pattern.finditer(text)}
    folded = fold_same_length(text)
    for pattern in _FOLDED:
        spans |= {m.span() for m in pattern.finditer(folded)}
    out: list[Finding] = []
    last_end = -1
    for start, end in sorted(spans):
        if start < last_end:
            continue
        out.append(Finding("injection", "error", start, end, text[start:end], RULE,
                           "text that tries to give instructions to an AI model", SUGGESTION))
        last_end = end
    return out
