"""Join a workshop with a code: pick a name, get a seeded workspace."""

import streamlit as st

from pages.auth import login
from pages.common import db, show_error, tr
from studio.errors import StudioError
from studio.workshop.service import join

st.title(tr("workshop.join_title"))
with st.form("join_form"):
    code = st.text_input(tr("workshop.join_code"), value=st.query_params.get("code", ""),
                         key="join_code")
    name = st.text_input(tr("workshop.your_name"), key="join_name")
    password = st.text_input(tr("accounts.password"), type="password", key="join_password")
    pack = st.radio(tr("workshop.pack"), ["demo", "empty"], key="join_pack",
                    format_func=lambda p: tr(f"workshop.pack.{p}"))
    submitted = st.form_submit_button(tr("workshop.join"))
if submitted:
    try:
        with db() as session:
            user, ws = join(session, code, name, password, pack)
            username, slug = user.username, ws.slug
        login(user)
        st.session_state["workspace"] = slug
        st.success(tr("workshop.joined", name=name, username=username))
        st.rerun()
    except StudioError as exc:
        show_error(exc)
