"""Instagram Reels through the Instagram Graph API content publishing flow.

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
    RETRYABLE,
    Channel,
    ChannelError,
    PostPayload,
    PublishResult,
)
from studio.publish.channels.facebook import GRAPH_VERSION, graph_error
from studio.publish.channels.rules import option_problems

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
    }
    caption_max, hashtags_max = 2200, 5

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
    def validate_account(self) -> list[str]:
        return super().validate_account() + option_problems(self.options,
                                                            self.option_rules)

    def validate(self, payload: PostPayload) -> list[str]:
        problems = []
        videos = [m for m in payload.media if m.mime.startswith("video/")]
        if len(videos) != 1 or len(payload.media) != 1:
            problems.append("an Instagram Reel is exactly one video")
        for v in videos:
            if not v.public_url.startswith("https://"):
                problems.append(f"{v.path.name}: Instagram fetches the video from a public "
                                "https URL; publish the media folder (or set a public URL) first")
            if v.duration_s is not None and not 3 <= v.duration_s <= 900:
                problems.append(f"an Instagram Reel lasts 3 s–15 min (this clip: "
                                f"{v.duration_s:.0f} s)")
        caption = self.caption(payload)
        if len(caption) > self.caption_max:
            problems.append(f"Instagram captions are at most {self.caption_max} characters "
                            f"(now {len(caption)})")
        tags = [w for w in caption.split() if w.startswith("#")]
        if len(tags) > self.hashtags_max:
            problems.append(f"Instagram allows at most {self.hashtags_max} hashtags (now "
                            f"{len(tags)})")
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
        video = payload.media[0]
        container = self._post(f"{self.user}/media", "create container", media_type="REELS",
                               video_url=video.public_url, caption=self.caption(payload),
                               share_to_feed="true")["id"]
        return self._finish(str(container), int(self.options.get("max_polls") or 60))

    def _finish(self, container: str, polls: int) -> PublishResult:
        interval = float(self.options.get("poll_interval_s", 5))
        for _ in range(max(1, polls)):
            state = self._get(container, "container status", fields="status_code,status")
            code = state.get("status_code")
            if code in ("ERROR", "EXPIRED"):
                raise ChannelError(f"instagram: the container is {code}: "
                                   f"{state.get('status', '')}; create the Reel again",
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
