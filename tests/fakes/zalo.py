"""A local Zalo OA API (article create / verify / getslice) and OAuth v4 token endpoint.

Checks the ``access_token`` header (error -216 otherwise), the article JSON (type normal;
title ≤ 150, author ≤ 50, description ≤ 300; cover photo URL https; body items of known types;
status show|hide), and answers with the Zalo envelope ``{"error": 0|-N, "message", "data"}``
under HTTP 200 as Zalo does. A repeated title within the OA answers -201 (the fake's duplicate
rule). The token endpoint checks the ``secret_key`` header and the form; refresh tokens are
single use and a spent one answers -14014.
"""

from __future__ import annotations

import itertools
import uuid

from tests.fakes.http import FakePlatform, Reply, Req

BODY_TYPES = {"text": "content", "image": "url", "video": "video_id", "product": "id"}


def zalo(error: int = 0, message: str = "Success", data=None) -> Reply:
    body = {"error": error, "message": message}
    if data is not None:
        body["data"] = data
    return Reply(200, body)


class ZaloFake(FakePlatform):
    def __init__(self, access_token="oa-tok-1", refresh_token="oa-ref-1", app_id="4301",
                 secret_key="sk") -> None:
        super().__init__()
        self.access_tokens, self.refresh_tokens = {access_token}, {refresh_token}
        self.app_id, self.secret_key = app_id, secret_key
        self.pending: dict[str, dict] = {}
        self.articles: dict[str, dict] = {}
        self._ids = itertools.count(1)

    def expire_token(self) -> None:
        self.access_tokens.clear()

    def handle(self, req: Req) -> Reply:
        if req.path == "/v4/oa/access_token":
            return self._oauth(req)
        if req.header("access_token") not in self.access_tokens:
            return zalo(-216, "Access token is invalid")
        if req.path == "/v2.0/article/create" and req.method == "POST":
            return self._create(req)
        if req.path == "/v2.0/article/verify" and req.method == "POST":
            token = req.json().get("token", "")
            if token not in self.pending:
                return zalo(-201, "token is invalid")
            return zalo(data={"id": self.pending[token]["id"]})
        if req.path == "/v2.0/article/getslice":
            items = [{"id": aid, "title": a["title"], "status": a["status"],
                      "type": "normal"} for aid, a in reversed(self.articles.items())]
            return zalo(data={"medias": items, "total": len(items)})
        return Reply(404, {"error": -404, "message": "not found"})

    def _create(self, req: Req) -> Reply:
        if not req.header("content-type").startswith("application/json"):
            return zalo(-201, "body must be JSON")
        a = req.json()
        if a.get("type") != "normal":
            return zalo(-201, "type must be normal or video")
        for key, limit in (("title", 150), ("author", 50), ("description", 300)):
            value = a.get(key)
            if not isinstance(value, str) or not value or len(value) > limit:
                return zalo(-201, f"{key} is required and at most {limit} characters")
        cover = a.get("cover") or {}
        if cover.get("cover_type") != "photo" or not str(cover.get("photo_url", "")).startswith(
                "https://") or cover.get("status") not in ("show", "hide"):
            return zalo(-201, "cover must be {cover_type: photo, photo_url, status}")
        body = a.get("body")
        if not isinstance(body, list) or not body:
            return zalo(-201, "body must be a non-empty list")
        for item in body:
            field = BODY_TYPES.get(item.get("type"))
            if not field or not item.get(field):
                return zalo(-201, f"body item {item} is invalid")
        if a.get("status", "show") not in ("show", "hide"):
            return zalo(-201, "status must be show or hide")
        if any(x["title"] == a["title"] for x in self.articles.values()):
            return zalo(-201, "An article with this title already exists")
        token = uuid.uuid4().hex
        aid = f"{next(self._ids):016x}"
        self.pending[token] = {"id": aid}
        self.articles[aid] = {"title": a["title"], "status": a.get("status", "show"),
                              "body": body, "author": a["author"]}
        return zalo(data={"token": token})

    def _oauth(self, req: Req) -> Reply:
        if req.header("secret_key") != self.secret_key:
            return Reply(200, {"error": -14002, "error_name": "Invalid secret key",
                               "error_reason": "secret_key header is wrong"})
        form = req.form()
        if form.get("app_id") != self.app_id:
            return Reply(200, {"error": -14002, "error_name": "Invalid app_id"})
        grant = form.get("grant_type")
        if grant == "refresh_token":
            if form.get("refresh_token") not in self.refresh_tokens:
                return Reply(200, {"error": -14014, "error_name": "Invalid refresh token",
                                   "error_reason": "refresh token is used or expired"})
            self.refresh_tokens.discard(form["refresh_token"])
        elif grant != "authorization_code" or not form.get("code") or \
                not form.get("code_verifier"):
            return Reply(200, {"error": -14002, "error_name": "Invalid parameter"})
        access, refresh = "oa-tok-" + uuid.uuid4().hex[:6], "oa-ref-" + uuid.uuid4().hex[:6]
        self.access_tokens, self.refresh_tokens = {access}, {refresh}
        return Reply(200, {"access_token": access, "refresh_token": refresh,
                           "expires_in": "90000"})
