"""Facebook Page: feed posts, videos (chunked upload sessions) and Reels.

Wire format (Meta for Developers: Graph API "Page Feed" reference,
https://developers.facebook.com/docs/graph-api/reference/page/feed/; Video API "Publishing",
https://developers.facebook.com/docs/video-api/guides/publishing; "Reels Publishing API",
https://developers.facebook.com/docs/video-api/guides/reels-publishing; Graph API "Handling
Errors", https://developers.facebook.com/docs/graph-api/guides/error-handling; "Manually Build
a Login Flow", https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow):

- Feed: ``POST /{ver}/{page-id}/feed`` (message, link) → ``{"id": "PAGE_POST"}``.
- Video: ``POST /{ver}/{page-id}/videos`` on graph-video.facebook.com with
  ``upload_phase=start`` (file_size) → upload_session_id, video_id, start/end offsets; then
  ``transfer`` (upload_session_id, start_offset, multipart ``video_file_chunk``) until
  start_offset == end_offset; then ``finish`` (title, description).
- Reels: ``POST /{ver}/{page-id}/video_reels`` ``upload_phase=start`` → video_id, upload_url;
  ``POST`` the bytes to ``rupload.facebook.com/video-upload/{ver}/{video-id}`` with headers
  ``Authorization: OAuth TOKEN``, ``offset``, ``file_size``; then ``upload_phase=finish``,
  ``video_id``, ``video_state=PUBLISHED``, ``description``. Progress: ``GET /{video-id}
  ?fields=status`` (uploading/processing/publishing phases). Reels: 3–90 s, 9:16, at least
  540×960; 30 API-published Reels per Page per 24 h.
- Errors: ``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``; code 190
  expired/invalid token; 4, 17, 32, 613 and 80001+ rate limits; 1, 2 and ``is_transient`` are
  temporary; 100 bad parameter and 368 policy block are final. Graph sends no Retry-After: the
  wait comes from ``X-Business-Use-Case-Usage`` ``estimated_time_to_regain_access`` (minutes).

Page tokens obtained from a long-lived user token do not expire, so ``refresh`` returns None and
an auth error asks the user to reconnect.
"""

from __future__ import annotations

import json
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
    MediaFile,
    PostPayload,
    PublishResult,
    retry_after,
)
from studio.publish.channels.rules import option_problems

GRAPH_VERSION = "v21.0"
RATE_LIMIT_CODES = {4, 17, 32, 613}
TEMPORARY_CODES = {1, 2}
SCOPES = "pages_manage_posts,pages_read_engagement,pages_show_list"


def graph_error(kind_of: str, response: httpx.Response) -> ChannelError | None:
    """Classify a Graph API error object (shared by Facebook and Instagram)."""
    try:
        data = response.json()
    except ValueError:
        return None
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        return None
    code = int(error.get("code") or 0)
    subcode = error.get("error_subcode")
    if code == 190 or code in (102, 463, 467):
        kind = AUTH
    elif code in RATE_LIMIT_CODES or 80001 <= code <= 80014 or code in TEMPORARY_CODES \
            or error.get("is_transient") or response.status_code >= 500:
        kind = RETRYABLE
    else:
        kind = PERMANENT
    where = f"code {code}" + (f"/{subcode}" if subcode else "")
    wait = retry_after(response)
    if kind == RETRYABLE and wait is None:
        wait = regain_access_s(response)
    return ChannelError(f"{kind_of}: {error.get('message', '')} ({where}, fbtrace_id "
                        f"{error.get('fbtrace_id', '?')})", kind, status=response.status_code,
                        retry_after=wait, platform_code=where)


def regain_access_s(response: httpx.Response) -> float | None:
    """Seconds until a throttled app regains access, from ``X-Business-Use-Case-Usage``
    (``estimated_time_to_regain_access`` is in minutes); Graph sends no Retry-After."""
    raw = response.headers.get("X-Business-Use-Case-Usage")
    if not raw:
        return None
    try:
        usage = json.loads(raw)
        minutes = [float(entry.get("estimated_time_to_regain_access") or 0)
                   for entries in usage.values() for entry in entries]
    except (ValueError, AttributeError, TypeError):
        return None
    return max(minutes) * 60 if minutes and max(minutes) > 0 else None


class FacebookChannel(Channel):
    kind = "facebook"
    required_options = ("page_id",)
    required_credentials = ("access_token",)
    default_api_base = "https://graph.facebook.com"
    option_rules: ClassVar[dict] = {
        "page_id": "id",
        "api_base": "url",
        "video_api_base": "url",
        "video_format": ("reel", "video"),
    }
    text_max = 63_206

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.version = str(self.options.get("graph_version") or GRAPH_VERSION)
        # Video uploads go to graph-video.facebook.com unless the account points elsewhere.
        default_video = ("https://graph-video.facebook.com"
                         if self.api_base == self.default_api_base else self.api_base)
        self.video_base = str(self.options.get("video_api_base") or default_video).rstrip("/")

    def check_response(self, response: httpx.Response) -> ChannelError | None:
        return graph_error(self.kind, response)

    @property
    def page(self) -> str:
        return str(self.options["page_id"])

    def _token(self) -> dict:
        return {"access_token": self.credentials["access_token"]}

    # -- validation --------------------------------------------------------------------------
    def mode(self, payload: PostPayload) -> str:
        videos = [m for m in payload.media if m.mime.startswith("video/")]
        if not videos:
            return "feed"
        wanted = payload.extra.get("facebook_format") or self.options.get("video_format")
        if wanted in ("reel", "video"):
            return wanted
        v = videos[0]
        vertical = bool(v.width and v.height and v.height > v.width)
        return "reel" if vertical and (v.duration_s or 0) <= 90 else "video"

    def message(self, payload: PostPayload) -> str:
        tags = " ".join(f"#{t.lstrip('#')}" for t in payload.hashtags)
        return (payload.text + ("\n\n" + tags if tags else "")).strip()

    def validate_account(self) -> list[str]:
        return super().validate_account() + option_problems(self.options,
                                                            self.option_rules)

    def validate(self, payload: PostPayload) -> list[str]:
        problems = []
        if len(self.message(payload)) > self.text_max:
            problems.append(f"Facebook posts are at most {self.text_max:,} characters")
        images = [m for m in payload.media if m.mime.startswith("image/")]
        videos = [m for m in payload.media if m.mime.startswith("video/")]
        if images:
            problems.append("this Facebook channel posts text, a link or one video; photo posts "
                            "are not supported yet: remove the photos or use the export channel")
        if len(videos) > 1:
            problems.append("Facebook takes one video per post")
        if not videos and not (payload.text.strip() or payload.link):
            problems.append("a Facebook feed post needs text or a link")
        if videos and self.mode(payload) == "reel":
            problems += reel_problems(videos[0])
        return problems

    # -- publishing --------------------------------------------------------------------------
    def publish(self, payload: PostPayload) -> PublishResult:
        problems = self.validate(payload) + self.validate_account()
        if problems:
            raise ChannelError("facebook: " + "; ".join(problems), PERMANENT)
        mode = self.mode(payload)
        if mode == "feed":
            return self.post_feed(payload)
        video = next(m for m in payload.media if m.mime.startswith("video/"))
        return self.post_reel(payload, video) if mode == "reel" else \
            self.post_video(payload, video)

    def post_feed(self, payload: PostPayload) -> PublishResult:
        form = {"message": self.message(payload), **self._token()}
        if payload.link:
            form["link"] = payload.link
        data = self.request("POST", f"/{self.version}/{self.page}/feed", data=form,
                            summary="feed post").json()
        return PublishResult(data["id"], f"https://www.facebook.com/{data['id']}", raw=data)

    def post_video(self, payload: PostPayload, video: MediaFile) -> PublishResult:
        url = f"{self.video_base}/{self.version}/{self.page}/videos"
        start = self.request("POST", url, data={"upload_phase": "start",
                                                "file_size": str(video.size), **self._token()},
                             summary="video start").json()
        session, video_id = start["upload_session_id"], str(start["video_id"])
        first, end = int(start["start_offset"]), int(start["end_offset"])
        with open(video.path, "rb") as fh:
            while first < end:
                fh.seek(first)
                chunk = fh.read(end - first)
                answer = self.request("POST", url, data={
                    "upload_phase": "transfer", "upload_session_id": session,
                    "start_offset": str(first), **self._token()},
                    files={"video_file_chunk": ("chunk", chunk, "application/octet-stream")},
                    summary=f"video transfer {first}").json()
                first, end = int(answer["start_offset"]), int(answer["end_offset"])
        self.request("POST", url, data={"upload_phase": "finish", "upload_session_id": session,
                                        "title": payload.title or "", "description":
                                        self.message(payload), **self._token()},
                     summary="video finish")
        return PublishResult(video_id, f"https://www.facebook.com/{self.page}/videos/"
                             f"{video_id}", state="processing")

    def post_reel(self, payload: PostPayload, video: MediaFile) -> PublishResult:
        path = f"/{self.version}/{self.page}/video_reels"
        start = self.request("POST", path, data={"upload_phase": "start", **self._token()},
                             summary="reel start").json()
        video_id = str(start["video_id"])
        upload_url = start.get("upload_url") or (
            f"https://rupload.facebook.com/video-upload/{self.version}/{video_id}")
        self.request("POST", upload_url, content=video.path.read_bytes(), summary="reel upload",
                     headers={"Authorization": f"OAuth {self.credentials['access_token']}",
                              "offset": "0", "file_size": str(video.size)})
        self.request("POST", path, data={"upload_phase": "finish", "video_id": video_id,
                                         "video_state": "PUBLISHED",
                                         "description": self.message(payload),
                                         **self._token()}, summary="reel finish")
        return PublishResult(video_id, f"https://www.facebook.com/reel/{video_id}",
                             state="processing")

    def status(self, external_id: str) -> PublishResult:
        if "_" in external_id:  # a feed post id PAGE_POST: published on creation
            return PublishResult(external_id, f"https://www.facebook.com/{external_id}")
        data = self.request("GET", f"/{self.version}/{external_id}",
                            params={"fields": "status", **self._token()},
                            summary="video status").json()
        status = data.get("status") or {}
        if status.get("video_status") == "error":
            phases = [status.get(p, {}) for p in ("uploading_phase", "processing_phase",
                                                  "publishing_phase")]
            errors = [e.get("message", "") for p in phases for e in p.get("errors", [])]
            raise ChannelError(f"facebook: the video failed: {'; '.join(errors) or 'error'}",
                               PERMANENT)
        done = (status.get("publishing_phase") or {}).get("status") == "complete"
        return PublishResult(external_id, f"https://www.facebook.com/reel/{external_id}",
                             state="published" if done else "processing", raw=status)

    def lookup(self, payload: PostPayload, external_id: str | None = None
               ) -> PublishResult | None:
        """Find a feed post by its exact message among the Page's latest posts."""
        if external_id:
            return self.status(external_id)
        if self.mode(payload) != "feed":
            raise ChannelError("facebook: a video upload cannot be matched afterwards; check "
                               "the Page's videos before posting again", UNKNOWN)
        data = self.request("GET", f"/{self.version}/{self.page}/feed",
                            params={"fields": "id,message,created_time", "limit": "10",
                                    **self._token()}, summary="feed lookup").json()
        for post in data.get("data", []):
            if post.get("message") == self.message(payload):
                return PublishResult(post["id"], f"https://www.facebook.com/{post['id']}",
                                     raw=post)
        return None

    # -- connect -----------------------------------------------------------------------------
    def authorize_url(self, app_id: str, redirect_uri: str, state: str) -> str:
        params = {"client_id": app_id, "redirect_uri": redirect_uri, "state": state,
                  "scope": SCOPES, "response_type": "code"}
        return f"https://www.facebook.com/{self.version}/dialog/oauth?{urlencode(params)}"

    def exchange_code(self, app_id: str, app_secret: str, redirect_uri: str, code: str
                      ) -> dict:
        """User access token for ``code``, then the Page's own token from /me/accounts."""
        user = self.request("GET", f"/{self.version}/oauth/access_token", summary="code",
                            params={"client_id": app_id, "client_secret": app_secret,
                                    "redirect_uri": redirect_uri, "code": code}).json()
        pages = self.request("GET", f"/{self.version}/me/accounts", summary="me/accounts",
                             params={"access_token": user["access_token"]}).json()
        for page in pages.get("data", []):
            if str(page.get("id")) == self.page:
                return {"access_token": page["access_token"]}
        raise ChannelError(f"facebook: Page {self.page} is not among the Pages this login "
                           "manages; log in as a Page admin", AUTH)


def reel_problems(video: MediaFile) -> list[str]:
    """Why ``video`` is not a valid Facebook Reel (3–90 s, 9:16, at least 540×960)."""
    problems = []
    if video.duration_s is None or not 3 <= video.duration_s <= 90:
        problems.append(f"a Facebook Reel lasts 3–90 s (this clip: {video.duration_s} s)")
    if not video.width or not video.height:
        problems.append("the clip's size is unknown: re-import it so width and height are read")
    else:
        if abs(video.width / video.height - 9 / 16) > 0.01:
            problems.append(f"a Facebook Reel is 9:16 (this clip is {video.width}×"
                            f"{video.height}): render it vertical")
        if video.width < 540 or video.height < 960:
            problems.append(f"a Facebook Reel is at least 540×960 (this clip is "
                            f"{video.width}×{video.height})")
    return problems
