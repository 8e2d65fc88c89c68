"""YouTube Shorts through the Data API v3 resumable upload protocol.

Wire format (YouTube Data API "Resumable Uploads",
https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol; "Videos:
insert", https://developers.google.com/youtube/v3/docs/videos/insert; Google "Using OAuth 2.0
for Web Server Applications", https://developers.google.com/identity/protocols/oauth2/web-server):

1. ``POST /upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`` with the video
   resource as JSON and headers ``X-Upload-Content-Length`` / ``X-Upload-Content-Type`` → 200 and
   the session URI in ``Location``.
2. ``PUT`` the bytes to the session URI in chunks that are multiples of 256 KiB (the last may be
   shorter) with ``Content-Range: bytes FIRST-LAST/TOTAL``. Unfinished: ``308 Resume Incomplete``
   with ``Range: bytes=0-N``; finished: 200/201 with the video resource.
3. After a broken transfer: ``PUT`` with ``Content-Length: 0`` and ``Content-Range: bytes */TOTAL``
   → 308 + ``Range`` (resume after N), 200/201 (already complete), or 404/410 (the session
   expired: start again).

Errors: ``{"error": {"code", "message", "errors": [{"domain", "reason"}]}}``; ``quotaExceeded``,
``rateLimitExceeded``, ``uploadLimitExceeded`` are retryable later, 401 is auth. Tokens refresh at
``https://oauth2.googleapis.com/token`` (``grant_type=refresh_token``); Google does not rotate the
refresh token, so the answer normally carries none and the stored one is kept. Unverified API
projects can only upload ``private`` videos. Shorts: vertical, up to 3 minutes, ``#Shorts`` in the
title or description helps classification.
"""

from __future__ import annotations

import re
from typing import ClassVar
from urllib.parse import urlencode

import httpx

from studio.publish.channels.base import (
    AUTH,
    PERMANENT,
    RETRYABLE,
    UNKNOWN,
    Channel,
    ChannelError,
    PostPayload,
    PublishResult,
    retry_after,
)

KIB256 = 256 * 1024
DEFAULT_CHUNK = 32 * KIB256  # 8 MiB
TOKEN_URL = "https://oauth2.googleapis.com/token"
AUTHORIZE = "https://accounts.google.com/o/oauth2/v2/auth"
UPLOAD_SCOPE = "https://www.googleapis.com/auth/youtube.upload"
RETRY_REASONS = {"quotaExceeded", "rateLimitExceeded", "userRateLimitExceeded",
                 "uploadLimitExceeded", "backendError"}
RANGE = re.compile(r"bytes=0-(\d+)")


class YouTubeChannel(Channel):
    kind = "youtube"
    required_credentials = ("access_token",)
    credential_fields = ("client_id", "client_secret", "refresh_token")
    default_api_base = "https://www.googleapis.com"
    option_rules: ClassVar[dict] = {
        "api_base": "url",
        "token_url": "url",
        "privacy_status": ("private", "unlisted", "public"),
        "category_id": "id",
        "max_resumes": int,
    }
    title_max, description_max_bytes = 100, 5000

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.token_url = str(self.options.get("token_url") or TOKEN_URL)

    def check_response(self, response: httpx.Response) -> ChannelError | None:
        if response.status_code < 400:
            return None
        try:
            data = response.json()
        except ValueError:
            return None
        error = data.get("error") if isinstance(data, dict) else None
        if isinstance(error, dict):
            reasons = [e.get("reason", "") for e in error.get("errors") or []]
            reason, message = (reasons[0] if reasons else ""), error.get("message", "")
        elif isinstance(error, str):  # OAuth token endpoint
            reason, message = error, data.get("error_description", "")
        else:
            return None
        status = response.status_code
        if reason in RETRY_REASONS or status == 429 or status >= 500:
            kind = RETRYABLE
        elif status == 401 or reason in ("authError", "invalid_grant"):
            kind = AUTH
        else:
            kind = PERMANENT
        return ChannelError(f"youtube: {status} {reason}: {message}", kind, status=status,
                            retry_after=retry_after(response), platform_code=reason or None)

    def _bearer(self) -> dict:
        return {"Authorization": f"Bearer {self.credentials['access_token']}"}

    @property
    def chunk_size(self) -> int:
        return int(self.options.get("chunk_size") or DEFAULT_CHUNK)

    def validate_account(self) -> list[str]:
        problems = super().validate_account()
        value = self.options.get("chunk_size")
        if value not in (None, "") and (not str(value).isdigit() or int(value) <= 0
                                        or int(value) % KIB256):
            problems.append(f"chunk_size must be a multiple of 262144 bytes (256 KiB); got "
                            f"{value!r}")
        return problems

    # -- metadata ----------------------------------------------------------------------------
    def title(self, payload: PostPayload) -> str:
        title = (payload.title or payload.text.split("\n", 1)[0]).strip()
        if self._is_short(payload) and "#shorts" not in title.lower() \
                and len(title) + 8 <= self.title_max:
            title += " #Shorts"
        return title

    def description(self, payload: PostPayload) -> str:
        tags = " ".join(f"#{t.lstrip('#')}" for t in payload.hashtags)
        return "\n\n".join(x for x in (payload.text, payload.link, tags) if x)

    @staticmethod
    def _is_short(payload: PostPayload) -> bool:
        video = next((m for m in payload.media if m.mime.startswith("video/")), None)
        return bool(video and video.width and video.height and video.height >= video.width
                    and (video.duration_s or 0) <= 180)

    def resource(self, payload: PostPayload) -> dict:
        privacy = payload.extra.get("privacy_status") or self.options.get("privacy_status") \
            or "private"
        return {"snippet": {"title": self.title(payload),
                            "description": self.description(payload),
                            "tags": [t.lstrip("#") for t in payload.hashtags],
                            "categoryId": str(self.options.get("category_id") or "22")},
                "status": {"privacyStatus": privacy, "selfDeclaredMadeForKids": False}}

    def validate(self, payload: PostPayload) -> list[str]:
        problems = []
        videos = [m for m in payload.media if m.mime.startswith("video/")]
        if len(videos) != 1:
            problems.append(f"YouTube uploads exactly one video (this post has {len(videos)})")
        title = self.title(payload)
        if not title:
            problems.append("YouTube needs a title: set the post title")
        if len(title) > self.title_max:
            problems.append(f"YouTube title is {len(title)} characters; keep it at most "
                            f"{self.title_max}")
        text = title + self.description(payload)
        if "<" in text or ">" in text:
            problems.append("YouTube refuses < and > in titles and descriptions: remove them")
        if len(self.description(payload).encode()) > self.description_max_bytes:
            problems.append("YouTube description is over 5,000 bytes: shorten it")
        privacy = self.resource(payload)["status"]["privacyStatus"]
        if privacy not in ("private", "unlisted", "public"):
            problems.append(f"privacy_status must be private, unlisted or public (got "
                            f"{privacy!r})")
        return problems

    # -- upload ------------------------------------------------------------------------------
    def start_session(self, payload: PostPayload, video) -> str:
        headers = {**self._bearer(), "Content-Type": "application/json; charset=UTF-8",
                   "X-Upload-Content-Length": str(video.size),
                   "X-Upload-Content-Type": video.mime}
        response = self.request("POST", "/upload/youtube/v3/videos", headers=headers,
                                params={"uploadType": "resumable", "part": "snippet,status"},
                                json=self.resource(payload), summary="start upload session")
        location = response.headers.get("Location")
        if not location:
            raise ChannelError("youtube: no session URI in the answer", UNKNOWN)
        return location

    def probe(self, session: str, total: int) -> int | dict | None:
        """Bytes the server holds (int), the finished video (dict), or None if expired."""
        try:
            response = self.request("PUT", session, accept=(308,), content=b"",
                                    headers={**self._bearer(),
                                             "Content-Range": f"bytes */{total}"},
                                    summary="probe upload")
        except ChannelError as exc:
            if exc.status in (404, 410):
                return None
            raise
        if response.status_code == 308:
            match = RANGE.match(response.headers.get("Range", ""))
            return int(match.group(1)) + 1 if match else 0
        return response.json()

    def send_from(self, session: str, video, offset: int) -> dict:
        """PUT chunks from ``offset``; resume via a probe after a broken transfer."""
        total, chunk = video.size, self.chunk_size
        resumes = int(self.options.get("max_resumes") or 5)
        with open(video.path, "rb") as fh:
            while True:
                fh.seek(offset)
                data = fh.read(chunk)
                last = offset + len(data) - 1
                try:
                    response = self.request(
                        "PUT", session, accept=(308,), content=data,
                        headers={**self._bearer(), "Content-Type": video.mime,
                                 "Content-Range": f"bytes {offset}-{last}/{total}"},
                        summary=f"bytes {offset}-{last}")
                except ChannelError as exc:
                    if exc.status in (404, 410):
                        raise _Expired() from exc
                    if exc.kind not in (UNKNOWN, RETRYABLE) or resumes <= 0:
                        raise
                    resumes -= 1
                    state = self.probe(session, total)
                    if state is None:
                        raise _Expired() from exc
                    if isinstance(state, dict):
                        return state
                    offset = state
                    continue
                if response.status_code != 308:
                    return response.json()
                match = RANGE.match(response.headers.get("Range", ""))
                offset = int(match.group(1)) + 1 if match else 0

    def publish(self, payload: PostPayload) -> PublishResult:
        problems = self.validate(payload) + self.validate_account()
        if problems:
            raise ChannelError("youtube: " + "; ".join(problems), PERMANENT)
        video = next(m for m in payload.media if m.mime.startswith("video/"))
        for _attempt in range(2):  # one fresh session if the first one expires
            session = self.start_session(payload, video)
            try:
                resource = self.send_from(session, video, 0)
            except _Expired:
                continue
            return self._result(resource)
        raise ChannelError("youtube: the upload session expired twice; try again later",
                           RETRYABLE)

    def _result(self, resource: dict) -> PublishResult:
        video_id = resource["id"]
        state = "published" if resource.get("status", {}).get("uploadStatus") in (
            None, "processed") else "processing"
        return PublishResult(video_id, f"https://www.youtube.com/shorts/{video_id}",
                             state=state, raw=resource)

    def status(self, external_id: str) -> PublishResult:
        response = self.request("GET", "/youtube/v3/videos", headers=self._bearer(),
                                params={"part": "status,processingDetails", "id": external_id},
                                summary="videos.list")
        items = response.json().get("items") or []
        if not items:
            raise ChannelError(f"youtube: video {external_id} is gone (deleted or rejected)",
                               PERMANENT)
        status = items[0].get("status", {})
        upload = status.get("uploadStatus")
        if upload in ("failed", "rejected", "deleted"):
            reason = status.get("failureReason") or status.get("rejectionReason") or upload
            raise ChannelError(f"youtube: the video was {upload}: {reason}", PERMANENT)
        return PublishResult(external_id, f"https://www.youtube.com/shorts/{external_id}",
                             state="published" if upload == "processed" else "processing",
                             raw=items[0])

    def lookup(self, payload: PostPayload, external_id: str | None = None
               ) -> PublishResult | None:
        if external_id:
            return self.status(external_id)
        response = self.request("GET", "/youtube/v3/search", headers=self._bearer(),
                                params={"part": "snippet", "forMine": "true", "type": "video",
                                        "order": "date", "maxResults": "10"},
                                summary="search forMine")
        title = self.title(payload)
        for item in response.json().get("items") or []:
            if item.get("snippet", {}).get("title") == title:
                video_id = item["id"]["videoId"]
                return PublishResult(video_id, f"https://www.youtube.com/shorts/{video_id}",
                                     state="processing", raw=item)
        return None

    # -- tokens ------------------------------------------------------------------------------
    def _token(self, form: dict) -> dict:
        form = {"client_id": self.credentials.get("client_id", ""),
                "client_secret": self.credentials.get("client_secret", ""), **form}
        try:
            data = self.request("POST", self.token_url, data=form, summary="oauth token").json()
        except ChannelError as exc:
            if exc.kind in (RETRYABLE, UNKNOWN):
                raise
            raise ChannelError(f"youtube: Google refused the token request ({exc}); reconnect "
                               "the channel in Settings", AUTH, platform_code=exc.platform_code
                               ) from exc
        if not data.get("access_token"):
            raise ChannelError("youtube: no access token in the answer; reconnect", AUTH)
        new = {"access_token": data["access_token"], "expires_in": int(data.get("expires_in")
                                                                         or 0)}
        if data.get("refresh_token"):  # only on the first exchange; never overwrite with ""
            new["refresh_token"] = data["refresh_token"]
        self.credentials.update(new)
        return new

    def refresh(self) -> dict | None:
        return self._token({"grant_type": "refresh_token",
                            "refresh_token": self.credentials.get("refresh_token", "")})

    def authorize_url(self, redirect_uri: str, state: str) -> str:
        params = {"client_id": self.credentials.get("client_id", ""),
                  "redirect_uri": redirect_uri, "response_type": "code",
                  "scope": UPLOAD_SCOPE + " https://www.googleapis.com/auth/youtube.readonly",
                  "access_type": "offline", "prompt": "consent", "state": state}
        return f"{AUTHORIZE}?{urlencode(params)}"

    def exchange_code(self, code: str, redirect_uri: str) -> dict:
        return self._token({"grant_type": "authorization_code", "code": code,
                            "redirect_uri": redirect_uri})

    # -- metrics -----------------------------------------------------------------------------
    # videos.list?part=statistics,snippet&id=a,b,... (at most 50 ids a call; 1 quota unit) with a
    # token holding youtube.readonly (or youtube); an upload-only token answers 403
    # insufficientPermissions. Ids the API does not return are deleted or no longer visible.
    # Statistics are strings and likeCount is absent when the owner hides it.
    metrics_batch: ClassVar[int] = 50

    def metrics_id(self, external_id: str, url: str = "") -> str | None:
        return external_id or None

    def fetch_metrics(self, metric_ids: list[str]) -> dict:
        from studio.publish.channels import metrics as m

        if len(metric_ids) > self.metrics_batch:
            raise ValueError(f"videos.list takes at most {self.metrics_batch} ids a call")
        try:
            response = self.request("GET", "/youtube/v3/videos", headers=self._bearer(),
                                    params={"part": "statistics,snippet",
                                            "id": ",".join(metric_ids)},
                                    summary="videos.list statistics")
        except ChannelError as exc:
            if exc.platform_code in ("insufficientPermissions", "forbidden"):
                raise m.MissingPermission(self.kind, "youtube.readonly",
                                          "the YouTube channel", str(exc)) from exc
            raise
        items = {i.get("id"): i for i in response.json().get("items") or []}
        found = {}
        for vid in metric_ids:
            item = items.get(vid)
            if item is None:
                found[vid] = m.PostStats(vid, gone=True)
                continue
            stats, snippet = item.get("statistics") or {}, item.get("snippet") or {}
            counts = {"views": m.count(stats.get("viewCount")),
                      "comments": m.count(stats.get("commentCount"))}
            if "likeCount" in stats:
                counts["likes"] = m.count(stats["likeCount"])
            found[vid] = m.PostStats(vid, counts, m.graph_time(snippet.get("publishedAt")),
                                     (snippet.get("title") or "")[:300])
        return found


class _Expired(Exception):
    """The upload session URI is no longer valid (404/410)."""
