"""The Translate and Glossary pages under AppTest, on the demo catalog."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from studio.catalog.service import get_workspace
from studio.db.session import session_scope
from studio.translate.models import GlossaryEntry, MemoryEntry

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def run(page: str, **state) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=90)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_translate_offline_then_approve_into_memory(demo_engine):
    at = run("pages/translate.py", lang="en", workspace="demo")
    at.text_area(key="translate.text").set_value("Trà xạ đen Hòa Bình")
    at.button(key="translate.run").click().run()
    assert not at.exception
    assert any("No translation in the memory" in i.value for i in at.info)
    at.text_area(key="translate.output").set_value("Hoa Binh xa den tea")
    at.button(key="translate.approve").click().run()
    assert not at.exception
    with session_scope(demo_engine) as session:
        entry = session.scalar(select(MemoryEntry))
        assert (entry.source, entry.target) == ("Trà xạ đen Hòa Bình", "Hoa Binh xa den tea")
    at.button(key="translate.run").click().run()  # now served from the memory
    assert at.text_area(key="translate.output").value == "Hoa Binh xa den tea"


def test_translate_error_keeps_the_text(demo_engine):
    at = run("pages/translate.py", lang="en", workspace="demo")
    at.selectbox(key="translate.engine").set_value("libre").run()
    at.text_input(key="translate.libre_url").set_value("http://127.0.0.1:9")
    at.text_area(key="translate.text").set_value("Trà xạ đen")
    at.button(key="translate.run").click().run()
    assert any("cannot reach LibreTranslate" in e.value for e in at.error)
    assert at.text_area(key="translate.text").value == "Trà xạ đen"


def test_glossary_page_adds_terms_and_suggestions(demo_engine):
    at = run("pages/glossary.py", lang="vi", workspace="demo")
    at.text_input(key="glossary.add.source").set_value("Hoà Bình")
    at.text_input(key="glossary.add.target").set_value("Hoa Binh")
    at.button(key="FormSubmitter:glossary.add-Lưu").click().run()
    assert not at.exception
    at.button(key="glossary.seed").click().run()
    assert not at.exception
    with session_scope(demo_engine) as session:
        ws = get_workspace(session, "demo")
        sources = set(session.scalars(select(GlossaryEntry.source).where(
            GlossaryEntry.workspace_id == ws.id)))
    assert {"Hoà Bình", "hợp tác xã", "xạ đen"} <= sources
