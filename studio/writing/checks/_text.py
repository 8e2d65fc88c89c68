"""Text helpers shared by the checks: NFC with an offset map, accent folding that keeps offsets."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_SEGMENT = re.compile(r".[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*", re.S)


@dataclass(frozen=True)
class Normalised:
    """``text`` in NFC and, for each of its offsets, the offset in the original text."""

    original: str
    text: str
    offsets: tuple[int, ...]  # len(text) + 1 entries

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the NFC text back to the original text."""
        return self.offsets[start], self.offsets[end]


def normalise(original: str) -> Normalised:
    """NFC-normalise by base character plus its combining marks, remembering offsets."""
    if unicodedata.is_normalized("NFC", original):
        return Normalised(original, original, tuple(range(len(original) + 1)))
    parts: list[str] = []
    offsets: list[int] = []
    for m in _SEGMENT.finditer(original):
        piece = unicodedata.normalize("NFC", m.group())
        parts.append(piece)
        offsets.extend([m.start()] * len(piece))
    offsets.append(len(original))
    return Normalised(original, "".join(parts), tuple(offsets))


def fold_char(c: str) -> str:
    """One character without its accents, lower-cased (đ -> d); always one character."""
    if c in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", c)[0]
    low = base.lower()
    return low if len(low) == 1 else base


# Latin letters (with Vietnamese and French accents) folded once; other scripts pass unchanged.
_FOLD = {cp: fold_char(chr(cp)) for cp in (*range(0x41, 0x250), *range(0x1E00, 0x1F00))
         if fold_char(chr(cp)) != chr(cp)}


def fold_same_length(text: str) -> str:
    """Accent-folded, lower-cased ``text`` with exactly one character per input character.

    Latin letters are folded (đ -> d, Ệ -> e); letters of other scripts are left as they are.
    """
    return text.translate(_FOLD)


def has_diacritics(word: str) -> bool:
    return fold_same_length(word) != word.lower()


def fold_pattern(pattern: str) -> str:
    """A regex with its literal letters accent-folded; escapes such as \\W or \\b are kept."""
    out, escaped = [], False
    for c in pattern:
        out.append(c if escaped or not c.isalpha() else fold_same_length(c))
        escaped = c == "\\" and not escaped
    return "".join(out)
