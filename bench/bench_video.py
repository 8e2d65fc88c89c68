"""Video speed and memory, each against a baseline measured in the same run (ratios printed).

    .venv/bin/pip install -r bench/requirements.txt      # MoviePy, for the render baseline
    .venv/bin/python bench/bench_video.py [--minutes 10] [--memory-minutes 5 30] [--no-moviepy]

1. Clip render (20 s of a 1280×720 stream → 1080×1920, veryfast): ours (tracking crop, ASS
   captions, badges, loudnorm) vs the bare ffmpeg floor (trim+crop+scale+encode), and vs a
   MoviePy 2 version with captions.
2. Transcription of a known Vietnamese script: ours vs plain ``WhisperModel(path).transcribe``
   with defaults, same model and file; word error rate of both against the script.
3. Whole pipeline wall time / input duration (base model, 2 threads, 5 clips).
4. Peak memory of transcription for growing inputs (chunked: it should stay flat).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCRIPT = [
    "Xin chào cả nhà, hôm nay mình giới thiệu trà xạ đen Ô Diên.",
    "Trà xạ đen giá một trăm hai mươi nghìn đồng một hộp.",
    "Hôm nay giảm giá mười phần trăm, miễn phí vận chuyển.",
    "Các bạn chốt đơn ngay, chỉ còn năm mươi suất.",
    "Ngày xưa bà tôi hái lá trên núi, phơi khô dưới nắng.",
    "Mỗi buổi sáng cả làng cùng nhau làm việc.",
    "Tiếp theo là bưởi Diễn Chúc Sơn, giá sáu mươi nghìn đồng một quả.",
    "Chốt đơn ngay hôm nay, miễn phí vận chuyển.",
    "Mật ong rừng nguyên chất, mỗi chai năm trăm mililít.",
    "Các bạn bình luận số điện thoại để được tư vấn.",
    "Sản phẩm có chứng nhận OCOP bốn sao của tỉnh.",
    "Cảm ơn các bạn đã theo dõi buổi live hôm nay.",
]


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (ffmpeg): fairer than wall time on
    a machine shared with other jobs."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed_cpu(fn) -> tuple[float, float]:
    cpu = cpu_seconds()
    wall, _ = timed(fn)
    return wall, cpu_seconds() - cpu


def make_input(folder: Path, minutes: float, size=(1280, 720)) -> Path:
    """A livestream-like file: the script spoken over and over, a moving subject, a cut, and a
    busy noisy background so encoding costs what a camera picture costs."""
    from tests.media import moving_subject_video, speech

    wav = folder / "speech.wav"
    lines = speech(SCRIPT, "vi", wav)
    once = lines[-1][1] + 0.7
    loops = max(1, int(minutes * 60 / once))
    looped = folder / f"speech-{minutes}.wav"
    subprocess.run([_ff(), "-nostdin", "-loglevel", "error", "-y", "-stream_loop",
                    str(loops - 1), "-i", str(wav), "-c", "copy", str(looped)], check=True)
    out = folder / f"live-{minutes}.mp4"
    moving_subject_video(out, loops * once, size=size, audio=looped, textured=True)
    return out


def _ff() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def bench_render(src: Path, tmp: Path, moviepy: bool) -> None:
    from studio.video.probe import probe
    from studio.video.render import RenderOptions, render_clip

    info = probe(src)
    start, end = 20.0, 40.0
    segs = [{"start": start + i * 2.0, "end": start + i * 2.0 + 1.8,
             "text": SCRIPT[i % len(SCRIPT)], "words": []} for i in range(10)]
    cw = int(info.height * 9 / 16) // 2 * 2
    floor_cmd = [_ff(), "-nostdin", "-loglevel", "error", "-y", "-ss", str(start), "-t",
                 str(end - start), "-i", str(src), "-vf",
                 f"crop={cw}:{info.height}:(iw-{cw})/2:0,scale=1080:1920",
                 "-c:v", "libx264", "-preset", "veryfast", "-crf", "21", "-c:a", "aac",
                 "-movflags", "+faststart", str(tmp / "floor.mp4")]
    opts = RenderOptions(captions="src", product="Trà xạ đen Ô Diên", price="120.000đ")
    plain = RenderOptions(captions="none", loudnorm=False)
    runs: dict[str, list[tuple[float, float]]] = {"floor": [], "plain": [], "ours": []}
    jobs = {"floor": lambda: subprocess.run(floor_cmd, check=True),
            "plain": lambda: render_clip(src, tmp / "plain.mp4", start, end, [], plain, info),
            "ours": lambda: render_clip(src, tmp / "ours.mp4", start, end, segs, opts, info)}
    # Interleaved, best of three: the machine is shared, so single runs are noisy; CPU time
    # (ours includes the tracking decode in this process) is less sensitive to other jobs.
    for _ in range(3):
        for name, job in jobs.items():
            runs[name].append(timed_cpu(job))
    best = {k: (min(w for w, _ in v), min(c for _, c in v)) for k, v in runs.items()}
    (t_floor, c_floor), (t_plain, c_plain), (t_ours, c_ours) = (
        best[k] for k in ("floor", "plain", "ours"))
    print(f"render  floor (bare ffmpeg)          {t_floor:7.2f} s wall {c_floor:7.2f} s CPU")
    print(f"render  ours, no captions/loudnorm   {t_plain:7.2f} s wall {c_plain:7.2f} s CPU   "
          f"ratio {t_plain / t_floor:5.2f}× wall {c_plain / c_floor:5.2f}× CPU")
    print(f"render  ours, captions+badges+loud   {t_ours:7.2f} s wall {c_ours:7.2f} s CPU   "
          f"ratio {t_ours / t_floor:5.2f}× wall {c_ours / c_floor:5.2f}× CPU (goal ≤ 1.15×)")
    if moviepy:
        t_mp = moviepy_clip(src, tmp / "moviepy.mp4", start, end, segs, cw, info.height)
        print(f"render  MoviePy 2 with captions      {t_mp:7.2f} s   ours is "
              f"{t_mp / t_ours:5.1f}× faster (goal ≥ 15×)")


def moviepy_clip(src, out, start, end, segs, cw, ch) -> float:
    from moviepy import CompositeVideoClip, TextClip, VideoFileClip

    from studio.fonts import font_path

    def run() -> None:
        clip = VideoFileClip(str(src)).subclipped(start, end)
        x0 = (clip.w - cw) / 2
        frame = clip.cropped(x1=x0, y1=0, width=cw, height=ch).resized((1080, 1920))
        texts = [TextClip(font=str(font_path(bold=True)), text=s["text"], font_size=60,
                          color="white", stroke_color="black", stroke_width=3, method="caption",
                          size=(960, None)).with_start(s["start"] - start)
                 .with_duration(s["end"] - s["start"]).with_position(("center", 1500))
                 for s in segs]
        CompositeVideoClip([frame, *texts]).write_videofile(
            str(out), codec="libx264", preset="veryfast", audio_codec="aac", logger=None,
            threads=2)
        clip.close()

    seconds, _ = timed(run)
    return seconds


def wer(ref: str, hyp: str) -> float:
    """Word error rate on folded words (no diacritics, no punctuation)."""
    import re

    from studio.i18n import fold

    r = re.findall(r"\w+", fold(ref))
    h = re.findall(r"\w+", fold(hyp))
    d = list(range(len(h) + 1))
    for i in range(1, len(r) + 1):
        prev, d[0] = d[0], i
        for j in range(1, len(h) + 1):
            cur = min(d[j] + 1, d[j - 1] + 1, prev + (r[i - 1] != h[j - 1]))
            prev, d[j] = d[j], cur
    return d[len(h)] / max(1, len(r))


def bench_transcribe(tmp: Path) -> None:
    from faster_whisper import WhisperModel

    from studio.video.model import bundled_model_dir, load_model
    from studio.video.transcribe import TranscribeOptions, transcribe_file
    from tests.media import speech

    wav = tmp / "known.wav"
    lines = speech(SCRIPT * 2, "vi", wav)
    ref = " ".join(text for _, _, text in lines)
    duration = lines[-1][1]
    path = str(bundled_model_dir())
    ours_model = load_model(path)
    t_ours, ours = timed(lambda: transcribe_file(ours_model, wav, TranscribeOptions(lang="vi")))
    print(f"asr     ours {t_ours:.1f} s for {duration:.1f} s of audio", flush=True)
    plain_model = WhisperModel(path)
    t_plain, (segs, _info) = timed(lambda: plain_model.transcribe(str(wav)))
    t_plain_all, plain_segs = timed(lambda: list(segs))
    t_plain += t_plain_all
    w_plain = wer(ref, " ".join(s.text for s in plain_segs))
    w_ours = wer(ref, " ".join(s.text for s in ours))
    print(f"asr     audio {duration:6.1f} s; plain defaults {t_plain:6.1f} s (RTF "
          f"{t_plain / duration:.3f}, WER {w_plain:.1%}); ours {t_ours:6.1f} s (RTF "
          f"{t_ours / duration:.3f}, WER {w_ours:.1%}, with word timestamps)")
    print(f"asr     ours is {t_plain / t_ours:4.2f}× faster (goal ≥ 2×), WER "
          f"{'equal or better' if w_ours <= w_plain else 'WORSE'}")


def bench_pipeline(src: Path, tmp: Path) -> None:
    from studio.video.model import load_model
    from studio.video.pipeline import run_pipeline
    from studio.video.probe import probe

    duration = probe(src).duration
    t_load, model = timed(load_model)
    marks: dict[str, float] = {}
    started = time.perf_counter()

    def mark(_fraction: float, message: str) -> None:
        marks.setdefault(message.split(" ")[0], time.perf_counter() - started)

    t, manifest = timed(lambda: run_pipeline(src, tmp / "pipeline", model=model, count=5,
                                             on_progress=mark))
    asr = marks.get("highlights", 0.0)
    signals = marks.get("render", t) - asr
    clip_s = sum(c["end"] - c["start"] for c in manifest["clips"])
    print(f"pipeline input {duration / 60:5.1f} min, {len(manifest['clips'])} clips "
          f"({clip_s:.0f} s of clips): {t:6.1f} s (+{t_load:.1f} s model load) → wall/duration "
          f"{t / duration:.3f} (goal ≤ 0.25)")
    print(f"pipeline   transcription {asr:6.1f} s (RTF {asr / duration:.3f}), signals+scoring "
          f"{signals:5.1f} s, clips {t - asr - signals:6.1f} s")


MEMORY_CHILD = """
import resource, sys, time
from studio.video.model import load_model
from studio.video.transcribe import TranscribeOptions, transcribe_file
model = load_model()
t = time.perf_counter()
segs = transcribe_file(model, sys.argv[1], TranscribeOptions(lang="vi", word_timestamps=False))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, time.perf_counter() - t,
      len(segs))
"""


def bench_memory(tmp: Path, minutes: list[float]) -> None:
    wav = tmp / "speech.wav"
    for m in minutes:
        audio = tmp / f"mem-{m}.m4a"
        subprocess.run([_ff(), "-nostdin", "-loglevel", "error", "-y", "-stream_loop", "-1",
                        "-i", str(wav), "-t", str(m * 60), "-c:a", "aac", "-b:a", "64k",
                        str(audio)], check=True)
        out = subprocess.run([sys.executable, "-c", MEMORY_CHILD, str(audio)], check=True,
                             capture_output=True, text=True, env=os.environ, cwd=ROOT).stdout
        peak, seconds, count = out.split()
        print(f"memory  {m:5.1f} min of speech: peak RSS {float(peak):7.1f} MB, "
              f"{float(seconds):6.1f} s (RTF {float(seconds) / (m * 60):.3f}), {count} segments")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10.0, help="pipeline input length")
    parser.add_argument("--memory-minutes", type=float, nargs="*", default=[5.0, 30.0])
    parser.add_argument("--no-moviepy", action="store_true")
    parser.add_argument("--only", choices=["render", "asr", "pipeline", "memory"])
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-video-"))
    os.environ["STUDIO_DATA_DIR"] = str(tmp / "data")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'data' / 'studio.db'}"
    print(f"bench_video on {os.cpu_count()} cores, files in {tmp}", flush=True)
    src = make_input(tmp, 1.0)
    if args.only in (None, "render"):
        bench_render(src, tmp, moviepy=not args.no_moviepy)
    if args.only in (None, "asr"):
        bench_transcribe(tmp)
    if args.only in (None, "pipeline"):
        bench_pipeline(make_input(tmp, args.minutes), tmp)
    if args.only in (None, "memory"):
        bench_memory(tmp, args.memory_minutes)
    print(json.dumps({"done": True}))


if __name__ == "__main__":
    main()
