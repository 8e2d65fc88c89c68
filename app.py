"""OCOP Live Studio: the Streamlit router. Pages live in pages/; the engine in studio/."""

import streamlit as st

from pages.common import db, tr
from studio.catalog.service import list_workspaces

st.set_page_config(page_title="OCOP Live Studio", page_icon="🌾", layout="wide")

# (section key, page file, title key, icon). Every page of the studio is listed here.
PAGES = [
    ("nav.section.catalog", "pages/home.py", "nav.home", "🏠"),
    ("nav.section.catalog", "pages/producers.py", "nav.producers", "👩‍🌾"),
    ("nav.section.catalog", "pages/products.py", "nav.products", "📦"),
    ("nav.section.catalog", "pages/fact_sheet.py", "nav.fact_sheet", "📋"),
    ("nav.section.catalog", "pages/import_export.py", "nav.import_export", "⇅"),
    ("nav.section.catalog", "pages/labels.py", "nav.labels", "🔳"),
    ("nav.section.system", "pages/settings.py", "nav.settings", "⚙️"),
]

with st.sidebar:
    st.radio(tr("sidebar.language"), ["vi", "en"], key="lang", horizontal=True,
             format_func=lambda code: {"vi": "Tiếng Việt", "en": "English"}[code])
    with db() as session:
        slugs = [(w.slug, w.name) for w in list_workspaces(session)]
    if slugs:
        names = dict(slugs)
        st.selectbox(tr("sidebar.workspace"), list(names), key="workspace",
                     format_func=lambda s: names.get(s, s))
    else:
        st.caption(tr("common.no_workspace"))

sections: dict[str, list] = {}
for section, path, title, icon in PAGES:
    sections.setdefault(tr(section), []).append(
        st.Page(path, title=tr(title), icon=icon, default=path == "pages/home.py"))
st.navigation(sections).run()
