"""Face-aware crop and thumbnails with OpenCV's Haar cascade (drawn faces, made by the test)."""

from __future__ import annotations

import subprocess

import cv2
import numpy as np
import pytest

from studio.video.crop import detect_faces, face_cascade, track_subject
from studio.video.thumbnail import best_frame_time

W, H, FPS, SECONDS = 640, 360, 10, 4


def draw_face(img: np.ndarray, cx: int, cy: int) -> None:
    cv2.ellipse(img, (cx, cy), (60, 80), 0, 0, 360, (150, 180, 220), -1)
    for dx in (-25, 25):
        cv2.ellipse(img, (cx + dx, cy - 20), (12, 7), 0, 0, 360, (255, 255, 255), -1)
        cv2.circle(img, (cx + dx, cy - 20), 5, (30, 20, 10), -1)
        cv2.line(img, (cx + dx - 14, cy - 35), (cx + dx + 14, cy - 37), (40, 30, 20), 4)
    cv2.line(img, (cx, cy - 10), (cx - 6, cy + 15), (110, 140, 180), 3)
    cv2.ellipse(img, (cx, cy + 35), (22, 8), 0, 0, 180, (60, 60, 150), 4)


def write_video(path, frames) -> None:
    import imageio_ffmpeg

    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-y", "-loglevel", "error", "-f",
           "rawvideo", "-pix_fmt", "bgr24", "-s", f"{W}x{H}", "-r", str(FPS), "-i", "-",
           "-c:v", "libx264", "-pix_fmt", "yuv420p", str(path)]
    subprocess.run(cmd, input=b"".join(f.tobytes() for f in frames), check=True, timeout=120)


@pytest.fixture(scope="module")
def walking_face(tmp_path_factory):
    """A face walking from the left third to the right third, on a plain background."""
    path = tmp_path_factory.mktemp("faces") / "walk.mp4"
    frames = []
    for i in range(FPS * SECONDS):
        img = np.full((H, W, 3), (90, 70, 50), np.uint8)
        draw_face(img, int(150 + 340 * i / (FPS * SECONDS - 1)), 180)
        frames.append(img)
    write_video(path, frames)
    return path


def test_the_cascade_is_shipped():
    assert face_cascade() is not None, "opencv-python-headless < 5 ships the Haar cascades"


def test_a_drawn_face_is_found_and_a_blank_frame_has_none():
    img = np.full((H, W, 3), (90, 70, 50), np.uint8)
    assert detect_faces(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)) == []
    draw_face(img, 320, 180)
    (x, _y, w, _h), *_ = detect_faces(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY))
    assert abs(x + w / 2 - 320) < 30


def test_the_crop_follows_the_face(walking_face):
    track = track_subject(walking_face, 0.0, SECONDS, W, H)
    assert track.faces > len(track.centers) // 2  # found by face, not by motion
    centers = track.centers  # smoothed, so they trail the face a little
    assert list(centers) == sorted(centers)
    assert centers[0] < W / 2 < centers[-1] and centers[-1] - centers[0] > 150


def test_the_thumbnail_prefers_a_frame_with_a_face(tmp_path):
    frames = []
    for i in range(FPS * SECONDS):
        img = np.full((H, W, 3), (90, 70, 50), np.uint8)
        # sharp texture everywhere; a face only in the second half
        img[::4, :] = (200, 200, 200)
        if i >= FPS * SECONDS // 2:
            draw_face(img, 320, 180)
        frames.append(img)
    path = tmp_path / "half.mp4"
    write_video(path, frames)
    at, has_face = best_frame_time(path)
    assert has_face and at >= SECONDS / 2 - 0.2
