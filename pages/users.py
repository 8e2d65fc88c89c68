"""Users (admins): list, add with role and workspaces, reset a password."""

import streamlit as st
from sqlalchemy import select

from pages.auth import require_action
from pages.common import db, show_error, tr
from studio.accounts.auth import create_user, get_user, set_password, visible_workspaces
from studio.accounts.models import User
from studio.accounts.permissions import ROLES
from studio.catalog.service import get_workspace, list_workspaces
from studio.errors import StudioError

st.title(tr("accounts.users_title"))
with db() as session:
    require_action(session, "users.manage")
    rows = [{tr("accounts.username"): u.username, "": u.display_name,
             tr("accounts.role"): u.role,
             tr("accounts.workspaces"): ", ".join(w.slug for w in visible_workspaces(session, u))}
            for u in session.scalars(select(User).order_by(User.username))]
    slugs = [w.slug for w in list_workspaces(session)]
st.dataframe(rows, hide_index=True, width="stretch")

with st.form("user_add"):
    st.subheader(tr("accounts.new_user"))
    username = st.text_input(tr("accounts.username"), key="user_add_username")
    password = st.text_input(tr("accounts.password"), type="password", key="user_add_password")
    role = st.selectbox(tr("accounts.role"), ROLES, index=3, key="user_add_role")
    chosen = st.multiselect(tr("accounts.workspaces"), slugs, key="user_add_ws")
    if st.form_submit_button(tr("common.save")):
        try:
            with db() as session:
                spaces = [get_workspace(session, s) for s in chosen]
                create_user(session, username, password, role, workspaces=spaces)
            st.success(tr("accounts.created", username=username.strip().lower()))
        except StudioError as exc:
            show_error(exc)

with st.form("user_password"):
    st.subheader(tr("accounts.change_password"))
    who = st.selectbox(tr("accounts.username"), [r[tr("accounts.username")] for r in rows],
                       key="user_pw_who")
    new = st.text_input(tr("accounts.new_password"), type="password", key="user_pw_new")
    if st.form_submit_button(tr("common.save")) and who:
        try:
            with db() as session:
                set_password(session, get_user(session, who), new)
            st.success(tr("accounts.password_changed"))
        except StudioError as exc:
            show_error(exc)
