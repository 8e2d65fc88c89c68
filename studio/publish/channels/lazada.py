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

Variants (``extra["variants"]``: a list of ``{"sku", "price", "stock", "options": {name: value},
"image"?}``; ``extra["custom_variations"]`` names the attributes that are the seller's own, by
default every name except ``color_family`` and ``size``): the product gets a ``<variation>`` block
(``variation1``/``variation2`` with ``name``, ``hasImage``, ``customize``, ``options/option``)
and one ``<Sku>`` per variant whose ``<saleProp>`` holds ``<name>value</name>``, as in Lazada's
"product variation" upgrade notes for CreateProduct. What those notes list as errors is checked
before sending: at most 2 attributes (VARIATION_SIZE_LIMIT), names ≤ 15 characters, ≤ 50
options of ≤ 20 characters, every SKU naming every attribute (SKU_VARIATION_NAME_MISSING), no
two SKUs with the same options (SALE_PROPS_DUPLICATE), SKU images on all or none, only on
``variation1`` and never on ``size`` (SKU_VARIATION_IMAGES_MISSING, VARIATION_CATEGORY_SIZE_IMAGE).
Names become XML element names here, so they are letters, digits and ``_``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from typing import ClassVar
from urllib.parse import urlencode
from xml.sax.saxutils import escape

import httpx

from studio.publish.channels.base import (
    AUTH,
    PERMANENT,
    PUBLIC_URL_HOW,
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

AUTH_API = "https://auth.lazada.com/rest"
AUTHORIZE = "https://auth.lazada.com/oauth/authorize"
THROTTLE_CODES = {"E901", "ApiCallLimit", "AppCallLimit", "ServiceUnavailable",
                  "ISP.ServiceUnavailable"}
AUTH_CODES = {"IllegalAccessToken", "MissingAccessToken", "IllegalRefreshToken",
              "E1001", "InvalidAccessToken"}
DUPLICATE_CODES = {"4105"}
STANDARD_SALE_PROPS = ("color_family", "size")
SALE_PROP_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def lazada_sign(app_secret: str, api_path: str, params: dict[str, object],
                body: str | None = None) -> str:
    """Lazada signature: sorted key+value pairs after the API path, HMAC-SHA256, upper hex."""
    text = api_path + "".join(f"{k}{params[k]}" for k in sorted(params)
                              if k != "sign" and params[k] not in (None, ""))
    if body:
        text += body
    return hmac.new(app_secret.encode(), text.encode(), hashlib.sha256).hexdigest().upper()


def product_xml(payload: PostPayload, image_urls: list[str], sku: str,
                sku_images: dict[str, str] | None = None) -> str:
    """The CreateProduct payload; ``sku_images`` maps a variant's public image URL to its
    migrated Lazada URL."""
    ex = payload.extra
    images = "".join(f"<Image>{escape(u)}</Image>" for u in image_urls)
    variants = ex.get("variants") or []
    if variants:
        skus = "".join(_sku_xml(ex, v, (sku_images or {}).get(v.get("image", "")))
                       for v in variants)
    else:
        skus = _sku_xml(ex, {"sku": sku, "price": ex["price"], "stock": ex["stock"]}, None)
    return (
        "<?xml version=\"1.0\" encoding=\"UTF-8\" ?><Request><Product>"
        f"<PrimaryCategory>{int(ex['category_id'])}</PrimaryCategory>"
        f"<Images>{images}</Images>"
        f"{variation_xml(ex) if variants else ''}"
        "<Attributes>"
        f"<name>{escape(payload.title.strip())}</name>"
        f"<description>{escape(payload.text)}</description>"
        f"<brand>{escape(str(ex.get('brand') or 'No Brand'))}</brand>"
        f"</Attributes><Skus>{skus}</Skus></Product></Request>"
    )


def sale_prop_names(variants: list[dict]) -> list[str]:
    """Variation attribute names in the order the variants first use them."""
    names: list[str] = []
    for v in variants:
        for name in (v.get("options") or {}):
            if name not in names:
                names.append(name)
    return names


def variation_xml(ex: dict) -> str:
    variants = ex["variants"]
    custom = ex.get("custom_variations")
    with_images = any(v.get("image") for v in variants)
    blocks = []
    for i, name in enumerate(sale_prop_names(variants), 1):
        options = []
        for v in variants:
            value = str(v["options"][name])
            if value not in options:
                options.append(value)
        customize = name in custom if custom is not None else name not in STANDARD_SALE_PROPS
        blocks.append(
            f"<variation{i}><name>{name}</name>"
            f"<hasImage>{'true' if i == 1 and with_images else 'false'}</hasImage>"
            f"<customize>{'true' if customize else 'false'}</customize><options>"
            + "".join(f"<option>{escape(o)}</option>" for o in options)
            + f"</options></variation{i}>")
    return "<variation>" + "".join(blocks) + "</variation>"


def _sku_xml(ex: dict, v: dict, image: str | None) -> str:
    length, width, height = v.get("dimension_cm") or ex.get("dimension_cm") or (10, 10, 10)
    weight = float(v.get("weight_kg") or ex["weight_kg"])
    props = "".join(f"<{k}>{escape(str(val))}</{k}>" for k, val in (v.get("options") or {})
                    .items())
    return (
        f"<Sku><SellerSku>{escape(str(v['sku']))}</SellerSku>"
        + (f"<saleProp>{props}</saleProp>" if props else "")
        + f"<quantity>{int(v['stock'])}</quantity><price>{float(v['price']):g}</price>"
        f"<package_length>{length}</package_length><package_width>{width}</package_width>"
        f"<package_height>{height}</package_height>"
        f"<package_weight>{weight:g}</package_weight>"
        + (f"<Images><Image>{escape(image)}</Image></Images>" if image else "")
        + "</Sku>")


def variant_problems(ex: dict) -> list[str]:
    """What Lazada's CreateProduct would refuse in ``extra["variants"]``."""
    variants = ex.get("variants")
    if not isinstance(variants, list) or not variants \
            or not all(isinstance(v, dict) for v in variants):
        return ["variants must be a list of {sku, price, stock, options} objects"]
    problems, names = [], sale_prop_names(variants)
    fix = ": fix the variants on the post's Lazada variant"
    if not names:
        problems.append("each Lazada variant needs options such as {\"color_family\": \"Đỏ\"}")
    if len(names) > 2:
        problems.append(f"Lazada allows at most 2 variation attributes (this product has "
                        f"{len(names)}: {', '.join(names)}){fix}")
    for name in names:
        if not SALE_PROP_NAME.match(name) or len(name) > 15:
            problems.append(f"variation name {name!r} must be at most 15 letters, digits or _ "
                            f"(e.g. color_family){fix}")
        values = {str(v.get("options", {}).get(name, "")) for v in variants}
        if len(values) > 50:
            problems.append(f"variation {name} has {len(values)} options; Lazada allows 50")
        for value in values:
            if not value.strip() or len(value) > 20:
                problems.append(f"option {value!r} of {name} must be 1–20 characters{fix}")
    seen_skus, combos = set(), set()
    for v in variants:
        sku = str(v.get("sku") or "")
        label = sku or "a variant"
        if not sku or len(sku) > 200 or sku in seen_skus:
            problems.append(f"{label}: each variant needs its own SellerSku (1–200 characters)")
        seen_skus.add(sku)
        missing = [n for n in names if n not in (v.get("options") or {})]
        if missing:
            problems.append(f"{label} lacks {', '.join(missing)}: every variant names every "
                            "variation attribute")
        combo = tuple(str((v.get("options") or {}).get(n)) for n in names)
        if combo in combos:
            problems.append(f"{label} repeats the options {'/'.join(combo)} of another variant")
        combos.add(combo)
        if not _positive(v.get("price")):
            problems.append(f"{label} needs a price above 0 (got {v.get('price')!r})")
        if not is_whole(v.get("stock"), 0):
            problems.append(f"{label} needs a whole-number stock ≥ 0 (got {v.get('stock')!r})")
        if v.get("image") and not str(v["image"]).startswith("https://"):
            problems.append(f"{label}: its image must be a public https URL")
    with_images = [bool(v.get("image")) for v in variants]
    if any(with_images) and not all(with_images):
        problems.append("give every variant an image or none: Lazada needs SKU images on all "
                        "options once one has an image")
    if any(with_images) and names and names[0] == "size":
        problems.append("SKU images go with the first variation attribute, and Lazada refuses "
                        "them on size: put color_family (or another attribute) first")
    return problems


def _positive(value) -> bool:
    try:
        return float(value) > 0
    except (TypeError, ValueError):
        return False


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
        data = json_body(response)
        code = str(data.get("code", "0")) if data is not None else "0"
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
                problems.append(f"{m.path.name}: Lazada pulls images from a public https URL: "
                                + PUBLIC_URL_HOW)
            if m.size > 3_000_000:
                problems.append(f"{m.path.name}: Lazada images must be at most 3 MB")
        ex = payload.extra
        keys = ("category_id", "price", "stock", "weight_kg")
        if "variants" in ex:
            problems += variant_problems(ex)
            keys = ("category_id", "weight_kg")  # price and stock come per variant
        for key in keys:
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
        variants = payload.extra.get("variants") or []
        if variants:  # the first variant's SKU identifies the product for lookups
            return str(variants[0]["sku"])
        return str(payload.extra.get("sku") or payload.idempotency_key)[:200]

    def publish(self, payload: PostPayload) -> PublishResult:
        problems = self.validate(payload) + self.validate_account()
        if problems:
            raise ChannelError("lazada: " + "; ".join(problems), PERMANENT)
        urls = [self._migrate(m.public_url, m.path.name) for m in payload.media
                if m.mime.startswith("image/")]
        sku_images: dict[str, str] = {}
        for v in payload.extra.get("variants") or []:
            if v.get("image") and v["image"] not in sku_images:
                sku_images[v["image"]] = self._migrate(v["image"], f"SKU {v['sku']}")
        sku = self._sku(payload)
        try:
            data = self.call("POST", "/product/create",
                             {"payload": product_xml(payload, urls, sku, sku_images)},
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

    def _migrate(self, public_url: str, label: str) -> str:
        xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\" ?><Request><Image><Url>"
               f"{escape(public_url)}</Url></Image></Request>")
        data = self.call("POST", "/image/migrate", {"payload": xml},
                         summary=f"image/migrate {label}")
        return data["data"]["image"]["url"]

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
