"""TikTok Content Posting API (Direct Post of a video by FILE_UPLOAD or PULL_FROM_URL, and of
photos).

Wire format (TikTok for Developers: "Content Posting API – Direct Post" reference,
https://developers.tiktok.com/doc/content-posting-api-reference-direct-post; "Media Transfer
Guide", https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide; "Query
Creator Info"; "Get Post Status"; "OAuth user access token management",
https://developers.tiktok.com/doc/oauth-user-access-token-management):

1. ``POST /v2/post/publish/creator_info/query/`` → ``privacy_level_options``,
   ``max_video_post_duration_sec``, comment/duet/stitch switches. The privacy level we send must be
   one of the creator's options; unaudited apps may only post ``SELF_ONLY``.
2. ``POST /v2/post/publish/video/init/`` with ``post_info`` (title, privacy_level,
   disable_comment/duet/stitch) and ``source_info`` ``{"source": "FILE_UPLOAD", video_size,
   chunk_size, total_chunk_count}`` → ``publish_id`` and ``upload_url``. 6 inits per minute.
3. ``PUT upload_url`` each chunk in order with ``Content-Type: video/mp4``,
   ``Content-Range: bytes FIRST-LAST/TOTAL``; 206 until the last chunk, then 201.
   Chunk rules: 5–64 MB each, the last may hold the remainder up to 128 MB;
   ``total_chunk_count = floor(video_size / chunk_size)``; a video under 5 MB goes whole; 1–1000
   chunks.
4. ``POST /v2/post/publish/status/fetch/`` ``{"publish_id"}`` until ``PUBLISH_COMPLETE`` or
   ``FAILED`` (``fail_reason``); the public post id is in ``publicaly_available_post_id``
   (spelled so by the API).

PULL_FROM_URL (account option ``video_source=PULL_FROM_URL``): ``source_info`` is ``{"source":
"PULL_FROM_URL", "video_url"}``, TikTok downloads the file and no PUT follows. The URL's domain or
prefix must be verified for the app in the developer portal; otherwise init answers
``url_ownership_unverified`` (403), which we turn into a message saying how to fix it.

Photos ("Content Posting API – Photo Post" reference,
https://developers.tiktok.com/doc/content-posting-api-reference-photo-post):
``POST /v2/post/publish/content/init/`` with ``media_type=PHOTO``, ``post_mode=DIRECT_POST``,
``post_info`` (title ≤ 90 and description ≤ 4,000 UTF-16 units, privacy_level, disable_comment,
auto_add_music) and ``source_info`` ``{"source": "PULL_FROM_URL", "photo_images": [up to 35
URLs], "photo_cover_index"}`` (photos are only pulled). Media Transfer Guide: JPEG or WebP, at
most 1080p, at most 20 MB each. The status fetch is the same as for videos.

Every answer carries ``{"error": {"code": "ok"|..., "message", "log_id"}}``. Bearer tokens;
``POST /v2/oauth/token/`` (form: client_key, client_secret, grant_type=refresh_token,
refresh_token) returns a new access token and a refresh token that may differ from the old one.
"""

from __future__ import annotations

import time
from typing import ClassVar
from urllib.parse import urlencode

import httpx

from studio.publish.channels.base import (
    AUTH,
    PERMANENT,
    PUBLIC_URL_HOW,
    RETRYABLE,
    UNKNOWN,
    Channel,
    ChannelError,
    PostPayload,
    PublishResult,
    retry_after,
)

MB = 1024 * 1024
MIN_CHUNK, MAX_CHUNK, MAX_LAST = 5 * MB, 64 * MB, 128 * MB
DEFAULT_CHUNK = 10 * MB
AUTHORIZE = "https://www.tiktok.com/v2/auth/authorize/"
AUTH_CODES = {"access_token_invalid", "scope_not_authorized", "scope_permission_missed",
              "invalid_token"}
RETRY_CODES = {"rate_limit_exceeded", "internal_error"}
PHOTO_MIMES, PHOTO_MAX_BYTES, PHOTOS_MAX = ("image/jpeg", "image/webp"), 20 * MB, 35
PHOTO_TITLE_MAX, PHOTO_DESCRIPTION_MAX = 90, 4000
UNVERIFIED_URL = "url_ownership_unverified"
PRIVACY_LEVELS = ("PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR",
                  "SELF_ONLY")


def plan_chunks(video_size: int, chunk_size: int = DEFAULT_CHUNK, *, min_chunk: int = MIN_CHUNK,
                max_chunk: int = MAX_CHUNK) -> tuple[int, int]:
    """``(chunk_size, total_chunk_count)`` following the Media Transfer Guide's rules."""
    if video_size <= 0:
        raise ValueError("the video is empty")
    if video_size < min_chunk:
        return video_size, 1
    chunk = max(min_chunk, min(chunk_size, max_chunk, video_size))
    count = video_size // chunk
    if count > 1000:
        chunk = -(-video_size // 1000)
        count = video_size // chunk
    last = video_size - chunk * (count - 1)
    if last > 2 * max_chunk:
        raise ValueError(f"the last chunk would be {last} bytes; use a larger chunk size")
    return chunk, count


def chunk_ranges(video_size: int, chunk: int, count: int) -> list[tuple[int, int]]:
    """Inclusive byte ranges; the last chunk takes the remainder."""
    ranges = [(i * chunk, (i + 1) * chunk - 1) for i in range(count - 1)]
    ranges.append(((count - 1) * chunk, video_size - 1))
    return ranges


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit TikTok counts titles in."""
    return len(text.encode("utf-16-le")) // 2


class TikTokChannel(Channel):
    kind = "tiktok"
    required_credentials = ("access_token",)
    credential_fields = ("client_key", "client_secret", "refresh_token")
    default_api_base = "https://open.tiktokapis.com"
    option_rules: ClassVar[dict] = {
        "api_base": "url",
        "privacy_level": PRIVACY_LEVELS,
        "max_polls": int,
        "poll_interval_s": float,
        "min_chunk_size": int,
        "max_chunk_size": int,
        "video_source": ("FILE_UPLOAD", "PULL_FROM_URL"),
    }
    caption_max = 2200

    def check_response(self, response: httpx.Response) -> ChannelError | None:
        try:
            data = response.json()
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        error = data.get("error")
        if isinstance(error, dict):
            code, message = str(error.get("code", "ok")), error.get("message", "")
            log_id = error.get("log_id", "?")
        elif isinstance(error, str):  # the OAuth endpoint: {"error", "error_description"}
            code, message, log_id = error, data.get("error_description", ""), data.get("log_id")
        else:
            return None
        if code == "ok":
            return None
        status = response.status_code
        if code in RETRY_CODES or status == 429 or status >= 500:
            kind = RETRYABLE
        elif code in AUTH_CODES or status == 401:
            kind = AUTH
        else:
            kind = PERMANENT
        if code == UNVERIFIED_URL:
            message = ("TikTok only pulls media from a domain or URL prefix verified for this "
                       "app: verify the public media domain in the TikTok developer portal "
                       "(Content Posting API, URL properties) or set option "
                       "video_source=FILE_UPLOAD")
        return ChannelError(f"tiktok: {code}: {message} (log_id {log_id})", kind, status=status,
                            retry_after=retry_after(response), platform_code=code)

    def _auth(self) -> dict:
        return {"Authorization": f"Bearer {self.credentials['access_token']}",
                "Content-Type": "application/json; charset=UTF-8"}

    def _post(self, path: str, body: dict | None, summary: str) -> dict:
        response = self.request("POST", path, headers=self._auth(), json=body,
                                summary=summary)
        return response.json().get("data") or {}

    # -- validation --------------------------------------------------------------------------
    def pulls_video(self) -> bool:
        return self.options.get("video_source") == "PULL_FROM_URL"

    @staticmethod
    def photos_of(payload: PostPayload) -> list:
        return [m for m in payload.media if m.mime.startswith("image/")]

    def validate(self, payload: PostPayload) -> list[str]:
        problems = []
        videos = [m for m in payload.media if m.mime.startswith("video/")]
        photos = self.photos_of(payload)
        if photos:
            if videos:
                problems.append("a TikTok post is one video or 1–35 photos, not both: split it")
            return problems + self.photo_problems(payload, photos)
        if len(videos) != 1:
            problems.append(f"TikTok posts exactly one video (this post has {len(videos)})")
        if self.pulls_video():
            problems += [f"{v.path.name}: with video_source=PULL_FROM_URL TikTok downloads the "
                         "video from a public https URL on a verified domain: " + PUBLIC_URL_HOW
                         for v in videos
                         if not v.public_url.startswith("https://")]
        if len(self.caption(payload)) > self.caption_max:
            problems.append(f"TikTok caption is {len(self.caption(payload))} characters; keep "
                            f"it at most {self.caption_max}")
        for v in videos:
            if v.duration_s is not None and v.duration_s < 3:
                problems.append("TikTok videos must be at least 3 seconds")
            if v.mime not in ("video/mp4", "video/quicktime", "video/webm"):
                problems.append(f"TikTok takes MP4, MOV or WebM (got {v.mime})")
        if self.pulls_video():
            return problems
        try:
            self._chunking(videos[0].size if videos else 1)
        except ValueError as exc:
            problems.append(f"TikTok upload: {exc}")
        return problems

    def photo_problems(self, payload: PostPayload, photos: list) -> list[str]:
        problems = []
        if len(photos) > PHOTOS_MAX:
            problems.append(f"a TikTok photo post holds at most {PHOTOS_MAX} photos (this one "
                            f"has {len(photos)})")
        for m in photos:
            if m.mime not in PHOTO_MIMES:
                problems.append(f"{m.path.name}: TikTok takes JPEG or WebP photos (not "
                                f"{m.mime}): export it as JPEG")
            if m.size > PHOTO_MAX_BYTES:
                problems.append(f"{m.path.name} is {m.size / MB:.1f} MB; TikTok photos are at "
                                "most 20 MB")
            if m.width and m.height and min(m.width, m.height) > 1080:
                problems.append(f"{m.path.name} is {m.width}×{m.height}; TikTok photos are at "
                                "most 1080p: resize it")
            if not m.public_url.startswith("https://"):
                problems.append(f"{m.path.name}: TikTok pulls photos from a public https URL on "
                                "a verified domain: " + PUBLIC_URL_HOW)
        cover = payload.extra.get("photo_cover_index", 0)
        if not (isinstance(cover, int) and 0 <= cover < max(1, len(photos))):
            problems.append(f"photo_cover_index must be 0–{len(photos) - 1} (the cover photo's "
                            f"position); got {cover!r}")
        if utf16_len(self.photo_title(payload)) > PHOTO_TITLE_MAX:
            problems.append(f"a TikTok photo title is at most {PHOTO_TITLE_MAX} characters: "
                            "shorten the post title")
        if utf16_len(self.caption(payload)) > PHOTO_DESCRIPTION_MAX:
            problems.append(f"a TikTok photo description is at most {PHOTO_DESCRIPTION_MAX:,} "
                            "characters")
        return problems

    def photo_title(self, payload: PostPayload) -> str:
        """The post title, or the text's first line cut to the 90-unit limit (the whole text
        goes in the description)."""
        if payload.title.strip():
            return payload.title.strip()
        line = payload.text.strip().split("\n", 1)[0].strip()
        while utf16_len(line) > PHOTO_TITLE_MAX:
            line = line[:-1]
        return line.rstrip()

    def caption(self, payload: PostPayload) -> str:
        tags = " ".join(f"#{t.lstrip('#')}" for t in payload.hashtags)
        return (payload.text + (" " + tags if tags else "")).strip()

    def _chunking(self, size: int) -> tuple[int, int]:
        # min/max_chunk_size exist so tests can scale the documented limits down.
        chunk = int(self.options.get("chunk_size") or DEFAULT_CHUNK)
        low = int(self.options.get("min_chunk_size") or MIN_CHUNK)
        high = int(self.options.get("max_chunk_size") or MAX_CHUNK)
        return plan_chunks(size, chunk, min_chunk=low, max_chunk=high)

    def validate_account(self) -> list[str]:
        problems = super().validate_account()
        value = self.options.get("chunk_size")
        if value not in (None, ""):
            low = int(self.options.get("min_chunk_size") or MIN_CHUNK)
            high = int(self.options.get("max_chunk_size") or MAX_CHUNK)
            if not str(value).isdigit() or not low <= int(value) <= high:
                problems.append(f"chunk_size must be a whole number of bytes from {low} to "
                                f"{high} (TikTok takes 5–64 MB chunks); got {value!r}")
        return problems

    # -- publishing --------------------------------------------------------------------------
    def privacy(self, payload: PostPayload, creator: dict) -> str:
        options = creator.get("privacy_level_options") or []
        wanted = payload.extra.get("privacy_level") or self.options.get("privacy_level") \
            or "SELF_ONLY"
        if wanted not in options:
            raise ChannelError(f"tiktok: privacy level {wanted} is not allowed for this creator "
                               f"(allowed: {', '.join(options) or 'none'}); unaudited apps can "
                               "only post SELF_ONLY", PERMANENT)
        return wanted

    def publish(self, payload: PostPayload) -> PublishResult:
        problems = self.validate(payload) + self.validate_account()
        if problems:
            raise ChannelError("tiktok: " + "; ".join(problems), PERMANENT)
        creator = self._post("/v2/post/publish/creator_info/query/", None, "creator_info")
        if self.photos_of(payload):
            return self._post_photos(payload, creator)
        video = next(m for m in payload.media if m.mime.startswith("video/"))
        limit = creator.get("max_video_post_duration_sec")
        if limit and video.duration_s and video.duration_s > float(limit):
            raise ChannelError(f"tiktok: this creator can post videos up to {limit} s; the clip "
                               f"is {video.duration_s:.0f} s", PERMANENT)
        post_info = {"title": self.caption(payload), "privacy_level": self.privacy(payload,
                                                                                  creator),
                     "disable_comment": bool(creator.get("comment_disabled")),
                     "disable_duet": bool(creator.get("duet_disabled")),
                     "disable_stitch": bool(creator.get("stitch_disabled"))}
        polls = int(self.options.get("max_polls") or 30)
        if self.pulls_video():
            init = self._post("/v2/post/publish/video/init/", {
                "post_info": post_info,
                "source_info": {"source": "PULL_FROM_URL", "video_url": video.public_url}},
                "video/init pull")
            return self._settle(init["publish_id"], polls=polls)
        chunk, count = self._chunking(video.size)
        init = self._post("/v2/post/publish/video/init/", {
            "post_info": post_info,
            "source_info": {"source": "FILE_UPLOAD", "video_size": video.size,
                            "chunk_size": chunk, "total_chunk_count": count}}, "video/init")
        publish_id, upload_url = init["publish_id"], init["upload_url"]
        self._upload(video, upload_url, chunk, count)
        return self._settle(publish_id, polls=int(self.options.get("max_polls") or 30))

    def _post_photos(self, payload: PostPayload, creator: dict) -> PublishResult:
        photos = self.photos_of(payload)
        post_info = {"title": self.photo_title(payload), "description": self.caption(payload),
                     "privacy_level": self.privacy(payload, creator),
                     "disable_comment": bool(creator.get("comment_disabled")),
                     "auto_add_music": bool(payload.extra.get("auto_add_music", True))}
        init = self._post("/v2/post/publish/content/init/", {
            "media_type": "PHOTO", "post_mode": "DIRECT_POST", "post_info": post_info,
            "source_info": {"source": "PULL_FROM_URL",
                            "photo_cover_index": int(payload.extra.get("photo_cover_index", 0)),
                            "photo_images": [m.public_url for m in photos]}}, "content/init")
        return self._settle(init["publish_id"], polls=int(self.options.get("max_polls") or 30))

    def _upload(self, video, upload_url: str, chunk: int, count: int) -> None:
        with open(video.path, "rb") as fh:
            for first, last in chunk_ranges(video.size, chunk, count):
                fh.seek(first)
                data = fh.read(last - first + 1)
                self.request("PUT", upload_url, content=data, summary=f"chunk {first}-{last}",
                             headers={"Content-Type": video.mime,
                                      "Content-Range": f"bytes {first}-{last}/{video.size}"})

    def _settle(self, publish_id: str, polls: int) -> PublishResult:
        """Poll the status; after the upload the post exists, so never fail on a read."""
        interval = float(self.options.get("poll_interval_s", 5))
        for _ in range(max(1, polls)):
            try:
                result = self.status(publish_id)
            except ChannelError as exc:
                if exc.kind == PERMANENT:
                    raise
                result = PublishResult(publish_id, state="processing")
            if result.state == "published":
                return result
            time.sleep(interval)
        return PublishResult(publish_id, state="processing")

    def status(self, external_id: str) -> PublishResult:
        data = self._post("/v2/post/publish/status/fetch/", {"publish_id": external_id},
                          "status/fetch")
        state = data.get("status")
        if state == "PUBLISH_COMPLETE":
            ids = data.get("publicaly_available_post_id") or []
            url = f"https://www.tiktok.com/video/{ids[0]}" if ids else ""
            return PublishResult(external_id, url, raw=data)
        if state == "FAILED":
            raise ChannelError(f"tiktok: publishing failed: {data.get('fail_reason')}",
                               PERMANENT, platform_code=str(data.get("fail_reason")))
        return PublishResult(external_id, state="processing", raw=data)

    def lookup(self, payload: PostPayload, external_id: str | None = None
               ) -> PublishResult | None:
        if external_id:
            return self.status(external_id)
        raise ChannelError("tiktok: without a publish_id the upload cannot be traced; open the "
                           "TikTok app to check before posting again", UNKNOWN)

    # -- tokens ------------------------------------------------------------------------------
    def _token(self, form: dict) -> dict:
        form = {"client_key": self.credentials.get("client_key", ""),
                "client_secret": self.credentials.get("client_secret", ""), **form}
        try:
            response = self.request("POST", "/v2/oauth/token/", data=form, summary="oauth",
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
        except ChannelError as exc:
            if exc.kind in (RETRYABLE, UNKNOWN):
                raise
            raise ChannelError(f"tiktok: the token request was refused ({exc}); reconnect the "
                               "account in Settings", AUTH, platform_code=exc.platform_code
                               ) from exc
        data = response.json()
        if not data.get("access_token"):
            raise ChannelError("tiktok: no access token in the answer; reconnect", AUTH)
        new = {"access_token": data["access_token"], "expires_in": int(data.get("expires_in")
                                                                         or 0)}
        if data.get("refresh_token"):
            new["refresh_token"] = data["refresh_token"]
        self.credentials.update(new)
        return new

    def refresh(self) -> dict | None:
        return self._token({"grant_type": "refresh_token",
                            "refresh_token": self.credentials.get("refresh_token", "")})

    def authorize_url(self, redirect_uri: str, state: str,
                      scopes: str = "user.info.basic,video.publish,video.list") -> str:
        params = {"client_key": self.credentials.get("client_key", ""), "scope": scopes,
                  "response_type": "code", "redirect_uri": redirect_uri, "state": state}
        return f"{AUTHORIZE}?{urlencode(params)}"

    def exchange_code(self, code: str, redirect_uri: str) -> dict:
        return self._token({"grant_type": "authorization_code", "code": code,
                            "redirect_uri": redirect_uri})

    # -- metrics -----------------------------------------------------------------------------
    # Display API: POST /v2/video/query/?fields=... with {"filters": {"video_ids": [...]}}, at
    # most 20 ids, scope video.list (scope_not_authorized, HTTP 401, when not granted: that is a
    # missing permission, not an expired token). Only the user's own existing videos come back,
    # so a missing id is a deleted (or no longer public) video. The target keeps the publish_id;
    # the public video id is the last part of the URL from status/fetch.
    metrics_batch: ClassVar[int] = 20
    query_fields: ClassVar[str] = ("id,title,video_description,create_time,view_count,"
                                   "like_count,comment_count,share_count")

    def metrics_id(self, external_id: str, url: str = "") -> str | None:
        tail = url.rstrip("/").rsplit("/video/", 1)
        return tail[1] if len(tail) == 2 and tail[1].isdigit() else None

    def fetch_metrics(self, metric_ids: list[str]) -> dict:
        from datetime import UTC, datetime

        from studio.publish.channels import metrics as m

        if len(metric_ids) > self.metrics_batch:
            raise ValueError(f"video/query takes at most {self.metrics_batch} ids a call")
        try:
            data = self._post(f"/v2/video/query/?fields={self.query_fields}",
                              {"filters": {"video_ids": list(metric_ids)}}, "video/query")
        except ChannelError as exc:
            if exc.platform_code in ("scope_not_authorized", "scope_permission_missed"):
                raise m.MissingPermission(self.kind, "video.list", "the TikTok account",
                                          str(exc)) from exc
            raise
        videos = {str(v.get("id")): v for v in data.get("videos") or []}
        found = {}
        for vid in metric_ids:
            video = videos.get(str(vid))
            if video is None:
                found[vid] = m.PostStats(vid, gone=True)
                continue
            created = video.get("create_time")
            counts = {name: m.count(video.get(f"{field}_count")) for name, field in (
                ("views", "view"), ("likes", "like"), ("comments", "comment"),
                ("shares", "share"))}
            found[vid] = m.PostStats(
                vid, counts, datetime.fromtimestamp(int(created), UTC) if created else None,
                (video.get("title") or video.get("video_description") or "")[:300])
        return found
