"""Channels: connect accounts (secrets stored encrypted, shown masked) and see their state."""

from __future__ import annotations

import streamlit as st

from pages.common import db, require_workspace, show_error, tr
from studio.errors import StudioError
from studio.publish.accounts import add_account, describe, list_accounts
from studio.publish.channels import KINDS, available_kinds

st.title(tr("publish.channels.title"))
with db() as session:
    ws = require_workspace(session)
    accounts = list_accounts(session, ws)
    if not accounts:
        st.info(tr("publish.no_accounts"))
    for account in accounts:
        data = describe(account)
        with st.container(border=True):
            st.markdown(f"**{data['name']}** · {data['kind']} · "
                        f"{tr('publish.account_status.' + data['status'])}")
            st.json({"options": data["options"], "credentials": data["credentials"]},
                    expanded=False)
            if data["last_error"]:
                st.warning(data["last_error"])
            if st.button(tr("publish.disconnect"), key=f"del_acc_{account.id}"):
                session.delete(account)
                session.commit()
                st.rerun()

st.subheader(tr("publish.connect"))
kinds = available_kinds()
with st.form("connect", clear_on_submit=True):
    kind = st.selectbox(tr("publish.kind"), kinds, key="conn_kind")
    name = st.text_input(tr("publish.account_name"), key="conn_name")
    raw = st.text_area(tr("publish.options"), key="conn_options",
                       help=tr("publish.options_help"))
    go = st.form_submit_button(tr("publish.connect"))
if go:
    options = {}
    for line in raw.splitlines():
        if line.strip():
            key, _, value = line.partition("=")
            options[key.strip()] = value.strip()
    try:
        with db() as session:
            add_account(session, require_workspace(session), kind, name, options)
        st.success(tr("publish.connected", name=name))
    except StudioError as exc:
        show_error(exc)
missing = [k for k in KINDS if k not in kinds]
if missing:
    st.caption(tr("publish.kinds_missing", kinds=", ".join(missing)))
