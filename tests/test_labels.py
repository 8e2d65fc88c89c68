"""QR codes decode back to the traceability URL; the label sheet keeps Vietnamese text intact."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import cv2
import numpy as np
import pytest
from pypdf import PdfReader

from studio.catalog.labels import (
    LabelError,
    format_price,
    label_lines,
    label_sheet_pdf,
    qr_png,
    qr_svg,
)
from studio.catalog.service import get_product, get_workspace, list_products
from studio.db.session import session_scope
from studio.errors import NotFound

URLS = [
    "https://truyxuat.example.vn/mdqueens/tra-xa-den",
    "http://egap.example.vn/lo/DEMO-CS-BD-2311?batch=7&q=b%C6%B0%E1%BB%9Fi",
]


def decode(image: np.ndarray) -> str:
    text, _points, _ = cv2.QRCodeDetector().detectAndDecode(image)
    return text


def decode_png(data: bytes) -> str:
    return decode(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE))


def rasterize_svg(data: bytes) -> np.ndarray:
    """Draw segno's SVG path (M x y, then hN runs and relative m moves) as black modules."""
    root = ET.fromstring(data)
    path = root.find("{http://www.w3.org/2000/svg}path")
    size = int(float(root.get("width")))
    scale = int(re.search(r"scale\((\d+)\)", path.get("transform")).group(1))
    grid = np.full((size // scale, size // scale), 255, np.uint8)
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:\s(-?[\d.]+))?", path.get("d")):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            grid[int(y), int(x):int(x + float(a))] = 0
            x += float(a)
    return cv2.resize(grid, None, fx=8, fy=8, interpolation=cv2.INTER_NEAREST)


@pytest.mark.parametrize("url", URLS)
def test_png_qr_decodes_to_the_url(url):
    data = qr_png(url)
    assert data.startswith(b"\x89PNG")
    assert decode_png(data) == url


@pytest.mark.parametrize("url", URLS)
def test_svg_qr_decodes_to_the_url(url):
    data = qr_svg(url)
    assert data.startswith(b"<?xml")
    assert decode(rasterize_svg(data)) == url


def test_qr_of_a_different_url_differs():
    assert decode_png(qr_png(URLS[0])) != decode_png(qr_png(URLS[0] + "-2"))


@pytest.mark.parametrize("url", ["", "   "])
def test_qr_without_url_says_where_to_add_one(url):
    with pytest.raises(NotFound) as err:
        qr_png(url)
    assert err.value.key == "error.no_trace_url"
    assert "Products page" in str(err.value)
    assert "trang Sản phẩm" in err.value.localized("vi")


@pytest.mark.parametrize("url", ["ftp://example.vn/x", "truyxuat.example.vn/x", "https://a b.vn"])
def test_qr_rejects_a_url_that_is_not_http(url):
    with pytest.raises(LabelError) as err:
        qr_svg(url)
    assert "http(s)" in str(err.value)
    assert "Sản phẩm" in err.value.localized("vi")


@pytest.mark.parametrize("scale", [0, 41])
def test_qr_scale_out_of_range(scale):
    with pytest.raises(LabelError, match="1 to 40"):
        qr_png(URLS[0], scale=scale)


def test_format_price():
    assert format_price(120000, "vi") == "120.000 ₫"
    assert format_price(1250000, "en") == "1,250,000 VND"
    assert format_price(0, "vi") == "0 ₫"
    assert format_price(None, "vi") == ""


def _pdf_text(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_label_sheet_keeps_vietnamese_text_and_embeds_the_font(demo_engine):
    with session_scope(demo_engine) as s:
        ws = get_workspace(s, "demo")
        tea = get_product(s, ws, "tra-xa-den")
        pdf = label_sheet_pdf([tea, get_product(s, ws, "hop-go-cham-khac")], "vi")
    assert pdf.startswith(b"%PDF")
    reader, text = _pdf_text(pdf)
    flat = " ".join(text.split())
    for expected in ("Trà xạ đen Ô Diên", "OCOP 4 sao", "MD Queens", "Đan Phượng, Hà Nội",
                     "20 túi lọc × 3 g", "120.000 ₫ / hộp", "Hộp gỗ chạm khắc", "Phú Xuyên"):
        assert expected in flat, expected
    fonts = {str(f["/BaseFont"]) for f in _fonts(reader.pages[0])}
    assert any("NotoSans" in f for f in fonts), fonts
    assert len(reader.pages) == 1


def test_label_sheet_qr_codes_point_at_each_product(demo_engine):
    with session_scope(demo_engine) as s:
        ws = get_workspace(s, "demo")
        products = list_products(s, ws)[:3]
        urls = [p.traceability_url for p in products]
        pdf = label_sheet_pdf(products, "vi")
    images = PdfReader(io.BytesIO(pdf)).pages[0].images
    decoded = [decode(cv2.cvtColor(np.array(img.image.convert("RGB")), cv2.COLOR_RGB2GRAY))
               for img in images]
    assert decoded == urls


def test_label_sheet_in_english_and_on_several_pages(demo_engine):
    with session_scope(demo_engine) as s:
        tea = get_product(s, get_workspace(s, "demo"), "tra-xa-den")
        lines = label_lines(tea, "en")
        pdf = label_sheet_pdf([tea] * 9, "en")
    reader, text = _pdf_text(pdf)
    flat = " ".join(text.split())
    assert lines["name"] == "O Dien xa den herbal tea"
    assert "OCOP 4 stars" in flat and "120,000 VND / hộp" in flat
    assert len(reader.pages) == 2  # 8 labels per A4 page
    assert flat.count("O Dien xa den herbal tea") == 9


def test_label_sheet_names_every_product_without_url(demo_engine):
    with session_scope(demo_engine) as s:
        ws = get_workspace(s, "demo")
        tea, box = get_product(s, ws, "tra-xa-den"), get_product(s, ws, "hop-go-cham-khac")
        tea.traceability_url = ""
        box.traceability_url = ""
        with pytest.raises(LabelError) as err:
            label_sheet_pdf([tea, box, get_product(s, ws, "tra-hoa-cuc")], "vi")
        s.rollback()
    assert "Trà xạ đen Ô Diên" in str(err.value) and "Hộp gỗ chạm khắc" in str(err.value)
    assert "Thêm ở trang Sản phẩm" in err.value.localized("vi")


def test_label_sheet_needs_a_product():
    with pytest.raises(LabelError) as err:
        label_sheet_pdf([], "vi")
    assert err.value.localized("vi") == "Hãy chọn ít nhất một sản phẩm để in nhãn."


def _fonts(page) -> list:
    resources = page["/Resources"]["/Font"]
    return [resources[name].get_object() for name in resources]
