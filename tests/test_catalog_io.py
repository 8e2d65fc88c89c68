"""Import/export: round trips, and every bad file rejected whole with row, column and reason."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from studio.catalog.io import COLUMN_NAMES, export_products, import_products
from studio.catalog.service import list_products, save_producer, save_product
from studio.errors import MediaError, ValidationFailed

HEADER = "slug,producer,name_vi,ocop_group,ocop_stars,price_vnd,allergens\n"
ROW_A = "tra-a,HTX A,Trà A,herbal,4,120.000,sesame\n"
ROW_B = "tra-b,HTX A,Trà B,beverages,,95000,\n"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(rows)).encode("utf-8")


def problems(exc) -> set[tuple]:
    return {(p.row, p.field, p.code) for p in exc.problems}


def snapshot(session, ws) -> list[tuple]:
    session.expire_all()
    return [(p.slug, p.name_vi, p.price_vnd) for p in list_products(session, ws)]


def test_import_creates_products_and_producers(session, ws):
    result = import_products(session, ws, csv_bytes(ROW_A, ROW_B), "p.csv")
    assert result.created == ["tra-a", "tra-b"] and result.new_producers == ["HTX A"]
    products = list_products(session, ws)
    assert products[0].price_vnd == 120000 and products[0].allergens == ["sesame"]
    assert products[1].ocop_stars is None


@pytest.mark.parametrize("rows,expected", [
    ([ROW_A, "tra-c,HTX A,Trà C,herbal,6,1000,\n"], (3, "ocop_stars", "stars_range")),
    ([ROW_A, "tra-c,HTX A,Trà C,herbal,3,-1000,\n"], (3, "price_vnd", "price_negative")),
    ([ROW_A, "tra-a,HTX A,Trà A2,herbal,3,1000,\n"], (3, "slug", "duplicate_in_file")),
    ([ROW_A, "tra-c,HTX A,Trà C,spices,3,1000,\n"], (3, "ocop_group", "group_unknown")),
    ([ROW_A, "tra-c,,Trà C,herbal,3,1000,\n"], (3, "producer", "required")),
    ([ROW_A, "tra-c,HTX A,Trà C,herbal,3,1000,peanut butter\n"],
     (3, "allergens", "allergen_unknown")),
])
def test_one_bad_row_rejects_the_whole_file(session, ws, rows, expected):
    import_products(session, ws, csv_bytes(ROW_B), "seed.csv")
    before = snapshot(session, ws)
    with pytest.raises(ValidationFailed) as info:
        import_products(session, ws, csv_bytes(*rows), "p.csv")
    assert expected in problems(info.value)
    assert snapshot(session, ws) == before


def test_unknown_and_missing_columns(session, ws):
    with pytest.raises(ValidationFailed) as info:
        import_products(session, ws, csv_bytes("x,A,Trà,herbal\n",
                                               header="slug,producer,name_vi,colour\n"))
    assert (1, "colour", "unknown_column") in problems(info.value)
    assert (1, "ocop_group", "missing_column") in problems(info.value)


def test_duplicate_column(session, ws):
    data = csv_bytes("a,A,Trà,herbal,Trà\n", header="slug,producer,name_vi,ocop_group,name_vi\n")
    with pytest.raises(ValidationFailed) as info:
        import_products(session, ws, data)
    assert (1, "name_vi", "duplicate_column") in problems(info.value)


@pytest.mark.parametrize("data,code", [
    (b"", "file_empty"),
    (b"   \n\n", "file_empty"),
    (HEADER.encode(), "no_rows"),
    ("slug,producer,name_vi,ocop_group\na,HTX,Trà,herbal\n".encode("cp1258"), "not_utf8"),
    (b"slug,name\x00\x01,x\n", "binary_file"),
])
def test_unreadable_files(session, ws, data, code):
    with pytest.raises(ValidationFailed) as info:
        import_products(session, ws, data, "p.csv")
    assert code in {c for _, _, c in problems(info.value)}
    assert list_products(session, ws) == []


def test_non_utf8_reports_the_line(session, ws):
    data = csv_bytes(ROW_A) + "tra-c,HTX A,Trà C,herbal,3,1000,\n".encode("latin-1",
                                                                           "replace")
    data = data.replace("Trà C".encode("latin-1", "replace"), b"Tr\xe0 C")
    with pytest.raises(ValidationFailed) as info:
        import_products(session, ws, data, "p.csv")
    assert (3, "-", "not_utf8") in problems(info.value)
    assert "CSV UTF-8" in info.value.problems[0].message("en")


def test_huge_file_is_refused(session, ws):
    data = csv_bytes(ROW_A) + b"#" * (11 * 1024 * 1024)
    with pytest.raises(MediaError, match="split it"):
        import_products(session, ws, data, "p.csv")


def test_extra_cells_beyond_header(session, ws):
    with pytest.raises(ValidationFailed) as info:
        import_products(session, ws, csv_bytes("a,HTX,Trà,herbal,4,1000,,surprise\n"))
    assert (2, "-", "extra_cells") in problems(info.value)


def test_create_mode_rejects_existing_slugs(session, ws):
    import_products(session, ws, csv_bytes(ROW_A))
    with pytest.raises(ValidationFailed) as info:
        import_products(session, ws, csv_bytes(ROW_A), mode="create")
    assert (2, "slug", "slug_exists") in problems(info.value)
    result = import_products(session, ws, csv_bytes(ROW_A.replace("120.000", "99000")))
    assert result.updated == ["tra-a"] and list_products(session, ws)[0].price_vnd == 99000


def test_semicolon_csv_from_excel_with_bom(session, ws):
    text = "\ufeffslug;producer;name_vi;ocop_group;price_vnd\ntra-a;HTX A;Trà A;herbal;120000\n"
    result = import_products(session, ws, text.encode("utf-8"), "excel.csv")
    assert result.created == ["tra-a"]


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_import_with_typed_cells(session, ws):
    data = _xlsx([["slug", "producer", "name_vi", "ocop_group", "ocop_stars", "price_vnd"],
                  ["tra-a", "HTX A", "Trà A", "herbal", 4, 120000]])
    result = import_products(session, ws, data, "p.xlsx")
    assert result.created == ["tra-a"] and list_products(session, ws)[0].ocop_stars == 4


def test_xlsx_bad_row(session, ws):
    data = _xlsx([["slug", "producer", "name_vi", "ocop_group", "ocop_stars"],
                  ["tra-a", "HTX A", "Trà A", "herbal", 7]])
    with pytest.raises(ValidationFailed) as info:
        import_products(session, ws, data, "p.xlsx")
    assert (2, "ocop_stars", "stars_range") in problems(info.value)


def test_corrupt_xlsx(session, ws):
    with pytest.raises(MediaError, match="not a readable XLSX"):
        import_products(session, ws, b"PK\x03\x04garbage" * 10, "p.xlsx")
    with pytest.raises(MediaError, match="not a readable XLSX"):
        import_products(session, ws, b"this is text", "p.xlsx")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_import_round_trip(session, ws, fmt):
    producer = save_producer(session, ws, {"name": "Xưởng gỗ Vĩnh Linh"})
    save_product(session, ws, producer, {
        "name_vi": "Hộp gỗ", "ocop_group": "handicraft", "ocop_stars": 4,
        "ocop_cert_date": "2023-08-01", "price_vnd": 450000, "aliases": ["hộp", "C1"],
        "process_steps": ["Chọn gỗ", "Chạm tay"], "usage": "=SUM(A1:A9)",
        "story_maker": "Anh Linh, 60–80 % online"})
    data = export_products(session, ws, fmt)
    if fmt == "csv":
        assert data.startswith("\ufeff".encode())
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        assert list(rows[0]) == COLUMN_NAMES
        assert rows[0]["usage"] == "'=SUM(A1:A9)"  # never a live formula
    else:
        sheet = load_workbook(io.BytesIO(data)).active
        assert [c.value for c in sheet[1]] == COLUMN_NAMES
    before = [(p.slug, p.name_vi, p.price_vnd, p.aliases, p.process_steps, p.usage,
               p.ocop_cert_date, p.story_maker) for p in list_products(session, ws)]
    result = import_products(session, ws, data, f"export.{fmt}")
    assert result.updated == ["hop-go"] and not result.created
    session.expire_all()
    after = [(p.slug, p.name_vi, p.price_vnd, p.aliases, p.process_steps, p.usage,
              p.ocop_cert_date, p.story_maker) for p in list_products(session, ws)]
    assert after == before
