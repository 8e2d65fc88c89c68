"""The calendar subscription feed: a real HTTP server on a loopback port, the CLI and the page."""

from __future__ import annotations

import http.client
import json
import logging
import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from studio.catalog.service import ensure_workspace, get_workspace
from studio.cli import main
from studio.db.session import session_scope
from studio.errors import ConfigError
from studio.publish import posts
from studio.publish.accounts import add_account
from studio.publish.ics_server import (
    NOT_FOUND,
    TOKEN_KEY,
    feed_token,
    ics_port,
    make_server,
    mask_path,
    subscription_url,
)

ROOT = Path(__file__).resolve().parent.parent
# 19:30 in Hà Nội, three days ahead (the feed shows posts from 30 days back onwards).
WHEN = (datetime.now(UTC) + timedelta(days=3)).replace(hour=12, minute=30, second=0,
                                                       microsecond=0)


@pytest.fixture(autouse=True)
def _plain_env(monkeypatch):
    for name in ("STUDIO_PUBLIC_URL", "STUDIO_HOST", "STUDIO_ICS_PORT", "STUDIO_USER"):
        monkeypatch.delenv(name, raising=False)


def _scheduled_post(session, ws, text: str, at: datetime) -> int:
    account = add_account(session, ws, "export", f"Folder {ws.slug}", {})
    post = posts.create_post(session, ws, texts={"vi": text}, accounts=[account], scheduled_at=at)
    posts.check_texts(session, post)
    posts.schedule(session, post)
    return post.id


@pytest.fixture
def two_workspaces(engine):
    """Workspaces 'a' and 'b', one scheduled post each; returns their feed tokens."""
    with session_scope(engine) as session:
        a = ensure_workspace(session, "a", "HTX Trà Shan Tuyết")
        b = ensure_workspace(session, "b", "HTX Mật ong")
        _scheduled_post(session, a, "Trà shan tuyết Hà Giang lên kệ", WHEN)
        _scheduled_post(session, b, "Mật ong bạc hà mùa mới", WHEN + timedelta(hours=1))
        return {"a": feed_token(session, a), "b": feed_token(session, b)}


def request(port: int, path: str, method: str = "GET") -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest(method, path, skip_host=False, skip_accept_encoding=True)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def test_feed_serves_only_that_workspace_in_utc(two_workspaces, feed_server):
    status, headers, body = request(feed_server, f"/calendar/{two_workspaces['a']}.ics")
    assert status == 200
    assert headers["content-type"] == "text/calendar; charset=utf-8"
    assert headers["server"] == "OCOPStudioICS/1"  # no Python version on the wire
    events = Calendar.from_ical(body).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Trà shan tuyết Hà Giang lên kệ"]
    start = events[0].decoded("dtstart")
    assert start == WHEN and start.utcoffset() == timedelta(0)
    assert b"DTSTART:" + WHEN.strftime("%Y%m%dT%H%M%SZ").encode() in body
    assert "Mật ong" not in body.decode()
    status, _, body = request(feed_server, f"/calendar/{two_workspaces['b']}.ics")
    assert status == 200
    assert [str(e["summary"]) for e in Calendar.from_ical(body).walk("VEVENT")] == [
        "Mật ong bạc hà mùa mới"]


def test_unknown_tokens_look_the_same(two_workspaces, feed_server):
    token = two_workspaces["a"]
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    never = "x" * 32
    answers = [request(feed_server, f"/calendar/{t}.ics") for t in (wrong, never)]
    assert [a[0] for a in answers] == [404, 404]
    assert answers[0][2] == answers[1][2] == NOT_FOUND
    assert answers[0][1]["content-length"] == answers[1][1]["content-length"]


def test_rotate_kills_the_old_link(two_workspaces, feed_server, engine):
    old = two_workspaces["a"]
    with session_scope(engine) as session:
        new = feed_token(session, get_workspace(session, "a"), rotate=True)
    assert new != old and len(new) == 32
    assert request(feed_server, f"/calendar/{old}.ics")[0] == 404
    assert request(feed_server, f"/calendar/{new}.ics")[0] == 200
    others = request(feed_server, f"/calendar/{two_workspaces['b']}.ics")[0]
    assert others == 200  # other workspaces untouched


def test_only_get_on_the_one_route(two_workspaces, feed_server):
    token = two_workspaces["a"]
    for method in ("POST", "PUT", "DELETE", "HEAD", "OPTIONS"):
        status, headers, _ = request(feed_server, f"/calendar/{token}.ics", method)
        assert (status, headers.get("allow")) == (405, "GET"), method
    for path in ("/", "/calendar/", "/calendar", f"/calendar/{token}", f"/calendar/{token}.ics/",
                 f"/calendar/../calendar/{token}.ics", "/calendar/../x",
                 "/calendar/..%2f..%2fstudio.db", f"/calendar/%2e%2e/{token}.ics",
                 f"/calendar/{token}%2eics", f"//calendar/{token}.ics", "/studio.db",
                 f"/calendar/{token}.ics%00", "/calendar/" + "%2e" * 32 + ".ics"):
        status, _, body = request(feed_server, path)
        assert (status, body) == (404, NOT_FOUND), path


def test_token_never_logged(two_workspaces, feed_server, caplog):
    caplog.set_level(logging.INFO, logger="studio.publish.ics_server")
    token = two_workspaces["a"]
    request(feed_server, f"/calendar/{token}.ics")
    request(feed_server, f"/calendar/{token}.ics", "POST")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "/calendar/***" in text and " 200 " in text and " 405 " in text
    assert token not in text
    assert mask_path(f"GET /calendar/{token}.ics HTTP/1.1") == "GET /calendar/*** HTTP/1.1"


def test_slow_client_is_cut_off(feed_server, monkeypatch):
    from studio.publish.ics_server import FeedHandler

    monkeypatch.setattr(FeedHandler, "timeout", 0.3)
    with socket.create_connection(("127.0.0.1", feed_server), timeout=10) as sock:
        sock.sendall(b"GET /calendar/")  # never finishes the request line
        assert sock.recv(100) == b""  # the feed_server closes the connection


def test_port_setting_and_busy_port(sqlite_engine, monkeypatch, capsys):
    assert ics_port() == 8502
    monkeypatch.setenv("STUDIO_ICS_PORT", "8600")
    assert ics_port() == 8600
    for bad in ("http", "0", "70000"):
        monkeypatch.setenv("STUDIO_ICS_PORT", bad)
        with pytest.raises(ConfigError, match="STUDIO_ICS_PORT.*1 to 65535"):
            ics_port()
    monkeypatch.delenv("STUDIO_ICS_PORT")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["ics", "serve", "--port", str(port)]) == 2
        assert "choose another port" in capsys.readouterr().err
    assert main(["ics", "serve", "--port", "0"]) == 2
    assert "--port 0 is not a port" in capsys.readouterr().err


def test_cli_ics_url_and_rotate(sqlite_engine, capsys, monkeypatch):
    assert main(["demo"]) == 0
    capsys.readouterr()
    assert main(["post", "ics-url", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    with session_scope() as session:
        token = get_workspace(session, "demo").settings[TOKEN_KEY]
    assert first == {"workspace": "demo", "rotated": False,
                     "url": f"http://127.0.0.1:8502/calendar/{token}.ics"}
    assert main(["post", "ics-url", "--json"]) == 0  # stable until rotated
    assert json.loads(capsys.readouterr().out) == first
    monkeypatch.setenv("STUDIO_PUBLIC_URL", "https://studio.htx-example.vn/")
    assert main(["post", "ics-url", "--rotate", "--json"]) == 0
    rotated = json.loads(capsys.readouterr().out)
    with session_scope() as session:
        new = get_workspace(session, "demo").settings[TOKEN_KEY]
    assert new != token
    assert rotated == {"workspace": "demo", "rotated": True,
                       "url": f"https://studio.htx-example.vn/calendar/{new}.ics"}
    # A bad port setting: a clear message and the stored token untouched.
    monkeypatch.delenv("STUDIO_PUBLIC_URL")
    monkeypatch.setenv("STUDIO_ICS_PORT", "eighty")
    assert main(["post", "ics-url", "--rotate"]) == 2
    assert "STUDIO_ICS_PORT='eighty'" in capsys.readouterr().err
    with session_scope() as session:
        assert get_workspace(session, "demo").settings[TOKEN_KEY] == new
    assert main(["post", "ics-url", "--workspace", "nope"]) == 2


def test_lan_address_when_served_on_the_network(monkeypatch):
    monkeypatch.setenv("STUDIO_HOST", "0.0.0.0")
    monkeypatch.setattr("studio.workshop.service.lan_address", lambda: "192.168.1.20")
    assert subscription_url("t" * 32) == f"http://192.168.1.20:8502/calendar/{'t' * 32}.ics"


@pytest.mark.slow
def test_cli_serve_subprocess(two_workspaces, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "studio", "ics", "serve", "--port",
                             str(port)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        for _ in range(600):  # wait for the child to listen (not a timing assertion)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()
                threading.Event().wait(0.05)
        status, _, body = request(port, f"/calendar/{two_workspaces['a']}.ics")
        assert status == 200 and b"Tr\xc3\xa0 shan tuy\xe1\xba\xbft" in body
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stdout.close()
        proc.stderr.close()


@pytest.mark.slow
def test_page_shows_url_and_rotates(demo_engine):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages/calendar.py"), default_timeout=90)
    at.session_state["lang"] = "en"
    at.session_state["workspace"] = "demo"
    at.run()
    assert not at.exception, [e.value for e in at.exception]

    def stored() -> str:
        with session_scope() as session:
            return get_workspace(session, "demo").settings[TOKEN_KEY]

    first = stored()
    assert [c.value for c in at.code] == [f"http://127.0.0.1:8502/calendar/{first}.ics"]
    at.button(key="cal_ics_rotate").click().run()
    assert not at.exception
    second = stored()
    assert second != first
    assert [c.value for c in at.code] == [f"http://127.0.0.1:8502/calendar/{second}.ics"]
    assert any("old link no longer works" in s.value for s in at.success)


@pytest.mark.allow_error_log
def test_database_down_is_503_not_a_crash(sqlite_engine, monkeypatch, tmp_path, caplog):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")  # not migrated
    srv = make_server("127.0.0.1", 0)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        token = "k" * 32
        status, headers, body = request(srv.server_address[1], f"/calendar/{token}.ics")
        assert (status, headers["retry-after"]) == (503, "300") and b"try again" in body
        assert request(srv.server_address[1], "/x")[0] == 404  # still serving
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(5)
    messages = "\n".join(r.getMessage() for r in caplog.records)
    assert "OperationalError" in messages and "studio init" in messages
    assert token not in messages
