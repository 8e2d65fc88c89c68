"""The platforms' metrics read paths, added to the publishing fakes by subclassing them.

Each class here is the publishing fake of its platform plus the endpoints the insights fetch
reads, so one fake both publishes and reports numbers (publishing keeps working unchanged).

Graph (Facebook Page, Instagram), from "Page Insights", "Video Insights", "Instagram Media
Insights" and "Handling Errors":

- Node reads ``GET /{ver}/{id}?fields=...``: every field must exist on the node type (code 100
  "Tried accessing nonexisting field (x) on node type (Y)"); an edge read with
  ``.limit(0).summary(true)`` answers ``{"data": [], "summary": {"total_count": N, ...}}``;
  ``shares`` is ``{"count": N}`` and absent when nobody shared.
- ``GET /{ver}/{id}/insights?metric=a,b`` (videos: ``video_insights``, whose Reels take the
  Reels metrics, ``blue_reels_play_count``..., and other videos the ``total_video_*`` ones): every
  name must be a current metric, else one code 100 error for the whole request that names no culprit
  (Facebook: "The value must be a valid insights metric"); answers ``{"data": [{"name",
  "period": "lifetime", "values": [{"value"}], "title", "description", "id"}]}``. Metrics Meta
  retired (``post_impressions*`` on 2025-11-15; Instagram ``impressions``, ``plays``,
  ``video_views`` from v22.0) are refused; ``retire(...)`` retires more in a test.
- A deleted object answers code 100 / subcode 33 (GraphMethodException); a token without the
  permission a read needs answers code 10 naming it; Instagram media with too few viewers
  answers code 10 "Not enough viewers for the media to show insights".

YouTube Data API v3 ``videos.list``: ``part`` names must be known (400 unknownPart), at most 50
ids (the docs cap ``id`` at 50; the fake answers 400 for more), a token scope able to read
(``youtube.readonly``, ``youtube`` or ``youtube.force-ssl``) else 403 insufficientPermissions;
deleted ids are simply missing from ``items``; statistics are strings.

TikTok Display API ``POST /v2/video/query/?fields=...`` with ``{"filters": {"video_ids":
[...]}}``: Bearer token, scope ``video.list`` (else 401 ``scope_not_authorized``), ``fields``
from the Video Object list, 1–20 ids (else 400 ``invalid_params``); only the user's existing
videos come back.
"""

from __future__ import annotations

import re

from tests.fakes.facebook import VERSION, FacebookFake, graph_error
from tests.fakes.http import Reply, Req
from tests.fakes.instagram import InstagramFake
from tests.fakes.tiktok import TikTokFake, envelope
from tests.fakes.youtube import YouTubeFake, gerror

FB_POST_METRICS = {"post_media_view", "post_total_media_view_unique", "post_clicks",
                   "post_clicks_by_type", "post_reactions_by_type_total",
                   "post_reactions_like_total", "post_activity_by_action_type",
                   "post_video_views"}
FB_VIDEO_METRICS = {"total_video_views", "total_video_views_unique", "total_video_impressions",
                    "total_video_impressions_unique", "total_video_avg_time_watched"}
FB_REEL_METRICS = {"blue_reels_play_count", "post_impressions_unique",
                   "post_video_avg_time_watched", "post_video_social_actions",
                   "post_video_likes_by_reaction_type", "fb_reels_total_plays",
                   "fb_reels_replay_count"}
FB_POST_FIELDS = {"id", "created_time", "message", "shares", "reactions", "comments",
                  "permalink_url", "status_type"}
FB_VIDEO_FIELDS = {"id", "created_time", "title", "description", "reactions", "comments",
                   "length", "permalink_url", "status"}
IG_METRICS = {"views", "reach", "likes", "comments", "shares", "saved", "total_interactions",
              "follows", "profile_visits", "profile_activity", "ig_reels_avg_watch_time",
              "ig_reels_video_view_total_time"}
IG_FIELDS = {"id", "timestamp", "caption", "like_count", "comments_count", "permalink",
             "media_type", "media_product_type", "media_url", "thumbnail_url", "username"}
GONE = ("Unsupported get request. Object with ID '{id}' does not exist, cannot be loaded due to "
        "missing permissions, or does not support this operation. Please read the Graph API "
        "documentation at https://developers.facebook.com/docs/graph-api")
YT_PARTS = {"id", "snippet", "statistics", "status", "processingDetails", "contentDetails",
            "player", "topicDetails", "recordingDetails", "liveStreamingDetails", "localizations"}
YT_READ_SCOPES = {"youtube.readonly", "youtube", "youtube.force-ssl"}
TT_FIELDS = {"id", "create_time", "cover_image_url", "share_url", "video_description",
             "duration", "height", "width", "title", "embed_html", "embed_link", "like_count",
             "comment_count", "share_count", "view_count"}


def split_fields(fields: str) -> list[tuple[str, str]]:
    """``[(name, modifiers)]`` of a Graph ``fields`` value, split at top-level commas."""
    parts, depth, current = [], 0, ""
    for char in fields:
        depth += (char in "({") - (char in ")}")
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    found = []
    for part in (p.strip() for p in parts if p.strip()):
        match = re.match(r"^([a-z_]+)(.*)$", part)
        found.append((match.group(1), match.group(2)) if match else (part, ""))
    return found


def edge_summary(modifiers: str, total: int, **extra) -> dict:
    body: dict = {"data": []}
    if re.search(r"\.summary\((true|total_count)\)", modifiers):
        body["summary"] = {"total_count": total, **extra}
    return body


def insights_body(object_id: str, edge: str, names: list[str], values: dict) -> dict:
    return {"data": [{"name": n, "period": "lifetime", "values": [{"value": values.get(n, 0)}],
                      "title": n.replace("_", " ").title(), "description": f"Lifetime: {n}",
                      "id": f"{object_id}/{edge}/{n}/lifetime"} for n in names]}


class _GraphReads:
    """Shared Graph read checks (mixed into the Facebook and Instagram fakes)."""

    def _graph_init(self, granted: set[str]) -> None:
        self.granted = set(granted)
        self.stats: dict[str, dict] = {}
        self.deleted: set[str] = set()
        self.retired: set[str] = set()

    def retire(self, *metrics: str) -> None:
        """Meta retires these metric names (they are refused from now on)."""
        self.retired.update(metrics)

    def delete(self, object_id: str) -> None:
        self.deleted.add(object_id)

    def _need(self, permission: str) -> Reply | None:
        if permission in self.granted:
            return None
        return graph_error(10, f"(#10) This endpoint requires the '{permission}' permission.")

    def _gone(self, object_id: str) -> Reply:
        return graph_error(100, GONE.format(id=object_id), subcode=33,
                           type_="GraphMethodException")

    def _metrics(self, p: dict, known: set[str]) -> tuple[list[str] | None, Reply | None]:
        raw = p.get("metric", "")
        if not raw:
            return None, graph_error(3001, "Invalid query", subcode=1504028,
                                     error_user_title="No Metric Specified")
        names = [n.strip() for n in raw.split(",") if n.strip()]
        if any(n not in known or n in self.retired for n in names):
            return None, graph_error(100, "(#100) The value must be a valid insights metric")
        return names, None

    def _fields(self, p: dict, allowed: set[str], node_type: str
                ) -> tuple[list[tuple[str, str]] | None, Reply | None]:
        fields = split_fields(p.get("fields", "id"))
        for name, _mods in fields:
            if name not in allowed:
                return None, graph_error(100, f"(#100) Tried accessing nonexisting field "
                                              f"({name}) on node type ({node_type})")
        return fields, None


class FacebookInsightsFake(_GraphReads, FacebookFake):
    """FacebookFake + post/video node reads with summaries, ``insights``, ``video_insights``."""

    def __init__(self, *args, granted=("pages_manage_posts", "pages_read_engagement",
                                       "pages_show_list", "read_insights"), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._graph_init(set(granted))

    def add_post(self, pid: str, *, created_time="2026-11-02T12:30:00+0000", message="",
                 reactions=0, comments=0, shares=0, insights: dict | None = None) -> None:
        self.posts.setdefault(pid, {"message": message, "link": ""})
        self.stats[pid] = {"created_time": created_time, "message": message,
                           "reactions": reactions, "comments": comments, "shares": shares,
                           "insights": dict(insights or {})}

    def add_video(self, vid: str, *, created_time="2026-11-02T12:30:00+0000", title="",
                  reactions=0, comments=0, insights: dict | None = None, reel: bool = True
                  ) -> None:
        self.videos.setdefault(vid, {"data": b"", "kind": "reel" if reel else "video",
                                     "polls": 99})
        self.stats[vid] = {"created_time": created_time, "title": title,
                           "reactions": reactions, "comments": comments,
                           "insights": dict(insights or {})}

    def handle(self, req: Req) -> Reply:
        parts = req.path.strip("/").split("/")
        p = self.params(req) if not req.path.startswith("/video-upload/") else {}
        is_read = (req.method == "GET" and len(parts) in (2, 3) and parts[0] == VERSION
                   and (parts[1] in self.stats or parts[1] in self.deleted)
                   and (len(parts) == 3 or p.get("fields", "") != "status"))
        if not is_read:
            return super().handle(req)
        problem = self.token_problem(p)
        if problem:
            return problem
        oid = parts[1]
        if oid in self.deleted:
            return self._gone(oid)
        if len(parts) == 3:
            return self._insights(oid, parts[2], p)
        return self._node(oid, p)

    def _node(self, oid: str, p: dict) -> Reply:
        problem = self._need("pages_read_engagement")
        if problem:
            return problem
        video = "_" not in oid
        fields, problem = self._fields(p, FB_VIDEO_FIELDS if video else FB_POST_FIELDS,
                                       "Video" if video else "Post")
        if problem:
            return problem
        s, body = self.stats[oid], {"id": oid}
        for name, mods in fields:
            if name == "reactions":
                body[name] = edge_summary(mods, s["reactions"], viewer_reaction="NONE")
            elif name == "comments":
                body[name] = edge_summary(mods, s["comments"], order="ranked",
                                          can_comment=True)
            elif name == "shares":
                if s.get("shares"):
                    body[name] = {"count": s["shares"]}
            elif name in s:
                body[name] = s[name]
        return Reply(200, body)

    def _insights(self, oid: str, edge: str, p: dict) -> Reply:
        video = "_" not in oid
        if edge != ("video_insights" if video else "insights"):
            node = "Video" if video else "Post"
            return graph_error(100, f"(#100) Tried accessing nonexisting field ({edge}) on "
                                    f"node type ({node})")
        problem = self._need("read_insights")
        if problem:
            return problem
        known = FB_POST_METRICS if not video else FB_REEL_METRICS \
            if self.videos.get(oid, {}).get("kind") == "reel" else FB_VIDEO_METRICS
        names, problem = self._metrics(p, known)
        if problem:
            return problem
        return Reply(200, insights_body(oid, edge, names, self.stats[oid]["insights"]))


class InstagramInsightsFake(_GraphReads, InstagramFake):
    """InstagramFake + media node reads with counts and ``/{ig-media-id}/insights``."""

    def __init__(self, *args, granted=("instagram_basic", "instagram_content_publish",
                                       "instagram_manage_insights"), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._graph_init(set(granted))
        self.few_viewers: set[str] = set()

    def add_media(self, mid: str, *, timestamp="2026-11-02T12:30:00+0000", caption="",
                  like_count=0, comments_count=0, insights: dict | None = None) -> None:
        self.media.setdefault(mid, {"caption": caption,
                                    "permalink": f"https://www.instagram.com/reel/C{mid[-6:]}/"})
        self.stats[mid] = {"timestamp": timestamp, "caption": caption,
                           "like_count": like_count, "comments_count": comments_count,
                           "insights": dict(insights or {})}

    def handle(self, req: Req) -> Reply:
        parts = req.path.strip("/").split("/")
        p = self.params(req)
        is_read = (req.method == "GET" and len(parts) in (2, 3) and parts[0] == VERSION
                   and (parts[1] in self.stats or parts[1] in self.deleted)
                   and (len(parts) == 3 or p.get("fields", "") != "permalink"))
        if not is_read:
            return super().handle(req)
        problem = self.token_problem(p)
        if problem:
            return problem
        mid = parts[1]
        if mid in self.deleted:
            return self._gone(mid)
        if len(parts) == 3:
            return self._insights(mid, parts[2], p)
        problem = self._need("instagram_basic")
        if problem:
            return problem
        fields, problem = self._fields(p, IG_FIELDS, "IGMedia")
        if problem:
            return problem
        s = self.stats[mid]
        body = {"id": mid}
        body.update({name: s.get(name, self.media[mid].get(name)) for name, _m in fields
                     if name != "id"})
        return Reply(200, body)

    def _insights(self, mid: str, edge: str, p: dict) -> Reply:
        if edge != "insights":
            return graph_error(100, f"(#100) Tried accessing nonexisting field ({edge}) on "
                                    "node type (IGMedia)")
        problem = self._need("instagram_manage_insights")
        if problem:
            return problem
        names, problem = self._metrics(p, IG_METRICS)
        if problem:  # Instagram words it differently from Pages, still code 100
            return graph_error(100, "(#100) metric[0] must be one of the following values: "
                               + ", ".join(sorted(IG_METRICS - self.retired)))
        if mid in self.few_viewers:
            return graph_error(10, "(#10) Not enough viewers for the media to show insights")
        return Reply(200, insights_body(mid, "insights", names, self.stats[mid]["insights"]))


class YouTubeInsightsFake(YouTubeFake):
    """YouTubeFake + ``videos.list`` with ``statistics``/``snippet``, scopes and the 50-id cap."""

    def __init__(self, *args, scopes=("youtube.upload", "youtube.readonly"), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.scopes = set(scopes)
        self.stats: dict[str, dict] = {}

    def add_video(self, vid: str, *, title="Clip", published_at="2026-11-02T12:30:00Z",
                  views=0, likes: int | None = 0, comments=0) -> None:
        self.videos.setdefault(vid, {"title": title, "uploadStatus": "processed", "data": b"",
                                     "privacy": "public"})
        self.stats[vid] = {"published_at": published_at, "views": views, "likes": likes,
                           "comments": comments}

    def delete_video(self, vid: str) -> None:
        self.videos.pop(vid, None)
        self.stats.pop(vid, None)

    def handle(self, req: Req) -> Reply:
        if req.path != "/youtube/v3/videos" or req.method != "GET" or not self._authed(req):
            return super().handle(req)
        if not self.scopes & YT_READ_SCOPES:
            return Reply(403, {"error": {
                "code": 403, "message": "Request had insufficient authentication scopes.",
                "errors": [{"message": "Insufficient Permission", "domain": "global",
                            "reason": "insufficientPermissions"}],
                "status": "PERMISSION_DENIED"}})
        parts = [x for x in req.query.get("part", "").split(",") if x]
        unknown = [x for x in parts if x not in YT_PARTS]
        if not parts or unknown:
            return gerror(400, "unknownPart", f"'{(unknown or [''])[0]}'", "youtube.part")
        ids = [x for x in req.query.get("id", "").split(",") if x]
        if len(ids) > 50:
            return gerror(400, "badRequest", "The request specifies more than 50 video IDs.",
                          "youtube.parameter")
        if "statistics" not in parts and "snippet" not in parts:
            return super().handle(req)
        items = [self._item(vid, parts) for vid in ids if vid in self.videos]
        return Reply(200, {"kind": "youtube#videoListResponse", "etag": "e1", "items": items,
                           "pageInfo": {"totalResults": len(items),
                                        "resultsPerPage": len(items)}})

    def _item(self, vid: str, parts: list[str]) -> dict:
        video, s = self.videos[vid], self.stats.get(vid, {})
        item = {"kind": "youtube#video", "etag": f"e-{vid}", "id": vid}
        if "snippet" in parts:
            item["snippet"] = {"publishedAt": s.get("published_at", "2026-11-02T12:30:00Z"),
                               "channelId": "UC123", "title": video["title"],
                               "description": "", "categoryId": "22"}
        if "statistics" in parts:
            stats = {"viewCount": str(s.get("views", 0)), "favoriteCount": "0",
                     "commentCount": str(s.get("comments", 0))}
            if s.get("likes") is not None:  # hidden likes: the field is left out
                stats["likeCount"] = str(s.get("likes", 0))
            item["statistics"] = stats
        if "status" in parts:
            item["status"] = {"uploadStatus": video["uploadStatus"],
                              "privacyStatus": video["privacy"]}
        return item


class TikTokInsightsFake(TikTokFake):
    """TikTokFake + the Display API ``/v2/video/query/`` (scope video.list, 20 ids)."""

    def __init__(self, *args, scopes=("user.info.basic", "video.publish", "video.list"),
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.scopes = set(scopes)
        self.owned: dict[str, dict] = {}

    def add_video(self, vid: str, *, title="Clip", create_time=1793600000, views=0, likes=0,
                  comments=0, shares=0) -> None:
        self.owned[vid] = {"id": vid, "title": title, "video_description": title,
                           "create_time": create_time, "view_count": views,
                           "like_count": likes, "comment_count": comments,
                           "share_count": shares, "duration": 30, "height": 1920,
                           "width": 1080, "share_url": f"https://www.tiktok.com/@htx/video/{vid}"}

    def handle(self, req: Req) -> Reply:
        if req.path != "/v2/video/query/":
            return super().handle(req)
        if req.method != "POST":
            return envelope(code="invalid_params", message="POST only", status=405)
        auth = req.header("authorization")
        if not auth.startswith("Bearer ") or auth[7:] not in self.access_tokens:
            return envelope(code="access_token_invalid", message="The access token is invalid "
                            "or not found in the request.", status=401)
        if "video.list" not in self.scopes:
            return envelope(code="scope_not_authorized", status=401, message="The user did not "
                            "authorize the scope required for completing this request.")
        if not req.header("content-type").startswith("application/json"):
            return envelope(code="invalid_params", message="Content-Type must be JSON",
                            status=400)
        fields = [f for f in req.query.get("fields", "").split(",") if f]
        bad = [f for f in fields if f not in TT_FIELDS]
        if not fields or bad:
            return envelope(code="invalid_params", status=400,
                            message=f"Invalid fields: {','.join(bad) or '(none)'}")
        ids = ((req.json().get("filters") or {}).get("video_ids"))
        if not isinstance(ids, list) or not 1 <= len(ids) <= 20 \
                or not all(isinstance(i, str) for i in ids):
            return envelope(code="invalid_params", status=400,
                            message="filters.video_ids must hold 1 to 20 video ids (strings)")
        videos = [{f: self.owned[i][f] for f in fields if f in self.owned[i]}
                  for i in ids if i in self.owned]
        return envelope({"videos": videos, "cursor": 0, "has_more": False})
