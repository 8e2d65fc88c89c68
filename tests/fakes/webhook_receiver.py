"""A local webhook receiver (loopback only) for the publishing tests and benchmark.

It checks what a real receiver would: the HMAC-SHA256 signature over ``timestamp + "." + body``
and a timestamp within five minutes (401 otherwise), a JSON body with an idempotency key (400
otherwise). It does *not* deduplicate, so a double delivery shows up in :attr:`deliveries`.

Failure plays, set per test: ``script`` is a list of actions consumed one per request ("ok",
"429:<retry-after>", "500", "400", "401", "slow:<seconds>" = record the delivery then answer
late, as a platform that got the post but whose answer never arrives); ``delay_s`` delays every
answer.
``GET /status?idempotency_key=K`` answers 200 with the delivery or 404. ``POST /token`` is an
OAuth-style endpoint with single-use rotating refresh tokens.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlparse

from tests.fakes.server import LocalServer


class Receiver(LocalServer):
    def __init__(self, secret: str = "s3cret-webhook-key") -> None:
        self.secret = secret
        self.deliveries: Counter[str] = Counter()
        self.arrivals: dict[str, float] = {}
        self.bodies: dict[str, dict] = {}
        self.script: list[str] = []
        self.delay_s = 0.0
        self.rejected = 0
        self.requests = 0
        self.refresh_token = "rt-0"
        self.access_token = "at-0"
        self.token_calls = 0
        self.token_script: list[str] = []
        self.lock = threading.Lock()
        self._serve(self._handler())

    @property
    def url(self) -> str:
        return self.origin

    def duplicates(self) -> dict[str, int]:
        return {k: n for k, n in self.deliveries.items() if n > 1}

    def _next_action(self) -> str:
        with self.lock:
            return self.script.pop(0) if self.script else "ok"

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out without a 40 ms stall

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def _send(self, status: int, data: dict, headers: dict | None = None) -> None:
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                try:
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout play): like a real server, move on

            def do_GET(self) -> None:
                url = urlparse(self.path)
                if url.path != "/status":
                    return self._send(404, {"error": "not found"})
                key = parse_qs(url.query).get("idempotency_key", [""])[0]
                with receiver.lock:
                    found = receiver.deliveries.get(key, 0) > 0
                if not found:
                    return self._send(404, {"error": "unknown idempotency key"})
                return self._send(200, {"id": f"wh-{key}", "url": f"{receiver.url}/p/{key}"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if self.path == "/token":
                    return self._token(body)
                with receiver.lock:
                    receiver.requests += 1
                stamp = self.headers.get("X-Studio-Timestamp", "")
                given = self.headers.get("X-Studio-Signature", "")
                mac = hmac.new(receiver.secret.encode(), stamp.encode() + b"." + body,
                               hashlib.sha256).hexdigest()
                if not stamp.isdigit() or abs(time.time() - int(stamp)) > 300 or \
                        not hmac.compare_digest(given, "sha256=" + mac):
                    with receiver.lock:
                        receiver.rejected += 1
                    return self._send(401, {"error": "bad signature"})
                try:
                    data = json.loads(body)
                    key = data["idempotency_key"]
                except (ValueError, KeyError):
                    return self._send(400, {"error": "body must be JSON with idempotency_key"})
                if self.headers.get("Idempotency-Key") != key:
                    return self._send(400, {"error": "Idempotency-Key header mismatch"})
                action = receiver._next_action()
                if action.startswith("429"):
                    retry = action.partition(":")[2] or "1"
                    return self._send(429, {"error": "slow down"}, {"Retry-After": retry})
                if action == "500":
                    return self._send(500, {"error": "internal"})
                if action == "401":
                    return self._send(401, {"error": "access token expired"})
                if action == "400":
                    return self._send(400, {"error": "text too long"})
                with receiver.lock:
                    receiver.deliveries[key] += 1
                    receiver.arrivals.setdefault(key, time.time())
                    receiver.bodies[key] = data
                if action.startswith("slow"):
                    time.sleep(float(action.partition(":")[2] or "5"))
                if receiver.delay_s:
                    time.sleep(receiver.delay_s)
                return self._send(200, {"id": f"wh-{key}", "url": f"{receiver.url}/p/{key}"})

            def _token(self, body: bytes) -> None:
                form = parse_qs(body.decode())
                with receiver.lock:
                    receiver.token_calls += 1
                    action = receiver.token_script.pop(0) if receiver.token_script else "ok"
                    if action == "503":
                        return self._send(503, {"error": "temporarily unavailable"})
                    given = form.get("refresh_token", [""])[0]
                    if given != receiver.refresh_token:
                        return self._send(400, {"error": "invalid_grant"})
                    if action != "no_refresh":  # single-use: the old one is spent now
                        receiver.refresh_token = "rt-" + secrets.token_hex(4)
                    receiver.access_token = "at-" + secrets.token_hex(4)
                    data = {"access_token": receiver.access_token, "expires_in": 3600,
                            "refresh_token": "" if action == "no_refresh"
                            else receiver.refresh_token}
                return self._send(200, data)

        return Handler
