"""A local Shopee Open Platform v2 for tests.

Checks what the real gateway checks for the calls the channel makes: the five (Shop) or three
(Public) common query parameters, the HMAC-SHA256 signature recomputed here with its own code,
the 5-minute timestamp window, the access token (expired tokens answer ``error_auth``), the JSON
body of ``add_item`` (required fields and types) and the multipart ``image`` of
``upload_image``. Refresh tokens are single use: a spent one answers ``error_param``.
Answers use the documented envelope ``{"request_id", "error", "message", "response"}``.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import time
import uuid

from tests.fakes.http import FakePlatform, Reply, Req

SHOP_PATHS = {"/api/v2/product/add_item", "/api/v2/product/get_item_list",
              "/api/v2/product/get_item_base_info"}
PUBLIC_PATHS = {"/api/v2/media_space/upload_image", "/api/v2/auth/access_token/get",
                "/api/v2/auth/token/get"}
ADD_ITEM_REQUIRED = {"original_price": float, "description": str, "weight": float,
                     "item_name": str, "category_id": int, "image": dict,
                     "logistic_info": list, "seller_stock": list}


def envelope(error: str = "", message: str = "", response: dict | None = None) -> dict:
    body = {"request_id": uuid.uuid4().hex, "error": error, "message": message}
    if response is not None:
        body["response"] = response
    return body


class ShopeeFake(FakePlatform):
    def __init__(self, partner_id: int = 2001887, partner_key: str = "test-partner-key",
                 shop_id: int = 14701711, access_token: str = "tok-1",
                 refresh_token: str = "ref-1") -> None:
        super().__init__()
        self.partner_id, self.partner_key, self.shop_id = partner_id, partner_key, shop_id
        self.access_tokens = {access_token}
        self.refresh_tokens = {refresh_token}
        self.spent_refresh: set[str] = set()
        self.images: dict[str, bytes] = {}
        self.items: dict[int, dict] = {}
        self._ids = itertools.count(900001)

    def expire_token(self) -> None:
        self.access_tokens.clear()

    # -- checks ------------------------------------------------------------------------------
    def _sign(self, path: str, ts: str, token: str = "", shop: str = "") -> str:
        base = (str(self.partner_id) + path + ts + token + shop).encode("utf-8")
        return hmac.new(self.partner_key.encode("utf-8"), base, hashlib.sha256).hexdigest()

    def _check_common(self, req: Req) -> Reply | None:
        q = req.query
        shop = req.path in SHOP_PATHS
        needed = ["partner_id", "timestamp", "sign"] + (["access_token", "shop_id"] if shop
                                                        else [])
        missing = [k for k in needed if not q.get(k)]
        if missing:
            return Reply(400, envelope("error_param", f"missing {', '.join(missing)}"))
        if q["partner_id"] != str(self.partner_id):
            return Reply(403, envelope("error_auth", "Invalid partner_id."))
        if not q["timestamp"].isdigit() or abs(int(q["timestamp"]) - time.time()) > 300:
            return Reply(400, envelope("error_param", "Invalid timestamp."))
        expected = self._sign(req.path, q["timestamp"], q.get("access_token", "") if shop
                              else "", q.get("shop_id", "") if shop else "")
        if q["sign"] != expected:
            return Reply(403, envelope("error_sign", "Wrong sign."))
        if shop:
            if q["shop_id"] != str(self.shop_id):
                return Reply(403, envelope("error_auth", "Invalid shop_id."))
            if q["access_token"] not in self.access_tokens:
                return Reply(403, envelope("error_auth", "Invalid access_token."))
        return None

    # -- routes ------------------------------------------------------------------------------
    def handle(self, req: Req) -> Reply:
        if req.path not in SHOP_PATHS | PUBLIC_PATHS:
            return Reply(404, envelope("error_not_found", "Wrong url."))
        problem = self._check_common(req)
        if problem:
            return problem
        if req.path == "/api/v2/media_space/upload_image":
            return self._upload_image(req)
        if req.path == "/api/v2/product/add_item":
            return self._add_item(req)
        if req.path == "/api/v2/auth/access_token/get":
            return self._refresh(req)
        if req.path == "/api/v2/auth/token/get":
            body = req.json()
            if body.get("code") != "auth-code" or body.get("shop_id") != self.shop_id \
                    or body.get("partner_id") != self.partner_id:
                return Reply(400, envelope("error_param", "Invalid code."))
            access, refresh = "tok-" + uuid.uuid4().hex[:8], "ref-" + uuid.uuid4().hex[:8]
            self.access_tokens.add(access)
            self.refresh_tokens.add(refresh)
            return Reply(200, {"request_id": uuid.uuid4().hex, "error": "", "message": "",
                               "access_token": access, "refresh_token": refresh,
                               "expire_in": 14400, "shop_id_list": [self.shop_id]})
        if req.path == "/api/v2/product/get_item_list":
            items = [{"item_id": i, "item_status": "NORMAL", "update_time": int(time.time())}
                     for i in sorted(self.items, reverse=True)]
            return Reply(200, envelope(response={"item": items, "total_count": len(items),
                                                 "has_next_page": False}))
        if req.path == "/api/v2/product/get_item_base_info":
            ids = [int(x) for x in req.query.get("item_id_list", "").split(",") if x]
            return Reply(200, envelope(response={"item_list": [
                {"item_id": i, **self.items[i]} for i in ids if i in self.items]}))
        return Reply(404, envelope("error_not_found", "Wrong url."))

    def _upload_image(self, req: Req) -> Reply:
        if req.method != "POST":
            return Reply(405, envelope("error_param", "POST only"))
        try:
            parts = req.multipart()
        except ValueError as exc:
            return Reply(400, envelope("error_param", str(exc)))
        if "image" not in parts or not parts["image"][1]:
            return Reply(400, envelope("error_param", "image is required"))
        image_id = "sg-" + uuid.uuid4().hex[:24]
        self.images[image_id] = parts["image"][1]
        return Reply(200, envelope(response={"image_info": {
            "image_id": image_id, "image_url_list": [
                {"image_url_region": "VN", "image_url": f"https://cf.shopee.vn/file/{image_id}"}
            ]}}))

    def _add_item(self, req: Req) -> Reply:
        if "application/json" not in req.header("content-type"):
            return Reply(400, envelope("error_param", "Content-Type must be application/json"))
        body = req.json()
        for key, typ in ADD_ITEM_REQUIRED.items():
            value = body.get(key)
            ok = isinstance(value, typ) or (typ is float and isinstance(value, int))
            if value is None or not ok or isinstance(value, bool):
                return Reply(400, envelope("error_param", f"{key} is required ({typ.__name__})"))
        if not 1 <= len(body["item_name"]) <= 120:
            return Reply(400, envelope("error_param", "item_name length invalid"))
        ids = body["image"].get("image_id_list") or []
        if not ids or any(i not in self.images for i in ids):
            return Reply(400, envelope("error_param", "image_id_list invalid"))
        for key in ("package_length", "package_width", "package_height"):
            if key in body.get("dimension", {}) and not isinstance(body["dimension"][key], int):
                return Reply(400, envelope("error_param", f"dimension.{key} must be int"))
        sku = body.get("item_sku", "")
        if sku and any(it.get("item_sku") == sku for it in self.items.values()):
            return Reply(400, envelope("product.error_repeated_mtsku",
                                       "Duplicate item_sku in this shop."))
        item_id = next(self._ids)
        self.items[item_id] = {"item_name": body["item_name"], "item_sku": sku,
                               "item_status": body.get("item_status", "NORMAL")}
        return Reply(200, envelope(response={"item_id": item_id, "item_name": body["item_name"],
                                             "item_status": body.get("item_status", "NORMAL")}))

    def _refresh(self, req: Req) -> Reply:
        body = req.json()
        token = body.get("refresh_token", "")
        if body.get("partner_id") != self.partner_id or body.get("shop_id") != self.shop_id:
            return Reply(400, envelope("error_param", "partner_id and shop_id are required"))
        if token not in self.refresh_tokens:
            return Reply(400, envelope("error_param", "Invalid refresh_token."))
        self.refresh_tokens.discard(token)
        self.spent_refresh.add(token)
        access, refresh = "tok-" + uuid.uuid4().hex[:8], "ref-" + uuid.uuid4().hex[:8]
        self.access_tokens = {access}
        self.refresh_tokens.add(refresh)
        return Reply(200, {"request_id": uuid.uuid4().hex, "error": "", "message": "",
                           "access_token": access, "refresh_token": refresh,
                           "expire_in": 14400, "partner_id": self.partner_id,
                           "shop_id": self.shop_id})
