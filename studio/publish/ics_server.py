"""A read-only HTTP feed of each workspace's calendar, for Google or Apple Calendar subscriptions.

Streamlit cannot serve routes, so ``python -m studio serve`` starts this tiny standard-library
server beside it (``python -m studio ics serve``) on STUDIO_HOST and STUDIO_ICS_PORT (default 8502).
The only route is ``GET /calendar/<token>.ics``; the token is a per-workspace secret kept in
``Workspace.settings["ics_token"]``. Rotating it invalidates every old link. Anything else is a
404 (or 405 for another method) with the same body, the token is never logged, and sockets time
out quickly.
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import secrets
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy import select
from sqlalchemy.orm import Session

from studio.db.models import Workspace
from studio.errors import ConfigError

log = logging.getLogger(__name__)

TOKEN_KEY = "ics_token"
DEFAULT_PORT = 8502
# secrets.token_urlsafe(24) is 32 characters of [A-Za-z0-9_-].
_ROUTE = re.compile(r"/calendar/([A-Za-z0-9_-]{32})\.ics")
_MASK = re.compile(r"(/calendar/)[^\s\"]*")
NOT_FOUND = b"not found\n"
UNAVAILABLE = b"calendar temporarily unavailable; try again later\n"
NOT_ALLOWED = b"method not allowed: this feed is read-only (GET)\n"


def ics_port() -> int:
    """STUDIO_ICS_PORT, default 8502; a clear error when it is not a usable port."""
    raw = os.environ.get("STUDIO_ICS_PORT", "").strip()
    if not raw:
        return DEFAULT_PORT
    try:
        port = int(raw)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise ConfigError(f"STUDIO_ICS_PORT={raw!r} is not a port; set a number from 1 to "
                          f"65535 (default {DEFAULT_PORT}) or unset it")
    return port


def feed_token(session: Session, ws: Workspace, *, rotate: bool = False) -> str:
    """The workspace's feed token, created on first use; ``rotate`` replaces it (old links die)."""
    current = (ws.settings or {}).get(TOKEN_KEY)
    if current and not rotate:
        return current
    token = secrets.token_urlsafe(24)
    ws.settings = {**(ws.settings or {}), TOKEN_KEY: token}  # a new dict: JSON change tracked
    session.flush()
    return token


def workspace_for_token(session: Session, token: str) -> Workspace | None:
    """The workspace whose token equals ``token``, comparing against every one in constant time."""
    given = token.encode()
    found = None
    for ws in session.scalars(select(Workspace).order_by(Workspace.id)):
        stored = (ws.settings or {}).get(TOKEN_KEY) or ""
        # Compare even empty tokens so the work done does not depend on what exists.
        if hmac.compare_digest(stored.encode() or b"\0", given) and found is None:
            found = ws
    return found


def feed_base_url(host: str | None = None, port: int | None = None) -> str:
    """Where calendar apps reach the feed: STUDIO_PUBLIC_URL, else this machine's address."""
    from studio.config import get_settings

    settings = get_settings()
    if settings.public_url:
        return settings.public_url.rstrip("/")
    host = host or settings.host
    if host in ("127.0.0.1", "localhost", "::1"):
        address = "127.0.0.1"  # served on this machine only: a LAN address would not answer
    else:
        from studio.workshop.service import lan_address

        address = lan_address()
    return f"http://{address}:{port or ics_port()}"


def subscription_url(token: str, base: str | None = None) -> str:
    return f"{(base or feed_base_url()).rstrip('/')}/calendar/{token}.ics"


def mask_path(text: str) -> str:
    """``text`` with anything after ``/calendar/`` hidden (request lines, paths in logs)."""
    return _MASK.sub(r"\1***.ics", text)


class FeedHandler(BaseHTTPRequestHandler):
    server_version = "OCOPStudioICS/1"
    timeout = 10  # seconds a client may take to send its request
    protocol_version = "HTTP/1.0"  # one request per connection: nothing lingers

    def version_string(self) -> str:
        return self.server_version  # no Python version on the wire

    def _send(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8",
              extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        # The raw request target: http.server rewrites a leading "//" in self.path.
        words = self.requestline.split()
        path = (words[1] if len(words) == 3 else "").partition("?")[0]
        match = _ROUTE.fullmatch(path)
        if not match:
            self._send(404, NOT_FOUND)
            return
        from studio.db.session import session_scope
        from studio.publish.ics import feed

        try:
            with session_scope() as session:
                ws = workspace_for_token(session, match.group(1))
                body = feed(session, ws) if ws is not None else None
        except Exception as exc:  # database down or not migrated: say so, keep serving
            log.error("calendar feed unavailable: %s (run 'python -m studio init', check "
                      "DATABASE_URL)", type(exc).__name__)
            self._send(503, UNAVAILABLE, extra={"Retry-After": "300"})
            return
        if body is None:
            self._send(404, NOT_FOUND)
            return
        self._send(200, body, "text/calendar; charset=utf-8",
                   {"Cache-Control": "private, max-age=300",
                    "Content-Disposition": 'inline; filename="ocop-calendar.ics"'})

    def _not_allowed(self) -> None:
        self._send(405, NOT_ALLOWED, extra={"Allow": "GET"})

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = _not_allowed  # noqa: N815

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (base class signature)
        log.info("%s %s", self.address_string(), mask_path(format % args))

    def log_error(self, format: str, *args) -> None:  # noqa: A002
        log.warning("%s %s", self.address_string(), mask_path(format % args))


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 16

    def handle_error(self, request, client_address) -> None:
        # The default prints a traceback with the request (and its token) to stderr.
        exc = sys.exc_info()[1]
        log.warning("calendar feed request from %s failed: %s", client_address[0],
                    type(exc).__name__)


def make_server(host: str = "127.0.0.1", port: int = 0) -> FeedServer:
    """A bound server (``port=0``: any free port, see ``server_address``); call serve_forever."""
    try:
        return FeedServer((host, port), FeedHandler)
    except OSError as exc:
        raise ConfigError(f"cannot serve the calendar feed on {host}:{port} ({exc.strerror}); "
                          "choose another port with --port or STUDIO_ICS_PORT") from None


def serve(host: str, port: int) -> None:
    server = make_server(host, port)
    log.info("calendar feed on http://%s:%s/calendar/<token>.ics", host, port)
    try:
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
