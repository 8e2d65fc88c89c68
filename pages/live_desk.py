"""Live desk: the script beside the comment feed, orders as they come, questions, totals."""

from datetime import UTC, datetime

import streamlit as st
import streamlit.components.v1 as components

from pages.common import db, require_workspace, show_error, tr
from studio.catalog.service import list_products
from studio.errors import StudioError
from studio.live import service
from studio.live.models import ORDER_STATUSES
from studio.live.parser import redact_phones
from studio.live.sources import decode_text, page_token, read_comments, read_pasted
from studio.writing import generate
from studio.writing.script import script_text
from studio.writing.teleprompter import teleprompter_html

st.title(tr("live.desk.title"))
# st.rerun() inside the db() block would roll the change back: rerun after it commits.
RERUN: list[bool] = []
AUTO: list[tuple[int, str]] = []  # polled after the page's own session has committed


def _create_form(session, ws) -> None:
    products = {p.slug: p for p in list_products(session, ws)}
    with st.expander(tr("live.new"), expanded=False):
        title = st.text_input(tr("live.new.title"), key="live.new.title")
        chosen = st.multiselect(tr("live.new.products"), list(products), key="live.new.products",
                                format_func=lambda s: products[s].name_vi)
        rows = [{"slug": s, "keywords": "; ".join([s, products[s].name_vi, *products[s].aliases]),
                 "price_vnd": products[s].price_vnd, "stock": None} for s in chosen]
        edited = st.data_editor(rows, key="live.new.table", hide_index=True,
                                disabled=["slug"], width="stretch")
        st.caption(tr("live.new.help"))
        script = st.text_area(tr("live.new.script"), key="live.new.script", height=120)
        if st.button(tr("live.new.create"), key="live.new.create", type="primary"):
            try:
                spec = service.spec_rows(edited)  # "mười" or "-3" in a cell: a clear problem
                live = service.create_live(session, ws, title, spec, script)
                st.session_state["live.selected"] = live.id
                RERUN.append(True)
            except StudioError as exc:
                show_error(exc)


def _sources(session, live) -> None:
    paste, upload, facebook = st.tabs([tr("live.src.paste"), tr("live.src.file"),
                                       tr("live.src.facebook")])
    with paste:
        text = st.text_area(tr("live.src.paste_help"), key="live.src.paste_text", height=100)
        if st.button(tr("live.src.add"), key="live.src.paste_add"):
            _ingest(session, live, lambda: read_pasted(text, datetime.now(UTC)), "paste")
    with upload:
        file = st.file_uploader(tr("live.src.file_help"), type=["csv", "json", "jsonl"],
                                key="live.src.file")
        if file is not None and st.button(tr("live.src.add"), key="live.src.file_add"):
            _ingest(session, live, lambda: read_comments(file.getvalue(), file.name), "file")
    with facebook:
        video = st.text_input(tr("live.src.video_id"), value=live.fb_video_id,
                              key="live.src.video_id")
        token = page_token() or st.text_input(tr("live.src.token"), type="password",
                                              key="live.src.token")
        st.caption(tr("live.src.token_help"))
        live.fb_video_id = video.strip()
        if st.button(tr("live.src.poll"), key="live.src.poll"):
            try:
                added = service.poll_facebook(session, live, token)
                st.success(tr("live.src.added", count=added))
            except StudioError as exc:
                show_error(exc)
        if st.toggle(tr("live.src.auto"), key="live.src.auto") and token and live.fb_video_id:
            AUTO.append((live.id, token))


@st.fragment(run_every=15)
def _auto_poll(live_id: int, token: str) -> None:
    """Fetch new Facebook comments every 15 s; the whole page reruns when some arrived."""
    try:
        with db() as session:
            live = service.get_live(session, require_workspace(session), live_id)
            added = service.poll_facebook(session, live, token)
    except StudioError as exc:
        show_error(exc)
        return
    st.caption(tr("live.src.auto_last", time=datetime.now(UTC).strftime("%H:%M:%S UTC"),
                  count=added))
    if added:
        st.rerun(scope="app")


def _ingest(session, live, read, source: str) -> None:
    try:
        comments = read()
        current = live.current_slug or None
        comments = [c.__class__(c.at, c.user, c.text, c.id, current) for c in comments]
        added = service.ingest(session, live, comments, source)
        st.success(tr("live.src.added", count=added))
    except StudioError as exc:
        show_error(exc)


def _orders(session, live) -> None:
    st.subheader(tr("live.orders"))
    rows = service.order_rows(live, masked=True)
    if not rows:
        st.caption(tr("live.orders.none"))
        return
    st.dataframe(rows, key="live.orders.table", hide_index=True, width="stretch")
    c1, c2, c3 = st.columns([2, 2, 1])
    order_id = c1.selectbox(tr("live.orders.pick"), [r["id"] for r in rows],
                            key="live.orders.pick",
                            format_func=lambda i: next(f"#{r['id']} {r['user']}" for r in rows
                                                       if r["id"] == i))
    labels = {s: tr(f"live.status.{s}") for s in ORDER_STATUSES}
    status = c2.selectbox(tr("live.orders.status"), ORDER_STATUSES, key="live.orders.status",
                          format_func=labels.get)
    if c3.button(tr("live.orders.apply"), key="live.orders.apply"):
        try:
            service.set_status(session, live, order_id, status)
            RERUN.append(True)
        except StudioError as exc:
            show_error(exc)
    st.download_button(tr("live.export"), service.export_csv(live),
                       file_name=f"live-{live.id}-orders.csv", mime="text/csv",
                       key="live.export")


def _questions(session, live) -> None:
    st.subheader(tr("live.questions"))
    open_q = [q for q in live.questions if not q.answered]
    if not open_q:
        st.caption(tr("live.questions.none"))
    for q in open_q[-20:]:
        if st.checkbox(f"**{q.user}**: {redact_phones(q.text)}", key=f"live.q.{q.id}"):
            service.answer_question(session, live, q.id)
            RERUN.append(True)


with db() as session:
    ws = require_workspace(session)
    _create_form(session, ws)
    lives = service.list_lives(session, ws)
    if not lives:
        st.info(tr("live.none"))
        st.stop()
    ids = [lv.id for lv in lives]
    titles = {lv.id: lv.title for lv in lives}
    if st.session_state.get("live.selected") not in ids:
        st.session_state["live.selected"] = ids[0]
    live_id = st.selectbox(tr("live.pick"), ids, key="live.selected",
                           format_func=lambda i: f"#{i} {titles[i]}")
    live = service.get_live(session, ws, live_id)
    slugs = [""] + [p.slug for p in live.products]
    names = {"": tr("live.current.none")} | {p.slug: p.name for p in live.products}
    current = st.selectbox(tr("live.current"), slugs, index=slugs.index(live.current_slug or ""),
                           key=f"live.current.{live.id}",
                           format_func=names.get)
    if current != (live.current_slug or ""):
        service.set_current(session, live, current)
    when = (live.started_at.strftime("%d/%m %H:%M UTC") if live.started_at else "—",
            live.ended_at.strftime("%d/%m %H:%M UTC") if live.ended_at else "—")
    st.caption(tr("live.times", started=when[0], ended=when[1]))
    if live.ended_at is None and st.button(tr("live.end"), key="live.end"):
        service.end_live(session, live)
        RERUN.append(True)

    left, right = st.columns([1, 1])
    with left:
        st.subheader(tr("live.script"))
        st.caption(tr("live.script.note"))
        version = st.session_state.get("live.script.version", 0)
        catalog = [p.slug for p in live.products if p.product_id]
        minutes = st.number_input(tr("live.script.minutes"), 5, 240, 60,
                                  key=f"live.script.minutes.{live.id}")
        if catalog and st.button(tr("live.script.write"), key="live.script.write"):
            try:
                made = generate(session, ws, catalog, "script", ["vi"], minutes=int(minutes))
                written = made.texts["vi"]  # the live audience is Vietnamese
                service.set_script(session, live, script_text(written))
                st.session_state[f"live.script.dict.{live.id}"] = written
                st.session_state["live.script.version"] = version + 1
                RERUN.append(True)
            except StudioError as exc:
                show_error(exc)
        version = st.session_state.get("live.script.version", 0)  # a new box for a new script
        prompter = st.session_state.get(f"live.script.dict.{live.id}")
        if prompter:
            components.html(teleprompter_html(prompter, font_px=30, speed_px_s=25), height=380)
        script = st.text_area(tr("live.script.edit"), value=live.script_text, height=360,
                              key=f"live.script.{live.id}.{version}")
        if script != live.script_text:
            service.set_script(session, live, script)
        upload = st.file_uploader(tr("live.script.upload"), type=["txt", "md"],
                                  key=f"live.script.file.{live.id}")
        if upload is not None and st.button(tr("live.script.load"), key="live.script.load"):
            try:
                service.set_script(session, live, decode_text(upload.getvalue()))
                st.session_state["live.script.version"] = version + 1
                RERUN.append(True)
            except StudioError as exc:
                show_error(exc)
    with right:
        st.subheader(tr("live.feed"))
        _sources(session, live)
        feed = [{"at": c.at.strftime("%H:%M:%S"), "user": c.user, "comment": redact_phones(c.text),
                 "intent": tr(f"live.intent.{c.intent}")} for c in live.comments[-40:]][::-1]
        st.dataframe(feed, key="live.feed.table", hide_index=True, width="stretch")

    st.subheader(tr("live.totals"))
    st.dataframe(service.totals(live), key="live.totals.table", hide_index=True,
                 width="stretch")
    _orders(session, live)
    _questions(session, live)

if RERUN:
    st.rerun()
for auto_live, auto_token in AUTO:
    _auto_poll(auto_live, auto_token)
