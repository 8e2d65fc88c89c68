"""A local YouTube Data API v3 (resumable videos.insert, videos.list, search) and Google OAuth
token endpoint.

Checks the session start (uploadType=resumable, part, Bearer token, JSON video resource with
snippet.title ≤ 100 characters and no < >, status.privacyStatus, X-Upload-Content-Length and
-Type), then every PUT: ``Content-Range`` must start where the server's bytes end, every chunk
but the last must be a multiple of 256 KiB, and ``bytes */N`` probes answer 308 + ``Range`` (or
200/201 when complete, 404 when the session expired). A dropped connection keeps only a 256 KiB
aligned prefix of the chunk, as Google's servers persist whole blocks. An unverified project
(the default) may only upload private videos. Google does not rotate refresh tokens.
"""

from __future__ import annotations

import re
import uuid

from tests.fakes.http import FakePlatform, Reply, Req

KIB256 = 256 * 1024
RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")


def gerror(status: int, reason: str, message: str, domain: str = "youtube.video") -> Reply:
    return Reply(status, {"error": {"code": status, "message": message,
                                    "errors": [{"domain": domain, "reason": reason,
                                                "message": message}]}})


class YouTubeFake(FakePlatform):
    def __init__(self, *, access_token="ya29.a", refresh_token="1//r", verified=False,
                 client_id="cid", client_secret="csec") -> None:
        super().__init__()
        self.access_tokens, self.refresh_tokens = {access_token}, {refresh_token}
        self.verified, self.client_id, self.client_secret = verified, client_id, client_secret
        self.sessions: dict[str, dict] = {}
        self.videos: dict[str, dict] = {}

    def expire_token(self) -> None:
        self.access_tokens.clear()

    def expire_sessions(self) -> None:
        for s in self.sessions.values():
            s["expired"] = True

    def _authed(self, req: Req) -> bool:
        auth = req.header("authorization")
        return auth.startswith("Bearer ") and auth[7:] in self.access_tokens

    def handle(self, req: Req) -> Reply:
        if req.path == "/token":
            return self._token(req)
        if not self._authed(req):
            return gerror(401, "authError", "Invalid Credentials", "global")
        if req.path == "/upload/youtube/v3/videos" and req.method == "POST":
            return self._start(req)
        if req.path == "/upload/session" and req.method == "PUT":
            return self._put(req)
        if req.path == "/youtube/v3/videos" and req.method == "GET":
            ids = req.query.get("id", "").split(",")
            return Reply(200, {"kind": "youtube#videoListResponse", "items": [
                {"id": i, "status": {"uploadStatus": self.videos[i]["uploadStatus"],
                                     "privacyStatus": self.videos[i]["privacy"]}}
                for i in ids if i in self.videos]})
        if req.path == "/youtube/v3/search" and req.method == "GET":
            if req.query.get("forMine") != "true" or req.query.get("type") != "video":
                return gerror(400, "invalidSearchFilter", "forMine needs type=video")
            return Reply(200, {"items": [
                {"id": {"kind": "youtube#video", "videoId": vid},
                 "snippet": {"title": v["title"]}}
                for vid, v in reversed(list(self.videos.items()))]})
        return gerror(404, "notFound", "no such endpoint")

    def _start(self, req: Req) -> Reply:
        q = req.query
        if q.get("uploadType") != "resumable" or not {"snippet", "status"} <= set(
                q.get("part", "").split(",")):
            return gerror(400, "invalidPart", "uploadType=resumable and part=snippet,status")
        if not req.header("content-type").startswith("application/json"):
            return gerror(400, "badContent", "the video resource must be JSON")
        size = req.header("x-upload-content-length")
        if not size.isdigit() or not req.header("x-upload-content-type").startswith(
                ("video/", "application/octet-stream")):
            return gerror(400, "badContent", "X-Upload-Content-Length/Type are required")
        body = req.json()
        title = body.get("snippet", {}).get("title", "")
        if not title or len(title) > 100 or "<" in title or ">" in title:
            return gerror(400, "invalidTitle", "The request metadata specifies an invalid "
                          "video title.")
        privacy = body.get("status", {}).get("privacyStatus", "public")
        if privacy != "private" and not self.verified:
            return gerror(403, "forbiddenPrivacySetting", "Unverified API projects can only "
                          "upload private videos.")
        sid = uuid.uuid4().hex
        self.sessions[sid] = {"size": int(size), "data": bytearray(), "resource": body,
                              "expired": False, "video_id": None}
        location = f"{self.base_url}/upload/session?upload_id={sid}"
        return Reply(200, b"", {"Location": location})

    def _put(self, req: Req) -> Reply:
        s = self.sessions.get(req.query.get("upload_id", ""))
        if s is None or s["expired"]:
            return gerror(404, "notFound", "upload session not found or expired")
        crange, total = req.header("content-range"), s["size"]
        if crange == f"bytes */{total}" and not req.body:
            return self._progress(s)
        match = RANGE.match(crange)
        if not match:
            return gerror(400, "badRange", f"bad Content-Range {crange!r}")
        first, last, size = map(int, match.groups())
        have = len(s["data"])
        if size != total or first != have or len(req.body) != last - first + 1:
            return gerror(400, "badRange", f"expected to continue at {have}, got {crange}")
        final = last == total - 1
        if not final and len(req.body) % KIB256:
            return gerror(400, "badChunk", "chunks must be multiples of 256 KiB")
        if req.kept is not None:  # connection broke: keep a whole-block prefix only
            s["data"] += req.body[: req.kept // KIB256 * KIB256]
            return Reply(500)
        s["data"] += req.body
        return self._progress(s)

    def _progress(self, s: dict) -> Reply:
        have = len(s["data"])
        if have < s["size"]:
            headers = {"Range": f"bytes=0-{have - 1}"} if have else {}
            return Reply(308, b"", headers)
        if s["video_id"] is None:
            vid = uuid.uuid4().hex[:11]
            s["video_id"] = vid
            self.videos[vid] = {"title": s["resource"]["snippet"]["title"],
                                "uploadStatus": "uploaded", "data": bytes(s["data"]),
                                "privacy": s["resource"]["status"]["privacyStatus"]}
        v = self.videos[s["video_id"]]
        return Reply(200, {"kind": "youtube#video", "id": s["video_id"],
                           "snippet": s["resource"]["snippet"],
                           "status": {"uploadStatus": v["uploadStatus"],
                                      "privacyStatus": v["privacy"]}})

    def _token(self, req: Req) -> Reply:
        form = req.form()
        if form.get("client_id") != self.client_id or \
                form.get("client_secret") != self.client_secret:
            return Reply(401, {"error": "invalid_client", "error_description": "Unauthorized"})
        grant = form.get("grant_type")
        if grant == "refresh_token" and form.get("refresh_token") in self.refresh_tokens:
            access = "ya29." + uuid.uuid4().hex[:8]
            self.access_tokens = {access}
            return Reply(200, {"access_token": access, "expires_in": 3599,
                               "scope": "https://www.googleapis.com/auth/youtube.upload",
                               "token_type": "Bearer"})
        if grant == "authorization_code" and form.get("code"):
            access = "ya29." + uuid.uuid4().hex[:8]
            self.access_tokens.add(access)
            return Reply(200, {"access_token": access, "expires_in": 3599,
                               "refresh_token": "1//" + uuid.uuid4().hex[:8],
                               "token_type": "Bearer"})
        return Reply(400, {"error": "invalid_grant",
                           "error_description": "Token has been expired or revoked."})
