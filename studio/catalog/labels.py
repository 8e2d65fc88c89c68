"""Traceability QR codes (segno) and a printable A4 label sheet (fpdf2, shipped Noto Sans).

Each label carries the product name, its OCOP stars, the producer, the net quantity, the price and
a QR code pointing at the product's traceability URL. The shipped font renders every Vietnamese
diacritic, so "Trà xạ đen Ô Diên" prints as written.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlparse

from studio.db.models import Product
from studio.errors import NotFound, StudioError
from studio.fonts import font_path
from studio.i18n import t

MAX_LABELS = 400
FONT = "NotoSans"


class LabelError(StudioError):
    """A QR code or label sheet cannot be made from what was given."""


@dataclass(frozen=True)
class SheetLayout:
    """An A4 sheet of ``cols`` × ``rows`` labels (millimetres)."""

    cols: int = 2
    rows: int = 4
    margin: float = 10.0
    gap: float = 4.0
    qr_mm: float = 32.0


def _check_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise NotFound("this product has no traceability URL; add one on the Products page",
                       key="error.no_trace_url")
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or " " in url:
        raise LabelError(f"'{url}' is not an http(s) URL; fix the traceability URL of the product",
                         key="labels.bad_url", url=url)
    return url


def _qr(url: str):
    import segno

    # Error correction M survives a scuffed or slightly wrinkled print of the label.
    return segno.make_qr(_check_url(url), error="m")


def qr_png(url: str, scale: int = 8) -> bytes:
    """A PNG QR code for ``url`` (``scale`` pixels per module, quiet zone of 4 modules)."""
    if not 1 <= scale <= 40:
        raise LabelError(f"QR scale must be 1 to 40 pixels per module, not {scale}",
                         key="labels.bad_scale", scale=scale)
    out = io.BytesIO()
    _qr(url).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def qr_svg(url: str, scale: int = 4) -> bytes:
    """An SVG QR code for ``url`` (vector: prints sharp at any size)."""
    out = io.BytesIO()
    _qr(url).save(out, kind="svg", scale=scale, border=4, xmldecl=True)
    return out.getvalue()


def format_price(price_vnd: int | None, lang: str = "vi") -> str:
    """120000 → '120.000 ₫' (vi) or '120,000 VND' (en); '' when there is no price."""
    if price_vnd is None:
        return ""
    if lang == "vi":
        return f"{price_vnd:,}".replace(",", ".") + " ₫"
    return f"{price_vnd:,} VND"


def product_name(product: Product, lang: str) -> str:
    """The product's name in ``lang`` (Vietnamese when there is no translation)."""
    other = {"en": product.name_en, "fr": product.name_fr}.get(lang, "")
    return other or product.name_vi


def label_lines(product: Product, lang: str = "vi") -> dict[str, str]:
    """The texts printed on one label (also shown as a preview on the Labels page)."""
    producer = product.producer
    place = ", ".join(p for p in (producer.district, producer.province) if p)
    stars = t("labels.stars", lang, n=product.ocop_stars) if product.ocop_stars else ""
    qty = product.net_quantity
    price = format_price(product.price_vnd, lang)
    if price and product.unit:
        price = f"{price} / {product.unit}"
    return {
        "name": product_name(product, lang),
        "stars": stars,
        "producer": f"{producer.name} — {place}" if place else producer.name,
        "quantity": t("labels.net_quantity", lang, value=qty) if qty else "",
        "price": price,
        "url": product.traceability_url,
    }


def label_sheet_pdf(products: Sequence[Product], lang: str = "vi",
                    layout: SheetLayout | None = None) -> bytes:
    """A printable A4 PDF of one label per product, in the given order.

    Raises:
        LabelError: no product chosen, too many, or a product without a usable traceability URL
            (every such product is named so all can be fixed at once).
    """
    layout = layout or SheetLayout()
    if not products:
        raise LabelError("choose at least one product for the label sheet",
                         key="labels.none_chosen")
    if len(products) > MAX_LABELS:
        raise LabelError(f"{len(products)} labels is too many for one sheet; choose at most "
                         f"{MAX_LABELS}", key="labels.too_many", max=MAX_LABELS)
    lacking = [p.name_vi for p in products if not (p.traceability_url or "").strip()]
    if lacking:
        names = ", ".join(lacking)
        raise LabelError(f"no traceability URL for: {names}; add them on the Products page",
                         key="labels.no_trace_urls", names=names)
    qr_images = [qr_png(p.traceability_url, scale=10) for p in products]
    return _render(products, qr_images, lang, layout)


def _render(products, qr_images, lang, layout: SheetLayout) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(layout.margin, layout.margin)
    pdf.add_font(FONT, "", str(font_path()))
    pdf.add_font(FONT, "B", str(font_path(bold=True)))
    pdf.set_title(t("labels.pdf_title", lang))
    pdf.set_creator("OCOP Live Studio")
    pdf.set_lang(lang)
    width = (pdf.w - 2 * layout.margin - (layout.cols - 1) * layout.gap) / layout.cols
    height = (pdf.h - 2 * layout.margin - (layout.rows - 1) * layout.gap) / layout.rows
    per_page = layout.cols * layout.rows
    for index, (product, png) in enumerate(zip(products, qr_images, strict=True)):
        if index % per_page == 0:
            pdf.add_page()
        col, row = index % layout.cols, (index % per_page) // layout.cols
        x = layout.margin + col * (width + layout.gap)
        y = layout.margin + row * (height + layout.gap)
        _draw_label(pdf, x, y, width, height, label_lines(product, lang), png, product,
                    layout.qr_mm)
    return bytes(pdf.output())


def _draw_label(pdf, x, y, w, h, lines, png, product, qr_mm) -> None:
    pad = 4.0
    pdf.set_draw_color(160, 160, 160)
    pdf.set_line_width(0.2)
    pdf.rect(x, y, w, h)
    text_w = w - qr_mm - 3 * pad
    pdf.set_xy(x + pad, y + pad)
    pdf.set_font(FONT, "B", 12)
    name_lines = pdf.multi_cell(text_w, 5.5, lines["name"], dry_run=True, output="LINES")
    for line in name_lines[:3]:
        pdf.set_x(x + pad)
        pdf.cell(text_w, 5.5, line, new_x="LMARGIN", new_y="NEXT")
    if product.ocop_stars:
        _draw_stars(pdf, x + pad, pdf.get_y() + 1.0, product.ocop_stars)
        pdf.set_xy(x + pad + 5 * 4.6 + 1.5, pdf.get_y())
        pdf.set_font(FONT, "", 9)
        pdf.cell(text_w - 5 * 4.6, 5.0, lines["stars"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    for key in ("producer", "quantity"):
        if lines[key]:
            pdf.set_x(x + pad)
            pdf.multi_cell(text_w, 4.5, lines[key], new_x="LMARGIN", new_y="NEXT",
                           max_line_height=4.5, align="L")
    if lines["price"]:
        pdf.set_xy(x + pad, y + h - pad - 7)
        pdf.set_font(FONT, "B", 14)
        pdf.cell(text_w, 7, lines["price"])
    pdf.image(io.BytesIO(png), x=x + w - pad - qr_mm, y=y + pad, w=qr_mm, h=qr_mm)
    pdf.set_font(FONT, "", 6.5)
    pdf.set_xy(x + w - pad - qr_mm - 2, y + pad + qr_mm + 1)
    pdf.multi_cell(qr_mm + 4, 3, product.traceability_code or "", align="C")


def _draw_stars(pdf, x: float, y: float, stars: int) -> None:
    """Five drawn stars, ``stars`` of them filled (the font has no ★ glyph)."""
    pdf.set_draw_color(176, 120, 0)
    pdf.set_fill_color(230, 160, 0)
    for i in range(5):
        cx = x + 2.1 + i * 4.6
        pdf.star(cx, y + 2.1, 0.9, 2.1, corners=5, rotate_degrees=-90,
                 style="DF" if i < stars else "D")
