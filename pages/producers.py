"""Producers: list, search, create, edit and delete (with a confirmation step)."""

import streamlit as st

from pages.common import (
    confirm_delete,
    db,
    flash,
    queue_select,
    require_workspace,
    select_next,
    show_error,
    show_flash,
    tr,
    tr_map,
)
from studio.catalog.schema import PRODUCER_FIELDS, PRODUCER_KINDS
from studio.catalog.service import delete_producer, list_producers, save_producer
from studio.errors import StudioError
from studio.i18n import fold

NEW = "__new__"
TEXT_AREAS = ("brand_voice",)
KINDS = tr_map("producer.kind.", PRODUCER_KINDS)

st.title(tr("producers.title"))
show_flash()

with db() as session:
    ws = require_workspace(session)
    producers = {p.id: p for p in list_producers(session, ws)}
    counts = {p.id: len(p.products) for p in producers.values()}

query = st.text_input(tr("common.search"), key="producers.search",
                      placeholder=tr("producers.search_hint"))
shown = [p for p in producers.values()
         if fold(query) in fold(" ".join((p.name, p.commune, p.district, p.province)))]
if shown:
    st.dataframe([{tr("field.name"): p.name, tr("field.kind"): KINDS[p.kind],
                   tr("field.commune"): p.commune, tr("field.district"): p.district,
                   tr("field.province"): p.province, tr("producers.products"): counts[p.id]}
                  for p in shown], hide_index=True, width="stretch")
else:
    st.info(tr("common.none"))

select_next("producers.select")
choices = {NEW: tr("producers.new"), **{i: p.name for i, p in producers.items()}}
choice = st.selectbox(tr("producers.select"), list(choices), key="producers.select",
                      format_func=choices.get)
current = producers.get(choice)
prefix = f"producers.{choice}"

with st.form(f"{prefix}.form"):
    st.subheader(tr("producers.new") if current is None else current.name)
    raw = {}
    for name in PRODUCER_FIELDS:
        value = getattr(current, name) if current is not None else ""
        if name == "kind":
            raw[name] = st.selectbox(tr("field.kind"), PRODUCER_KINDS, key=f"{prefix}.kind",
                                     index=PRODUCER_KINDS.index(value) if value else 0,
                                     format_func=KINDS.get)
        elif name in TEXT_AREAS:
            raw[name] = st.text_area(tr(f"field.{name}"), value, key=f"{prefix}.{name}",
                                     help=tr(f"field.{name}.help"))
        else:
            raw[name] = st.text_input(tr(f"field.{name}"), value, key=f"{prefix}.{name}")
    submitted = st.form_submit_button(tr("common.save"), type="primary", key=f"{prefix}.save")

if submitted:
    try:
        with db() as session:
            ws = require_workspace(session)
            target = None if current is None else session.get(type(current), current.id)
            saved = save_producer(session, ws, raw, target)
            saved_id = saved.id
    except StudioError as exc:
        show_error(exc)
    else:
        flash(tr("common.saved"))
        for name in PRODUCER_FIELDS:  # an empty "new" form next time
            st.session_state.pop(f"producers.{NEW}.{name}", None)
        queue_select("producers.select", saved_id)
        st.rerun()

if current is not None:
    if st.button(tr("common.delete"), key="producers.delete"):
        st.session_state["producers.confirm"] = current.id
    if counts.get(current.id):
        st.caption(tr("producers.delete_cascade", count=counts[current.id]))
    if confirm_delete("producers.confirm", current.id, current.name):
        try:
            with db() as session:
                delete_producer(session, require_workspace(session), current.id)
        except StudioError as exc:
            show_error(exc)
        else:
            flash(tr("common.deleted"))
            queue_select("producers.select", NEW)
            st.rerun()
