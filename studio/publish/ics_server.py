"""A read-only HTTP feed of each workspace's calendar, for Google or Apple Calendar subscriptions.

Streamlit cannot serve routes, so ``python -m studio serve`` starts this tiny standard-library
server beside it (``python -m studio ics serve``) on STUDIO_HOST and STUDIO_ICS_PORT (default 8502).
Two routes:

- ``GET /calendar/<token>.ics``: the token is a per-workspace secret kept in
  ``Workspace.settings["ics_token"]``. Rotating it invalidates every old link.
- ``GET|HEAD /media/<asset id>/<expiry>/<signature>.<ext>``: a post's photo or video, for the
  platforms that fetch media from a public URL (Instagram, TikTok pull, Lazada, Zalo). The link is
  signed with a key derived from the studio secret (studio.publish.media) and expires; byte
  ranges are served, so a platform's fetcher can resume.

Anything else is a 404 (or 405 for another method) with the same body, tokens and signatures are
never logged, and sockets time out quickly.
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
_MEDIA = re.compile(r"/media/([1-9][0-9]{0,17})/([1-9][0-9]{0,11})/([0-9a-f]{40})\.([a-z0-9]{1,8})")
_RANGE = re.compile(r"bytes=([0-9]*)-([0-9]*)")
_MASK = re.compile(r"(/calendar/|/media/)[^\s\"]*")
CHUNK = 1 << 20
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
    """``text`` with anything after ``/calendar/`` or ``/media/`` hidden (request lines, logs)."""
    return _MASK.sub(r"\1***", text)


def byte_range(header: str | None, size: int) -> tuple[int, int] | None | bool:
    """The (first, last) byte asked by a ``Range`` header; None for the whole file; False when
    the range cannot be satisfied (416)."""
    if not header:
        return None
    match = _RANGE.fullmatch(header.strip())
    if not match or not (match.group(1) or match.group(2)):
        return None  # malformed or several ranges: RFC 9110 lets us send the whole file
    first, last = match.groups()
    if not first:  # the last N bytes
        n = int(last)
        return (max(0, size - n), size - 1) if n and size else False
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        return False
    return start, end


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

    def _target(self) -> str:
        # The raw request target: http.server rewrites a leading "//" in self.path.
        words = self.requestline.split()
        return (words[1] if len(words) == 3 else "").partition("?")[0]

    def do_HEAD(self) -> None:  # noqa: N802
        media = _MEDIA.fullmatch(self._target())
        if media:
            self._media(media)
        else:
            self._not_allowed()

    def _media(self, match: re.Match) -> None:
        from studio.assets import data_dir
        from studio.db.models import Asset
        from studio.db.session import session_scope
        from studio.publish.media import media_link_valid

        asset_id, expires, signature, ext = match.groups()
        try:
            with session_scope() as session:
                found = session.get(Asset, int(asset_id))
                row = (found.path, found.mime) if found is not None else None
        except Exception as exc:
            log.error("media unavailable: %s (check DATABASE_URL)", type(exc).__name__)
            self._send(503, UNAVAILABLE, extra={"Retry-After": "60"})
            return
        if row is None or not row[0].endswith("." + ext) or not media_link_valid(
                int(asset_id), row[0], int(expires), signature):
            self._send(404, NOT_FOUND)
            return
        path = data_dir() / row[0]
        try:
            fh = open(path, "rb")  # noqa: SIM115 (closed below, after streaming)
        except OSError:
            self._send(404, NOT_FOUND)
            return
        with fh:
            size = os.fstat(fh.fileno()).st_size
            wanted = byte_range(self.headers.get("Range"), size)
            common = {"Accept-Ranges": "bytes", "Cache-Control": "private, max-age=3600"}
            if wanted is False:
                self._send(416, b"", extra={**common, "Content-Range": f"bytes */{size}"})
                return
            first, last = wanted or (0, size - 1)
            status = 206 if wanted else 200
            self.send_response(status)
            self.send_header("Content-Type", row[1])
            self.send_header("Content-Length", str(last - first + 1 if size else 0))
            self.send_header("X-Content-Type-Options", "nosniff")
            for key, value in common.items():
                self.send_header(key, value)
            if wanted:
                self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
            self.end_headers()
            if self.command == "HEAD" or not size:
                return
            fh.seek(first)
            left = last - first + 1
            while left > 0:
                chunk = fh.read(min(CHUNK, left))
                if not chunk:
                    break
                self.wfile.write(chunk)
                left -= len(chunk)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self._target()
        media = _MEDIA.fullmatch(path)
        if media:
            self._media(media)
            return
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
        allow = "GET, HEAD" if _MEDIA.fullmatch(self._target()) else "GET"
        self._send(405, NOT_ALLOWED, extra={"Allow": allow})

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed  # noqa: N815

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
