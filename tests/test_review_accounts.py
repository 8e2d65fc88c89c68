"""Review of accounts and workshop mode: holes found by a second pair of eyes, each pinned here.

- the CLI acting as STUDIO_USER must not create users, list users, or read other trainers'
  workshops (join codes!) unless that user's role allows it;
- a trainer sees only the workshops they run, on the Workshop page too;
- a join code is used once even when two people submit it at the same moment;
- odd participant names (too long, one letter, emoji) give a clear message or a valid username.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from studio.accounts.auth import authenticate, create_user
from studio.accounts.models import Membership, Seat, User
from studio.catalog.service import ensure_workspace
from studio.cli import main
from studio.db.session import session_scope
from studio.errors import StudioError
from studio.workshop.service import JoinRefused, create_workshop, join, visible_workshops

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def people(engine, tmp_path, monkeypatch):
    """Two workspaces, a producer in each, two trainers each running one workshop."""
    monkeypatch.delenv("STUDIO_USER", raising=False)
    with session_scope(engine) as s:
        a, b = ensure_workspace(s, "alpha", "Alpha"), ensure_workspace(s, "bravo", "Bravo")
        create_user(s, "lan", "a-long-password", "producer", workspaces=[a])
        create_user(s, "binh", "a-long-password", "producer", workspaces=[b])
        t1 = create_user(s, "thu", "a-long-password", "trainer")
        t2 = create_user(s, "tam", "a-long-password", "trainer")
        create_user(s, "root", "a-long-password", "admin")
        w1 = create_workshop(s, "Lớp của Thu", seats=2, trainer=t1)
        w2 = create_workshop(s, "Lớp của Tâm", seats=2, trainer=t2)
        ids = {"thu": w1.id, "tam": w2.id,
               "codes_tam": [seat.code for seat in w2.seats]}
    pw = tmp_path / "pw.txt"
    pw.write_text("a-long-password\n", encoding="utf-8")
    return ids | {"pw": str(pw)}


def _as(monkeypatch, username):
    monkeypatch.setenv("STUDIO_USER", username)


# -- CLI as STUDIO_USER -------------------------------------------------------------------------
def test_cli_producer_cannot_create_an_admin(people, monkeypatch, capsys, engine):
    _as(monkeypatch, "lan")
    assert main(["user", "add", "--username", "evil", "--role", "admin",
                 "--password-file", people["pw"]]) == 2
    assert "users.manage" in capsys.readouterr().err
    with session_scope(engine) as s:
        assert s.scalar(select(User).where(User.username == "evil")) is None


def test_cli_producer_cannot_grant_themselves_another_workspace(people, monkeypatch, capsys,
                                                                 engine):
    _as(monkeypatch, "lan")
    assert main(["user", "add", "--username", "spy", "--role", "producer",
                 "--password-file", people["pw"], "--workspace", "bravo"]) == 2
    assert "may open" in capsys.readouterr().err
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(Membership)) == 2  # lan's and binh's


def test_cli_user_list_needs_users_manage(people, monkeypatch, capsys):
    _as(monkeypatch, "lan")
    assert main(["user", "list", "--json"]) == 2
    captured = capsys.readouterr()
    assert "binh" not in captured.out + captured.err
    _as(monkeypatch, "root")
    assert main(["user", "list", "--json"]) == 0
    assert "binh" in capsys.readouterr().out


def test_cli_admin_acting_still_adds_users(people, monkeypatch, capsys):
    _as(monkeypatch, "root")
    assert main(["user", "add", "--username", "mai", "--role", "producer",
                 "--password-file", people["pw"], "--workspace", "bravo", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["workspaces"] == ["bravo"]


def test_cli_workshop_codes_are_for_their_trainer_only(people, monkeypatch, capsys, tmp_path):
    other = str(people["tam"])
    for user in ("lan", "thu"):  # a producer, and a trainer running another workshop
        _as(monkeypatch, user)
        assert main(["workshop", "progress", other, "--json"]) == 2
        assert main(["workshop", "sheet", other, "--out", str(tmp_path / "x.pdf"),
                     "--base-url", "http://192.0.2.1:8501"]) == 2
        captured = capsys.readouterr()
        assert not any(code in captured.out + captured.err for code in people["codes_tam"])
        assert not (tmp_path / "x.pdf").exists()
    _as(monkeypatch, "thu")
    assert main(["workshop", "list", "--json"]) == 0
    names = [w["name"] for w in json.loads(capsys.readouterr().out)["workshops"]]
    assert names == ["Lớp của Thu"]
    _as(monkeypatch, "tam")
    assert main(["workshop", "progress", other, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["participants"]
    assert sorted(r["code"] for r in rows) == sorted(people["codes_tam"])


def test_cli_producer_cannot_create_or_list_workshops(people, monkeypatch, capsys, engine):
    _as(monkeypatch, "lan")
    assert main(["workshop", "create", "--name", "Lớp giả", "--seats", "2"]) == 2
    assert "workshop.create" in capsys.readouterr().err
    assert main(["workshop", "list", "--json"]) == 2
    assert "Lớp của" not in capsys.readouterr().out
    with session_scope(engine) as s:
        assert [w.name for w in visible_workshops(s, s.scalar(
            select(User).where(User.username == "root")))] == ["Lớp của Tâm", "Lớp của Thu"]


def test_cli_trainer_creates_a_workshop_as_its_trainer(people, monkeypatch, capsys, engine):
    _as(monkeypatch, "thu")
    assert main(["workshop", "create", "--name", "Lớp mới", "--seats", "1", "--json"]) == 0
    made = json.loads(capsys.readouterr().out)["id"]
    with session_scope(engine) as s:
        thu = s.scalar(select(User).where(User.username == "thu"))
        assert made in [w.id for w in visible_workshops(s, thu)]


# -- the Workshop page --------------------------------------------------------------------------
def _page_text(at: AppTest) -> str:
    from google.protobuf import text_format

    parts = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    parts += [df.value.to_string() for df in at.dataframe]
    return "\n".join(parts)


def test_workshop_page_shows_a_trainer_only_their_workshops(people, engine, monkeypatch):
    monkeypatch.setenv("STUDIO_HOST", "0.0.0.0")
    with session_scope(engine) as s:
        thu = s.scalar(select(User).where(User.username == "thu")).id
    at = AppTest.from_file(str(ROOT / "pages/workshop.py"), default_timeout=60)
    at.session_state["user_id"] = thu
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    text = _page_text(at)
    assert "Lớp của Thu" in text
    assert "Lớp của Tâm" not in text
    assert not any(code in text for code in people["codes_tam"])


@pytest.mark.parametrize("path", ["pages/users.py", "pages/workshop.py"])
def test_admin_pages_stop_a_producer_opened_directly(people, engine, monkeypatch, path):
    monkeypatch.setenv("STUDIO_HOST", "0.0.0.0")
    with session_scope(engine) as s:
        lan = s.scalar(select(User).where(User.username == "lan")).id
    at = AppTest.from_file(str(ROOT / path), default_timeout=60)
    at.session_state["user_id"] = lan
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    text = _page_text(at)
    assert "may not" in text
    assert "binh" not in text and "Lớp của" not in text and not at.dataframe


# -- join codes ---------------------------------------------------------------------------------
def test_a_join_code_is_used_once_even_by_two_people_at_once(engine):
    with session_scope(engine) as s:
        code = create_workshop(s, "Lớp", seats=1).seats[0].code
    with session_scope(engine) as first:
        # The second person's request read the seat before the first one committed.
        stale = first.scalar(select(Seat).where(Seat.code == code))
        assert stale.joined_at is None
        with session_scope(engine) as second:
            join(second, code, "Bà Lan", "mat-khau-123", pack="empty")
        with pytest.raises(JoinRefused, match="already used"):
            join(first, code, "Kẻ khác", "mat-khau-123", pack="empty")
    with session_scope(engine) as s:
        seat = s.scalar(select(Seat))
        assert seat.participant == "Bà Lan"
        assert s.scalar(select(func.count()).select_from(Membership).where(
            Membership.workspace_id == seat.workspace_id)) == 1
        assert s.scalar(select(User).where(User.username == "ke.khac")) is None


def test_join_refuses_a_name_longer_than_the_column(session):
    seat = create_workshop(session, "Lớp", seats=1).seats[0]
    with pytest.raises(StudioError, match="at most 120"):
        join(session, seat.code, "Nguyễn " * 30, "mat-khau-123", pack="empty")
    assert seat.joined_at is None and session.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.parametrize("name", ["Ý", "Y", "🌾🌾", "Ö"])
def test_join_with_a_one_letter_or_emoji_name(session, name):
    seat = create_workshop(session, "Lớp", seats=1).seats[0]
    user, _ = join(session, seat.code, name, "mat-khau-123", pack="empty")
    assert user.display_name == name
    assert authenticate(session, user.username, "mat-khau-123").id == user.id


def test_a_participant_list_with_a_name_longer_than_the_column(session):
    from studio.accounts.models import Workshop

    with pytest.raises(StudioError, match="at most 120"):
        create_workshop(session, "Lớp", participants=["Bà Lan", "Nguyễn Thị " * 20])
    session.flush()
    assert session.scalar(select(func.count()).select_from(Workshop)) == 0


def test_long_workshop_and_participant_names_fit_the_workspace_name(session):
    name = "Lớp tập huấn livestream bán hàng OCOP " * 5  # 190 characters: a valid name
    workshop = create_workshop(session, name[:200], participants=["Nguyễn Thị Lan " * 8])
    seat = workshop.seats[0]
    join(session, seat.code, "Nguyễn Thị Mai " * 8, "mat-khau-123", pack="empty")
    session.flush()
    from studio.db.models import Workspace

    assert len(session.get(Workspace, seat.workspace_id).name) <= 200


# -- logout on a shared laptop ------------------------------------------------------------------
def _router(engine, monkeypatch, **state) -> AppTest:
    monkeypatch.setenv("STUDIO_HOST", "0.0.0.0")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def _logout_script():
    import streamlit as st

    from pages.auth import logout

    if st.session_state.get("do_logout"):
        logout()
    st.text_input("token", type="password", key="live.src.token")


def test_logout_forgets_what_the_last_person_typed():
    at = AppTest.from_function(_logout_script, default_timeout=60)
    at.session_state["user_id"] = 7
    at.session_state["lang"] = "en"
    at.session_state["products.search"] = "trà"
    at.run()
    at.text_input(key="live.src.token").input("EAAB-page-token-of-lan").run()
    assert at.session_state["live.src.token"] == "EAAB-page-token-of-lan"
    at.session_state["do_logout"] = True
    at.run()
    assert not at.exception
    assert "user_id" not in at.session_state and "products.search" not in at.session_state
    assert at.text_input(key="live.src.token").value == ""  # the next person finds it empty
    assert at.session_state["lang"] == "en"  # the language stays


def test_an_expired_session_forgets_too(people, engine, monkeypatch):
    from datetime import UTC, datetime, timedelta

    with session_scope(engine) as s:
        lan = s.scalar(select(User).where(User.username == "lan")).id
    at = _router(engine, monkeypatch, user_id=lan,
                 last_seen=datetime.now(UTC) - timedelta(hours=3),
                 **{"live.src.token": "EAAB-page-token-of-lan"})
    assert not at.exception
    assert "user_id" not in at.session_state and "live.src.token" not in at.session_state
    assert at.session_state["expired"] is True


# -- lock-out -----------------------------------------------------------------------------------
def test_the_login_page_counts_failures_and_locks(people, engine, monkeypatch):
    """Failures must be saved even though the login raised (the page's transaction rolled them
    back, so the web login never locked anyone out)."""
    monkeypatch.setenv("STUDIO_HOST", "0.0.0.0")
    at = AppTest.from_file(str(ROOT / "pages/login.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    at.text_input(key="login_username").input("lan")
    for _ in range(5):
        at.text_input(key="login_password").input("wrong-password")
        at.button[-1].click().run()
        assert any("Wrong username or password" in e.value for e in at.error)
    with session_scope(engine) as s:
        user = s.scalar(select(User).where(User.username == "lan"))
        assert user.failed_logins == 5 and user.locked_until is not None
    at.text_input(key="login_password").input("a-long-password")
    at.button[-1].click().run()
    assert "user_id" not in at.session_state  # locked: even the right password waits
    assert any("Too many failed" in e.value or "try again" in e.value for e in at.error)


def test_failures_from_two_requests_at_once_both_count(people, engine):
    from studio.accounts.auth import LoginFailed

    with session_scope(engine) as first:
        stale = first.scalar(select(User).where(User.username == "lan"))
        assert stale.failed_logins == 0  # read before the other request's failure was saved
        with session_scope(engine) as second, pytest.raises(LoginFailed):
            authenticate(second, "lan", "wrong-password")
        # the other request's failure is saved; this one's must add to it, not overwrite it
        with pytest.raises(LoginFailed):
            authenticate(first, "lan", "wrong-password")
    with session_scope(engine) as s:
        assert s.scalar(select(User).where(User.username == "lan")).failed_logins == 2


# -- single-user mode only on a studio this machine alone can reach ------------------------------
@pytest.fixture
def streamlit_address():
    """Set Streamlit's own server.address for one test (what `streamlit run --server.address`
    does), and put it back."""
    from streamlit import config

    before = config.get_option("server.address")
    yield lambda value: config.set_option("server.address", value)
    config.set_option("server.address", before)


def _login_page_offers_one_click(engine) -> bool:
    from studio.accounts.auth import ensure_admin

    with session_scope(engine) as s:
        ensure_admin(s, "admin-password")
    at = AppTest.from_file(str(ROOT / "pages/login.py"), default_timeout=60).run()
    assert not at.exception
    return any(b.key == "login_single" for b in at.button)


def test_streamlit_on_every_interface_gets_no_one_click_admin(sqlite_engine, monkeypatch,
                                                              streamlit_address):
    monkeypatch.delenv("STUDIO_HOST", raising=False)  # the studio believes it is local...
    streamlit_address("0.0.0.0")  # ...but `streamlit run --server.address 0.0.0.0` was used
    assert not _login_page_offers_one_click(sqlite_engine)
    streamlit_address("127.0.0.1")
    assert _login_page_offers_one_click(sqlite_engine)


def test_a_browser_on_the_lan_gets_no_one_click_admin(sqlite_engine, monkeypatch):
    """A plain `streamlit run app.py` listens on every interface: the browser's address decides."""
    import streamlit as st

    monkeypatch.delenv("STUDIO_HOST", raising=False)
    assert _login_page_offers_one_click(sqlite_engine)  # a browser on this machine
    monkeypatch.setattr(type(st.context), "ip_address", property(lambda self: "192.168.1.23"))
    assert not _login_page_offers_one_click(sqlite_engine)


# -- the handout --------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_handout_prints_the_ocop_stars_in_words(session, caplog, lang):
    """The bundled Noto Sans has no ★ glyph: '4★' printed as '4' and a gap (fpdf2 warned)."""
    import logging

    from studio.workshop.documents import handout_pdf

    seat = create_workshop(session, "Lớp", seats=1).seats[0]
    _, ws = join(session, seat.code, "Bà Lan", "mat-khau-123")  # the demo pack: rated products
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        assert handout_pdf(session, ws, lang).startswith(b"%PDF")
    missing = [r.getMessage() for r in caplog.records if "missing" in r.getMessage()]
    assert not missing, missing


# -- the sample livestream on a weak laptop -----------------------------------------------------
@pytest.mark.slow
def test_participants_pressing_make_sample_together_share_one_encoding(sqlite_engine,
                                                                       monkeypatch):
    import shutil
    import subprocess
    import threading

    from studio.workshop import sample
    from tests.conftest import require

    require(shutil.which("espeak-ng") is not None, "espeak-ng is not installed")
    real_run, encodings = subprocess.run, []

    def counting_run(cmd, *args, **kwargs):  # a spy: the real ffmpeg still runs
        if "-filter_complex" in cmd:
            encodings.append(cmd[-1])
        return real_run(cmd, *args, **kwargs)

    monkeypatch.setattr(sample.subprocess, "run", counting_run)
    start, paths, errors = threading.Barrier(3), [], []

    def press():
        start.wait()
        try:
            paths.append(sample.ensure_sample_livestream())
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=press) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    assert not errors and len(paths) == 3 and len(set(paths)) == 1
    assert len(encodings) == 1, f"{len(encodings)} encodings of the same sample"
