"""A local TikTok Content Posting API (Direct Post, FILE_UPLOAD) and OAuth token endpoint.

Checks the Bearer token, JSON bodies, the privacy level against the creator's options and the
unaudited-app rule (SELF_ONLY only), the chunk plan against the Media Transfer Guide's rules
(here with limits scaled down by the test: ``min_chunk``/``max_chunk``), and every PUT: the
``Content-Type``, ``Content-Range: bytes a-b/total``, chunks in order with the planned sizes
(206 until the last, then 201). Plays the 6-inits-per-minute limit as ``rate_limit_exceeded``.
Refresh tokens rotate and a spent one answers ``invalid_grant``.

PULL_FROM_URL (videos, and photos through ``/v2/post/publish/content/init/``): every URL must
start with one of ``verified_prefixes`` (else ``url_ownership_unverified``, 403); the pull happens
at once, and a photo whose ``hosted`` bytes are neither JPEG nor WebP ends the post as FAILED
(``file_format_check_failed``). Photo init checks ``media_type=PHOTO``, ``post_mode``, 1–35
``photo_images``, ``photo_cover_index`` within them, title ≤ 90 and description ≤ 4,000 UTF-16
units, and shares the 6-inits-per-minute limit with video init.
"""

from __future__ import annotations

import re
import time
import uuid

from tests.fakes.http import FakePlatform, Reply, Req

RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")


def envelope(data=None, code="ok", message="", status=200) -> Reply:
    body = {"error": {"code": code, "message": message, "log_id": uuid.uuid4().hex}}
    if data is not None:
        body["data"] = data
    return Reply(status, body)


class TikTokFake(FakePlatform):
    def __init__(self, *, access_token="act-1", refresh_token="rft-1", audited=False,
                 min_chunk=5 * 1024 * 1024, max_chunk=64 * 1024 * 1024,
                 processing_polls=1, client_key="ck", client_secret="cs") -> None:
        super().__init__()
        self.access_tokens, self.refresh_tokens = {access_token}, {refresh_token}
        self.audited, self.min_chunk, self.max_chunk = audited, min_chunk, max_chunk
        self.processing_polls, self.client_key, self.client_secret = (processing_polls,
                                                                     client_key, client_secret)
        self.uploads: dict[str, dict] = {}
        self.init_times: list[float] = []
        self.fail_reason = ""
        self.privacy_options = ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"]
        self.verified_prefixes = ["https://media.htxtra.vn/"]
        self.hosted: dict[str, bytes] = {}

    def expire_token(self) -> None:
        self.access_tokens.clear()

    def handle(self, req: Req) -> Reply:
        if req.path == "/v2/oauth/token/":
            return self._oauth(req)
        if req.path.startswith("/upload/"):
            return self._put(req)
        if req.method != "POST":
            return envelope(code="invalid_params", message="POST only", status=405)
        auth = req.header("authorization")
        if not auth.startswith("Bearer ") or auth[7:] not in self.access_tokens:
            return envelope(code="access_token_invalid", message="The access token is invalid "
                            "or not found in the request.", status=401)
        if not req.header("content-type").startswith("application/json"):
            return envelope(code="invalid_params", message="Content-Type must be JSON", status=400)
        if req.path == "/v2/post/publish/creator_info/query/":
            return envelope({"creator_avatar_url": "https://p16.example/a.jpg",
                             "creator_username": "htx_tra", "creator_nickname": "HTX Trà",
                             "privacy_level_options": self.privacy_options,
                             "comment_disabled": False, "duet_disabled": True,
                             "stitch_disabled": True, "max_video_post_duration_sec": 600})
        if req.path == "/v2/post/publish/video/init/":
            return self._init(req)
        if req.path == "/v2/post/publish/content/init/":
            return self._photo_init(req)
        if req.path == "/v2/post/publish/status/fetch/":
            return self._status(req.json().get("publish_id", ""))
        return envelope(code="invalid_params", message="unknown path", status=404)

    def _limited(self) -> Reply | None:
        now = time.time()
        self.init_times = [t for t in self.init_times if now - t < 60] + [now]
        if len(self.init_times) > 6:
            return envelope(code="rate_limit_exceeded", message="6 requests per minute",
                            status=429)
        return None

    def _privacy_problem(self, post: dict) -> Reply | None:
        if post.get("privacy_level") not in ("PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS",
                                             "FOLLOWER_OF_CREATOR", "SELF_ONLY"):
            return envelope(code="privacy_level_option_mismatch", status=400,
                            message="privacy_level is not one of the creator's options")
        if not self.audited and post["privacy_level"] != "SELF_ONLY":
            return envelope(code="unaudited_client_can_only_post_to_private_accounts",
                            status=403, message="Unaudited clients can only post SELF_ONLY")
        return None

    def _unverified(self, urls: list) -> Reply | None:
        if all(isinstance(u, str) and u.startswith(tuple(self.verified_prefixes))
               for u in urls):
            return None
        return envelope(code="url_ownership_unverified", status=403, message=(
            "Please review our URL ownership verification rules at https://developers.tiktok"
            ".com/doc/content-posting-api-media-transfer-guide#pull_from_url"))

    def _pulled(self, prefix: str, post: dict, reason: str = "") -> Reply:
        publish_id = prefix + uuid.uuid4().hex[:18]
        self.uploads[publish_id] = {"size": 0, "chunk": 0, "count": 0, "data": bytearray(),
                                    "done": True, "polls": 0, "post_info": post,
                                    "fail_reason": reason}
        return envelope({"publish_id": publish_id})

    def _photo_init(self, req: Req) -> Reply:
        limited = self._limited()
        if limited:
            return limited
        body = req.json()
        post, source = body.get("post_info") or {}, body.get("source_info") or {}
        if body.get("media_type") != "PHOTO" or body.get("post_mode") not in (
                "DIRECT_POST", "MEDIA_UPLOAD"):
            return envelope(code="invalid_params", status=400,
                            message="media_type must be PHOTO, post_mode DIRECT_POST or "
                            "MEDIA_UPLOAD")
        problem = self._privacy_problem(post) if body["post_mode"] == "DIRECT_POST" else None
        if problem:
            return problem
        units = {k: len(str(post.get(k, "")).encode("utf-16-le")) // 2
                 for k in ("title", "description")}
        if units["title"] > 90 or units["description"] > 4000:
            return envelope(code="invalid_params", status=400,
                            message="title ≤ 90 and description ≤ 4000 UTF-16 runes")
        images, cover = source.get("photo_images"), source.get("photo_cover_index")
        if source.get("source") != "PULL_FROM_URL" or not isinstance(images, list) \
                or not 1 <= len(images) <= 35:
            return envelope(code="invalid_params", status=400, message="photos need source "
                            "PULL_FROM_URL and 1 to 35 photo_images")
        if not isinstance(cover, int) or not 0 <= cover < len(images):
            return envelope(code="invalid_params", status=400,
                            message="photo_cover_index must index photo_images")
        problem = self._unverified(images)
        if problem:
            return problem
        bad = [u for u in images if u in self.hosted
               and not self.hosted[u].startswith((b"\xff\xd8\xff", b"RIFF"))]
        return self._pulled("p_pub_url~v2.", post,
                            "file_format_check_failed" if bad else "")

    def _init(self, req: Req) -> Reply:
        limited = self._limited()
        if limited:
            return limited
        body = req.json()
        post, source = body.get("post_info") or {}, body.get("source_info") or {}
        problem = self._privacy_problem(post)
        if problem:
            return problem
        if len(post.get("title", "")) > 2200:
            return envelope(code="invalid_params", message="title too long", status=400)
        if source.get("source") == "PULL_FROM_URL":
            if not source.get("video_url") or {"video_size", "chunk_size"} & set(source):
                return envelope(code="invalid_params", status=400,
                                message="PULL_FROM_URL takes video_url only")
            return self._unverified([source["video_url"]]) or \
                self._pulled("v_pub_url~v2.", post)
        if source.get("source") != "FILE_UPLOAD":
            return envelope(code="invalid_params", status=400,
                            message="source must be FILE_UPLOAD or PULL_FROM_URL")
        size, chunk, count = (source.get("video_size"), source.get("chunk_size"),
                              source.get("total_chunk_count"))
        if not all(isinstance(v, int) and v > 0 for v in (size, chunk, count)):
            return envelope(code="invalid_params", status=400,
                            message="video_size, chunk_size, total_chunk_count are required")
        problem = self._check_plan(size, chunk, count)
        if problem:
            return envelope(code="invalid_params", message=problem, status=400)
        publish_id = "v_pub_file~v2-1." + uuid.uuid4().hex[:18]
        self.uploads[publish_id] = {"size": size, "chunk": chunk, "count": count,
                                    "data": bytearray(), "done": False, "polls": 0,
                                    "post_info": post}
        return envelope({"publish_id": publish_id,
                         "upload_url": f"{self.base_url}/upload/?upload_id={publish_id}"})

    def _check_plan(self, size: int, chunk: int, count: int) -> str:
        if size < self.min_chunk:
            return "" if (chunk == size and count == 1) else \
                "a video under the minimum chunk size must be uploaded whole"
        if not self.min_chunk <= chunk <= self.max_chunk:
            return f"chunk_size must be {self.min_chunk}–{self.max_chunk}"
        if count != size // chunk or not 1 <= count <= 1000:
            return "total_chunk_count must be floor(video_size / chunk_size)"
        if size - chunk * (count - 1) > 2 * self.max_chunk:
            return "the last chunk is too large"
        return ""

    def _put(self, req: Req) -> Reply:
        upload = self.uploads.get(req.query.get("upload_id", ""))
        if req.method != "PUT" or upload is None:
            return envelope(code="invalid_params", message="unknown upload", status=404)
        if req.header("content-type") not in ("video/mp4", "video/quicktime", "video/webm"):
            return envelope(code="invalid_params", message="bad Content-Type", status=400)
        match = RANGE.match(req.header("content-range"))
        if not match:
            return envelope(code="invalid_params", message="Content-Range required", status=400)
        first, last, total = map(int, match.groups())
        received = len(upload["data"])
        index = received // upload["chunk"]
        final = index == upload["count"] - 1
        expected_last = upload["size"] - 1 if final else received + upload["chunk"] - 1
        if total != upload["size"] or first != received or last != expected_last \
                or len(req.body) != last - first + 1:
            return envelope(code="invalid_params", status=416, message=(
                f"expected bytes {received}-{expected_last}/{upload['size']}, got "
                f"{req.header('content-range')} with {len(req.body)} bytes"))
        upload["data"] += req.body
        if final:
            upload["done"] = True
            return Reply(201)
        return Reply(206)

    def _status(self, publish_id: str) -> Reply:
        upload = self.uploads.get(publish_id)
        if upload is None:
            return envelope(code="invalid_publish_id", message="not found", status=400)
        if not upload["done"]:
            return envelope({"status": "PROCESSING_UPLOAD", "uploaded_bytes": len(upload["data"])})
        if self.fail_reason or upload.get("fail_reason"):
            return envelope({"status": "FAILED",
                             "fail_reason": self.fail_reason or upload["fail_reason"]})
        upload["polls"] += 1
        if upload["polls"] <= self.processing_polls:
            return envelope({"status": "PROCESSING_UPLOAD", "uploaded_bytes": upload["size"]})
        return envelope({"status": "PUBLISH_COMPLETE",
                         "publicaly_available_post_id": [7_300_000_000_000_000_001],
                         "uploaded_bytes": upload["size"]})

    def _oauth(self, req: Req) -> Reply:
        if req.header("content-type") != "application/x-www-form-urlencoded":
            return Reply(400, {"error": "invalid_request", "error_description": "form body"})
        form = req.form()
        if form.get("client_key") != self.client_key or \
                form.get("client_secret") != self.client_secret:
            return Reply(401, {"error": "invalid_client", "error_description": "bad client",
                               "log_id": "l1"})
        if form.get("grant_type") == "refresh_token":
            if form.get("refresh_token") not in self.refresh_tokens:
                return Reply(400, {"error": "invalid_grant",
                                   "error_description": "Refresh token is invalid or expired.",
                                   "log_id": "l2"})
            self.refresh_tokens.discard(form["refresh_token"])
        elif form.get("grant_type") != "authorization_code" or not form.get("code"):
            return Reply(400, {"error": "invalid_request", "error_description": "grant_type"})
        access, refresh = "act-" + uuid.uuid4().hex[:8], "rft-" + uuid.uuid4().hex[:8]
        self.access_tokens, self.refresh_tokens = {access}, {refresh}
        return Reply(200, {"access_token": access, "expires_in": 86400, "open_id": "o-1",
                           "refresh_expires_in": 31536000, "refresh_token": refresh,
                           "scope": "user.info.basic,video.publish", "token_type": "Bearer"})
