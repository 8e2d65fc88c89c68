"""A tiny threaded HTTP server for platform fakes, plus scripted failures.

A fake subclasses :class:`FakePlatform` and implements ``handle(req) -> Reply``. Every request is
recorded in ``fake.requests`` (method, path, query, headers, body) so tests assert on exactly what
the channel sent. ``fake.fail(...)`` queues failures for the next matching requests:

- ``{"status": 429, "headers": {"Retry-After": "7"}, "body": {...}}``: answer this instead of
  handling the request (nothing happens on the platform side);
- ``{"delay": 1.0}``: handle the request (the platform *does* act on it), then answer late, so a
  client with a shorter timeout sees no answer: the unknown-outcome case;
- ``{"drop": 0.5}``: read the request, let the platform keep that fraction of an upload body
  (``req.kept``), then close the connection without an answer.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from studio.publish.channels.base import MediaFile
from tests.fakes.server import LocalServer


@dataclass
class Req:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes
    #: For a dropped upload: how many body bytes the platform kept.
    kept: int | None = None

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    def json(self) -> dict:
        return json.loads(self.body.decode("utf-8"))

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode("utf-8"), keep_blank_values=True))

    def multipart(self) -> dict[str, tuple[str | None, bytes]]:
        """{field name: (filename or None, bytes)} of a multipart/form-data body."""
        ctype = self.header("content-type")
        if not ctype.startswith("multipart/form-data"):
            raise ValueError(f"not multipart: {ctype!r}")
        raw = b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + self.body
        msg = BytesParser(policy=HTTP).parsebytes(raw)
        parts = {}
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            parts[name] = (part.get_filename(), part.get_payload(decode=True) or b"")
        return parts


@dataclass
class Reply:
    status: int = 200
    body: dict | list | bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)


class FakePlatform(LocalServer):
    """Base of the platform fakes: override ``handle``."""

    poll_s = 0.02  # a short poll keeps shutdown (once per test) fast

    def __init__(self) -> None:
        self.requests: list[Req] = []
        self._faults: deque[tuple[str, dict]] = deque()
        self._lock = threading.Lock()
        self._serve(self._handler_class())

    @property
    def base_url(self) -> str:
        return self.origin

    # -- scripting ---------------------------------------------------------------------------
    def fail(self, path_contains: str, *faults: dict) -> None:
        """Queue ``faults`` for the next requests whose path contains ``path_contains``."""
        with self._lock:
            for fault in faults:
                self._faults.append((path_contains, fault))

    def _take_fault(self, path: str) -> dict | None:
        with self._lock:
            for i, (needle, fault) in enumerate(self._faults):
                if needle in path:
                    del self._faults[i]
                    return fault
        return None

    def calls(self, path_contains: str = "", method: str | None = None) -> list[Req]:
        return [r for r in self.requests if path_contains in r.path
                and (method is None or r.method == method)]

    def handle(self, req: Req) -> Reply:  # pragma: no cover - overridden
        raise NotImplementedError

    # -- plumbing ----------------------------------------------------------------------------
    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _any(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                req = Req(self.command, parts.path, dict(parse_qsl(parts.query,
                                                                    keep_blank_values=True)),
                          headers, body)
                with fake._lock:
                    fake.requests.append(req)
                fault = fake._take_fault(parts.path)
                if fault and "drop" in fault:
                    req.kept = int(len(body) * float(fault["drop"]))
                    fake.handle(req)
                    self.close_connection = True
                    self.connection.close()
                    return
                if fault and "status" in fault:
                    reply = Reply(fault["status"], fault.get("body", b""),
                                  dict(fault.get("headers", {})))
                else:
                    reply = fake.handle(req)
                    if fault and "delay" in fault:
                        time.sleep(float(fault["delay"]))
                self._send(reply)

            def _send(self, reply: Reply) -> None:
                body = reply.body
                headers = dict(reply.headers)
                if isinstance(body, (dict, list)):
                    body = json.dumps(body).encode()
                    headers.setdefault("Content-Type", "application/json; charset=UTF-8")
                elif isinstance(body, str):
                    body = body.encode()
                try:
                    self.send_response(reply.status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = _any

        return Handler


def video_file(tmp_path: Path, size: int = 300_000, *, name: str = "clip.mp4",
               width: int = 1080, height: int = 1920, duration_s: float = 30.0,
               public_url: str = "") -> MediaFile:
    """A file of ``size`` patterned bytes described as a vertical clip (channels read the
    declared metadata; the media pipeline fills it in production)."""
    path = tmp_path / name
    path.write_bytes(bytes((i * 7 + i // 251) % 256 for i in range(size)))
    return MediaFile(path=path, mime="video/mp4", size=size, width=width, height=height,
                     duration_s=duration_s, public_url=public_url)


def image_file(tmp_path: Path, name: str = "photo.jpg", size: int = 20_000,
               public_url: str = "") -> MediaFile:
    path = tmp_path / name
    path.write_bytes(b"\xff\xd8\xff\xe0" + bytes(i % 256 for i in range(size - 4)))
    return MediaFile(path=path, mime="image/jpeg", size=size, width=800, height=800,
                     public_url=public_url)
