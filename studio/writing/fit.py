"""Fitting text inside hard limits: cut on word boundaries, never over the limit.

Every function here returns text that satisfies its limit whatever the input (the property tests
feed random long facts through them).
"""

from __future__ import annotations

import re
import unicodedata

ELLIPSIS = "…"
_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """Collapse runs of whitespace (new lines included) into single spaces."""
    return _SPACE.sub(" ", text).strip()


def truncate(text: str, limit: int | None, *, ellipsis: bool = True) -> str:
    """``text`` cut to at most ``limit`` characters, on a word boundary when one is near.

    A cut text ends with "…" (inside the limit) unless ``ellipsis`` is false.
    """
    text = text.strip()
    if limit is None or len(text) <= limit:
        return text
    if limit <= 1:
        return text[:limit] if not ellipsis else ELLIPSIS[:limit]
    room = limit - (1 if ellipsis else 0)
    cut = text[:room + 1]
    space = cut.rfind(" ")
    cut = cut[:space] if space > room // 2 else text[:room]
    cut = cut.rstrip(" ,;:-–—(")
    return (cut + ELLIPSIS) if ellipsis else cut


def truncate_bytes(text: str, limit: int | None) -> str:
    """``text`` cut so that its UTF-8 encoding has at most ``limit`` bytes (word boundary)."""
    if limit is None or len(text.encode("utf-8")) <= limit:
        return text
    chars = len(text.encode("utf-8")[:limit].decode("utf-8", "ignore"))
    while True:
        out = truncate(text, chars)
        if len(out.encode("utf-8")) <= limit:
            return out
        chars -= 1


def join_within(parts: list[str], limit: int | None, sep: str = " ") -> str:
    """Join ``parts`` in order while the result fits ``limit``; the first part is cut to fit.

    Later parts that do not fit are dropped whole, so a paragraph never ends mid-sentence unless
    the first part alone is too long.
    """
    parts = [p for p in parts if p]
    if not parts:
        return ""
    out = truncate(parts[0], limit)
    for part in parts[1:]:
        candidate = out + sep + part
        if limit is not None and len(candidate) > limit:
            continue
        out = candidate
    return out


def limit_words(text: str, max_words: int) -> str:
    """``text`` cut to ``max_words`` words (sentence boundary preferred), with "…" when cut."""
    words = text.split()
    if len(words) <= max_words:
        return text
    cut = " ".join(words[:max_words])
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    if end > len(cut) // 2:
        return cut[:end + 1]
    return cut.rstrip(" ,;:") + ELLIPSIS


def scrub(text: str, patterns: list[str]) -> str:
    """Remove every match of ``patterns`` (a channel's forbidden content) and tidy the spaces."""
    for pattern in patterns:
        text = re.sub(pattern, " ", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", squash(text))
    return re.sub(r"(\s+[–|]\s*){2,}", " – ", text).strip(" –|,;")


def hashtag(text: str) -> str:
    """'Trà xạ đen Ô Diên' → '#TraXaDenODien' (letters and digits only, no diacritics)."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if unicodedata.category(c) != "Mn")
    words = re.findall(r"[A-Za-z0-9]+", plain)
    return "#" + "".join(w[:1].upper() + w[1:] for w in words) if words else ""


def join_lines(text: str, limit: int | None) -> str:
    """Whole lines of ``text`` kept in order while they fit ``limit`` (the first one is cut)."""
    if limit is None or len(text) <= limit:
        return text
    lines = text.split("\n")
    out = truncate(lines[0], limit)
    for line in lines[1:]:
        if len(out) + 1 + len(line) > limit:
            break
        out += "\n" + line
    return out.rstrip()


def tag(text: str, limit: int | None) -> str:
    """A marketplace tag: lower case, no punctuation, cut on a word boundary to ``limit``."""
    clean = squash(re.sub(r"[^\w\s'’-]", " ", text.casefold()))
    return truncate(clean, limit, ellipsis=False)


def unique(items: list[str], key=lambda s: s.casefold()) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        k = key(item)
        if item and k not in seen:
            seen.add(k)
            out.append(item)
    return out
