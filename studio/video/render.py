"""Render one clip with ffmpeg in a single pass: cut, reframe, captions, brand, loudness.

The command is an argument list (never a shell string) started with ``-nostdin``. Input seeking
(``-ss``/``-t`` before ``-i``) reads only the clip's range. Reframing is a subject-aware crop
(:mod:`studio.video.crop`) or a fit over a blurred copy of the frame. Captions, product and price
badges and card titles are one ASS file drawn by libass with the shipped Noto Sans font.
Sound is normalised to -14 LUFS (EBU R128): the clip's integrated loudness is measured first
(ffmpeg's ``ebur128`` on the audio only, a fraction of a second), then one linear gain is applied,
with a peak limiter at -1.5 dBFS only when the gain would push peaks past it. That keeps the
speech's own dynamics and costs far less CPU than ``loudnorm``'s dynamic mode, which works at
192 kHz. The sound keeps the source's sample rate and channels (at most 48 kHz stereo): mono
speech is not upmixed. Output: H.264 + AAC with ``+faststart`` so platforms can start playing
before the whole file arrives.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from studio.errors import MediaError, StudioError
from studio.fonts import font_path
from studio.video import ass
from studio.video.crop import crop_x_expr, track_subject
from studio.video.probe import MediaInfo, probe
from studio.video.transcribe import ffmpeg_exe

SIZES = {"9:16": (1080, 1920), "1:1": (1080, 1080), "4:5": (1080, 1350), "16:9": (1920, 1080)}
CAPTIONS = ("none", "src", "bi")
FITS = ("crop", "blur")
TARGET_LUFS, PEAK_DBFS, MAX_GAIN_DB = -14.0, -1.5, 30.0
_LOUDNESS = re.compile(r"I:\s+(-?[\d.]+|-inf) LUFS")
_PEAK = re.compile(r"Peak:\s+(-?[\d.]+|-inf) dBFS")


@dataclass(frozen=True)
class RenderOptions:
    """How a clip looks. ``translations``: one line per transcript segment for ``bi``."""

    aspect: str = "9:16"
    fit: str = "crop"
    captions: str = "src"
    style: str = "boxed"
    translations: tuple[str, ...] | None = None
    product: str = ""
    price: str = ""
    logo: Path | None = None
    intro_image: Path | None = None
    outro_image: Path | None = None
    intro_title: str = ""
    outro_title: str = ""
    card_s: float = 1.5
    loudnorm: bool = True
    preset: str = "veryfast"
    crf: int = 21
    size: tuple[int, int] | None = field(default=None)

    def __post_init__(self) -> None:
        checks = ((self.aspect, SIZES, "aspect"), (self.captions, CAPTIONS, "captions"),
                  (self.fit, FITS, "fit"), (self.style, ass.PRESETS, "caption style"))
        for value, allowed, name in checks:
            if value not in allowed:
                raise StudioError(f"{name} {value!r} is not available; use one of "
                                  f"{', '.join(allowed)}", key="video.error.option",
                                  name=name, value=value)

    @property
    def width_height(self) -> tuple[int, int]:
        return self.size or SIZES[self.aspect]


def _filter_path(path: Path) -> str:
    """A path quoted for an ffmpeg filter argument."""
    text = str(path).replace("\\", "/")
    return "'" + text.replace("'", r"'\''").replace(":", r"\:") + "'"


def _even(x: float) -> int:
    return max(2, int(x) // 2 * 2)


def _reframe(info: MediaInfo, opts: RenderOptions, src: Path, start: float,
             duration: float) -> tuple[str, dict]:
    """Filter chain from [0:v] to [frame] at the target size, and facts about the crop."""
    width, height = opts.width_height
    sw, sh = info.width, info.height
    if opts.fit == "blur":
        return (f"[0:v]split=2[bg0][fg0];"
                f"[bg0]scale={width}:{height}:force_original_aspect_ratio=increase,"
                f"crop={width}:{height},scale={width // 8}:{height // 8},boxblur=6:2,"
                f"scale={width}:{height}[bg];"
                f"[fg0]scale={width}:{height}:force_original_aspect_ratio=decrease[fg];"
                f"[bg][fg]overlay=(W-w)/2:(H-h)/2,setsar=1[frame]"), {"fit": "blur"}
    target = width / height
    if sw / sh > target:  # wider than the target: pick a column that follows the subject
        cw, ch = _even(sh * target), _even(sh)
        track = track_subject(src, start, duration, sw, sh)
        x_expr = crop_x_expr(track, cw, sw)
        chain = f"[0:v]crop=w={cw}:h={ch}:x='{x_expr}':y=0,scale={width}:{height},setsar=1[frame]"
        return chain, {"fit": "crop", "faces": track.faces, "motion": track.motion,
                       "track": [round(c, 1) for c in track.centers]}
    cw, ch = _even(sw), _even(sw / target)
    return (f"[0:v]crop=w={cw}:h={ch}:x=0:y='(ih-{ch})/2',scale={width}:{height},setsar=1"
            f"[frame]"), {"fit": "crop"}


def build_command(src: Path, out: Path, start: float, end: float, info: MediaInfo,
                  opts: RenderOptions, ass_file: Path | None, reframe: str,
                  sound: str = "") -> list[str]:
    """The ffmpeg argument list for one clip; ``sound``: audio filters (see _sound_chain)."""
    width, height = opts.width_height
    duration = end - start
    args = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
            "-ss", f"{start:.3f}", "-t", f"{duration:.3f}", "-i", str(src)]
    inputs = 1
    graph = [reframe]
    video = "[frame]"
    if opts.logo is not None:
        args += ["-i", str(opts.logo)]
        logo_w = _even(width * 0.16)
        graph.append(f"[{inputs}:v]scale={logo_w}:-2[logo];{video}[logo]overlay="
                     f"W-w-{width // 30}:{height // 5}:eof_action=repeat[branded]")
        video, inputs = "[branded]", inputs + 1
    audio = "[0:a]" if info.has_audio else None
    if audio is None:
        args += ["-f", "lavfi", "-t", f"{duration:.3f}", "-i",
                 "anullsrc=channel_layout=stereo:sample_rate=48000"]
        audio, inputs = f"[{inputs}:a]", inputs + 1
    parts_v: list[tuple[str, str, str]] = []
    for kind, image in (("intro", opts.intro_image), ("outro", opts.outro_image)):
        if image is None:
            continue
        args += ["-loop", "1", "-t", f"{opts.card_s:.2f}", "-i", str(image),
                 "-f", "lavfi", "-t", f"{opts.card_s:.2f}", "-i",
                 "anullsrc=channel_layout=stereo:sample_rate=48000"]
        graph.append(f"[{inputs}:v]scale={width}:{height}:force_original_aspect_ratio=increase,"
                     f"crop={width}:{height},setsar=1,fps=25,format=yuv420p[{kind}v]")
        parts_v.append((kind, f"[{kind}v]", f"[{inputs + 1}:a]"))
        inputs += 2
    if parts_v:
        graph.append(f"{video}fps=25,format=yuv420p[mainv];{audio}aresample=48000,"
                     f"aformat=channel_layouts=stereo[maina]")
        order = [p for p in parts_v if p[0] == "intro"] + [("main", "[mainv]", "[maina]")] + [
            p for p in parts_v if p[0] == "outro"]
        graph.append("".join(v + a for _, v, a in order)
                     + f"concat=n={len(order)}:v=1:a=1[joinv][joina]")
        video, audio = "[joinv]", "[joina]"
    if ass_file is not None:
        graph.append(f"{video}ass=filename={_filter_path(ass_file)}:"
                     f"fontsdir={_filter_path(font_path().parent)}[captioned]")
        video = "[captioned]"
    graph.append(f"{video}format=yuv420p[vout]")
    if parts_v:  # the cards' silence is joined to the clip's sound inside the graph
        graph.append(f"{audio}{sound or 'anull'}[aout]")
        audio_args = ["-map", "[aout]"]
    else:
        # A separate audio filter runs in its own thread and never holds back the video.
        audio_args = ["-map", audio.strip("[]") + ":0", *(["-af", sound] if sound else [])]
        if info.has_audio and info.channels > 2:
            audio_args += ["-ac", "2"]
        if info.has_audio and info.sample_rate > 48000:
            audio_args += ["-ar", "48000"]
    args += ["-filter_complex", ";".join(graph), "-map", "[vout]", *audio_args,
             "-c:v", "libx264", "-preset", opts.preset, "-crf", str(opts.crf),
             "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart",
             "-shortest", str(out)]
    return args


def measure_loudness(src: Path, start: float, duration: float,
                     filters: str = "") -> tuple[float, float] | None:
    """Integrated loudness (LUFS) and sample peak (dBFS) of the range after ``filters``, or
    None when it is silent."""
    chain = f"{filters}," if filters else ""
    cmd = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-nostats", "-ss", f"{start:.3f}", "-t",
           f"{duration:.3f}", "-i", str(src), "-vn", "-sn", "-dn", "-af",
           f"{chain}ebur128=framelog=quiet:peak=sample", "-f", "null", "-"]
    proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace", check=False)
    loud, peak = _LOUDNESS.findall(proc.stderr), _PEAK.findall(proc.stderr)
    if proc.returncode != 0 or not loud or not peak:
        reason = proc.stderr.strip().splitlines()[-1:] or ["no loudness summary"]
        raise MediaError(f"ffmpeg could not measure the loudness of {src.name} "
                         f"({reason[0][:200]}); check the sound track plays",
                         key="video.error.render")
    if "inf" in loud[-1] or "inf" in peak[-1] or float(loud[-1]) <= -69.0:
        return None  # silence (or too short to gate): nothing to normalise
    return float(loud[-1]), float(peak[-1])


def _gain_chain(gain: float, peak: float) -> str:
    gain = max(-MAX_GAIN_DB, min(MAX_GAIN_DB, gain))
    chain = f"volume={gain:.2f}dB"
    if peak + gain > PEAK_DBFS:
        chain += f",alimiter=limit={10 ** (PEAK_DBFS / 20):.4f}:attack=5:release=50:level=0"
    return chain


def _sound_chain(src: Path, start: float, duration: float, info: MediaInfo,
                 opts: RenderOptions) -> str:
    """Audio filters: one gain to -14 LUFS, a limiter only if peaks would pass -1.5 dBFS.

    Limiting lowers the loudness a little (more for speech with sharp peaks), so when the
    limiter is needed the result is measured once more and the gain corrected.
    """
    measured = measure_loudness(src, start, duration) if opts.loudnorm and info.has_audio \
        else None
    if measured is None:
        return ""
    loudness, peak = measured
    chain = _gain_chain(TARGET_LUFS - loudness, peak)
    if "alimiter" in chain:
        after = measure_loudness(src, start, duration, chain)
        if after is not None and abs(after[0] - TARGET_LUFS) > 0.5:
            chain = _gain_chain(TARGET_LUFS - loudness + TARGET_LUFS - after[0], peak)
    return chain


def render_clip(src: str | Path, out: str | Path, start: float, end: float,
                segments=(), opts: RenderOptions | None = None, info: MediaInfo | None = None,
                should_cancel: Callable[[], bool] | None = None) -> dict:
    """Render ``src[start:end]`` to ``out`` (MP4) and return what was done.

    Raises:
        MediaError: a bad range, a source without video, or ffmpeg failing (with its reason).
    """
    src, out = Path(src), Path(out)
    opts = opts or RenderOptions()
    info = info or probe(src)
    if not info.has_video:
        raise MediaError(f"{src.name} has no picture, so no clip can be cut from it; use the "
                         "video recording", key="video.error.no_video")
    if not (0 <= start < end <= info.duration + 0.05):
        raise MediaError(f"the clip range {start:.2f}–{end:.2f} s is outside the video "
                         f"(0–{info.duration:.2f} s); choose a start before the end, inside it",
                         key="video.error.range", start=start, end=end,
                         duration=info.duration)
    end = min(end, info.duration)
    width, height = opts.width_height
    reframe, facts = _reframe(info, opts, src, start, end - start)
    intro = opts.card_s if opts.intro_image is not None else 0.0
    total = (end - start) + intro + (opts.card_s if opts.outro_image is not None else 0.0)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="clip-") as tmp:
        ass_file = _write_ass(Path(tmp), segments, start, end, opts, intro, total)
        sound = _sound_chain(src, start, end - start, info, opts)
        cmd = build_command(src, out.with_suffix(".part.mp4"), start, end, info, opts,
                            ass_file, reframe, sound)
        _run(cmd, should_cancel, out.with_suffix(".part.mp4"))
    out.with_suffix(".part.mp4").replace(out)
    return {"file": str(out), "start": start, "end": end, "width": width, "height": height,
            "duration": round(total, 3), **facts}


def _write_ass(tmp: Path, segments, start: float, end: float, opts: RenderOptions,
               intro: float, total: float) -> Path | None:
    width, height = opts.width_height
    lines = []
    if opts.captions != "none":
        translations = list(opts.translations) if opts.captions == "bi" and \
            opts.translations is not None else None
        lines = ass.caption_lines(list(segments), start, end, translations)
        lines = [ass.Line(x.start + intro, x.end + intro, x.text,
                          tuple((a + intro, b + intro, w) for a, b, w in x.words),
                          x.translation) for x in lines]
    titles = []
    if opts.intro_image is not None and opts.intro_title:
        titles.append((0.0, intro, opts.intro_title))
    if opts.outro_image is not None and opts.outro_title:
        titles.append((total - opts.card_s, total, opts.outro_title))
    overlay = ass.Overlay(opts.product, opts.price, tuple(titles))
    if not lines and not (opts.product or opts.price or titles):
        return None
    path = tmp / "clip.ass"
    path.write_text(ass.document(width, height, lines, total, opts.style, overlay),
                    encoding="utf-8")
    return path


def _run(cmd: list[str], should_cancel, part: Path) -> None:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while True:
            try:
                _, err = proc.communicate(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                if should_cancel is not None and should_cancel():
                    proc.kill()
                    proc.wait()
                    from studio.video.transcribe import Cancelled

                    raise Cancelled("rendering cancelled; start it again when ready",
                                    key="video.error.cancelled") from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    if proc.returncode != 0:
        part.unlink(missing_ok=True)
        reason = err.decode(errors="replace").strip().splitlines()[-1:] or ["unknown error"]
        raise MediaError(f"ffmpeg could not render the clip ({reason[0][:300]}); check the "
                         "source video plays to the end", key="video.error.render")
