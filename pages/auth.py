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
    """Forget everything of this browser session but the language: the next person on a shared
    laptop must not find the last one's typed tokens, forms or selections."""
    for key in list(st.session_state.keys()):
        if key != "lang":
            del st.session_state[key]


def single_user_here() -> bool:
    """Single-user mode (one click, no password) only for a browser on this machine.

    STUDIO_HOST alone is not enough: a plain ``streamlit run app.py`` listens on every interface
    whatever STUDIO_HOST says, and the workshop's Wi-Fi would get a one-click admin.
    """
    if not get_settings().single_user_active:
        return False
    address = st.get_option("server.address")
    if address is not None and address not in ("127.0.0.1", "localhost", "::1"):
        return False
    # A browser elsewhere has its address here; None is localhost (AppTest gives a stand-in).
    return not isinstance(st.context.ip_address, str)


def allowed_workspaces(session) -> list:
    """Workspaces this browser session may show: the user's, or none when logged out."""
    user = current_user(session)
    if user is not None:
        return visible_workspaces(session, user)
    if single_user_here() and "user_id" not in st.session_state:
        # Pages opened outside the router (tests, scripts) on a local single-user studio.
        from studio.catalog.service import list_workspaces

        return list_workspaces(session)
    return []


def require_action(session, action: str) -> User | None:
    """Stop the page unless the user's role allows ``action`` (the router hides it too).

    Returns the user; None for the local single-user studio opened outside the router.
    """
    from studio.accounts.permissions import can

    user = current_user(session)
    if user is None and single_user_here() and "user_id" not in st.session_state:
        return None
    if user is None or not can(user.role, action):
        from pages.common import tr

        st.warning(tr("accounts.denied", role=user.role if user else "-", action=action))
        st.stop()
    return user
