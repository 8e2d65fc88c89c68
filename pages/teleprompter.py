"""Teleprompter: a live script in large text, scrolling, with the current segment's timer."""

import time

import streamlit as st
import streamlit.components.v1 as components

from pages.common import db, lang, require_workspace, show_error, tr
from studio.catalog.labels import product_name
from studio.catalog.service import list_products
from studio.errors import StudioError
from studio.writing import generate
from studio.writing.script import clock
from studio.writing.teleprompter import Teleprompter, record_rehearsal, teleprompter_html

UI = lang()
st.title(tr("writing.teleprompter.title"))

with db() as session:
    ws = require_workspace(session)
    products = {p.slug: product_name(p, UI) for p in list_products(session, ws)}
if not products:
    st.info(tr("common.none"))
    st.stop()

result = st.session_state.get("writer.result")
source = [tr("writing.teleprompter.new")]
if result and result["kind"] == "script":
    source.insert(0, tr("writing.teleprompter.from_writer"))
choice = st.radio(tr("writing.teleprompter.source"), source, key="teleprompter.source",
                  horizontal=True)
c1, c2, c3 = st.columns(3)
script_lang = c3.radio(tr("writing.langs"), ["vi", "en", "fr"], key="teleprompter.lang",
                       horizontal=True)
script = None
if choice == tr("writing.teleprompter.new"):
    slugs = c1.multiselect(tr("writing.product"), list(products), default=list(products)[:1],
                           key="teleprompter.products", format_func=products.get)
    minutes = int(c2.number_input(tr("writing.minutes"), 1, 240, 30,
                                  key="teleprompter.minutes"))
    if st.button(tr("writing.generate"), key="teleprompter.generate", disabled=not slugs):
        try:
            with db() as session:
                ws = require_workspace(session)
                made = generate(session, ws, slugs, "script", [script_lang], minutes=minutes)
            st.session_state["teleprompter.script"] = made.texts[script_lang]
        except StudioError as exc:
            show_error(exc)
    script = st.session_state.get("teleprompter.script")
else:
    script = result["texts"].get(script_lang) or next(iter(result["texts"].values()))

if script:
    s1, s2, s3 = st.columns(3)
    font = s1.slider(tr("writing.teleprompter.font"), 24, 96, 44, key="teleprompter.font")
    speed = s2.slider(tr("writing.teleprompter.speed"), 0, 200, 30, key="teleprompter.speed")
    elapsed = s3.number_input(tr("writing.teleprompter.elapsed"), 0, 240 * 60, 0,
                              key="teleprompter.elapsed")
    prompter = Teleprompter.from_script(script)
    pos = prompter.at(elapsed)
    st.info(tr("writing.teleprompter.now", title=pos.segment.title,
                left=clock(pos.remaining_s), total=clock(prompter.total_s)))
    components.html(teleprompter_html(script, font_px=font, speed_px_s=speed), height=600)
    # A timed rehearsal is recorded for the workshop's exercise 3 (real data, not a checkbox).
    started = st.session_state.get("teleprompter.rehearsal_started")
    r1, r2 = st.columns(2)
    if started is None and r1.button(tr("writing.teleprompter.rehearse"), key="teleprompter.start"):
        st.session_state["teleprompter.rehearsal_started"] = time.time()
        st.rerun()
    if started is not None:
        r1.caption(tr("writing.teleprompter.rehearsing", m=int((time.time() - started) // 60)))
        if r2.button(tr("writing.teleprompter.rehearse_stop"), key="teleprompter.stop"):
            seconds = time.time() - st.session_state.pop("teleprompter.rehearsal_started")
            with db() as session:
                ws = require_workspace(session)
                record_rehearsal(ws, seconds, int(script.get("minutes") or 0) or 1, script_lang)
            st.success(tr("writing.teleprompter.rehearsed", m=int(seconds // 60)))
