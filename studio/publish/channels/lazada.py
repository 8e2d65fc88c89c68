"""Lazada Open Platform: migrate product images, create the product, follow QC.

Wire format (Lazada Open Platform docs "Signature algorithm" and "HTTP request sample", doc ids
108068 and 108069, read at https://open.alitrip.com/docs/doc.htm?articleId=108068&treeId=499 and
articleId=108069; API reference CreateProduct ``/product/create``, MigrateImage
``/image/migrate``, GetQcStatus ``/product/qc/status/get``, GetProductItem
``/product/item/get``, GetProducts ``/products/get``, ``/auth/token/create`` and
``/auth/token/refresh``):

- Gateway ``https://api.lazada.vn/rest`` + API path; system parameters ``app_key``,
  ``timestamp`` (milliseconds), ``access_token``, ``sign_method=sha256``, ``sign``.
- ``sign``: sort every parameter except ``sign`` (and byte-array files) by name, concatenate
  ``key + value``, prefix the API path, HMAC-SHA256 with the app secret, UPPERCASE hex. The docs'
  worked example (``/order/get``, secret ``helloworld``) gives ``4190D323...FAB4A``.
- Business parameters go in the POST form; ``payload`` is the XML ``<Request><Product>...``
  document the CreateProduct reference shows.
- Answers: ``{"code": "0", "data": ..., "request_id"}``; errors carry ``code`` (e.g.
  ``IllegalAccessToken``, ``E901``/``ApiCallLimit`` throttling, ``IncompleteSignature``),
  ``type`` and ``message``.
- Tokens: ``/auth/token/refresh`` on ``https://auth.lazada.com/rest`` returns a new access token
  and a new refresh token.

Channel fields from ``payload.extra``: ``category_id``, ``price``, ``stock``, ``weight_kg``,
``dimension_cm``, ``brand`` (default "No Brand"), ``sku`` (defaults to the idempotency key).
Images must have a public URL (``/image/migrate`` pulls them).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import ClassVar
from urllib.parse import urlencode
from xml.sax.saxutils import escape

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
from studio.publish.channels.rules import is_whole, option_problems

AUTH_API = "https://auth.lazada.com/rest"
AUTHORIZE = "https://auth.lazada.com/oauth/authorize"
THROTTLE_CODES = {"E901", "ApiCallLimit", "AppCallLimit", "ServiceUnavailable",
                  "ISP.ServiceUnavailable"}
AUTH_CODES = {"IllegalAccessToken", "MissingAccessToken", "IllegalRefreshToken",
              "E1001", "InvalidAccessToken"}
DUPLICATE_CODES = {"4105"}


def lazada_sign(app_secret: str, api_path: str, params: dict[str, object],
                body: str | None = None) -> str:
    """Lazada signature: sorted key+value pairs after the API path, HMAC-SHA256, upper hex."""
    text = api_path + "".join(f"{k}{params[k]}" for k in sorted(params)
                              if k != "sign" and params[k] not in (None, ""))
    if body:
        text += body
    return hmac.new(app_secret.encode(), text.encode(), hashlib.sha256).hexdigest().upper()


def product_xml(payload: PostPayload, image_urls: list[str], sku: str) -> str:
    ex = payload.extra
    length, width, height = ex.get("dimension_cm") or (10, 10, 10)
    images = "".join(f"<Image>{escape(u)}</Image>" for u in image_urls)
    return (
        "<?xml version=\"1.0\" encoding=\"UTF-8\" ?><Request><Product>"
        f"<PrimaryCategory>{int(ex['category_id'])}</PrimaryCategory>"
        f"<Images>{images}</Images>"
        "<Attributes>"
        f"<name>{escape(payload.title.strip())}</name>"
        f"<description>{escape(payload.text)}</description>"
        f"<brand>{escape(str(ex.get('brand') or 'No Brand'))}</brand>"
        "</Attributes><Skus><Sku>"
        f"<SellerSku>{escape(sku)}</SellerSku>"
        f"<quantity>{int(ex['stock'])}</quantity>"
        f"<price>{float(ex['price']):g}</price>"
        f"<package_length>{length}</package_length><package_width>{width}</package_width>"
        f"<package_height>{height}</package_height>"
        f"<package_weight>{float(ex['weight_kg']):g}</package_weight>"
        "</Sku></Skus></Product></Request>"
    )


class LazadaChannel(Channel):
    default_auth_base = AUTH_API
    kind = "lazada"
    required_options = ("app_key",)
    required_credentials = ("app_secret", "access_token")
    default_api_base = "https://api.lazada.vn/rest"
    option_rules: ClassVar[dict] = {
        "app_key": "id",
        "api_base": "url",
        "auth_base": "url",
        "authorize_url": "url",
    }

    def check_response(self, response: httpx.Response) -> ChannelError | None:
        try:
            data = response.json()
        except ValueError:
            return None
        code = str(data.get("code", "0")) if isinstance(data, dict) else "0"
        if code == "0":
            return None
        if code in THROTTLE_CODES or response.status_code == 429 or response.status_code >= 500:
            kind = RETRYABLE
        elif code in AUTH_CODES:
            kind = AUTH
        else:
            kind = PERMANENT
        return ChannelError(f"lazada: {code}: {data.get('message', '')} (request_id "
                            f"{data.get('request_id', '?')})", kind,
                            status=response.status_code, retry_after=retry_after(response),
                            platform_code=code)

    def call(self, method: str, path: str, params: dict | None = None, *, base: str = "",
             token: bool = True, summary: str = "") -> dict:
        system = {"app_key": str(self.options["app_key"]), "sign_method": "sha256",
                  "timestamp": str(int(self.clock() * 1000))}
        if token:
            system["access_token"] = self.credentials["access_token"]
        business = {k: str(v) for k, v in (params or {}).items()}
        system["sign"] = lazada_sign(self.credentials["app_secret"], path,
                                     {**system, **business})
        url = (base or self.api_base) + path
        if method == "GET":
            response = self.request("GET", url, params={**system, **business},
                                    summary=summary or path)
        else:
            response = self.request("POST", url, params=system, data=business,
                                    summary=summary or path)
        return response.json()

    # -- validation --------------------------------------------------------------------------
    def validate_account(self) -> list[str]:
        return super().validate_account() + option_problems(self.options,
                                                            self.option_rules)

    def validate(self, payload: PostPayload) -> list[str]:
        problems = []
        if not payload.title.strip():
            problems.append("Lazada needs a product name: set the post title")
        if len(payload.title) > 255:
            problems.append(f"Lazada product name is {len(payload.title)} characters; keep it "
                            "at most 255")
        images = [m for m in payload.media if m.mime.startswith("image/")]
        if not 1 <= len(images) <= 8:
            problems.append(f"Lazada takes 1–8 product images (now {len(images)})")
        for m in images:
            if not m.public_url.startswith("https://"):
                problems.append(f"{m.path.name}: Lazada pulls images from a public https URL; "
                                "publish the media folder or set its public URL")
            if m.size > 3_000_000:
                problems.append(f"{m.path.name}: Lazada images must be at most 3 MB")
        ex = payload.extra
        for key in ("category_id", "price", "stock", "weight_kg"):
            try:
                bad = float(ex.get(key)) <= (-1 if key == "stock" else 0)
            except (TypeError, ValueError):
                bad = True
            if key in ("category_id", "stock") and not is_whole(ex.get(key), 0):
                bad = True
            if bad:
                problems.append(f"Lazada needs a valid {key} (got {ex.get(key)!r}): set it on "
                                "the post's Lazada variant")
        return problems

    # -- publishing --------------------------------------------------------------------------
    def _sku(self, payload: PostPayload) -> str:
        return str(payload.extra.get("sku") or payload.idempotency_key)[:200]

    def publish(self, payload: PostPayload) -> PublishResult:
        problems = self.validate(payload) + self.validate_account()
        if problems:
            raise ChannelError("lazada: " + "; ".join(problems), PERMANENT)
        urls = []
        for media in payload.media:
            if not media.mime.startswith("image/"):
                continue
            xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\" ?><Request><Image><Url>"
                   f"{escape(media.public_url)}</Url></Image></Request>")
            data = self.call("POST", "/image/migrate", {"payload": xml},
                             summary=f"image/migrate {media.path.name}")
            urls.append(data["data"]["image"]["url"])
        sku = self._sku(payload)
        try:
            data = self.call("POST", "/product/create",
                             {"payload": product_xml(payload, urls, sku)},
                             summary="product/create")
        except ChannelError as exc:
            if exc.platform_code in DUPLICATE_CODES:  # the SKU exists: an earlier attempt won
                found = self.lookup(payload)
                if found:
                    return found
            raise
        item_id = str(data["data"]["item_id"])
        return PublishResult(item_id, f"https://www.lazada.vn/products/i{item_id}.html",
                             state="processing", raw=data["data"])

    def status(self, external_id: str) -> PublishResult:
        """QC status of the product's SKU: approved → published; rejected → permanent."""
        item = self.call("GET", "/product/item/get", {"item_id": external_id},
                         summary="product/item/get")
        skus = [s.get("SellerSku") for s in (item.get("data") or {}).get("skus", [])]
        if not skus:
            raise ChannelError(f"lazada: product {external_id} not found; check Seller Center",
                               PERMANENT)
        data = self.call("GET", "/product/qc/status/get",
                         {"offset": 0, "limit": 10, "seller_skus": json.dumps(skus)},
                         summary="qc/status/get")
        for row in data.get("data") or []:
            state = str(row.get("status", "")).lower()
            if state == "approved":
                return PublishResult(external_id, state="published", raw=row)
            if state == "rejected":
                raise ChannelError(f"lazada: QC rejected the product: {row.get('reason', '')}",
                                   PERMANENT)
        return PublishResult(external_id, state="processing")

    def lookup(self, payload: PostPayload, external_id: str | None = None
               ) -> PublishResult | None:
        data = self.call("GET", "/products/get",
                         {"filter": "all", "sku_seller_list": json.dumps([self._sku(payload)])},
                         summary="products/get")
        for product in (data.get("data") or {}).get("products", []):
            skus = {s.get("SellerSku") for s in product.get("skus", [])}
            if self._sku(payload) in skus:
                item_id = str(product["item_id"])
                return PublishResult(item_id, f"https://www.lazada.vn/products/i{item_id}.html",
                                     state="processing", raw=product)
        return None

    # -- tokens ------------------------------------------------------------------------------
    def refresh(self) -> dict | None:
        try:
            data = self.call("POST", "/auth/token/refresh",
                             {"refresh_token": self.credentials.get("refresh_token", "")},
                             base=self.auth_base, token=False, summary="token/refresh")
        except ChannelError as exc:
            if exc.kind in (RETRYABLE, UNKNOWN):
                raise
            raise ChannelError(f"lazada: the refresh token was refused ({exc}); reconnect the "
                               "seller account in Settings", AUTH,
                               platform_code=exc.platform_code) from exc
        return self._save_tokens(data)

    def _save_tokens(self, data: dict) -> dict:
        if not data.get("access_token"):
            raise ChannelError("lazada: no access token in the answer; reconnect", AUTH)
        new = {"access_token": data["access_token"], "expires_in": int(data.get("expires_in")
                                                                         or 0)}
        if data.get("refresh_token"):
            new["refresh_token"] = data["refresh_token"]
        self.credentials.update(new)
        return new

    def authorize_url(self, redirect_uri: str, state: str = "") -> str:
        params = {"response_type": "code", "force_auth": "true", "redirect_uri": redirect_uri,
                  "client_id": str(self.options["app_key"])}
        if state:
            params["state"] = state
        return f"{self.options.get('authorize_url') or AUTHORIZE}?{urlencode(params)}"

    def exchange_code(self, code: str) -> dict:
        data = self.call("POST", "/auth/token/create", {"code": code}, base=self.auth_base,
                         token=False, summary="token/create")
        return self._save_tokens(data)
