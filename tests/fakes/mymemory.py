"""MyMemory's translation API (``GET http://api.mymemory.translated.net/get``), for tests.

deep-translator calls MyMemory over plain HTTP, so a test reaches this fake the way a user
behind a proxy reaches the real one: ``HTTP_PROXY`` points at this server, which receives the
absolute URL and answers only for MyMemory's host. Answers follow the public spec: ``q`` (at
most 500 bytes) and ``langpair`` ("vi-VN|en-GB") are mandatory, ``de`` is the optional contact
email; the body is ``{"responseData": {"translatedText", "match"}, "responseStatus",
"responseDetails", "quotaFinished", "matches"}``. Scripted failures: HTTP 429, and the
exhausted daily quota, which MyMemory reports with HTTP 200 and the warning as the text.
"""

from __future__ import annotations

import json
import re
from collections import deque
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlparse

from tests.fakes.server import LocalServer

HOST = "api.mymemory.translated.net"
QUOTA = ("MYMEMORY WARNING: YOU USED ALL AVAILABLE FREE TRANSLATIONS FOR TODAY. NEXT AVAILABLE "
         "IN  10 HOURS 02 MINUTES 11 SECONDS VISIT HTTPS://MYMEMORY.TRANSLATED.NET/DOC/"
         "USAGELIMITS.PHP TO TRANSLATE MORE")


class MyMemoryFake(LocalServer):
    def __init__(self, phrasebook: dict[str, str] | None = None) -> None:
        self.phrasebook = dict(phrasebook or {})
        self.requests: list[dict] = []
        self._script: deque[dict] = deque()
        self._serve(self._handler())

    @property
    def proxy_url(self) -> str:
        return self.origin

    def script(self, *steps: dict) -> None:
        """Queue behaviours for the next calls: {"status": 429} or {"quota": True}."""
        self._script.extend(steps)

    def translate(self, text: str) -> str:
        for phrase, translation in sorted(self.phrasebook.items(), key=lambda kv: -len(kv[0])):
            text = re.sub(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", translation, text,
                          flags=re.IGNORECASE)
        return text

    def _handler(self):
        fake = self

        def answer(text: str, status: int = 200, details: str = "", quota: bool = False) -> dict:
            return {"responseData": {"translatedText": text, "match": 0.85 if status == 200
                                     else 0},
                    "quotaFinished": quota, "mtLangSupported": None, "responseDetails": details,
                    "responseStatus": status, "responderId": None, "exception_code": None,
                    "matches": []}

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                url = urlparse(self.path)
                if url.hostname != HOST:  # a proxy that only knows MyMemory
                    return self._json(502, {"error": f"no route to {url.hostname}"})
                if url.path != "/get":
                    return self._json(404, {"responseStatus": 404,
                                            "responseDetails": "NOT FOUND"})
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                fake.requests.append(query)
                step = fake._script.popleft() if fake._script else {}
                if step.get("status"):
                    return self._json(step["status"], {"responseStatus": step["status"],
                                                       "responseDetails": "TOO MANY REQUESTS"})
                if step.get("quota"):
                    return self._json(200, answer(QUOTA, 429, QUOTA, quota=True))
                q, pair = query.get("q", ""), query.get("langpair", "")
                if not q:
                    return self._json(200, answer("NO QUERY SPECIFIED. EXAMPLE REQUEST: "
                                                  "GET?Q=HELLO&LANGPAIR=EN|IT", 403))
                if len(q.encode("utf-8")) > 500:
                    return self._json(200, answer("QUERY LENGTH LIMIT EXCEEDED. MAX ALLOWED "
                                                  "QUERY : 500 CHARS", 403))
                if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z]{2,4})?\|[A-Za-z]{2,3}"
                                    r"(-[A-Za-z]{2,4})?", pair):
                    return self._json(200, answer("INVALID LANGUAGE PAIR SPECIFIED. EXAMPLE: "
                                                  "LANGPAIR=EN|IT USING 2 LETTER ISO OR RFC3066 "
                                                  "LIKE ZH-CN.", 403))
                self._json(200, answer(fake.translate(q)))

            def _json(self, status: int, obj: dict) -> None:
                data = json.dumps(obj, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler
