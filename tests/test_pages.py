"""Every page under AppTest: it renders in Vietnamese, its widgets are there, its main action works.

Pages read DATABASE_URL, which the ``demo_engine`` fixture points at a demo catalog.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from studio.assets import store_image
from studio.catalog.factsheet import cert_expiry, facts, missing
from studio.catalog.io import COLUMN_NAMES, export_products
from studio.catalog.service import get_product, get_workspace, list_producers, list_products
from studio.db.models import Asset, Producer, Product, ProductPhoto
from studio.db.session import session_scope
from studio.i18n import t as t_

ROOT = Path(__file__).resolve().parent.parent
HOME_TITLE_VI = "OCOP Live Studio — Xưởng nội dung cho sản phẩm OCOP"
HOME_TITLE_EN = "OCOP Live Studio — the content workshop for OCOP products"


def run(page: str, **state) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=90)
    for key, value in state.items():
        at.session_state[key] = value
    return ok(at.run())


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def table_text(at: AppTest) -> str:
    """Every table on the page as text: headers, then one line per row, cells joined by '|'."""
    lines = []
    for df in at.dataframe:
        lines.append(" | ".join(map(str, df.value.columns)))
        lines += [" | ".join(map(str, row)) for row in df.value.itertuples(index=False)]
    return "\n".join(lines)


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """Bytes handed to st.download_button / st.image, by the file name the user would get."""
    saved: dict[str, bytes] = {}

    class Recording(MemoryMediaFileStorage):
        def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
            if isinstance(path_or_data, bytes) and filename:
                saved[filename] = path_or_data
            return super().load_and_get_id(path_or_data, mimetype, kind, filename)

    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", Recording)
    return saved


def demo(engine):
    """An open session on the demo workspace (for checking what a page wrote)."""
    return session_scope(engine)


# -- every page renders ------------------------------------------------------------------------
PAGES = {
    "pages/home.py": ("OCOP Live Studio — Xưởng nội dung cho sản phẩm OCOP", []),
    "pages/producers.py": ("Nhà sản xuất", ["producers.search", "producers.select"]),
    "pages/products.py": ("Sản phẩm", ["products.search", "products.select"]),
    "pages/fact_sheet.py": ("Phiếu thông tin sản phẩm", ["fact_sheet.product"]),
    "pages/import_export.py": ("Nhập / xuất danh mục", ["import_export.file",
                                                        "import_export.run"]),
    "pages/labels.py": ("Tem QR và nhãn", ["labels.qr_product", "labels.sheet_products",
                                           "labels.make_pdf"]),
    "pages/settings.py": ("Cài đặt", []),
}


def _keys(at: AppTest) -> set[str]:
    kinds = ("text_input", "selectbox", "multiselect", "button", "file_uploader", "radio",
             "download_button", "text_area", "date_input")
    return {w.key for kind in kinds for w in getattr(at, kind) if w.key}


@pytest.mark.parametrize("page", list(PAGES))
def test_page_renders_in_vietnamese(page, demo_engine):
    at = run(page)
    title, keys = PAGES[page]
    assert at.title[0].value == title
    assert set(keys) <= _keys(at), sorted(_keys(at))
    # The fact sheet shows an expired demo certificate as an error: that one is content.
    assert not [e for e in errors(at) if "OCOP" not in e]


@pytest.mark.parametrize("page", list(PAGES))
def test_page_follows_the_english_switch(page, demo_engine):
    vi, en = run(page), run(page, lang="en")
    assert en.title[0].value != vi.title[0].value
    labels_vi = [w.label for w in vi.selectbox] + [b.label for b in vi.button]
    labels_en = [w.label for w in en.selectbox] + [b.label for b in en.button]
    assert not set(labels_vi) & set(labels_en) - {""}, set(labels_vi) & set(labels_en)


@pytest.mark.parametrize("page", [p for p in PAGES if p != "pages/settings.py"])
def test_page_without_a_workspace_says_how_to_make_one(page, sqlite_engine):
    at = run(page)
    assert any("python -m studio demo" in w.value for w in at.warning), page


def admin_id(engine) -> int:
    """The router shows the catalog to a logged-in user (accounts): the first admin."""
    from studio.accounts.auth import ensure_admin
    from studio.accounts.models import User

    with demo(engine) as s:
        ensure_admin(s, "admin-password-for-tests")
        return s.scalar(select(User.id).where(User.role == "admin"))


def test_app_router_vietnamese_by_default_then_english(demo_engine):
    at = run("app.py", user_id=admin_id(demo_engine))
    assert at.title[0].value == HOME_TITLE_VI
    assert at.radio(key="lang").value == "vi"
    assert at.selectbox(key="workspace").value == "demo"
    ok(at.radio(key="lang").set_value("en").run())
    assert at.title[0].value == HOME_TITLE_EN
    assert at.metric[0].label == "Producers"


def test_home_counts_the_workspace(demo_engine):
    at = run("pages/home.py")
    metrics = {m.label: m.value for m in at.metric}
    with demo(demo_engine) as s:
        ws = get_workspace(s, "demo")
        assert metrics["Sản phẩm"] == str(len(list_products(s, ws)))
        assert metrics["Nhà sản xuất"] == str(len(list_producers(s, ws)))
        photos = s.scalar(select(func.count()).select_from(ProductPhoto).where(
            ProductPhoto.workspace_id == ws.id))
    assert metrics["Ảnh sản phẩm"] == str(photos)


# -- producers ---------------------------------------------------------------------------------
def _producer(engine, name: str) -> Producer | None:
    with demo(engine) as s:
        return s.scalar(select(Producer).where(Producer.name == name))


def test_producer_create_edit_and_delete_with_confirmation(demo_engine):
    at = run("pages/producers.py")
    at.text_input(key="producers.__new__.name").set_value("HTX Mây tre đan Phú Vinh")
    at.selectbox(key="producers.__new__.kind").set_value("cooperative")
    at.text_input(key="producers.__new__.province").set_value("Hà Nội")
    ok(at.button(key="producers.__new__.save").click().run())
    made = _producer(demo_engine, "HTX Mây tre đan Phú Vinh")
    assert made is not None and made.kind == "cooperative" and made.province == "Hà Nội"
    assert at.success[0].value == "Đã lưu."
    assert at.selectbox(key="producers.select").value == made.id  # the new one is open

    at.text_input(key=f"producers.{made.id}.commune").set_value("Phú Nghĩa")
    ok(at.button(key=f"producers.{made.id}.save").click().run())
    assert _producer(demo_engine, "HTX Mây tre đan Phú Vinh").commune == "Phú Nghĩa"

    ok(at.button(key="producers.delete").click().run())
    assert "Xác nhận xoá \"HTX Mây tre đan Phú Vinh\"" in at.warning[0].value
    assert _producer(demo_engine, "HTX Mây tre đan Phú Vinh") is not None  # not yet
    ok(at.button(key="producers.confirm.no").click().run())
    assert _producer(demo_engine, "HTX Mây tre đan Phú Vinh") is not None
    assert not at.warning
    ok(at.button(key="producers.delete").click().run())
    ok(at.button(key="producers.confirm.yes").click().run())
    assert _producer(demo_engine, "HTX Mây tre đan Phú Vinh") is None
    assert at.success[0].value == "Đã xoá."


def test_producer_search_ignores_diacritics(demo_engine):
    at = run("pages/producers.py")
    ok(at.text_input(key="producers.search").set_value("chuc son").run())
    assert "HTX rau quả Chúc Sơn" in table_text(at)
    assert "MD Queens" not in table_text(at)


@pytest.mark.parametrize(("lang", "summary", "reason"), [
    ("vi", "Dữ liệu chưa hợp lệ", "Bắt buộc phải nhập."),
    ("en", "The data is not valid", "Required."),
])
def test_producer_without_name_is_refused_in_the_ui_language(demo_engine, lang, summary, reason):
    at = run("pages/producers.py", lang=lang)
    before = len(at.selectbox(key="producers.select").options)
    at.text_input(key="producers.__new__.commune").set_value("Ô Diên")
    ok(at.button(key="producers.__new__.save").click().run())
    assert summary in errors(at)[0]
    assert reason in table_text(at)
    assert len(at.selectbox(key="producers.select").options) == before
    assert at.text_input(key="producers.__new__.commune").value == "Ô Diên"  # kept to fix


def test_producer_duplicate_name_is_refused(demo_engine):
    at = run("pages/producers.py")
    at.text_input(key="producers.__new__.name").set_value("MD Queens")
    ok(at.button(key="producers.__new__.save").click().run())
    assert "\"MD Queens\" đã tồn tại." in table_text(at)
    with demo(demo_engine) as s:
        assert s.scalar(select(func.count()).select_from(Producer).where(
            Producer.name == "MD Queens")) == 1


# -- products ----------------------------------------------------------------------------------
def _product(engine, slug: str) -> Product | None:
    with demo(engine) as s:
        return s.scalar(select(Product).where(Product.slug == slug))


def test_product_search_is_diacritics_insensitive(demo_engine):
    at = run("pages/products.py")
    ok(at.text_input(key="products.search").set_value("xa den").run())
    text = table_text(at)
    assert "Trà xạ đen Ô Diên" in text and "Trà hoa cúc" not in text
    ok(at.text_input(key="products.search").set_value("không có gì").run())
    assert at.info[0].value == "Không có sản phẩm nào khớp với từ khoá."


def test_product_create_with_every_kind_of_field(demo_engine):
    at = run("pages/products.py")
    new = "products.__new__"
    at.text_input(key=f"{new}.name_vi").set_value("Mật ong hoa nhãn")
    at.text_input(key=f"{new}.name_en").set_value("Longan blossom honey")
    at.selectbox(key=f"{new}.ocop_group").set_value("food")
    at.selectbox(key=f"{new}.ocop_stars").set_value(3)
    at.selectbox(key=f"{new}.ocop_level").set_value("district")
    at.text_input(key=f"{new}.price_vnd").set_value("185.000")
    at.text_area(key=f"{new}.process_steps").set_value("Quay mật\nLọc\nĐóng chai")
    at.multiselect(key=f"{new}.allergens").set_value(["nuts"])
    at.multiselect(key=f"{new}.certifications").set_value(["VietGAP"])
    at.text_input(key=f"{new}.traceability_url").set_value("https://truyxuat.example.vn/mat-ong")
    at.text_area(key=f"{new}.story_maker").set_value("Anh Hùng nuôi ong từ năm 2010.")
    ok(at.button(key=f"{new}.save").click().run())
    assert not errors(at)
    honey = _product(demo_engine, "mat-ong-hoa-nhan")
    assert honey is not None
    assert (honey.name_en, honey.ocop_group, honey.ocop_stars, honey.ocop_level,
            honey.price_vnd) == ("Longan blossom honey", "food", 3, "district", 185000)
    assert honey.process_steps == ["Quay mật", "Lọc", "Đóng chai"]
    assert honey.allergens == ["nuts"] and honey.certifications == ["VietGAP"]
    assert honey.story_maker == "Anh Hùng nuôi ong từ năm 2010."
    assert at.selectbox(key="products.select").value == "mat-ong-hoa-nhan"


@pytest.mark.parametrize(("price", "reason"), [
    ("-5", "Giá không được âm (-5)."),
    ("mười nghìn", "Giá \"mười nghìn\" không phải số"),
])
def test_product_bad_price_is_refused_and_nothing_saved(demo_engine, price, reason):
    at = run("pages/products.py")
    new = "products.__new__"
    at.text_input(key=f"{new}.name_vi").set_value("Miến dong")
    at.text_input(key=f"{new}.price_vnd").set_value(price)
    ok(at.button(key=f"{new}.save").click().run())
    assert "Dữ liệu chưa hợp lệ" in errors(at)[0]
    assert reason in table_text(at)
    assert _product(demo_engine, "mien-dong") is None


def test_product_edit_then_delete_with_confirmation(demo_engine):
    at = run("pages/products.py")
    ok(at.selectbox(key="products.select").set_value("tra-xa-den").run())
    pid = _product(demo_engine, "tra-xa-den").id
    form = f"products.{pid}"
    assert at.text_input(key=f"{form}.name_vi").value == "Trà xạ đen Ô Diên"
    assert at.selectbox(key=f"{form}.ocop_stars").value == 4
    at.text_input(key=f"{form}.price_vnd").set_value("130000")
    at.multiselect(key=f"{form}.allergens").set_value(["sesame"])
    ok(at.button(key=f"{form}.save").click().run())
    tea = _product(demo_engine, "tra-xa-den")
    assert tea.price_vnd == 130000 and tea.allergens == ["sesame"]
    assert tea.name_vi == "Trà xạ đen Ô Diên"  # untouched fields kept

    ok(at.button(key="products.delete").click().run())
    assert "Trà xạ đen Ô Diên" in at.warning[0].value
    assert _product(demo_engine, "tra-xa-den") is not None
    ok(at.button(key="products.confirm.yes").click().run())
    assert _product(demo_engine, "tra-xa-den") is None
    assert at.selectbox(key="products.select").value == "__new__"


def test_product_slug_taken_is_refused(demo_engine):
    at = run("pages/products.py")
    new = "products.__new__"
    at.text_input(key=f"{new}.name_vi").set_value("Trà xạ đen loại 2")
    at.text_input(key=f"{new}.slug").set_value("tra-hoa-cuc")
    ok(at.button(key=f"{new}.save").click().run())
    assert errors(at) == ["Mã \"tra-hoa-cuc\" đã được sản phẩm khác dùng; hãy chọn mã khác."]


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(out, format="PNG")
    return out.getvalue()


def _stored_files(data_dir: Path) -> list[Path]:
    return [p for p in (data_dir / "assets").rglob("*") if p.is_file()] \
        if (data_dir / "assets").exists() else []


def test_photo_upload_stores_the_image_and_shows_it(demo_engine, _studio_env):
    at = run("pages/products.py")
    ok(at.selectbox(key="products.select").set_value("tra-hoa-cuc").run())
    pid = _product(demo_engine, "tra-hoa-cuc").id
    before = set(_stored_files(_studio_env))
    at.file_uploader(key=f"products.{pid}.photo").upload("../../etc/hoa cúc.png", _png(),
                                                         "image/png")
    ok(at.run())
    ok(at.button(key="products.photo_add").click().run())
    assert at.success[0].value == "Đã thêm ảnh."
    with demo(demo_engine) as s:
        photos = s.scalars(select(Asset).join(ProductPhoto).where(
            ProductPhoto.product_id == pid).order_by(ProductPhoto.position)).all()
        assert [(a.mime, a.width, a.height, a.original_name) for a in photos][-1] == (
            "image/png", 64, 48, "hoa cúc.png")
    new_files = set(_stored_files(_studio_env)) - before
    assert len(new_files) == 1 and next(iter(new_files)).suffix == ".png"
    captions = [c for img in at.get("image") for c in img.captions]
    assert "hoa cúc.png" in captions  # the gallery shows it


def test_photo_upload_of_a_text_file_named_jpg_is_refused(demo_engine, _studio_env):
    at = run("pages/products.py", lang="en")
    ok(at.selectbox(key="products.select").set_value("tra-hoa-cuc").run())
    pid = _product(demo_engine, "tra-hoa-cuc").id
    with demo(demo_engine) as s:
        assets_before = s.scalar(select(func.count()).select_from(Asset))
    files_before = _stored_files(_studio_env)
    at.file_uploader(key=f"products.{pid}.photo").upload("photo.jpg", b"not an image\n" * 50,
                                                         "image/jpeg")
    ok(at.run())
    ok(at.button(key="products.photo_add").click().run())
    assert errors(at) == ["This file is not a readable image (JPEG, PNG, WebP, GIF). Export "
                          "the photo again and upload it."]
    with demo(demo_engine) as s:
        assert s.scalar(select(func.count()).select_from(Asset)) == assets_before
    assert _stored_files(_studio_env) == files_before



def _photo_names(engine, pid: int) -> list[str]:
    with demo(engine) as s:
        return [a.original_name for a in s.scalars(select(Asset).join(ProductPhoto).where(
            ProductPhoto.product_id == pid).order_by(ProductPhoto.position)).all()]


def _upload_photo(at: AppTest, pid: int, name: str, data: bytes) -> AppTest:
    at.file_uploader(key=f"products.{pid}.photo").upload(name, data, "image/png")
    ok(at.run())
    return ok(at.button(key="products.photo_add").click().run())


def test_one_photo_serves_two_products_and_a_repeat_says_so(demo_engine, _studio_env):
    shared = _png()
    tea, tra = _product(demo_engine, "tra-hoa-cuc").id, _product(demo_engine, "tra-xa-den").id
    at = run("pages/products.py", lang="en")
    ok(at.selectbox(key="products.select").set_value("tra-hoa-cuc").run())
    _upload_photo(at, tea, "farm.png", shared)
    assert at.success[0].value == "Photo added."
    ok(at.selectbox(key="products.select").set_value("tra-xa-den").run())
    _upload_photo(at, tra, "farm.png", shared)
    assert at.success[0].value == "Photo added."
    assert _photo_names(demo_engine, tea)[-1] == _photo_names(demo_engine, tra)[-1] == "farm.png"
    _upload_photo(at, tra, "again.png", shared)
    assert at.success[0].value == "This photo is already on the product."
    assert _photo_names(demo_engine, tra).count("farm.png") == 1
    with demo(demo_engine) as s:  # one file, one asset row, two links
        assert s.scalar(select(func.count()).select_from(Asset).where(
            Asset.original_name == "farm.png")) == 1


def test_photos_reorder_and_remove_keeps_the_file(demo_engine, _studio_env):
    pid = _product(demo_engine, "tra-hoa-cuc").id
    at = run("pages/products.py", lang="en")
    ok(at.selectbox(key="products.select").set_value("tra-hoa-cuc").run())
    _upload_photo(at, pid, "second.png", _png())
    names = _photo_names(demo_engine, pid)
    assert len(names) == 2 and names[1] == "second.png"
    with demo(demo_engine) as s:
        second = s.scalar(select(Asset.id).where(Asset.original_name == "second.png"))
    ok(at.button(key=f"products.{pid}.photo_up.{second}").click().run())
    assert _photo_names(demo_engine, pid)[0] == "second.png"
    captions = [c for img in at.get("image") for c in img.captions]
    assert captions[0] == "Cover"
    files = set(_stored_files(_studio_env))
    ok(at.button(key=f"products.{pid}.photo_remove.{second}").click().run())
    assert at.success[0].value == "Photo removed from the product (the file is kept)."
    assert _photo_names(demo_engine, pid) == names[:1]
    assert set(_stored_files(_studio_env)) == files


# -- import / export ---------------------------------------------------------------------------
GOOD_CSV = ("slug,producer,name_vi,ocop_group,ocop_stars,price_vnd,allergens\n"
            "mien-dong,HTX Miến dong Cự Đà,Miến dong Cự Đà,food,3,45.000,\n"
            "tra-xa-den,MD Queens,Trà xạ đen Ô Diên,herbal,5,125000,\n").encode()
BAD_CSV = ("slug,producer,name_vi,ocop_group,ocop_stars,price_vnd\n"
           "mien-dong,HTX Miến dong Cự Đà,Miến dong Cự Đà,food,6,45000\n"
           "banh-chung,Hộ bà Lan,Bánh chưng,đồ ăn,3,-5\n").encode()


def _catalog(engine) -> bytes:
    with demo(engine) as s:
        return export_products(s, get_workspace(s, "demo"), "csv")


def test_import_good_csv_creates_and_updates(demo_engine):
    at = run("pages/import_export.py")
    at.file_uploader(key="import_export.file").upload("catalog.csv", GOOD_CSV, "text/csv")
    ok(at.run())
    ok(at.button(key="import_export.run").click().run())
    assert at.success[0].value == ("Đã nhập: 1 sản phẩm mới, 1 cập nhật, 1 nhà sản xuất mới.")
    assert _product(demo_engine, "mien-dong").price_vnd == 45000
    assert _product(demo_engine, "tra-xa-den").ocop_stars == 5


def test_import_bad_csv_shows_every_problem_and_changes_nothing(demo_engine):
    before = _catalog(demo_engine)
    at = run("pages/import_export.py", lang="en")
    at.file_uploader(key="import_export.file").upload("catalog.csv", BAD_CSV, "text/csv")
    ok(at.run())
    ok(at.button(key="import_export.run").click().run())
    assert errors(at) == ["The data is not valid: 3 problem(s), see the table below. "
                          "Nothing was saved."]
    problems = at.dataframe[0].value
    assert list(problems.columns) == ["Row", "Column / field", "Reason and fix"]
    rows = {(int(r[0]), r[1]) for r in problems.itertuples(index=False)}
    assert rows == {(2, "ocop_stars"), (3, "ocop_group"), (3, "price_vnd")}
    assert "OCOP stars must be 1 to 5 (got 6)." in table_text(at)
    assert _catalog(demo_engine) == before
    assert _product(demo_engine, "mien-dong") is None


def test_import_create_mode_rejects_existing_slug(demo_engine):
    before = _catalog(demo_engine)
    at = run("pages/import_export.py")
    at.file_uploader(key="import_export.file").upload("catalog.csv", GOOD_CSV, "text/csv")
    at.radio(key="import_export.mode").set_value("create")
    ok(at.run())
    ok(at.button(key="import_export.run").click().run())
    assert "Mã \"tra-xa-den\" đã có trong danh mục." in table_text(at)
    assert _catalog(demo_engine) == before


def test_export_downloads_csv_and_xlsx_of_the_catalog(demo_engine, downloads):
    at = run("pages/import_export.py")
    assert {b.key for b in at.get("download_button")} >= {"import_export.csv",
                                                          "import_export.xlsx"}
    with demo(demo_engine) as s:
        slugs = [p.slug for p in list_products(s, get_workspace(s, "demo"))]
    rows = list(csv.DictReader(io.StringIO(downloads["demo-products.csv"].decode("utf-8-sig"))))
    assert [r["slug"] for r in rows] == slugs
    assert any(r["name_vi"] == "Trà xạ đen Ô Diên" for r in rows)
    sheet = load_workbook(io.BytesIO(downloads["demo-products.xlsx"])).active
    assert [c.value for c in sheet[1]][:3] == ["slug", "producer", "name_vi"]
    assert sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True)) == slugs


def test_import_export_lists_the_documented_columns(demo_engine):
    at = run("pages/import_export.py", lang="en")
    columns = at.dataframe[0].value
    assert list(columns.iloc[:, 0]) == COLUMN_NAMES
    assert "price in VND, whole number (120000 or 120.000)" in table_text(at)


# -- fact sheet --------------------------------------------------------------------------------
def test_fact_sheet_shows_facts_gaps_expiry_and_allergens(demo_engine, downloads):
    at = run("pages/fact_sheet.py")
    ok(at.selectbox(key="fact_sheet.product").set_value("tra-xa-den").run())
    markdown = "\n".join(m.value for m in at.markdown)
    assert "Ô Diên, Đan Phượng, Hà Nội" in markdown and "120.000 ₫ / hộp" in markdown
    assert "Sấy lạnh ở nhiệt độ thấp" in markdown  # a process step
    with demo(demo_engine) as s:
        tea = get_product(s, get_workspace(s, "demo"), "tra-xa-den")
        gaps = [t_(key, "vi") for _, key in missing(tea)]
        expiry = cert_expiry(tea)
        sheet = facts(tea)
    for gap in gaps:
        assert f"- {gap}" in markdown
    notes = [w.value for w in (*at.error, *at.warning, *at.success)]
    assert any(f"hết hạn ngày {expiry.isoformat()}" in n for n in notes), notes
    assert json.loads(downloads["tra-xa-den.json"]) == sheet


def test_fact_sheet_of_a_complete_product_reports_nothing_missing(demo_engine, _studio_env):
    with demo(demo_engine) as s:
        ws = get_workspace(s, "demo")
        tea = get_product(s, ws, "tra-xa-den")
        tea.name_en = tea.name_en or "x"
        tea.story_community = tea.story_community or "Làng Ô Diên"
        tea.allergens = ["celery"]
        store_image(s, ws, _png(), "tea.png", product_id=tea.id)
        s.flush()
        assert missing(tea) == []
    at = run("pages/fact_sheet.py", lang="en")
    ok(at.selectbox(key="fact_sheet.product").set_value("tra-xa-den").run())
    assert "The sheet has every fact a writer needs." in [s.value for s in at.success]
    assert "**Celery**" in "\n".join(m.value for m in at.markdown)


# -- labels ------------------------------------------------------------------------------------
def test_labels_qr_png_and_svg_point_at_the_traceability_url(demo_engine, downloads):
    at = run("pages/labels.py")
    ok(at.selectbox(key="labels.qr_product").set_value("tra-xa-den").run())
    url = _product(demo_engine, "tra-xa-den").traceability_url
    png = downloads["tra-xa-den-qr.png"]
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert cv2.QRCodeDetector().detectAndDecode(image)[0] == url
    assert downloads["tra-xa-den-qr.svg"].startswith(b"<?xml")


def test_labels_pdf_sheet_of_chosen_products(demo_engine, downloads):
    at = run("pages/labels.py")
    at.multiselect(key="labels.sheet_products").set_value(["tra-xa-den", "tra-hoa-cuc"])
    ok(at.button(key="labels.make_pdf").click().run())
    assert not errors(at)
    reader = PdfReader(io.BytesIO(downloads["ocop-labels.pdf"]))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Trà xạ đen Ô Diên" in text and "Trà hoa cúc sấy lạnh" in text
    assert "Bưởi" not in text  # only the chosen products


def test_labels_product_without_url_gets_a_clear_error(demo_engine):
    with demo(demo_engine) as s:
        get_product(s, get_workspace(s, "demo"), "tra-hoa-cuc").traceability_url = ""
    at = run("pages/labels.py")
    ok(at.selectbox(key="labels.qr_product").set_value("tra-hoa-cuc").run())
    assert errors(at) == ["Sản phẩm chưa có đường dẫn truy xuất nguồn gốc: thêm ở trang "
                          "Sản phẩm."]
    assert "labels.download_png" not in _keys(at)
    assert "tra-hoa-cuc" not in at.multiselect(key="labels.sheet_products").value
    at.multiselect(key="labels.sheet_products").set_value(["tra-hoa-cuc", "tra-xa-den"])
    ok(at.button(key="labels.make_pdf").click().run())
    assert "Trà hoa cúc sấy lạnh" in errors(at)[-1]
    assert "labels.download_pdf" not in _keys(at)


# -- settings ----------------------------------------------------------------------------------
def test_settings_masks_secrets_and_shows_sources(demo_engine, monkeypatch):
    monkeypatch.setenv("STUDIO_LLM_API_KEY", "sk-live-Zq7pw-4821")
    monkeypatch.setenv("DATABASE_URL", "postgresql://studio:hunter2@db.example:5432/studio")
    at = run("pages/settings.py")
    rows = {r[0]: (r[1], r[2]) for r in at.dataframe[0].value.itertuples(index=False)}
    assert rows["STUDIO_LLM_API_KEY"] == ("••••21", "biến môi trường")
    assert rows["DATABASE_URL"][0] == "postgresql://studio:••••@db.example:5432/studio"
    assert rows["STUDIO_LLM_MODEL"][1] == "mặc định"
    everything = table_text(at) + "".join(m.value for m in (*at.markdown, *at.info))
    assert "Zq7pw" not in everything and "hunter2" not in everything


# -- the same page actions on SQLite and PostgreSQL --------------------------------------------
def test_products_and_import_pages_on_both_databases(engine):
    from studio.demo import load_demo

    load_demo()  # into the database DATABASE_URL points at (the fixture's)
    at = run("pages/products.py")
    ok(at.text_input(key="products.search").set_value("xa den").run())
    assert "Trà xạ đen Ô Diên" in table_text(at) and "Bưởi" not in table_text(at)
    at.text_input(key="products.__new__.name_vi").set_value("Mật ong hoa nhãn")
    at.selectbox(key="products.__new__.ocop_group").set_value("food")
    ok(at.button(key="products.__new__.save").click().run())
    assert _product(engine, "mat-ong-hoa-nhan").ocop_group == "food"

    before = _catalog(engine)
    at = run("pages/import_export.py")
    at.file_uploader(key="import_export.file").upload("catalog.csv", BAD_CSV, "text/csv")
    ok(at.run())
    ok(at.button(key="import_export.run").click().run())
    assert "Dữ liệu chưa hợp lệ" in errors(at)[0]
    assert _catalog(engine) == before
