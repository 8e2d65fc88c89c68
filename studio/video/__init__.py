"""Livestream to clips: ingest, transcription, selling-aware highlights, 9:16 rendering.

Heavy modules (faster-whisper, OpenCV) are imported only when a step runs.
"""

from studio.video.highlights import HighlightPick, ProductRef, find_highlights
from studio.video.probe import MediaInfo, probe
from studio.video.render import RenderOptions, render_clip
from studio.video.subtitles import export
from studio.video.transcribe import Cancelled, Segment, TranscribeOptions

__all__ = [
    "Cancelled",
    "HighlightPick",
    "MediaInfo",
    "ProductRef",
    "RenderOptions",
    "Segment",
    "TranscribeOptions",
    "export",
    "find_highlights",
    "probe",
    "render_clip",
]
