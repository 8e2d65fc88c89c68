"""Attach media files to posts: images through the catalog's checks, videos by their header."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from studio.assets import safe_name, store_image, write_blob_from_file
from studio.db.models import Asset, Workspace
from studio.errors import MediaError

VIDEO_EXTS = {".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime",
              ".webm": "video/webm"}
IMAGE_EXTS = (".jpg", ".jpeg", ".png", ".webp", ".gif")


def _video_mime(head: bytes, suffix: str) -> str | None:
    if head[4:8] == b"ftyp" and suffix in (".mp4", ".m4v", ".mov"):
        return VIDEO_EXTS[suffix]
    if head[:4] == b"\x1a\x45\xdf\xa3" and suffix == ".webm":
        return "video/webm"
    return None


def store_media_file(session: Session, ws: Workspace, path: Path) -> Asset:
    """Store ``path`` as an asset of the workspace (the same bytes give the same asset)."""
    path = Path(path)
    if not path.is_file():
        raise MediaError(f"media file {path} does not exist; check the path")
    suffix = path.suffix.lower()
    if suffix in IMAGE_EXTS:
        return store_image(session, ws, path.read_bytes(), path.name, kind="photo")
    with open(path, "rb") as fh:
        head = fh.read(16)
    mime = _video_mime(head, suffix)
    if mime is None:
        raise MediaError(f"{path.name} is not a JPEG/PNG/WebP/GIF image or an MP4/MOV/WebM "
                         "video; export it in one of those formats")
    sha, rel, size = write_blob_from_file(path, suffix.lstrip("."))
    existing = session.scalar(select(Asset).where(
        Asset.workspace_id == ws.id, Asset.sha256 == sha, Asset.kind == "video"))
    if existing is not None:
        return existing
    asset = Asset(workspace_id=ws.id, kind="video", sha256=sha, size=size, mime=mime, path=rel,
                  original_name=safe_name(path.name), meta={})
    session.add(asset)
    session.flush()
    return asset
