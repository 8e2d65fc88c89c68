"""Subject-aware crop: where the seller is, over time, smoothed so the frame does not jitter.

Frames of the clip's range are decoded small (320 px wide, 2 per second). In each, the largest
face (OpenCV's Haar cascade, shipped with opencv) gives the subject's centre; without a face, the
centroid of motion (difference from the previous frame) does; without either, the last known
centre stays. The centre path is then median-filtered, smoothed forwards and backwards (no lag)
and held still while it moves less than a dead zone, and finally becomes a piecewise-linear
ffmpeg expression for the crop's x.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from studio.video.transcribe import ffmpeg_exe

SAMPLE_FPS = 2.0
SMALL_W = 320


@dataclass(frozen=True)
class Track:
    """Crop centre (source pixels) at times (seconds from the clip start)."""

    times: tuple[float, ...]
    centers: tuple[float, ...]
    faces: int
    motion: int


@lru_cache(maxsize=1)
def face_cascade():
    """OpenCV's frontal-face Haar cascade, or None when this OpenCV has none.

    OpenCV 5 dropped the Haar cascades (class and XML files) from opencv-python; with 4.x they
    ship in ``cv2.data.haarcascades``. Without them, tracking falls back to motion saliency.
    """
    import cv2

    if not hasattr(cv2, "CascadeClassifier"):
        return None
    xml = Path(getattr(cv2.data, "haarcascades", "")) / "haarcascade_frontalface_default.xml"
    if not xml.is_file():
        return None
    cascade = cv2.CascadeClassifier(str(xml))
    return None if cascade.empty() else cascade


def detect_faces(gray: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Faces (x, y, w, h) in a grey image, largest first (none without a cascade)."""
    cascade = face_cascade()
    if cascade is None:
        return []
    found = cascade.detectMultiScale(gray, scaleFactor=1.15, minNeighbors=5, minSize=(20, 20))
    return sorted((tuple(int(v) for v in f) for f in found), key=lambda f: -f[2] * f[3])


def small_frames(path: str | Path, start: float, duration: float, src_w: int, src_h: int,
                 fps: float = SAMPLE_FPS, width: int = SMALL_W):
    """Yield grey frames (height × width uint8) of the range, ``fps`` per second."""
    height = max(2, int(round(width * src_h / src_w / 2)) * 2)
    # Only 2 small frames a second are looked at: the deblocking filter is not worth running.
    # (Skipping non-reference frames is not safe: some encoders mark every frame so.)
    cmd = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error",
           "-skip_loop_filter", "all",
           "-ss", f"{start:.3f}", "-t", f"{duration:.3f}", "-i", str(path), "-an", "-sn",
           "-vf", f"fps={fps},scale={width}:{height},format=gray", "-f", "rawvideo", "-"]
    size = width * height
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as proc:
        while True:
            buf = proc.stdout.read(size)
            if len(buf) < size:
                break
            yield np.frombuffer(buf, np.uint8).reshape(height, width)


def track_subject(path: str | Path, start: float, duration: float, src_w: int,
                  src_h: int) -> Track:
    """The subject's horizontal centre over the range (see the module doc)."""
    import cv2

    raw: list[float | None] = []
    faces = motion = 0
    prev = None
    scale = src_w / SMALL_W
    for gray in small_frames(path, start, duration, src_w, src_h):
        found = detect_faces(gray)
        centre = None
        if found:
            x, _y, w, _h = found[0]
            centre, faces = (x + w / 2) * scale, faces + 1
        elif prev is not None:
            diff = cv2.absdiff(gray, prev)
            mask = (diff > 25).astype(np.float32)
            mass = mask.sum(axis=0)
            if mass.sum() > 0.002 * mask.size:
                centre = float((mass * np.arange(len(mass))).sum() / mass.sum()) * scale
                motion += 1
        prev = gray
        raw.append(centre)
    times = tuple(i / SAMPLE_FPS for i in range(len(raw)))
    return Track(times, tuple(smooth(raw, src_w)), faces, motion)


def smooth(raw: list[float | None], src_w: int, dead_zone: float = 0.04) -> list[float]:
    """Fill gaps, median-filter, smooth without lag, and hold still inside a dead zone."""
    if not raw:
        return []
    known = [c for c in raw if c is not None]
    first = known[0] if known else src_w / 2
    filled, last = [], first
    for c in raw:
        last = c if c is not None else last
        filled.append(last)
    arr = np.array(filled, dtype=float)
    if len(arr) >= 5:
        pad = np.pad(arr, 2, mode="edge")
        arr = np.array([np.median(pad[i:i + 5]) for i in range(len(arr))])
    alpha = 0.35
    for _ in range(2):  # forwards then backwards: no lag behind the subject
        for i in range(1, len(arr)):
            arr[i] = alpha * arr[i] + (1 - alpha) * arr[i - 1]
        arr = arr[::-1]
    held, anchor = [], arr[0]
    for c in arr:
        if abs(c - anchor) > dead_zone * src_w:
            anchor = c
        held.append(float(anchor))
    return held


def crop_x_points(track: Track, crop_w: int, src_w: int,
                  step: float = 1.0) -> list[tuple[float, float]]:
    """(time, left edge) every ``step`` seconds: the crop path, linear in between."""
    lo, hi = 0.0, float(src_w - crop_w)
    if not track.centers:
        return [(0.0, hi / 2)]
    every = max(1, int(round(step * SAMPLE_FPS)))
    return [(t, min(hi, max(lo, c - crop_w / 2)))
            for t, c in list(zip(track.times, track.centers, strict=True))[::every]]


def crop_x_expr(track: Track, crop_w: int, src_w: int, step: float = 1.0) -> str:
    """A piecewise-linear ffmpeg expression in ``t`` for the crop's left edge (quote it)."""
    pts = crop_x_points(track, crop_w, src_w, step)
    if len(pts) == 1 or all(abs(p[1] - pts[0][1]) < 1 for p in pts):
        return f"{pts[0][1]:.1f}"
    expr = f"{pts[-1][1]:.1f}"
    for (t0, x0), (t1, x1) in reversed(list(zip(pts, pts[1:], strict=False))):
        slope = (x1 - x0) / (t1 - t0)
        expr = f"if(lt(t,{t1:.2f}),{x0:.1f}+{slope:.3f}*(t-{t0:.2f}),{expr})"
    return expr
