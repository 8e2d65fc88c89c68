"""A local Instagram Graph API (content publishing for Reels) for tests.

Checks the token (code 190 otherwise), ``media_type=REELS`` with an https ``video_url``
(anything else fails like an unfetchable URI, 9004/2207052), the caption length (2,200) and
hashtag count (5), containers that stay ``IN_PROGRESS`` for a set number of polls, media_publish
of an unfinished container (9007/2207027) and of an already published one (a second publish of
the same container is refused), and the 24-hour publishing quota.
"""

from __future__ import annotations

from tests.fakes.facebook import VERSION, GraphFake, graph_error
from tests.fakes.http import Reply, Req


class InstagramFake(GraphFake):
    def __init__(self, ig_user_id: str = "17841400008460056", token: str = "ig-token",
                 processing_polls: int = 1, quota_total: int = 50) -> None:
        super().__init__(token)
        self.user, self.processing_polls, self.quota_total = (ig_user_id, processing_polls,
                                                              quota_total)
        self.quota_usage = 0
        self.containers: dict[str, dict] = {}
        self.media: dict[str, dict] = {}
        self.container_state = ""  # force ERROR / EXPIRED

    def handle(self, req: Req) -> Reply:
        p = self.params(req)
        problem = self.token_problem(p)
        if problem:
            return problem
        parts = req.path.strip("/").split("/")
        if parts[0] != VERSION:
            return graph_error(2500, "Unknown path components")
        parts = parts[1:]
        if parts == [self.user, "content_publishing_limit"]:
            return Reply(200, {"data": [{"quota_usage": self.quota_usage, "config": {
                "quota_total": self.quota_total, "quota_duration": 86400}}]})
        if parts == [self.user, "media"] and req.method == "POST":
            return self._create(p)
        if parts == [self.user, "media"]:
            return Reply(200, {"data": [{"id": mid, "caption": m["caption"],
                                         "permalink": m["permalink"]}
                                        for mid, m in reversed(self.media.items())]})
        if parts == [self.user, "media_publish"] and req.method == "POST":
            return self._publish(p)
        if len(parts) == 1 and parts[0] in self.containers:
            c = self.containers[parts[0]]
            c["polls"] += 1
            state = self.container_state or ("FINISHED" if c["polls"] > self.processing_polls
                                             else "IN_PROGRESS")
            if c["published"]:
                state = "PUBLISHED"
            c["state"] = state
            return Reply(200, {"id": parts[0], "status_code": state,
                               "status": "Error: 2207026" if state == "ERROR" else state})
        if len(parts) == 1 and parts[0] in self.media:
            return Reply(200, {"id": parts[0], "permalink": self.media[parts[0]]["permalink"]})
        return graph_error(100, "Unsupported request", type_="GraphMethodException")

    def _create(self, p: dict) -> Reply:
        if p.get("media_type") != "REELS":
            return graph_error(100, "(#100) media_type must be REELS for a video")
        if not p.get("video_url", "").startswith("https://"):
            return graph_error(9004, "Media download has failed: the media URI doesn't meet "
                               "our requirements", subcode=2207052)
        caption = p.get("caption", "")
        if len(caption) > 2200 or sum(w.startswith("#") for w in caption.split()) > 5:
            return graph_error(100, "(#100) caption is too long or has too many hashtags")
        cid = self.new_id()
        self.containers[cid] = {"caption": caption, "video_url": p["video_url"], "polls": 0,
                                "state": "IN_PROGRESS", "published": None}
        return Reply(200, {"id": cid})

    def _publish(self, p: dict) -> Reply:
        c = self.containers.get(p.get("creation_id", ""))
        if c is None:
            return graph_error(100, "(#100) invalid creation_id")
        if c["published"]:
            return graph_error(9007, "The media has already been published", subcode=2207032)
        if c["state"] != "FINISHED":
            return graph_error(9007, "Media ID is not available", subcode=2207027)
        if self.quota_usage >= self.quota_total:
            return graph_error(9, "Application request limit reached", subcode=2207042)
        mid = self.new_id()
        self.quota_usage += 1
        c["published"] = mid
        self.media[mid] = {"caption": c["caption"],
                           "permalink": f"https://www.instagram.com/reel/C{mid[-6:]}/"}
        return Reply(200, {"id": mid})
