"""Short captions with hashtags for clips and posts.

``caption(facts, lang, reasons=...)`` is the entry point other capabilities call (the clips
engine passes why a clip was picked, e.g. ``("price", "demo")``): the first known reason chooses
the lead sentence, the rest of the caption is the same grounded text.
"""

from __future__ import annotations

from collections.abc import Iterable

from studio.writing.fit import hashtag, join_within, unique
from studio.writing.limits import get_limits
from studio.writing.phrases import LANGS, bank, render, slots
from studio.writing.story import finish

REASONS = ("price", "story", "process", "place", "demo", "trust")
CAPTION_MAX = 300  # a short caption; a channel's own limit applies when smaller
HASHTAGS = 5


def caption(facts: dict, lang: str, reasons: Iterable[str] = (), *,
            channel: str | None = None, check: bool = True) -> dict:
    """{"caption": text with hashtags, "hashtags": [...], "findings": [...]} in ``lang``.

    Args:
        facts: the product's fact sheet (``studio.catalog.factsheet.facts``).
        lang: "vi", "en" or "fr".
        reasons: why the clip or post was chosen, best first; unknown reasons are ignored.
        channel: fit inside that channel's caption and hashtag limits too.
        check: run the writer's checks and add their findings (dicts with "field").
    """
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    s = slots(facts, lang)
    b = bank(lang)["caption"]
    reason = next((r for r in reasons if r in REASONS), "default")
    lead = render(b["lead"][reason], s) or render(b["lead"]["default"], s)
    cta = render(b["cta"], s)
    limit, max_tags = CAPTION_MAX, HASHTAGS
    if channel:
        lim = get_limits(channel)
        limit = min(limit, lim.caption_max or limit)
        max_tags = min(max_tags, lim.hashtags_max or max_tags)
    tags = unique([t for t in (hashtag(x) for x in ("OCOP", s["name"], s["province"],
                                                     *(facts.get("certifications") or [])[:1]))
                   if 1 < len(t) <= 40])[:max_tags]
    tail = " ".join(tags)
    room = max(0, limit - len(tail) - 1)
    text = join_within([finish(x, lang).replace("#", "") for x in [*lead, *cta]], room)
    out = {"caption": (text + (" " + tail if tail else "")).strip(), "hashtags": tags}
    if check:
        from studio.writing.service import check_texts

        out["findings"] = [{**f.to_dict(), "field": name} for name, f in
                           check_texts("caption", out, lang, (facts,), channel)]
    return out
