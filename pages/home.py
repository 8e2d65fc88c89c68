"""Home: what the studio is, this workspace's catalog in numbers, and where to start."""

import streamlit as st

from pages.common import db, require_workspace, tr
from studio.catalog.factsheet import completeness
from studio.catalog.service import list_producers, list_products

st.title(tr("home.title"))
st.caption(tr("home.subtitle"))

with db() as session:
    ws = require_workspace(session)
    producers = list_producers(session, ws)
    products = list_products(session, ws)
    photos = sum(len(p.photos) for p in products)
    rated = sum(1 for p in products if p.ocop_stars)
    ready = round(100 * sum(completeness(p) for p in products) / len(products)) if products else 0
    ws_name = ws.name

st.subheader(tr("home.workspace", name=ws_name))
cols = st.columns(5)
cols[0].metric(tr("home.count.producers"), len(producers))
cols[1].metric(tr("home.count.products"), len(products))
cols[2].metric(tr("home.count.rated"), rated)
cols[3].metric(tr("home.count.photos"), photos)
cols[4].metric(tr("home.count.complete"), f"{ready} %")

st.subheader(tr("home.guide.title"))
st.markdown(tr("home.guide"))
