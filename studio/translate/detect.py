"""Language codes the studio accepts, and detection of the input's language.

Detection catches a wrong source language (English text sent as Vietnamese) before an engine
turns it into nonsense. langdetect is random by default; it is seeded so a text always gets the
same answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from threading import Lock

from studio.errors import Problem, ValidationFailed

#: ISO 639-1 codes the studio offers, with their English names (engines may support fewer).
LANGUAGES: dict[str, str] = {
    "vi": "Vietnamese", "en": "English", "fr": "French", "de": "German", "es": "Spanish",
    "it": "Italian", "pt": "Portuguese", "nl": "Dutch", "ru": "Russian", "ja": "Japanese",
    "ko": "Korean", "zh": "Chinese", "th": "Thai", "id": "Indonesian", "ms": "Malay",
    "km": "Khmer", "lo": "Lao",
}
# Below this many letters langdetect guesses; better say nothing than warn wrongly.
MIN_LETTERS = 20
MIN_CONFIDENCE = 0.90
_lock = Lock()
_seeded = False


def check_lang(code: str, field: str) -> str:
    """``code`` lower-cased when the studio knows it, else ValidationFailed naming the choices."""
    value = (code or "").strip().lower()
    if value not in LANGUAGES:
        raise ValidationFailed(
            [Problem(field, "lang_unknown", {"value": code, "known": ", ".join(LANGUAGES)})],
            f"unknown language code {code!r} for {field}: use one of {', '.join(LANGUAGES)}")
    return value


def check_pair(source: str, target: str) -> tuple[str, str]:
    """Both codes checked, and different from each other."""
    source, target = check_lang(source, "--from"), check_lang(target, "--to")
    if source == target:
        raise ValidationFailed([Problem("--to", "same_lang", {"value": target})],
                               f"--from and --to are both {target!r}: choose two languages")
    return source, target


@dataclass(frozen=True)
class Detection:
    lang: str | None
    confidence: float


def detect(text: str) -> Detection:
    """The most likely language of ``text`` (None when the text is too short to tell)."""
    global _seeded
    letters = re.sub(r"[\W\d_]+", "", text)
    if len(letters) < MIN_LETTERS:
        return Detection(None, 0.0)
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    with _lock:  # the factory is module state; seed once, detect one at a time
        if not _seeded:
            DetectorFactory.seed = 0
            _seeded = True
        try:
            best = detect_langs(text)[0]
        except LangDetectException:
            return Detection(None, 0.0)
    lang = best.lang.split("-")[0]
    return Detection(lang, round(best.prob, 3))


def source_warning(text: str, declared: str) -> str | None:
    """A one-line warning when ``text`` clearly is not in the ``declared`` language."""
    found = detect(text)
    if found.lang is None or found.lang == declared or found.confidence < MIN_CONFIDENCE:
        return None
    name = LANGUAGES.get(found.lang, found.lang)
    return (f"the text looks like {name} ({found.lang}), not {LANGUAGES.get(declared, declared)}; "
            f"check --from")
