"""Bilingual subtitles: translate transcript segments in batches, keep their timings and count,
write SRT, WebVTT and ASS (source line over translated line) for the clips renderer.

Input is the clips' transcript JSON: ``{"segments": [{"start", "end", "text", "words"}]}``.
Numbers and prices must come through unchanged: every segment is checked and flagged if not.
Files are written only after every segment is translated, each through a temporary file, so an
engine failure leaves the output folder as it was.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from studio.db.models import Workspace
from studio.errors import MediaError, NotFound, Problem, ValidationFailed
from studio.translate.engines import EngineOptions, Translator
from studio.translate.service import translate_texts

MAX_TRANSCRIPT_BYTES = 50 * 1024 * 1024
ASS_HEADER = """[Script Info]
ScriptType: v4.00+
PlayResX: 1080
PlayResY: 1920
WrapStyle: 0
ScaledBorderAndShadow: yes

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, \
Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, \
Alignment, MarginL, MarginR, MarginV, Encoding
Style: Source,Noto Sans,64,&H00FFFFFF,&H00FFFFFF,&H00000000,&H64000000,-1,0,0,0,100,100,0,0,\
1,4,0,2,60,60,260,1
Style: Translation,Noto Sans,52,&H0000E5FF,&H0000E5FF,&H00000000,&H64000000,0,0,0,0,100,100,\
0,0,1,4,0,2,60,60,260,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
"""


@dataclass
class Cue:
    start: float
    end: float
    source: str
    text: str
    problems: list[str] = field(default_factory=list)
    untranslated: bool = False


def load_transcript(path: Path) -> dict:
    """Read and check a transcript JSON file."""
    if not path.is_file():
        raise NotFound(f"transcript {path} does not exist; pass the JSON file the clips step "
                       "wrote")
    if path.stat().st_size > MAX_TRANSCRIPT_BYTES:
        raise MediaError(f"{path} is larger than {MAX_TRANSCRIPT_BYTES // 1024 // 1024} MB")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationFailed([Problem("-", "transcript_json", {"detail": str(exc)[:120]})],
                               f"{path} is not valid JSON ({exc}); pass the transcript file "
                               "the clips step wrote") from exc
    check_transcript(data)
    return data


def check_transcript(data: object) -> list[dict]:
    """The segments of ``data`` (the clips' ``{"segments": [...]}`` or a bare list of segments);
    ValidationFailed listing every bad segment."""
    if isinstance(data, list):
        data = {"segments": data}
    if not isinstance(data, dict) or not isinstance(data.get("segments"), list):
        raise ValidationFailed([Problem("segments", "transcript_shape", {})],
                               'the transcript must be {"segments": [{"start", "end", "text"}]}')
    problems = []
    for i, seg in enumerate(data["segments"], start=1):
        if not isinstance(seg, dict):
            problems.append(Problem("segment", "transcript_shape", {}, i))
            continue
        start, end = seg.get("start"), seg.get("end")
        numeric = all(isinstance(v, int | float) and not isinstance(v, bool)
                      and math.isfinite(v) for v in (start, end))
        if not numeric:
            problems.append(Problem("start/end", "transcript_time", {}, i))
        elif start < 0 or end < start:
            problems.append(Problem("start/end", "transcript_order",
                                    {"start": start, "end": end}, i))
        if not isinstance(seg.get("text"), str):
            problems.append(Problem("text", "required", {}, i))
    if not data["segments"]:
        problems.append(Problem("segments", "transcript_empty", {}))
    if problems:
        raise ValidationFailed(problems)
    return data["segments"]


def translate_segments(session: Session, ws: Workspace, transcript: dict | list, target: str,
                       source: str | None = None, engine: str | Translator = "offline",
                       options: EngineOptions | None = None,
                       on_progress: Callable[[int, int], None] | None = None,
                       ) -> tuple[list[Cue], list[str]]:
    """One cue per segment, timings unchanged; returns (cues, warnings)."""
    segments = check_transcript(transcript)
    meta = transcript if isinstance(transcript, dict) else {}
    source = source or meta.get("language") or meta.get("lang") or "vi"
    texts = [" ".join(seg["text"].split()) for seg in segments]
    result = translate_texts(session, ws, texts, source, target, engine, options, on_progress)
    cues = []
    for seg, item in zip(segments, result.items, strict=True):
        cues.append(Cue(float(seg["start"]), float(seg["end"]), item.source_text, item.text,
                        item.problems(), item.untranslated))
    return cues, result.warnings


def translation_lines(cues: list[Cue]) -> list[str]:
    """One translation per segment, in order, for the clips renderer's bilingual captions
    (empty where a segment stayed untranslated, so no line repeats the source)."""
    return ["" if c.untranslated else c.text for c in cues]


# -- writers ----------------------------------------------------------------------------------
def _clock(seconds: float, sep: str) -> str:
    ms = int(round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def to_srt(cues: list[Cue]) -> str:
    blocks = []
    for n, cue in enumerate(cues, start=1):
        lines = [_one_line(cue.source)]
        if not cue.untranslated and _one_line(cue.text) != lines[0]:
            lines.append(_one_line(cue.text))
        blocks.append(f"{n}\n{_clock(cue.start, ',')} --> {_clock(cue.end, ',')}\n"
                      + "\n".join(line or "…" for line in lines) + "\n")
    return "\n".join(blocks)


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(cues: list[Cue]) -> str:
    blocks = ["WEBVTT\n"]
    for n, cue in enumerate(cues, start=1):
        lines = [_one_line(cue.source)]
        if not cue.untranslated and _one_line(cue.text) != lines[0]:
            lines.append(_one_line(cue.text))
        body = "\n".join(_vtt_escape(line) or "…" for line in lines)
        blocks.append(f"{n}\n{_clock(cue.start, '.')} --> {_clock(cue.end, '.')}\n{body}\n")
    return "\n".join(blocks)


def _ass_clock(seconds: float) -> str:
    cs = int(round(seconds * 100))
    h, rest = divmod(cs, 360_000)
    m, rest = divmod(rest, 6000)
    s, cs = divmod(rest, 100)
    return f"{h:d}:{m:02d}:{s:02d}.{cs:02d}"


def _ass_escape(text: str) -> str:
    # Braces open override blocks and a backslash starts a tag in ASS: neutralise them.
    return _one_line(text).replace("\\", "⧵").replace("{", "(").replace("}", ")")


def to_ass(cues: list[Cue]) -> str:
    lines = [ASS_HEADER]
    for cue in cues:
        text = _ass_escape(cue.source)
        if not cue.untranslated and _one_line(cue.text) != _one_line(cue.source):
            text += r"\N{\rTranslation}" + _ass_escape(cue.text)
        lines.append(f"Dialogue: 0,{_ass_clock(cue.start)},{_ass_clock(cue.end)},Source,,0,0,0,,"
                     f"{text}\n")
    return "".join(lines)


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_subtitles(cues: list[Cue], out_dir: Path, stem: str, target: str) -> dict[str, Path]:
    """Write ``<stem>.<target>.srt|vtt|ass|json`` into ``out_dir``; returns the paths."""
    if out_dir.exists() and not out_dir.is_dir():
        raise MediaError(f"{out_dir} is a file, not a folder; pass a folder to --out")
    rendered = {
        "srt": to_srt(cues), "vtt": to_vtt(cues), "ass": to_ass(cues),
        "json": json.dumps({"target": target, "segments": [
            {"start": c.start, "end": c.end, "text": c.source, "translation": c.text,
             "untranslated": c.untranslated, "problems": c.problems} for c in cues]},
            ensure_ascii=False, indent=1),
    }
    paths = {ext: out_dir / f"{stem}.{target}.{ext}" for ext in rendered}
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for ext, text in rendered.items():
            _write_atomic(paths[ext], text)
    except OSError as exc:
        raise MediaError(f"cannot write the subtitles into {out_dir} ({exc.strerror or exc}); "
                         "choose another --out folder") from exc
    return paths
