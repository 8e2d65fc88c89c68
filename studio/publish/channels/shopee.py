"""Shopee Open Platform v2: upload product images, then create the item (``add_item``).

Wire format (Shopee Open Platform "API calls" and "Authorization and Authentication" guides,
https://open.shopee.com/developer-guide/16 and /20; API reference v2.product.add_item,
v2.media_space.upload_image, v2.public / v2.auth.access_token.get):

- Common query parameters ``partner_id``, ``timestamp`` (Unix seconds, valid 5 minutes),
  ``sign``; Shop APIs add ``access_token`` and ``shop_id``.
- ``sign`` = HMAC-SHA256(partner_key, base string), lowercase hex. Base string: Shop API
  ``partner_id + path + timestamp + access_token + shop_id``; Public API
  ``partner_id + path + timestamp`` (docs example base string:
  ``2001887/api/v2/shop/get_shop_info165571443159777174636562737266615546704c6d14701711``).
- GET puts request parameters in the URL; POST sends them as a JSON body (``upload_image`` is
  multipart with an ``image`` file field and is a Public-signed call).
- Every answer carries ``request_id``, ``error`` (empty on success), ``message``, ``response``.
- Access token 4 h; refresh token 30 days, single use: ``POST /api/v2/auth/access_token/get``
  (Public sign, body ``refresh_token``, ``partner_id``, ``shop_id``) returns a new pair.

Channel fields come from ``payload.extra``: ``category_id``, ``price``, ``stock``,
``weight_kg``, ``dimension_cm`` (length, width, height), ``logistic_ids``, optional ``brand_id``
/ ``brand_name``, ``sku`` (defaults to the idempotency key, used to find the item again),
``item_status`` (NORMAL or UNLIST).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import ClassVar
from urllib.parse import urlencode

import httpx

from studio.publish.channels.base import (
    AUTH,
    PERMANENT,
    RETRYABLE,
    Channel,
    ChannelError,
    PostPayload,
    PublishResult,
    json_body,
    retry_after,
)
from studio.publish.channels.rules import is_whole

ADD_ITEM = "/api/v2/product/add_item"
UPLOAD_IMAGE = "/api/v2/media_space/upload_image"
REFRESH = "/api/v2/auth/access_token/get"
TOKEN_GET = "/api/v2/auth/token/get"
AUTH_PARTNER = "/api/v2/shop/auth_partner"
ITEM_LIST = "/api/v2/product/get_item_list"
ITEM_INFO = "/api/v2/product/get_item_base_info"


def shopee_sign(partner_key: str, partner_id: str | int, path: str, timestamp: int,
                access_token: str = "", shop_id: str | int = "") -> str:
    """Shopee v2 request signature (lowercase hex HMAC-SHA256 of the base string)."""
    base = f"{partner_id}{path}{timestamp}{access_token}{shop_id}"
    return hmac.new(partner_key.encode(), base.encode(), hashlib.sha256).hexdigest()


def _envelope_error(kind_of: str, data: dict, status: int, response: httpx.Response
                    ) -> ChannelError:
    code = str(data.get("error") or "")
    message = str(data.get("message") or "")
    low = (code + " " + message).lower()
    if "access_token" in low or "acceess_token" in low or code == "error_auth" \
            or "invalid_token" in low or ("expired" in low and "token" in low):
        kind = AUTH
    elif status == 429 or "too_many" in low or "rate_limit" in low or status >= 500 \
            or code in ("error_server", "error_inner", "error_busy"):
        kind = RETRYABLE
    else:
        kind = PERMANENT
    return ChannelError(f"{kind_of}: {code}: {message} (request_id "
                        f"{data.get('request_id', '?')})", kind, status=status,
                        retry_after=retry_after(response), platform_code=code)


class ShopeeChannel(Channel):
    kind = "shopee"
    required_options = ("partner_id", "shop_id")
    required_credentials = ("partner_key", "access_token")
    default_api_base = "https://partner.shopeemobile.com"
    option_rules: ClassVar[dict] = {
        "partner_id": "id",
        "shop_id": "id",
        "api_base": "url",
    }
    title_min, title_max = 10, 120
    desc_min, desc_max = 10, 3000

    # -- signing -----------------------------------------------------------------------------
    def _params(self, path: str, shop: bool = True) -> dict[str, str]:
        ts = int(self.clock())
        pid = str(self.options["partner_id"])
        params = {"partner_id": pid, "timestamp": str(ts)}
        if shop:
            token = self.credentials["access_token"]
            sid = str(self.options["shop_id"])
            params.update(access_token=token, shop_id=sid)
            params["sign"] = shopee_sign(self.credentials["partner_key"], pid, path, ts, token,
                                         sid)
        else:
            params["sign"] = shopee_sign(self.credentials["partner_key"], pid, path, ts)
        return params

    def check_response(self, response: httpx.Response) -> ChannelError | None:
        data = json_body(response)
        if data is not None and data.get("error"):
            return _envelope_error(self.kind, data, response.status_code, response)
        return None

    def call(self, method: str, path: str, *, shop: bool = True, summary: str = "",
             **kwargs) -> dict:
        params = self._params(path, shop)
        params.update(kwargs.pop("params", {}))
        response = self.request(method, path, params=params, summary=summary or path, **kwargs)
        return response.json()

    # -- validation --------------------------------------------------------------------------

    def validate(self, payload: PostPayload) -> list[str]:
        problems = []
        title = (payload.title or "").strip()
        if not self.title_min <= len(title) <= self.title_max:
            problems.append(f"Shopee item name must be {self.title_min}–{self.title_max} "
                            f"characters (now {len(title)}): edit the post title")
        if not self.desc_min <= len(payload.text) <= self.desc_max:
            problems.append(f"Shopee description must be {self.desc_min}–{self.desc_max} "
                            f"characters (now {len(payload.text)})")
        images = [m for m in payload.media if m.mime.startswith("image/")]
        if not 1 <= len(images) <= 9:
            problems.append(f"Shopee needs 1–9 product images (now {len(images)})")
        ex = payload.extra
        for key in ("category_id", "price", "stock", "weight_kg", "logistic_ids"):
            if ex.get(key) in (None, "", []):
                problems.append(f"Shopee needs {key}: set it on the post's Shopee variant")
        for key in ("category_id", "stock"):
            if ex.get(key) not in (None, "") and not is_whole(ex[key], 1 if key ==
                                                             "category_id" else 0):
                problems.append(f"Shopee {key} must be a whole number (got {ex[key]!r})")
        if ex.get("logistic_ids") and not all(is_whole(i, 1) for i in ex["logistic_ids"]):
            problems.append("Shopee logistic_ids must be channel ids (whole numbers) from "
                            "get_channel_list")
        for key, low, text in (("price", 0.0, "greater than 0"), ("weight_kg", 0.0,
                                "greater than 0")):
            if ex.get(key) in (None, ""):
                continue
            try:
                ok = float(ex[key]) > low
            except (TypeError, ValueError):
                ok = False
            if not ok:
                problems.append(f"Shopee {key} must be a number {text} (got {ex[key]!r})")
        return problems

    # -- publishing --------------------------------------------------------------------------
    def upload_image(self, media) -> str:
        with open(media.path, "rb") as fh:
            files = {"image": (media.path.name, fh.read(), media.mime)}
        data = self.call("POST", UPLOAD_IMAGE, shop=False, files=files,
                         summary=f"upload_image {media.path.name}")
        return data["response"]["image_info"]["image_id"]

    def item_body(self, payload: PostPayload, image_ids: list[str]) -> dict:
        ex = payload.extra
        length, width, height = (ex.get("dimension_cm") or (10, 10, 10))
        body = {
            "item_name": payload.title.strip(), "description": payload.text,
            "original_price": float(ex["price"]), "seller_stock": [{"stock": int(ex["stock"])}],
            "weight": float(ex["weight_kg"]),
            "dimension": {"package_length": int(length), "package_width": int(width),
                          "package_height": int(height)},
            "category_id": int(ex["category_id"]), "image": {"image_id_list": image_ids},
            "logistic_info": [{"logistic_id": int(i), "enabled": True}
                              for i in ex["logistic_ids"]],
            "brand": {"brand_id": int(ex.get("brand_id") or 0),
                      "original_brand_name": ex.get("brand_name") or "NoBrand"},
            "item_status": ex.get("item_status") or "NORMAL",
            "item_sku": self._sku(payload),
        }
        return body

    def _sku(self, payload: PostPayload) -> str:
        return str(payload.extra.get("sku") or payload.idempotency_key)[:100]

    def publish(self, payload: PostPayload) -> PublishResult:
        problems = self.validate(payload) + self.validate_account()
        if problems:
            raise ChannelError("shopee: " + "; ".join(problems), PERMANENT)
        image_ids = [self.upload_image(m) for m in payload.media if m.mime.startswith("image/")]
        try:
            data = self.call("POST", ADD_ITEM, json=self.item_body(payload, image_ids),
                             summary="add_item")
        except ChannelError as exc:
            # The item already exists (an earlier attempt that timed out went through).
            if exc.platform_code and "repeated" in exc.platform_code:
                found = self.lookup(payload)
                if found:
                    return found
            raise
        item_id = str(data["response"]["item_id"])
        return PublishResult(item_id, self._url(item_id), raw=data.get("response", {}))

    def _url(self, item_id: str) -> str:
        return f"https://shopee.vn/product/{self.options['shop_id']}/{item_id}"

    def lookup(self, payload: PostPayload, external_id: str | None = None
               ) -> PublishResult | None:
        """Find the item by SKU among the shop's most recently updated items."""
        sku = self._sku(payload)
        listing = self.call("GET", ITEM_LIST, params={"offset": "0", "page_size": "50",
                                                      "item_status": "NORMAL"},
                            summary="get_item_list")
        ids = [str(i["item_id"]) for i in listing.get("response", {}).get("item", [])]
        if external_id:
            ids = [external_id] + [i for i in ids if i != external_id]
        if not ids:
            return None
        info = self.call("GET", ITEM_INFO, params={"item_id_list": ",".join(ids[:50])},
                         summary="get_item_base_info")
        for item in info.get("response", {}).get("item_list", []):
            if item.get("item_sku") == sku or str(item.get("item_id")) == external_id:
                return PublishResult(str(item["item_id"]), self._url(str(item["item_id"])),
                                     raw=item)
        return None

    # -- tokens ------------------------------------------------------------------------------
    def refresh(self) -> dict | None:
        """Spend the single-use refresh token; the answer holds the next one."""
        body = {"refresh_token": self.credentials.get("refresh_token", ""),
                "partner_id": int(self.options["partner_id"]),
                "shop_id": int(self.options["shop_id"])}
        try:
            data = self.call("POST", REFRESH, shop=False, json=body, summary="refresh token")
        except ChannelError as exc:
            if exc.kind in (RETRYABLE, "unknown"):  # a transient failure is not a dead token
                raise
            raise ChannelError(f"shopee: the refresh token was refused ({exc}); reconnect the "
                               "shop in Settings", AUTH, platform_code=exc.platform_code) from exc
        new = {"access_token": data.get("access_token", ""),
               "expires_in": int(data.get("expire_in") or 0)}
        if data.get("refresh_token"):
            new["refresh_token"] = data["refresh_token"]
        if not new["access_token"]:
            raise ChannelError("shopee: refresh returned no access token; reconnect the shop",
                               AUTH)
        self.credentials.update(new)
        return new

    def authorize_url(self, redirect: str) -> str:
        """The shop-owner authorization link (valid 5 minutes)."""
        params = self._params(AUTH_PARTNER, shop=False)
        params["redirect"] = redirect
        return f"{self.api_base}{AUTH_PARTNER}?{urlencode(params)}"

    def exchange_code(self, code: str, shop_id: str | int) -> dict:
        """Trade the ``code`` from the redirect for the shop's first token pair."""
        body = {"code": code, "shop_id": int(shop_id),
                "partner_id": int(self.options["partner_id"])}
        data = self.call("POST", TOKEN_GET, shop=False, json=body, summary="token/get")
        return {"access_token": data["access_token"], "refresh_token": data["refresh_token"],
                "expires_in": int(data.get("expire_in") or 0)}
