"""Probe a media file: container, streams, duration, and whether the file is whole.

PyAV is used rather than parsing ``ffmpeg -i`` text: it is already installed as a dependency of
faster-whisper (which decodes audio with it), gives typed stream fields instead of a log format
that changes between ffmpeg versions, and lets us read the last packets to catch a truncated file
whose header still claims the full duration.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from studio.errors import MediaError

#: A file whose last readable packet ends this far before its claimed duration is truncated.
TRUNCATION_SLACK_S = 3.0
#: Demuxers that open text or still images (ffmpeg shows a text file as an "ansi" video).
TEXT_OR_IMAGE = {"tty", "bin", "xbin", "idf", "adf", "image2", "webvtt", "srt", "ass", "lrc",
                 "jacosub", "microdvd", "sami", "subviewer", "mpl2", "vplayer", "realtext"}
TEXT_CODECS = {"ansi", "bintext", "xbin", "idf"}


@dataclass(frozen=True)
class MediaInfo:
    """What a media file holds. ``width``/``height``/``fps`` are 0 without a video stream."""

    container: str
    duration: float
    size: int
    has_video: bool
    has_audio: bool
    width: int = 0
    height: int = 0
    fps: float = 0.0
    video_codec: str = ""
    audio_codec: str = ""
    sample_rate: int = 0
    channels: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def _not_media(path: Path, why: str) -> MediaError:
    return MediaError(f"{path.name} is not a readable video or audio file ({why}); export the "
                      "recording again (MP4, MOV, MKV, TS or an audio file) and retry",
                      key="video.error.not_media", why=why)


def probe(path: str | Path) -> MediaInfo:
    """Read ``path``'s container and streams and check that its data reaches the end.

    Raises:
        MediaError: empty, not media, no audio or video stream, or truncated.
    """
    import av

    path = Path(path)
    if not path.is_file():
        raise MediaError(f"{path} does not exist; check the path", key="video.error.missing")
    size = path.stat().st_size
    if size == 0:
        raise MediaError(f"{path.name} is empty (0 bytes); copy the recording again",
                         key="video.error.empty")
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise _not_media(path, "no known container") from exc
    with container:
        video = container.streams.video[0] if container.streams.video else None
        audio = container.streams.audio[0] if container.streams.audio else None
        if video is None and audio is None:
            raise _not_media(path, "no audio or video stream")
        if (container.format.name in TEXT_OR_IMAGE or container.format.name.endswith("_pipe")
                or (video is not None and video.codec_context.name in TEXT_CODECS)):
            raise _not_media(path, f"it holds {container.format.name} data, not a recording")
        duration = _claimed_duration(container)
        last = _last_packet_time(container, video or audio, duration)
        if last is None or (duration and last < duration - TRUNCATION_SLACK_S):
            reached = 0.0 if last is None else last
            raise MediaError(
                f"{path.name} is truncated: its header says {duration:.1f} s but the data stops "
                f"at {reached:.1f} s; copy or export the file again completely",
                key="video.error.truncated", claimed=round(duration, 1), reached=round(reached, 1))
        duration = duration or last
        info = MediaInfo(container=container.format.name, duration=round(duration, 3),
                         size=size, has_video=video is not None, has_audio=audio is not None)
        fields = {}
        if video is not None:
            rate = video.average_rate or video.guessed_rate or 0
            fields.update(width=video.codec_context.width, height=video.codec_context.height,
                          fps=round(float(rate), 3), video_codec=video.codec_context.name)
        if audio is not None:
            fields.update(audio_codec=audio.codec_context.name,
                          sample_rate=audio.codec_context.sample_rate or 0,
                          channels=audio.codec_context.channels or 0)
        return MediaInfo(**{**info.to_dict(), **fields})


def _claimed_duration(container) -> float:
    if container.duration:
        return container.duration / 1_000_000
    best = 0.0
    for stream in container.streams:
        if stream.duration and stream.time_base:
            best = max(best, float(stream.duration * stream.time_base))
    return best


def _last_packet_time(container, stream, duration: float) -> float | None:
    """Time of the last packet that carries data, read from near the claimed end."""
    import av

    if duration > 10 and stream.time_base:
        try:
            container.seek(int((duration - 5) / stream.time_base), stream=stream,
                           backward=True, any_frame=False)
        except av.error.FFmpegError:
            return None
    last = None
    try:
        for packet in container.demux(stream):
            if packet.size and packet.pts is not None:
                end = packet.pts + (packet.duration or 0)
                last = max(last or 0.0, float(end * stream.time_base))
    except av.error.FFmpegError:
        pass  # a damaged tail: judge by what was read before it
    return last
