"""Channel listing limits (hard) from ``channel_limits.json``, and the check that applies them.

Every value in the data file cites its source; where a limit is uncertain the stricter value is
kept and the note says so. Lengths are counted in characters of the text as given (a non-NFC text
counts more characters, which only makes the check stricter; the unicode check flags it anyway).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from studio.errors import ConfigError, NotFound
from studio.writing.findings import Finding

DATA_FILE = Path(__file__).with_name("channel_limits.json")
FIELDS = ("title", "description", "bullets", "hashtags", "tags", "caption", "author")
LIST_FIELDS = ("bullets", "hashtags", "tags")
_HASHTAG = re.compile(r"#[^\s#.,;:!?()\[\]{}\"']+")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Forbidden:
    """Content a channel rejects in some fields."""

    fields: tuple[str, ...]
    pattern: str
    message: str


@dataclass(frozen=True)
class Source:
    field: str
    value: str
    source: str
    note: str = ""


@dataclass(frozen=True)
class ChannelLimits:
    """One channel's limits; ``None`` means the channel sets no limit we know of."""

    channel: str
    label: str
    title_min: int | None = None
    title_max: int | None = None
    title_advised: int | None = None
    description_min: int | None = None
    description_max: int | None = None
    description_max_bytes: int | None = None
    description_min_words: int | None = None
    bullets_count: int | None = None
    bullet_max: int | None = None
    hashtags_max: int | None = None
    tags_count: int | None = None
    tag_max: int | None = None
    tags_total_max: int | None = None
    caption_max: int | None = None
    caption_preview: int | None = None
    author_max: int | None = None
    forbidden: tuple[Forbidden, ...] = ()
    sources: tuple[Source, ...] = ()

    def source_for(self, field: str) -> str:
        """The cited source of ``field``'s limit (empty when none is cited)."""
        return next((s.source for s in self.sources if s.field == field), "")


@lru_cache(maxsize=1)
def _load() -> dict[str, ChannelLimits]:
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    known = {f.name for f in fields(ChannelLimits)} - {"channel"}
    out: dict[str, ChannelLimits] = {}
    for channel, entry in raw.items():
        if channel.startswith("_"):
            continue
        unknown = set(entry) - known
        if unknown:
            raise ConfigError(f"{DATA_FILE.name}: channel {channel!r} has unknown keys "
                              f"{sorted(unknown)}; use only {sorted(known)}")
        if not entry.get("sources"):
            raise ConfigError(f"{DATA_FILE.name}: channel {channel!r} cites no source; add one")
        forbidden = tuple(Forbidden(tuple(f["fields"]), f["pattern"], f["message"])
                          for f in entry.get("forbidden", []))
        for rule in forbidden:
            re.compile(rule.pattern)  # a bad pattern fails at load, not at check time
        sources = tuple(Source(**s) for s in entry["sources"])
        values = {k: v for k, v in entry.items() if k not in ("forbidden", "sources")}
        out[channel] = ChannelLimits(channel=channel, forbidden=forbidden, sources=sources,
                                     **values)
    return out


CHANNELS: list[str] = list(_load())


def get_limits(channel: str) -> ChannelLimits:
    """The limits of ``channel``; raises NotFound naming the valid channels."""
    table = _load()
    if channel not in table:
        raise NotFound(f"unknown channel {channel!r}; use one of {', '.join(table)}")
    return table[channel]


def _shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at a word boundary when there is one."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:-–")


def _items(value: str | list[str], field: str) -> list[tuple[str, int]]:
    """(item, offset) pairs of a list field; a string is split and offsets point into it."""
    if isinstance(value, (list, tuple)):
        return [(str(v), 0) for v in value]
    if field == "bullets":
        pattern = r"[^\n]+"
    elif field == "hashtags":
        pattern = r"[^\s,]+"
    else:
        pattern = r"[^,\n]+"
    out = []
    for m in re.finditer(pattern, value):
        item = m.group().strip().lstrip("-•*·").strip() if field == "bullets" else m.group()
        if not item.strip():
            continue
        offset = m.start() + m.group().find(item)
        out.append((item, offset))
    return out


class _Checker:
    """Collects the findings of one check_limits call."""

    def __init__(self, limits: ChannelLimits) -> None:
        self.lim = limits
        self.found: list[Finding] = []

    def rule(self, field: str, key: str) -> str:
        src = self.lim.source_for(field)
        return f"{self.lim.channel}.{key}" + (f" ({src})" if src else "")

    def over(self, field: str, key: str, text: str, base: int, limit: int | None,
             name: str = "", severity: str = "error") -> None:
        n = len(text)
        if limit is None or n <= limit:
            return
        verb = "allows at most" if severity == "error" else "advises at most"
        who = f"{name} " if name else ""
        self.found.append(Finding(
            "limit", severity, base + limit, base + n, text[limit:], self.rule(field, key),
            f"{field}: {who}has {n} characters; {self.lim.label} {verb} {limit} "
            f"(cut {n - limit})", _shorten(text, limit)))

    def under(self, field: str, key: str, text: str, limit: int | None) -> None:
        if limit is None or len(text) >= limit:
            return
        self.found.append(Finding(
            "limit", "error", 0, len(text), text, self.rule(field, key),
            f"{field}: has {len(text)} characters; {self.lim.label} needs at least {limit} "
            f"(add {limit - len(text)})"))

    def whole(self, field: str, key: str, text: str, message: str, start: int = 0,
              end: int | None = None, severity: str = "error", suggestion: str = "",
              base: int = 0) -> None:
        """A finding on ``text[start:end]``; ``base`` shifts offsets (an item in a string)."""
        end = len(text) if end is None else end
        self.found.append(Finding("limit", severity, base + start, base + end, text[start:end],
                                  self.rule(field, key), f"{field}: {message}", suggestion))


def _check_text_fields(c: _Checker, values: dict) -> None:
    lim = c.lim
    if (title := values.get("title")) is not None:
        c.over("title", "title_max", title, 0, lim.title_max)
        if lim.title_max is None or len(title) <= lim.title_max:
            c.over("title", "title_advised", title, 0, lim.title_advised, severity="warning")
        c.under("title", "title_min", title, lim.title_min)
    if (desc := values.get("description")) is not None:
        c.over("description", "description_max", desc, 0, lim.description_max)
        c.under("description", "description_min", desc, lim.description_min)
        size = len(desc.encode("utf-8"))
        if lim.description_max_bytes is not None and size > lim.description_max_bytes:
            cut = len(desc.encode("utf-8")[: lim.description_max_bytes].decode("utf-8", "ignore"))
            c.whole("description", "description_max_bytes", desc,
                    f"{size} bytes in UTF-8; {lim.label} allows at most "
                    f"{lim.description_max_bytes} bytes", start=cut,
                    suggestion=_shorten(desc, cut))
        words = len(_WORD.findall(desc))
        if lim.description_min_words is not None and words < lim.description_min_words:
            c.whole("description", "description_min_words", desc,
                    f"{words} words; {lim.label} needs at least {lim.description_min_words}")
    if (caption := values.get("caption")) is not None:
        c.over("caption", "caption_max", caption, 0, lim.caption_max)
        if lim.caption_preview is not None and len(caption) > lim.caption_preview:
            c.whole("caption", "caption_preview", caption,
                    f"only the first {lim.caption_preview} characters show before 'more'; "
                    "put the hook there", start=lim.caption_preview, severity="info")
    if (author := values.get("author")) is not None:
        c.over("author", "author_max", author, 0, lim.author_max)


def _check_lists(c: _Checker, values: dict) -> None:
    lim = c.lim
    if "bullets" in values:
        bullets = _items(values["bullets"], "bullets")
        for i, (item, base) in enumerate(bullets, 1):
            c.over("bullets", "bullet_max", item, base, lim.bullet_max, name=f"bullet {i}")
        if lim.bullets_count is not None and len(bullets) > lim.bullets_count:
            item, base = bullets[lim.bullets_count]
            c.whole("bullets", "bullets_count", item,
                    f"{len(bullets)} bullets; {lim.label} takes at most {lim.bullets_count} "
                    f"(remove from bullet {lim.bullets_count + 1})", base=base)
    if "tags" in values:
        tags = _items(values["tags"], "tags")
        for i, (item, base) in enumerate(tags, 1):
            c.over("tags", "tag_max", item.strip(), base, lim.tag_max, name=f"tag {i}")
        if lim.tags_count is not None and len(tags) > lim.tags_count:
            item, base = tags[lim.tags_count]
            c.whole("tags", "tags_count", item,
                    f"{len(tags)} tags; {lim.label} takes at most {lim.tags_count} "
                    f"(remove from tag {lim.tags_count + 1})", base=base)
        total = sum(len(t.strip()) + (2 if " " in t.strip() else 0) for t, _ in tags)
        total += max(len(tags) - 1, 0)
        if lim.tags_total_max is not None and total > lim.tags_total_max:
            item, base = tags[-1]
            c.whole("tags", "tags_total_max", item,
                    f"all tags together count {total} characters; {lim.label} allows "
                    f"{lim.tags_total_max}", base=base)
    _check_hashtags(c, values)


def _check_hashtags(c: _Checker, values: dict) -> None:
    limit = c.lim.hashtags_max
    if limit is None:
        return
    seen: list[str] = []
    where: list[tuple[str, str, int, int]] = []  # (field, text, start, end) of each new tag
    if "hashtags" in values:
        for item, base in _items(values["hashtags"], "hashtags"):
            tag = "#" + item.strip().lstrip("#").casefold()
            if tag != "#" and tag not in seen:
                seen.append(tag)
                where.append(("hashtags", item, base, base + len(item)))
    for field in ("caption", "description", "title"):
        text = values.get(field)
        if not isinstance(text, str):
            continue
        for m in _HASHTAG.finditer(text):
            tag = m.group().casefold()
            if tag not in seen:
                seen.append(tag)
                where.append((field, text, m.start(), m.end()))
    if len(seen) > limit:
        field, text, start, end = where[limit]
        end = max(e for f, _, _, e in where[limit:] if f == field)
        message = (f"{len(seen)} hashtags; {c.lim.label} allows at most {limit} "
                   f"(remove from hashtag {limit + 1})")
        if field == "hashtags" and isinstance(values["hashtags"], (list, tuple)):
            c.whole("hashtags", "hashtags_max", text, message)  # offsets inside that item
        else:
            c.whole(field, "hashtags_max", values[field], message, start=start, end=end)


def _check_forbidden(c: _Checker, values: dict) -> None:
    for rule in c.lim.forbidden:
        pattern = re.compile(rule.pattern)
        for field in rule.fields:
            if field not in values:
                continue
            value = values[field]
            parts = ([(value, 0, value)] if isinstance(value, str)
                     else [(item, 0, item) for item in value])
            for text, _base, _ in parts:
                for m in pattern.finditer(text):
                    c.whole(field, "forbidden", text, rule.message, start=m.start(),
                            end=m.end())


def check_limits(fields: dict[str, str | list[str]], channel: str) -> list[Finding]:
    """Hard limits of ``channel`` applied to a listing's fields.

    Args:
        fields: any of "title", "description", "bullets", "hashtags", "tags", "caption",
            "author". A list field is a list of strings (offsets are then inside each item) or
            one string (bullets one per line, tags split on commas or new lines, hashtags on
            spaces or commas; offsets then point into that string).
        channel: one of CHANNELS.

    Returns:
        Findings of kind "limit"; over-limit and forbidden content are errors, advice
        (Amazon's 80-character title, Instagram's 125-character preview) is a warning or info.
        Each message starts with the field name.
    """
    lim = get_limits(channel)
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise NotFound(f"unknown listing field(s) {sorted(unknown)}; use {', '.join(FIELDS)}")
    for name, value in fields.items():
        ok = isinstance(value, str) or (name in LIST_FIELDS and isinstance(value, (list, tuple))
                                         and all(isinstance(v, str) for v in value))
        if not ok:
            raise NotFound(f"listing field {name!r} must be text"
                           + (" or a list of texts" if name in LIST_FIELDS else ""))
    c = _Checker(lim)
    _check_text_fields(c, fields)
    _check_lists(c, fields)
    _check_forbidden(c, fields)
    return c.found
