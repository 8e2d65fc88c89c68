"""QR codes and labels: a QR per product (PNG, SVG) and a printable PDF label sheet."""

import streamlit as st

from pages.common import db, lang, require_workspace, show_error, tr
from studio.catalog.labels import label_lines, label_sheet_pdf, product_name, qr_png, qr_svg
from studio.catalog.service import list_products
from studio.errors import StudioError

UI = lang()
st.title(tr("labels.title"))
st.caption(tr("labels.intro"))

with db() as session:
    products = {p.slug: p for p in list_products(session, require_workspace(session))}
    for p in products.values():
        _ = p.producer.name  # loaded now: the labels read it after the session closes
if not products:
    st.info(tr("common.none"))
    st.stop()
names = {slug: product_name(p, UI) for slug, p in products.items()}

st.subheader(tr("labels.qr"))
slug = st.selectbox(tr("labels.qr_product"), list(products), key="labels.qr_product",
                    format_func=names.get)
product = products[slug]
try:
    png, svg = qr_png(product.traceability_url), qr_svg(product.traceability_url)
except StudioError as exc:
    show_error(exc)
else:
    left, right = st.columns([1, 2])
    left.image(png, caption=product.traceability_url, width=220)
    right.download_button(tr("labels.download_png"), png, key="labels.download_png",
                          file_name=f"{slug}-qr.png", mime="image/png")
    right.download_button(tr("labels.download_svg"), svg, key="labels.download_svg",
                          file_name=f"{slug}-qr.svg", mime="image/svg+xml")

st.subheader(tr("labels.sheet"))
with_url = [s for s, p in products.items() if p.traceability_url]
chosen = st.multiselect(tr("labels.sheet_products"), list(products), default=with_url,
                        key="labels.sheet_products", format_func=names.get)
if chosen:
    st.dataframe([{tr(f"labels.col.{k}"): v for k, v in label_lines(products[s], UI).items()}
                  for s in chosen], hide_index=True, width="stretch")
if st.button(tr("labels.make_pdf"), key="labels.make_pdf", type="primary"):
    try:
        pdf = label_sheet_pdf([products[s] for s in chosen], UI)
    except StudioError as exc:
        show_error(exc)
    else:
        st.session_state["labels.pdf"] = (tuple(chosen), UI, pdf)
made = st.session_state.get("labels.pdf")
if made and made[0] == tuple(chosen) and made[1] == UI:
    st.download_button(tr("labels.download_pdf"), made[2], key="labels.download_pdf",
                       file_name="ocop-labels.pdf", mime="application/pdf")
