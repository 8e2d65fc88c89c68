"""Isolation (issue 7): two producers in two workspaces; nothing of the other one, anywhere.

Every page listed in app.py's PAGES is rendered with AppTest as producer A (LAN studio, so the
single-user shortcut is off), once as is and once with the sidebar's workspace forced to B's slug:
no string of B may appear in the rendered element tree. Every CLI command that takes
``--workspace`` is run with STUDIO_USER=A and ``--workspace`` B: exit 2, "may open", nothing of B.

Everything B owns carries the marker ``zulu`` (A's data never does), so one case-insensitive search
finds any leak, whatever element or table it hides in.
"""

from __future__ import annotations

import argparse
import ast
import json
import wave
from pathlib import Path

import pytest
from google.protobuf import text_format
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from studio.accounts.auth import create_user
from studio.accounts.models import User
from studio.catalog.service import ensure_workspace, save_producer, save_product
from studio.db.session import session_scope
from studio.live import service as live
from studio.live.orders import Comment

ROOT = Path(__file__).resolve().parent.parent
MARK = "zulu"  # in every string of B, in none of A
TIMEOUT = 90


def _pages() -> list[str]:
    """The page files of app.py's PAGES, read from its source (app.py runs Streamlit on import)."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "PAGES" for t in node.targets):
            return [entry[1] for entry in ast.literal_eval(node.value)]
    raise AssertionError("app.py has no PAGES list")


PAGES = _pages()


def _spaces(username: str, tag: str, name: str, slug_word: str) -> dict:
    return {"username": username, "ws": f"{slug_word}-ws", "ws_name": f"Không gian {name}",
            "producer": f"HTX {name} Sơn La", "product": f"Trà {name} đặc biệt",
            "slug": f"tra-{slug_word}", "alias": f"{slug_word}tea",
            "live": f"Phiên live {name}", "buyer": f"Khách {name}mart", "tag": tag}


A = _spaces("lan.alpha", "a", "Alphaberry", "alphaberry")
B = _spaces("zulu.binh", "b", "Zuluquince", "zuluquince")
assert all(MARK in str(v).lower() for k, v in B.items() if k != "tag")
assert not any(MARK in str(v).lower() for v in A.values())


def _fill(session, who: dict) -> int:
    from datetime import UTC, datetime

    ws = ensure_workspace(session, who["ws"], who["ws_name"])
    producer = save_producer(session, ws, {"name": who["producer"], "kind": "cooperative",
                                           "province": "Sơn La"})
    save_product(session, ws, producer, {
        "name_vi": who["product"], "name_en": who["product"] + " tea", "slug": who["slug"],
        "ocop_group": "beverages", "ocop_stars": 4, "price_vnd": "120000", "unit": "hộp",
        "aliases": who["alias"], "origin": who["ws_name"],
        "traceability_url": f"https://truyxuat.example/{who['slug']}",
        "story_maker": f"Câu chuyện {who['producer']}"})
    session.flush()
    sale = live.create_live(session, ws, who["live"], [{"slug": who["slug"], "stock": 10}],
                            f"Kịch bản {who['product']}")
    at = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
    live.ingest(session, sale, [
        Comment(at, who["buyer"], f"chốt 2 hộp {who['alias']} 0912345678"),
        Comment(at.replace(minute=1), who["buyer"], f"{who['alias']} giá bao nhiêu?")])
    return create_user(session, who["username"], "a-long-password", "producer",
                       display_name=who["buyer"], workspaces=[ws]).id


@pytest.fixture
def two(engine, monkeypatch):
    """(A's user id, B's user id) on a LAN studio (login required, no single-user shortcut)."""
    monkeypatch.setenv("STUDIO_HOST", "0.0.0.0")
    monkeypatch.delenv("STUDIO_USER", raising=False)
    with session_scope(engine) as s:
        return _fill(s, A), _fill(s, B)


# -- the rendered element tree ------------------------------------------------------------------
def rendered_text(at: AppTest) -> str:
    """Every string of the element tree: protos (labels, options, markdown, captions, values)
    and the decoded content of every table."""
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    for frame in at.dataframe:
        parts.append(frame.value.to_string())
        parts.append(" ".join(map(str, frame.value.columns)))
    parts += [str(e.value) for e in at.exception]
    return "\n".join(parts)


def render(path: str, user_id: int, workspace: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / path), default_timeout=TIMEOUT)
    at.session_state["user_id"] = user_id
    if workspace is not None:
        at.session_state["workspace"] = workspace
    return at.run()


def _require_page(path: str) -> None:
    assert (ROOT / path).is_file(), f"{path} is listed in app.py PAGES but does not exist"


def test_the_page_list_is_app_py_pages():
    assert PAGES and len(PAGES) == len(set(PAGES))
    assert "pages/home.py" in PAGES and "pages/live_desk.py" in PAGES


@pytest.mark.slow
@pytest.mark.parametrize("path", PAGES)
def test_a_page_shows_nothing_of_the_other_workspace(two, path):
    _require_page(path)
    a_id, _ = two
    for forced in (None, B["ws"]):
        at = render(path, a_id, forced)
        text = rendered_text(at)
        assert not at.exception, f"{path} failed as user A: {text[-600:]}"
        leaked = [v for k, v in B.items() if k != "tag" and v.lower() in text.lower()]
        assert MARK not in text.lower(), (
            f"{path} (workspace forced to {forced!r}) shows B's data: {leaked or MARK}")


@pytest.mark.slow
@pytest.mark.parametrize("path", ["pages/home.py", "pages/products.py", "pages/live_desk.py"])
def test_the_check_can_see_a_leak(two, path):
    """Control: as B, B's own data is found by the same search (the test is not blind)."""
    _, b_id = two
    at = render(path, b_id)
    assert not at.exception
    assert MARK in rendered_text(at).lower()


@pytest.mark.slow
def test_the_router_offers_only_a_workspace_and_survives_a_forced_slug(two):
    a_id, _ = two
    for forced in (None, B["ws"]):
        at = render("app.py", a_id, forced)
        assert not at.exception, [str(e.value) for e in at.exception]
        picker = [w for w in at.selectbox if w.key == "workspace"]
        assert picker and list(picker[0].options) == [A["ws_name"]]
        assert picker[0].value == A["ws"]
        assert MARK not in rendered_text(at).lower()


# -- the CLI ------------------------------------------------------------------------------------
def _leaves(parser: argparse.ArgumentParser, prefix: tuple = ()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _leaves(sub, (*prefix, name))
            return
    yield prefix, parser


def _workspace_commands() -> dict[tuple, argparse.ArgumentParser]:
    from studio.cli import build_parser

    return {words: p for words, p in _leaves(build_parser())
            if any("--workspace" in a.option_strings for a in p._actions)}


WORKSPACE_COMMANDS = sorted(_workspace_commands())
# Arguments that make a command valid apart from the workspace (A's own files and product).
KNOWN = {
    ("products", "list"): [],
    ("products", "show"): ["{slug}"],
    ("products", "export"): [],
    ("products", "import"): ["{csv}"],
    ("orders", "parse"): ["--comments", "{comments}"],
    ("user", "add"): ["--username", "spy", "--role", "producer", "--password-file", "{pw}"],
    ("translate",): ["--to", "en", "--text", "Trà ngon của bản."],
    ("translate-subs",): ["{transcript}", "--to", "en", "--out", "{outdir}"],
    ("highlights",): ["{wav}", "--transcript", "{transcript}"],
    ("pipeline",): ["{wav}", "--out", "{outdir}"],
}


def _files(tmp_path: Path) -> dict:
    files = {
        "csv": ("p.csv", "name_vi,producer,ocop_group\nTrà mới,HTX mới,beverages\n"),
        "comments": ("c.csv", "time,user,comment\n2026-11-23 20:00:01,Lan,chốt 2 hộp trà\n"),
        "pw": ("pw.txt", "a-long-password\n"),
        "text": ("t.txt", "Trà ngon của bản.\n"),
        "json": ("k.json", json.dumps({A["slug"]: [A["alias"]]})),
    }
    out = {}
    for key, (name, body) in files.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
        out[key] = str(tmp_path / name)
    transcript = {"segments": [{"start": 0.0, "end": 0.9, "text": "Trà ngon của bản."}]}
    (tmp_path / "transcript.json").write_text(json.dumps(transcript), encoding="utf-8")
    out["transcript"] = str(tmp_path / "transcript.json")
    with wave.open(str(tmp_path / "quiet.wav"), "wb") as sound:  # 1 s of silence, 16 kHz mono
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(16000)
        sound.writeframes(b"\0\0" * 16000)
    out["wav"] = str(tmp_path / "quiet.wav")
    out["slug"] = A["slug"]
    out["out"] = str(tmp_path / "out.bin")
    out["outdir"] = str(tmp_path / "outdir")
    return out


def _argv(words: tuple, parser: argparse.ArgumentParser, files: dict) -> list[str]:
    """Known argv for the commands above; otherwise each required argument filled by its kind."""
    if words in KNOWN:
        return [*words, *(a.format(**files) for a in KNOWN[words])]
    argv = list(words)
    for action in parser._actions:
        if action.option_strings and not action.required:
            continue
        if isinstance(action, argparse._HelpAction) or action.dest == "workspace":
            continue
        if action.choices:
            value = str(next(iter(action.choices)))
        elif action.type is Path:
            value = files["out"] if action.dest == "out" else files["text"]
        elif action.type in (int, float):
            value = "1"
        elif action.dest in ("product", "slug"):
            value = A["slug"]
        elif action.dest in ("lang", "target"):
            value = "en"
        else:
            value = "x"
        argv += [action.option_strings[0], value] if action.option_strings else [value]
    return argv


def test_every_workspace_command_is_found():
    found = {" ".join(w) for w in WORKSPACE_COMMANDS}
    assert {"products list", "products show", "products export", "orders parse"} <= found


# Known leaks in capabilities still being written (reported to the lead; strict: once fixed,
# the XPASS fails and this entry must go). studio/video/cli.py _catalog() resolves --workspace
# with get_workspace instead of studio.cli.scoped_workspace, so STUDIO_USER is ignored.
KNOWN_LEAKS: dict[tuple, str] = {}
CLI_CASES = [pytest.param(w, id=" ".join(w), marks=[pytest.mark.xfail(
    strict=True, reason=KNOWN_LEAKS[w])] if w in KNOWN_LEAKS else []) for w in WORKSPACE_COMMANDS]


@pytest.mark.parametrize("words", CLI_CASES)
def test_cli_refuses_the_other_workspace(two, words, tmp_path, monkeypatch, capsys, engine):
    from studio.cli import main

    parser = _workspace_commands()[words]
    argv = _argv(words, parser, _files(tmp_path))
    monkeypatch.setenv("STUDIO_USER", A["username"])
    code = main([*argv, "--workspace", B["ws"], *(["--json"] if any(
        "--json" in a.option_strings for a in parser._actions) else [])])
    captured = capsys.readouterr()
    shown = captured.out + captured.err
    assert MARK not in shown.replace(B["ws"], "").lower(), f"{argv} printed B's data: {shown}"
    assert code == 2, f"{' '.join(argv)} --workspace {B['ws']} exited {code}: {shown[-400:]}"
    assert "may open" in captured.err, f"{' '.join(argv)}: {captured.err[-400:]}"
    with session_scope(engine) as s:  # and nothing was written anywhere
        assert s.scalar(select(User).where(User.username == "spy")) is None


def test_cli_as_a_can_use_its_own_workspace(two, tmp_path, monkeypatch, capsys):
    """Control: the same commands work on A's workspace (the refusal is about B, not broken)."""
    from studio.cli import main

    files = _files(tmp_path)
    monkeypatch.setenv("STUDIO_USER", A["username"])
    assert main(["products", "list", "--workspace", A["ws"], "--json"]) == 0
    assert [p["slug"] for p in json.loads(capsys.readouterr().out)["products"]] == [A["slug"]]
    assert main(["products", "show", A["slug"], "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["producer"]["name"] == A["producer"]
    assert main(["orders", "parse", "--comments", files["comments"], "--keywords",
                 files["json"], "--workspace", A["ws"], "--json"]) == 0
    assert MARK not in capsys.readouterr().out.lower()
