"""A local TikTok Shop Partner API (202309) and auth host for tests.

Checks ``app_key``, ``timestamp`` (seconds, within 5 minutes), ``shop_cipher`` on shop APIs,
the ``x-tts-access-token`` header, and recomputes the signature with its own code (query minus
sign/access_token sorted, path first, raw body appended unless multipart, wrapped in the
secret). Create Product checks the required fields and honours ``idempotency_key``: the same key
returns the product already created. Refresh tokens rotate; a spent one is refused.
Answers use ``{"code", "message", "request_id", "data"}``.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import time
import uuid

from tests.fakes.http import FakePlatform, Reply, Req

SHOP_PATHS = {"/product/202309/products", "/product/202309/products/search"}


def answer(code: int = 0, message: str = "Success", data=None, status: int = 200) -> Reply:
    return Reply(status, {"code": code, "message": message, "request_id": uuid.uuid4().hex,
                          "data": data})


class TikTokShopFake(FakePlatform):
    def __init__(self, app_key: str = "68xu9ks5p4i8", app_secret: str = "e59af819cc",
                 shop_cipher: str = "ROW_xkMbgAAAeVAQra0eZWebFQq5aIK",
                 access_token: str = "tok-1", refresh_token: str = "ref-1") -> None:
        super().__init__()
        self.app_key, self.app_secret, self.shop_cipher = app_key, app_secret, shop_cipher
        self.access_tokens, self.refresh_tokens = {access_token}, {refresh_token}
        self.images: dict[str, bytes] = {}
        self.products: dict[str, dict] = {}
        self.by_key: dict[str, str] = {}
        self._ids = itertools.count(1729_0000_0001)

    def expire_token(self) -> None:
        self.access_tokens.clear()

    def _sign(self, path: str, query: dict[str, str], body: bytes) -> str:
        keys = sorted(k for k in query if k not in ("sign", "access_token"))
        s = path + "".join(k + query[k] for k in keys) + body.decode("utf-8")
        s = self.app_secret + s + self.app_secret
        return hmac.new(self.app_secret.encode(), s.encode(), hashlib.sha256).hexdigest()

    def handle(self, req: Req) -> Reply:
        if req.path.startswith("/api/v2/token/"):
            return self._token(req)
        q = req.query
        if q.get("app_key") != self.app_key:
            return answer(106011, "Invalid app_key", status=401)
        ts = q.get("timestamp", "")
        if not ts.isdigit() or abs(int(ts) - time.time()) > 300:
            return answer(106003, "Invalid timestamp", status=401)
        multipart = req.header("content-type").startswith("multipart/form-data")
        if q.get("sign") != self._sign(req.path, q, b"" if multipart else req.body):
            return answer(106001, "Invalid credentials. The 'sign' query parameter is invalid.",
                          status=401)
        if req.header("x-tts-access-token") not in self.access_tokens:
            return answer(105002, "Expired credentials. The access token has expired.",
                          status=401)
        if req.path in SHOP_PATHS and q.get("shop_cipher") != self.shop_cipher:
            return answer(106012, "Invalid shop_cipher")
        if req.path == "/product/202309/images/upload":
            parts = req.multipart()
            if not parts.get("data", (None, b""))[1]:
                return answer(12052002, "data (the image file) is required", status=400)
            uri = "tos-maliva-i-o3syd03w52-us/" + uuid.uuid4().hex
            self.images[uri] = parts["data"][1]
            return answer(data={"uri": uri, "url": f"https://p16.example/{uri}", "width": 800,
                                "height": 800,
                                "use_case": parts.get("use_case", (None, b""))[1].decode()})
        if req.path == "/product/202309/products" and req.method == "POST":
            return self._create(req.json())
        if req.path == "/product/202309/products/search":
            body = req.json()
            if body.get("status", "ALL") not in ("ALL", "DRAFT", "PENDING", "ACTIVATE",
                                                 "FAILED", "SELLER_DEACTIVATED"):
                return answer(12052800, "invalid status filter", status=400)
            wanted = set(body.get("seller_skus") or [])
            found = [{"id": pid, "title": p["title"], "skus": [{"seller_sku": p["sku"]}]}
                     for pid, p in self.products.items() if not wanted or p["sku"] in wanted]
            return answer(data={"products": found, "total_count": len(found)})
        return answer(404, "Not found", status=404)

    def _create(self, body: dict) -> Reply:
        for key in ("title", "description", "category_id", "main_images", "skus"):
            if not body.get(key):
                return answer(12052700, f"{key} is required", status=400)
        key = body.get("idempotency_key", "")
        if len(key) > 128:
            return answer(12052701, "idempotency_key is longer than 128", status=400)
        if key in self.by_key:  # same key: the same product, never a second one
            pid = self.by_key[key]
            return answer(data={"product_id": pid, "skus": [{"id": pid + "1",
                                                             "seller_sku": self.products[pid]
                                                             ["sku"]}]})
        if any(img.get("uri") not in self.images for img in body["main_images"]):
            return answer(12052702, "main_images must be uploaded first", status=400)
        sku = body["skus"][0]
        if not sku.get("price", {}).get("amount") or not sku.get("inventory"):
            return answer(12052703, "skus[0].price and inventory are required", status=400)
        pid = str(next(self._ids))
        self.products[pid] = {"title": body["title"], "sku": sku.get("seller_sku", ""),
                              "save_mode": body.get("save_mode")}
        if key:
            self.by_key[key] = pid
        return answer(data={"product_id": pid, "skus": [{"id": pid + "1",
                                                         "seller_sku": sku.get("seller_sku")}],
                            "warnings": []})

    def _token(self, req: Req) -> Reply:
        q = req.query
        if q.get("app_key") != self.app_key or q.get("app_secret") != self.app_secret:
            return answer(36004004, "invalid app_key or app_secret")
        if req.path == "/api/v2/token/refresh":
            if q.get("grant_type") != "refresh_token" or q.get("refresh_token") not in \
                    self.refresh_tokens:
                return answer(36004003, "refresh_token is invalid or expired")
            self.refresh_tokens.discard(q["refresh_token"])
        access, refresh = "tok-" + uuid.uuid4().hex[:8], "ref-" + uuid.uuid4().hex[:8]
        self.access_tokens, self.refresh_tokens = {access}, {refresh}
        now = int(time.time())
        return answer(message="success", data={
            "access_token": access, "access_token_expire_in": now + 7 * 86400,
            "refresh_token": refresh, "refresh_token_expire_in": now + 60 * 86400,
            "open_id": "open-1", "seller_name": "HTX Trà", "granted_scopes": ["seller.product"]})
