"""Translating for a workspace: memory, cache, glossary enforcement, checks and bad input.

Runs on SQLite and PostgreSQL (the ``ws`` fixture).
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from studio.errors import EngineError, ValidationFailed
from studio.llm import LLMClient
from studio.translate import approve, translate_texts
from studio.translate.engines import EngineOptions, get_translator
from studio.translate.glossary import add_term
from studio.translate.memory import MemoryIndex
from studio.translate.models import GlossaryEntry, MemoryEntry, TranslationCache
from tests.fakes.libretranslate import LibreTranslateFake
from tests.fakes.openai_server import OpenAIFake
from tests.test_translate_engines import PHRASES, closed_port, llm_items, llm_responder, phrasebook


@pytest.fixture
def terms(session, ws):
    add_term(session, ws, "xạ đen", "xa den (Celastrus hindsii)")
    add_term(session, ws, "hợp tác xã", "cooperative")
    return ws


def twin():
    return get_translator("inmemory", EngineOptions(twin_table=PHRASES))


def cache_rows(session) -> int:
    return session.scalar(select(func.count()).select_from(TranslationCache))


def test_db_round_trip(session, ws):
    entry, created = add_term(session, ws, "Hoà Bình", "Hoa Binh", "vi", "en", "province")
    approve(session, ws, "Trà xạ đen", "Xa den tea", "vi", "en", "inmemory")
    session.commit()
    session.expire_all()
    assert created
    got = session.scalar(select(GlossaryEntry).where(GlossaryEntry.id == entry.id))
    assert (got.source, got.target, got.note, got.workspace_id) == (
        "Hoà Bình", "Hoa Binh", "province", ws.id)
    memory = session.scalar(select(MemoryEntry))
    assert (memory.source, memory.target, memory.engine) == ("Trà xạ đen", "Xa den tea",
                                                              "inmemory")
    again, created = add_term(session, ws, "Hoà Bình", "Hoa Binh province")
    assert not created and again.id == entry.id  # a second add changes the target


# -- glossary enforcement on each engine --------------------------------------------------------
@pytest.mark.parametrize("name", ["inmemory", "libre", "llm"])
def test_glossary_is_enforced_on_every_engine(name, session, terms):
    text = "Trà xạ đen của hợp tác xã\ngiá 120.000đ"
    with LibreTranslateFake(PHRASES) as libre, \
            OpenAIFake(api_key="k", responder=llm_responder) as llm:
        options = EngineOptions(twin_table=PHRASES, libre_url=libre.url,
                                llm_client=LLMClient(llm.base_url, "k", "m1"))
        result = translate_texts(session, terms, [text], "vi", "en", name, options)
    item = result.items[0]
    # every engine here leaves the two terms as they were; the glossary puts them right
    assert item.text == ("tea xa den (Celastrus hindsii) of the cooperative\n"
                         "price 120.000đ")
    assert {(h.source, h.status) for h in item.glossary} == {("xạ đen", "fixed"),
                                                             ("hợp tác xã", "fixed")}
    assert item.numbers_ok and item.lines_ok and not item.untranslated


def test_a_violation_that_cannot_be_fixed_is_flagged(session, terms):
    coop = get_translator("inmemory", EngineOptions(twin_table={"hợp tác xã": "co-op"}))
    item = translate_texts(session, terms, ["hợp tác xã Tân Lập"], "vi", "en", coop).items[0]
    assert item.text == "co-op Tân Lập"
    assert [(h.source, h.status) for h in item.glossary] == [("hợp tác xã", "flagged")]
    assert "glossary term 'hợp tác xã' should be 'cooperative'" in item.problems()


def test_llm_is_told_the_glossary_and_changed_numbers_are_flagged(session, terms):
    def careless(body):  # follows the glossary, but rounds the price
        return json.dumps({"translations": [
            phrasebook(t).replace("xạ đen", "xa den (Celastrus hindsii)").replace(
                "120.000", "120") for t in llm_items(body)]})

    with OpenAIFake(api_key="k", responder=careless) as llm:
        options = EngineOptions(llm_client=LLMClient(llm.base_url, "k", "m1"))
        item = translate_texts(session, terms, ["Trà xạ đen, giá 120.000đ"], "vi", "en", "llm",
                               options).items[0]
        assert "xạ đen => xa den (Celastrus hindsii)" in llm.requests[0]["messages"][1]["content"]
    assert item.glossary[0].status == "ok"
    assert not item.numbers_ok
    assert "numbers differ from the source: check prices and quantities" in item.problems()


# -- memory and cache -------------------------------------------------------------------------
def test_approved_translation_is_reused_without_the_engine(session, terms):
    with LibreTranslateFake(PHRASES) as libre:
        options = EngineOptions(libre_url=libre.url)
        first = translate_texts(session, terms, ["Mật ong rừng"], "vi", "en", "libre", options)
        assert len(libre.requests) == 1
        approve(session, terms, "Mật ong rừng", "Wild forest honey", "vi", "en", "libre")
        second = translate_texts(session, terms, ["Mật ong rừng"], "vi", "en", "libre", options)
        assert len(libre.requests) == 1  # served from the memory
    assert first.items[0].text == "honey forest"
    assert (second.items[0].text, second.items[0].origin) == ("Wild forest honey", "memory")
    assert session.scalar(select(MemoryEntry.uses)) == 1


def test_engine_output_is_cached_by_engine_text_and_languages(session, ws):
    machine = twin()
    translate_texts(session, ws, ["trà", "hộp"], "vi", "en", machine)
    again = translate_texts(session, ws, ["trà", "hộp", "mật ong"], "vi", "en", machine)
    assert machine.calls == [["trà", "hộp"], ["mật ong"]]
    assert [i.origin for i in again.items] == ["cache", "cache", "engine"]
    translate_texts(session, ws, ["trà"], "vi", "fr", machine)  # other languages: not cached
    assert machine.calls[-1] == ["trà"] and cache_rows(session) == 4


def test_repeated_lines_are_sent_once(session, ws):
    machine = twin()
    result = translate_texts(session, ws, ["dạ trà", "", "dạ trà"], "vi", "en", machine)
    assert machine.calls == [["dạ trà"]]
    assert [i.text for i in result.items] == ["dạ tea", "", "dạ tea"]


def test_offline_uses_memory_fuzzily_but_never_across_numbers(session, ws):
    approve(session, ws, "Mật ong rừng U Minh, hộp 500 g", "U Minh forest honey, 500 g box",
            "vi", "en")
    result = translate_texts(session, ws, ["Mật ong rừng U Minh, hộp 500g",
                                           "Mật ong rừng U Minh, hộp 250 g",
                                           "Nước mắm Phú Quốc"], "vi", "en", "offline")
    close, other_size, unknown = result.items
    assert (close.text, close.origin) == ("U Minh forest honey, 500 g box", "fuzzy")
    assert other_size.untranslated and other_size.text == "Mật ong rừng U Minh, hộp 250 g"
    assert unknown.untranslated and unknown.text == "Nước mắm Phú Quốc"
    assert cache_rows(session) == 0  # the memory-only engine is not cached


def test_offline_translates_a_text_that_is_a_glossary_term(session, terms):
    item = translate_texts(session, terms, ["Hợp tác xã"], "vi", "en", "offline").items[0]
    assert (item.text, item.untranslated, item.origin) == ("cooperative", False, "glossary")


def test_memory_index_exact_ignores_surrounding_space():
    index = MemoryIndex([("Trà xạ đen", "Xa den tea")])
    assert index.exact("  Trà xạ đen ").target == "Xa den tea"
    assert index.fuzzy("Cà phê Buôn Ma Thuột") is None


# -- bad input and engine failures -------------------------------------------------------------
@pytest.mark.parametrize("texts, source, target, message", [
    ([""], "vi", "en", "no text to translate"),
    (["  \n "], "vi", "en", "no text to translate"),
    (["trà"], "vi", "xx", "unknown language code 'xx' for --to: use one of vi, en"),
    (["trà"], "vn", "en", "unknown language code 'vn' for --from"),
    (["trà"], "en", "en", "both 'en': choose two languages"),
    ("trà", "vi", "en", "list of strings"),
])
def test_bad_input_is_refused_clearly(session, ws, texts, source, target, message):
    with pytest.raises(ValidationFailed, match=message):
        translate_texts(session, ws, texts, source, target, twin())


def test_unknown_engine(session, ws):
    with pytest.raises(ValidationFailed, match="unknown engine 'babel'"):
        translate_texts(session, ws, ["trà"], "vi", "en", "babel")


def test_engine_down_loses_nothing(session, terms):
    approve(session, terms, "Trà xạ đen", "Xa den tea", "vi", "en")
    texts = ["Trà xạ đen", "Mật ong rừng"]
    options = EngineOptions(libre_url=f"http://127.0.0.1:{closed_port()}", retries=0)
    with pytest.raises(EngineError, match="cannot reach LibreTranslate"):
        translate_texts(session, terms, texts, "vi", "en", "libre", options)
    assert texts == ["Trà xạ đen", "Mật ong rừng"]
    assert cache_rows(session) == 0
    assert session.scalar(select(MemoryEntry.target)) == "Xa den tea"  # memory untouched


def test_wrong_source_language_is_warned(session, ws):
    result = translate_texts(session, ws, ["Wild honey harvested by hand in the U Minh forest"],
                             "vi", "en", twin())
    assert result.warnings == ["the text looks like English (en), not Vietnamese; check --from"]
    ok = translate_texts(session, ws, ["Mật ong rừng U Minh được thu hoạch bằng tay"], "vi",
                         "en", twin())
    assert ok.warnings == []
