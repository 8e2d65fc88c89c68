"""Where comments come from: a CSV or JSON export, pasted text, or a Facebook live video.

Files are checked whole before anything is used: one bad row rejects the file with a table of
(row, column, reason), so nothing is half-stored. Times without a zone are read in the workspace's
zone (Asia/Ho_Chi_Minh by default) and kept in UTC.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from studio.errors import ConfigError, EngineError, MediaError, NotFound, Problem, ValidationFailed
from studio.i18n import fold, nfc
from studio.live.orders import Comment

MAX_BYTES = 20 * 1024 * 1024
MAX_COMMENTS = 100_000
DEFAULT_TZ = "Asia/Ho_Chi_Minh"
# Accepted column names (folded): time, user, comment.
COLUMN_NAMES = {
    "time": ("time", "created_time", "timestamp", "thoi gian", "gio", "at", "date"),
    "user": ("user", "name", "from", "nguoi dung", "ten", "khach", "username"),
    "comment": ("comment", "message", "text", "binh luan", "noi dung"),
}
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M",
                 "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z")


def comment_key(comment: Comment) -> str:
    """A stable id: the platform's id, else a hash of (time, user, text)."""
    if comment.id:
        return comment.id
    raw = f"{comment.at.isoformat()}\x1f{comment.user}\x1f{comment.text}"
    return "h:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


# -- times -------------------------------------------------------------------------------------
def parse_time(value: object, tz: str = DEFAULT_TZ) -> datetime:
    """An aware UTC datetime from ISO 8601, 'YYYY-MM-DD HH:MM[:SS]', 'DD/MM/YYYY HH:MM[:SS]',
    Graph's '2026-11-23T01:02:03+0000' or unix seconds; ValueError otherwise."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(float(value), UTC)
    text = str(value or "").strip()
    if not text:
        raise ValueError("empty")
    if text.isdigit() and len(text) in (10, 13):
        return datetime.fromtimestamp(int(text) / (1000 if len(text) == 13 else 1), UTC)
    parsed = None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        for fmt in _TIME_FORMATS:
            try:
                parsed = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        raise ValueError(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(tz))
    return parsed.astimezone(UTC)


# -- files -------------------------------------------------------------------------------------
def decode_text(data: bytes) -> str:
    if not data or not data.strip():
        raise ValidationFailed([Problem("-", "live_file_empty", {}, 1)])
    if len(data) > MAX_BYTES:
        raise MediaError(f"the comments file is {len(data) / 1024 / 1024:.0f} MB; the limit is "
                         f"{MAX_BYTES // 1024 // 1024} MB: split the export into several files")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValidationFailed([Problem("-", "live_not_utf8", {}, line)]) from exc
    if "\x00" in text:
        raise ValidationFailed([Problem("-", "live_binary", {}, 1)])
    return nfc(text)


def read_comments(data: bytes, filename: str = "", tz: str = DEFAULT_TZ) -> list[Comment]:
    """Comments from a CSV or JSON export (columns or keys: time, user, comment).

    Raises:
        ValidationFailed: empty file, not UTF-8, missing columns, bad times or empty comments;
            every problem is listed with its row.
        MediaError: the file is larger than 20 MB.
    """
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"unknown time zone '{tz}'; use an IANA name such as "
                          f"{DEFAULT_TZ}") from exc
    text = decode_text(data)
    name = filename.lower()
    if name.endswith((".json", ".jsonl")) or text.lstrip()[:1] in ("[", "{"):
        records, first_row = _json_records(text, name.endswith(".jsonl")), 1
    else:
        records, first_row = _csv_records(text), 2
    if len(records) > MAX_COMMENTS:
        raise ValidationFailed([Problem("-", "live_too_many", {"max": MAX_COMMENTS},
                                        MAX_COMMENTS + first_row)])
    comments, problems = [], []
    for n, record in enumerate(records, start=first_row):
        try:
            at = parse_time(record.get("time"), tz)
        except (ValueError, OverflowError, OSError):
            value = str(record.get("time"))[:40]
            problems.append(Problem("time", "live_bad_time", {"value": value}, n))
            continue
        body = nfc(str(record.get("comment") or "")).strip()
        if not body:
            problems.append(Problem("comment", "live_empty_comment", {}, n))
            continue
        user = nfc(str(record.get("user") or "")).strip() or f"#{n}"
        comments.append(Comment(at, user, body, str(record.get("id") or "")))
    if problems:
        raise ValidationFailed(problems)
    if not comments:
        raise ValidationFailed([Problem("-", "live_file_empty", {}, 1)])
    return comments


def _column_map(header: list[str]) -> tuple[dict[str, int], list[Problem]]:
    folded = [fold(h).strip() for h in header]
    found, problems = {}, []
    for column, names in COLUMN_NAMES.items():
        hits = [i for i, h in enumerate(folded) if h in names]
        if not hits:
            problems.append(Problem(column, "live_missing_column",
                                    {"found": ", ".join(header)[:80]}, 1))
        else:
            found[column] = hits[0]
    return found, problems


def _csv_records(text: str) -> list[dict]:
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        rows = [r for r in reader if any(c.strip() for c in r)]
    except csv.Error as exc:  # a cell over the csv module's limit (128 KB), or broken quoting
        code = "too_long" if "field limit" in str(exc) else "live_binary"
        raise ValidationFailed([Problem("-", code, {"max": csv.field_size_limit()},
                                        reader.line_num)]) from exc
    if not rows:
        raise ValidationFailed([Problem("-", "live_file_empty", {}, 1)])
    columns, problems = _column_map(rows[0])
    if problems:
        raise ValidationFailed(problems)
    if len(rows) == 1:
        raise ValidationFailed([Problem("-", "live_no_rows", {}, 2)])
    return [{key: (row[i] if i < len(row) else "") for key, i in columns.items()}
            for row in rows[1:]]


def _json_records(text: str, lines: bool) -> list[dict]:
    try:
        if lines:
            data = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed([Problem("-", "live_bad_json", {"error": exc.msg}, exc.lineno)]) \
            from exc
    if isinstance(data, dict):
        data = data.get("comments", data.get("data"))
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise ValidationFailed([Problem("-", "live_json_shape", {}, 1)])
    records = []
    for raw in data:
        by_fold = {fold(str(k)).strip(): v for k, v in raw.items()}
        record = {"id": raw.get("id", "")}
        for column, names in COLUMN_NAMES.items():
            value = next((by_fold[n] for n in names if n in by_fold), None)
            if column == "user" and isinstance(value, dict):  # Graph's from {id, name}
                value = value.get("name") or value.get("id")
            record[column] = value
        records.append(record)
    if records and all(r["comment"] is None for r in records):
        raise ValidationFailed([Problem("comment", "live_missing_column",
                                        {"found": ", ".join(map(str, data[0]))[:80]}, 1)])
    return records


def read_pasted(text: str, start: datetime | None = None) -> list[Comment]:
    """One comment per line, "user: comment" optional; lines are one second apart from ``start``.

    A line without a user gets its own anonymous buyer ("#3" for line 3), so two such lines are
    never merged into one order.
    """
    start = start or datetime.now(UTC)
    comments = []
    for n, line in enumerate(nfc(text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        user, sep, body = line.partition(":")
        if sep and 0 < len(user.strip()) <= 40 and body.strip() and not user.strip().isdigit():
            user, body = user.strip(), body.strip()
        else:
            user, body = f"#{n}", line
        comments.append(Comment(start + timedelta(seconds=n), user, body))
    if not comments:
        raise ValidationFailed([Problem("-", "live_paste_empty", {}, 1)])
    return comments


# -- Facebook Graph API ------------------------------------------------------------------------
GRAPH_URL = "https://graph.facebook.com/v21.0"
RATE_LIMIT_CODES = {4, 17, 32, 613}
FIELDS = "id,message,created_time,from{id,name}"


def page_token() -> str:
    """The Page access token from STUDIO_FB_PAGE_TOKEN (empty when not set)."""
    return os.environ.get("STUDIO_FB_PAGE_TOKEN", "").strip()


class GraphComments:
    """Polls ``GET /{live-video-id}/comments`` and resumes where it stopped.

    The cursor ``{"after": ..., "since": ...}`` is returned by :meth:`poll` and passed back on the
    next call (the desk stores it on the live session). Rate limits (codes 4, 17, 32, 613) are
    retried after a growing pause; an expired or wrong token (190) stops with a message.
    """

    def __init__(self, video_id: str, token: str, base_url: str | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 backoff: tuple[float, ...] = (5.0, 20.0, 60.0), timeout: float = 15.0) -> None:
        if not token:
            raise ConfigError("no Facebook Page token: set STUDIO_FB_PAGE_TOKEN to a Page access "
                              "token with pages_read_engagement, or import a comments file")
        if not video_id.strip().isdigit():
            raise ConfigError(f"'{video_id}' is not a live video id: copy the number from the "
                              "live video's address (facebook.com/.../videos/<id>)")
        self.video_id = video_id.strip()
        self.token = token
        self.base_url = (base_url or os.environ.get("STUDIO_FB_GRAPH_URL") or GRAPH_URL).rstrip("/")
        self.sleep = sleep
        self.backoff = backoff
        self.timeout = timeout
        self.waited: list[float] = []

    def poll(self, cursor: dict | None = None, max_pages: int = 50) -> tuple[list[Comment], dict]:
        """New comments since ``cursor`` (oldest first) and the cursor to pass next time."""
        import httpx

        cursor = dict(cursor or {})
        params = {"access_token": self.token, "fields": FIELDS, "filter": "stream",
                  "order": "chronological", "live_filter": "no_filter", "limit": "100"}
        if cursor.get("after"):
            params["after"] = cursor["after"]
        elif cursor.get("since"):
            params["since"] = str(int(cursor["since"]))
        url = f"{self.base_url}/{self.video_id}/comments"
        out: list[Comment] = []
        with httpx.Client(timeout=self.timeout) as client:
            for page in range(max_pages):
                try:
                    body = self._get(client, url, params)
                except NotFound:
                    if page or "after" not in params or not cursor.get("since"):
                        raise
                    # A stale cursor is refused like an unknown object: resume from the time.
                    params = {k: v for k, v in params.items() if k != "after"}
                    params["since"] = str(int(cursor["since"]))
                    body = self._get(client, url, params)
                for item in body.get("data", []):
                    out.append(self._comment(item))
                paging = body.get("paging") or {}
                after = (paging.get("cursors") or {}).get("after")
                if after:
                    cursor["after"] = after
                if not paging.get("next") or not after or not body.get("data"):
                    break
                params = {**params, "after": after}
                params.pop("since", None)
        if out:
            cursor["since"] = int(max(c.at for c in out).timestamp())
        return out, cursor

    def _get(self, client, url: str, params: dict) -> dict:
        import httpx

        for attempt in range(len(self.backoff) + 1):
            try:
                response = client.get(url, params=params)
            except httpx.HTTPError as exc:
                raise EngineError(f"cannot reach the Facebook Graph API ({exc.__class__.__name__})"
                                  "; check the internet connection and poll again") from exc
            try:
                body = response.json()
            except ValueError as exc:
                raise EngineError(f"Facebook answered HTTP {response.status_code} without JSON; "
                                  "poll again in a minute") from exc
            error = body.get("error") if isinstance(body, dict) else None
            if not error:
                return body
            code = error.get("code")
            if code in RATE_LIMIT_CODES and attempt < len(self.backoff):
                self.waited.append(self.backoff[attempt])
                self.sleep(self.backoff[attempt])
                continue
            raise _graph_error(error, self.video_id)
        raise AssertionError("unreachable")

    @staticmethod
    def _comment(item: dict) -> Comment:
        sender = item.get("from") or {}
        user = sender.get("name") or sender.get("id") or "?"
        return Comment(parse_time(item.get("created_time")), nfc(user),
                       nfc(item.get("message") or ""), str(item.get("id") or ""))


def _graph_error(error: dict, video_id: str) -> Exception:
    code, message = error.get("code"), error.get("message", "")
    trace = error.get("fbtrace_id", "")
    if code == 190 or code == 102:
        return ConfigError(f"Facebook rejected the Page token (code {code}: {message}); create a "
                           "new Page access token and set STUDIO_FB_PAGE_TOKEN again")
    if code == 104:
        return ConfigError("Facebook needs an access token; set STUDIO_FB_PAGE_TOKEN")
    if code in RATE_LIMIT_CODES:
        return EngineError(f"Facebook rate limit (code {code}) did not clear after retries; "
                           "wait a few minutes and poll again, or poll less often")
    if code == 100:
        return NotFound(f"Facebook has no live video '{video_id}' this token can read ({message}); "
                        "check the id and that the token belongs to the Page that is live")
    if code in (10, 200):
        return ConfigError(f"the Page token lacks a permission ({message}); grant "
                           "pages_read_engagement and create the token again")
    return EngineError(f"Facebook error {code}: {message} (fbtrace_id {trace}); poll again, "
                       "and report the trace id if it repeats")
