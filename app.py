"""OCOP Live Studio: the Streamlit router. Pages live in pages/; the engine in studio/."""

import streamlit as st

from pages.auth import allowed_workspaces, current_user, logout
from pages.common import db, tr
from studio.accounts.permissions import can

st.set_page_config(page_title="OCOP Live Studio", page_icon="🌾", layout="wide")

# (section key, page file, title key, icon). Every page of the studio is listed here.
PAGES = [
    ("nav.section.catalog", "pages/home.py", "nav.home", "🏠"),
    ("nav.section.catalog", "pages/producers.py", "nav.producers", "👩‍🌾"),
    ("nav.section.catalog", "pages/products.py", "nav.products", "📦"),
    ("nav.section.catalog", "pages/fact_sheet.py", "nav.fact_sheet", "📋"),
    ("nav.section.catalog", "pages/import_export.py", "nav.import_export", "🔃"),
    ("nav.section.catalog", "pages/labels.py", "nav.labels", "🔳"),
    ("nav.section.write", "pages/writer.py", "nav.writer", "✍️"),
    ("nav.section.write", "pages/teleprompter.py", "nav.write_teleprompter", "🎙️"),
    ("nav.section.write", "pages/prompts.py", "nav.write_prompts", "🧩"),
    ("nav.section.write", "pages/history.py", "nav.write_history", "🕘"),
    ("nav.section.live", "pages/live_desk.py", "nav.live_desk", "🛒"),
    ("nav.section.live", "pages/live_summary.py", "nav.live_summary", "📊"),
    ("nav.section.media", "pages/livestreams.py", "nav.livestreams", "🎬"),
    ("nav.section.publish", "pages/calendar.py", "nav.publish_calendar", "🗓️"),
    ("nav.section.publish", "pages/channels.py", "nav.publish_channels", "📡"),
    ("nav.section.publish", "pages/analytics.py", "nav.publish_analytics", "📈"),
    ("nav.section.translate", "pages/translate.py", "nav.translate", "🌐"),
    ("nav.section.translate", "pages/glossary.py", "nav.glossary", "📖"),
    ("nav.section.people", "pages/exercises.py", "nav.exercises", "🎓"),
    ("nav.section.people", "pages/workshop.py", "nav.workshop", "🧑‍🏫"),
    ("nav.section.people", "pages/users.py", "nav.users", "🔑"),
    ("nav.section.system", "pages/settings.py", "nav.settings", "⚙️"),
]
# Pages that need a permission beyond being logged in (see studio/accounts/permissions.py).
PAGE_ACTIONS = {"pages/users.py": "users.manage", "pages/workshop.py": "workshop.create",
                "pages/settings.py": "settings.view"}
# What someone who is not logged in may open.
PUBLIC_PAGES = [("pages/login.py", "nav.login", "🔐"), ("pages/join.py", "nav.join", "🎟️")]

with db() as session:
    user = current_user(session)
    role = user.role if user else None
    spaces = [(w.slug, w.name) for w in allowed_workspaces(session)] if user else []

with st.sidebar:
    st.radio(tr("sidebar.language"), ["vi", "en"], key="lang", horizontal=True,
             format_func=lambda code: {"vi": "Tiếng Việt", "en": "English"}[code])
    if user is not None:
        st.caption(tr("accounts.signed_in_as", name=user.display_name, role=user.role))
        if spaces:
            names = dict(spaces)
            st.selectbox(tr("sidebar.workspace"), list(names), key="workspace",
                         format_func=lambda s: names.get(s, s))
        else:
            st.caption(tr("common.no_workspace"))
        if st.button(tr("accounts.logout"), key="logout"):
            logout()
            st.rerun()

if user is None:
    pages = [st.Page(path, title=tr(title), icon=icon, default=path == "pages/login.py")
             for path, title, icon in PUBLIC_PAGES]
    st.navigation(pages).run()
else:
    sections: dict[str, list] = {}
    for section, path, title, icon in PAGES:
        action = PAGE_ACTIONS.get(path)
        if action is None or can(role, action):
            sections.setdefault(tr(section), []).append(
                st.Page(path, title=tr(title), icon=icon, default=path == "pages/home.py"))
    st.navigation(sections).run()
