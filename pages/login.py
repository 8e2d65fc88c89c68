"""Login (and the one-click entry of a single-user studio)."""

import streamlit as st
from sqlalchemy import select

from pages.auth import login, single_user_here
from pages.common import db, show_error, tr
from studio.accounts.auth import authenticate
from studio.accounts.models import User
from studio.errors import StudioError

st.title(tr("accounts.login_title"))
if st.session_state.get("expired"):
    st.info(tr("accounts.session_expired"))

if single_user_here():
    st.caption(tr("accounts.single_user_help"))
    if st.button(tr("accounts.single_user"), key="login_single", type="primary"):
        with db() as session:
            admin = session.scalar(select(User).where(User.role == "admin").order_by(User.id))
        if admin is not None:
            login(admin)
            st.rerun()

with st.form("login_form"):
    username = st.text_input(tr("accounts.username"), key="login_username")
    password = st.text_input(tr("accounts.password"), type="password", key="login_password")
    submitted = st.form_submit_button(tr("accounts.login"))
if submitted:
    failure = None
    with db() as session:  # a failed login is saved too (the lock-out counts it)
        try:
            user = authenticate(session, username, password)
        except StudioError as exc:
            failure = exc
    if failure is not None:
        show_error(failure)
    else:
        login(user)
        st.rerun()
