"""Who is using the studio in this browser session (helpers for the router and pages)."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from studio.accounts.auth import session_expired, visible_workspaces
from studio.accounts.models import User
from studio.config import get_settings


def current_user(session) -> User | None:
    """The logged-in user; None when nobody is, or the session went idle too long."""
    user_id = st.session_state.get("user_id")
    if user_id is None:
        return None
    last = st.session_state.get("last_seen")
    now = datetime.now(UTC)
    if last is not None and session_expired(last, now):
        logout()
        st.session_state["expired"] = True
        return None
    user = session.get(User, user_id)
    if user is None or not user.active:
        logout()
        return None
    st.session_state["last_seen"] = now
    return user


def login(user: User) -> None:
    st.session_state["user_id"] = user.id
    st.session_state["last_seen"] = datetime.now(UTC)
    st.session_state.pop("expired", None)


def logout() -> None:
    for key in ("user_id", "last_seen", "workspace"):
        st.session_state.pop(key, None)


def allowed_workspaces(session) -> list:
    """Workspaces this browser session may show: the user's, or none when logged out."""
    user = current_user(session)
    if user is not None:
        return visible_workspaces(session, user)
    if get_settings().single_user_active and "user_id" not in st.session_state:
        # Pages opened outside the router (tests, scripts) on a local single-user studio.
        from studio.catalog.service import list_workspaces

        return list_workspaces(session)
    return []
