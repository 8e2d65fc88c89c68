"""Livestreams: upload, transcribe (resumable, in the background), edit, highlights, clips."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from pages.common import db, engine, flash, lang, require_workspace, show_error, show_flash, tr
from studio.assets import data_dir
from studio.db.models import Asset
from studio.errors import StudioError
from studio.video import jobs, pipeline
from studio.video.ingest import ingest
from studio.video.models import Highlight, Livestream
from studio.video.render import CAPTIONS, FITS, SIZES
from studio.video.subtitles import FORMATS, export


@st.cache_resource
def _model():
    from studio.video.model import load_model

    return load_model()


def _clock(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _upload(ws) -> None:
    with st.form("video.upload_form", clear_on_submit=True):
        file = st.file_uploader(tr("video.upload"), key="video.file",
                                type=["mp4", "mov", "mkv", "ts", "flv", "webm", "m4a", "mp3",
                                      "wav"])
        left, right = st.columns(2)
        title = left.text_input(tr("video.stream_title"), key="video.new_title")
        speech = right.selectbox(tr("video.lang"), ["vi", "en"], key="video.new_lang")
        need_audio = st.checkbox(tr("video.need_audio"), value=True, key="video.need_audio")
        if not st.form_submit_button(tr("video.add"), type="primary") or file is None:
            return
    with tempfile.TemporaryDirectory(prefix="upload-") as tmp:
        path = Path(tmp) / "upload.bin"  # the user's file name never chooses a path
        with open(path, "wb") as out:
            for chunk in iter(lambda: file.read(1 << 20), b""):
                out.write(chunk)
        try:
            with db() as session:
                stream = ingest(session, ws, path, file.name, title, speech, need_audio)
                st.session_state["video.current"] = stream.id
                flash(tr("video.added", title=stream.title))
        except StudioError as exc:
            show_error(exc)
            return
    st.rerun()


@st.fragment(run_every=2)
def _status(stream_id: int) -> None:
    with db() as session:
        stream = session.get(Livestream, stream_id)
        state = "stale" if jobs.is_stale(stream) else stream.status
        step, progress, message = stream.step, stream.progress, stream.message
    if step:
        st.progress(min(1.0, progress), text=f"{tr('video.step.' + step)}: "
                    f"{tr('video.status.' + state)} {message}")
    if state == "running" and st.button(tr("video.cancel"), key="video.cancel"):
        jobs.request_cancel(engine(), stream_id)


def _actions(stream: Livestream) -> None:
    left, mid, right = st.columns(3)
    label = tr("video.transcribe") if not stream.transcribed_until else tr(
        "video.resume", minutes=f"{stream.transcribed_until / 60:.1f}")
    if not stream.transcript_done and left.button(label, key="video.run_transcribe"):
        if jobs.media_jobs_mode() == "queue":  # the consumer loads the model itself
            jobs.run_step(stream.id, "transcribe", workspace_id=stream.workspace_id,
                          livestream_id=stream.id)
        else:
            jobs.start_thread(stream.id, "transcribe", jobs.transcribe_livestream, stream.id,
                              model=_model(), engine=engine())
        st.toast(tr("video.started"))
    count = mid.number_input(tr("video.count"), 1, 20, 5, key="video.count")
    comments = right.file_uploader(tr("video.comments"), key="video.comments",
                                   type=["csv", "txt", "json"])
    if stream.transcript_done and mid.button(tr("video.find"), key="video.run_highlights"):
        path = None
        if comments is not None:
            path = Path(tempfile.mkdtemp(prefix="comments-")) / "comments.txt"
            path.write_bytes(comments.getvalue())
        jobs.run_step(stream.id, "highlights", workspace_id=stream.workspace_id,
                      engine=engine(), livestream_id=stream.id, count=int(count),
                      comments=str(path) if path else None)
        st.toast(tr("video.started"))


def _transcript(stream_id: int) -> None:
    st.subheader(tr("video.transcript"))
    with db() as session:
        segs = jobs.segments_of(session, stream_id)
        rows = [{"id": s.id, "start": round(s.start, 2), "end": round(s.end, 2), "text": s.text}
                for s in segs]
    if not rows:
        return
    query = st.text_input(tr("video.search"), key="video.search")
    if query:
        from studio.i18n import fold

        rows = [r for r in rows if fold(query) in fold(r["text"])]
    edited = st.data_editor(rows, key="video.editor", hide_index=True, disabled=["id", "start",
                            "end"], column_config={
                                "id": None, "start": tr("video.col.start"),
                                "end": tr("video.col.end"), "text": tr("video.col.text")},
                            width="stretch")
    if st.button(tr("video.save_edits"), key="video.save_edits"):
        try:
            with db() as session:
                changed = [jobs.edit_segment(session, new["id"], new["text"])
                           for old, new in zip(rows, edited, strict=True)
                           if old["text"] != new["text"]]
            flash(tr("video.saved", count=len(changed)))
            st.rerun()
        except StudioError as exc:
            show_error(exc)
    cols = st.columns(len(FORMATS))
    for col, fmt in zip(cols, FORMATS, strict=True):
        col.download_button(tr("video.export", fmt=fmt.upper()), export(segs, fmt),
                            file_name=f"transcript-{stream_id}.{fmt}", key=f"video.dl.{fmt}")


def _highlight(hl: Highlight, source: Path) -> None:
    key = f"video.hl.{hl.id}"
    with st.expander(tr("video.hl_title", start=_clock(hl.start), end=_clock(hl.end),
                        score=f"{hl.score:.0f}"), expanded=False):
        st.write(" · ".join(hl.reasons))
        left, right = st.columns(2)
        start = left.number_input(tr("video.col.start"), 0.0, value=float(hl.start), step=0.5,
                                  key=f"{key}.start")
        end = right.number_input(tr("video.col.end"), 0.0, value=float(hl.end), step=0.5,
                                 key=f"{key}.end")
        st.video(str(source), start_time=int(start), end_time=int(end) + 1)
        a, b, c, d = st.columns(4)
        aspect = a.selectbox(tr("video.aspect"), list(SIZES), key=f"{key}.aspect")
        fit = b.selectbox(tr("video.fit"), FITS, key=f"{key}.fit",
                          format_func=lambda f: tr(f"video.fit.{f}"))
        captions = c.selectbox(tr("video.captions"), CAPTIONS, index=1, key=f"{key}.captions",
                               format_func=lambda v: tr(f"video.captions.{v}"))
        style = d.selectbox(tr("video.style"), ["boxed", "clean", "karaoke"], key=f"{key}.style")
        if st.button(tr("video.render"), key=f"{key}.render", type="primary"):
            try:
                with db() as session:
                    row = session.get(Highlight, hl.id)
                    row.start, row.end = float(start), float(end)
                    facts = pipeline._facts(row.product_id, session)
                opts = pipeline._brand_options(facts, lang(), aspect=aspect, fit=fit,
                                               captions=captions, style=style)
                jobs.run_step(hl.livestream_id, "render", workspace_id=hl.workspace_id,
                              engine=engine(), highlight_id=hl.id,
                              opts=pipeline.options_json(opts))
                st.toast(tr("video.started"))
            except StudioError as exc:
                show_error(exc)
        if hl.clip_asset_id:
            _clip(hl)


def _clip(hl: Highlight) -> None:
    with db() as session:
        asset = session.get(Asset, hl.clip_asset_id)
        path, meta = data_dir() / asset.path, dict(asset.meta)
    st.video(str(path))
    st.download_button(tr("video.download"), path.read_bytes(), file_name=f"clip-{hl.id}.mp4",
                       mime="video/mp4", key=f"video.hl.{hl.id}.download")
    text = st.text_area(tr("video.post_text"), f"{meta.get('caption', '')}\n"
                        + " ".join(meta.get("hashtags", [])), key=f"video.hl.{hl.id}.text")
    _send_to_calendar(hl, text)


def _send_to_calendar(hl: Highlight, text: str) -> None:
    from studio.publish import posts
    from studio.publish.accounts import list_accounts

    with db() as session:
        ws = require_workspace(session)
        accounts = {a.id: a.name for a in list_accounts(session, ws)}
    if not accounts:
        st.caption(tr("video.no_accounts"))
        return
    chosen = st.multiselect(tr("video.accounts"), list(accounts), key=f"video.hl.{hl.id}.acc",
                            format_func=lambda i: accounts[i])
    if st.button(tr("video.calendar"), key=f"video.hl.{hl.id}.send"):
        try:
            with db() as session:
                ws = require_workspace(session)
                picked = [a for a in list_accounts(session, ws) if a.id in chosen]
                post = posts.create_post(session, ws, texts={lang(): text}, lang=lang(),
                                         accounts=picked, media_asset_ids=[hl.clip_asset_id],
                                         source="video")
                flash(tr("video.sent", id=post.id))
            st.rerun()
        except StudioError as exc:
            show_error(exc)


st.title(tr("video.title"))
st.caption(tr("video.intro"))
show_flash()
with db() as session:
    ws = require_workspace(session)
    streams = [(s.id, s.title) for s in session.query(Livestream).filter(
        Livestream.workspace_id == ws.id).order_by(Livestream.id.desc())]
_upload(ws)
if not streams:
    st.info(tr("video.none"))
    st.stop()
names = dict(streams)
current = st.session_state.get("video.current")
stream_id = st.selectbox(tr("video.pick"), list(names), key="video.pick",
                         index=list(names).index(current) if current in names else 0,
                         format_func=lambda i: names[i])
with db() as session:
    stream = session.get(Livestream, stream_id)
    source = data_dir() / session.get(Asset, stream.asset_id).path
    highlights = list(stream.highlights)
    notice = dict(stream.highlight_notice or {})
    st.caption(tr("video.info", duration=_clock(stream.duration_s),
                  size=f"{source.stat().st_size / 1048576:.1f}",
                  width=stream.probe.get("width", 0), height=stream.probe.get("height", 0)))
_status(stream_id)
_actions(stream)
_transcript(stream_id)
st.subheader(tr("video.highlights"))
if notice.get("status") in ("fallback", "skipped"):  # the LLM second pass did not rank
    show = st.warning if notice["status"] == "fallback" else st.info
    show(tr(f"video.rank.{notice['status']}", reason=notice.get("notice") or ""))
if not highlights:
    st.caption(tr("video.no_highlights"))
for hl in highlights:
    _highlight(hl, source)
