"""The translation table: complete, NFC, no duplicates, and every key the code uses exists."""

from __future__ import annotations

import json
import re
import string
import unicodedata
from pathlib import Path

import pytest

from studio.catalog.factsheet import NEEDED
from studio.catalog.io import COLUMN_NAMES
from studio.catalog.schema import OCOP_LEVELS, PRODUCER_FIELDS, PRODUCER_KINDS, PRODUCT_FIELDS
from studio.i18n import LANGS, LOCALES_DIR, t, table

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("studio/**/*.py"), ROOT / "app.py"])
KEY = r"[a-z_]+(?:\.[a-z0-9_]+)+"
# A whole literal key as the first argument (a prefix glued to a variable is a family below).
TR_CALL = re.compile(rf"""(?<![\w.])(?:tr|t)\(\s*["']({KEY})["']\s*[,)]""")
ERROR_KEY = re.compile(rf"""\bkey=["']({KEY})["']""")
PROBLEM = re.compile(r"""\bProblem\(\s*[^,()]+,\s*["']([a-z_0-9]+)["']""")


def _pairs_no_dupes(pairs):
    keys = [k for k, _ in pairs]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise ValueError(f"duplicate keys {dupes}")
    return dict(pairs)


LOCALE_FILES = sorted(LOCALES_DIR.glob("*.json"))


@pytest.mark.parametrize("path", LOCALE_FILES, ids=lambda p: p.name)
def test_locale_file_has_no_duplicate_key_and_every_language(path):
    entries = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_pairs_no_dupes)
    for key, langs in entries.items():
        assert re.fullmatch(KEY, key), f"{path.name}: key {key!r} is not dotted lower-case"
        for lang in LANGS:
            assert isinstance(langs.get(lang), str) and langs[lang].strip(), \
                f"{path.name}: {key} has no {lang} text"


@pytest.mark.parametrize("path", LOCALE_FILES, ids=lambda p: p.name)
def test_locale_text_is_nfc(path):
    entries = json.loads(path.read_text(encoding="utf-8"))
    bad = [(key, lang) for key, langs in entries.items() for lang, text in langs.items()
           if unicodedata.normalize("NFC", text) != text]
    assert not bad, f"{path.name}: not NFC: {bad[:10]}"


def test_table_merges_every_file_without_clashes():
    merged = table()
    total = sum(len(json.loads(p.read_text(encoding="utf-8"))) for p in LOCALE_FILES)
    assert len(merged) == total  # table() raises on a key found in two files


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_vi_and_en_use_the_same_placeholders():
    bad = [key for key, langs in table().items()
           if _fields(langs["vi"]) != _fields(langs["en"])]
    assert not bad, f"placeholders differ between vi and en: {bad}"


def _used_keys() -> dict[str, set[str]]:
    used: dict[str, set[str]] = {}
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        rel = str(path.relative_to(ROOT))
        keys = set(TR_CALL.findall(text))
        if rel.startswith("studio/"):
            keys |= set(ERROR_KEY.findall(text))
            keys |= {f"problem.{code}" for code in PROBLEM.findall(text)}
        for key in keys:
            used.setdefault(key, set()).add(rel)
    return used


def test_every_key_used_in_the_code_exists():
    used = _used_keys()
    assert "home.title" in used and "error.no_trace_url" in used  # the scan finds keys
    missing = {key: sorted(files) for key, files in used.items() if key not in table()}
    assert not missing, f"keys used but not in studio/locales/*.json: {missing}"


# Keys the catalog pages build from a vocabulary (tr(f"field.{name}") and the like).
FAMILIES = {
    "field": [*PRODUCT_FIELDS, *PRODUCER_FIELDS, "producer"],
    "column": COLUMN_NAMES,
    "producer.kind": PRODUCER_KINDS,
    "products.level": [*OCOP_LEVELS, "none"],
    "settings.source": ["env", "default"],
    "import_export.mode": ["upsert", "create"],
    "labels.col": ["name", "stars", "producer", "quantity", "price", "url"],
}


@pytest.mark.parametrize("family", list(FAMILIES))
def test_every_built_key_exists(family):
    missing = [f"{family}.{name}" for name in FAMILIES[family]
               if f"{family}.{name}" not in table()]
    assert not missing


def test_fact_sheet_hints_exist():
    keys = [key for _, key in NEEDED] + ["facts.missing.allergens", "facts.missing.photos"]
    assert [k for k in keys if k not in table()] == []


def test_unknown_key_raises_and_params_fill_in():
    with pytest.raises(KeyError):
        t("no.such.key", "vi")
    assert t("labels.stars", "vi", n=4) == "OCOP 4 sao"
    assert t("labels.stars", "en", n=4) == "OCOP 4 stars"
