"""Signed public media links: platforms that fetch media by URL (Instagram, TikTok pull, Lazada,
Zalo) get them from the feed feed_server, only for that file, only until the link expires."""

from __future__ import annotations

import http.client

import pytest

from studio.assets import asset_path
from studio.catalog.service import ensure_workspace
from studio.db.models import Asset
from studio.db.session import session_scope
from studio.publish.ics_server import byte_range, mask_path
from studio.publish.media import MEDIA_URL_TTL_S, public_media_url, store_media_file

PUBLIC = "https://studio.example.vn"
VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40  # 10,252 bytes, an MP4 header


@pytest.fixture(autouse=True)
def _public(monkeypatch):
    monkeypatch.setenv("STUDIO_PUBLIC_URL", PUBLIC)
    monkeypatch.delenv("STUDIO_SECRET_KEY", raising=False)


@pytest.fixture
def clip(engine, tmp_path):
    src = tmp_path / "clip chốt đơn.mp4"
    src.write_bytes(VIDEO)
    with session_scope(engine) as session:
        asset = store_media_file(session, ensure_workspace(session, "a"), src)
        return asset.id, asset.path


def fetch(port: int, url: str, method: str = "GET", headers: dict | None = None):
    path = url.removeprefix(PUBLIC)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def test_signed_link_serves_the_file_whole_and_in_ranges(clip, feed_server):
    url = public_media_url(*clip, meta={})
    assert url.startswith(PUBLIC + f"/media/{clip[0]}/") and url.endswith(".mp4")
    status, headers, body = fetch(feed_server, url)
    assert (status, body, headers["content-type"]) == (200, VIDEO, "video/mp4")
    assert headers["accept-ranges"] == "bytes"
    status, headers, body = fetch(feed_server, url, "HEAD")
    assert (status, body, headers["content-length"]) == (200, b"", str(len(VIDEO)))
    status, headers, body = fetch(feed_server, url, headers={"Range": "bytes=100-1123"})
    assert (status, body) == (206, VIDEO[100:1124])
    assert headers["content-range"] == f"bytes 100-1123/{len(VIDEO)}"
    status, _, body = fetch(feed_server, url, headers={"Range": "bytes=-10"})
    assert (status, body) == (206, VIDEO[-10:])
    status, headers, _ = fetch(feed_server, url, headers={"Range": f"bytes={len(VIDEO)}-"})
    assert (status, headers["content-range"]) == (416, f"bytes */{len(VIDEO)}")


def test_tampered_expired_or_foreign_links_are_404(clip, feed_server, engine, tmp_path):
    url = public_media_url(*clip, meta={})
    prefix, _, name = url.rpartition("/")
    signature, ext = name.split(".")
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    other = tmp_path / "other.mp4"
    other.write_bytes(VIDEO + b"x")
    with session_scope(engine) as session:
        second = store_media_file(session, ensure_workspace(session, "b"), other).id
    aid, expires = prefix.split("/")[-2:]
    bad = [f"{prefix}/{flipped}.{ext}",                          # forged signature
           f"{prefix}/{signature}.jpg",                          # another extension
           url.replace(f"/media/{aid}/", f"/media/{second}/"),  # the signature of another file
           url.replace(f"/{expires}/", f"/{int(expires) + 1}/"),  # a later expiry
           public_media_url(*clip, meta={}, now=0),              # expired long ago
           url + "/", url.replace("/media/", "/media//")]
    for link in bad:
        status, _, body = fetch(feed_server, link)
        assert (status, body) == (404, b"not found\n"), link
    status, headers, _ = fetch(feed_server, url, "POST")
    assert (status, headers["allow"]) == (405, "GET, HEAD")


def test_link_dies_when_the_secret_changes_or_the_file_is_gone(clip, feed_server, engine,
                                                              monkeypatch):
    url = public_media_url(*clip, meta={})
    assert fetch(feed_server, url)[0] == 200
    monkeypatch.setenv("STUDIO_SECRET_KEY", "a brand new passphrase for this studio")
    assert fetch(feed_server, url)[0] == 404
    fresh = public_media_url(*clip, meta={})
    assert fresh != url and fetch(feed_server, fresh)[0] == 200
    with session_scope(engine) as session:
        asset_path(session.get(Asset, clip[0])).unlink()
    assert fetch(feed_server, fresh)[0] == 404


def test_own_url_wins_and_nothing_without_a_public_address(clip, monkeypatch):
    assert public_media_url(*clip, meta={"public_url": "https://cdn.example/x.mp4"}) == \
        "https://cdn.example/x.mp4"
    monkeypatch.delenv("STUDIO_PUBLIC_URL")
    assert public_media_url(*clip, meta={}) == ""


def test_link_lifetime_and_masked_logs(clip):
    url = public_media_url(*clip, meta={}, now=1_000_000)
    assert f"/{1_000_000 + MEDIA_URL_TTL_S}/" in url
    path = url.removeprefix(PUBLIC)
    assert mask_path(f"GET {path} HTTP/1.1") == "GET /media/*** HTTP/1.1"


@pytest.mark.parametrize("header,size,expected", [
    (None, 10, None), ("bytes=0-4", 10, (0, 4)), ("bytes=5-", 10, (5, 9)),
    ("bytes=-3", 10, (7, 9)), ("bytes=-30", 10, (0, 9)), ("bytes=8-100", 10, (8, 9)),
    ("bytes=10-", 10, False), ("bytes=5-2", 10, False), ("bytes=-0", 10, False),
    ("bytes=0-1,4-5", 10, None), ("items=0-1", 10, None), ("bytes=-", 10, None),
])
def test_byte_range(header, size, expected):
    assert byte_range(header, size) == expected


def test_scheduler_payload_carries_a_fetchable_link(clip, feed_server, engine):
    from studio.publish.scheduler import _payload

    with engine.connect() as db:
        payload = _payload(db, post_id=1, target_id=1, texts={"vi": "x"}, lang="vi", title="",
                           link="", first_comment="", hashtags=[], media_asset_ids=[clip[0]],
                           variant={}, idempotency_key="k")
    (media,) = payload.media
    assert media.public_url.startswith(PUBLIC + "/media/")
    assert fetch(feed_server, media.public_url)[2] == media.path.read_bytes() == VIDEO
