"""After the live: orders and revenue per product, questions, talk time when transcribed."""

from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitAPIException

from pages.common import db, lang, require_workspace, show_error, tr
from studio.errors import StudioError
from studio.live import service
from studio.live.parser import redact_phones
from studio.live.summary import figures

st.title(tr("live.summary.title"))


def _transcripts(session, ws) -> dict:
    """Transcribed livestreams of the clips capability, when it is installed."""
    try:
        from sqlalchemy import select

        from studio.video.models import Livestream
    except ImportError:
        return {}
    stmt = select(Livestream).where(Livestream.workspace_id == ws.id,
                                    Livestream.transcript_done.is_(True))
    return {ls.id: ls for ls in session.scalars(stmt)}


def _livestreams_page() -> str | None:
    found = sorted(Path(__file__).parent.glob("*livestream*.py"))
    return f"pages/{found[0].name}" if found else None


with db() as session:
    ws = require_workspace(session)
    lives = service.list_lives(session, ws)
    if not lives:
        st.info(tr("live.none"))
        st.stop()
    titles = {lv.id: lv.title for lv in lives}
    live_id = st.selectbox(tr("live.pick"), list(titles), key="live.summary.pick",
                           format_func=lambda i: f"#{i} {titles[i]}")
    live = service.get_live(session, ws, live_id)
    streams = _transcripts(session, ws)
    choice = None
    if streams:
        none_label = tr("live.summary.no_recording")
        choice = st.selectbox(tr("live.summary.recording"), [None, *streams],
                              key="live.summary.recording",
                              format_func=lambda i: none_label if i is None
                              else f"#{i} {streams[i].title}")
    try:
        transcript = streams[choice].segments if choice else None
        summary = service.live_summary(live, transcript)
    except (StudioError, ValueError) as exc:
        show_error(exc if isinstance(exc, StudioError) else StudioError(str(exc)))
        st.stop()

    c1, c2, c3 = st.columns(3)
    c1.metric(tr("live.summary.orders"), sum(1 for o in live.orders if o.status != "cancelled"))
    c2.metric(tr("live.summary.revenue"), f"{summary.revenue_vnd:,} ₫".replace(",", "."))
    c3.metric(tr("live.summary.questions"), len(summary.questions))
    figs = figures(summary, lang())
    st.plotly_chart(figs["revenue"], key="live.summary.chart.revenue", width="stretch")
    st.dataframe(summary.products, key="live.summary.products", hide_index=True,
                 width="stretch")
    st.plotly_chart(figs["minutes"], key="live.summary.chart.minutes", width="stretch")
    st.subheader(tr("live.questions"))
    st.dataframe([{"user": q["user"], "text": redact_phones(q["text"]), "at": q["at"]}
                  for q in summary.questions], key="live.summary.q", hide_index=True,
                 width="stretch")
    if summary.transcribed:
        st.plotly_chart(figs["talk"], key="live.summary.chart.talk", width="stretch")
        st.subheader(tr("live.summary.moments"))
        st.dataframe(summary.moments, key="live.summary.moments", hide_index=True,
                     width="stretch")
        page = _livestreams_page()
        try:
            st.page_link(page, label=tr("live.summary.make_clips"), icon="🎬")
        except (StreamlitAPIException, TypeError):  # page absent or not in the navigation
            st.caption(tr("live.summary.clips_later"))
    else:
        st.caption(tr("live.summary.no_transcript"))
