"""Review of the catalog and live desk: text longer than its column, the --workspace of
``orders parse --keywords``, spreadsheet formulas in exports.

A value longer than its database column used to pass validation: SQLite stored it, PostgreSQL
crashed with a driver error (no row, no column, no fix). Now every such field is checked with the
column's own length, and a file import stays all-or-nothing with a table of problems.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from studio.accounts.auth import create_user
from studio.catalog.io import export_products, import_products
from studio.catalog.schema import validate_producer, validate_product
from studio.catalog.service import ensure_workspace, save_producer, save_product
from studio.cli import main
from studio.db.models import Producer, Product
from studio.db.session import session_scope
from studio.errors import StudioError, ValidationFailed
from studio.live import service as live

GOOD = {"name_vi": "Trà xạ đen", "ocop_group": "beverages"}


def _csv(rows: list[dict]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


@pytest.mark.parametrize("field,limit", [
    ("name_vi", 200), ("name_en", 200), ("name_fr", 200), ("category", 120), ("origin", 300),
    ("traceability_code", 120), ("unit", 40), ("net_quantity", 60), ("shelf_life", 120),
])
def test_product_text_longer_than_its_column_is_a_problem(field, limit):
    ok = validate_product({**GOOD, field: "ạ" * limit})
    assert len(ok[field]) == limit  # the limit itself is fine
    with pytest.raises(ValidationFailed) as err:
        validate_product({**GOOD, field: "ạ" * (limit + 1)})
    assert [(p.field, p.code, p.params["max"]) for p in err.value.problems] == [
        (field, "too_long", limit)]


def test_a_long_name_without_a_slug_gets_a_valid_slug():
    # 149 characters: a valid name whose slug, cut at 80, used to end with '-' (slug_format).
    clean = validate_product({**GOOD, "name_vi": "Bưởi " * 30})
    assert len(clean["slug"]) <= 80 and not clean["slug"].endswith("-")


def test_traceability_url_longer_than_its_column():
    url = "https://truyxuat.example/" + "a" * 480
    with pytest.raises(ValidationFailed) as err:
        validate_product({**GOOD, "traceability_url": url})
    assert err.value.problems[0].field == "traceability_url"


@pytest.mark.parametrize("field,limit", [("name", 200), ("commune", 120), ("district", 120),
                                         ("province", 120), ("contact", 300)])
def test_producer_text_longer_than_its_column_is_a_problem(field, limit):
    raw = {"name": "HTX Ô Diên", field: "ư" * (limit + 1)}
    with pytest.raises(ValidationFailed) as err:
        validate_producer(raw)
    assert err.value.problems[0].field == field
    assert "200" in err.value.table("en")[0]["reason"] or str(limit) in err.value.table("en")[0][
        "reason"]


def test_an_import_with_an_overlong_cell_writes_nothing_and_says_where(ws, session):
    data = _csv([{"name_vi": "Trà xạ đen", "producer": "HTX Ô Diên", "ocop_group": "beverages",
                  "unit": "hộp"},
                 {"name_vi": "Bưởi " * 50, "producer": "HTX Ô Diên", "ocop_group": "food",
                  "unit": "hộp giấy kraft in logo hợp tác xã loại lớn"}])
    with pytest.raises(ValidationFailed) as err:
        import_products(session, ws, data, "p.csv")
    assert sorted((r["row"], r["column"]) for r in err.value.table("en")) == [
        (3, "name_vi"), (3, "unit")]
    session.flush()
    assert session.scalar(select(func.count()).select_from(Product)) == 0
    assert session.scalar(select(func.count()).select_from(Producer)) == 0


def test_the_products_page_form_path_rejects_an_overlong_name(ws, session):
    producer = save_producer(session, ws, {"name": "HTX Ô Diên"})
    with pytest.raises(ValidationFailed):
        save_product(session, ws, producer, {**GOOD, "name_vi": "Trà " * 60})
    session.flush()  # PostgreSQL would have raised here before the fix
    assert session.scalar(select(func.count()).select_from(Product)) == 0


def test_a_live_title_longer_than_its_column(ws, session):
    producer = save_producer(session, ws, {"name": "HTX Ô Diên"})
    save_product(session, ws, producer, {**GOOD, "slug": "tra"})
    with pytest.raises(ValidationFailed) as err:
        live.create_live(session, ws, "Live " * 50, [{"slug": "tra"}])
    assert err.value.problems[0].field == "title"
    session.flush()


def test_a_workshop_name_longer_than_its_column(session):
    from studio.workshop.service import create_workshop

    with pytest.raises(StudioError, match="at most 200"):
        create_workshop(session, "Lớp " * 60, seats=1)


# -- orders parse --keywords with someone else's --workspace --------------------------------------
def test_orders_parse_with_keywords_still_checks_the_workspace(engine, tmp_path, monkeypatch,
                                                               capsys):
    with session_scope(engine) as s:
        mine, theirs = ensure_workspace(s, "mine"), ensure_workspace(s, "theirs")
        create_user(s, "lan", "a-long-password", "producer", workspaces=[mine])
        assert theirs.id
    comments = tmp_path / "c.csv"
    comments.write_text("time,user,comment\n2026-11-23 20:00:01,Lan,chốt 2 trà\n",
                        encoding="utf-8")
    keywords = tmp_path / "k.json"
    keywords.write_text(json.dumps({"tra": ["trà"]}), encoding="utf-8")
    monkeypatch.setenv("STUDIO_USER", "lan")
    argv = ["orders", "parse", "--comments", str(comments), "--keywords", str(keywords), "--json"]
    assert main([*argv, "--workspace", "theirs"]) == 2
    assert "may open" in capsys.readouterr().err
    assert main([*argv, "--workspace", "mine"]) == 0
    assert json.loads(capsys.readouterr().out)["orders"][0]["items"] == {"tra": 2}


# -- spreadsheet formulas -----------------------------------------------------------------------
def test_exports_never_start_a_cell_with_a_formula(ws, session):
    producer = save_producer(session, ws, {"name": "=cmd|' /C calc'!A0"})
    save_product(session, ws, producer, {**GOOD, "name_en": "@SUM(1+1)", "slug": "tra",
                                         "category": "+trà", "origin": "-1+1"})
    text = export_products(session, ws, "csv").decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    for column in ("producer", "name_en", "category", "origin"):
        assert row[column][:1] == "'", column
    # and the export reads back unchanged
    back = import_products(session, ws, text.encode("utf-8"), "p.csv")
    assert back.updated == ["tra"]
    assert session.scalar(select(Product)).name_en == "@SUM(1+1)"


@pytest.mark.parametrize("tz", ["Asia/Nowhere", "../../etc/passwd", "Asia/Hanoi "])
def test_orders_parse_with_an_unknown_zone_says_so_in_one_line(tmp_path, capsys, tz):
    comments = tmp_path / "c.csv"
    comments.write_text("time,user,comment\n2026-11-23 20:00:01,Lan,chốt 2 trà\n",
                        encoding="utf-8")
    keywords = tmp_path / "k.json"
    keywords.write_text(json.dumps({"tra": ["trà"]}), encoding="utf-8")
    code = main(["orders", "parse", "--comments", str(comments), "--keywords", str(keywords),
                 "--tz", tz])
    err = capsys.readouterr().err
    assert code == 2 and "Asia/Ho_Chi_Minh" in err and len(err.strip().splitlines()) == 1


# -- the live desk's product table ---------------------------------------------------------------
def test_the_desk_table_turns_typed_cells_into_a_clear_problem():
    rows = [{"slug": "tra", "keywords": "trà; chè ;", "price_vnd": "120.000", "stock": 30.0},
            {"slug": "cuc", "keywords": None, "price_vnd": None, "stock": "mười"},
            {"slug": "buoi", "keywords": "bưởi", "price_vnd": "-5", "stock": float("nan")}]
    with pytest.raises(ValidationFailed) as err:
        live.spec_rows(rows)
    assert [(p.row, p.field) for p in err.value.problems] == [(2, "stock"), (3, "price_vnd")]
    assert "mười" in err.value.table("vi")[0]["reason"]
    good = live.spec_rows(rows[:1] + [{"slug": "cuc", "keywords": "", "price_vnd": 95000,
                                       "stock": None}])
    assert good == [{"slug": "tra", "keywords": ["trà", "chè"], "price_vnd": 120000, "stock": 30},
                    {"slug": "cuc", "keywords": [], "price_vnd": 95000, "stock": None}]


# -- a cell bigger than the csv module's field limit (128 KB) -----------------------------------
def test_a_huge_csv_cell_is_a_problem_not_a_crash(ws, session):
    data = ("name_vi,producer,ocop_group,story_maker\n"
            f"Trà,HTX Ô Diên,beverages,{'ạ' * 140_000}\n").encode()
    with pytest.raises(ValidationFailed) as err:
        import_products(session, ws, data, "p.csv")
    assert err.value.problems[0].row == 2
    session.flush()
    assert session.scalar(select(func.count()).select_from(Product)) == 0


def test_a_huge_cell_in_a_comments_export_is_a_problem_not_a_crash():
    from studio.live.sources import read_comments

    data = f"time,user,comment\n2026-11-23 20:00:01,Lan,{'a' * 140_000}\n".encode()
    with pytest.raises(ValidationFailed) as err:
        read_comments(data, "c.csv")
    assert err.value.problems[0].row == 2
