"""The file store: images checked by content, stored by sha256, names never choose paths."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from studio.assets import asset_path, data_dir, safe_name, store_image
from studio.errors import MediaError, NotFound


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


# -- photos linked to products -----------------------------------------------------------------
def _products(session, ws, *slugs):
    from studio.db.models import Producer, Product

    maker = Producer(workspace_id=ws.id, name="HTX Test", kind="cooperative")
    session.add(maker)
    session.flush()
    out = [Product(workspace_id=ws.id, producer_id=maker.id, slug=slug, name_vi=slug,
                   ocop_group="food") for slug in slugs]
    session.add_all(out)
    session.flush()
    return out


def test_one_image_illustrates_two_products(session, ws):
    from studio.assets import link_photo

    tea, rice = _products(session, ws, "tea", "rice")
    farm = store_image(session, ws, png(), "farm.png", product_id=tea.id)
    again = store_image(session, ws, png(), "farm-copy.png", product_id=rice.id)
    assert again.id == farm.id and len(stored_files()) == 1
    assert [a.id for a in tea.photos] == [a.id for a in rice.photos] == [farm.id]
    assert link_photo(session, ws, rice.id, farm) is False  # already there: nothing changes
    assert len(rice.photos) == 1


def test_unlink_keeps_the_file_and_the_other_product(session, ws):
    from studio.assets import unlink_photo

    tea, rice = _products(session, ws, "tea", "rice")
    farm = store_image(session, ws, png(), "farm.png", product_id=tea.id)
    store_image(session, ws, png(), product_id=rice.id)
    unlink_photo(session, ws, tea.id, farm.id)
    assert tea.photos == [] and [a.id for a in rice.photos] == [farm.id]
    assert asset_path(farm).exists()
    with pytest.raises(NotFound):  # twice: a clear "reload" message, not a crash
        unlink_photo(session, ws, tea.id, farm.id)


def test_move_photo_sets_the_cover(session, ws):
    from studio.assets import move_photo

    (tea,) = _products(session, ws, "tea")
    ids = [store_image(session, ws, png(color=(i * 40, 0, 0)), f"{i}.png",
                       product_id=tea.id).id for i in range(3)]
    move_photo(session, ws, tea.id, ids[2], -1)
    assert [a.id for a in tea.photos] == [ids[0], ids[2], ids[1]]
    move_photo(session, ws, tea.id, ids[1], -5)  # clamped to the first place
    assert [a.id for a in tea.photos] == [ids[1], ids[0], ids[2]]
    move_photo(session, ws, tea.id, ids[1], 9)  # clamped to the last place
    assert [a.id for a in tea.photos] == [ids[0], ids[2], ids[1]]


def test_photos_never_cross_workspaces(session, ws):
    from studio.assets import link_photo, move_photo, unlink_photo
    from studio.catalog.service import ensure_workspace

    (tea,) = _products(session, ws, "tea")
    other = ensure_workspace(session, "other")
    (theirs,) = _products(session, other, "theirs")
    mine = store_image(session, ws, png(), "mine.png", product_id=tea.id)
    for call in (lambda: link_photo(session, ws, theirs.id, mine),
                 lambda: link_photo(session, other, theirs.id, mine),
                 lambda: unlink_photo(session, other, tea.id, mine.id),
                 lambda: move_photo(session, other, tea.id, mine.id, 1),
                 lambda: store_image(session, ws, png(), product_id=theirs.id)):
        with pytest.raises(NotFound):
            call()
    assert theirs.photos == [] and [a.id for a in tea.photos] == [mine.id]


def test_deleting_a_product_drops_its_links_not_the_shared_image(session, ws):
    from studio.db.models import Asset

    tea, rice = _products(session, ws, "tea", "rice")
    farm = store_image(session, ws, png(), product_id=tea.id)
    store_image(session, ws, png(), product_id=rice.id)
    session.delete(tea)
    session.flush()
    session.expire_all()
    assert session.get(Asset, farm.id) is not None
    assert [a.id for a in rice.photos] == [farm.id]


def test_migration_0002_moves_existing_photo_links(tmp_path):
    from sqlalchemy import text

    from studio.db.models import Asset, Producer, Product, Workspace
    from studio.db.session import make_engine, migrate, session_scope

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    migrate(engine, "0001")
    with session_scope(engine) as s:  # the models still map assets.product_id
        old = Workspace(slug="w", name="W", timezone="UTC", settings={})
        s.add(old)
        s.flush()
        maker = Producer(workspace_id=old.id, name="P", kind="household")
        s.add(maker)
        s.flush()
        tea = Product(workspace_id=old.id, producer_id=maker.id, slug="s", name_vi="S",
                      ocop_group="food")
        s.add(tea)
        s.flush()
        ids = []
        for n, pid in enumerate((tea.id, None, tea.id)):
            asset = Asset(workspace_id=old.id, product_id=pid, kind="photo", sha256=str(n) * 64,
                          size=1, mime="image/png", path="x", original_name="", meta={})
            s.add(asset)
            s.flush()
            ids.append(asset.id)
        expected = [(tea.id, ids[0], old.id), (tea.id, ids[2], old.id)]
    migrate(engine)
    with engine.connect() as conn:
        links = conn.execute(text("SELECT product_id, asset_id, workspace_id FROM "
                                  "product_photos ORDER BY position")).all()
        left = conn.scalar(text("SELECT count(*) FROM assets WHERE product_id IS NOT NULL"))
    assert [tuple(r) for r in links] == expected and left == 0
    engine.dispose()
