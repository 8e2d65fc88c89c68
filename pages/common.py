"""What every page shares: language, workspace, the cached engine, error display.

Heavy resources are built by plain ``studio`` functions and cached here, at the edge.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from studio.config import get_settings
from studio.db.models import Workspace
from studio.db.session import get_engine, session_scope
from studio.errors import StudioError, ValidationFailed
from studio.i18n import t


@st.cache_resource
def _engine(url: str):
    return get_engine(url)


def engine():
    return _engine(get_settings().db_url)


def lang() -> str:
    return st.session_state.get("lang") or get_settings().default_lang


def tr(key: str, **params: object) -> str:
    """Translate ``key`` into the current UI language."""
    return t(key, lang(), **params)


@contextmanager
def db() -> Iterator:
    """A database session for one action (commits on success)."""
    with session_scope(engine()) as session:
        yield session


def workspace(session) -> Workspace | None:
    """The sidebar's current workspace (the first one when none is chosen yet)."""
    from pages.auth import allowed_workspaces  # scoped to the logged-in user

    slug = st.session_state.get("workspace")
    spaces = allowed_workspaces(session)
    if not spaces:
        return None
    return next((w for w in spaces if w.slug == slug), spaces[0])


def require_workspace(session) -> Workspace:
    ws = workspace(session)
    if ws is None:
        st.warning(tr("common.no_workspace"))
        st.stop()
    return ws


def show_error(exc: StudioError) -> None:
    """Show a named error with its fix, and a table of problems for validation errors."""
    st.error(exc.localized(lang()))
    if isinstance(exc, ValidationFailed):
        st.dataframe(exc.table(lang()), hide_index=True, use_container_width=True)
