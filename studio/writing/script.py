"""Livestream scripts: timed segments with cue lines, likely questions, disclosures.

Segments follow live-selling practice: a hook in the first minutes (greeting by name, what is on
today, the advertising disclosure that Vietnam's Advertising Law as amended by Law 75/2025/QH15,
Art. 15a, asks of livestream sellers), then per product story → demonstration → offer, then Q&A,
buying and delivery, closing. For a health-protection food the Decree 15/2018 Art. 27(3)
sentence is read aloud in that product's offer segment.

A product counts as a health-protection food (thực phẩm bảo vệ sức khỏe) when its category or one
of its certifications says so (see :func:`is_health_protection_food`).
"""

from __future__ import annotations

import re

from studio.errors import StudioError
from studio.i18n import fold
from studio.writing.fit import truncate
from studio.writing.phrases import bank, fill, render, slots

MIN_MINUTES, MAX_MINUTES = 1, 240
MAX_PRODUCTS = 20
LIVE_TITLE_MAX = 32  # TikTok LIVE titles
HOOK_MAX_S = 120  # the hook always ends within the first two minutes
# Share of the whole live per segment kind (product segments share theirs among products).
WEIGHTS = {"hook": 0.08, "story": 0.16, "demo": 0.20, "offer": 0.12, "qa": 0.22,
           "buying": 0.12, "closing": 0.10}
HEALTH_FOOD_MARKERS = ("thuc pham bao ve suc khoe", "tpbvsk", "health protection food",
                       "health-protection food", "health supplement", "dietary supplement",
                       "complement alimentaire")
CUES = ("[SHOW]", "[PIN COMMENT]", "[FLASH SALE]")


class ScriptError(StudioError):
    """The script request is not usable."""


def is_health_protection_food(facts: dict) -> bool:
    """True when the category or a certification marks the product as health-protection food.

    Decree 15/2018 defines the class; the fact sheet has no dedicated field, so the producer marks
    it by writing "Thực phẩm bảo vệ sức khỏe" (or TPBVSK) in the category, or listing the
    product-declaration certificate ("TPBVSK ...") among the certifications. English and French
    spellings ("health-protection food", "complément alimentaire") count too.
    """
    texts = [facts.get("category") or "", *(facts.get("certifications") or [])]
    folded = [re.sub(r"[\s_]+", " ", fold(t)) for t in texts]
    return any(marker in t for t in folded for marker in HEALTH_FOOD_MARKERS)


def plan(product_count: int, minutes: int) -> list[tuple[str, int, int]]:
    """(segment kind, product index or -1, duration in seconds) summing to ``minutes``."""
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise ScriptError(f"a live script must last {MIN_MINUTES} to {MAX_MINUTES} minutes "
                          f"(got {minutes}); pass --minutes in that range")
    if not 1 <= product_count <= MAX_PRODUCTS:
        raise ScriptError(f"a live script takes 1 to {MAX_PRODUCTS} products (got "
                          f"{product_count}); pass that many --product slugs")
    total = minutes * 60
    needed = (4 + 3 * product_count) * 5
    if total < needed:
        raise ScriptError(f"{minutes} minute(s) is too short for {product_count} product(s); "
                          f"give at least {-(-needed // 60)} minutes")
    kinds: list[tuple[str, int, float]] = [("hook", -1, WEIGHTS["hook"])]
    for i in range(product_count):
        kinds += [(k, i, WEIGHTS[k] / product_count) for k in ("story", "demo", "offer")]
    kinds += [(k, -1, WEIGHTS[k]) for k in ("qa", "buying", "closing")]
    durations = [max(5, int(round(total * w / 5)) * 5) for _, _, w in kinds]
    durations[0] = min(durations[0], HOOK_MAX_S)
    # Keep the sum exact: the Q&A segment absorbs the rounding.
    qa = next(i for i, (k, _, _) in enumerate(kinds) if k == "qa")
    durations[qa] = max(5, durations[qa] + total - sum(durations))
    while sum(durations) > total:  # very short lives: trim the longest segments
        longest = max(range(len(durations)), key=durations.__getitem__)
        durations[longest] -= min(5, sum(durations) - total)
    return [(k, i, d) for (k, i, _), d in zip(kinds, durations, strict=True)]


def compose_script(products: list[dict], lang: str, minutes: int) -> dict:
    """The offline live script for ``products`` (fact sheets) lasting ``minutes``."""
    b = bank(lang)["script"]
    per = [slots(f, lang) for f in products]
    shared = dict(per[0])
    shared["product_list"] = ", ".join(s["name"] for s in per if s["name"])
    segments, start = [], 0
    for kind, index, duration in plan(len(products), minutes):
        s = per[index] if index >= 0 else shared
        lines = _lines(kind, index, products, per, b)
        title = fill(b["segments"][kind], s) or b["segments"][kind].split(":")[0]
        segments.append({"key": kind, "product": products[index]["slug"] if index >= 0 else "",
                         "title": title, "start_s": start, "duration_s": duration,
                         "lines": lines})
        start += duration
    questions = [dict(q, product=f["slug"]) for f, s in zip(products, per, strict=True)
                 for q in _questions(s, b)]
    for seg in segments:
        if seg["key"] == "qa":
            seg["lines"] += [fill(b["qa_line"], {"q": q["q"], "a": q["a"]}) for q in questions]
    return {"title": truncate(fill(b["title"], shared) or shared["name"], LIVE_TITLE_MAX),
            "notes": b["notes"], "minutes": minutes, "segments": segments,
            "questions": questions,
            "health_warning": any(is_health_protection_food(f) for f in products)}


def _lines(kind: str, index: int, products: list[dict], per: list[dict], b: dict) -> list[str]:
    if kind in ("story", "demo", "offer"):
        lines = render(b[kind], per[index])
        if kind == "offer" and is_health_protection_food(products[index]):
            lines.insert(1, b["health_warning"])
        return lines
    if kind == "qa":
        return render(b["qa_intro"], per[0])
    if kind == "buying":
        return [line for s in per for line in render(b["buying"][:1], s)] + \
            render(b["buying"][1:], per[0])
    shared = dict(per[0], product_list=", ".join(s["name"] for s in per if s["name"]))
    return render(b[kind], shared)


def _questions(s: dict, b: dict) -> list[dict]:
    out = []
    for question, answer in b["questions"]:
        q = fill(question, s)
        a = render([answer], s)
        if q and a:
            out.append({"q": q, "a": a[0]})
    return out


def script_text(script: dict) -> str:
    """The script as plain text: timed headings, then the lines (for copy and download)."""
    out = [script["title"], "", script["notes"], ""]
    for seg in script["segments"]:
        end = seg["start_s"] + seg["duration_s"]
        out.append(f"[{clock(seg['start_s'])}–{clock(end)}] {seg['title']}")
        out += [f"  {line}" for line in seg["lines"]]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60:02d}:{seconds % 60:02d}"
