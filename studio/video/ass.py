"""ASS subtitle documents for libass: caption presets, bilingual lines, brand badges, titles.

Caption lines are cut from word timings into short lines (a vertical screen holds few words);
the karaoke preset fills each word as it is spoken (``\\kf``). Sizes scale with the frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PRESETS = ("clean", "boxed", "karaoke")
FONT = "Noto Sans"
MAX_WORDS, MAX_CHARS = 6, 30


@dataclass(frozen=True)
class Line:
    start: float
    end: float
    text: str
    words: tuple[tuple[float, float, str], ...] = ()
    translation: str = ""


def _get(seg, name, default=None):
    return seg.get(name, default) if isinstance(seg, dict) else getattr(seg, name, default)


def _time(t: float) -> str:
    cs = max(0, int(round(t * 100)))
    h, rest = divmod(cs, 360_000)
    m, rest = divmod(rest, 6000)
    s, cs = divmod(rest, 100)
    return f"{h}:{m:02d}:{s:02d}.{cs:02d}"


def escape(text: str) -> str:
    """Text safe inside an ASS event (no override blocks, no hard breaks from the source)."""
    text = text.replace("\\", "∖").replace("{", "(").replace("}", ")")
    return " ".join(text.split())


def caption_lines(segments, start: float, end: float,
                  translations: list[str] | None = None) -> list[Line]:
    """Lines for the range ``start..end`` with times relative to ``start``.

    With ``translations`` (one per segment, same order) each segment becomes one line carrying
    its translation; otherwise segments are cut into short lines at word timings.
    """
    lines: list[Line] = []
    for k, seg in enumerate(segments):
        s0, s1 = float(_get(seg, "start")), float(_get(seg, "end"))
        if s1 <= start or s0 >= end:
            continue
        text = (_get(seg, "text") or "").strip()
        if translations is not None:
            tr = translations[k] if k < len(translations) else ""
            lines.append(Line(max(s0, start) - start, min(s1, end) - start, text,
                              translation=tr or ""))
            continue
        words = [(float(w["start"]), float(w["end"]), w["word"].strip())
                 for w in (_get(seg, "words") or [])
                 if float(w["end"]) > start and float(w["start"]) < end and w["word"].strip()]
        if not words:
            lines.append(Line(max(s0, start) - start, min(s1, end) - start, text))
            continue
        group: list[tuple[float, float, str]] = []
        for w in words:
            group.append(w)
            chars = sum(len(x[2]) + 1 for x in group)
            if len(group) >= MAX_WORDS or chars >= MAX_CHARS or re.search(r"[.,?!;:]$", w[2]):
                lines.append(_line(group, start, end))
                group = []
        if group:
            lines.append(_line(group, start, end))
    # Close small gaps so captions do not flicker between lines.
    out = []
    for i, line in enumerate(lines):
        nxt = lines[i + 1].start if i + 1 < len(lines) else None
        stop = nxt if nxt is not None and 0 < nxt - line.end < 0.6 else line.end
        out.append(Line(line.start, max(stop, line.start + 0.3), line.text, line.words,
                        line.translation))
    return out


def _line(group, start: float, end: float) -> Line:
    words = tuple((max(a, start) - start, min(b, end) - start, w) for a, b, w in group)
    return Line(words[0][0], words[-1][1], " ".join(w for _, _, w in words), words)


def _styles(width: int, height: int, preset: str) -> list[str]:
    size = round(min(width, height) * 0.062)
    margin_v = round(height * (0.17 if height > width else 0.08))
    white, black, yellow = "&H00FFFFFF", "&H00000000", "&H0000E5FF"
    box = "&H64000000"
    # Name, Font, Size, Primary, Secondary, Outline, Back, Bold, Italic, Underline, StrikeOut,
    # ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL/R/V
    caption = {
        "clean": f"Caption,{FONT},{size},{white},{white},{black},{box},-1,0,0,0,100,100,0,0,1,"
                 f"{max(2, size // 16)},1,2,60,60,{margin_v},1",
        "boxed": f"Caption,{FONT},{size},{white},{white},{box},{box},-1,0,0,0,100,100,0,0,3,"
                 f"{max(4, size // 6)},0,2,60,60,{margin_v},1",
        "karaoke": f"Caption,{FONT},{size},{yellow},{white},{black},{box},-1,0,0,0,100,100,0,0,"
                   f"1,{max(2, size // 14)},1,2,60,60,{margin_v},1",
    }[preset]
    badge = round(size * 0.7)
    return [
        "Style: " + caption,
        f"Style: Product,{FONT},{badge},{white},{white},&H96000000,&H96000000,-1,0,0,0,100,100,"
        f"0,0,3,{max(4, badge // 4)},0,7,40,40,{round(height * 0.05)},1",
        f"Style: Price,{FONT},{badge},{white},{white},&H002030D0,&H002030D0,-1,0,0,0,100,100,0,"
        f"0,3,{max(4, badge // 4)},0,9,40,40,{round(height * 0.05)},1",
        f"Style: Title,{FONT},{round(size * 1.2)},{white},{white},{black},{box},-1,0,0,0,100,"
        f"100,0,0,1,{max(2, size // 12)},2,5,60,60,0,1",
    ]


@dataclass(frozen=True)
class Overlay:
    """Badges drawn for the whole clip, and title cards at given times."""

    product: str = ""
    price: str = ""
    titles: tuple[tuple[float, float, str], ...] = ()


def document(width: int, height: int, lines: list[Line], duration: float,
             preset: str = "boxed", overlay: Overlay | None = None) -> str:
    """A complete ASS file for a ``width``×``height`` clip of ``duration`` seconds."""
    if preset not in PRESETS:
        raise ValueError(f"unknown caption preset {preset!r}; use one of {', '.join(PRESETS)}")
    head = ["[Script Info]", "ScriptType: v4.00+", f"PlayResX: {width}",
            f"PlayResY: {height}", "WrapStyle: 0", "ScaledBorderAndShadow: yes", "",
            "[V4+ Styles]",
            "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, "
            "BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, "
            "BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
            *_styles(width, height, preset), "", "[Events]",
            "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text"]
    events = []
    for line in lines:
        events.append(_event(line.start, line.end, "Caption", _caption_text(line, preset)))
    overlay = overlay or Overlay()
    if overlay.product:
        events.append(_event(0, duration, "Product", escape(overlay.product)))
    if overlay.price:
        events.append(_event(0, duration, "Price", escape(overlay.price)))
    for a, b, text in overlay.titles:
        events.append(_event(a, b, "Title", escape(text)))
    return "\n".join(head + events) + "\n"


def _caption_text(line: Line, preset: str) -> str:
    if preset == "karaoke" and line.words:
        parts, cursor = [], line.start
        for a, b, w in line.words:
            lead = max(0, int(round((a - cursor) * 100)))
            if lead:
                parts.append(f"{{\\k{lead}}}")
            parts.append(f"{{\\kf{max(1, int(round((b - a) * 100)))}}}{escape(w)} ")
            cursor = b
        text = "".join(parts).rstrip()
    else:
        text = escape(line.text)
    if line.translation:
        text += "\\N{\\fscx80\\fscy80\\c&H00D0F0FF&}" + escape(line.translation)
    return text


def _event(a: float, b: float, style: str, text: str) -> str:
    return f"Dialogue: 0,{_time(a)},{_time(b)},{style},,0,0,0,,{text}"
