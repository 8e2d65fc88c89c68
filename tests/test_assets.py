"""The file store: images checked by content, stored by sha256, names never choose paths."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from studio.assets import asset_path, data_dir, safe_name, store_image
from studio.errors import MediaError


def png(size=(40, 30), color=(200, 50, 50), fmt="PNG") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, fmt)
    return buf.getvalue()


def stored_files() -> list:
    root = data_dir() / "assets"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_image_is_stored_by_hash(session, ws):
    data = png()
    asset = store_image(session, ws, data, "ảnh sản phẩm.PNG")
    sha = hashlib.sha256(data).hexdigest()
    assert asset.sha256 == sha and asset.mime == "image/png"
    assert (asset.width, asset.height) == (40, 30) and asset.size == len(data)
    assert asset.path == f"assets/{sha[:2]}/{sha}.png"
    assert asset_path(asset).read_bytes() == data
    assert asset.original_name == "ảnh sản phẩm.PNG"
    again = store_image(session, ws, data, "copy.png")
    assert again.id == asset.id and len(stored_files()) == 1


def test_jpeg_detected_by_content_not_name(session, ws):
    asset = store_image(session, ws, png(fmt="JPEG"), "photo.png")
    assert asset.mime == "image/jpeg" and asset.path.endswith(".jpg")


@pytest.mark.parametrize("name", ["../../etc/passwd", "..\\..\\x.jpg", "/abs/path.jpg",
                                  "con\x00trol.jpg", "a" * 600 + ".jpg", ".hidden"])
def test_odd_names_never_choose_the_path(session, ws, name):
    asset = store_image(session, ws, png(color=(len(name) % 255, 1, 2)), name)
    assert asset_path(asset).resolve().is_relative_to(data_dir().resolve())
    assert "/" not in asset.original_name and "\\" not in asset.original_name
    assert "\x00" not in asset.original_name and len(asset.original_name) <= 255


@pytest.mark.parametrize("data,key", [
    (b"", "error.file_empty"),
    (b"hello, I am a text file pretending to be a photo", "error.not_image"),
    (png()[:60], "error.not_image"),  # truncated
    (b"%PDF-1.4\n" + b"0" * 100, "error.not_image"),
])
def test_bad_images_are_refused_and_nothing_is_stored(session, ws, data, key):
    with pytest.raises(MediaError) as info:
        store_image(session, ws, data, "photo.jpg")
    assert info.value.key == key
    assert "JPEG" in info.value.localized("en") or "empty" in info.value.localized("en")
    assert info.value.localized("vi") != info.value.localized("en")
    assert stored_files() == []


def test_unsupported_format(session, ws):
    buf = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buf, "BMP")
    with pytest.raises(MediaError, match="convert it"):
        store_image(session, ws, buf.getvalue(), "x.bmp")


def test_size_limit(session, ws, monkeypatch):
    monkeypatch.setenv("STUDIO_MAX_IMAGE_MB", "1")
    big = png(size=(1, 1)) + b"\x00" * (1024 * 1024 + 1)
    with pytest.raises(MediaError, match="limit is 1 MB"):
        store_image(session, ws, big, "big.png")
    assert stored_files() == []


def test_decompression_bomb_is_refused(session, ws):
    buf = io.BytesIO()
    Image.new("1", (9000, 9000)).save(buf, "PNG")  # tiny file, 81 megapixels
    with pytest.raises(MediaError, match="megapixels"):
        store_image(session, ws, buf.getvalue(), "bomb.png")


def test_safe_name():
    assert safe_name("C:\\Users\\lan\\ảnh.jpg") == "ảnh.jpg"
    assert safe_name("../../") == "file"
