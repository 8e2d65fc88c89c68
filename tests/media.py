"""Generated test media: espeak-ng speech with known selling sentences over an ffmpeg video.

Nothing binary lives in git: each test session builds its files once (session-scoped fixtures).
The video is a flat background with a skin-coloured "subject" box that moves left to right and a
background cut half-way (a scene change), so crops and scene detection have something to follow.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import pytest

VI_SCRIPT = [
    "Xin chào cả nhà, hôm nay mình giới thiệu trà xạ đen Ô Diên.",
    "Trà xạ đen giá một trăm hai mươi nghìn đồng một hộp.",
    "Hôm nay giảm giá mười phần trăm, miễn phí vận chuyển.",
    "Các bạn chốt đơn ngay, chỉ còn năm mươi suất.",
    "Ngày xưa bà tôi hái lá trên núi, phơi khô dưới nắng.",
    "Mỗi buổi sáng cả làng cùng nhau làm việc.",
    "Tiếp theo là bưởi Diễn Chúc Sơn, giá sáu mươi nghìn đồng một quả.",
    "Chốt đơn ngay hôm nay, miễn phí vận chuyển.",
]
EN_SCRIPT = [
    "Hello everyone, today we show you the black tea from O Dien.",
    "The price is one hundred twenty thousand dong per box.",
    "Today we give ten percent off and free shipping.",
    "Order now, only fifty boxes left.",
]
SUBJECT_RGB = (240, 200, 160)
GAP_S = 0.7


@dataclass(frozen=True)
class Media:
    path: Path
    lines: list[tuple[float, float, str]]  # (start, end, sentence) as spoken
    duration: float
    width: int
    height: int


def ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def run(*args: str) -> None:
    subprocess.run([ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args],
                   check=True)


def speech(lines: list[str], voice: str, out: Path) -> list[tuple[float, float, str]]:
    """Speak each line with espeak-ng, joined by short pauses; returns when each was said."""
    frames, times, t, rate = [], [], 0.0, 22050
    for i, line in enumerate(lines):
        part = out.with_name(f"{out.stem}-{i}.wav")
        subprocess.run(["espeak-ng", "-v", voice, "-s", "140", "-w", str(part), line], check=True)
        with wave.open(str(part)) as w:
            rate = w.getframerate()
            data = w.readframes(w.getnframes())
        part.unlink()
        length = len(data) / 2 / rate
        times.append((round(t, 3), round(t + length, 3), line))
        frames.append(data + b"\0\0" * int(GAP_S * rate))
        t += length + GAP_S
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(frames))
    return times


def moving_subject_video(out: Path, duration: float, size=(960, 540), audio: Path | None = None,
                         textured: bool = False) -> None:
    """A background (cut to another colour half-way) with a subject box moving left to right.

    ``textured`` puts a busy test pattern and sensor-like noise behind it, so encoding costs
    what a real camera picture costs (the benchmark uses it; flat colours are too cheap).
    """
    w, h = size
    half = duration / 2
    box = f"0x{SUBJECT_RGB[0]:02x}{SUBJECT_RGB[1]:02x}{SUBJECT_RGB[2]:02x}"
    if textured:
        first = f"testsrc2=s={w}x{h}:r=25:d={duration:.2f},noise=alls=10:allf=t[a];"
        second = f"testsrc2=s={w}x{h}:r=25:d={duration:.2f},negate,noise=alls=10:allf=t[b];"
    else:
        first = f"color=c=0x2a4d69:s={w}x{h}:r=25:d={duration:.2f}[a];"
        second = f"color=c=0x4b7d3a:s={w}x{h}:r=25:d={duration:.2f}[b];"
    graph = (first + second +
             f"[a][b]overlay=enable='gte(t,{half:.2f})'[bg];"
             f"color=c={box}:s={w // 6}x{h // 3}:r=25:d={duration:.2f}[s];"
             f"[bg][s]overlay=x='{w // 20}+({w * 0.75:.0f})*t/{duration:.2f}':y={h // 3}[v]")
    args = ["-f", "lavfi", "-i", f"nullsrc=s=16x16:d={duration:.2f}",
            "-filter_complex", graph, "-map", "[v]"]
    if audio is not None:
        args[4:4] = ["-i", str(audio)]
        args += ["-map", "1:a", "-c:a", "aac", "-b:a", "96k"]
    run(*args, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-t", f"{duration:.2f}", "-movflags", "+faststart", str(out))


def make_livestream(folder: Path, script: list[str], voice: str) -> Media:
    folder.mkdir(parents=True, exist_ok=True)
    wav = folder / f"speech-{voice}.wav"
    lines = speech(script, voice, wav)
    duration = round(lines[-1][1] + 1.0, 2)
    out = folder / f"live-{voice}.mp4"
    moving_subject_video(out, duration, audio=wav)
    (folder / f"live-{voice}.json").write_text(json.dumps(lines, ensure_ascii=False))
    return Media(out, lines, duration, 960, 540)


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory) -> Path:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is needed to make test speech (apt-get install espeak-ng)")
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def live_vi(media_dir) -> Media:
    return make_livestream(media_dir / "vi", VI_SCRIPT, "vi")


@pytest.fixture(scope="session")
def live_en(media_dir) -> Media:
    return make_livestream(media_dir / "en", EN_SCRIPT, "en")


@pytest.fixture(scope="session")
def silent_video(media_dir) -> Path:
    out = media_dir / "silent.mp4"
    moving_subject_video(out, 4.0)
    return out


@pytest.fixture(scope="session")
def bundled_model_folder(tmp_path_factory) -> Path:
    """The bundled Whisper model, joined once per session into its own folder."""
    from studio.video.model import bundled_model_dir

    return bundled_model_dir(tmp_path_factory.mktemp("models") / "whisper-base")


@pytest.fixture(scope="session")
def bundled_model(bundled_model_folder):
    from studio.video.model import load_model

    return load_model(str(bundled_model_folder))


@pytest.fixture(scope="session")
def vi_segments(bundled_model, live_vi) -> list[dict]:
    """The Vietnamese test livestream transcribed once per session by the bundled model."""
    from studio.video.transcribe import TranscribeOptions, transcribe_file

    return [s.to_dict() for s in transcribe_file(bundled_model, live_vi.path,
                                                 TranscribeOptions(lang="vi"))]
