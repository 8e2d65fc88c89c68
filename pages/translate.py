"""Translate: a text in, an engine and two languages, glossary hits shown, approve → memory."""

import streamlit as st

from pages.common import db, flash, require_workspace, show_error, show_flash, tr
from studio.errors import StudioError
from studio.translate import (
    LANGUAGES,
    PUBLIC_ENGINES,
    EngineOptions,
    approve,
    translate_texts,
)
from studio.translate.engines import load_settings

RESULT = "translate.result"

st.title(tr("translate.title"))
st.caption(tr("translate.intro"))
show_flash()
with db() as session:
    require_workspace(session)
try:
    settings = load_settings()
except StudioError as exc:
    show_error(exc)
    st.stop()

left, mid, right = st.columns(3)
source = left.selectbox(tr("translate.from"), list(LANGUAGES), key="translate.from",
                        format_func=lambda c: f"{c} · {LANGUAGES[c]}")
target = mid.selectbox(tr("translate.to"), list(LANGUAGES), index=1, key="translate.to",
                       format_func=lambda c: f"{c} · {LANGUAGES[c]}")
default_engine = settings.engine if settings.engine in PUBLIC_ENGINES else "offline"
engine_names = {e: tr(f"translate.engine.{e}") for e in PUBLIC_ENGINES}
engine = right.selectbox(tr("translate.engine"), PUBLIC_ENGINES, key="translate.engine",
                         index=PUBLIC_ENGINES.index(default_engine),
                         format_func=engine_names.get)
libre_url = None
if engine == "libre":
    libre_url = st.text_input(tr("translate.libre_url"), settings.libre_url or "",
                              key="translate.libre_url", placeholder="http://127.0.0.1:5000")
text = st.text_area(tr("translate.text"), key="translate.text", height=180)

if st.button(tr("translate.run"), key="translate.run", type="primary"):
    try:
        with db() as session:
            ws = require_workspace(session)
            options = EngineOptions.from_settings(settings, libre_url=libre_url or None)
            with st.spinner(tr("translate.running")):
                result = translate_texts(session, ws, [text], source, target, engine, options)
        item = result.items[0]
        st.session_state[RESULT] = {"source": source, "target": target, "engine": engine,
                                    "item": item, "warnings": result.warnings}
        st.session_state["translate.output"] = item.text
    except StudioError as exc:
        show_error(exc)  # the text stays in the box above: nothing is lost

shown = st.session_state.get(RESULT)
if shown:
    item = shown["item"]
    for warning in shown["warnings"]:
        st.warning(warning)
    if item.untranslated:
        st.info(tr("translate.untranslated"))
    for problem in item.problems():
        st.warning(problem)
    st.caption(tr("translate.origin", origin=tr(f"translate.origin.{item.origin}")))
    edited = st.text_area(tr("translate.output"), key="translate.output", height=180)
    if item.glossary:
        st.subheader(tr("translate.glossary_hits"))
        st.dataframe([{tr("translate.col.source"): h.source, tr("translate.col.target"): h.target,
                       tr("translate.col.status"): tr(f"translate.hit.{h.status}")}
                      for h in item.glossary], hide_index=True, width="stretch",
                     key="translate.hits")
    if st.button(tr("translate.approve"), key="translate.approve"):
        try:
            with db() as session:
                ws = require_workspace(session)
                approve(session, ws, item.source_text, edited, shown["source"], shown["target"],
                        shown["engine"])
            flash(tr("translate.approved"))
            st.rerun()
        except StudioError as exc:
            show_error(exc)
