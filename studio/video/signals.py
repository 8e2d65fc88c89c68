"""Cheap media signals for highlight scoring: loudness per second, scene cuts, comment times.

All three stream through ffmpeg with bounded memory, so they work on multi-hour livestreams.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from pathlib import Path

import numpy as np

from studio.errors import MediaError
from studio.video.transcribe import decode_audio, ffmpeg_exe

CHUNK_S = 600.0


def loudness_profile(path: str | Path, duration: float) -> np.ndarray:
    """RMS level in dBFS of every whole second of audio (``-90`` for silence)."""
    levels: list[np.ndarray] = []
    pos = 0.0
    while pos < duration:
        length = min(CHUNK_S, duration - pos)
        audio = decode_audio(path, pos, length)
        seconds = len(audio) // 16_000
        if seconds:
            frames = audio[: seconds * 16_000].reshape(seconds, 16_000)
            rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
            levels.append(20 * np.log10(np.maximum(rms, 10 ** (-90 / 20))))
        pos += length
    return np.concatenate(levels) if levels else np.zeros(0)


_SCD = re.compile(r"lavfi\.scd\.score:\s*([\d.]+),\s*lavfi\.scd\.time:\s*([\d.]+)")


def scene_changes(path: str | Path, threshold: float = 8.0) -> list[float]:
    """Times (s) of scene cuts found by ffmpeg's ``scdet`` on a small, 5 fps copy of the video.

    Every frame must still be decoded (cuts rarely fall on key frames), but scaling to 160 px
    wide and sampling 5 frames a second keeps the detector's own cost negligible.
    """
    cmd = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-i", str(path), "-an", "-sn",
           "-vf", f"fps=5,scale=160:-2,scdet=threshold={threshold}", "-f", "null", "-"]
    proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace", check=False)
    if proc.returncode != 0:
        raise MediaError(f"ffmpeg could not scan {Path(path).name} for scene changes; check "
                         "that the video plays", key="video.error.scan")
    return [round(float(m.group(2)), 3) for m in _SCD.finditer(proc.stderr)]


_CLOCK = re.compile(r"\b(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:[.,](\d+))?\b")


def _seconds(token: str) -> float | None:
    token = token.strip()
    match = _CLOCK.search(token)
    if match:
        h, m, s, frac = match.groups()
        return int(h or 0) * 3600 + int(m) * 60 + int(s) + float(f"0.{frac}" if frac else 0)
    try:
        value = float(token)
    except ValueError:
        return None
    return value if value >= 0 else None


def load_comment_times(path: str | Path) -> list[float]:
    """Comment or order times from a file: JSON list (numbers or objects with ``time``/``t``),
    CSV/TXT with a time (``HH:MM:SS``, ``MM:SS`` or seconds) in the first column.

    Raises:
        MediaError: no time could be read (says which formats work).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise MediaError(f"cannot read the comment file {path.name} as UTF-8 text; export it "
                         "as CSV or JSON", key="video.error.comments") from exc
    times: list[float] = []
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, list):
        for item in data:
            raw = item.get("time", item.get("t")) if isinstance(item, dict) else item
            value = _seconds(str(raw)) if raw is not None else None
            if value is not None:
                times.append(value)
    else:
        for row in csv.reader(io.StringIO(text)):
            if row:
                value = _seconds(row[0])
                if value is not None:
                    times.append(value)
    if not times:
        raise MediaError(f"no comment times found in {path.name}; put one time per line "
                         "(HH:MM:SS, MM:SS or seconds) in the first column, or a JSON list",
                         key="video.error.comments")
    return sorted(times)
