"""Ingest a livestream recording: check it is whole media, store it by sha256, record it.

Everything is checked before anything is written, so a rejected file leaves no blob and no row.
The uploaded name is kept for display only; the stored path is the content hash.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from studio.assets import safe_name, write_blob_from_file
from studio.db.models import Asset, Workspace
from studio.errors import MediaError
from studio.video.models import Livestream
from studio.video.probe import MediaInfo, probe
from studio.video.transcribe import LANGS

EXTENSIONS = {"mov,mp4,m4a,3gp,3g2,mj2": "mp4", "matroska,webm": "mkv", "mpegts": "ts",
              "flv": "flv", "avi": "avi", "wav": "wav", "mp3": "mp3", "ogg": "ogg",
              "aac": "aac", "flac": "flac"}


def check_media(path: str | Path, need_audio: bool = True) -> MediaInfo:
    """Probe ``path`` and refuse what cannot become clips (see :func:`probe`).

    Raises:
        MediaError: empty, not media, truncated, or without sound when ``need_audio``.
    """
    info = probe(path)
    if need_audio and not info.has_audio:
        raise MediaError(f"{Path(path).name} has no sound track, so it cannot be transcribed; "
                         "upload the recording with its audio (or untick transcription)",
                         key="video.error.no_audio")
    return info


def ingest(session: Session, ws: Workspace, path: str | Path, original_name: str = "",
           title: str = "", lang: str = "vi", need_audio: bool = True) -> Livestream:
    """Store a recording as a ``video`` Asset and a :class:`Livestream` (idempotent by content).

    Args:
        path: the file on disk (an upload is first written to a temporary file).
        original_name: the name the user gave it (display only).
        lang: the language spoken ("vi" or "en"); auto-detection is slow and wrong on Vietnamese.
    """
    if lang not in LANGS:
        raise MediaError(f"language {lang!r} is not supported; choose 'vi' or 'en'",
                         key="video.error.lang", lang=lang)
    path = Path(path)
    info = check_media(path, need_audio)
    kind = "video" if info.has_video else "audio"
    ext = EXTENSIONS.get(info.container, "bin")
    sha, rel, size = write_blob_from_file(path, ext)
    asset = session.scalar(select(Asset).where(
        Asset.workspace_id == ws.id, Asset.sha256 == sha, Asset.kind == kind))
    if asset is None:
        mime = f"{kind}/{'mp4' if ext == 'mp4' else ext}"
        asset = Asset(workspace_id=ws.id, kind=kind, sha256=sha, size=size, mime=mime, path=rel,
                      width=info.width or None, height=info.height or None,
                      duration_s=info.duration, original_name=safe_name(original_name or
                                                                         path.name),
                      meta={"probe": info.to_dict()})
        session.add(asset)
        session.flush()
    existing = session.scalar(select(Livestream).where(
        Livestream.workspace_id == ws.id, Livestream.asset_id == asset.id))
    if existing is not None:
        return existing
    stream = Livestream(workspace_id=ws.id, asset_id=asset.id,
                        title=(title or safe_name(original_name or path.name))[:200], lang=lang,
                        duration_s=info.duration, has_audio=info.has_audio,
                        probe=info.to_dict())
    session.add(stream)
    session.flush()
    return stream
