"""A local Instagram Graph API (content publishing: Reels, photos, carousels) for tests.

Checks the token (code 190 otherwise), ``media_type=REELS`` with an https ``video_url``
(anything else fails like an unfetchable URI, 9004/2207052), the caption length (2,200) and
hashtag count (5), containers that stay ``IN_PROGRESS`` for a set number of polls, media_publish
of an unfinished container (9007/2207027) and of an already published one (a second publish of
the same container is refused), and the 24-hour publishing quota.

Photos: ``image_url`` (https) with no media_type (or IMAGE); a URL registered in ``hosted`` whose
bytes are not JPEG fails like an unfetchable URI. Carousels: items need ``is_carousel_item=true``
(videos as ``media_type=VIDEO``, which is refused outside a carousel); the ``CAROUSEL`` container
needs 2–10 distinct ``children`` that are this user's FINISHED items; an item cannot be published
on its own. URLs in ``error_urls`` make their container end in ERROR.
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
        self.hosted: dict[str, bytes] = {}  # what Meta would download from a URL
        self.error_urls: set[str] = set()
        self.carousel_max = 10

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
            if c["url"] in self.error_urls:
                state = "ERROR"
            if c["published"]:
                state = "PUBLISHED"
            c["state"] = state
            return Reply(200, {"id": parts[0], "status_code": state,
                               "status": "Error: 2207026" if state == "ERROR" else state})
        if len(parts) == 1 and parts[0] in self.media:
            return Reply(200, {"id": parts[0], "permalink": self.media[parts[0]]["permalink"]})
        return graph_error(100, "Unsupported request", type_="GraphMethodException")

    def _create(self, p: dict) -> Reply:
        mtype, item = p.get("media_type", ""), p.get("is_carousel_item") == "true"
        caption = p.get("caption", "")
        if len(caption) > 2200 or sum(w.startswith("#") for w in caption.split()) > 5:
            return graph_error(100, "(#100) caption is too long or has too many hashtags")
        if mtype == "CAROUSEL" and not item:
            return self._carousel(p, caption)
        if mtype in ("", "IMAGE") and p.get("image_url"):
            url, kind = p["image_url"], "IMAGE"
        elif (mtype, item) in (("REELS", False), ("VIDEO", True)) and p.get("video_url"):
            url, kind = p["video_url"], mtype
        else:
            return graph_error(100, "(#100) media_type must be REELS with video_url, VIDEO with "
                               "video_url in a carousel, CAROUSEL with children, or none with "
                               "image_url")
        data = self.hosted.get(url)
        if not url.startswith("https://") or (kind == "IMAGE" and data is not None
                                              and not data.startswith(b"\xff\xd8\xff")):
            return graph_error(9004, "Media download has failed: the media URI doesn't meet "
                               "our requirements", subcode=2207052)
        return self._new_container(kind, url, caption, item=item)

    def _new_container(self, kind: str, url: str, caption: str, *, item: bool = False,
                       children: list[str] | None = None) -> Reply:
        cid = self.new_id()
        self.containers[cid] = {"kind": kind, "url": url, "caption": caption, "item": item,
                                "children": children or [], "polls": 0, "state": "IN_PROGRESS",
                                "published": None}
        return Reply(200, {"id": cid})

    def _carousel(self, p: dict, caption: str) -> Reply:
        ids = [c for c in p.get("children", "").split(",") if c]
        if not 2 <= len(ids) <= self.carousel_max or len(set(ids)) != len(ids):
            return graph_error(100, f"(#100) children must list 2 to {self.carousel_max} "
                               "distinct carousel item containers")
        for cid in ids:
            c = self.containers.get(cid)
            if c is None or not c["item"]:
                return graph_error(100, f"(#100) {cid} is not a carousel item container")
            if c["state"] != "FINISHED":
                return graph_error(100, f"(#100) carousel item {cid} is {c['state']}, not "
                                   "FINISHED")
        return self._new_container("CAROUSEL", "", caption, children=ids)

    def _publish(self, p: dict) -> Reply:
        c = self.containers.get(p.get("creation_id", ""))
        if c is None:
            return graph_error(100, "(#100) invalid creation_id")
        if c["item"]:
            return graph_error(100, "(#100) a carousel item cannot be published on its own")
        if c["published"]:
            return graph_error(9007, "The media has already been published", subcode=2207032)
        if c["state"] != "FINISHED":
            return graph_error(9007, "Media ID is not available", subcode=2207027)
        if self.quota_usage >= self.quota_total:
            return graph_error(9, "Application request limit reached", subcode=2207042)
        mid = self.new_id()
        self.quota_usage += 1
        c["published"] = mid
        where = "reel" if c["kind"] == "REELS" else "p"
        self.media[mid] = {"caption": c["caption"], "kind": c["kind"],
                           "children": c["children"],
                           "permalink": f"https://www.instagram.com/{where}/C{mid[-6:]}/"}
        return Reply(200, {"id": mid})
