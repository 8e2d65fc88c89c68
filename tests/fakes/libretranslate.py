"""A local server speaking LibreTranslate's HTTP API, for tests.

It follows LibreTranslate's documented API and its own request handling: ``POST /translate``
takes ``q``, ``source``, ``target``, ``format`` and ``api_key`` from a JSON body, a form body or
the query string (deep-translator's LibreTranslator sends them as query parameters); ``q`` may
be a string or a list. Answers are ``{"translatedText": ...}``; errors are ``{"error": "..."}``
with 400 (missing parameter, unsupported language or format), 403 (bad API key) and 429
(slowdown). ``GET /languages`` lists ``{"code", "name", "targets"}``.

The "translation" is a phrasebook applied longest phrase first; unknown words are kept, as a
real engine keeps a name it does not know.
"""

from __future__ import annotations

import json
import re
import time
from collections import deque
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlparse

from tests.fakes.server import LocalServer

NAMES = {"en": "English", "vi": "Vietnamese", "fr": "French", "de": "German", "ja": "Japanese"}


class LibreTranslateFake(LocalServer):
    def __init__(self, phrasebook: dict[str, str] | None = None, api_keys: set[str] | None = None,
                 languages: tuple[str, ...] = ("en", "vi", "fr", "de", "ja")) -> None:
        self.phrasebook = dict(phrasebook or {})
        self.api_keys = api_keys  # None: the server runs without --api-keys
        self.languages = languages
        self.requests: list[dict] = []
        self._script: deque[dict] = deque()
        self._serve(self._handler())

    @property
    def url(self) -> str:
        return self.origin

    def script(self, *steps: dict) -> None:
        """Queue behaviours for the next /translate calls: {"status": 429|500|503} or
        {"delay": seconds} (a slow server)."""
        self._script.extend(steps)

    def translate(self, text: str) -> str:
        out = text
        for phrase, translation in sorted(self.phrasebook.items(), key=lambda kv: -len(kv[0])):
            out = re.sub(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", translation, out,
                         flags=re.IGNORECASE)
        return out

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                if urlparse(self.path).path.rstrip("/") != "/languages":
                    return self._json(404, {"error": "Not Found"})
                self._json(200, [{"code": c, "name": NAMES.get(c, c),
                                  "targets": list(fake.languages)} for c in fake.languages])

            def do_POST(self) -> None:
                parsed = urlparse(self.path)
                if parsed.path.rstrip("/") != "/translate":
                    return self._json(404, {"error": "Not Found"})
                values = self._values(parsed.query)
                if values is None:
                    return self._json(400, {"error": "Invalid JSON format"})
                fake.requests.append(values)
                step = fake._script.popleft() if fake._script else {}
                if step.get("delay"):
                    time.sleep(step["delay"])
                if step.get("status") == 429:
                    return self._json(429, {"error": "Slowdown: 20 per 1 minute"})
                if step.get("status"):
                    return self._json(step["status"], {"error": "Translation error"})
                if fake.api_keys is not None and values.get("api_key") not in fake.api_keys:
                    return self._json(403, {"error": "Invalid API key"})
                q = values.get("q")
                for name in ("q", "source", "target"):
                    if not values.get(name):
                        return self._json(400, {"error": f"Invalid request: missing {name} "
                                                         "parameter"})
                fmt = values.get("format") or "text"
                if fmt not in ("text", "html"):
                    return self._json(400, {"error": f"{fmt} format is not supported"})
                for name in ("source", "target"):
                    code = values[name]
                    if code not in fake.languages and not (name == "source" and code == "auto"):
                        return self._json(400, {"error": f"{code} is not supported"})
                if isinstance(q, list):
                    return self._json(200, {"translatedText": [fake.translate(x) for x in q]})
                self._json(200, {"translatedText": fake.translate(q)})

            def _values(self, query: str) -> dict | None:
                # LibreTranslate reads JSON when the body is JSON, else request.values
                # (query string + form body).
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if "application/json" in (self.headers.get("Content-Type") or ""):
                    try:
                        data = json.loads(body or b"null")
                    except json.JSONDecodeError:
                        return None
                    return data if isinstance(data, dict) else None
                values = {k: v[0] for k, v in parse_qs(query).items()}
                values.update({k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()})
                return values

            def _json(self, status: int, obj) -> None:
                data = json.dumps(obj, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler
