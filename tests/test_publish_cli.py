"""The stable CLI: channel add, post create/list/ics, worker --burst; bad input exits 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from studio.cli import main
from studio.db.session import session_scope
from studio.publish.models import ChannelAccount, Post
from tests.fakes.webhook_receiver import Receiver

ROOT = Path(__file__).resolve().parent.parent


def cli(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def studio(sqlite_engine, capsys):
    code, _, err = cli(capsys, "demo")
    assert code == 0, err
    return sqlite_engine


def test_channel_add_and_bad_options(studio, capsys):
    code, out, _ = cli(capsys, "channel", "add", "webhook", "--name", "Zap", "--option",
                       "url=http://127.0.0.1:9/h", "secret=abcdefgh12", "--json")
    assert code == 0 and json.loads(out)["credentials"] == {"secret": "••••12"}
    code, _, err = cli(capsys, "channel", "add", "webhook", "--name", "Z2", "--option", "url")
    assert code == 2 and "key=value" in err
    code, _, err = cli(capsys, "channel", "add", "webhook", "--name", "Z3")
    assert code == 2 and "missing url" in err and "--option" in err
    code, _, err = cli(capsys, "channel", "add", "fax", "--name", "F")
    assert code == 2 and "unknown channel kind" in err
    with session_scope(studio) as session:
        assert session.scalar(select(func.count()).select_from(ChannelAccount)) == 1


def test_post_create_bad_inputs_write_nothing(studio, capsys, tmp_path):
    cli(capsys, "channel", "add", "export", "--name", "Folder")
    text = tmp_path / "t.txt"
    text.write_text("Mật ong bạc hà Hà Giang", encoding="utf-8")
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\x00\x01 not media")
    cases = [
        (["--at", "tomorrow"], "ISO-8601"),
        (["--at", "2026-12-01T19:30"], "no offset"),
        (["--lang", "xx"], "not supported"),
        (["--media", str(bad)], "not a JPEG"),
        (["--account", "Nope"], "no channel account"),
    ]
    for extra, message in cases:
        argv = ["post", "create", "--account", "Folder", "--text-file", str(text), *extra]
        code, _, err = cli(capsys, *argv)
        assert code == 2 and message in err, (extra, err)
    code, _, err = cli(capsys, "post", "create", "--account", "Folder", "--text-file",
                       str(tmp_path / "missing.txt"))
    assert code == 2 and "UTF-8 text file" in err
    with session_scope(studio) as session:
        assert session.scalar(select(func.count()).select_from(Post)) == 0


def test_create_then_burst_worker_publishes(studio, capsys, tmp_path):
    with Receiver() as receiver:
        cli(capsys, "channel", "add", "webhook", "--name", "Zap", "--option",
            f"url={receiver.url}/hook", "--option", f"secret={receiver.secret}")
        cli(capsys, "channel", "add", "export", "--name", "Folder", "--option",
            f"folder={tmp_path / 'out'}")
        text = tmp_path / "t.txt"
        text.write_text("Chè Shan tuyết Suối Giàng", encoding="utf-8")
        code, out, err = cli(capsys, "post", "create", "--account", "Zap", "--account",
                             "Folder", "--text-file", str(text), "--json")
        assert code == 0, err
        assert json.loads(out)["status"] == "scheduled"
        later = ["post", "create", "--account", "Zap", "--text-file", str(text), "--at",
                 "2099-01-01T08:00:00+07:00"]
        assert cli(capsys, *later)[0] == 0
        proc = subprocess.run([sys.executable, "-m", "studio", "worker", "--burst", "--json"],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["executed"] == 2
        assert len(receiver.deliveries) == 1 and not receiver.duplicates()
    code, out, _ = cli(capsys, "post", "list", "--status", "published", "--json")
    rows = json.loads(out)
    assert len(rows) == 1 and {t["status"] for t in rows[0]["targets"]} == {"published"}
    assert (tmp_path / "out").is_dir()
    code, out, _ = cli(capsys, "post", "list", "--status", "scheduled", "--json")
    assert len(json.loads(out)) == 1
    code, _, err = cli(capsys, "post", "list", "--status", "done", "--json")
    assert code == 2 and "unknown" in err
    code, out, _ = cli(capsys, "post", "ics", "--out", str(tmp_path / "cal.ics"), "--json")
    assert code == 0 and b"BEGIN:VEVENT" in (tmp_path / "cal.ics").read_bytes()


def test_health_claim_cannot_be_scheduled_from_cli(studio, capsys, tmp_path):
    from studio.publish.posts import _checks
    from tests.conftest import require

    require(_checks() is not None, "studio.writing.checks.run_checks is not installed")
    cli(capsys, "channel", "add", "export", "--name", "Folder")
    text = tmp_path / "t.txt"
    text.write_text("Trà giảo cổ lam chữa khỏi bệnh tiểu đường", encoding="utf-8")
    code, _, err = cli(capsys, "post", "create", "--account", "Folder", "--text-file",
                       str(text))
    assert code == 2 and "cannot be approved" in err
    with session_scope(studio) as session:
        assert session.scalar(select(func.count()).select_from(Post)) == 0


def test_worker_rejects_bad_workers(studio, capsys):
    code, _, err = cli(capsys, "worker", "--burst", "--workers", "0")
    assert code == 2 and "between 1 and 64" in err


def test_media_files_land_in_the_export_package(studio, capsys, tmp_path):
    from PIL import Image

    photo = tmp_path / "mat-ong.png"
    Image.new("RGB", (32, 32), (200, 150, 20)).save(photo)
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64)
    text = tmp_path / "t.txt"
    text.write_text("Mật ong bạc hà", encoding="utf-8")
    cli(capsys, "channel", "add", "export", "--name", "Folder", "--option",
        f"folder={tmp_path / 'out'}")
    code, out, err = cli(capsys, "post", "create", "--account", "Folder", "--text-file",
                         str(text), "--media", str(photo), str(video), "--json")
    assert code == 0, err
    post = json.loads(out)
    assert len(post["media_asset_ids"]) == 2
    code, out, err = cli(capsys, "worker", "--burst", "--json")
    assert code == 0 and json.loads(out)["executed"] == 1, err
    package = tmp_path / "out" / f"post-{post['id']}-{post['targets'][0]['id']}"
    assert sorted(p.name for p in package.iterdir()) == [
        "caption_vi.txt", "media_01.png", "media_02.mp4", "post.json"]
    assert (package / "media_02.mp4").read_bytes() == video.read_bytes()
