"""Thumbnail: the sharpest frame of a clip (Laplacian variance), preferring one with a face,
with the title drawn on it in the shipped font."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from studio.errors import MediaError
from studio.fonts import font_path
from studio.video.crop import detect_faces, small_frames
from studio.video.probe import probe
from studio.video.transcribe import ffmpeg_exe

SAMPLE_FPS = 2.0


def sharpness(gray: np.ndarray) -> float:
    """Variance of the Laplacian: high for crisp frames, low for blurred or flat ones."""
    import cv2

    return float(cv2.Laplacian(gray, cv2.CV_64F).var())


def best_frame_time(path: str | Path) -> tuple[float, bool]:
    """(time, has_face) of the best frame: the sharpest with a face, else the sharpest."""
    info = probe(path)
    best: tuple[float, float, bool] | None = None
    for i, gray in enumerate(small_frames(path, 0.0, info.duration, info.width, info.height,
                                          fps=SAMPLE_FPS, width=360)):
        face = bool(detect_faces(gray))
        score = sharpness(gray) * (3.0 if face else 1.0)
        if best is None or score > best[1]:
            best = (i / SAMPLE_FPS, score, face)
    if best is None:
        raise MediaError(f"no frame could be read from {Path(path).name}; render the clip again",
                         key="video.error.no_frame")
    return best[0], best[2]


def make_thumbnail(clip: str | Path, out: str | Path, title: str = "") -> dict:
    """Write a JPEG thumbnail of ``clip`` to ``out`` with ``title`` drawn near the bottom."""
    from PIL import Image, ImageDraw, ImageFont

    at, face = best_frame_time(clip)
    cmd = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-ss", f"{at:.2f}",
           "-i", str(clip), "-frames:v", "1", "-f", "image2pipe", "-vcodec", "png", "-"]
    proc = subprocess.run(cmd, capture_output=True, check=False)
    if proc.returncode != 0 or not proc.stdout:
        raise MediaError(f"could not read a frame of {Path(clip).name}; render it again",
                         key="video.error.no_frame")
    import io

    img = Image.open(io.BytesIO(proc.stdout)).convert("RGB")
    if title:
        draw = ImageDraw.Draw(img, "RGBA")
        size = max(24, img.width // 14)
        font = ImageFont.truetype(str(font_path(bold=True)), size)
        lines = _wrap(draw, title, font, img.width * 0.86)
        height = len(lines) * int(size * 1.3) + size
        top = int(img.height * 0.72)
        draw.rectangle([0, top, img.width, top + height], fill=(0, 0, 0, 150))
        y = top + size // 2
        for line in lines:
            w = draw.textlength(line, font=font)
            draw.text(((img.width - w) / 2, y), line, font=font, fill=(255, 255, 255))
            y += int(size * 1.3)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    img.save(out, "JPEG", quality=88)
    return {"file": str(out), "time": at, "face": face, "width": img.width,
            "height": img.height}


def _wrap(draw, text: str, font, max_width: float) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if draw.textlength(trial, font=font) <= max_width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines[:3]
