"""Publishing commands: ``channel add|list``, ``post create|list|ics|ics-url``, ``worker``,
``ics serve``."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from studio.cli import UsageError, add_json, add_workspace, emit, open_workspace
from studio.errors import ConfigError


def register(sub) -> None:
    channel = sub.add_parser("channel", help="connect and list channel accounts")
    csub = channel.add_subparsers(dest="channel_command", required=True)
    p = csub.add_parser("add", help="connect a channel account")
    p.add_argument("kind", help="export, webhook, facebook, instagram, tiktok, youtube, zalo, "
                                "shopee, lazada, tiktokshop")
    p.add_argument("--name", required=True, help="a name for this account")
    p.add_argument("--option", action="extend", nargs="+", default=[], metavar="KEY=VALUE",
                   help="an option or credential (repeatable); secrets are stored encrypted")
    add_workspace(p)
    add_json(p)
    p.set_defaults(func=cmd_channel_add)
    p = csub.add_parser("list", help="list channel accounts (credentials masked)")
    add_workspace(p)
    add_json(p)
    p.set_defaults(func=cmd_channel_list)

    post = sub.add_parser("post", help="create and list posts")
    psub = post.add_subparsers(dest="post_command", required=True)
    p = psub.add_parser("create", help="create a post and schedule it (no --at: now)")
    p.add_argument("--account", action="append", required=True, help="channel account name")
    p.add_argument("--text-file", required=True, type=Path, help="UTF-8 text of the post")
    p.add_argument("--lang", default="vi")
    p.add_argument("--media", action="extend", nargs="+", default=[], type=Path,
                   help="media files (images, MP4/MOV/WebM videos)")
    p.add_argument("--at", help="ISO-8601 time with offset, e.g. 2026-12-01T19:30+07:00")
    p.add_argument("--title", default="")
    p.add_argument("--link", default="")
    p.add_argument("--draft", action="store_true", help="keep it as a draft for approval")
    add_workspace(p)
    add_json(p)
    p.set_defaults(func=cmd_post_create)
    p = psub.add_parser("list", help="list posts")
    p.add_argument("--status")
    add_workspace(p)
    add_json(p)
    p.set_defaults(func=cmd_post_list)
    p = psub.add_parser("ics", help="write the iCalendar feed of planned posts")
    p.add_argument("--out", type=Path, help="file to write (default: <data dir>/calendar.ics)")
    add_workspace(p)
    add_json(p)
    p.set_defaults(func=cmd_post_ics)
    p = psub.add_parser("ics-url", help="the calendar subscription URL (created on first use)")
    p.add_argument("--rotate", action="store_true",
                   help="issue a new secret link; every old link stops working")
    add_workspace(p)
    add_json(p)
    p.set_defaults(func=cmd_post_ics_url)
    _register_metrics(psub)

    ics = sub.add_parser("ics", help="the calendar feed server (subscription URLs)")
    isub = ics.add_subparsers(dest="ics_command", required=True)
    p = isub.add_parser("serve", help="serve GET /calendar/<token>.ics (read-only)")
    p.add_argument("--host", help="address to bind (default STUDIO_HOST)")
    p.add_argument("--port", type=int, help="port (default STUDIO_ICS_PORT or 8502)")
    p.set_defaults(func=cmd_ics_serve)

    p = sub.add_parser("worker", help="run a queue consumer (publishing and long jobs)")
    p.add_argument("--burst", action="store_true", help="process everything due, then exit")
    p.add_argument("--workers", type=int, default=2, help="worker threads (default 2)")
    p.add_argument("--sweep-interval", type=float, default=1.0, help="seconds between sweeps")
    p.add_argument("--max-seconds", type=float, default=600.0, help="burst time limit")
    add_json(p)
    p.set_defaults(func=cmd_worker)


def parse_options(pairs: list[str]) -> dict[str, str]:
    options = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--option {pair!r} must look like key=value")
        options[key.strip()] = value
    return options


def parse_time(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--at {value!r} is not ISO-8601; write e.g. "
                         "2026-12-01T19:30:00+07:00") from None
    if parsed.tzinfo is None:
        raise UsageError(f"--at {value!r} has no offset; add one, e.g. +07:00 or Z")
    return parsed.astimezone(UTC)


def cmd_channel_add(args: argparse.Namespace) -> int:
    from studio.publish.accounts import add_account, describe

    options = parse_options(args.option)
    with open_workspace(args) as (session, ws):
        account = add_account(session, ws, args.kind, args.name, options)
        data = describe(account)
    emit(args, data, f"connected {data['kind']} account '{data['name']}' (id {data['id']})")
    return 0


def cmd_channel_list(args: argparse.Namespace) -> int:
    from studio.publish.accounts import describe, list_accounts

    with open_workspace(args) as (session, ws):
        rows = [describe(a) for a in list_accounts(session, ws)]
    emit(args, rows, lambda: "\n".join(f"{r['id']:>4}  {r['kind']:<10} {r['name']} "
                                       f"[{r['status']}]" for r in rows) or "no accounts")
    return 0


def _store_media(session, ws, paths: list[Path]) -> list[int]:
    from studio.publish.media import store_media_file

    return [store_media_file(session, ws, path).id for path in paths]


def cmd_post_create(args: argparse.Namespace) -> int:
    from studio.publish import posts
    from studio.publish.accounts import get_account

    try:
        text = args.text_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read --text-file {args.text_file} ({exc}); give a UTF-8 "
                          "text file") from None
    at = parse_time(args.at)
    with open_workspace(args) as (session, ws):
        accounts = [get_account(session, ws, name) for name in args.account]
        media = _store_media(session, ws, args.media)
        post = posts.create_post(session, ws, texts={args.lang: text}, lang=args.lang,
                                 accounts=accounts, media_asset_ids=media, scheduled_at=at,
                                 title=args.title, link=args.link, source="cli")
        if not args.draft:
            posts.check_texts(session, post)
            posts.schedule(session, post)
        session.refresh(post)
        data = posts.describe(post)
    emit(args, data, f"post {data['id']} {data['status']} at {data['scheduled_at']}")
    return 0


def cmd_post_list(args: argparse.Namespace) -> int:
    from studio.publish import posts

    with open_workspace(args) as (session, ws):
        rows = [posts.describe(p) for p in posts.list_posts(session, ws, status=args.status)]
    emit(args, rows, lambda: "\n".join(
        f"{r['id']:>5}  {r['status']:<16} {r['scheduled_at']}  {r['title'] or ''}"
        for r in rows) or "no posts")
    return 0


def cmd_post_ics(args: argparse.Namespace) -> int:
    from studio.config import get_settings
    from studio.publish.ics import write_feed

    out = args.out or get_settings().data_dir / "calendar.ics"
    with open_workspace(args) as (session, ws):
        path = write_feed(session, ws, out)
    emit(args, {"path": str(path)}, f"calendar feed written to {path}")
    return 0


def cmd_post_ics_url(args: argparse.Namespace) -> int:
    from studio.publish.ics_server import feed_token, subscription_url

    with open_workspace(args) as (session, ws):
        token = feed_token(session, ws, rotate=args.rotate)
        data = {"workspace": ws.slug, "url": subscription_url(token), "rotated": args.rotate}
    emit(args, data, lambda: ("new link (old links no longer work): " if args.rotate else "")
         + data["url"])
    return 0


def cmd_ics_serve(args: argparse.Namespace) -> int:
    from studio.config import get_settings
    from studio.db.session import get_engine, is_migrated
    from studio.publish.ics_server import ics_port, serve

    port = args.port if args.port is not None else ics_port()
    if not 1 <= port <= 65535:
        raise UsageError(f"--port {port} is not a port; give a number from 1 to 65535")
    if not is_migrated(get_engine()):
        raise ConfigError("the database is not initialised; run 'python -m studio init' first")
    serve(args.host or get_settings().host, port)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from studio.db.session import get_engine, is_migrated
    from studio.publish import worker

    if args.workers < 1 or args.workers > 64:
        raise UsageError("--workers must be between 1 and 64")
    if not is_migrated(get_engine()):
        raise ConfigError("the database is not initialised; run 'python -m studio init' first")
    if args.burst:
        totals = worker.burst(workers=args.workers, max_seconds=args.max_seconds)
        emit(args, totals, f"burst: {totals['executed']} task(s) run, "
             f"{totals['enqueued']} enqueued")
        return 0
    worker.run(workers=args.workers, sweep_interval=args.sweep_interval)
    return 0


def _register_metrics(psub) -> None:
    metrics = psub.add_parser("metrics", help="post metrics from the platforms")
    msub = metrics.add_subparsers(dest="metrics_command", required=True)
    p = msub.add_parser("fetch", help="read published posts' metrics (Facebook, Instagram, "
                                      "YouTube, TikTok insights) into the analytics table")
    p.add_argument("--account", help="only this channel account (name or id)")
    add_workspace(p)
    add_json(p)
    p.set_defaults(func=cmd_post_metrics_fetch)


def cmd_post_metrics_fetch(args: argparse.Namespace) -> int:
    """Exit 0 when every account was read (ok, partial, skipped), 1 when one was not."""
    from studio.db.session import get_engine
    from studio.publish.insights import fetch_metrics, summary_line

    with open_workspace(args) as (_session, ws):
        workspace_id = ws.id
    reports = fetch_metrics(workspace_id, account=args.account, engine=get_engine())
    rows = [r.as_dict() for r in reports]
    emit(args, rows, lambda: "\n".join(summary_line(r) for r in reports)
         or "no Facebook, Instagram, YouTube or TikTok accounts")
    return 1 if any(r.status in ("failed", "permission", "rate_limited") for r in reports) else 0
