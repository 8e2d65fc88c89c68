"""Phrase banks of the offline composer and the slots they are filled from.

A bank (``prompts/writing/phrases/<lang>.json``) holds sentence templates with ``{slot}``
placeholders. Slots are computed from the fact sheet only; a template whose slot is empty is
dropped, so a missing fact removes a sentence instead of inviting an invented one. Fixed text in the
banks holds no number, price, rating, certification or place name.
"""

from __future__ import annotations

import json
import re
import string
import unicodedata
from functools import cache
from pathlib import Path

from studio.catalog.schema import ALLERGENS
from studio.errors import ConfigError
from studio.i18n import nfc
from studio.writing.fit import limit_words

PHRASES_DIR = Path(__file__).resolve().parents[2] / "prompts" / "writing" / "phrases"
LANGS = ("vi", "en", "fr")
_FORMATTER = string.Formatter()
# Letters only Vietnamese uses: a value still holding one was not rendered by the glossary.
_VI_ONLY = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ]|[\u0300-\u0323]")
MAX_FACT_WORDS = 60  # one free-text fact never turns into a wall of text
NOT_TEMPLATES = ("_about", "glossary", "units", "vocabulary")


@cache
def bank(lang: str) -> dict:
    """The phrase bank of ``lang`` (validated: every template's slots are known)."""
    path = PHRASES_DIR / f"{lang}.json"
    if not path.is_file():
        raise ConfigError(f"no phrase bank {path}; the offline composer writes {', '.join(LANGS)}")
    data = json.loads(path.read_text(encoding="utf-8"))
    for template in _templates(data):
        for _, slot, _, _ in _FORMATTER.parse(template):
            if slot is not None and slot not in SLOTS:
                raise ConfigError(f"{path.name}: unknown slot {{{slot}}} in {template!r}; "
                                  f"known slots: {', '.join(sorted(SLOTS))}")
    return data


def _templates(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [t for item in node for t in _templates(item)]
    if isinstance(node, dict):
        return [t for key, item in node.items() if key not in NOT_TEMPLATES
                for t in _templates(item)]
    return []


SLOTS = {
    "name", "producer", "producer_kind", "place", "origin", "province", "stars", "stars_label",
    "level", "group", "category", "certs", "trace_url", "trace_code", "price", "unit",
    "net_quantity", "shelf_life", "storage", "usage", "ingredients", "steps", "allergens",
    "story_maker", "story_process", "story_place", "story_community", "code", "product_list",
    "amount", "text", "q", "a", "steps_told", "ingredients_said", "usage_said", "storage_said",
    "cert_notes", "workshop_place", "ocop_year",
}


def fill(template: str, slots: dict[str, str]) -> str | None:
    """``template`` with its slots filled, or None when any slot is empty."""
    names = [slot for _, slot, _, _ in _FORMATTER.parse(template) if slot is not None]
    if any(not slots.get(name) for name in names):
        return None
    text = template.format(**{name: slots[name] for name in names})
    return nfc(text)


def render(items: list, slots: dict[str, str]) -> list[str]:
    """The sentences of ``items`` (strings or ``{"any": [...]}``) whose slots are all filled."""
    out = []
    for item in items:
        choices = item["any"] if isinstance(item, dict) else [item]
        for choice in choices:
            sentence = fill(choice, slots)
            if sentence:
                out.append(sentence)
                break
    return out


# -- slots from a fact sheet ------------------------------------------------------------------
def _clean(value: object) -> str:
    """A fact value as one line of text ('#' removed: hashtags are made by the composer only)."""
    if value is None:
        return ""
    text = nfc(str(value)).replace("#", " ")
    text = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)
    return re.sub(r"\s+", " ", text).strip()


def sentence(value: object) -> str:
    """A free-text fact as a sentence: trimmed, at most MAX_FACT_WORDS words, end punctuation."""
    text = limit_words(_clean(value), MAX_FACT_WORDS)
    if text and text[-1] not in ".!?…":
        text += "."
    return text


def phrase(value: object) -> str:
    """A fact value used inside a sentence: no end punctuation, first letter kept."""
    return limit_words(_clean(value), MAX_FACT_WORDS).rstrip(" .;")


def localize(value: object, lang: str, table: str = "glossary") -> str:
    """A short Vietnamese value (unit, duration, quantity) in ``lang`` through the glossary.

    Vietnamese text is returned as is; for another language the value comes back only when the
    glossary renders every word, else "" (the sentence using it is dropped, nothing is guessed).
    """
    text = phrase(value)
    if lang == "vi" or not text:
        return text
    glossary: dict[str, str] = bank(lang)[table]
    if not glossary:
        return "" if _VI_ONLY.search(text) else text
    pattern = _glossary_pattern(lang, table)
    marked = pattern.sub(lambda m: "\x00" * len(m.group()), text)
    if re.search(r"[^\W\d_]", marked.replace("\x00", "")):
        return ""  # a word the glossary does not know: leave the value out
    return pattern.sub(lambda m: glossary[m.group().casefold()], text)


@cache
def _glossary_pattern(lang: str, table: str) -> re.Pattern:
    keys = sorted(bank(lang)[table], key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(k) for k in keys) + r")(?!\w)",
                      re.IGNORECASE)


def price_text(amount: int | None, lang: str) -> str:
    if amount is None:
        return ""
    if lang == "vi":
        digits = f"{amount:,}".replace(",", ".")
    elif lang == "fr":
        digits = f"{amount:,}".replace(",", "\u202f")
    else:
        digits = f"{amount:,}"
    return bank(lang)["price"].format(amount=digits)


def slots(facts: dict, lang: str) -> dict[str, str]:
    """Every slot value for ``lang`` from the fact sheet ``facts`` (empty when not known)."""
    b = bank(lang)
    names = facts.get("names") or {}
    producer = facts.get("producer") or {}
    ocop = facts.get("ocop") or {}
    story = facts.get("story") or {}
    trace = facts.get("traceability") or {}
    place = ", ".join(p for p in (_clean(producer.get(k)) for k in
                                  ("commune", "district", "province")) if p)
    quote = b["quote"]
    out = {
        "name": _clean(names.get(lang)) or _clean(names.get("vi")),
        "producer": _clean(producer.get("name")),
        "producer_kind": b["producer_kind"].get(producer.get("kind") or "", ""),
        "place": place or (_clean(facts.get("origin")) if lang == "vi" else ""),
        "origin": _clean(facts.get("origin")) or place,
        "province": _clean(producer.get("province")),
        "stars": str(ocop["stars"]) if ocop.get("stars") else "",
        "level": b["level"].get(ocop.get("level") or "", ""),
        "group": b["group"].get(ocop.get("group") or "", ""),
        "category": localize(facts.get("category"), lang),
        "certs": ", ".join(_clean(c) for c in facts.get("certifications") or [] if _clean(c)),
        "trace_url": _clean(trace.get("url")),
        "trace_code": _clean(trace.get("code")),
        "price": price_text(facts.get("price_vnd"), lang),
        "unit": localize(facts.get("unit"), lang, "units"),
        "net_quantity": localize(facts.get("net_quantity"), lang),
        "shelf_life": localize(facts.get("shelf_life"), lang),
        "storage": localize(facts.get("storage"), lang),
        "usage": localize(facts.get("usage"), lang),
        "ingredients": localize(facts.get("ingredients"), lang),
        "steps": _steps(facts.get("process_steps") or [], lang, b["list_sep"]),
        "allergens": _allergens(facts.get("allergens") or [], lang),
        "code": _order_code(facts),
    }
    out["stars_label"] = b["stars"].format(stars=out["stars"]) if out["stars"] else ""
    year = re.match(r"(\d{4})-\d{2}-\d{2}", _clean(ocop.get("cert_date")))
    out["ocop_year"] = year.group(1) if year and out["stars"] else ""
    # the producer's own address, when it says more than the product's origin
    out["workshop_place"] = place if place and _clean(facts.get("origin")) != place else ""
    out["steps_told"] = _steps_told(facts.get("process_steps") or [], lang)
    for key in ("ingredients", "usage", "storage"):
        out[f"{key}_said"] = _said(facts.get(key), lang)
    out["cert_notes"] = " ".join(dict.fromkeys(
        note for c in facts.get("certifications") or []
        if (note := b.get("cert_notes", {}).get(_clean(c).casefold().replace(" ", "")))))
    for key in ("maker", "process", "place", "community"):
        text = sentence(story.get(key))
        out[f"story_{key}"] = (text if lang == "vi" or not text
                               else quote.format(text=text))
    return out


def _steps(steps: list, lang: str, sep: str) -> str:
    rendered = [localize(s, lang) for s in steps]
    if not rendered or not all(rendered):
        return ""
    rendered = [s[:1].lower() + s[1:] if lang == "vi" else s for s in rendered]
    return sep.join(rendered)


def _said(value: object, lang: str) -> str:
    """A free-text fact in ``lang``: through the glossary, else quoted as the producer wrote it."""
    text = phrase(value)
    if not text or lang == "vi":
        return text
    return localize(value, lang) or bank(lang)["quote"].format(text=text)


def _steps_told(steps: list, lang: str) -> str:
    """The process steps one sentence each ("First, … Next, … Finally, …"), from the bank's
    ``steps_told`` words; a step the glossary cannot render is quoted as written."""
    told = bank(lang).get("steps_told") or {}
    parts = [p for p in (phrase(s) for s in steps) if p]
    if len(parts) < 2 or not told:
        return ""
    nexts = told["next"] if isinstance(told["next"], list) else [told["next"]]
    out = []
    for i, part in enumerate(parts):
        template = (told["first"] if i == 0 else told["last"] if i == len(parts) - 1
                    else nexts[(i - 1) % len(nexts)])
        if lang == "vi":
            text = part[:1].lower() + part[1:] + "."
        else:
            text = localize(part, lang)
            text = text + "." if text else bank(lang)["quote"].format(text=part + ".")
        out.append(template.format(text=text))
    return " ".join(out)


def _allergens(codes: list, lang: str) -> str:
    labels = []
    for code in codes:
        entry = ALLERGENS.get(code)
        if entry is None:
            continue
        label = bank(lang)["allergens"].get(code) or entry.get(lang) or ""
        if label:
            labels.append(label)
    return ", ".join(labels)


def _order_code(facts: dict) -> str:
    """A comment-to-order code: a short alias like 'A1' when the sheet has one."""
    for alias in facts.get("aliases") or []:
        if re.fullmatch(r"[A-Z]{1,3}\d{1,3}", _clean(alias)):
            return _clean(alias)
    return ""
