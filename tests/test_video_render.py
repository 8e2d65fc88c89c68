"""Clips rendered by ffmpeg: size, duration, audio, captions drawn, crop follows the subject."""

from __future__ import annotations

import re
import subprocess

import numpy as np
import pytest
from PIL import Image

from studio.errors import MediaError, StudioError
from studio.video.probe import probe
from studio.video.render import RenderOptions, render_clip
from studio.video.thumbnail import make_thumbnail
from tests.media import SUBJECT_RGB, ffmpeg

pytest_plugins = ("tests.media",)

pytestmark = pytest.mark.slow


def _segments(live) -> list[dict]:
    return [{"start": a, "end": b, "text": text, "words": []} for a, b, text in live.lines]


def frame(path, t: float) -> np.ndarray:
    out = subprocess.run([ffmpeg(), "-nostdin", "-loglevel", "error", "-ss", f"{t:.2f}", "-i",
                          str(path), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24",
                          "-"], capture_output=True, check=True).stdout
    info = probe(path)
    return np.frombuffer(out, np.uint8).reshape(info.height, info.width, 3)


def subject_mask(img: np.ndarray) -> np.ndarray:
    return (np.abs(img.astype(int) - np.array(SUBJECT_RGB)).sum(axis=2) < 60)


def test_vertical_clip_with_captions_follows_the_subject(live_vi, tmp_path):
    segs = _segments(live_vi)
    common = dict(product="Trà xạ đen Ô Diên", price="120.000đ")
    with_caps = render_clip(live_vi.path, tmp_path / "c.mp4", 2.0, 20.0, segs,
                            RenderOptions(captions="src", **common))
    bare = render_clip(live_vi.path, tmp_path / "n.mp4", 2.0, 20.0, segs,
                       RenderOptions(captions="none", **common))
    for result in (with_caps, bare):
        info = probe(result["file"])
        assert (info.width, info.height) == (1080, 1920)
        assert abs(info.duration - 18.0) <= 0.3
        assert info.has_audio and info.audio_codec == "aac" and info.video_codec == "h264"
    assert with_caps["motion"] > 10  # no face in this video: motion saliency led the crop
    # Captions are drawn: the caption band differs, the picture above it does not.
    a, b = frame(tmp_path / "c.mp4", 5.0), frame(tmp_path / "n.mp4", 5.0)
    band = slice(int(1920 * 0.6), int(1920 * 0.85))
    assert np.abs(a[band].astype(int) - b[band].astype(int)).mean() > 2.0
    assert np.abs(a[300:1000].astype(int) - b[300:1000].astype(int)).mean() < 1.0
    # The crop follows the moving subject: visible near the middle early and late.
    for t in (1.0, 17.0):
        mask = subject_mask(frame(tmp_path / "n.mp4", t))
        assert mask.sum() > 20_000, t
        centre = np.nonzero(mask)[1].mean()
        assert 1080 * 0.15 < centre < 1080 * 0.85, (t, centre)
    # A fixed centre crop would have missed it at the start (it is far left then).
    track = with_caps["track"]
    assert track[-1] - track[0] > 250


@pytest.mark.parametrize("aspect,size", [("1:1", (1080, 1080)), ("4:5", (1080, 1350)),
                                         ("16:9", (1920, 1080))])
def test_other_aspects(live_vi, tmp_path, aspect, size):
    out = render_clip(live_vi.path, tmp_path / "a.mp4", 10.0, 13.0, _segments(live_vi),
                      RenderOptions(aspect=aspect, preset="ultrafast"))
    info = probe(out["file"])
    assert (info.width, info.height) == size and abs(info.duration - 3.0) <= 0.3


def test_blur_fit_karaoke_bilingual_logo_cards_and_loudness(live_vi, tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGB", (200, 100), (255, 0, 0)).save(logo)
    card = tmp_path / "card.png"
    Image.new("RGB", (640, 640), (10, 120, 40)).save(card)
    segs = _segments(live_vi)
    words = [{"start": 5.4 + i * 0.4, "end": 5.7 + i * 0.4, "word": w}
             for i, w in enumerate("Trà xạ đen giá một trăm".split())]
    segs[1] = {**segs[1], "words": words}
    opts = RenderOptions(fit="blur", captions="bi", style="karaoke", logo=logo,
                         translations=tuple(f"line {i}" for i in range(len(segs))),
                         intro_image=card, outro_image=card, intro_title="Trà xạ đen",
                         outro_title="Đặt hàng", card_s=1.0, preset="ultrafast")
    out = render_clip(live_vi.path, tmp_path / "b.mp4", 5.0, 13.0, segs, opts)
    info = probe(out["file"])
    assert (info.width, info.height) == (1080, 1920)
    assert abs(info.duration - 10.0) <= 0.3  # 1 s intro + 8 s clip + 1 s outro
    first = frame(out["file"], 0.3)
    assert abs(int(first[100, 100, 1]) - 120) < 25  # the intro card's green
    mid = frame(out["file"], 3.0)
    assert (mid[..., 0] > 200).sum() > 1000 and (mid[..., 1] < 60).any()  # red logo drawn
    log = subprocess.run([ffmpeg(), "-nostdin", "-i", out["file"], "-af", "ebur128",
                          "-f", "null", "-"], capture_output=True, text=True).stderr
    lufs = float(re.findall(r"I:\s+(-?[\d.]+) LUFS", log)[-1])
    assert -17.0 < lufs < -11.0


def test_bad_ranges_and_options(live_vi, tmp_path):
    with pytest.raises(MediaError, match="outside the video.*choose a start before the end"):
        render_clip(live_vi.path, tmp_path / "x.mp4", 20.0, 10.0)
    with pytest.raises(MediaError, match="outside the video"):
        render_clip(live_vi.path, tmp_path / "x.mp4", 30.0, 90.0)
    with pytest.raises(StudioError, match="aspect '3:2' is not available; use one of 9:16"):
        RenderOptions(aspect="3:2")
    with pytest.raises(StudioError, match="captions 'all' is not available"):
        RenderOptions(captions="all")
    assert not (tmp_path / "x.mp4").exists() and not (tmp_path / "x.part.mp4").exists()


def test_thumbnail_has_the_title(live_vi, tmp_path):
    clip = render_clip(live_vi.path, tmp_path / "t.mp4", 2.0, 6.0, [],
                       RenderOptions(captions="none", preset="ultrafast"))
    plain = make_thumbnail(clip["file"], tmp_path / "plain.jpg")
    titled = make_thumbnail(clip["file"], tmp_path / "titled.jpg", "Trà xạ đen Ô Diên 120.000đ")
    assert (titled["width"], titled["height"]) == (1080, 1920) and not titled["face"]
    a = np.asarray(Image.open(plain["file"])).astype(int)
    b = np.asarray(Image.open(titled["file"])).astype(int)
    assert np.abs(a[1400:1700] - b[1400:1700]).mean() > 5
    assert np.abs(a[200:800] - b[200:800]).mean() < 2


def test_sound_is_brought_to_minus_14_lufs_with_peaks_held(live_vi, tmp_path):
    def measure(path) -> tuple[float, float]:
        log = subprocess.run([ffmpeg(), "-nostdin", "-i", str(path), "-af",
                              "ebur128=peak=sample", "-f", "null", "-"],
                             capture_output=True, text=True).stderr
        return (float(re.findall(r"I:\s+(-?[\d.]+) LUFS", log)[-1]),
                float(re.findall(r"Peak:\s+(-?[\d.]+) dBFS", log)[-1]))

    quiet = tmp_path / "quiet.mp4"  # the same stream 12 dB quieter
    subprocess.run([ffmpeg(), "-nostdin", "-loglevel", "error", "-i", str(live_vi.path),
                    "-c:v", "copy", "-af", "volume=-12dB", "-c:a", "aac", str(quiet)],
                   check=True)
    source_lufs, _ = measure(quiet)
    for name, loud in (("n.mp4", True), ("raw.mp4", False)):
        render_clip(quiet, tmp_path / name, 2.0, 14.0, [],
                    RenderOptions(captions="none", preset="ultrafast", loudnorm=loud))
    lufs, peak = measure(tmp_path / "n.mp4")
    assert abs(lufs - -14.0) < 1.5 and peak <= -1.0, (lufs, peak)
    raw_lufs, _ = measure(tmp_path / "raw.mp4")
    assert abs(raw_lufs - source_lufs) < 2.0 and raw_lufs < -20.0
    src, out = probe(quiet), probe(tmp_path / "n.mp4")
    assert (out.channels, out.sample_rate) == (min(2, src.channels), min(48000, src.sample_rate))
