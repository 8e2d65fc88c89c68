"""A local Lazada Open Platform gateway (``/rest``) and auth host for tests.

Checks the system parameters (``app_key``, ``timestamp`` in milliseconds within 5 minutes,
``sign_method=sha256``, ``access_token`` where the API needs one), recomputes the signature with
its own code over query + form parameters and rejects a mismatch with ``IncompleteSignature``,
parses the XML ``payload`` of ``/image/migrate`` and ``/product/create`` and checks the fields the
CreateProduct reference marks required. A SellerSku that exists answers ``4105``. Refresh
tokens rotate and a spent one answers ``IllegalRefreshToken``. Answers use the documented
envelope ``{"code": "0"|..., "type", "message", "request_id", "data"}``.

Variants: a ``<variation>`` block and several ``<Sku>`` with ``<saleProp>`` are checked against the
error list of Lazada's product-variation notes for CreateProduct (VARIATION_SIZE_LIMIT,
VARIATION_NAME_LENGTH_LIMIT, OPTIONS_SIZE_LIMIT, VARIATION_OPTION_LENGTH_LIMIT,
VARIATION_IMAGE_MUST_SET_VARIATION1, VARIATION_CATEGORY_ATTRIBUTE_INVALID for a non-custom name
outside this fake category's ``color_family``/``size``, VARIATION_CATEGORY_SIZE_IMAGE,
SKU_VARIATION_NAME_MISSING, SKU_VARIATION_OPTION_NOT_EXIST, SALE_PROPS_DUPLICATE,
SKU_VARIATION_IMAGES_MISSING, VARIATION_IMAGE_SETTING_ERROR); several SKUs without a variation
block answer VARIATION_EMPTY. SKU images must be migrated too.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import uuid
import xml.etree.ElementTree as ET

from tests.fakes.http import FakePlatform, Reply, Req

NO_TOKEN = {"/rest/auth/token/refresh", "/rest/auth/token/create"}


def err(code: str, message: str, status: int = 200, type_: str = "ISV") -> Reply:
    return Reply(status, {"code": code, "type": type_, "message": message,
                          "request_id": uuid.uuid4().hex[:26]})


def ok(data) -> Reply:
    return Reply(200, {"code": "0", "data": data, "request_id": uuid.uuid4().hex[:26]})


class LazadaFake(FakePlatform):
    def __init__(self, app_key: str = "123456", app_secret: str = "helloworld",
                 access_token: str = "tok-1", refresh_token: str = "ref-1") -> None:
        super().__init__()
        self.app_key, self.app_secret = app_key, app_secret
        self.access_tokens, self.refresh_tokens = {access_token}, {refresh_token}
        self.images: list[str] = []
        self.products: dict[int, dict] = {}
        self.qc: dict[str, str] = {}
        self._ids = itertools.count(2_100_000_001)

    def expire_token(self) -> None:
        self.access_tokens.clear()

    def _expected_sign(self, api: str, params: dict[str, str]) -> str:
        pieces = [api]
        for key in sorted(params):
            if key != "sign":
                pieces.append(key + params[key])
        digest = hmac.new(self.app_secret.encode("utf-8"), "".join(pieces).encode("utf-8"),
                          hashlib.sha256)
        return digest.hexdigest().upper()

    def handle(self, req: Req) -> Reply:
        if not req.path.startswith("/rest/"):
            return err("InvalidApi", "no such API", 404)
        api = req.path[len("/rest"):]
        params = dict(req.query)
        if req.method == "POST" and req.body:
            if "application/x-www-form-urlencoded" not in req.header("content-type"):
                return err("InvalidParameter", "form body expected")
            params.update(req.form())
        for key in ("app_key", "timestamp", "sign_method", "sign"):
            if not params.get(key):
                return err("MissingParameter", f"The input parameter \"{key}\" is missing")
        if params["app_key"] != self.app_key:
            return err("InvalidAppKey", "Invalid app key")
        ts = params["timestamp"]
        if not ts.isdigit() or len(ts) != 13 or abs(int(ts) / 1000 - time.time()) > 300:
            return err("InvalidTimestamp", "Invalid timestamp: milliseconds, within 5 minutes")
        if params["sign_method"] != "sha256" or params["sign"] != self._expected_sign(api,
                                                                                   params):
            return err("IncompleteSignature",
                       "The request signature does not conform to lazada standards")
        if req.path not in NO_TOKEN and params.get("access_token") not in self.access_tokens:
            return err("IllegalAccessToken", "The specified access token is invalid or expired")
        route = {"/image/migrate": self._migrate, "/product/create": self._create,
                 "/product/qc/status/get": self._qc, "/products/get": self._products,
                 "/product/item/get": self._item, "/auth/token/refresh": self._refresh,
                 "/auth/token/create": self._create_token}
        if api not in route:
            return err("InvalidApi", f"no such API {api}", 404)
        return route[api](params)

    def _migrate(self, p: dict) -> Reply:
        try:
            url = ET.fromstring(p["payload"]).findtext("Image/Url") or ""
        except (KeyError, ET.ParseError):
            return err("InvalidParameter", "payload must be <Request><Image><Url>")
        if not url.startswith("https://"):
            return err("InvalidParameter", "image Url must be a public https URL")
        new = f"https://vn-live.slatic.net/p/{uuid.uuid4().hex}.jpg"
        self.images.append(new)
        return ok({"image": {"url": new, "hash_code": uuid.uuid4().hex}})

    def _create(self, p: dict) -> Reply:
        try:
            product = ET.fromstring(p["payload"]).find("Product")
        except (KeyError, ET.ParseError):
            return err("InvalidParameter", "payload must be XML <Request><Product>")
        if product is None:
            return err("InvalidParameter", "payload needs <Product>")
        need = ["PrimaryCategory", "Attributes/name", "Attributes/description",
                "Attributes/brand", "Skus/Sku/SellerSku", "Skus/Sku/quantity",
                "Skus/Sku/price", "Skus/Sku/package_weight", "Skus/Sku/package_length",
                "Skus/Sku/package_width", "Skus/Sku/package_height"]
        missing = [n for n in need if not (product.findtext(n) or "").strip()]
        if missing:
            return err("InvalidParameter", f"missing {', '.join(missing)}")
        images = [i.text for i in product.findall("Images/Image")]
        images += [i.text for i in product.findall("Skus/Sku/Images/Image")]
        if not images or any(i not in self.images for i in images):
            return err("InvalidParameter", "Images must be migrated with /image/migrate first")
        skus = [sku.findtext("SellerSku") for sku in product.findall("Skus/Sku")]
        for sku_el in product.findall("Skus/Sku"):
            missing = [n for n in need[4:] if not (sku_el.findtext(n.split("/")[-1]) or "")
                       .strip()]
            if missing:
                return err("InvalidParameter", f"missing {', '.join(missing)}")
        problem = self._variation_problem(product)
        if problem:
            return problem
        taken = [s for s in skus if any(s in pr["skus"] for pr in self.products.values())]
        if taken or len(set(skus)) != len(skus):
            return err("4105", f"SellerSku {(taken or skus)[0]} already exists")
        item_id = next(self._ids)
        self.products[item_id] = {"sku": skus[0], "skus": skus,
                                  "name": product.findtext("Attributes/name")}
        for sku in skus:
            self.qc[sku] = "pending"
        return ok({"item_id": item_id, "sku_list": [
            {"seller_sku": sku, "shop_sku": f"{item_id}_VNAMZ-{n}", "sku_id": item_id + 7 + n}
            for n, sku in enumerate(skus)]})

    def _variation_problem(self, product) -> Reply | None:
        """The first variation error Lazada would answer, or None."""
        skus = product.findall("Skus/Sku")
        block = product.find("variation")
        declared = [] if block is None else list(block)
        if not declared:
            return err("VARIATION_EMPTY", "The Variation is Empty") if len(skus) > 1 else None
        if len(declared) > 2:
            return err("VARIATION_SIZE_LIMIT", "The Variations Size Exceeds Maximum Size Limit, "
                       "The Size Limit is: 2.")
        names, options, images = [], {}, {}
        for i, node in enumerate(declared, 1):
            name = (node.findtext("name") or "").strip()
            values = [o.text or "" for o in node.findall("options/option")]
            if not name:
                return err("VARIATION_NAME_EMPTY", f"The Variation Name is Empty, The "
                           f"Variation Node is: {node.tag}")
            if len(name) > 15:
                return err("VARIATION_NAME_LENGTH_LIMIT", f"The Length Limit is: 15, The Name "
                           f"is: {name}")
            if name in names:
                return err("VARIATION_NAME_DUPLICATE", f"The Duplicate Name is: {name}")
            if not values:
                return err("VARIATION_OPTIONS_EMPTY", f"The Variation Node is: {node.tag}")
            if len(values) > 50:
                return err("OPTIONS_SIZE_LIMIT", f"The Size Limit is: 50, The Name is: {name}")
            if any(not v.strip() for v in values):
                return err("VARIATION_OPTION_EMPTY", f"The Variation Node is: {node.tag}")
            if any(len(v) > 20 for v in values):
                return err("VARIATION_OPTION_LENGTH_LIMIT", "The Length Limit is: 20")
            if len(set(values)) != len(values):
                return err("VARIATION_OPTION_DUPLICATE", f"The Variation Node is: {node.tag}")
            has_image = node.findtext("hasImage") == "true"
            if has_image and i != 1:
                return err("VARIATION_IMAGE_MUST_SET_VARIATION1", "Only Variation1 Can set "
                           f"hasImage to true, The Variation Node is: {node.tag}")
            if has_image and name == "size":
                return err("VARIATION_CATEGORY_SIZE_IMAGE", "When size is passed in as a "
                           "standard category attribute, it is not allowed to set hasImage true.")
            if node.findtext("customize") != "true" and name not in ("color_family", "size"):
                return err("VARIATION_CATEGORY_ATTRIBUTE_INVALID", f"This attribute {name} is "
                           "not found in the category attribute library.")
            names.append(name)
            options[name], images[name] = values, has_image
        return self._sku_props_problem(skus, names, options, images[names[0]])

    @staticmethod
    def _sku_props_problem(skus, names, options, has_image) -> Reply | None:
        combos = {}
        for sku in skus:
            seller_sku = sku.findtext("SellerSku")
            props = {p.tag: p.text or "" for p in sku.findall("saleProp/*")}
            for name in names:
                if name not in props:
                    return err("SKU_VARIATION_NAME_MISSING", f"The SellerSKU is: {seller_sku}, "
                               f"The Missing SKU Variation Name is: {name}")
                if props[name] not in options[name]:
                    return err("SKU_VARIATION_OPTION_NOT_EXIST", f"The SellerSKU is: "
                               f"{seller_sku}, The SKU Variation Option is: {props[name]}")
            combo = tuple(props[n] for n in names)
            if combo in combos:
                return err("SALE_PROPS_DUPLICATE", f"Sale props is duplicate between sellerSku: "
                           f"{combos[combo]} and sellerSku: {seller_sku}")
            combos[combo] = seller_sku
            sku_images = sku.findall("Images/Image")
            if has_image and not sku_images:
                return err("SKU_VARIATION_IMAGES_MISSING", "The Variation set hasImage true, But "
                           f"The SKU Not Found Images. The SellerSKU is: {seller_sku}")
            if sku_images and not has_image:
                return err("VARIATION_IMAGE_SETTING_ERROR", "There is No HasImage Set, But Images "
                           f"Are Found In The SKU: {seller_sku}")
        return None

    def _qc(self, p: dict) -> Reply:
        skus = json.loads(p.get("seller_skus", "[]"))
        return ok([{"seller_sku": s, "status": self.qc[s], "reason": ""}
                   for s in skus if s in self.qc])

    def _item(self, p: dict) -> Reply:
        product = self.products.get(int(p.get("item_id", 0)))
        if not product:
            return err("208", "Product not found")
        return ok({"item_id": int(p["item_id"]),
                   "skus": [{"SellerSku": sku} for sku in product["skus"]]})

    def _products(self, p: dict) -> Reply:
        wanted = set(json.loads(p.get("sku_seller_list", "[]")))
        found = [{"item_id": i, "skus": [{"SellerSku": sku} for sku in pr["skus"]]}
                 for i, pr in self.products.items() if wanted & set(pr["skus"])]
        return ok({"total_products": len(found), "products": found})

    def _refresh(self, p: dict) -> Reply:
        token = p.get("refresh_token", "")
        if token not in self.refresh_tokens:
            return err("IllegalRefreshToken", "refresh token is invalid or used")
        self.refresh_tokens.discard(token)
        access, refresh = "tok-" + uuid.uuid4().hex[:8], "ref-" + uuid.uuid4().hex[:8]
        self.access_tokens, self.refresh_tokens = {access}, {refresh}
        return Reply(200, {"code": "0", "access_token": access, "refresh_token": refresh,
                           "expires_in": 604800, "refresh_expires_in": 2592000,
                           "country": "vn", "request_id": uuid.uuid4().hex[:26]})

    def _create_token(self, p: dict) -> Reply:
        if p.get("code") != "auth-code":
            return err("InvalidCode", "Invalid authorization code")
        self.refresh_tokens.add("ref-new")
        self.access_tokens.add("tok-new")
        return Reply(200, {"code": "0", "access_token": "tok-new", "refresh_token": "ref-new",
                           "expires_in": 604800, "country": "vn",
                           "request_id": uuid.uuid4().hex[:26]})
