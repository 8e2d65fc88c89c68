"""Transcript exports: SRT, WebVTT, plain text and JSON.

Segments are anything with ``start``, ``end``, ``text`` (and optionally ``words``) attributes or
keys, so database rows, :class:`studio.video.transcribe.Segment` and plain dicts all work.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

FORMATS = ("srt", "vtt", "txt", "json")


def _get(seg, name: str, default=None):
    return seg.get(name, default) if isinstance(seg, dict) else getattr(seg, name, default)


def _stamp(seconds: float, sep: str) -> str:
    ms = max(0, round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _clean(text: str) -> str:
    # A blank line ends a cue in both formats, and "-->" would start a new timing line.
    return " ".join((text or "").replace("-->", "→").split())


def _cues(segments: Iterable) -> list[tuple[float, float, str]]:
    cues = []
    for seg in segments:
        text = _clean(_get(seg, "text", ""))
        if text:
            start, end = float(_get(seg, "start")), float(_get(seg, "end"))
            cues.append((start, max(end, start + 0.01), text))
    return cues


def to_srt(segments: Iterable) -> str:
    blocks = [f"{i}\n{_stamp(a, ',')} --> {_stamp(b, ',')}\n{text}\n"
              for i, (a, b, text) in enumerate(_cues(segments), 1)]
    return "\n".join(blocks)


def to_vtt(segments: Iterable) -> str:
    blocks = [f"{_stamp(a, '.')} --> {_stamp(b, '.')}\n{text}\n" for a, b, text in _cues(segments)]
    return "WEBVTT\n\n" + "\n".join(blocks)


def to_txt(segments: Iterable) -> str:
    return "\n".join(text for _, _, text in _cues(segments)) + "\n"


def to_json(segments: Iterable, **extra) -> str:
    rows = [{"start": float(_get(s, "start")), "end": float(_get(s, "end")),
             "text": _get(s, "text", ""), "words": list(_get(s, "words", []) or [])}
            for s in segments]
    return json.dumps({**extra, "segments": rows}, ensure_ascii=False, indent=2)


def export(segments: Iterable, fmt: str, **extra) -> str:
    """The transcript as text in ``fmt`` (srt, vtt, txt or json)."""
    segments = list(segments)
    if fmt == "srt":
        return to_srt(segments)
    if fmt == "vtt":
        return to_vtt(segments)
    if fmt == "txt":
        return to_txt(segments)
    if fmt == "json":
        return to_json(segments, **extra)
    raise ValueError(f"unknown subtitle format {fmt!r}; use one of {', '.join(FORMATS)}")


def load_json(path: str | Path) -> list[dict]:
    """Segments from a transcript.json written by :func:`to_json` (or a bare list of them)."""
    from studio.errors import MediaError

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        rows = data["segments"] if isinstance(data, dict) else data
        segs = [{"start": float(r["start"]), "end": float(r["end"]), "text": str(r["text"]),
                 "words": list(r.get("words") or [])} for r in rows]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise MediaError(f"{Path(path).name} is not a transcript.json (a list of segments with "
                         "start, end and text); write one with 'python -m studio transcribe'",
                         key="video.error.transcript_file") from exc
    return segs
