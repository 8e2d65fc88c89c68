"""Glossary: adding terms, CSV import (all or nothing), and checking translations."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from studio.errors import ValidationFailed
from studio.translate.glossary import (
    SEED_SUGGESTIONS,
    Term,
    add_term,
    enforce,
    hits_in,
    import_csv,
    list_terms,
)
from studio.translate.models import GlossaryEntry

TERMS = [Term("hợp tác xã", "cooperative"), Term("xạ đen", "xa den (Celastrus hindsii)"),
         Term("Hương Rừng", "Hương Rừng")]


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(GlossaryEntry))


@pytest.mark.parametrize("translated, text, statuses", [
    ("Xa den (Celastrus hindsii) tea of the cooperative",
     "Xa den (Celastrus hindsii) tea of the cooperative", ["ok", "ok"]),
    ("xạ đen tea of the hợp tác xã", "xa den (Celastrus hindsii) tea of the cooperative",
     ["fixed", "fixed"]),
    ("Xa Den tea of the Hop Tac Xa", "xa den (Celastrus hindsii) tea of the cooperative",
     ["fixed", "fixed"]),
    ("black medicine tea of the co-op", "black medicine tea of the co-op",
     ["flagged", "flagged"]),
])
def test_enforce(translated, text, statuses):
    fixed, hits = enforce("Trà xạ đen của hợp tác xã", translated, TERMS)
    assert fixed == text
    assert sorted(h.status for h in hits) == sorted(statuses)


def test_brand_names_must_stay_as_written():
    fixed, hits = enforce("Mật ong Hương Rừng", "Forest Fragrance honey", TERMS)
    assert fixed == "Forest Fragrance honey"
    assert [(h.source, h.status) for h in hits] == [("Hương Rừng", "flagged")]


def test_hits_are_whole_words_and_longest_first():
    terms = [Term("xạ", "musk"), Term("xạ đen", "xa den")]
    assert hits_in("trà xạ đen", terms) == [Term("xạ đen", "xa den")]
    assert hits_in("trà xạnh", terms) == []


def test_seed_suggestions_are_valid(session, ws):
    for source, target, lang_from, lang_to, note in SEED_SUGGESTIONS:
        add_term(session, ws, source, target, lang_from, lang_to, note)
    assert count(session) == len(SEED_SUGGESTIONS)
    assert ("hợp tác xã", "cooperative") in {(e.source, e.target) for e in list_terms(session, ws)}


@pytest.mark.parametrize("args, message", [
    (("", "x"), "source: Required"),
    (("x", " "), "target: Required"),
    (("x", "y", "vi", "zz"), "Unknown language code “zz”"),
    (("x", "y", "en", "en"), "both “en”"),
    (("x" * 201, "y"), "at most 200"),
    (("x", "y", "vi", "en", "n" * 301), "note: Too long"),
])
def test_add_term_refuses_bad_values(session, ws, args, message):
    with pytest.raises(ValidationFailed, match=message):
        add_term(session, ws, *args)
    assert count(session) == 0


def test_csv_import(session, ws):
    data = ("source,target,note\n"
            "hợp tác xã,cooperative,OCOP term\n"
            "xạ đen,xa den (Celastrus hindsii),\n"
            "\n"
            "Hoà Bình,Hoa Binh,province\n").encode("utf-8-sig")
    assert import_csv(session, ws, data) == {"created": 3, "updated": 0, "rows": 3}
    again = "source,target,source_lang,target_lang\nhợp tác xã,co-operative,vi,en\n"
    assert import_csv(session, ws, again.encode()) == {"created": 0, "updated": 1, "rows": 1}
    targets = {e.source: e.target for e in list_terms(session, ws)}
    assert targets["hợp tác xã"] == "co-operative" and len(targets) == 3


@pytest.mark.parametrize("data, where", [
    (b"", "glossary_csv_empty"),
    (b"source,target\n", "glossary_csv_empty"),
    (b"term,translation\nx,y\n", "unknown_column"),
    (b"source\nx\n", "missing_column"),
    (b"source,target\nx,y\nX,z\n", "glossary_duplicate"),
    (b"source,target\nx,\n", "required"),
    (b"source,target,target_lang\nx,y,klingon\n", "lang_unknown"),
    (b"source,target\nx,y,extra\n", "extra_cells"),
    ("source,target\nxạ,y\n".encode("utf-16"), "binary_file"),
    ("source,target\ncafé,coffee\n".encode("latin-1"), "glossary_csv_encoding"),
])
def test_bad_csv_is_rejected_whole(session, ws, data, where):
    add_term(session, ws, "trà", "tea")
    with pytest.raises(ValidationFailed) as err:
        import_csv(session, ws, data)
    codes = [p.code for p in err.value.problems]
    assert where in codes
    assert count(session) == 1  # nothing of the file was written


def test_one_bad_row_rejects_the_good_ones(session, ws):
    data = "source,target\nhợp tác xã,cooperative\nxạ đen,\n".encode()
    with pytest.raises(ValidationFailed) as err:
        import_csv(session, ws, data)
    assert [(p.row, p.field, p.code) for p in err.value.problems] == [(3, "target", "required")]
    assert count(session) == 0
