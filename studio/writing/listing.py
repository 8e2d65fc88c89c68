"""Channel listings: composed from the facts, then fitted inside the channel's hard limits.

``fit_listing`` is applied to every engine's output (offline or LLM), so no listing ever leaves
the writer over a limit: text is cut on word boundaries, list fields are cut to their count, and
a channel's forbidden content is removed from the fields it applies to.
"""

from __future__ import annotations

from studio.writing.fit import (
    hashtag,
    join_lines,
    join_within,
    scrub,
    squash,
    tag,
    truncate,
    truncate_bytes,
    unique,
)
from studio.writing.limits import ChannelLimits, get_limits
from studio.writing.phrases import bank, render, slots
from studio.writing.story import compose_story

# Which fields each channel's listing has (all are checked by check_limits).
CHANNEL_FIELDS = {
    "shopee": ("title", "description"),
    "lazada": ("title", "description"),
    "tiktokshop": ("title", "description"),
    "facebook": ("caption", "hashtags"),
    "instagram": ("caption", "hashtags"),
    "tiktok": ("caption", "hashtags"),
    "zalo": ("title", "description", "author", "body"),
    "amazon": ("title", "bullets", "description"),
    "etsy": ("title", "description", "tags"),
    "youtube": ("title", "description", "tags"),
}
DEFAULT_HASHTAGS = 5
DEFAULT_TAGS = 13
BULLETS = 5
LIST_FIELDS = ("bullets", "tags", "hashtags")


def compose_listing(facts: dict, lang: str, channel: str) -> dict:
    """The offline listing of one product for ``channel`` in ``lang``, inside its limits."""
    lim = get_limits(channel)
    s = slots(facts, lang)
    b = bank(lang)["listing"]
    story = compose_story(facts, lang)
    details = render(b["details"], s)
    raw = {
        "title": " – ".join(render(_title_parts(b["title_parts"], channel), s)),
        "description": "\n\n".join(p for p in (
            story["short"], b["details_heading"] + "\n" + "\n".join(f"- {d}" for d in details)
            if details else "") if p),
        "bullets": [" ".join(render(group, s)) for group in b["bullets"]],
        "tags": _tags(facts, s),
        "hashtags": _hashtags(facts, s),
        "author": render([b["author"]], s)[0] if render([b["author"]], s) else "",
        "body": story["long"],
    }
    hook = " ".join(render(b["caption_hook"], s))
    cta = " ".join(render(b["caption_cta"], s))
    raw["caption"] = "\n\n".join(p for p in (hook, story["short"], cta) if p)
    return fit_listing(raw, channel, limits=lim)


def _title_parts(parts: list[str], channel: str) -> list[str]:
    # TikTok Shop Vietnam: brand + type + material + features + quantity, no seller names.
    if channel == "tiktokshop":
        return [p for p in parts if p not in ("{producer}",)]
    return parts


def _tags(facts: dict, s: dict) -> list[str]:
    names = facts.get("names") or {}
    producer = facts.get("producer") or {}
    aliases = [a for a in facts.get("aliases") or [] if not s["code"] or a != s["code"]]
    candidates = [s["name"], names.get("vi") or "", s["category"],
                  s["group"], "ocop", *(facts.get("certifications") or []), s["producer"],
                  s["province"], producer.get("district") or "", producer.get("commune") or "",
                  *aliases]
    return [c for c in candidates if c]


def _hashtags(facts: dict, s: dict) -> list[str]:
    return [t for t in (hashtag(x) for x in ("OCOP", s["name"], s["province"], s["group"],
                                               *(facts.get("certifications") or [])[:1])) if t]


def fit_listing(raw: dict, channel: str, *, limits: ChannelLimits | None = None) -> dict:
    """``raw`` listing fields reduced to the channel's fields and fitted inside its limits."""
    lim = limits or get_limits(channel)
    wanted = CHANNEL_FIELDS[channel]
    out: dict = {}
    forbidden = {f: [r.pattern for r in lim.forbidden if f in r.fields] for f in wanted}
    hashtags = _fit_hashtags(raw.get("hashtags") or [], lim)
    for field in wanted:
        value = raw.get(field)
        if field == "hashtags":
            out[field] = hashtags
        elif field == "bullets":
            out[field] = _fit_bullets(value or [], lim, forbidden[field])
        elif field == "tags":
            out[field] = _fit_tags(value or [], lim)
        elif field == "caption":
            out[field] = _fit_caption(str(value or ""), hashtags, lim, forbidden[field])
        else:
            out[field] = _fit_text(field, str(value or ""), lim, forbidden[field])
    return out


def _fit_text(field: str, text: str, lim: ChannelLimits, patterns: list[str]) -> str:
    keep_lines = field in ("description", "body")
    text = text.replace("#", "") if field != "body" else text
    if patterns:
        text = "\n".join(scrub(line, patterns) for line in text.split("\n")) if keep_lines \
            else scrub(text, patterns)
    if not keep_lines:
        text = squash(text)
    limit = {"title": lim.title_advised or lim.title_max, "description": lim.description_max,
             "author": lim.author_max}.get(field)
    text = join_lines(text, limit) if keep_lines else truncate(text, limit)
    if keep_lines and text.endswith(":"):  # never end on a heading whose lines were cut
        text = text.rsplit("\n", 1)[0].rstrip() if "\n" in text else text
    if field == "description":
        text = truncate_bytes(text, lim.description_max_bytes)
    return text


def _fit_bullets(bullets: list[str], lim: ChannelLimits, patterns: list[str]) -> list[str]:
    count = lim.bullets_count or BULLETS
    out = []
    for bullet in bullets:
        text = squash(scrub(str(bullet), patterns) if patterns else str(bullet))
        text = truncate(text.replace("#", ""), lim.bullet_max)
        if text:
            out.append(text)
    return out[:count]


def _fit_tags(tags: list[str], lim: ChannelLimits) -> list[str]:
    fitted = unique([tag(str(t), lim.tag_max) for t in tags])
    fitted = [t for t in fitted if t][: lim.tags_count or DEFAULT_TAGS]
    if lim.tags_total_max is not None:
        kept: list[str] = []
        for t in fitted:
            total = sum(len(x) + (2 if " " in x else 0) for x in [*kept, t]) + len(kept)
            if total <= lim.tags_total_max:
                kept.append(t)
        fitted = kept
    return fitted


def _fit_hashtags(tags: list[str], lim: ChannelLimits) -> list[str]:
    fitted = unique([hashtag(str(t)) for t in tags])
    fitted = [t for t in fitted if len(t) > 1 and len(t) <= 60]
    return fitted[: lim.hashtags_max or DEFAULT_HASHTAGS]


def _fit_caption(text: str, hashtags: list[str], lim: ChannelLimits,
                 patterns: list[str]) -> str:
    """Caption text (no stray '#') plus the hashtags line, within caption_max."""
    body = text.replace("#", "")
    if patterns:
        body = scrub(body, patterns)
    tail = " ".join(hashtags)
    limit = lim.caption_max
    if limit is None:
        return "\n\n".join(p for p in (body.strip(), tail) if p)
    room = limit - (len(tail) + 2 if tail else 0)
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    if room <= 0:
        return truncate(join_within(paragraphs, limit, "\n\n"), limit)
    fitted = join_within(paragraphs, room, "\n\n")
    return "\n\n".join(p for p in (fitted, tail) if p)
