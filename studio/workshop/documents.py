"""Printable PDFs for a workshop: the join-code sheet and each participant's handout."""

from __future__ import annotations

import io

from fpdf import FPDF
from sqlalchemy.orm import Session

from studio.accounts.models import Workshop
from studio.catalog.factsheet import allergen_labels, facts
from studio.catalog.labels import format_price, qr_png
from studio.catalog.service import list_products
from studio.db.models import Workspace
from studio.errors import StudioError
from studio.fonts import font_path
from studio.i18n import t
from studio.workshop.service import join_url


def _pdf() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.add_font("Noto", "", str(font_path()))
    pdf.add_font("Noto", "B", str(font_path(bold=True)))
    pdf.set_auto_page_break(auto=True, margin=12)
    return pdf


def join_sheet_pdf(workshop: Workshop, base_url: str, lang: str = "vi") -> bytes:
    """One card per seat: the code in large letters and a QR code to the join page."""
    pdf = _pdf()
    pdf.add_page()
    pdf.set_font("Noto", "B", 16)
    pdf.cell(0, 10, f"{workshop.name} — {workshop.held_on.isoformat()}",
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Noto", "", 10)
    pdf.multi_cell(0, 5, t("workshop.sheet_help", lang, url=base_url.rstrip("/") + "/join"))
    width, height, top = 90, 52, pdf.get_y() + 4
    for index, seat in enumerate(workshop.seats):
        col, row = index % 2, (index // 2) % 4
        if index and index % 8 == 0:
            pdf.add_page()
            top = 15
        x, y = 12 + col * (width + 6), top + row * (height + 4)
        pdf.rect(x, y, width, height)
        url = join_url(base_url, seat.code)
        pdf.image(io.BytesIO(qr_png(url, scale=6)), x=x + 2, y=y + 2, w=height - 4)
        pdf.set_xy(x + height, y + 8)
        pdf.set_font("Noto", "B", 15)
        pdf.cell(width - height - 2, 8, seat.code)
        pdf.set_xy(x + height, y + 20)
        pdf.set_font("Noto", "", 8)
        label = seat.participant or t("workshop.seat", lang, n=index + 1)
        pdf.multi_cell(width - height - 2, 4, label)
    return bytes(pdf.output())


def handout_pdf(session: Session, ws: Workspace, lang: str = "vi") -> bytes:
    """The participant's product sheet, story in both languages, and traceability QR."""
    from studio.workshop.hooks import story_texts

    products = list_products(session, ws)
    if not products:
        raise StudioError("this workspace has no product yet: do exercise 1 first",
                          key="workshop.no_product")
    pdf = _pdf()
    for product in products[:3]:
        data = facts(product)
        pdf.add_page()
        pdf.set_font("Noto", "B", 18)
        pdf.multi_cell(0, 9, data["names"]["vi"], new_x="LMARGIN", new_y="NEXT")
        if data["names"]["en"]:
            pdf.set_font("Noto", "", 12)
            pdf.multi_cell(0, 6, data["names"]["en"], new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Noto", "", 10)
        rows = [
            (t("workshop.h.producer", lang), data["producer"]["name"]),
            ("OCOP", (t("labels.stars", lang, n=data["ocop"]["stars"]) if data["ocop"]["stars"]
                      else "-") + f" · {data['ocop']['group_label'][lang]}"),  # no ★ in the font
            (t("workshop.h.origin", lang), data["origin"]),
            (t("workshop.h.ingredients", lang), data["ingredients"]),
            (t("workshop.h.price", lang), format_price(data["price_vnd"], lang)
             + (f" / {data['unit']}" if data["unit"] else "")),
            (t("workshop.h.net", lang), data["net_quantity"]),
            (t("workshop.h.allergens", lang), ", ".join(allergen_labels(product, lang)) or "-"),
            (t("workshop.h.certs", lang), ", ".join(data["certifications"]) or "-"),
        ]
        for label, value in rows:
            if value:
                pdf.set_font("Noto", "B", 10)
                pdf.cell(40, 6, label)
                pdf.set_font("Noto", "", 10)
                pdf.multi_cell(0, 6, str(value), new_x="LMARGIN", new_y="NEXT")
        for code, text in story_texts(session, ws, product).items():
            pdf.ln(3)
            pdf.set_font("Noto", "B", 11)
            pdf.cell(0, 6, t(f"workshop.h.story_{code}", lang), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Noto", "", 10)
            pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        if product.traceability_url:
            pdf.ln(3)
            pdf.image(io.BytesIO(qr_png(product.traceability_url, scale=6)), w=35)
            pdf.set_font("Noto", "", 8)
            pdf.cell(0, 5, product.traceability_url, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
