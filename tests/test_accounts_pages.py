"""Login, join, users, workshop and exercises pages (AppTest), and the router's gating."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from studio.accounts.auth import create_user
from studio.accounts.models import Seat, User
from studio.catalog.service import get_workspace
from studio.db.session import session_scope
from studio.workshop.service import create_workshop

TIMEOUT = 60
ROOT = Path(__file__).resolve().parent.parent


def page(path: str, **state) -> AppTest:
    at = AppTest.from_file(str(ROOT / path), default_timeout=TIMEOUT)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def _user(engine, username, role, workspaces=()):
    with session_scope(engine) as s:
        spaces = [get_workspace(s, slug) for slug in workspaces]
        return create_user(s, username, "a-long-password", role, workspaces=spaces).id


def test_login_wrong_then_right(demo_engine):
    _user(demo_engine, "lan", "producer", ["demo"])
    at = page("pages/login.py", lang="en")
    at.text_input(key="login_username").input("lan")
    at.text_input(key="login_password").input("wrong-password")
    at.button[-1].click().run()
    assert any("Wrong username or password" in e.value for e in at.error)
    assert "user_id" not in at.session_state
    at.text_input(key="login_password").input("a-long-password")
    at.button[-1].click().run()
    assert at.session_state["user_id"] is not None


def test_single_user_button_only_when_local(demo_engine, monkeypatch):
    with session_scope(demo_engine) as s:
        from studio.accounts.auth import ensure_admin

        ensure_admin(s, "admin-password")
    at = page("pages/login.py")
    at.button(key="login_single").click().run()
    with session_scope(demo_engine) as s:
        assert s.get(User, at.session_state["user_id"]).role == "admin"
    monkeypatch.setenv("STUDIO_HOST", "0.0.0.0")
    at = page("pages/login.py")
    assert not [b for b in at.button if b.key == "login_single"]


def test_router_shows_only_login_and_join_when_logged_out(demo_engine, monkeypatch):
    monkeypatch.setenv("STUDIO_HOST", "0.0.0.0")  # a LAN studio: login required
    at = page("app.py")
    assert not at.exception
    assert at.title[0].value == "Đăng nhập"
    assert not at.selectbox  # no workspace picker before login


def test_router_after_login_hides_admin_pages_from_producers(demo_engine):
    uid = _user(demo_engine, "lan", "producer", ["demo"])
    at = page("app.py", user_id=uid)
    assert not at.exception
    assert [s.value for s in at.selectbox if s.key == "workspace"] == ["demo"]
    sidebar_text = " ".join(str(c.value) for c in at.sidebar.caption)
    assert "lan" in sidebar_text


def test_join_page(demo_engine):
    with session_scope(demo_engine) as s:
        code = create_workshop(s, "Lớp", seats=1).seats[0].code
    at = page("pages/join.py")
    at.text_input(key="join_code").input("WRONGCODE")
    at.text_input(key="join_name").input("Bà Lan")
    at.text_input(key="join_password").input("mat-khau-123")
    at.button[0].click().run()
    assert any("không tồn tại" in e.value for e in at.error)
    at.text_input(key="join_code").input(code)
    at.button[0].click().run()
    assert at.session_state["user_id"] is not None
    with session_scope(demo_engine) as s:
        seat = s.scalar(select(Seat))
        assert seat.participant == "Bà Lan" and seat.joined_at is not None


def test_users_page_adds_a_user(demo_engine):
    at = page("pages/users.py", lang="en")
    assert not at.exception
    at.text_input(key="user_add_username").input("mai")
    at.text_input(key="user_add_password").input("short")
    at.button[0].click().run()
    assert any("at least 8" in e.value for e in at.error)
    at.text_input(key="user_add_password").input("a-long-password")
    at.multiselect(key="user_add_ws").select("demo")
    at.button[0].click().run()
    assert any("mai" in s.value for s in at.success)
    with session_scope(demo_engine) as s:
        assert s.scalar(select(User).where(User.username == "mai")).role == "producer"


def test_workshop_page_creates_and_shows_board(demo_engine):
    uid = _user(demo_engine, "thu", "trainer")
    at = page("pages/workshop.py", lang="en", user_id=uid)
    assert not at.exception
    at.text_input(key="workshop_name").input("Lớp Chương Mỹ")
    at.number_input(key="workshop_seats").set_value(4)
    at.button[0].click().run()
    assert any("4 join codes" in s.value for s in at.success)
    at.run()
    assert len(at.dataframe[0].value) == 4


@pytest.mark.parametrize("lang,title", [("vi", "Bài tập theo thứ tự"), ("en", "Guided exercises")])
def test_exercises_page(demo_engine, lang, title):
    at = page("pages/exercises.py", lang=lang)
    assert not at.exception
    assert at.title[0].value == title
    assert len(at.expander) == 5
