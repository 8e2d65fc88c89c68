"""Workshop (trainers): create a workshop, print join codes, follow the progress board."""

from datetime import date

import streamlit as st
from sqlalchemy import select

from pages.auth import current_user, require_action
from pages.common import db, lang, show_error, tr
from studio.accounts.models import Workshop
from studio.config import get_settings
from studio.db.models import Workspace
from studio.errors import StudioError
from studio.workshop.documents import handout_pdf, join_sheet_pdf
from studio.workshop.progress import EXERCISES, workshop_progress
from studio.workshop.service import create_workshop, lan_address, visible_workshops

st.title(tr("workshop.title"))
with db() as session:
    require_action(session, "workshop.create")
settings = get_settings()
base_url = settings.public_url or f"http://{lan_address()}:{settings.port}"
st.info(tr("workshop.lan_hint", url=base_url))

with st.form("workshop_create"):
    name = st.text_input(tr("workshop.name"), key="workshop_name")
    held_on = st.date_input(tr("workshop.date"), value=date.today(), key="workshop_date")
    seats = st.number_input(tr("workshop.seats"), 1, 60, 20, key="workshop_seats")
    names = st.text_area(tr("workshop.participants"), key="workshop_participants")
    if st.form_submit_button(tr("workshop.create")):
        try:
            with db() as session:
                people = [n for n in names.splitlines() if n.strip()] or None
                made = create_workshop(session, name, seats=None if people else int(seats),
                                       participants=people, trainer=current_user(session),
                                       held_on=held_on)
                st.success(tr("workshop.created", count=len(made.seats)))
        except StudioError as exc:
            show_error(exc)

with db() as session:
    me = current_user(session)
    workshops = (visible_workshops(session, me) if me is not None
                 else list(session.scalars(select(Workshop).order_by(Workshop.id.desc()))))
    if not workshops:
        st.caption(tr("common.none"))
        st.stop()
    labels = {w.id: f"{w.held_on} · {w.name}" for w in workshops}
    chosen = st.selectbox(tr("workshop.title"), list(labels), key="workshop_pick",
                          format_func=labels.get)
    workshop = session.get(Workshop, chosen)
    st.subheader(tr("workshop.board"))
    board = workshop_progress(session, workshop)
    table = [{tr("workshop.code"): r["code"], tr("workshop.participant"): r["participant"],
              **{tr(f"{ex.key}.title")[:2]: ("✅ " if r["steps"][ex.number]["done"] else "· ")
                 + r["steps"][ex.number]["detail"] for ex in EXERCISES},
              tr("workshop.done"): f"{r['done']}/5"} for r in board]
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button(tr("workshop.sheet"), join_sheet_pdf(workshop, base_url, lang()),
                       f"join-codes-{workshop.id}.pdf", "application/pdf", key="workshop_sheet")
    joined = [r for r in board if r["participant"]]
    if joined:
        who = st.selectbox(tr("workshop.participant"), [r["workspace"] for r in joined],
                           key="workshop_handout_who",
                           format_func=lambda s: next(r["participant"] for r in joined
                                                      if r["workspace"] == s))
        ws = session.scalar(select(Workspace).where(Workspace.slug == who))
        try:
            st.download_button(tr("workshop.handout"), handout_pdf(session, ws, lang()),
                               f"handout-{who}.pdf", "application/pdf", key="workshop_handout")
        except StudioError as exc:
            show_error(exc)
