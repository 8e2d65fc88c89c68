"""Content-addressed file store: files live under ``<data_dir>/assets/<sha[:2]>/<sha>.<ext>``.

The original file name is kept as metadata only; it never chooses where anything is written.
Writes go to a temporary file in the same folder and are renamed into place, so a failure leaves
no half-written file.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studio.config import get_settings
from studio.db.models import Asset, Product, ProductPhoto, Workspace
from studio.errors import MediaError, NotFound

IMAGE_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"),
                 "WEBP": ("image/webp", "webp"), "GIF": ("image/gif", "gif")}
MAX_IMAGE_PIXELS = 60_000_000


@dataclass(frozen=True)
class ImageInfo:
    mime: str
    ext: str
    width: int
    height: int


def data_dir() -> Path:
    path = get_settings().data_dir
    path.mkdir(parents=True, exist_ok=True)
    return path


def safe_name(name: str) -> str:
    """A display-only version of an uploaded name: no folders, no control characters."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip(" .")
    return base[:255] or "file"


def sniff_image(data: bytes) -> ImageInfo:
    """Check by content that ``data`` is a whole JPEG, PNG, WebP or GIF image."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt, (width, height) = img.format, img.size
            if width * height > MAX_IMAGE_PIXELS:
                raise MediaError(f"the image is {width}×{height} pixels; the limit is 60 "
                                 "megapixels: resize it and upload again", key="error.image_huge")
            img.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()  # verify() misses truncated pixel data; decoding finds it
    except MediaError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError) as exc:
        raise MediaError("this file is not a readable image (JPEG, PNG, WebP or GIF); export "
                         "the photo again and upload that file", key="error.not_image") from exc
    if fmt not in IMAGE_FORMATS:
        raise MediaError(f"images must be JPEG, PNG, WebP or GIF, not {fmt}; convert it first",
                         key="error.not_image")
    mime, ext = IMAGE_FORMATS[fmt]
    return ImageInfo(mime, ext, width, height)


def write_blob(data: bytes, ext: str) -> tuple[str, str]:
    """Store ``data`` by sha256; returns (sha256, path relative to the data dir)."""
    digest = hashlib.sha256(data).hexdigest()
    return digest, _place(digest, ext, lambda fh: fh.write(data))


def write_blob_from_file(src: Path, ext: str) -> tuple[str, str, int]:
    """Store a (possibly huge) file by sha256, streaming; returns (sha256, rel path, size)."""
    digest = hashlib.sha256()
    size = 0
    with open(src, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    sha = digest.hexdigest()

    def copy(out) -> None:
        with open(src, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                out.write(chunk)

    return sha, _place(sha, ext, copy), size


def _place(sha: str, ext: str, write) -> str:
    if not ext.isalnum() or len(ext) > 8:
        raise ValueError(f"bad extension {ext!r}")
    rel = Path("assets") / sha[:2] / f"{sha}.{ext}"
    target = data_dir() / rel
    if target.exists():
        return rel.as_posix()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return rel.as_posix()


def asset_path(asset: Asset) -> Path:
    return data_dir() / asset.path


def store_image(session: Session, ws: Workspace, data: bytes, original_name: str = "",
                kind: str = "photo", product_id: int | None = None) -> Asset:
    """Check and store an uploaded image; the same bytes twice give the same Asset.

    With ``product_id`` the image is also shown on that product (see :func:`link_photo`)."""
    limit = get_settings().max_upload_mb * 1024 * 1024
    if not data:
        raise MediaError("the file is empty; choose the photo again", key="error.file_empty")
    if len(data) > limit:
        raise MediaError(f"the image is {len(data) / 1048576:.1f} MB; the limit is "
                         f"{limit // 1048576} MB: resize it", key="error.image_too_big",
                         size=round(len(data) / 1048576, 1), limit=limit // 1048576)
    info = sniff_image(data)
    sha, rel = write_blob(data, info.ext)
    existing = session.scalar(select(Asset).where(
        Asset.workspace_id == ws.id, Asset.sha256 == sha, Asset.kind == kind))
    if existing is not None:
        asset = existing
    else:
        asset = Asset(workspace_id=ws.id, kind=kind, sha256=sha, size=len(data),
                      mime=info.mime, path=rel, width=info.width, height=info.height,
                      original_name=safe_name(original_name), meta={})
        session.add(asset)
        session.flush()
    if product_id is not None:
        link_photo(session, ws, product_id, asset)
    return asset


def _own_product(session: Session, ws: Workspace, product_id: int) -> Product:
    product = session.get(Product, product_id)
    if product is None or product.workspace_id != ws.id:
        raise NotFound(f"no product #{product_id} in workspace '{ws.slug}'; reload the page",
                       key="error.product_missing")
    return product


def link_photo(session: Session, ws: Workspace, product_id: int, asset: Asset) -> bool:
    """Show ``asset`` on the product, after its other photos. One image may illustrate several
    products. Returns False when it was already there (nothing changes)."""
    product = _own_product(session, ws, product_id)
    if asset.workspace_id != ws.id:
        raise NotFound("that file belongs to another workspace", key="error.asset_missing")
    if session.get(ProductPhoto, (product_id, asset.id)) is not None:
        return False
    last = session.scalar(select(func.max(ProductPhoto.position))
                          .where(ProductPhoto.product_id == product_id))
    session.add(ProductPhoto(product_id=product_id, asset_id=asset.id, workspace_id=ws.id,
                             position=(last or 0) + 1))
    session.flush()
    session.expire(product, ["photos"])
    return True


def unlink_photo(session: Session, ws: Workspace, product_id: int, asset_id: int) -> None:
    """Take a photo off a product. The file stays (a post or another product may use it)."""
    product = _own_product(session, ws, product_id)
    link = session.get(ProductPhoto, (product_id, asset_id))
    if link is None:
        raise NotFound("that photo is not on this product any more; reload the page",
                       key="error.photo_missing")
    session.delete(link)
    session.flush()
    session.expire(product, ["photos"])


def move_photo(session: Session, ws: Workspace, product_id: int, asset_id: int,
               offset: int) -> None:
    """Move a photo ``offset`` places (-1: earlier, +1: later); the first photo is the cover."""
    product = _own_product(session, ws, product_id)
    links = session.scalars(select(ProductPhoto).where(ProductPhoto.product_id == product_id)
                            .order_by(ProductPhoto.position, ProductPhoto.asset_id)).all()
    ids = [link.asset_id for link in links]
    if asset_id not in ids:
        raise NotFound("that photo is not on this product any more; reload the page",
                       key="error.photo_missing")
    old = ids.index(asset_id)
    new = min(max(old + offset, 0), len(ids) - 1)
    ids.insert(new, ids.pop(old))
    by_id = {link.asset_id: link for link in links}
    for position, aid in enumerate(ids, start=1):
        by_id[aid].position = position
    session.flush()
    session.expire(product, ["photos"])
