"""Products: search, create, edit every fact, delete (with confirmation), photos."""

from datetime import date

import streamlit as st

from pages.common import (
    confirm_delete,
    db,
    flash,
    lang,
    queue_select,
    require_workspace,
    select_next,
    show_error,
    show_flash,
    stars,
    tr,
    tr_map,
)
from studio.assets import asset_path, link_photo, move_photo, store_image, unlink_photo
from studio.catalog.labels import format_price, product_name
from studio.catalog.schema import (
    ALLERGENS,
    KNOWN_CERTIFICATIONS,
    OCOP_GROUPS,
    OCOP_LEVELS,
    PRODUCT_FIELDS,
)
from studio.catalog.service import (
    delete_product,
    get_product,
    list_producers,
    list_products,
    save_product,
)
from studio.db.models import Producer
from studio.errors import StudioError

NEW = "__new__"


def photo_action(action) -> None:
    """Run ``action(session, ws)``; flash the message key it returns, or show the error."""
    try:
        with db() as session:
            message = action(session, require_workspace(session))
    except StudioError as exc:
        show_error(exc)
    else:
        if message:
            flash(tr(message))
        st.rerun()


UI = lang()
TEXT = ("name_vi", "name_en", "name_fr", "slug", "category", "origin", "traceability_code",
        "traceability_url", "price_vnd", "unit", "net_quantity", "shelf_life", "aliases")
AREAS = ("ingredients", "process_steps", "storage", "usage", "story_maker", "story_process",
         "story_place", "story_community")
STARS = {0: tr("products.not_rated"), **{n: stars(n) for n in range(1, 6)}}
LEVELS = {"": tr("products.level.none"), **tr_map("products.level.", OCOP_LEVELS)}
TABS = {
    "products.tab.main": ("name_vi", "name_en", "name_fr", "slug", "producer", "ocop_group",
                          "ocop_stars", "ocop_cert_date", "ocop_level", "category"),
    "products.tab.facts": ("origin", "ingredients", "process_steps", "certifications",
                           "allergens", "price_vnd", "unit", "net_quantity", "shelf_life",
                           "storage", "usage", "traceability_code", "traceability_url",
                           "aliases"),
    "products.tab.story": ("story_maker", "story_process", "story_place", "story_community"),
}


def defaults(product) -> dict:
    """Form values of ``product`` (lists one item per line; aliases joined by ';')."""
    if product is None:
        return {}
    values = {name: getattr(product, name) for name in PRODUCT_FIELDS}
    values["process_steps"] = "\n".join(product.process_steps)
    values["aliases"] = "; ".join(product.aliases)
    values["price_vnd"] = "" if product.price_vnd is None else str(product.price_vnd)
    values["producer"] = product.producer_id
    return values


def field(name: str, value, producers: dict, prefix: str):
    """One form widget for product field ``name``; returns its raw value."""
    key, label = f"{prefix}.{name}", tr(f"field.{name}")
    if name == "producer":
        ids = list(producers)
        return st.selectbox(label, ids, key=key, index=ids.index(value) if value in ids else 0,
                            format_func=lambda i: producers[i])
    if name == "ocop_group":
        codes = list(OCOP_GROUPS)
        return st.selectbox(label, codes, key=key, index=codes.index(value) if value else 0,
                            format_func=lambda c: OCOP_GROUPS[c][UI])
    if name == "ocop_stars":
        return st.selectbox(label, [0, 1, 2, 3, 4, 5], key=key, index=value or 0,
                            format_func=STARS.get)
    if name == "ocop_cert_date":
        return st.date_input(label, value or None, key=key, min_value=date(2018, 1, 1),
                             max_value=date.today(), format="DD/MM/YYYY")
    if name == "ocop_level":
        levels = list(LEVELS)
        return st.selectbox(label, levels, key=key, index=levels.index(value or ""),
                            format_func=LEVELS.get)
    if name == "certifications":
        options = list(dict.fromkeys([*KNOWN_CERTIFICATIONS, *(value or [])]))
        return st.multiselect(label, options, default=value or [], key=key,
                              accept_new_options=True)
    if name == "allergens":
        return st.multiselect(label, list(ALLERGENS), default=value or [], key=key,
                              format_func=lambda c: ALLERGENS[c][UI], help=tr("column.allergens"))
    if name in AREAS:
        return st.text_area(label, value or "", key=key, help=tr(f"column.{name}"))
    return st.text_input(label, value or "", key=key, help=tr(f"column.{name}"))


st.title(tr("products.title"))
show_flash()

query = st.text_input(tr("common.search"), key="products.search",
                      placeholder=tr("products.search_hint"))
with db() as session:
    ws = require_workspace(session)
    producers = {p.id: p.name for p in list_producers(session, ws)}
    found = list_products(session, ws, query)
    rows = [{tr("field.slug"): p.slug, tr("field.name_vi"): p.name_vi,
             tr("field.producer"): p.producer.name,
             tr("field.ocop_group"): OCOP_GROUPS[p.ocop_group][UI],
             tr("field.ocop_stars"): stars(p.ocop_stars),
             tr("field.price_vnd"): format_price(p.price_vnd, UI)} for p in found]
    slugs = {p.slug: product_name(p, UI) for p in list_products(session, ws)}

if rows:
    st.dataframe(rows, hide_index=True, width="stretch")
else:
    st.info(tr("products.no_match") if query else tr("common.none"))
if not producers:
    st.warning(tr("products.need_producer"))
    st.stop()

select_next("products.select")
choices = {NEW: tr("products.new"), **slugs}
choice = st.selectbox(tr("products.select"), list(choices), key="products.select",
                      format_func=choices.get)
with db() as session:
    current = None if choice == NEW else get_product(session, require_workspace(session), choice)
    values = defaults(current)
    photos = [(a.id, asset_path(a), a.original_name) for a in current.photos] if current else []
prefix = f"products.{current.id if current else NEW}"

with st.form(f"{prefix}.form"):
    st.subheader(tr("products.new") if current is None else current.name_vi)
    raw = {}
    for tab, names in zip(st.tabs([tr(k) for k in TABS]), TABS.values(), strict=True):
        with tab:
            for name in names:
                raw[name] = field(name, values.get(name), producers, prefix)
    submitted = st.form_submit_button(tr("common.save"), type="primary", key=f"{prefix}.save")

if submitted:
    raw["ocop_stars"] = raw["ocop_stars"] or None
    producer_id = raw.pop("producer")
    try:
        with db() as session:
            ws = require_workspace(session)
            target = None if current is None else get_product(session, ws, current.slug)
            saved = save_product(session, ws, session.get(Producer, producer_id), raw, target)
            saved_slug = saved.slug
    except StudioError as exc:
        show_error(exc)
    else:
        flash(tr("common.saved"))
        if current is None:
            for name in PRODUCT_FIELDS + ("producer",):
                st.session_state.pop(f"products.{NEW}.{name}", None)
        queue_select("products.select", saved_slug)
        st.rerun()

if current is not None:
    st.subheader(tr("products.photos"))
    upload = st.file_uploader(tr("products.photo_upload"), key=f"{prefix}.photo",
                              type=["jpg", "jpeg", "png", "webp", "gif"],
                              help=tr("products.photo_help"))
    if st.button(tr("products.photo_add"), key="products.photo_add", disabled=upload is None):
        def add(session, ws) -> str:
            asset = store_image(session, ws, upload.getvalue(), upload.name)
            added = link_photo(session, ws, current.id, asset)
            return "products.photo_added" if added else "products.photo_already"

        photo_action(add)
    if photos:
        cols = st.columns(4)
        for i, (asset_id, path, name) in enumerate(photos):
            with cols[i % 4]:
                st.image(str(path), caption=tr("products.photo_cover") if i == 0 else name,
                         width="stretch")
                left, right, drop = st.columns(3)
                if left.button("◀", key=f"{prefix}.photo_up.{asset_id}", disabled=i == 0,
                               help=tr("products.photo_earlier")):
                    photo_action(lambda s, w, a=asset_id: move_photo(s, w, current.id, a, -1))
                if right.button("▶", key=f"{prefix}.photo_down.{asset_id}",
                                disabled=i == len(photos) - 1, help=tr("products.photo_later")):
                    photo_action(lambda s, w, a=asset_id: move_photo(s, w, current.id, a, 1))
                if drop.button("✕", key=f"{prefix}.photo_remove.{asset_id}",
                               help=tr("products.photo_remove")):
                    photo_action(lambda s, w, a=asset_id: unlink_photo(s, w, current.id, a)
                                 or "products.photo_removed")
    else:
        st.caption(tr("products.no_photos"))

    st.divider()
    if st.button(tr("common.delete"), key="products.delete"):
        st.session_state["products.confirm"] = current.slug
    if confirm_delete("products.confirm", current.slug, current.name_vi):
        try:
            with db() as session:
                delete_product(session, require_workspace(session), current.slug)
        except StudioError as exc:
            show_error(exc)
        else:
            flash(tr("common.deleted"))
            queue_select("products.select", NEW)
            st.rerun()
