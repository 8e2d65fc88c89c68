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
        names = {"row": tr("errors.table.row"), "column": tr("errors.table.column"),
                 "reason": tr("errors.table.reason")}
        rows = [{names[k]: v for k, v in row.items()} for row in exc.table(lang())]
        st.dataframe(rows, hide_index=True, width="stretch")


# -- small helpers shared by the catalog pages ------------------------------------------------
def stars(count: int | None) -> str:
    """'★★★★☆' for 4 stars; '—' when the product is not rated."""
    return "★" * count + "☆" * (5 - count) if count else "—"


def flash(message: str) -> None:
    """Keep a success message across the rerun that follows a change."""
    st.session_state["_flash"] = message


def show_flash() -> None:
    message = st.session_state.pop("_flash", None)
    if message:
        st.success(message)


def confirm_delete(state_key: str, target: object, name: str) -> bool:
    """The second step of a delete: True once the user confirmed deleting ``target``.

    The page's delete button stores ``target`` under ``state_key``; this shows the question with
    "Yes, delete" and "Cancel" until one is pressed.
    """
    if target is None or st.session_state.get(state_key) != target:
        return False
    st.warning(tr("common.confirm_delete", name=name))
    yes, no = st.columns(2)
    if yes.button(tr("common.yes_delete"), key=f"{state_key}.yes", type="primary"):
        st.session_state.pop(state_key, None)
        return True
    if no.button(tr("common.cancel"), key=f"{state_key}.no"):
        st.session_state.pop(state_key, None)
        st.rerun()
    return False


def select_next(key: str) -> None:
    """Apply a selection queued by :func:`queue_select` (before the widget is created)."""
    pending = f"{key}.__next"
    if pending in st.session_state:
        st.session_state[key] = st.session_state.pop(pending)


def queue_select(key: str, value: object) -> None:
    """Choose ``value`` in the selectbox ``key`` on the next run."""
    st.session_state[f"{key}.__next"] = value


def tr_map(prefix: str, codes) -> dict:
    """``{code: tr(prefix + code)}``, translated now.

    Use ``format_func=tr_map(...).get`` rather than a lambda calling ``tr``: Streamlit may call a
    format function outside the script run (AppTest does), where the UI language is unknown.
    """
    return {code: tr(f"{prefix}{code}") for code in codes}
