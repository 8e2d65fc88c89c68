"""The sample livestream for exercise 4: made on first use (espeak-ng speech + ffmpeg video).

Nothing is downloaded: the voice is espeak-ng's Vietnamese, the picture is drawn by ffmpeg. The
file is kept under ``<data_dir>/samples/`` and reused.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from studio.assets import data_dir
from studio.errors import ConfigError, MediaError
from studio.fonts import font_path

SCRIPT = [
    "Xin chào cả nhà, chào mừng mọi người đến với buổi livestream của MD Queens.",
    "Hôm nay em giới thiệu trà xạ đen Ô Diên, sản phẩm OCOP bốn sao của Hà Nội.",
    "Lá xạ đen được hái tay vào buổi sáng, thái nhỏ và sấy lạnh để giữ màu.",
    "Giá chỉ một trăm hai mươi nghìn đồng một hộp hai mươi túi lọc.",
    "Hôm nay miễn phí vận chuyển, cả nhà chốt đơn ngay nhé, chỉ còn ba mươi suất.",
    "Tiếp theo là trà hoa cúc sấy lạnh, từng bông được nhặt tay.",
    "Trà hoa cúc giá chín mươi lăm nghìn đồng một hũ năm mươi gam.",
    "Cả nhà để lại bình luận số điện thoại để em chốt đơn nhé. Cảm ơn cả nhà.",
]
NAME = "sample_livestream.mp4"
_MAKING = threading.Lock()  # every Streamlit session runs in this one process


def _espeak() -> str:
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise ConfigError("the sample livestream needs espeak-ng: install it with "
                          "'apt-get install espeak-ng' (the CI script does this)")
    return exe


def ensure_sample_livestream() -> Path:
    """The sample video's path, made once (about a minute of Vietnamese selling talk).

    Twenty participants pressing the button together wait for one encoding, not twenty.
    """
    target = data_dir() / "samples" / NAME
    if target.exists() and target.stat().st_size > 0:
        return target
    with _MAKING:
        if target.exists() and target.stat().st_size > 0:  # made while this one waited
            return target
        return _make(target)


def _make(target: Path) -> Path:
    import imageio_ffmpeg

    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        wav = Path(tmp) / "speech.wav"
        text = " ".join(SCRIPT)
        subprocess.run([_espeak(), "-v", "vi", "-s", "150", "-w", str(wav), text],
                       check=True, capture_output=True, timeout=300)
        part = Path(tmp) / "out.mp4"
        font = str(font_path(bold=True)).replace(":", r"\:")
        video = (
            "color=c=0x6b4a2f:s=1280x720:r=25[bg];color=c=0xf2c14e:s=220x220:r=25[box];"
            "[bg][box]overlay=x='530+300*sin(t/3)':y='250+60*cos(t/2)':shortest=0[v0];"
            f"[v0]drawtext=fontfile='{font}':text='Trà xạ đen Ô Diên — 120.000đ':"
            "fontcolor=white:fontsize=44:x=60:y=40[v]"
        )
        cmd = [ffmpeg, "-nostdin", "-y", "-loglevel", "error", "-i", str(wav),
               "-filter_complex", video, "-map", "[v]", "-map", "0:a", "-shortest",
               "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
               "-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart", str(part)]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            raise MediaError(f"ffmpeg could not make the sample video: {result.stderr[-300:]}")
        part.replace(target)
    return target
