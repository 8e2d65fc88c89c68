"""Core subcommands: ``init`` and ``demo``."""

from __future__ import annotations

import argparse

from studio.cli import add_json, emit


def register(sub) -> None:
    p = sub.add_parser("init", help="create or upgrade the database (safe to repeat)")
    p.add_argument("--with-demo", action="store_true",
                   help="also load the demo catalog when the database is new")
    add_json(p)
    p.set_defaults(func=cmd_init)
    p = sub.add_parser("serve", help="serve the studio (Streamlit) on STUDIO_HOST:STUDIO_PORT")
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("demo", help="load the demo producers and products (idempotent)")
    add_json(p)
    p.set_defaults(func=cmd_demo)


def cmd_init(args: argparse.Namespace) -> int:
    from studio.setup import init_studio

    report = init_studio(with_demo=args.with_demo)
    emit(args, report, lambda: f"database ready at {report['database']}"
         + ("; demo catalog loaded" if report["demo_loaded"] else ""))
    if report["admin_password"] and not args.json:
        # Shown once, never stored in clear: the console is the only place it appears.
        print(f"first start: user 'admin' created with password: {report['admin_password']}\n"
              "  keep it safe; change it on the Users page (or set STUDIO_ADMIN_PASSWORD "
              "before the first start)")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from studio.demo import load_demo
    from studio.setup import init_studio

    init_studio()
    report = load_demo()
    emit(args, report, lambda: f"demo workspace '{report['workspace']}': "
         f"{report['producers']} producers, {report['products']} products "
         f"({report['created']} new)")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Run Streamlit in the foreground, with a queue consumer and the calendar feed beside it."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from studio.config import get_settings

    settings = get_settings()
    root = Path(__file__).resolve().parent.parent
    cmd = [sys.executable, "-m", "streamlit", "run", str(root / "app.py"),
           "--server.address", settings.host, "--server.port", str(settings.port),
           "--server.headless", "true"]
    if settings.host not in ("127.0.0.1", "localhost"):
        print("warning: serving on the network; set an admin password first "
              "(STUDIO_ADMIN_PASSWORD)", file=sys.stderr)
    # One queue consumer beside Streamlit (publishing, long media jobs); stopped with it.
    worker = subprocess.Popen([sys.executable, "-m", "studio", "worker"], cwd=root)
    # Long media steps go to that consumer instead of a thread inside Streamlit.
    env = {**os.environ, "STUDIO_MEDIA_JOBS": os.environ.get("STUDIO_MEDIA_JOBS", "queue")}
    # The calendar feed (subscription URLs) on STUDIO_ICS_PORT; Streamlit cannot serve routes.
    feed = subprocess.Popen([sys.executable, "-m", "studio", "ics", "serve"], cwd=root)
    try:
        return subprocess.call(cmd, cwd=root, env=env)
    finally:
        feed.terminate()  # read-only: nothing to finish
        worker.send_signal(signal.SIGINT)  # graceful: running publishes finish first
        try:
            worker.wait(15)
        except subprocess.TimeoutExpired:
            worker.kill()
        try:
            feed.wait(5)
        except subprocess.TimeoutExpired:
            feed.kill()
