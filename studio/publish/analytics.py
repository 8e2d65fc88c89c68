"""Post metrics: import the platforms' CSV exports, chart them, find the best time to post.

Every platform's export names columns differently (and in the UI language); :data:`COLUMNS`
maps the usual names to ours. A file is checked whole before anything is written. Times without
an offset are read in the workspace's zone. The best-time heatmap uses only this workspace's
own history (mean views per weekday × hour, local time). The platforms' insights endpoints
fill the same table through :mod:`studio.publish.insights`; CSV import works for every platform.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from studio.db.models import Workspace
from studio.errors import Problem, ValidationFailed
from studio.i18n import fold
from studio.publish.channels import KINDS
from studio.publish.models import PostMetric, PostTarget
from studio.publish.slots import zone

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
METRICS = ("views", "reach", "likes", "comments", "shares", "clicks")
COLUMNS = {
    "external_id": ("external_id", "post id", "post_id", "id", "video id", "ma bai", "media id"),
    "posted_at": ("posted_at", "publish time", "published", "date", "thoi gian dang",
                  "ngay dang", "create time"),
    "title": ("title", "caption", "description", "tieu de", "noi dung"),
    "views": ("views", "video views", "plays", "luot xem"),
    "reach": ("reach", "impressions", "luot tiep can", "luot hien thi"),
    "likes": ("likes", "reactions", "luot thich"),
    "comments": ("comments", "binh luan"),
    "shares": ("shares", "chia se"),
    "clicks": ("clicks", "link clicks", "luot nhap"),
}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _header_map(header: list[str]) -> tuple[dict[str, int], list[Problem]]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = fold(name.strip().replace("_", " "))
        for ours, aliases in COLUMNS.items():
            if key in {fold(a.replace("_", " ")) for a in aliases} and ours not in found:
                found[ours] = index
    problems = [Problem(field=c, code="missing_column") for c in ("external_id", "posted_at")
                if c not in found]
    return found, problems


def _parse_time(value: str, ws: Workspace) -> datetime:
    value = value.strip()
    for fmt in (None, "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M", "%Y-%m-%d"):
        try:
            parsed = datetime.fromisoformat(value) if fmt is None else \
                datetime.strptime(value, fmt)
        except ValueError:
            continue
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=zone(ws))).astimezone(UTC)
    raise ValueError(value)


def _count(value: str) -> int:
    text = value.strip().replace(",", "").replace(".", "").replace(" ", "")
    if not text:
        return 0
    number = int(text)
    if number < 0:
        raise ValueError(value)
    return number


def parse_csv(data: bytes, ws: Workspace) -> list[dict]:
    """Rows of a metrics CSV, or ValidationFailed listing every bad cell (row numbers 1-based)."""
    if not data.strip():
        raise ValidationFailed([Problem(field="file", code="file_empty")])
    if len(data) > MAX_BYTES or b"\x00" in data[:4096]:
        code = "publish_csv_too_big" if len(data) > MAX_BYTES else "binary_file"
        raise ValidationFailed([Problem(field="file", code=code)])
    text = data.decode("utf-8-sig", errors="replace")
    reader = list(csv.reader(io.StringIO(text)))
    columns, problems = _header_map(reader[0])
    if problems:
        raise ValidationFailed(problems)
    if len(reader) - 1 > MAX_ROWS:
        raise ValidationFailed([Problem(field="file", code="too_many_rows")])
    rows = []
    for number, cells in enumerate(reader[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        cell = {k: (cells[i] if i < len(cells) else "") for k, i in columns.items()}
        row = {"external_id": cell["external_id"].strip(), "title": cell.get("title", "")[:300]}
        if not row["external_id"]:
            problems.append(Problem(field="external_id", code="required", row=number))
        try:
            row["posted_at"] = _parse_time(cell["posted_at"], ws)
        except ValueError:
            problems.append(Problem(field="posted_at", code="publish_bad_time", row=number))
        for metric in METRICS:
            try:
                row[metric] = _count(cell.get(metric, ""))
            except ValueError:
                problems.append(Problem(field=metric, code="publish_bad_count", row=number))
        rows.append(row)
    if problems:
        raise ValidationFailed(problems)
    if not rows:
        raise ValidationFailed([Problem(field="file", code="no_rows")])
    return rows


def import_csv(session: Session, ws: Workspace, channel: str, data: bytes) -> dict:
    """Insert or update the metrics of ``channel`` posts from a CSV export."""
    if channel not in KINDS:
        raise ValidationFailed([Problem(field="channel", code="kind_unknown")],
                               f"channel {channel!r} is unknown; use one of {', '.join(KINDS)}")
    rows = parse_csv(data, ws)
    ids = [r["external_id"] for r in rows]
    existing = {m.external_id: m for m in session.scalars(select(PostMetric).where(
        PostMetric.workspace_id == ws.id, PostMetric.channel == channel,
        PostMetric.external_id.in_(ids)))}
    targets = dict(session.execute(select(PostTarget.external_id, PostTarget.id).where(
        PostTarget.workspace_id == ws.id, PostTarget.external_id.in_(ids))).all())
    created = 0
    for row in rows:
        metric = existing.get(row["external_id"])
        if metric is None:
            metric = PostMetric(workspace_id=ws.id, channel=channel,
                                external_id=row["external_id"])
            session.add(metric)
            existing[row["external_id"]] = metric
            created += 1
        metric.title, metric.posted_at = row["title"], row["posted_at"]
        metric.target_id = targets.get(row["external_id"])
        metric.imported_at = datetime.now(UTC)
        for name in METRICS:
            setattr(metric, name, row[name])
    session.flush()
    return {"rows": len(rows), "created": created, "updated": len(rows) - created,
            "linked": sum(1 for r in rows if r["external_id"] in targets)}


def metrics(session: Session, ws: Workspace) -> list[PostMetric]:
    return list(session.scalars(select(PostMetric).where(PostMetric.workspace_id == ws.id)
                                .order_by(PostMetric.posted_at)))


def heatmap(session: Session, ws: Workspace) -> dict:
    """Mean views (reach when a platform exports no views) per (weekday, local hour):
    {"z": 7×24 values or None, "n": counts}."""
    tz = zone(ws)
    sums: dict[tuple[int, int], list[int]] = defaultdict(list)
    for m in metrics(session, ws):
        local = m.posted_at.astimezone(tz)
        sums[(local.weekday(), local.hour)].append(m.views or m.reach)
    z = [[(sum(sums[(d, h)]) / len(sums[(d, h)])) if sums.get((d, h)) else None
          for h in range(24)] for d in range(7)]
    n = [[len(sums.get((d, h), ())) for h in range(24)] for d in range(7)]
    return {"z": z, "n": n}


def best_times(session: Session, ws: Workspace, top: int = 5, min_posts: int = 2) -> list[dict]:
    """The weekday × hour cells with the highest mean views (at least ``min_posts`` posts)."""
    grid = heatmap(session, ws)
    cells = [{"weekday": d, "hour": h, "mean_views": grid["z"][d][h], "posts": grid["n"][d][h]}
             for d in range(7) for h in range(24) if grid["n"][d][h] >= min_posts]
    return sorted(cells, key=lambda c: -c["mean_views"])[:top]


def figures(session: Session, ws: Workspace, lang: str = "vi") -> dict:
    """Plotly figures: per channel, top posts, best-time heatmap (None when no data)."""
    import plotly.graph_objects as go

    rows = metrics(session, ws)
    if not rows:
        return {}
    by_channel: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    for m in rows:
        for name in METRICS:
            by_channel[m.channel][name] += getattr(m, name)
    channels = sorted(by_channel)
    per_channel = go.Figure([go.Bar(name=name, x=channels, y=[by_channel[c][name]
                                                              for c in channels])
                             for name in ("views", "likes", "comments", "shares")])
    per_channel.update_layout(barmode="group", height=360, margin={"t": 30})
    top = sorted(rows, key=lambda m: -m.views)[:20]
    per_post = go.Figure(go.Bar(x=[m.views for m in top][::-1], orientation="h",
                                y=[f"{m.channel}: {(m.title or m.external_id)[:40]}"
                                   for m in top][::-1]))
    per_post.update_layout(height=520, margin={"t": 30, "l": 260})
    grid = heatmap(session, ws)
    days = WEEKDAYS if lang == "en" else ("T2", "T3", "T4", "T5", "T6", "T7", "CN")
    heat = go.Figure(go.Heatmap(z=grid["z"], x=list(range(24)), y=list(days),
                                customdata=grid["n"], colorscale="YlGn",
                                hovertemplate="%{y} %{x}h: %{z:.0f} (n=%{customdata})"))
    heat.update_layout(height=320, margin={"t": 30})
    return {"per_channel": per_channel, "per_post": per_post, "heatmap": heat}
