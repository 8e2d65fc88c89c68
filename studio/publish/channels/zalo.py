"""Zalo Official Account: publish an article (``type: normal``).

Wire format (Zalo for Developers, Official Account API "Quản lý bài viết" – create article
``POST https://openapi.zalo.me/v2.0/article/create`` and check progress ``POST
/v2.0/article/verify``; article list ``GET /v2.0/article/getslice``; "Official Account Access
Token" – ``https://oauth.zaloapp.com/v4/oa/access_token`` and the OA permission page
``https://oauth.zaloapp.com/v4/oa/permission``; https://developers.zalo.me/docs/official-account):

- Header ``access_token`` (not a Bearer header). JSON body ``{"type": "normal", "title" (≤ 150),
  "author" (≤ 50), "cover": {"cover_type": "photo", "photo_url", "status": "show"},
  "description" (≤ 300), "body": [{"type": "text", "content"}, {"type": "image", "url"}],
  "status": "show", "comment": "show"}``. Cover images are at most 1 MB.
- Create answers ``{"error": 0, "message", "data": {"token"}}``; verify with that token answers
  ``data.id`` once the article exists. Every answer uses ``error`` 0 for success and a negative
  code otherwise, usually with HTTP 200.
- Access token about 25 h; the refresh token is single use (about 3 months): ``POST
  /v4/oa/access_token`` with header ``secret_key`` and form ``app_id``,
  ``grant_type=refresh_token``, ``refresh_token`` returns a new pair. OAuth connect uses PKCE
  (``code_challenge`` S256 on the permission page, ``code_verifier`` on the exchange).

The error-code mapping (-216 invalid token, -124 expired token, -32 rate limit) follows the codes
Zalo's OA error table lists; unknown negative codes are treated as permanent.
"""

from __future__ import annotations

import base64
import hashlib
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

OAUTH_BASE = "https://oauth.zaloapp.com"
AUTH_CODES = {-216, -124, -14014, -14002}
RETRY_CODES = {-32, -1}
TOKEN = "token:"


def pkce_challenge(verifier: str) -> str:
    """S256 code challenge for ``verifier`` (RFC 7636)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class ZaloChannel(Channel):
    kind = "zalo"
    required_credentials = ("access_token",)
    default_api_base = "https://openapi.zalo.me"
    option_rules: ClassVar[dict] = {
        "api_base": "url",
        "oauth_base": "url",
        "app_id": "id",
    }
    limits = {"title": 150, "author": 50, "description": 300}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.oauth_base = str(self.options.get("oauth_base") or OAUTH_BASE).rstrip("/")

    def check_response(self, response: httpx.Response) -> ChannelError | None:
        try:
            data = response.json()
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("error") in (0, None, "0"):
            return None
        try:
            code = int(data["error"])
        except (TypeError, ValueError):
            code = -1
        message = data.get("message") or data.get("error_name") or data.get("error_reason", "")
        if code in RETRY_CODES or response.status_code == 429 or response.status_code >= 500:
            kind = RETRYABLE
        elif code in AUTH_CODES or response.status_code == 401:
            kind = AUTH
        else:
            kind = PERMANENT
        return ChannelError(f"zalo: error {code}: {message}", kind, status=response.status_code,
                            retry_after=retry_after(response), platform_code=str(code))

    def _headers(self) -> dict:
        return {"access_token": self.credentials["access_token"],
                "Content-Type": "application/json"}

    # -- article -----------------------------------------------------------------------------
    def fields(self, payload: PostPayload) -> dict:
        text = payload.text.strip()
        author = str(payload.extra.get("author") or self.options.get("author") or "")
        description = str(payload.extra.get("description") or text.split("\n", 1)[0])
        cover = payload.extra.get("cover_url") or next(
            (m.public_url for m in payload.media if m.mime.startswith("image/")), "")
        return {"title": payload.title.strip(), "author": author.strip(),
                "description": description[:300] if "description" not in payload.extra
                else description, "cover": cover}

    def article(self, payload: PostPayload) -> dict:
        f = self.fields(payload)
        body = [{"type": "text", "content": para} for para in payload.text.split("\n\n")
                if para.strip()]
        body += [{"type": "image", "url": m.public_url} for m in payload.media
                 if m.mime.startswith("image/") and m.public_url and m.public_url != f["cover"]]
        if payload.link:
            body.append({"type": "text", "content": payload.link})
        return {"type": "normal", "title": f["title"], "author": f["author"],
                "cover": {"cover_type": "photo", "photo_url": f["cover"], "status": "show"},
                "description": f["description"], "body": body, "status": "show",
                "comment": "show"}


    def validate(self, payload: PostPayload) -> list[str]:
        problems = []
        f = self.fields(payload)
        for key, limit in self.limits.items():
            if not f[key]:
                problems.append(f"a Zalo article needs a {key}"
                                + (": set the OA author name in the channel options"
                                   if key == "author" else ""))
            elif len(f[key]) > limit:
                problems.append(f"Zalo article {key} is {len(f[key])} characters; keep it at "
                                f"most {limit}")
        if not f["cover"].startswith("https://"):
            problems.append("a Zalo article needs a cover photo at a public https URL: add a "
                            "photo with a public URL or set cover_url")
        covers = [m for m in payload.media if m.mime.startswith("image/")
                  and m.public_url == f["cover"]]
        if covers and covers[0].size > 1_000_000:
            problems.append("the Zalo cover photo must be at most 1 MB")
        if not payload.text.strip():
            problems.append("a Zalo article needs body text")
        return problems

    def publish(self, payload: PostPayload) -> PublishResult:
        problems = self.validate(payload) + self.validate_account()
        if problems:
            raise ChannelError("zalo: " + "; ".join(problems), PERMANENT)
        created = self.request("POST", "/v2.0/article/create", headers=self._headers(),
                               json=self.article(payload), summary="article/create").json()
        return self.status(TOKEN + created["data"]["token"])

    def status(self, external_id: str) -> PublishResult:
        """Turn a creation token into the article id (``processing`` until Zalo has it)."""
        if not external_id.startswith(TOKEN):
            return PublishResult(external_id, self._url(external_id))
        token = external_id[len(TOKEN):]
        try:
            data = self.request("POST", "/v2.0/article/verify", headers=self._headers(),
                                json={"token": token}, summary="article/verify").json()
        except ChannelError as exc:
            if exc.kind == PERMANENT:
                raise
            return PublishResult(external_id, state="processing")  # created; check again later
        article_id = (data.get("data") or {}).get("id")
        if not article_id:
            return PublishResult(external_id, state="processing", raw=data)
        return PublishResult(str(article_id), self._url(str(article_id)), raw=data)

    @staticmethod
    def _url(article_id: str) -> str:
        return f"https://oa.zalo.me/article/{article_id}"

    def lookup(self, payload: PostPayload, external_id: str | None = None
               ) -> PublishResult | None:
        if external_id:
            return self.status(external_id)
        data = self.request("GET", "/v2.0/article/getslice", headers=self._headers(),
                            params={"offset": "0", "limit": "10", "type": "normal"},
                            summary="article/getslice").json()
        for item in (data.get("data") or {}).get("medias", []):
            if item.get("title") == payload.title.strip():
                return PublishResult(str(item["id"]), self._url(str(item["id"])), raw=item)
        return None

    # -- tokens ------------------------------------------------------------------------------
    def _token(self, form: dict) -> dict:
        form = {"app_id": str(self.credentials.get("app_id") or self.options.get("app_id", "")),
                **form}
        try:
            data = self.request("POST", self.oauth_base + "/v4/oa/access_token", data=form,
                                headers={"secret_key": self.credentials.get("secret_key", "")},
                                summary="oa access_token").json()
        except ChannelError as exc:
            if exc.kind in (RETRYABLE, UNKNOWN):
                raise
            raise ChannelError(f"zalo: the token request was refused ({exc}); reconnect the OA "
                               "in Settings", AUTH, platform_code=exc.platform_code) from exc
        if not data.get("access_token"):
            raise ChannelError("zalo: no access token in the answer; reconnect the OA", AUTH)
        new = {"access_token": data["access_token"],
               "expires_in": int(data.get("expires_in") or 0)}
        if data.get("refresh_token"):
            new["refresh_token"] = data["refresh_token"]
        self.credentials.update(new)
        return new

    def refresh(self) -> dict | None:
        return self._token({"grant_type": "refresh_token",
                            "refresh_token": self.credentials.get("refresh_token", "")})

    def authorize_url(self, redirect_uri: str, code_verifier: str, state: str) -> str:
        params = {"app_id": str(self.credentials.get("app_id") or self.options.get("app_id", "")),
                  "redirect_uri": redirect_uri, "code_challenge": pkce_challenge(code_verifier),
                  "state": state}
        return f"{self.oauth_base}/v4/oa/permission?{urlencode(params)}"

    def exchange_code(self, code: str, code_verifier: str) -> dict:
        return self._token({"grant_type": "authorization_code", "code": code,
                            "code_verifier": code_verifier})
