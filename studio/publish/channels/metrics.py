"""What a channel's ``fetch_metrics`` returns, and what it raises when a token cannot read.

A channel that can read its posts' numbers back (Facebook Page, Instagram, YouTube, TikTok)
has ``fetch_metrics(metric_ids) -> dict[str, PostStats]`` and ``metrics_id(external_id, url)``
(the id the read endpoint wants: TikTok keeps a ``publish_id`` as the target's external id and
the public video id only in the URL). ``metrics_batch`` is how many ids one call takes.

Account-level failures are :class:`ChannelError` as for publishing (``auth``: refresh then
reconnect; ``retryable``: rate limit, back off) plus :class:`MissingPermission`, raised when the
token was granted without the read permission: the person must reconnect the account with it,
a refresh cannot help. A post the platform no longer has is ``PostStats(gone=True)``; something
that holds back one post's numbers but not the others (too few viewers for insights, insights
not granted while the counts are readable) is a ``note`` on that post.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from studio.publish.channels.base import PERMANENT, Channel, ChannelError

METRIC_NAMES = ("views", "reach", "likes", "comments", "shares", "clicks")


@dataclass(frozen=True)
class PostStats:
    """One post's numbers as the platform reports them now (only the metrics it has)."""

    metric_id: str
    counts: dict[str, int] = field(default_factory=dict)
    posted_at: datetime | None = None
    title: str = ""
    gone: bool = False
    note: str = ""


class MissingPermission(ChannelError):
    """The token works but was not granted ``permission``; reconnecting with it is the fix."""

    def __init__(self, kind: str, permission: str, what: str = "the account",
                 detail: str = "") -> None:
        message = f"this token lacks {permission}: reconnect {what} with that permission"
        super().__init__(message + (f" ({detail})" if detail else ""), PERMANENT,
                         platform_code=f"missing:{permission}")
        self.channel_kind, self.permission, self.hint = kind, permission, message


def count(value: object) -> int:
    """A platform count (int, numeric string, or a by-type breakdown dict) as an int ≥ 0."""
    if isinstance(value, dict):
        return sum(count(v) for v in value.values())
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def graph_values(data: dict) -> dict[str, int]:
    """``{metric name: lifetime value}`` of a Graph insights answer
    (``{"data": [{"name", "period", "values": [{"value"}], ...}]}``)."""
    found = {}
    for row in data.get("data") or []:
        values = row.get("values") or []
        if row.get("name") and values:
            found[row["name"]] = count(values[-1].get("value"))
    return found


def graph_time(value: str | None) -> datetime | None:
    """Graph and Google timestamps (``2026-11-02T12:30:00+0000``, ``...Z``) as UTC."""
    if not value:
        return None
    text = value.replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def graph_code(error: ChannelError) -> tuple[int, int | None]:
    """(code, subcode) of a Graph error classified by ``facebook.graph_error``."""
    where = (error.platform_code or "").removeprefix("code ")
    code, _, sub = where.partition("/")
    try:
        return int(code), (int(sub) if sub else None)
    except ValueError:
        return 0, None


def graph_is_gone(error: ChannelError) -> bool:
    """Graph's "Object with ID ... does not exist" (code 100, subcode 33)."""
    return graph_code(error) == (100, 33)


def graph_is_permission(error: ChannelError) -> bool:
    """Graph permission errors: code 10 and the 200–299 range ("Not enough viewers", also code
    10 on Instagram, is about the post, not the token)."""
    code, _ = graph_code(error)
    return (code == 10 or 200 <= code <= 299) and "not enough viewers" not in str(error).lower()


def graph_is_bad_metric(error: ChannelError) -> bool:
    """Graph refuses a metric name (retired, misspelt, not offered for this media type) with
    code 100 for the whole request, without saying which name."""
    code, sub = graph_code(error)
    return code == 100 and sub != 33


def summary_total(node: dict, edge: str) -> int:
    """``total_count`` of an edge read with ``.limit(0).summary(true)``."""
    return count(((node.get(edge) or {}).get("summary") or {}).get("total_count"))


def graph_insights(channel: Channel, path: str, sets: tuple[tuple[str, ...], ...], *,
                   key: str, permission: str, what: str, remember: bool = True
                   ) -> tuple[dict[str, int], str]:
    """``({metric: value}, note)`` from a Graph ``insights`` edge at ``path``.

    ``sets`` are metric lists, best first; a list refused as a whole (a retired or unsupported
    name) makes way for the next, and the first accepted one is remembered on ``channel`` for
    its next posts (``remember=False`` where the right list depends on the post, e.g. a
    video or a Reel behind the same id shape). A permission error is remembered too (one
    denied call per fetch, not one per post) and becomes the note; "not enough viewers" is a
    note about this post only.
    """
    memo = channel.__dict__.setdefault("_metrics_memo", {})
    if memo.get("denied"):
        return {}, memo["denied"]
    for index in range(memo.get(key, 0) if remember else 0, len(sets)):
        params = {"metric": ",".join(sets[index]),
                  "access_token": channel.credentials["access_token"]}
        try:
            data = channel.request("GET", path, params=params, summary=key).json()
        except ChannelError as exc:
            if graph_is_permission(exc):
                memo["denied"] = MissingPermission(channel.kind, permission, what).hint
                return {}, memo["denied"]
            if "not enough viewers" in str(exc).lower():
                return {}, "not enough viewers yet for the platform to show insights"
            if graph_is_bad_metric(exc):
                continue
            raise
        if remember:
            memo[key] = index
        return graph_values(data), ""
    return {}, (f"the platform accepted none of the insights metrics this version knows "
                f"({key}); only the basic counts were read")
