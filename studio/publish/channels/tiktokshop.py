"""TikTok Shop Partner API (202309): upload main images, create the product.

Wire format (TikTok Shop Partner Center, "Sign your API request",
https://partner.tiktokshop.com/docv2/page/sign-your-api-request; Product API 202309 "Upload
Product Image" ``POST /product/202309/images/upload``, "Create Product" ``POST
/product/202309/products``, "Search Products" ``POST /product/202309/products/search``;
Authorization "Get access token" / "Refresh access token" on ``auth.tiktok-shops.com``):

- Host ``https://open-api.tiktokglobalshop.com``; query ``app_key``, ``timestamp`` (Unix
  seconds), ``shop_cipher`` (shop APIs), ``sign``; header ``x-tts-access-token``.
- ``sign``: take the query parameters except ``sign`` and ``access_token``, sort by name,
  concatenate ``key + value``, prefix the path, append the raw body unless the request is
  multipart, wrap as ``secret + s + secret``, HMAC-SHA256 with the app secret, lowercase hex.
- Answers ``{"code": 0, "message", "request_id", "data"}``; a non-zero ``code`` is an error.
- Create Product takes ``idempotency_key`` (≤ 128 chars): resending the same key never creates a
  second product, so our stable per-target key makes retries safe.
- Tokens: ``GET /api/v2/token/refresh?app_key&app_secret&refresh_token&grant_type=refresh_token``
  returns ``data.access_token`` and ``data.refresh_token`` (which may rotate).

Channel fields from ``payload.extra``: ``category_id``, ``price`` (VND), ``stock``,
``warehouse_id``, ``weight_kg``, optional ``brand_id``, ``sku``, ``save_mode`` (LISTING or
AS_DRAFT).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
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
    json_body,
    retry_after,
)
from studio.publish.channels.rules import is_whole

AUTH_BASE = "https://auth.tiktok-shops.com"
AUTHORIZE = "https://services.tiktokshop.com/open/authorize"
IMAGES = "/product/202309/images/upload"
PRODUCTS = "/product/202309/products"
SEARCH = "/product/202309/products/search"
#: Access-token problems (invalid, expired, revoked) in the Partner API error list.
AUTH_CODES = {105000, 105001, 105002, 105005, 36004002}
#: Signature, timestamp or app-key problems: our configuration is wrong, a refresh cannot help.
CONFIG_CODES = {106001, 106003, 106011}


def tts_sign(app_secret: str, path: str, query: dict[str, object], body: bytes | str = b"",
             ) -> str:
    """TikTok Shop signature over path, sorted query (minus sign/access_token) and body."""
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    pairs = "".join(f"{k}{query[k]}" for k in sorted(query) if k not in ("sign", "access_token"))
    text = f"{app_secret}{path}{pairs}{body}{app_secret}"
    return hmac.new(app_secret.encode(), text.encode(), hashlib.sha256).hexdigest()


class TikTokShopChannel(Channel):
    default_auth_base = AUTH_BASE
    kind = "tiktokshop"
    required_options = ("app_key", "shop_cipher")
    required_credentials = ("app_secret", "access_token")
    default_api_base = "https://open-api.tiktokglobalshop.com"
    option_rules: ClassVar[dict] = {
        "api_base": "url",
        "auth_base": "url",
        "authorize_url": "url",
    }
    title_min, title_max = 25, 255

    def check_response(self, response: httpx.Response) -> ChannelError | None:
        data = json_body(response)
        if data is None or data.get("code") in (0, None):
            return None
        code = int(data["code"]) if str(data["code"]).lstrip("-").isdigit() else -1
        if response.status_code == 429 or response.status_code >= 500:
            kind = RETRYABLE
        elif code in CONFIG_CODES:
            kind = PERMANENT
        elif code in AUTH_CODES or response.status_code == 401:
            kind = AUTH
        else:
            kind = PERMANENT
        return ChannelError(f"tiktokshop: {data['code']}: {data.get('message', '')} "
                            f"(request_id {data.get('request_id', '?')})", kind,
                            status=response.status_code, retry_after=retry_after(response),
                            platform_code=str(data["code"]))

    def call(self, method: str, path: str, *, body: dict | None = None, files=None,
             shop: bool = True, query: dict | None = None, summary: str = "") -> dict:
        params = {"app_key": str(self.options["app_key"]), "timestamp": str(int(self.clock()))}
        if shop:
            params["shop_cipher"] = str(self.options["shop_cipher"])
        params.update({k: str(v) for k, v in (query or {}).items()})
        headers = {"x-tts-access-token": self.credentials["access_token"]}
        raw = b""
        kwargs: dict = {}
        if files is not None:
            kwargs["files"] = files  # multipart: the body is not signed
        elif body is not None:
            raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
            headers["Content-Type"] = "application/json"
            kwargs["content"] = raw
        params["sign"] = tts_sign(self.credentials["app_secret"], path, params, raw)
        response = self.request(method, path, params=params, headers=headers,
                                summary=summary or path, **kwargs)
        return response.json()

    # -- validation --------------------------------------------------------------------------

    def validate(self, payload: PostPayload) -> list[str]:
        problems = []
        title = payload.title.strip()
        if not self.title_min <= len(title) <= self.title_max:
            problems.append(f"TikTok Shop product title must be {self.title_min}–"
                            f"{self.title_max} characters (now {len(title)})")
        if len(payload.text) > 10_000:
            problems.append("TikTok Shop description is at most 10,000 characters")
        if len(payload.text.split()) < 30:
            problems.append("TikTok Shop Vietnam wants a description of at least 30 words with "
                            "safety information")
        images = [m for m in payload.media if m.mime.startswith("image/")]
        if not 1 <= len(images) <= 9:
            problems.append(f"TikTok Shop takes 1–9 main images (now {len(images)})")
        if len(self._key(payload)) > 128 or not self._key(payload):
            problems.append("idempotency_key must be 1–128 characters")
        ex = payload.extra
        for key in ("category_id", "price", "stock", "warehouse_id", "weight_kg"):
            if ex.get(key) in (None, ""):
                problems.append(f"TikTok Shop needs {key}: set it on the post's variant")
        if ex.get("stock") not in (None, "") and not is_whole(ex["stock"]):
            problems.append(f"TikTok Shop stock must be a whole number (got {ex['stock']!r})")
        try:
            if ex.get("price") not in (None, "") and float(ex["price"]) <= 0:
                problems.append("TikTok Shop price must be greater than 0")
        except (TypeError, ValueError):
            problems.append(f"TikTok Shop price must be a number (got {ex['price']!r})")
        return problems

    @staticmethod
    def _key(payload: PostPayload) -> str:
        return payload.idempotency_key

    def _sku(self, payload: PostPayload) -> str:
        return str(payload.extra.get("sku") or payload.idempotency_key)[:50]

    # -- publishing --------------------------------------------------------------------------
    def upload_image(self, media) -> dict:
        with open(media.path, "rb") as fh:
            files = {"data": (media.path.name, fh.read(), media.mime),
                     "use_case": (None, "MAIN_IMAGE")}
        data = self.call("POST", IMAGES, files=files, shop=False,
                         summary=f"images/upload {media.path.name}")
        return {"uri": data["data"]["uri"]}

    def product_body(self, payload: PostPayload, images: list[dict]) -> dict:
        ex = payload.extra
        body = {
            "title": payload.title.strip(), "description": payload.text,
            "category_id": str(ex["category_id"]), "main_images": images,
            "skus": [{"seller_sku": self._sku(payload),
                      "price": {"amount": str(int(float(ex["price"]))), "currency": "VND"},
                      "inventory": [{"warehouse_id": str(ex["warehouse_id"]),
                                     "quantity": int(ex["stock"])}]}],
            "package_weight": {"value": f"{float(ex['weight_kg']):g}", "unit": "KILOGRAM"},
            "save_mode": ex.get("save_mode") or "LISTING",
            "idempotency_key": self._key(payload),
        }
        if ex.get("brand_id"):
            body["brand_id"] = str(ex["brand_id"])
        return body

    def publish(self, payload: PostPayload) -> PublishResult:
        problems = self.validate(payload) + self.validate_account()
        if problems:
            raise ChannelError("tiktokshop: " + "; ".join(problems), PERMANENT)
        images = [self.upload_image(m) for m in payload.media if m.mime.startswith("image/")]
        data = self.call("POST", PRODUCTS, body=self.product_body(payload, images),
                         summary="create product")["data"]
        product_id = str(data["product_id"])
        # A new listing goes to audit: "processing" until the platform approves it.
        return PublishResult(product_id, f"https://shop.tiktok.com/view/product/{product_id}",
                             state="processing", raw=data)

    def lookup(self, payload: PostPayload, external_id: str | None = None
               ) -> PublishResult | None:
        sku = self._sku(payload)
        data = self.call("POST", SEARCH, query={"page_size": 20},
                         body={"status": "ALL", "seller_skus": [sku]}, summary="search products")
        for product in (data.get("data") or {}).get("products", []):
            # match on our side too: never take a filter we did not verify on trust
            if sku not in {s.get("seller_sku") for s in product.get("skus") or []}:
                continue
            product_id = str(product["id"])
            return PublishResult(product_id,
                                 f"https://shop.tiktok.com/view/product/{product_id}",
                                 state="processing", raw=product)
        return None

    # -- tokens ------------------------------------------------------------------------------
    def _token_call(self, path: str, params: dict) -> dict:
        try:
            response = self.request("GET", self.auth_base + path, params=params,
                                    summary=path)
        except ChannelError as exc:
            if exc.kind in (RETRYABLE, UNKNOWN):
                raise
            raise ChannelError(f"tiktokshop: the token request was refused ({exc}); reconnect "
                               "the shop in Settings", AUTH, platform_code=exc.platform_code
                               ) from exc
        data = response.json().get("data") or {}
        if not data.get("access_token"):
            raise ChannelError("tiktokshop: no access token in the answer; reconnect", AUTH)
        # access_token_expire_in is a Unix time; report seconds like every other channel.
        expires_at = int(data.get("access_token_expire_in") or 0)
        new = {"access_token": data["access_token"],
               "expires_in": max(0, expires_at - int(time.time())) if expires_at else 0}
        if data.get("refresh_token"):
            new["refresh_token"] = data["refresh_token"]
        self.credentials.update(new)
        return new

    def refresh(self) -> dict | None:
        return self._token_call("/api/v2/token/refresh", {
            "app_key": str(self.options["app_key"]), "app_secret": self.credentials["app_secret"],
            "refresh_token": self.credentials.get("refresh_token", ""),
            "grant_type": "refresh_token"})

    def authorize_url(self, service_id: str, state: str = "") -> str:
        params = {"service_id": service_id}
        if state:
            params["state"] = state
        return f"{self.options.get('authorize_url') or AUTHORIZE}?{urlencode(params)}"

    def exchange_code(self, auth_code: str) -> dict:
        return self._token_call("/api/v2/token/get", {
            "app_key": str(self.options["app_key"]), "app_secret": self.credentials["app_secret"],
            "auth_code": auth_code, "grant_type": "authorized_code"})
