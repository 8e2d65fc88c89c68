"""Facebook Page: feed posts, videos (chunked upload sessions) and Reels.

Wire format (Meta for Developers: Graph API "Page Feed" reference,
https://developers.facebook.com/docs/graph-api/reference/page/feed/; Video API "Publishing",
https://developers.facebook.com/docs/video-api/guides/publishing; "Reels Publishing API",
https://developers.facebook.com/docs/video-api/guides/reels-publishing; Graph API "Handling
Errors", https://developers.facebook.com/docs/graph-api/guides/error-handling; "Manually Build
a Login Flow", https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow):

- Feed: ``POST /{ver}/{page-id}/feed`` (message, link) → ``{"id": "PAGE_POST"}``.
- Photos ("Uploading Photos and publishing Photo stories",
  https://developers.facebook.com/docs/graph-api/photo-uploads; Page Photos reference): one photo
  is ``POST /{ver}/{page-id}/photos`` with ``url`` (Facebook fetches it) or a multipart ``source``
  file, and ``caption`` → ``{"id": PHOTO, "post_id": PAGE_POST}``. Several photos: each one
  uploaded with ``published=false`` (→ ``{"id"}``, no story), then ``POST /{page-id}/feed`` with
  ``message`` and ``attached_media[i]={"media_fbid": "PHOTO"}``. Formats JPEG, BMP, PNG, GIF,
  TIFF (no WebP); a photo must be under 10 MB (4 MB recommended, PNG under 1 MB). The Graph API
  documents no photo count limit; we cap a post at ``max_photos`` (default 10).
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

GRAPH_VERSION = "v21.0"
RATE_LIMIT_CODES = {4, 17, 32, 613}
PHOTO_MIMES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/bmp": "BMP",
               "image/tiff": "TIFF"}
PHOTO_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PHOTOS = 10
TEMPORARY_CODES = {1, 2}
SCOPES = "pages_manage_posts,pages_read_engagement,pages_show_list,read_insights"


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
        "max_photos": int,
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
            photos = [m for m in payload.media if m.mime.startswith("image/")]
            return {0: "feed", 1: "photo"}.get(len(photos), "photos")
        wanted = payload.extra.get("facebook_format") or self.options.get("video_format")
        if wanted in ("reel", "video"):
            return wanted
        v = videos[0]
        vertical = bool(v.width and v.height and v.height > v.width)
        return "reel" if vertical and (v.duration_s or 0) <= 90 else "video"

    def message(self, payload: PostPayload) -> str:
        tags = " ".join(f"#{t.lstrip('#')}" for t in payload.hashtags)
        return (payload.text + ("\n\n" + tags if tags else "")).strip()


    def validate(self, payload: PostPayload) -> list[str]:
        problems = []
        if len(self.message(payload)) > self.text_max:
            problems.append(f"Facebook posts are at most {self.text_max:,} characters")
        images = [m for m in payload.media if m.mime.startswith("image/")]
        videos = [m for m in payload.media if m.mime.startswith("video/")]
        if images and videos:
            problems.append("a Facebook post holds photos or one video, not both: split it into "
                            "two posts")
        problems += self.photo_problems(images)
        if len(videos) > 1:
            problems.append("Facebook takes one video per post")
        if not videos and not images and not (payload.text.strip() or payload.link):
            problems.append("a Facebook feed post needs text or a link")
        if videos and self.mode(payload) == "reel":
            problems += reel_problems(videos[0])
        return problems

    def photo_problems(self, photos: list[MediaFile]) -> list[str]:
        """What Facebook would refuse in ``photos`` (format, size, count)."""
        problems = []
        raw = str(self.options.get("max_photos") or DEFAULT_MAX_PHOTOS)
        most = int(raw) if raw.isdigit() else DEFAULT_MAX_PHOTOS  # validate_account says why
        if len(photos) > most:
            problems.append(f"this Facebook channel posts at most {most} photos at once (this "
                            f"post has {len(photos)}): remove some or raise option max_photos")
        for m in photos:
            if m.mime not in PHOTO_MIMES:
                problems.append(f"{m.path.name}: Facebook takes JPEG, PNG, GIF, BMP or TIFF "
                                f"photos, not {m.mime}: export it as JPEG")
            if m.size >= PHOTO_MAX_BYTES:
                problems.append(f"{m.path.name} is {m.size / 1048576:.1f} MB; Facebook photos "
                                "must be under 10 MB (4 MB recommended): resize it")
        return problems

    # -- publishing --------------------------------------------------------------------------
    def publish(self, payload: PostPayload) -> PublishResult:
        problems = self.validate(payload) + self.validate_account()
        if problems:
            raise ChannelError("facebook: " + "; ".join(problems), PERMANENT)
        mode = self.mode(payload)
        if mode == "feed":
            return self.post_feed(payload)
        if mode in ("photo", "photos"):
            photos = [m for m in payload.media if m.mime.startswith("image/")]
            return self.post_photo(payload, photos[0]) if mode == "photo" else \
                self.post_photos(payload, photos)
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

    def photo_caption(self, payload: PostPayload) -> str:
        """Photo stories take no ``link`` parameter: the link goes at the end of the text."""
        text = self.message(payload)
        return f"{text}\n\n{payload.link}".strip() if payload.link else text

    def _upload_photo(self, photo: MediaFile, form: dict, summary: str) -> dict:
        """``POST /{page-id}/photos`` by ``url`` when the photo has a public https URL, else
        the bytes as the multipart ``source`` file."""
        form = {**form, **self._token()}
        path = f"/{self.version}/{self.page}/photos"
        if photo.public_url.startswith("https://"):
            return self.request("POST", path, data={**form, "url": photo.public_url},
                                summary=summary).json()
        files = {"source": (photo.path.name, photo.path.read_bytes(), photo.mime)}
        return self.request("POST", path, data=form, files=files, summary=summary).json()

    def post_photo(self, payload: PostPayload, photo: MediaFile) -> PublishResult:
        data = self._upload_photo(photo, {"caption": self.photo_caption(payload)}, "photo post")
        post_id = str(data.get("post_id") or f"{self.page}_{data['id']}")
        return PublishResult(post_id, f"https://www.facebook.com/{post_id}", raw=data)

    def post_photos(self, payload: PostPayload, photos: list[MediaFile]) -> PublishResult:
        """Upload unpublished photos, then one feed post that attaches them all.

        Unpublished photos make no story, so a failure part-way leaves nothing on the Page; we
        delete the ones already uploaded (best effort) unless the feed call's outcome is
        unknown: then the post may exist with them, and :meth:`lookup` finds it by message.
        """
        ids: list[str] = []
        try:
            for i, photo in enumerate(photos):
                data = self._upload_photo(photo, {"published": "false"}, f"photo {i + 1} upload")
                ids.append(str(data["id"]))
            form = {"message": self.photo_caption(payload), **self._token()}
            for i, fbid in enumerate(ids):
                form[f"attached_media[{i}]"] = json.dumps({"media_fbid": fbid})
            data = self.request("POST", f"/{self.version}/{self.page}/feed", data=form,
                                summary="multi-photo post").json()
        except ChannelError as exc:
            if exc.kind != UNKNOWN:
                self._discard_photos(ids)
            raise
        return PublishResult(data["id"], f"https://www.facebook.com/{data['id']}", raw=data)

    def _discard_photos(self, ids: list[str]) -> None:
        for fbid in ids:
            try:
                self.request("DELETE", f"/{self.version}/{fbid}", params=self._token(),
                             summary="discard unpublished photo")
            except ChannelError:  # an orphan unpublished photo is invisible; not worth failing
                continue

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
        mode = self.mode(payload)
        if mode not in ("feed", "photo", "photos"):
            raise ChannelError("facebook: a video upload cannot be matched afterwards; check "
                               "the Page's videos before posting again", UNKNOWN)
        wanted = self.message(payload) if mode == "feed" else self.photo_caption(payload)
        data = self.request("GET", f"/{self.version}/{self.page}/feed",
                            params={"fields": "id,message,created_time", "limit": "10",
                                    **self._token()}, summary="feed lookup").json()
        for post in data.get("data", []):
            if post.get("message") == wanted:
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

    # -- metrics (insights) ------------------------------------------------------------------
    # Graph insights: GET /{post-id}/insights?metric=... (Page posts) and
    # GET /{video-id}/video_insights?metric=... (videos and Reels), Page token with read_insights;
    # the counts come from the node's reactions/comments summaries and ``shares``
    # (pages_read_engagement), so a token without read_insights still yields them. Meta retires
    # metric names (post_impressions* on 2025-11-15) and one dead name fails the whole request
    # with code 100, so each list below is tried in order and the first accepted one is kept.
    metrics_batch: ClassVar[int] = 1
    post_metric_sets: ClassVar[tuple] = (
        ("post_media_view", "post_total_media_view_unique", "post_clicks"),
        ("post_total_media_view_unique", "post_clicks"), ("post_clicks",))
    video_metric_sets: ClassVar[tuple] = (
        ("total_video_views", "total_video_views_unique"),
        ("blue_reels_play_count", "post_impressions_unique"))
    insight_names: ClassVar[dict] = {
        "post_media_view": "views", "post_total_media_view_unique": "reach",
        "post_clicks": "clicks", "total_video_views": "views",
        "total_video_views_unique": "reach", "blue_reels_play_count": "views",
        "post_impressions_unique": "reach"}

    def metrics_id(self, external_id: str, url: str = "") -> str | None:
        return external_id or None

    def fetch_metrics(self, metric_ids: list[str]) -> dict:
        """{id: PostStats} for Page posts (``PAGE_POST``) and videos/Reels (a bare id)."""
        return {pid: self._post_stats(pid) for pid in metric_ids}

    def _post_stats(self, pid: str):
        from studio.publish.channels import metrics as m

        video = "_" not in pid
        fields = ("created_time,title,description," if video else "created_time,message,shares,")
        fields += "reactions.limit(0).summary(true),comments.limit(0).summary(true)"
        try:
            node = self.request("GET", f"/{self.version}/{pid}", summary="metrics node",
                                params={"fields": fields, **self._token()}).json()
        except ChannelError as exc:
            if m.graph_is_gone(exc):
                return m.PostStats(pid, gone=True, note=str(exc))
            if m.graph_is_permission(exc):
                raise m.MissingPermission(self.kind, "pages_read_engagement", "the Page",
                                          str(exc)) from exc
            raise
        counts = {"likes": m.summary_total(node, "reactions"),
                  "comments": m.summary_total(node, "comments")}
        if not video:
            counts["shares"] = m.count((node.get("shares") or {}).get("count"))
        edge = "video_insights" if video else "insights"
        values, note = m.graph_insights(
            self, f"/{self.version}/{pid}/{edge}", self.video_metric_sets if video
            else self.post_metric_sets, key=edge, permission="read_insights", what="the Page",
            remember=not video)
        counts.update({self.insight_names[k]: v for k, v in values.items()
                       if k in self.insight_names})
        title = node.get("message") or node.get("title") or node.get("description") or ""
        return m.PostStats(pid, counts, m.graph_time(node.get("created_time")), title[:300],
                           note=note)


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
