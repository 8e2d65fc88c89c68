"""The writer's pages under AppTest: render in both languages, main actions work."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from studio.db.session import session_scope
from studio.writing import prompts as library
from studio.writing.models import Draft, Generation

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"pages/writer.py": "Soạn nội dung sản phẩm", "pages/prompts.py": "Thư viện prompt",
         "pages/history.py": "Lịch sử tạo nội dung", "pages/teleprompter.py": "Máy nhắc chữ"}


def run(page: str, **state) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=120)
    for key, value in state.items():
        at.session_state[key] = value
    return ok(at.run())


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def count(model) -> int:
    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("page", list(PAGES))
def test_pages_render_in_vietnamese_and_english(page, demo_engine):
    vi, en = run(page), run(page, lang="en")
    assert vi.title[0].value == PAGES[page]
    assert en.title[0].value != vi.title[0].value
    assert not vi.error


@pytest.mark.parametrize("page", list(PAGES))
def test_pages_without_workspace_say_how_to_make_one(page, sqlite_engine):
    at = run(page)
    assert any("python -m studio demo" in w.value for w in at.warning) or page.endswith(
        "prompts.py")


@pytest.mark.slow
def test_writer_generates_side_by_side_saves_and_regenerates(demo_engine):
    at = run("pages/writer.py")
    at.selectbox(key="writer.product").set_value("tra-xa-den")
    at.selectbox(key="writer.kind").set_value("listing")
    ok(at.run())
    at.selectbox(key="writer.channel").set_value("amazon")
    at.button(key="writer.generate").click()
    ok(at.run())
    keys = {w.key for w in at.text_area}
    assert {"writer.text.vi.title", "writer.text.en.title", "writer.text.vi.bullets"} <= keys
    assert "Trà xạ đen Ô Diên" in at.text_area(key="writer.text.vi.title").value
    assert count(Generation) == 2
    at.text_area(key="writer.text.en.title").set_value("My edited title")
    at.button(key="writer.save").click()
    ok(at.run())
    assert count(Draft) == 1
    with session_scope() as s:
        draft = s.scalars(select(Draft)).one()
        assert draft.versions[0].texts["en"]["title"] == "My edited title"
    at.button(key="writer.regen.vi").click()
    ok(at.run())
    assert count(Generation) == 3
    assert at.text_area(key="writer.text.en.title").value == "My edited title"
    assert {b.key for b in at.download_button} >= {"writer.dl_txt.vi", "writer.dl_md.en"}


@pytest.mark.slow
def test_writer_bulk_listings_for_a_producer(demo_engine):
    at = run("pages/writer.py")
    at.multiselect(key="writer.bulk_channels").set_value(["shopee", "etsy"])
    at.button(key="writer.bulk_run").click()
    ok(at.run())
    assert "writer.bulk_download" in {b.key for b in at.download_button}
    assert at.session_state["writer.bulk_csv"].count("\n") >= 1 + 2 * 2 * 2
    assert count(Generation) >= 8


def test_prompt_library_saves_an_edit_as_a_new_version(demo_engine):
    at = run("pages/prompts.py")
    at.selectbox(key="prompts.name").set_value("caption")
    ok(at.run())
    area = next(a for a in at.text_area if a.key.startswith("prompts.system.caption"))
    area.set_value(area.value + " Keep it warm.")
    at.button[0].click()  # the form's submit button
    ok(at.run())
    assert library.versions("caption") == [1, 2]
    assert library.get_prompt("caption").system.endswith("Keep it warm.")
    at = run("pages/prompts.py", **{"prompts.name": "caption"})
    assert any("+" in c.value and "Keep it warm." in c.value for c in at.code)


def test_prompt_library_refuses_an_undeclared_variable(demo_engine):
    at = run("pages/prompts.py", **{"prompts.name": "story"})
    area = next(a for a in at.text_area if a.key.startswith("prompts.user.story"))
    area.set_value(area.value + " $price")
    at.button[0].click()
    ok(at.run())
    assert any("'price'" in e.value for e in at.error)
    assert library.versions("story") == [1]


def test_history_lists_generations(demo_engine):
    from studio.catalog.service import get_workspace
    from studio.writing import generate

    with session_scope() as s:
        generate(s, get_workspace(s, "demo"), "buoi-dien-chuc-son", "caption", "vi,en")
    at = run("pages/history.py", **{"history.product": "buoi-dien-chuc-son"})
    table = at.dataframe[0].value
    assert len(table) == 2 and set(table["lang"]) == {"vi", "en"}


def test_teleprompter_writes_and_shows_a_script(demo_engine):
    at = run("pages/teleprompter.py")
    at.number_input(key="teleprompter.minutes").set_value(10)
    at.button(key="teleprompter.generate").click()
    ok(at.run())
    assert at.session_state["teleprompter.script"]["segments"]
    at.number_input(key="teleprompter.elapsed").set_value(5)
    ok(at.run())
    assert any("00:" in i.value for i in at.info)


def test_prompt_library_runs_two_versions_on_one_product(demo_engine, monkeypatch):
    import json

    from tests.fakes.openai_server import OpenAIFake

    base = library.get_prompt("caption")
    library.save_version(base, system=base.system + " Be brief.", user=base.user)

    def answer(body):
        brief = "Be brief." in body["messages"][0]["content"]
        return json.dumps({"caption": "Ngắn." if brief else "Trà xạ đen Ô Diên.",
                           "hashtags": ["#OCOP"]}, ensure_ascii=False)

    with OpenAIFake(api_key="k", responder=answer) as fake:
        monkeypatch.setenv("STUDIO_LLM_BASE_URL", fake.base_url)
        monkeypatch.setenv("STUDIO_LLM_API_KEY", "k")
        at = run("pages/prompts.py", **{"prompts.name": "caption",
                                        "prompts.product": "tra-xa-den"})
        at.button(key="prompts.run").click()
        ok(at.run())
    shown = [json.loads(j.value) for j in at.json]
    captions = [v.get("caption", "") for v in shown if isinstance(v, dict)]
    assert any(c.startswith("Ngắn.") for c in captions)
    assert any(c.startswith("Trà xạ đen Ô Diên.") for c in captions)
    with session_scope() as s:
        rows = s.scalars(select(Generation).order_by(Generation.id)).all()
        assert [(r.engine, r.prompt_version) for r in rows] == [("llm", 1), ("llm", 2)]


@pytest.mark.slow
def test_writer_flags_an_edit_and_fixes_it_in_one_click(demo_engine):
    at = run("pages/writer.py", **{"writer.product": "tra-xa-den", "writer.langs": ["vi"]})
    at.button(key="writer.generate").click()
    ok(at.run())
    short = at.text_area(key="writer.text.vi.short")
    short.set_value("Trà xạ đen chữa khỏi tiểu đường. " + short.value)
    at.button(key="writer.recheck").click()
    ok(at.run())
    assert any("🔴" in c.value and "claim" in c.value for c in at.caption)
    assert any("Sản phẩm" in e.value or "lỗi chặn" in e.value for e in at.error)
    remove = next(b for b in at.button if b.key.startswith("writer.remove.vi.short"))
    remove.click()
    ok(at.run())
    assert "chữa khỏi" not in at.text_area(key="writer.text.vi.short").value
    at.button(key="writer.recheck").click()
    ok(at.run())
    assert not [c for c in at.caption if "🔴" in c.value and "claim" in c.value]
