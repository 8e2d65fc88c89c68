"""Probe and ingest: whole media is stored by sha256; every bad input is refused, nothing kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from studio.db.models import Asset
from studio.db.session import session_scope
from studio.errors import MediaError
from studio.video.ingest import ingest
from studio.video.models import Highlight, Livestream, TranscriptSegment
from studio.video.probe import probe

pytest_plugins = ("tests.media",)


def _stored_files(data: Path) -> list[Path]:
    root = data / "assets"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_probe_reads_streams_and_duration(live_vi):
    info = probe(live_vi.path)
    assert info.has_video and info.has_audio
    assert (info.width, info.height) == (960, 540)
    assert abs(info.duration - live_vi.duration) < 0.2
    assert info.video_codec == "h264" and info.audio_codec == "aac"


def test_ingest_stores_by_sha256_and_is_idempotent(sqlite_engine, live_vi, _studio_env):
    from studio.catalog.service import ensure_workspace

    with session_scope(sqlite_engine) as s:
        ws = ensure_workspace(s, "w", "W")
        first = ingest(s, ws, live_vi.path, original_name="../../etc/passwd\n.mp4", title="Live")
        again = ingest(s, ws, live_vi.path, original_name="other.mp4")
        asset = s.get(Asset, first.asset_id)
        assert again.id == first.id
        assert asset.kind == "video" and len(asset.sha256) == 64
        assert asset.path == f"assets/{asset.sha256[:2]}/{asset.sha256}.mp4"
        assert "/" not in asset.original_name and "\n" not in asset.original_name
        assert first.has_audio and first.lang == "vi" and first.probe["width"] == 960
    assert len(_stored_files(_studio_env)) == 1


def _bad_files(tmp_path: Path, live: Path) -> dict[str, Path]:
    text = tmp_path / "notes.mp4"
    text.write_text("this is a shopping list, not a video\n" * 20)
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    data = live.read_bytes()
    truncated = tmp_path / "cut.mp4"  # +faststart: the header survives, the data stops early
    truncated.write_bytes(data[: len(data) // 3])
    headless = tmp_path / "headless.mp4"
    headless.write_bytes(data[len(data) // 2:])
    return {"text": text, "empty": empty, "truncated": truncated, "headless": headless}


@pytest.mark.parametrize("kind,needle", [("text", "not a readable video"), ("empty", "empty"),
                                         ("truncated", "truncated"),
                                         ("headless", "not a readable video")])
def test_bad_files_are_refused_and_nothing_is_stored(sqlite_engine, live_vi, tmp_path,
                                                      _studio_env, kind, needle):
    from studio.catalog.service import ensure_workspace

    bad = _bad_files(tmp_path, live_vi.path)[kind]
    with session_scope(sqlite_engine) as s:
        ws = ensure_workspace(s, "w", "W")
        with pytest.raises(MediaError) as err:
            ingest(s, ws, bad, original_name=bad.name)
        assert needle in str(err.value)
        assert any(hint in str(err.value) for hint in ("again", "export", "copy"))
        assert s.scalar(select(func.count()).select_from(Asset)) == 0
        assert s.scalar(select(func.count()).select_from(Livestream)) == 0
    assert _stored_files(_studio_env) == []


def test_no_audio_refused_only_when_transcription_is_asked(sqlite_engine, silent_video,
                                                           _studio_env):
    from studio.catalog.service import ensure_workspace

    with session_scope(sqlite_engine) as s:
        ws = ensure_workspace(s, "w", "W")
        with pytest.raises(MediaError, match="no sound track.*upload the recording"):
            ingest(s, ws, silent_video)
        assert _stored_files(_studio_env) == []
        stream = ingest(s, ws, silent_video, need_audio=False)
        assert not stream.has_audio


def test_missing_file_and_bad_language(sqlite_engine, live_vi, tmp_path):
    from studio.catalog.service import ensure_workspace

    with session_scope(sqlite_engine) as s:
        ws = ensure_workspace(s, "w", "W")
        with pytest.raises(MediaError, match="does not exist; check the path"):
            ingest(s, ws, tmp_path / "nope.mp4")
        with pytest.raises(MediaError, match="choose 'vi' or 'en'"):
            ingest(s, ws, live_vi.path, lang="auto")
        assert s.scalar(select(func.count()).select_from(Asset)) == 0


def test_models_round_trip(session, ws, live_vi, tmp_path):
    """Livestream, segments and highlights on both database backends (NFC, JSON, cascade)."""
    src = tmp_path / "copy.mp4"
    shutil.copy(live_vi.path, src)
    stream = ingest(session, ws, src, title="Phiên live Tra\u0300 xạ đen")
    session.add(TranscriptSegment(workspace_id=ws.id, livestream_id=stream.id, idx=0, start=0.0,
                                  end=1.5, text="giá 120.000đ", words=[
                                      {"start": 0.0, "end": 0.5, "word": "giá", "p": 0.9}]))
    session.add(Highlight(workspace_id=ws.id, livestream_id=stream.id, start=0.0, end=20.0,
                          score=88.5, reasons=["giá 120.000đ", "sản phẩm: Trà xạ đen"]))
    session.flush()
    session.expire_all()
    got = session.get(Livestream, stream.id)
    assert got.title == "Phiên live Trà xạ đen"  # stored NFC
    assert got.segments[0].words[0]["word"] == "giá"
    assert got.highlights[0].reasons == ["giá 120.000đ", "sản phẩm: Trà xạ đen"]
    session.delete(got)
    session.flush()
    assert session.scalar(select(func.count()).select_from(TranscriptSegment)) == 0
