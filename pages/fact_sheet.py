"""Fact sheet: everything a writer may use about one product, and what is still missing."""

import json
from datetime import date

import streamlit as st

from pages.common import db, lang, require_workspace, stars, tr
from studio.catalog.factsheet import allergen_labels, cert_expiry, completeness, facts, missing
from studio.catalog.labels import format_price, product_name
from studio.catalog.schema import OCOP_GROUPS
from studio.catalog.service import get_product, list_products

UI = lang()
st.title(tr("fact_sheet.title"))

with db() as session:
    ws = require_workspace(session)
    names = {p.slug: product_name(p, UI) for p in list_products(session, ws)}
    if not names:
        st.info(tr("common.none"))
        st.stop()
    slug = st.selectbox(tr("fact_sheet.product"), list(names), key="fact_sheet.product",
                        format_func=names.get)
    product = get_product(session, ws, slug)
    sheet, gaps = facts(product), missing(product)
    score, expiry = completeness(product), cert_expiry(product)
    allergens = allergen_labels(product, UI)
    n_photos = len(product.photos)

st.header(sheet["names"]["vi"])
st.progress(score, text=tr("fact_sheet.complete", pct=round(score * 100)))
if gaps:
    st.warning(tr("fact_sheet.missing_title", count=len(gaps)))
    st.markdown("\n".join(f"- {tr(key)}" for _, key in gaps))
else:
    st.success(tr("fact_sheet.nothing_missing"))

left, right = st.columns(2)
with left:
    st.subheader(tr("fact_sheet.identity"))
    ocop = sheet["ocop"]
    st.markdown("\n".join([
        f"**{tr('field.name_en')}:** {sheet['names']['en'] or '—'}",
        f"**{tr('field.name_fr')}:** {sheet['names']['fr'] or '—'}",
        f"**{tr('field.ocop_group')}:** {OCOP_GROUPS[ocop['group']][UI]}",
        f"**{tr('field.ocop_stars')}:** {stars(ocop['stars'])}",
        f"**{tr('field.ocop_level')}:** {tr('products.level.' + (ocop['level'] or 'none'))}",
        f"**{tr('field.category')}:** {sheet['category'] or '—'}",
        f"**{tr('field.origin')}:** {sheet['origin'] or '—'}",
    ]).replace("\n", "  \n"))
    if expiry is None:
        st.info(tr("fact_sheet.no_cert"))
    else:
        days = (expiry - date.today()).days
        text = tr("fact_sheet.cert", issued=ocop["cert_date"], expiry=expiry.isoformat())
        if days < 0:
            st.error(text + " " + tr("fact_sheet.cert_expired", days=-days))
        elif days <= 180:
            st.warning(text + " " + tr("fact_sheet.cert_soon", days=days))
        else:
            st.success(text + " " + tr("fact_sheet.cert_valid", days=days))
    st.subheader(tr("fact_sheet.producer"))
    producer = sheet["producer"]
    place = ", ".join(p for p in (producer["commune"], producer["district"],
                                  producer["province"]) if p)
    st.markdown(f"**{producer['name']}** ({tr('producer.kind.' + producer['kind'])}) — "
                f"{place or '—'}")
    if producer["brand_voice"]:
        st.caption(tr("field.brand_voice") + ": " + producer["brand_voice"])
with right:
    st.subheader(tr("fact_sheet.selling"))
    st.markdown("\n".join([
        f"**{tr('field.price_vnd')}:** {format_price(sheet['price_vnd'], UI) or '—'}"
        + (f" / {sheet['unit']}" if sheet["unit"] else ""),
        f"**{tr('field.net_quantity')}:** {sheet['net_quantity'] or '—'}",
        f"**{tr('field.shelf_life')}:** {sheet['shelf_life'] or '—'}",
        f"**{tr('field.storage')}:** {sheet['storage'] or '—'}",
        f"**{tr('field.usage')}:** {sheet['usage'] or '—'}",
        f"**{tr('field.certifications')}:** {', '.join(sheet['certifications']) or '—'}",
        f"**{tr('field.traceability_code')}:** {sheet['traceability']['code'] or '—'}",
        f"**{tr('field.traceability_url')}:** {sheet['traceability']['url'] or '—'}",
        f"**{tr('fact_sheet.photos')}:** {n_photos}",
    ]).replace("\n", "  \n"))
    st.subheader(tr("field.allergens"))
    if allergens:
        st.markdown(", ".join(f"**{a}**" for a in allergens))
    elif sheet["is_food"]:
        st.warning(tr("fact_sheet.allergens_unknown"))
    else:
        st.caption(tr("fact_sheet.not_food"))

st.subheader(tr("field.ingredients"))
st.write(sheet["ingredients"] or "—")
st.subheader(tr("field.process_steps"))
if sheet["process_steps"]:
    st.markdown("\n".join(f"{i}. {step}" for i, step in enumerate(sheet["process_steps"], 1)))
else:
    st.write("—")
st.subheader(tr("fact_sheet.story"))
for part in ("maker", "process", "place", "community"):
    st.markdown(f"**{tr('field.story_' + part)}:** {sheet['story'][part] or '—'}")

with st.expander(tr("fact_sheet.raw")):
    st.json(sheet)
st.download_button(tr("fact_sheet.download_json"), key="fact_sheet.download_json",
                   data=json.dumps(sheet, ensure_ascii=False, indent=2).encode("utf-8"),
                   file_name=f"{slug}.json", mime="application/json")
