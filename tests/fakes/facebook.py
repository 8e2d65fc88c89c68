"""A local Meta Graph API for a Facebook Page: feed, chunked video upload sessions, Reels
(``video_reels`` + the rupload host), video status, and the login-flow token endpoints.

Checks the Page token (``access_token`` in the query or body; a wrong or expired one answers
error code 190), required parameters (code 100), transfer offsets (each chunk must start at the
offset the previous answer gave and be exactly ``end_offset - start_offset`` bytes), the rupload
headers ``Authorization: OAuth``, ``offset`` and ``file_size``, and that a Reel is finished only
after its bytes arrived. A repeated feed message answers code 506 (duplicate status).
Photos: ``/{page}/photos`` takes ``url`` (https) or a multipart ``source`` file whose bytes must
be JPEG, PNG, GIF, BMP or TIFF (else 324, "Missing or invalid image file"; WebP included), under
10 MB, and ``caption``; ``published=false`` stores an unpublished photo (no story) that a feed post
attaches through ``attached_media[i]={"media_fbid": ...}`` (indexes from 0 without gaps, each an
unpublished photo of this Page used once); ``DELETE /{photo-id}`` removes an unpublished photo.
The error codes for a bad attachment and a too-large file are this fake's reading.
:class:`GraphFake` holds what Facebook and Instagram share.
"""

from __future__ import annotations

import itertools
import json
import re
import uuid

from tests.fakes.http import FakePlatform, Reply, Req

VERSION = "v21.0"
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM", b"II*\x00",
               b"MM\x00*")
ATTACHED = re.compile(r"^attached_media\[(\d+)\]$")


def graph_error(code: int, message: str, status: int = 400, subcode: int | None = None,
                type_: str = "OAuthException", **extra) -> Reply:
    error = {"message": message, "type": type_, "code": code, "fbtrace_id": uuid.uuid4().hex[:11]}
    if subcode is not None:
        error["error_subcode"] = subcode
    error.update(extra)
    return Reply(status, {"error": error})


class GraphFake(FakePlatform):
    def __init__(self, token: str) -> None:
        super().__init__()
        self.tokens = {token}
        self._ids = itertools.count(1_000_000_001)

    def expire_token(self) -> None:
        self.tokens.clear()

    def params(self, req: Req) -> dict[str, str]:
        """Query + urlencoded or multipart body, as the Graph API accepts either."""
        params = dict(req.query)
        ctype = req.header("content-type")
        if ctype.startswith("application/x-www-form-urlencoded"):
            params.update(req.form())
        elif ctype.startswith("multipart/form-data"):
            for name, (filename, data) in req.multipart().items():
                params[name] = data if filename else data.decode()
        elif ctype.startswith("application/json") and req.body:
            params.update({k: str(v) for k, v in req.json().items()})
        return params

    def token_problem(self, params: dict) -> Reply | None:
        if params.get("access_token") not in self.tokens:
            return graph_error(190, "Error validating access token: Session has expired.",
                               subcode=463)
        return None

    def new_id(self) -> str:
        return str(next(self._ids))


class FacebookFake(GraphFake):
    def __init__(self, page_id: str = "1755847768034402", token: str = "page-token",
                 chunk: int = 100_000, app_id: str = "app1", app_secret: str = "appsecret"
                 ) -> None:
        super().__init__(token)
        self.page_id, self.chunk, self.app_id, self.app_secret = page_id, chunk, app_id, app_secret
        self.posts: dict[str, dict] = {}
        self.sessions: dict[str, dict] = {}
        self.videos: dict[str, dict] = {}
        self.photos: dict[str, dict] = {}
        self.processing_polls = 1

    def handle(self, req: Req) -> Reply:
        if req.path.startswith("/video-upload/"):
            return self._rupload(req)
        p = self.params(req)
        parts = req.path.strip("/").split("/")
        if not parts or parts[0] != VERSION:
            return graph_error(2500, "Unknown path components", type_="OAuthException")
        parts = parts[1:]
        if parts == ["oauth", "access_token"]:
            return self._code(p)
        problem = self.token_problem(p)
        if problem:
            return problem
        if parts == ["me", "accounts"]:
            return Reply(200, {"data": [{"id": self.page_id, "name": "HTX Trà",
                                         "access_token": "page-token",
                                         "tasks": ["CREATE_CONTENT", "MANAGE"]}]})
        if len(parts) == 2 and parts[0] == self.page_id:
            edge = parts[1]
            if edge == "feed" and req.method == "POST":
                return self._feed(p)
            if edge == "feed":
                return Reply(200, {"data": [{"id": pid, "message": post["message"],
                                             "created_time": "2026-11-23T01:00:00+0000"}
                                            for pid, post in reversed(self.posts.items())]})
            if edge == "photos" and req.method == "POST":
                return self._photo(p)
            if edge == "videos":
                return self._videos(p)
            if edge == "video_reels":
                return self._reels(p)
        if len(parts) == 2 and parts[0] not in (self.page_id,):
            return graph_error(100, f"Unsupported request: /{parts[0]}/{parts[1]}",
                               type_="GraphMethodException")
        if len(parts) == 1 and parts[0] in self.videos and req.method == "GET":
            return self._status(parts[0], p)
        if len(parts) == 1 and parts[0] in self.photos and req.method == "DELETE":
            if self.photos[parts[0]]["post"]:
                return graph_error(100, "(#100) this photo belongs to a post; delete the post")
            del self.photos[parts[0]]
            return Reply(200, {"success": True})
        return graph_error(100, "Unsupported request", type_="GraphMethodException")

    def _feed(self, p: dict) -> Reply:
        attached = self._attached(p)
        if isinstance(attached, Reply):
            return attached
        if not p.get("message") and not p.get("link") and not attached:
            return graph_error(100, "(#100) Either message or link must be supplied")
        if p.get("message") and any(post["message"] == p.get("message")
                                    for post in self.posts.values()):
            return graph_error(506, "Duplicate status message")
        pid = f"{self.page_id}_{self.new_id()}"
        self.posts[pid] = {"message": p.get("message", ""), "link": p.get("link", ""),
                           "photos": attached}
        for fbid in attached:
            self.photos[fbid]["post"] = pid
        return Reply(200, {"id": pid})

    def _attached(self, p: dict) -> list[str] | Reply:
        """The ``attached_media[i]`` photo ids in order, or the error Graph would answer."""
        found = {int(m.group(1)): v for k, v in p.items() if (m := ATTACHED.match(k))}
        if sorted(found) != list(range(len(found))):
            return graph_error(100, "(#100) attached_media must be indexed 0, 1, 2... without "
                               "gaps")
        ids = []
        for i in range(len(found)):
            try:
                fbid = str(json.loads(found[i])["media_fbid"])
            except (ValueError, KeyError, TypeError):
                return graph_error(100, f"(#100) attached_media[{i}] must be JSON "
                                   '{"media_fbid": "..."}')
            photo = self.photos.get(fbid)
            if photo is None or photo["published"] or photo["post"] or fbid in ids:
                return graph_error(100, f"(#100) media_fbid {fbid} is not an unpublished photo "
                                   "of this Page")
            ids.append(fbid)
        return ids

    def _photo(self, p: dict) -> Reply:
        source, url = p.get("source"), p.get("url", "")
        if isinstance(source, bytes) == bool(url):
            return graph_error(324, "(#324) Requires upload file: send url or source")
        if url and not url.startswith("https://"):
            return graph_error(100, "(#100) url should represent a valid URL")
        if isinstance(source, bytes):
            if not source.startswith(IMAGE_MAGIC):
                return graph_error(324, "(#324) Missing or invalid image file")
            if len(source) >= 10 * 1024 * 1024:
                return graph_error(324, "(#324) The photo must be less than 10MB in size")
        if p.get("published", "true") not in ("true", "false"):
            return graph_error(100, "(#100) published must be a boolean")
        published = p.get("published", "true") == "true"
        fbid = self.new_id()
        self.photos[fbid] = {"data": source, "url": url, "caption": p.get("caption", ""),
                             "published": published, "post": None}
        if not published:
            return Reply(200, {"id": fbid})
        pid = f"{self.page_id}_{fbid}"
        self.posts[pid] = {"message": p.get("caption", ""), "link": "", "photos": [fbid]}
        self.photos[fbid]["post"] = pid
        return Reply(200, {"id": fbid, "post_id": pid})

    def _videos(self, p: dict) -> Reply:
        phase = p.get("upload_phase")
        if phase == "start":
            if not str(p.get("file_size", "")).isdigit():
                return graph_error(100, "(#100) file_size is required for upload_phase=start")
            sid, vid = self.new_id(), self.new_id()
            size = int(p["file_size"])
            self.sessions[sid] = {"size": size, "data": bytearray(), "video_id": vid}
            return Reply(200, {"upload_session_id": sid, "video_id": vid, "start_offset": "0",
                               "end_offset": str(min(self.chunk, size))})
        s = self.sessions.get(p.get("upload_session_id", ""))
        if s is None:
            return graph_error(100, "(#100) invalid upload_session_id")
        if phase == "transfer":
            chunk, have = p.get("video_file_chunk"), len(s["data"])
            if not isinstance(chunk, bytes):
                return graph_error(100, "(#100) video_file_chunk (a file) is required")
            expected_end = min(have + self.chunk, s["size"])
            if p.get("start_offset") != str(have) or len(chunk) != expected_end - have:
                return graph_error(6001, "There was a problem uploading your video: "
                                   f"expected bytes {have}-{expected_end}", subcode=1363019,
                                   type_="OAuthException")
            s["data"] += chunk
            have = len(s["data"])
            return Reply(200, {"start_offset": str(have),
                               "end_offset": str(min(have + self.chunk, s["size"]))})
        if phase == "finish":
            if len(s["data"]) != s["size"]:
                return graph_error(6001, "upload incomplete", subcode=1363030)
            self.videos[s["video_id"]] = {"data": bytes(s["data"]), "kind": "video",
                                          "description": p.get("description", ""),
                                          "title": p.get("title", ""), "polls": 0}
            return Reply(200, {"success": True})
        return graph_error(100, "(#100) upload_phase must be start, transfer or finish")

    def _reels(self, p: dict) -> Reply:
        phase = p.get("upload_phase")
        if phase == "start":
            vid = self.new_id()
            self.videos[vid] = {"data": None, "kind": "reel", "state": "uploading", "polls": 0}
            return Reply(200, {"video_id": vid, "upload_url":
                               f"{self.base_url}/video-upload/{VERSION}/{vid}"})
        if phase == "finish":
            v = self.videos.get(p.get("video_id", ""))
            if v is None or v["kind"] != "reel":
                return graph_error(100, "(#100) invalid video_id")
            if v["data"] is None:
                return graph_error(6000, "There was a problem uploading your video file",
                                   subcode=1363130)
            if p.get("video_state") not in ("PUBLISHED", "DRAFT", "SCHEDULED"):
                return graph_error(100, "(#100) video_state must be PUBLISHED, DRAFT or "
                                   "SCHEDULED")
            v.update(state="processing", description=p.get("description", ""))
            return Reply(200, {"success": True})
        return graph_error(100, "(#100) upload_phase must be start or finish")

    def _rupload(self, req: Req) -> Reply:
        vid = req.path.rstrip("/").split("/")[-1]
        v = self.videos.get(vid)
        auth = req.header("authorization")
        if not auth.startswith("OAuth ") or auth[6:] not in self.tokens:
            return Reply(401, {"debug_info": {"type": "AuthError",
                                              "message": "Invalid OAuth access token."}})
        if v is None or req.method != "POST":
            return Reply(400, {"debug_info": {"type": "ProcessingFailedError",
                                              "message": "unknown video"}})
        if req.header("offset") != "0" or req.header("file_size") != str(len(req.body)):
            return Reply(400, {"debug_info": {"type": "ProcessingFailedError",
                                              "message": "offset/file_size headers wrong"}})
        v["data"] = req.body
        return Reply(200, {"success": True})

    def _status(self, vid: str, p: dict) -> Reply:
        if p.get("fields") != "status":
            return graph_error(100, "(#100) fields=status expected")
        v = self.videos[vid]
        v["polls"] += 1
        done = v["polls"] > self.processing_polls
        return Reply(200, {"id": vid, "status": {
            "video_status": "ready" if done else "processing",
            "uploading_phase": {"status": "complete"},
            "processing_phase": {"status": "complete" if done else "in_progress"},
            "publishing_phase": {"status": "complete" if done else "not_started"}}})

    def _code(self, p: dict) -> Reply:
        if p.get("client_id") != self.app_id or p.get("client_secret") != self.app_secret \
                or not p.get("code") or not p.get("redirect_uri"):
            return graph_error(100, "Invalid verification code format.", subcode=36008)
        self.tokens.add("user-token")
        return Reply(200, {"access_token": "user-token", "token_type": "bearer",
                           "expires_in": 5183944})
