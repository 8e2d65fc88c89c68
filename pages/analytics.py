"""Analytics: import metrics CSVs, per-channel and per-post charts, best time to post."""

from __future__ import annotations

import streamlit as st

from pages.common import db, lang, require_workspace, show_error, tr
from studio.errors import StudioError
from studio.publish.analytics import best_times, figures, import_csv
from studio.publish.channels import KINDS
from studio.publish.insights import fetch_metrics

st.title(tr("publish.analytics.title"))
with st.form("metrics_import", clear_on_submit=True):
    channel = st.selectbox(tr("publish.kind"), [k for k in KINDS if k != "export"],
                           key="an_channel")
    upload = st.file_uploader(tr("publish.metrics_csv"), type=["csv"], key="an_file")
    go = st.form_submit_button(tr("publish.import"))
if go and upload is not None:
    try:
        with db() as session:
            report = import_csv(session, require_workspace(session), channel, upload.getvalue())
        st.success(tr("publish.imported", **report))
    except StudioError as exc:
        show_error(exc)
st.caption(tr("publish.insights_note"))
if st.button(tr("publish.fetch_platforms"), key="an_fetch"):
    with db() as session:
        ws_id = require_workspace(session).id
    with st.spinner(tr("publish.fetching")):
        reports = fetch_metrics(ws_id)
    if not reports:
        st.info(tr("publish.fetch_no_accounts"))
    for r in reports:
        text = tr(f"publish.fetch_status.{r.status}", account=r.account, kind=r.kind,
                  fetched=r.fetched, posts=r.posts, created=r.created, updated=r.updated)
        details = [r.error] * bool(r.error) + r.notes
        if r.gone:
            details.append(tr("publish.fetch_gone", ids=", ".join(r.gone)))
        show = st.success if r.status == "ok" else \
            st.error if r.status in ("failed", "permission") else st.warning
        show("  \n".join([text, *details]))

with db() as session:
    ws = require_workspace(session)
    figs = figures(session, ws, lang())
    if not figs:
        st.info(tr("publish.no_metrics"))
        st.stop()
    st.subheader(tr("publish.per_channel"))
    st.plotly_chart(figs["per_channel"], key="an_channel_chart")
    st.subheader(tr("publish.per_post"))
    st.plotly_chart(figs["per_post"], key="an_post_chart")
    st.subheader(tr("publish.heatmap"))
    st.plotly_chart(figs["heatmap"], key="an_heatmap")
    names = tr("publish.weekdays").split(",")
    best = best_times(session, ws)
    if best:
        st.write(tr("publish.best_times") + " " + ", ".join(
            f"{names[c['weekday']]} {c['hour']}h ({c['mean_views']:.0f})" for c in best))
