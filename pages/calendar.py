"""Calendar: month, week and list views, new posts, approvals, queue slots, bulk clips, jobs."""

from __future__ import annotations

import calendar as cal
from datetime import UTC, date, datetime, time, timedelta

import streamlit as st

from pages.common import db, require_workspace, show_error, tr
from studio.errors import StudioError
from studio.publish import posts as svc
from studio.publish import slots
from studio.publish.accounts import list_accounts
from studio.publish.ics import feed
from studio.publish.ics_server import feed_token, subscription_url
from studio.publish.jobs import cancel_job, list_jobs
from studio.publish.models import POST_STATUSES, PostTarget

ICON = {"draft": "📝", "pending_approval": "⏳", "changes_requested": "✏️", "rejected": "⛔",
        "scheduled": "🗓️", "publishing": "📤", "published": "✅", "failed": "❌",
        "needs_attention": "⚠️"}


def _author() -> str:
    try:
        from pages.auth import current_user

        with db() as session:
            user = current_user(session)
            return getattr(user, "name", "") or getattr(user, "email", "") if user else ""
    except Exception:  # accounts not set up: approvals are anonymous
        return ""


def _rerun(session) -> None:
    session.commit()  # st.rerun() raises: commit first or the session rolls the change back
    st.rerun()


def _label(post, tz) -> str:
    when = post.scheduled_at.astimezone(tz).strftime("%H:%M") if post.scheduled_at else "--:--"
    text = post.title or post.texts.get(post.lang, "")
    return f"{ICON.get(post.status, '')} {when} {text[:40]}"


def month_view(session, ws, tz) -> None:
    today = datetime.now(tz).date()
    c1, c2 = st.columns(2)
    year = c1.number_input(tr("publish.year"), 2020, 2100, today.year, key="cal_year")
    month = c2.selectbox(tr("publish.month"), list(range(1, 13)), today.month - 1,
                         key="cal_month")
    first = date(int(year), int(month), 1)
    last = date(int(year), int(month), cal.monthrange(int(year), int(month))[1])
    start = datetime.combine(first, time(), tz).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), tz).astimezone(UTC)
    by_day: dict[date, list] = {}
    for post in svc.list_posts(session, ws, start=start, end=end):
        by_day.setdefault(post.scheduled_at.astimezone(tz).date(), []).append(post)
    names = tr("publish.weekdays").split(",")
    cols = st.columns(7)
    for i, name in enumerate(names):
        cols[i].markdown(f"**{name}**")
    for week in cal.Calendar().monthdatescalendar(int(year), int(month)):
        cols = st.columns(7)
        for i, day in enumerate(week):
            with cols[i].container(border=True):
                style = "**" if day == today else ""
                st.markdown(f"{style}{day.day}{style}" if day.month == int(month) else "·")
                for post in by_day.get(day, []):
                    st.caption(_label(post, tz))


def week_view(session, ws, tz) -> None:
    today = datetime.now(tz).date()
    monday = st.date_input(tr("publish.week_of"), today - timedelta(days=today.weekday()),
                           key="cal_week")
    monday = monday - timedelta(days=monday.weekday())
    start = datetime.combine(monday, time(), tz).astimezone(UTC)
    found = svc.list_posts(session, ws, start=start, end=start + timedelta(days=7))
    cols = st.columns(7)
    names = tr("publish.weekdays").split(",")
    for i in range(7):
        day = monday + timedelta(days=i)
        with cols[i]:
            st.markdown(f"**{names[i]} {day.day}/{day.month}**")
            for post in found:
                if post.scheduled_at.astimezone(tz).date() == day:
                    st.caption(_label(post, tz))


def list_view(session, ws, tz) -> None:
    accounts = list_accounts(session, ws)
    c1, c2 = st.columns(2)
    status = c1.selectbox(tr("publish.status"), [""] + list(POST_STATUSES), key="cal_status",
                          format_func=lambda s: tr(f"publish.status.{s}") if s else "—")
    names = {a.id: a.name for a in accounts}
    account = c2.selectbox(tr("publish.account"), [0] + list(names), key="cal_account",
                           format_func=lambda i: names.get(i, "—"))
    rows = []
    for post in svc.list_posts(session, ws, status=status or None, account_id=account or None):
        rows.append({"id": post.id, tr("publish.status"): tr(f"publish.status.{post.status}"),
                     tr("publish.when"): post.scheduled_at.astimezone(tz).strftime(
                         "%Y-%m-%d %H:%M") if post.scheduled_at else "",
                     tr("publish.text"): post.texts.get(post.lang, "")[:80],
                     tr("publish.channels"): ", ".join(
                         f"{t.account.name}: {tr('publish.status.' + t.status)}"
                         for t in post.targets if t.status != "cancelled")})
    st.dataframe(rows, hide_index=True, width="stretch")
    st.download_button(tr("publish.ics"), feed(session, ws), file_name="ocop-calendar.ics",
                       mime="text/calendar", key="cal_ics")
    subscribe(session, ws)
    attention = [t for t in session.query(PostTarget).filter(
        PostTarget.workspace_id == ws.id,
        PostTarget.status.in_(("needs_attention", "failed"))).limit(50)]
    if attention:
        st.subheader(tr("publish.attention"))
    for target in attention:
        with st.container(border=True):
            st.write(f"#{target.post_id} → {target.account.name}: "
                     f"{tr('publish.status.' + target.status)} — {target.last_error}")
            c1, c2 = st.columns(2)
            if c1.button(tr("publish.retry"), key=f"retry_{target.id}"):
                svc.retry_target(session, target)
                _rerun(session)
            if target.status == "needs_attention" and c2.button(
                    tr("publish.mark_published"), key=f"mark_{target.id}"):
                svc.mark_published(session, target)
                _rerun(session)


def subscribe(session, ws) -> None:
    """The secret subscription URL of the feed, and a button that replaces it."""
    with st.expander(tr("publish.ics_subscribe"), expanded=False):
        try:
            if st.button(tr("publish.ics_rotate"), key="cal_ics_rotate"):
                feed_token(session, ws, rotate=True)
                st.success(tr("publish.ics_rotated"))
            st.code(subscription_url(feed_token(session, ws)), language=None)
        except StudioError as exc:
            show_error(exc)
            return
        st.caption(tr("publish.ics_subscribe_help"))


def new_post(session, ws, tz) -> None:
    accounts = list_accounts(session, ws)
    if not accounts:
        st.info(tr("publish.no_accounts"))
        return
    names = {a.id: a.name for a in accounts}
    with st.form("new_post", clear_on_submit=False):
        text_vi = st.text_area(tr("publish.text_vi"), key="np_vi", height=150)
        text_en = st.text_area(tr("publish.text_en"), key="np_en", height=100)
        chosen = st.multiselect(tr("publish.accounts"), list(names), key="np_accounts",
                                format_func=names.get)
        c1, c2, c3 = st.columns(3)
        day = c1.date_input(tr("publish.date"), datetime.now(tz).date(), key="np_date")
        at = c2.time_input(tr("publish.time"), time(19, 30), key="np_time")
        next_slot = c3.checkbox(tr("publish.next_slot"), value=True, key="np_slot")
        hashtags = st.text_input(tr("publish.hashtags"), key="np_tags")
        link = st.text_input(tr("publish.link"), key="np_link")
        submit = st.form_submit_button(tr("publish.save_submit"))
    if not submit:
        return
    try:
        picked = [a for a in accounts if a.id in chosen]
        when = datetime.combine(day, at, tz)
        if next_slot and picked:
            when = slots.next_free_slot(session, ws, picked[0])
        post = svc.create_post(session, ws, texts={"vi": text_vi, "en": text_en},
                               accounts=picked, scheduled_at=when, link=link.strip(),
                               hashtags=hashtags.split(), author=_author(), source="ui")
        svc.submit(session, post, _author())
        st.success(tr("publish.created", id=post.id,
                      when=when.astimezone(tz).strftime("%Y-%m-%d %H:%M")))
    except StudioError as exc:
        session.rollback()
        show_error(exc)


def approvals(session, ws, tz) -> None:
    pending = svc.list_posts(session, ws, status="pending_approval")
    if not pending:
        st.info(tr("publish.nothing_pending"))
    for post in pending:
        with st.container(border=True):
            when = post.scheduled_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") \
                if post.scheduled_at else "—"
            st.markdown(f"**#{post.id}** · {when} · "
                        + ", ".join(t.account.name for t in post.targets))
            for code, text in post.texts.items():
                st.text(f"[{code}] {text}")
            for a in post.approvals:
                st.caption(f"{a.created_at:%d/%m %H:%M} {a.author} "
                           f"{tr('publish.action.' + a.action)}: {a.comment}")
            note = st.text_input(tr("publish.comment"), key=f"note_{post.id}")
            c1, c2, c3 = st.columns(3)
            try:
                if c1.button(tr("publish.approve"), key=f"approve_{post.id}", type="primary"):
                    svc.approve(session, post, _author(), note)
                    _rerun(session)
                if c2.button(tr("publish.request_changes"), key=f"changes_{post.id}"):
                    svc.request_changes(session, post, _author(), note)
                    _rerun(session)
                if c3.button(tr("publish.reject"), key=f"reject_{post.id}"):
                    svc.reject(session, post, _author(), note)
                    _rerun(session)
            except StudioError as exc:
                session.rollback()
                show_error(exc)


def queue_slots(session, ws, tz) -> None:
    st.caption(tr("publish.slots_help", zone=ws.timezone))
    names = tr("publish.weekdays").split(",")
    for account in list_accounts(session, ws):
        with st.expander(account.name):
            current = slots.upcoming(session, ws, account, datetime.now(UTC), days=7)
            times = sorted({i.astimezone(tz).strftime("%H:%M") for i in current})
            days = sorted({i.astimezone(tz).weekday() for i in current})
            chosen = st.multiselect(tr("publish.weekdays_label"), list(range(7)), days,
                                    format_func=lambda d: names[d], key=f"sd_{account.id}")
            text = st.text_input(tr("publish.times"), ", ".join(times), key=f"st_{account.id}")
            if st.button(tr("publish.save"), key=f"ss_{account.id}"):
                try:
                    slots.set_slots(session, account, chosen,
                                    [t for t in text.replace(";", ",").split(",") if t.strip()])
                    st.success(tr("publish.saved"))
                except StudioError as exc:
                    session.rollback()
                    show_error(exc)


def bulk_clips(session, ws, tz) -> None:
    clips = svc.clip_assets(session, ws)
    accounts = list_accounts(session, ws)
    if not clips or not accounts:
        st.info(tr("publish.no_clips"))
        return
    labels = {c.id: f"#{c.id} {c.original_name or c.sha256[:8]} "
                    f"({(c.duration_s or 0):.0f}s)" for c in clips}
    names = {a.id: a.name for a in accounts}
    chosen = st.multiselect(tr("publish.clips"), list(labels), key="bulk_clips",
                            format_func=labels.get)
    targets = st.multiselect(tr("publish.accounts"), list(names), key="bulk_accounts",
                             format_func=names.get)
    caption = st.text_area(tr("publish.bulk_caption"), key="bulk_caption")
    if st.button(tr("publish.bulk_go"), key="bulk_go", type="primary"):
        try:
            items = [{"texts": {"vi": (next(c for c in clips if c.id == cid).meta or {}).get(
                "caption") or caption}, "media_asset_ids": [cid], "source": f"clip:{cid}"}
                for cid in chosen]
            made = svc.bulk_schedule(session, ws, [a for a in accounts if a.id in targets],
                                     items, author=_author())
            st.success(tr("publish.bulk_done", count=len(made)))
        except StudioError as exc:
            session.rollback()
            show_error(exc)


def jobs(session, ws) -> None:
    found = list_jobs(session, ws.id)
    if not found:
        st.info(tr("publish.no_jobs"))
    for job in found:
        c1, c2 = st.columns([4, 1])
        c1.progress(job.progress, text=f"#{job.id} {job.kind}: "
                    f"{tr('publish.job.' + job.status)} {job.message}")
        if job.status in ("queued", "running") and c2.button(tr("publish.cancel"),
                                                              key=f"cancel_{job.id}"):
            cancel_job(session, job.id)
            _rerun(session)


st.title(tr("publish.calendar.title"))
with db() as session:
    ws = require_workspace(session)
    tz = slots.zone(ws)
    tabs = st.tabs([tr("publish.tab." + k) for k in
                    ("month", "week", "list", "new", "approvals", "slots", "clips", "jobs")])
    with tabs[0]:
        month_view(session, ws, tz)
    with tabs[1]:
        week_view(session, ws, tz)
    with tabs[2]:
        list_view(session, ws, tz)
    with tabs[3]:
        new_post(session, ws, tz)
    with tabs[4]:
        approvals(session, ws, tz)
    with tabs[5]:
        queue_slots(session, ws, tz)
    with tabs[6]:
        bulk_clips(session, ws, tz)
    with tabs[7]:
        jobs(session, ws)
    st.caption(tr("publish.tz_note", zone=ws.timezone))
