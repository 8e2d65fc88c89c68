"""Import and export of products as CSV (UTF-8) and XLSX: one row per product.

An import is all-or-nothing: every row is checked first, and any problem rejects the whole file
with a table of (row, column, reason); nothing is written unless every row is valid.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from studio.catalog.schema import MAX_TEXT, PRODUCT_FIELDS, validate_product
from studio.catalog.service import apply_product, list_products
from studio.db.models import Producer, Product, Workspace
from studio.errors import MediaError, Problem, ValidationFailed

# Column order of exports, and the columns an import accepts. (name, meaning) — shown in the UI.
COLUMNS: list[tuple[str, str]] = [
    ("slug", "unique id in the workspace: a-z, 0-9 and '-' (made from name_vi when empty)"),
    ("producer", "producer name (created when it does not exist yet)"),
    ("name_vi", "product name in Vietnamese (required)"),
    ("name_en", "product name in English"),
    ("name_fr", "product name in French"),
    ("ocop_group", "food, beverages, herbal, handicraft, textiles or tourism (or the Vietnamese "
                   "group name) (required)"),
    ("ocop_stars", "1 to 5, empty when not rated"),
    ("ocop_cert_date", "certificate date, YYYY-MM-DD or DD/MM/YYYY"),
    ("ocop_level", "issuing level: district, province or national"),
    ("category", "product category"),
    ("origin", "place of origin"),
    ("ingredients", "ingredients"),
    ("process_steps", "process steps separated by ';'"),
    ("certifications", "certifications separated by ';' (VietGAP; GlobalGAP; Organic; HACCP...)"),
    ("allergens", "EU allergens separated by ';' (gluten, milk, nuts, sesame...)"),
    ("traceability_code", "traceability code"),
    ("traceability_url", "traceability URL (http or https)"),
    ("price_vnd", "price in VND, whole number (120000 or 120.000)"),
    ("unit", "sales unit (hộp, gói, kg...)"),
    ("net_quantity", "net quantity (100 g, 500 ml...)"),
    ("shelf_life", "shelf life"),
    ("storage", "storage conditions"),
    ("usage", "how to use"),
    ("story_maker", "story notes: the maker"),
    ("story_process", "story notes: the hand process"),
    ("story_place", "story notes: the place"),
    ("story_community", "story notes: the community"),
    ("aliases", "other names buyers and hosts use, separated by ';'"),
]
COLUMN_NAMES = [name for name, _ in COLUMNS]
REQUIRED_COLUMNS = ("name_vi", "producer", "ocop_group")
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000
LIST_FIELDS = ("process_steps", "certifications", "allergens", "aliases")
_FORMULA_START = ("=", "+", "-", "@")


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    new_producers: list[str] = field(default_factory=list)


# -- reading ----------------------------------------------------------------------------------
def read_table(data: bytes, filename: str = "") -> list[dict]:
    """Parse CSV or XLSX bytes into row dicts keyed by lower-case header; 'row' is the sheet row."""
    if not data or not data.strip():
        raise ValidationFailed([Problem("-", "file_empty", {}, 1)])
    if len(data) > MAX_BYTES:
        raise MediaError(f"the file is {len(data) // 1024 // 1024} MB; the limit is "
                         f"{MAX_BYTES // 1024 // 1024} MB: split it into several files")
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm")):
        header, rows = _read_xlsx(data)
    else:
        header, rows = _read_csv(data)
    return _rows_to_dicts(header, rows)


def _read_csv(data: bytes) -> tuple[list, list[list]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValidationFailed([Problem("-", "not_utf8", {}, line)]) from exc
    if "\x00" in text:
        raise ValidationFailed([Problem("-", "binary_file", {}, 1)])
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        rows = list(reader)
    except csv.Error as exc:  # a cell over the csv module's limit (128 KB), or broken quoting
        code = "too_long" if "field limit" in str(exc) else "binary_file"
        raise ValidationFailed([Problem("-", code, {"max": MAX_TEXT}, reader.line_num)]) from exc
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise ValidationFailed([Problem("-", "file_empty", {}, 1)])
    return rows[0], rows[1:]


def _read_xlsx(data: bytes) -> tuple[list, list[list]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise MediaError("this is not a readable XLSX workbook; save it again from Excel or "
                         "LibreOffice as .xlsx, or export CSV UTF-8") from exc
    sheet = book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    book.close()
    rows = [r for r in rows if any(c not in (None, "") for c in r)]
    if not rows:
        raise ValidationFailed([Problem("-", "file_empty", {}, 1)])
    return [str(c or "") for c in rows[0]], rows[1:]


def _rows_to_dicts(header: list, rows: list[list]) -> list[dict]:
    names = [str(h).strip().lower().lstrip("\ufeff") for h in header]
    problems = [Problem(n or f"#{i + 1}", "unknown_column", {}, 1)
                for i, n in enumerate(names) if n not in COLUMN_NAMES]
    problems += [Problem(n, "missing_column", {}, 1) for n in REQUIRED_COLUMNS if n not in names]
    dupes = {n for n in names if names.count(n) > 1}
    problems += [Problem(n, "duplicate_column", {}, 1) for n in sorted(dupes)]
    if not rows:
        problems.append(Problem("-", "no_rows", {}, 2))
    if len(rows) > MAX_ROWS:
        problems.append(Problem("-", "too_many_rows", {"max": MAX_ROWS}, MAX_ROWS + 2))
    if problems:
        raise ValidationFailed(problems)
    out = []
    for offset, row in enumerate(rows):
        cells = list(row) + [None] * (len(names) - len(row))
        if len(row) > len(names) and any(c not in (None, "") for c in row[len(names):]):
            raise ValidationFailed([Problem("-", "extra_cells", {}, offset + 2)])
        record = {n: _unescape(c) for n, c in zip(names, cells, strict=False)}
        record["row"] = offset + 2
        out.append(record)
    return out


def _unescape(cell):
    if isinstance(cell, str) and len(cell) > 1 and cell[0] == "'" and cell[1] in _FORMULA_START:
        return cell[1:]
    return cell


# -- importing --------------------------------------------------------------------------------
def import_products(session: Session, ws: Workspace, data: bytes, filename: str = "",
                    mode: str = "upsert") -> ImportResult:
    """Check every row, then write them all in the caller's transaction, or raise and write none.

    ``mode='upsert'`` updates products whose slug exists (an export edited and re-imported);
    ``mode='create'`` rejects them.
    """
    if mode not in ("upsert", "create"):
        raise ValueError("mode must be 'upsert' or 'create'")
    records = read_table(data, filename)
    problems: list[Problem] = []
    cleaned: list[tuple[int, str, dict]] = []
    seen: dict[str, int] = {}
    for record in records:
        row = record.pop("row")
        producer_name = str(record.pop("producer", "") or "").strip()
        try:
            clean = validate_product(record, row=row)
        except ValidationFailed as exc:
            problems += exc.problems
            clean = None
        if not producer_name:
            problems.append(Problem("producer", "required", {}, row))
        if clean is None:
            continue
        if clean["slug"] in seen:
            problems.append(Problem("slug", "duplicate_in_file",
                                    {"value": clean["slug"], "other": seen[clean["slug"]]}, row))
        seen.setdefault(clean["slug"], row)
        cleaned.append((row, producer_name, clean))
    existing = {p.slug: p for p in list_products(session, ws)}
    if mode == "create":
        problems += [Problem("slug", "slug_exists", {"value": c["slug"]}, row)
                     for row, _, c in cleaned if c["slug"] in existing]
    if problems:
        raise ValidationFailed(sorted(problems, key=lambda p: (p.row or 0, p.field)))
    return _write(session, ws, cleaned, existing)


def _write(session: Session, ws: Workspace, cleaned: list, existing: dict) -> ImportResult:
    result = ImportResult()
    producers = {p.name: p for p in session.scalars(
        select(Producer).where(Producer.workspace_id == ws.id))}
    for _row, producer_name, clean in cleaned:
        producer = producers.get(producer_name)
        if producer is None:
            producer = Producer(workspace_id=ws.id, name=producer_name, kind="household")
            session.add(producer)
            session.flush()
            producers[producer_name] = producer
            result.new_producers.append(producer_name)
        product = existing.get(clean["slug"])
        if product is None:
            product = Product(workspace_id=ws.id, producer_id=producer.id)
            session.add(product)
            result.created.append(clean["slug"])
        else:
            result.updated.append(clean["slug"])
        product.producer_id = producer.id
        apply_product(product, clean)
    session.flush()
    return result


# -- exporting --------------------------------------------------------------------------------
def product_row(product: Product) -> dict:
    """A product as export cells (strings and numbers), in COLUMNS order."""
    row = {}
    for name in COLUMN_NAMES:
        value = product.producer.name if name == "producer" else getattr(product, name)
        if name in LIST_FIELDS:
            value = "; ".join(value or [])
        elif isinstance(value, date):
            value = value.isoformat()
        elif value is None:
            value = ""
        row[name] = value
    return row


def _escape(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value  # a spreadsheet must never run a cell as a formula
    return value


def export_products(session: Session, ws: Workspace, fmt: str = "csv") -> bytes:
    """All products of ``ws`` as CSV (UTF-8 with BOM, so Excel shows the diacritics) or XLSX."""
    rows = [product_row(p) for p in list_products(session, ws)]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=COLUMN_NAMES, lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _escape(v) for k, v in row.items()})
        return ("\ufeff" + buf.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "products"
        sheet.append(COLUMN_NAMES)
        for row in rows:
            sheet.append([_escape(row[n]) for n in COLUMN_NAMES])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    raise ValueError(f"unknown export format {fmt!r}: use csv or xlsx")


assert set(COLUMN_NAMES) - {"producer"} == set(PRODUCT_FIELDS), "COLUMNS and PRODUCT_FIELDS differ"
