"""Instagram Reels, single photos and carousels through the Instagram Graph API content
publishing flow.

Wire format (Meta for Developers: Instagram Platform "Content Publishing",
https://developers.facebook.com/docs/instagram-platform/content-publishing/; IG User "media",
"media_publish" and "content_publishing_limit" references; IG Container ``status_code``; error
codes from "Instagram Platform – Error Codes"):

1. ``GET /{ver}/{ig-user-id}/content_publishing_limit?fields=quota_usage,config`` — accounts may
   publish 50 posts per 24 h (older docs: 25); we stop before sending when the quota is used up.
2. ``POST /{ver}/{ig-user-id}/media`` with ``media_type=REELS``, ``video_url`` (a public URL
   Meta fetches with cURL), ``caption``, ``share_to_feed`` → container id.
3. ``GET /{ver}/{container-id}?fields=status_code,status`` until ``FINISHED`` (``IN_PROGRESS``;
   ``ERROR``; ``EXPIRED`` after 24 h unpublished; ``PUBLISHED`` once media_publish used it).
4. ``POST /{ver}/{ig-user-id}/media_publish`` with ``creation_id`` → media id. Publishing before
   the container is ready answers error 9007 / subcode 2207027 ("Media ID is not available"):
   we wait and try again. ``GET /{media-id}?fields=permalink`` gives the URL.

Photos: step 2 sends ``image_url`` (and no media_type) instead; JPEG is the only image format
Meta takes, up to 8 MB, aspect ratio 4:5 to 1.91:1. Carousels (same guide, "Carousel posts"):
one item container per photo or video with ``is_carousel_item=true`` (``image_url``, or
``media_type=VIDEO`` + ``video_url``), poll each until ``FINISHED``, then a ``media_type=CAROUSEL``
container with ``children`` (comma-separated item ids, 2–10 of them; option ``carousel_max``) and
the caption, which is polled and published like any container and counts as one post.

Create → poll → publish are separate so a failure in the last step never creates a second
container: if the container is still processing when our polls run out we return
``state="processing"`` with ``external_id="container:<id>"``, and :meth:`status` finishes it.
Errors use the Graph error object (see :func:`studio.publish.channels.facebook.graph_error`).
"""

from __future__ import annotations

import time
from typing import ClassVar

import httpx

from studio.publish.channels.base import (
    PERMANENT,
    PUBLIC_URL_HOW,
    RETRYABLE,
    Channel,
    ChannelError,
    PostPayload,
    PublishResult,
)
from studio.publish.channels.facebook import GRAPH_VERSION, graph_error

NOT_READY = "code 9007/2207027"
CONTAINER = "container:"


class InstagramChannel(Channel):
    kind = "instagram"
    required_options = ("ig_user_id",)
    required_credentials = ("access_token",)
    default_api_base = "https://graph.facebook.com"
    option_rules: ClassVar[dict] = {
        "ig_user_id": "id",
        "api_base": "url",
        "max_polls": int,
        "poll_interval_s": float,
        "carousel_max": int,
    }
    caption_max, hashtags_max = 2200, 5
    image_max_bytes, carousel_default = 8 * 1024 * 1024, 10

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.version = str(self.options.get("graph_version") or GRAPH_VERSION)

    def check_response(self, response: httpx.Response) -> ChannelError | None:
        return graph_error(self.kind, response)

    @property
    def user(self) -> str:
        return str(self.options["ig_user_id"])

    def _get(self, path: str, summary: str, **params) -> dict:
        params["access_token"] = self.credentials["access_token"]
        return self.request("GET", f"/{self.version}/{path}", params=params,
                            summary=summary).json()

    def _post(self, path: str, summary: str, **form) -> dict:
        form["access_token"] = self.credentials["access_token"]
        return self.request("POST", f"/{self.version}/{path}", data=form,
                            summary=summary).json()

    def caption(self, payload: PostPayload) -> str:
        tags = " ".join(f"#{t.lstrip('#')}" for t in payload.hashtags)
        return (payload.text + ("\n\n" + tags if tags else "")).strip()

    # -- validation --------------------------------------------------------------------------

    @staticmethod
    def post_kind(payload: PostPayload) -> str:
        """``reel`` (one video), ``image`` (one photo) or ``carousel`` (several items)."""
        if len(payload.media) > 1:
            return "carousel"
        if payload.media and payload.media[0].mime.startswith("image/"):
            return "image"
        return "reel"

    def carousel_max(self) -> int:
        raw = str(self.options.get("carousel_max") or self.carousel_default)
        return int(raw) if raw.isdigit() else self.carousel_default  # validate_account says why

    def validate(self, payload: PostPayload) -> list[str]:
        problems = []
        kind, most = self.post_kind(payload), self.carousel_max()
        if not payload.media:
            problems.append("an Instagram post needs media: one video (a Reel), one JPEG photo "
                            f"or a carousel of 2–{most} photos and videos")
        if kind == "carousel" and len(payload.media) > most:
            problems.append(f"an Instagram carousel holds 2–{most} photos and videos (this post "
                            f"has {len(payload.media)}): remove some or split the post")
        for m in payload.media:
            problems += self.media_problems(m, kind)
        caption = self.caption(payload)
        if len(caption) > self.caption_max:
            problems.append(f"Instagram captions are at most {self.caption_max} characters "
                            f"(now {len(caption)})")
        tags = [w for w in caption.split() if w.startswith("#")]
        if len(tags) > self.hashtags_max:
            problems.append(f"Instagram allows at most {self.hashtags_max} hashtags (now "
                            f"{len(tags)})")
        return problems

    def media_problems(self, m, kind: str) -> list[str]:
        """What Instagram would refuse in one photo or video of a ``kind`` post."""
        name, what = m.path.name, "video" if m.mime.startswith("video/") else "photo"
        if not m.mime.startswith(("image/", "video/")):
            return [f"{name}: Instagram posts photos and videos only (got {m.mime})"]
        problems = []
        if not m.public_url.startswith("https://"):
            problems.append(f"{name}: Instagram fetches the {what} from a public https URL: "
                            + PUBLIC_URL_HOW)
        if what == "photo":
            if m.mime != "image/jpeg":
                problems.append(f"{name}: Instagram takes JPEG photos only (this one is "
                                f"{m.mime}): export it as JPEG")
            if m.size > self.image_max_bytes:
                problems.append(f"{name} is {m.size / 1048576:.1f} MB; Instagram photos are at "
                                "most 8 MB: resize it")
            if m.width and m.height and not 0.8 <= m.width / m.height <= 1.91:
                problems.append(f"{name} is {m.width}×{m.height}; Instagram photos are between "
                                "4:5 (portrait) and 1.91:1 (landscape): crop it")
        elif m.duration_s is not None and not 3 <= m.duration_s <= 900:
            label = "an Instagram Reel" if kind == "reel" else f"{name}: an Instagram video"
            problems.append(f"{label} lasts 3 s–15 min (this clip: {m.duration_s:.0f} s)")
        return problems

    # -- publishing --------------------------------------------------------------------------
    def check_quota(self) -> None:
        data = self._get(f"{self.user}/content_publishing_limit", "publishing limit",
                         fields="quota_usage,config")
        row = (data.get("data") or [{}])[0]
        used, total = row.get("quota_usage", 0), (row.get("config") or {}).get("quota_total", 50)
        if used >= total:
            raise ChannelError(f"instagram: {used}/{total} posts used in the last 24 h; the "
                               "post will go out when the quota frees up", RETRYABLE,
                               retry_after=3600)

    def publish(self, payload: PostPayload) -> PublishResult:
        problems = self.validate(payload) + self.validate_account()
        if problems:
            raise ChannelError("instagram: " + "; ".join(problems), PERMANENT)
        self.check_quota()
        kind, polls = self.post_kind(payload), int(self.options.get("max_polls") or 60)
        first = payload.media[0]
        if kind == "carousel":
            container = self._carousel(payload, polls)
        elif kind == "image":
            container = self._post(f"{self.user}/media", "create container",
                                   image_url=first.public_url,
                                   caption=self.caption(payload))["id"]
        else:
            container = self._post(f"{self.user}/media", "create container",
                                   media_type="REELS", video_url=first.public_url,
                                   caption=self.caption(payload), share_to_feed="true")["id"]
        return self._finish(str(container), polls)

    def _carousel(self, payload: PostPayload, polls: int) -> str:
        """Item containers → wait until each is FINISHED → the CAROUSEL container's id.

        Until ``media_publish`` nothing is visible, so a failed item leaves no half-post: the
        unpublished containers expire on their own after 24 h.
        """
        items: dict[str, str] = {}
        for i, m in enumerate(payload.media, 1):
            form = {"is_carousel_item": "true"}
            if m.mime.startswith("image/"):
                form["image_url"] = m.public_url
            else:
                form.update(media_type="VIDEO", video_url=m.public_url)
            items[str(self._post(f"{self.user}/media", f"carousel item {i}", **form)["id"])] \
                = m.path.name
        self._wait_items(items, polls)
        return str(self._post(f"{self.user}/media", "create carousel", media_type="CAROUSEL",
                              children=",".join(items), caption=self.caption(payload))["id"])

    def _wait_items(self, items: dict[str, str], polls: int) -> None:
        interval = float(self.options.get("poll_interval_s", 5))
        pending = dict(items)
        for _ in range(max(1, polls)):
            for cid, name in list(pending.items()):
                state = self._get(cid, "carousel item status", fields="status_code,status")
                code = state.get("status_code")
                if code in ("ERROR", "EXPIRED"):
                    raise ChannelError(f"instagram: carousel item {name} is {code} "
                                       f"({state.get('status', '')}); nothing was published: "
                                       "fix or replace that file", PERMANENT, platform_code=code)
                if code == "FINISHED":
                    del pending[cid]
            if not pending:
                return
            time.sleep(interval)
        raise ChannelError(f"instagram: {len(pending)} carousel item(s) still processing after "
                           f"{polls} checks; nothing was published, the post will be retried",
                           RETRYABLE, retry_after=60)

    def _finish(self, container: str, polls: int) -> PublishResult:
        interval = float(self.options.get("poll_interval_s", 5))
        for _ in range(max(1, polls)):
            state = self._get(container, "container status", fields="status_code,status")
            code = state.get("status_code")
            if code in ("ERROR", "EXPIRED"):
                raise ChannelError(f"instagram: the container is {code}: "
                                   f"{state.get('status', '')}; create the post again",
                                   PERMANENT, platform_code=code)
            if code == "PUBLISHED":  # an earlier media_publish went through unanswered
                return PublishResult(CONTAINER + container, state="published", raw=state)
            if code == "FINISHED":
                try:
                    media = self._post(f"{self.user}/media_publish", "media_publish",
                                       creation_id=container)
                except ChannelError as exc:
                    if exc.platform_code != NOT_READY:
                        raise
                else:
                    return self._published(str(media["id"]))
            time.sleep(interval)
        return PublishResult(CONTAINER + container, state="processing")

    def _published(self, media_id: str) -> PublishResult:
        try:
            link = self._get(media_id, "permalink", fields="permalink").get("permalink", "")
        except ChannelError:  # the post exists; a missing link is not a failure
            link = ""
        return PublishResult(media_id, link)

    def status(self, external_id: str) -> PublishResult:
        if external_id.startswith(CONTAINER):
            return self._finish(external_id[len(CONTAINER):], 1)
        return self._published(external_id)

    def lookup(self, payload: PostPayload, external_id: str | None = None
               ) -> PublishResult | None:
        if external_id:
            return self.status(external_id)
        data = self._get(f"{self.user}/media", "media lookup",
                         fields="id,caption,permalink,timestamp", limit="10")
        for media in data.get("data", []):
            if media.get("caption") == self.caption(payload):
                return PublishResult(str(media["id"]), media.get("permalink", ""), raw=media)
        return None

    # -- metrics (insights) ------------------------------------------------------------------
    # GET /{ig-media-id}?fields=timestamp,caption,like_count,comments_count (instagram_basic)
    # and GET /{ig-media-id}/insights?metric=... (instagram_manage_insights). Since v22.0
    # (2025-04-21 for every version) ``plays``, ``impressions``, ``clips_replays_count`` and
    # ``ig_reels_aggregated_all_plays_count`` are refused and ``views`` replaces them; ``reach``
    # stays. A list Meta refuses as a whole falls back to the next one.
    metrics_batch: ClassVar[int] = 1
    media_metric_sets: ClassVar[tuple] = (
        ("views", "reach", "likes", "comments", "shares", "saved"),
        ("reach", "likes", "comments", "shares", "saved"), ("reach",))

    def metrics_id(self, external_id: str, url: str = "") -> str | None:
        """The media id; a container still processing has no numbers yet."""
        return None if not external_id or external_id.startswith(CONTAINER) else external_id

    def fetch_metrics(self, metric_ids: list[str]) -> dict:
        """{media id: PostStats}: likes and comments always, views/reach/shares with insights."""
        return {mid: self._media_stats(mid) for mid in metric_ids}

    def _media_stats(self, mid: str):
        from studio.publish.channels import metrics as m

        try:
            node = self._get(mid, "metrics node",
                             fields="id,timestamp,caption,like_count,comments_count,permalink")
        except ChannelError as exc:
            if m.graph_is_gone(exc):
                return m.PostStats(mid, gone=True, note=str(exc))
            if m.graph_is_permission(exc):
                raise m.MissingPermission(self.kind, "instagram_basic", "the Instagram account",
                                          str(exc)) from exc
            raise
        counts = {"likes": m.count(node.get("like_count")),
                  "comments": m.count(node.get("comments_count"))}
        values, note = m.graph_insights(
            self, f"/{self.version}/{mid}/insights", self.media_metric_sets, key="insights",
            permission="instagram_manage_insights", what="the Instagram account")
        counts.update({k: v for k, v in values.items() if k in m.METRIC_NAMES})
        return m.PostStats(mid, counts, m.graph_time(node.get("timestamp")),
                           (node.get("caption") or "")[:300], note=note)
