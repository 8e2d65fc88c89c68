"""Video speed and memory, each against a baseline measured in the same run (ratios printed).

    .venv/bin/pip install -r bench/requirements.txt      # MoviePy, for the render baseline
    .venv/bin/python bench/bench_video.py [--minutes 10] [--memory-minutes 60] [--no-moviepy]
        [--only render|asr|pipeline|memory]

1. Clip render (20 s of a 1280×720 stream → 1080×1920, veryfast): ours (tracking crop, ASS
   captions, badges, loudness) vs the bare ffmpeg floor (trim+crop+scale+encode), on a textured
   picture and on flat colours (cheap to encode: fixed costs show); and vs the same clip in
   MoviePy 2 (same crop path, captions, badges), with its defaults and with our encoder settings.
2. Transcription of a known Vietnamese script: ours vs plain ``WhisperModel(path).transcribe``
   with defaults, same model and file; word error rate of both against the script.
3. Whole pipeline (probe, transcription, signals, highlights, 5 clips with thumbnails) in a fresh
   process: wall time / input duration (base model, 2 cores) and peak memory of the process and
   its ffmpeg children, for ``--minutes`` (1280×720) and each ``--memory-minutes`` (640×360, so
   a one-hour input is generated in minutes; the sound is full length).
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


def make_input(folder: Path, minutes: float, size=(1280, 720), textured: bool = True) -> Path:
    """A livestream-like file: the script spoken over and over, a moving subject, a cut, and
    (``textured``) a busy noisy background so encoding costs what a camera picture costs; flat
    colours instead are cheap to encode, so a renderer's fixed costs show."""
    from tests.media import moving_subject_video, speech

    wav = folder / "speech.wav"
    lines = speech(SCRIPT, "vi", wav)
    once = lines[-1][1] + 0.7
    loops = max(1, int(minutes * 60 / once))
    looped = folder / f"speech-{minutes}.wav"
    subprocess.run([_ff(), "-nostdin", "-loglevel", "error", "-y", "-stream_loop",
                    str(loops - 1), "-i", str(wav), "-c", "copy", str(looped)], check=True)
    out = folder / f"live-{minutes}-{size[0]}{'' if textured else '-flat'}.mp4"
    moving_subject_video(out, loops * once, size=size, audio=looped, textured=textured)
    return out


def _ff() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


RENDER_START, RENDER_END = 20.0, 40.0
PRODUCT, PRICE = "Trà xạ đen Ô Diên", "120.000đ"


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def bench_render(src: Path, tmp: Path, label: str) -> dict:
    """Ours vs the bare ffmpeg floor, interleaved best of three (wall and CPU)."""
    from studio.video.probe import probe
    from studio.video.render import RenderOptions, render_clip

    info = probe(src)
    start, end = RENDER_START, RENDER_END
    segs = _caption_segments()
    cw = int(info.height * 9 / 16) // 2 * 2
    floor_cmd = [_ff(), "-nostdin", "-loglevel", "error", "-y", "-ss", str(start), "-t",
                 str(end - start), "-i", str(src), "-vf",
                 f"crop={cw}:{info.height}:(iw-{cw})/2:0,scale=1080:1920",
                 "-c:v", "libx264", "-preset", "veryfast", "-crf", "21", "-c:a", "aac",
                 "-movflags", "+faststart", str(tmp / "floor.mp4")]
    opts = RenderOptions(captions="src", product=PRODUCT, price=PRICE)
    plain = RenderOptions(captions="none", loudnorm=False)
    runs: dict[str, list[tuple[float, float]]] = {"floor": [], "plain": [], "ours": []}
    jobs = {"floor": lambda: subprocess.run(floor_cmd, check=True),
            "plain": lambda: render_clip(src, tmp / "plain.mp4", start, end, [], plain, info),
            "ours": lambda: render_clip(src, tmp / "ours.mp4", start, end, segs, opts, info)}
    # Interleaved, best of three: the machine is shared, so single runs are noisy; CPU time
    # (ours includes the tracking decode and loudness measure) is less sensitive to other jobs.
    for _ in range(3):
        for name, job in jobs.items():
            runs[name].append(timed_cpu(job))
    best = {k: (min(w for w, _ in v), min(c for _, c in v)) for k, v in runs.items()}
    (t_floor, c_floor), (t_plain, c_plain), (t_ours, c_ours) = (
        best[k] for k in ("floor", "plain", "ours"))
    tag = f"render  [{label}]"
    print(f"{tag} floor (bare ffmpeg)          {t_floor:7.2f} s wall {c_floor:7.2f} s CPU")
    print(f"{tag} ours, no captions/loudness   {t_plain:7.2f} s wall {c_plain:7.2f} s CPU   "
          f"ratio {t_plain / t_floor:5.2f}× wall {c_plain / c_floor:5.2f}× CPU")
    print(f"{tag} ours, captions+badges+loud   {t_ours:7.2f} s wall {c_ours:7.2f} s CPU   "
          f"ratio {t_ours / t_floor:5.2f}× wall {c_ours / c_floor:5.2f}× CPU (goal ≤ 1.15×)",
          flush=True)
    return {"ours_wall": _median([w for w, _ in runs["ours"]]),
            "ours_cpu": _median([c for _, c in runs["ours"]]),
            "floor_wall": t_floor, "floor_cpu": c_floor}


def _caption_segments() -> list[dict]:
    start = RENDER_START
    return [{"start": start + i * 2.0, "end": start + i * 2.0 + 1.8,
             "text": SCRIPT[i % len(SCRIPT)], "words": []} for i in range(10)]


def bench_moviepy(src: Path, tmp: Path, ours: dict) -> None:
    """The same clip in MoviePy 2, as a competent MoviePy user would write it.

    Same crop path (our subject tracking, its smoothed points interpolated per frame in a
    ``transform``), same caption lines as ``TextClip``s in the same font and size, the product
    and price badges composited for the whole clip, 1080×1920, peak-normalised sound. Written
    once with ``write_videofile`` defaults (preset medium, x264's crf 23, MP3 sound, ffmpeg's
    thread count) and once with our encoder settings (veryfast, crf 21, AAC 128k, ffmpeg's
    thread count as ours). A frames-only pass shows what MoviePy's own frame pipeline costs.
    """
    default_w, default_c = timed_cpu(lambda: moviepy_clip(src, tmp / "mp-default.mp4", "default"))
    matched_w, matched_c = timed_cpu(lambda: moviepy_clip(src, tmp / "mp-matched.mp4", "matched"))
    frames_w, frames_c = timed_cpu(lambda: moviepy_clip(src, None, "frames"))
    ow, oc = ours["ours_wall"], ours["ours_cpu"]
    print(f"render  MoviePy 2, write_videofile defaults (medium, crf 23, mp3)  {default_w:7.2f} s "
          f"wall {default_c:7.2f} s CPU → ours (median of 3) is {default_w / ow:5.1f}× faster "
          f"wall, {default_c / oc:5.1f}× CPU (goal ≥ 15×)")
    print(f"render  MoviePy 2, our encoder settings (veryfast, crf 21, aac)    {matched_w:7.2f} s "
          f"wall {matched_c:7.2f} s CPU → ours is {matched_w / ow:5.1f}× faster wall, "
          f"{matched_c / oc:5.1f}× CPU (goal ≥ 15×)")
    print(f"render  MoviePy 2 split: frame pipeline alone (decode, crop, resize, composite) "
          f"{frames_w:6.2f} s wall {frames_c:6.2f} s CPU; the rest, encoding, "
          f"{max(0.0, matched_w - frames_w):6.2f} s wall {max(0.0, matched_c - frames_c):6.2f} s"
          f" CPU; the bare ffmpeg floor (decode+crop+scale+encode) is "
          f"{ours['floor_wall']:5.2f} s wall {ours['floor_cpu']:5.2f} s CPU, so with matched "
          f"encoding no renderer can be more than {matched_c / ours['floor_cpu']:4.1f}× faster "
          f"than this MoviePy clip in CPU", flush=True)


def moviepy_clip(src: Path, out: Path | None, mode: str) -> None:
    import numpy as np
    from moviepy import CompositeVideoClip, TextClip, VideoFileClip, afx

    from studio.fonts import font_path
    from studio.video import ass
    from studio.video.crop import crop_x_points, track_subject
    from studio.video.probe import probe

    start, end = RENDER_START, RENDER_END
    info = probe(src)
    width, height = 1080, 1920
    cw = int(info.height * 9 / 16) // 2 * 2
    track = track_subject(src, start, end - start, info.width, info.height)
    times, xs = zip(*crop_x_points(track, cw, info.width), strict=True)
    # libass's font size is the line height, PIL's the em size: 0.75 draws the same letters.
    font, size = str(font_path(bold=True)), round(min(width, height) * 0.062 * 0.75)
    source = VideoFileClip(str(src)).subclipped(start, end)

    def follow(get_frame, t):
        x = int(round(float(np.interp(t, times, xs))))
        return get_frame(t)[:, x:x + cw]

    frame = source.transform(follow, apply_to=[]).resized((width, height))
    caps = [TextClip(font=font, text=line.text, font_size=size, color="white",
                     bg_color=(0, 0, 0, 155), method="caption", size=(width - 120, None),
                     margin=(12, 14), text_align="center")
            .with_start(line.start).with_duration(line.end - line.start)
            .with_position(("center", height - round(height * 0.17) - 3 * size))
            for line in ass.caption_lines(_caption_segments(), start, end)]
    badge = round(size * 0.7)
    product = TextClip(font=font, text=PRODUCT, font_size=badge, color="white",
                       bg_color=(0, 0, 0, 105), margin=(12, 14)).with_position(
        (40, round(height * 0.05))).with_duration(end - start)
    price = TextClip(font=font, text=PRICE, font_size=badge, color="white",
                     bg_color=(208, 48, 32, 255), margin=(12, 14))
    price = price.with_position((width - 40 - price.w, round(height * 0.05))).with_duration(
        end - start)
    final = CompositeVideoClip([frame, *caps, product, price], size=(width, height))
    final = final.with_audio(source.audio.with_effects([afx.AudioNormalize()]))
    if mode == "frames":
        for _ in final.iter_frames(fps=source.fps, dtype="uint8"):
            pass
    elif mode == "default":
        # (the temporary sound file goes beside the output, not into the working directory)
        final.write_videofile(str(out), logger=None, temp_audiofile_path=str(out.parent))
    else:
        final.write_videofile(str(out), preset="veryfast", ffmpeg_params=["-crf", "21"],
                              audio_codec="aac", audio_bitrate="128k", logger=None,
                              temp_audiofile_path=str(out.parent))
    final.close()
    source.close()


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


PIPELINE_CHILD = """
import json, resource, sys, time
from pathlib import Path
from studio.video.model import load_model
from studio.video.pipeline import run_pipeline
t0 = time.perf_counter()
model = load_model()
load = time.perf_counter() - t0
marks = {}
started = time.perf_counter()
def mark(_f, message):
    marks.setdefault(message.split(" ")[0], time.perf_counter() - started)
manifest = run_pipeline(Path(sys.argv[1]), Path(sys.argv[2]), model=model, count=5,
                        on_progress=mark)
wall = time.perf_counter() - started
own = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "load": load, "marks": marks,
                  "clips": [c["end"] - c["start"] for c in manifest["clips"]],
                  "self_mb": own.ru_maxrss / 1024,
                  "cpu": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime}))
"""


def _tree_rss_mb(root: int) -> tuple[float, float]:
    """Resident memory (MB) of a process with all its descendants, and of its largest
    descendant (an ffmpeg), right now, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = {root}, [root]
    while frontier:
        kids = [p for p, pp in parents.items() if pp in frontier and p not in tree]
        tree.update(kids)
        frontier = kids
    sizes = {}
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes[pid] = int(line.split()[1])
        except OSError:
            continue
    kids = [kb for pid, kb in sizes.items() if pid != root]
    return sum(sizes.values()) / 1024, max(kids, default=0) / 1024


def run_pipeline_measured(src: Path, out: Path) -> dict:
    """The whole pipeline (probe, transcription, signals, highlights, 5 clips with thumbnails)
    in a fresh process, its memory sampled with its ffmpeg children every 0.2 s."""
    import threading

    proc = subprocess.Popen([sys.executable, "-c", PIPELINE_CHILD, str(src), str(out)],
                            stdout=subprocess.PIPE, text=True, env=os.environ, cwd=ROOT)
    peak = [0.0, 0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            tree, child = _tree_rss_mb(proc.pid)
            peak[0], peak[1] = max(peak[0], tree), max(peak[1], child)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, _ = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"pipeline run failed (exit {proc.returncode})")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["tree_mb"], result["child_mb"] = peak
    return result


def bench_pipeline(src: Path, tmp: Path, label: str) -> None:
    from studio.video.probe import probe

    info = probe(src)
    duration = info.duration
    r = run_pipeline_measured(src, tmp / f"pipeline-{duration:.0f}")
    t, marks = r["wall"], r["marks"]
    asr = marks.get("highlights", 0.0)
    signals = marks.get("render", t) - asr
    print(f"pipeline input {duration / 60:5.1f} min {info.width}×{info.height}{label}, "
          f"{len(r['clips'])} clips ({sum(r['clips']):.0f} s of clips): {t:6.1f} s wall "
          f"(+{r['load']:.1f} s model load) → wall/duration {t / duration:.3f} (goal ≤ 0.25); "
          f"CPU {r['cpu']:.0f} s", flush=True)
    print(f"pipeline   transcription {asr:6.1f} s (RTF {asr / duration:.3f}), signals+scoring "
          f"{signals:5.1f} s, clips {t - asr - signals:6.1f} s", flush=True)
    # getrusage's RUSAGE_CHILDREN peak is not used: a forked child counts the parent's pages
    # it had before exec, so it reports the Python process's size, not ffmpeg's.
    tree = max(r["tree_mb"], r["self_mb"])
    print(f"memory     peak RSS: Python process {r['self_mb']:5.0f} MB (getrusage), largest "
          f"ffmpeg child {r['child_mb']:4.0f} MB, process tree {tree:5.0f} MB (sampled every "
          f"0.2 s) → goal < 1536 MB {'met' if tree < 1536 else 'NOT met'}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10.0, help="pipeline input length")
    parser.add_argument("--memory-minutes", type=float, nargs="*", default=[60.0],
                        help="long inputs (640×360) for whole-pipeline peak memory")
    parser.add_argument("--no-moviepy", action="store_true")
    parser.add_argument("--only", choices=["render", "asr", "pipeline", "memory"])
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-video-"))
    os.environ["STUDIO_DATA_DIR"] = str(tmp / "data")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'data' / 'studio.db'}"
    print(f"bench_video on {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}, files in {tmp}", flush=True)
    if args.only in (None, "render"):
        textured = make_input(tmp, 1.0)
        ours = bench_render(textured, tmp, "textured")
        bench_render(make_input(tmp, 1.0, textured=False), tmp, "flat colours")
        if not args.no_moviepy:
            bench_moviepy(textured, tmp, ours)
    if args.only in (None, "asr"):
        bench_transcribe(tmp)
    if args.only in (None, "pipeline"):
        bench_pipeline(make_input(tmp, args.minutes), tmp, "")
    if args.only in (None, "memory"):
        for minutes in args.memory_minutes:
            # 640×360 so a one-hour input is generated in minutes; the audio is full length.
            src = make_input(tmp, minutes, size=(640, 360))
            bench_pipeline(src, tmp, " (small picture for a quick one-hour input)")
    print(json.dumps({"done": True}))


if __name__ == "__main__":
    main()
