"""A local server speaking the Facebook Graph API wire format for live video comments, for tests.

Only ``GET /v{N}/{live-video-id}/comments`` is served, as documented for the Live Video Comments
edge: ``access_token`` required (code 104 without it, 190 for an unknown token), ``filter``
(toplevel | stream), ``order`` (chronological | reverse_chronological), ``live_filter``
(filter_low_quality | no_filter), ``fields``, ``limit``, ``since`` (unix time), ``after`` /
``before`` cursors. Answers are ``{"data": [...], "paging": {"cursors": {"before", "after"},
"next"}}``; errors are ``{"error": {"message", "type", "code", "fbtrace_id"}}`` with HTTP 400.
Scripted rate limits answer with codes 4, 17, 32 or 613 like Graph does.

Use::

    with FacebookGraphFake(token="PAGE") as fb:
        fb.add_comment("111", "Lan", "chốt 2 trà", at)
        GraphComments("111", "PAGE", base_url=fb.base_url).poll()
"""

from __future__ import annotations

import base64
import json
import re
import threading
import uuid
from collections import deque
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.fakes.server import LocalServer

KNOWN_FIELDS = {"id", "message", "created_time", "from", "like_count", "comment_count",
                "parent", "attachment", "permalink_url"}
RATE_MESSAGES = {
    4: "(#4) Application request limit reached",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    613: "(#613) Calls to this api have exceeded the rate limit.",
}


def _cursor(index: int) -> str:
    return base64.b64encode(f"idx:{index}".encode()).decode().rstrip("=")


def _uncursor(cursor: str) -> int | None:
    try:
        text = base64.b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except ValueError:
        return None
    match = re.fullmatch(r"idx:(\d+)", text)
    return int(match.group(1)) if match else None


class FacebookGraphFake(LocalServer):
    def __init__(self, token: str = "PAGE-TOKEN") -> None:
        self.token = token
        self.videos: dict[str, list[dict]] = {}
        self.requests: list[dict] = []
        self._script: deque[int] = deque()
        self._lock = threading.Lock()
        self._serve(self._handler())

    @property
    def base_url(self) -> str:
        return self.origin + "/v21.0"

    def add_video(self, video_id: str) -> None:
        self.videos.setdefault(video_id, [])

    def add_comment(self, video_id: str, name: str, message: str, at: datetime) -> str:
        with self._lock:
            comments = self.videos.setdefault(video_id, [])
            cid = f"{video_id}_{len(comments) + 1}"
            comments.append({"id": cid, "message": message,
                             "created_time": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000"),
                             "from": {"id": str(abs(hash(name)) % 10**15), "name": name}})
            return cid

    def rate_limit(self, *codes: int) -> None:
        """The next len(codes) requests fail with these rate-limit codes."""
        self._script.extend(codes)

    # -- the endpoint --------------------------------------------------------------------------
    def answer(self, path: str, query: dict[str, str]) -> tuple[int, dict]:
        match = re.fullmatch(r"/v\d+\.\d+/([^/]+)/comments/?", path)
        if not match:
            return 400, _error("Unknown path components: " + path, "OAuthException", 2500)
        token = query.get("access_token")
        if not token:
            return 400, _error("An access token is required to request this resource.",
                               "OAuthException", 104)
        if token != self.token:
            return 400, _error("Invalid OAuth access token - Cannot parse access token",
                               "OAuthException", 190)
        if self._script:
            code = self._script.popleft()
            return 400, _error(RATE_MESSAGES[code], "OAuthException", code)
        video_id = match.group(1)
        if video_id not in self.videos:
            return 400, _error(f"Unsupported get request. Object with ID '{video_id}' does not "
                               "exist, cannot be loaded due to missing permissions, or does not "
                               "support this operation.", "GraphMethodException", 100,
                               error_subcode=33)
        problem = self._check_params(query)
        if problem:
            return 400, _error(problem, "OAuthException", 100)
        return 200, self._page(video_id, path, query)

    @staticmethod
    def _check_params(query: dict[str, str]) -> str | None:
        allowed = {"filter": {"toplevel", "stream"},
                   "order": {"chronological", "reverse_chronological"},
                   "live_filter": {"filter_low_quality", "no_filter"}}
        for name, values in allowed.items():
            if name in query and query[name] not in values:
                return f"(#100) {name} must be one of the following values: {', '.join(values)}"
        fields = re.sub(r"\{[^}]*\}", "", query.get("fields", "id"))
        unknown = [f for f in fields.split(",") if f and f not in KNOWN_FIELDS]
        if unknown:
            return f"(#100) Tried accessing nonexisting field ({unknown[0]}) on node type (Comment)"
        if "limit" in query and not query["limit"].isdigit():
            return "(#100) The parameter limit must be an integer"
        if "since" in query and not query["since"].isdigit():
            return "(#100) The parameter since must be a unix timestamp"
        if "after" in query and _uncursor(query["after"]) is None:
            return "(#100) The after cursor is not valid"
        return None

    def _page(self, video_id: str, path: str, query: dict[str, str]) -> dict:
        with self._lock:
            rows = list(enumerate(self.videos[video_id]))
        if "since" in query:
            since = int(query["since"])
            rows = [(i, c) for i, c in rows
                    if datetime.strptime(c["created_time"], "%Y-%m-%dT%H:%M:%S%z").timestamp()
                    >= since]
        if query.get("order") == "reverse_chronological":
            rows.reverse()
        if "after" in query:
            after = _uncursor(query["after"])
            pos = next((k for k, (i, _c) in enumerate(rows) if i == after), None)
            rows = rows[pos + 1:] if pos is not None else [r for r in rows if r[0] > after]
        limit = min(int(query.get("limit", 25)), 100)
        page, more = rows[:limit], len(rows) > limit
        wanted = set(re.sub(r"\{[^}]*\}", "", query.get("fields", "id,message,created_time"))
                     .split(",")) | {"id"}
        data = [{k: v for k, v in c.items() if k in wanted} for _i, c in page]
        body: dict = {"data": data}
        if page:
            body["paging"] = {"cursors": {"before": _cursor(page[0][0]),
                                          "after": _cursor(page[-1][0])}}
            if more:
                nxt = {**query, "after": _cursor(page[-1][0])}
                body["paging"]["next"] = f"{self.base_url}/{video_id}/comments?{urlencode(nxt)}"
        return body

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                fake.requests.append({"path": parts.path, "query": query})
                status, body = fake.answer(parts.path, query)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                data = json.dumps(_error("Unsupported post request.", "GraphMethodException",
                                         100)).encode()
                self.send_response(400)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def _error(message: str, kind: str, code: int, **extra) -> dict:
    return {"error": {"message": message, "type": kind, "code": code, **extra,
                      "fbtrace_id": uuid.uuid4().hex[:11].upper()}}
