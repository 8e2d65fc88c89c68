"""Attach media files to posts: images through the catalog's checks, videos by their header.

Instagram, TikTok (pull from URL), Lazada, Zalo and Facebook (photos by URL) fetch media from a
public https address. :func:`public_media_url` gives one: the asset's own ``meta["public_url"]``
when the user hosts the file elsewhere (a CDN), else, when STUDIO_PUBLIC_URL says where this
studio's feed server is reachable from the internet, a signed link to it
(``/media/<asset id>/<expiry>/<signature>.<ext>``) that only works for that file and expires.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from studio.assets import safe_name, store_image, write_blob_from_file
from studio.db.models import Asset, Workspace
from studio.errors import MediaError

VIDEO_EXTS = {".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime",
              ".webm": "video/webm"}
IMAGE_EXTS = (".jpg", ".jpeg", ".png", ".webp", ".gif")
#: A signed media link stays valid this long: long enough for a platform to fetch the file at
#: publishing time (and for retries), short enough that a leaked link soon dies.
MEDIA_URL_TTL_S = 7 * 24 * 3600


def _signature(asset_id: int, rel_path: str, expires: int) -> str:
    from studio.publish.credentials import derived_key

    message = f"{asset_id}:{rel_path}:{expires}".encode()
    return hmac.new(derived_key("media-url"), message, hashlib.sha256).hexdigest()[:40]


def public_media_url(asset_id: int, rel_path: str, meta: dict | None,
                     now: float | None = None) -> str:
    """Where a platform can fetch this asset, or "" when nothing public is configured."""
    own = (meta or {}).get("public_url") or ""
    if own:
        return own
    from studio.config import get_settings

    base = get_settings().public_url
    if not base:
        return ""
    expires = int((time.time() if now is None else now) + MEDIA_URL_TTL_S)
    ext = Path(rel_path).suffix.lstrip(".").lower()
    return (f"{base.rstrip('/')}/media/{asset_id}/{expires}/"
            f"{_signature(asset_id, rel_path, expires)}.{ext}")


def media_link_valid(asset_id: int, rel_path: str, expires: int, signature: str,
                     now: float | None = None) -> bool:
    """True when ``signature`` was made by this studio for this file and has not expired."""
    if expires < (time.time() if now is None else now):
        return False
    return hmac.compare_digest(_signature(asset_id, rel_path, expires), signature)


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
