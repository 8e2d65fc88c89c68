"""Shopee channel against the local Shopee Open Platform fake."""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from studio.publish.channels.base import ChannelError, PostPayload
from studio.publish.channels.shopee import ShopeeChannel, shopee_sign
from tests.fakes.http import image_file
from tests.fakes.shopee import ShopeeFake


@pytest.fixture
def fake():
    with ShopeeFake() as f:
        yield f


def make(fake, *, timeout=5.0, **creds):
    credentials = {"partner_key": "test-partner-key", "access_token": "tok-1",
                   "refresh_token": "ref-1", **creds}
    return ShopeeChannel({"partner_id": 2001887, "shop_id": 14701711}, credentials,
                         api_base=fake.base_url, http=httpx.Client(timeout=timeout))


def payload(tmp_path, **extra):
    fields = {"category_id": 100644, "price": 125000, "stock": 30, "weight_kg": 0.5,
              "dimension_cm": (20, 10, 8), "logistic_ids": [50011], **extra}
    return PostPayload(post_id=1, target_id=7, lang="vi", title="Trà shan tuyết Hà Giang 100g",
                       text="Trà shan tuyết cổ thụ, OCOP 4 sao, hộp 100g.",
                       media=(image_file(tmp_path),), idempotency_key="post1-target7",
                       extra=fields)


def test_sign_matches_docs_base_string_and_independent_hmac():
    # Base string from the Shopee "API calls" guide; digest computed with
    # `printf %s BASE | openssl dgst -sha256 -hmac test-partner-key`.
    sign = shopee_sign("test-partner-key", 2001887, "/api/v2/shop/get_shop_info", 1655714431,
                       "59777174636562737266615546704c6d", 14701711)
    assert sign == "faf4a60d51e5807794fd37d18f605d4e8d1370ba96d66245e23d22c77cb6f090"
    public = shopee_sign("k", 2001887, "/api/v2/public/get_shops_by_partner", 1655714431)
    assert public == hmac.new(b"k", b"2001887/api/v2/public/get_shops_by_partner1655714431",
                              hashlib.sha256).hexdigest()


def test_publish_uploads_image_then_adds_item_with_exact_fields(fake, tmp_path):
    result = make(fake).publish(payload(tmp_path))
    upload, add = fake.calls("upload_image")[0], fake.calls("add_item")[0]
    assert set(upload.query) == {"partner_id", "timestamp", "sign"}  # a Public-signed call
    assert upload.multipart()["image"][1] == (tmp_path / "photo.jpg").read_bytes()
    assert set(add.query) == {"partner_id", "timestamp", "access_token", "shop_id", "sign"}
    body = add.json()
    assert body["item_name"] == "Trà shan tuyết Hà Giang 100g"
    assert body["original_price"] == 125000.0 and body["seller_stock"] == [{"stock": 30}]
    assert body["dimension"] == {"package_length": 20, "package_width": 10,
                                 "package_height": 8}
    assert body["image"]["image_id_list"] == list(fake.images)
    assert body["logistic_info"] == [{"logistic_id": 50011, "enabled": True}]
    assert body["item_sku"] == "post1-target7"
    assert result.external_id in {str(i) for i in fake.items}
    assert result.url == f"https://shopee.vn/product/14701711/{result.external_id}"


def test_wrong_partner_key_is_rejected_by_the_fake(fake, tmp_path):
    with pytest.raises(ChannelError) as err:
        make(fake, partner_key="not-the-key").publish(payload(tmp_path))
    assert err.value.kind == "permanent" and err.value.platform_code == "error_sign"
    assert not fake.items


def test_stale_timestamp_is_rejected(fake, tmp_path):
    channel = make(fake)
    channel.clock = lambda: time.time() - 600
    with pytest.raises(ChannelError) as err:
        channel.publish(payload(tmp_path))
    assert "timestamp" in str(err.value).lower() and err.value.kind == "permanent"


def test_rate_limit_and_server_error_are_retryable(fake, tmp_path):
    fake.fail("add_item", {"status": 429, "headers": {"Retry-After": "12"},
                           "body": {"error": "error_too_many_request", "message": "slow down",
                                    "request_id": "r1"}})
    fake.fail("add_item", {"status": 500, "body": {"error": "error_server",
                                                   "message": "internal", "request_id": "r2"}})
    channel = make(fake)
    for expected_retry in (12.0, None):
        with pytest.raises(ChannelError) as err:
            channel.publish(payload(tmp_path))
        assert err.value.kind == "retryable" and err.value.retry_after == expected_retry
    assert not fake.items
    assert channel.publish(payload(tmp_path)).external_id


def test_timeout_is_unknown_then_lookup_finds_the_item(fake, tmp_path):
    fake.fail("add_item", {"delay": 1.5})
    channel = make(fake, timeout=0.5)
    with pytest.raises(ChannelError) as err:
        channel.publish(payload(tmp_path))
    assert err.value.kind == "unknown"
    found = make(fake).lookup(payload(tmp_path))
    assert found is not None and found.external_id == str(next(iter(fake.items)))
    assert make(fake).lookup(payload(tmp_path, sku="OTHER-SKU")) is None


def test_duplicate_sku_resolves_to_the_existing_item(fake, tmp_path):
    first = make(fake).publish(payload(tmp_path))
    second = make(fake).publish(payload(tmp_path))
    assert second.external_id == first.external_id and len(fake.items) == 1
    assert fake.calls("get_item_base_info")


def test_expired_token_then_rotating_refresh(fake, tmp_path):
    fake.expire_token()
    channel = make(fake)
    with pytest.raises(ChannelError) as err:
        channel.publish(payload(tmp_path))
    assert err.value.kind == "auth"
    new = channel.refresh()
    assert new["refresh_token"] != "ref-1" and new["access_token"] and new["expires_in"] == 14400
    assert channel.publish(payload(tmp_path)).external_id
    stale = make(fake)  # still holds the spent refresh token
    with pytest.raises(ChannelError) as err:
        stale.refresh()
    assert err.value.kind == "auth" and "reconnect" in str(err.value)


@pytest.mark.parametrize("change, message", [
    ({"title": "Trà"}, "item name must be 10–120"),
    ({"title": "T" * 121}, "item name must be 10–120"),
    ({"text": "ngắn"}, "description must be 10–3000"),
    ({"media": ()}, "1–9 product images"),
    ({"extra": {"price": 0}}, "price must be a number greater than 0"),
    ({"extra": {"price": "abc"}}, "price must be a number"),
    ({"extra": {"category_id": None}}, "needs category_id"),
    ({"extra": {"category_id": "trà"}}, "category_id must be a whole number"),
    ({"extra": {"stock": 2.5}}, "stock must be a whole number"),
    ({"extra": {"logistic_ids": ["GHN"]}}, "logistic_ids must be channel ids"),
])
def test_validate_rejects_what_shopee_rejects(fake, tmp_path, change, message):
    base = payload(tmp_path)
    fields = dict(change)
    if "extra" in fields:
        fields["extra"] = {**base.extra, **fields["extra"]}
    bad = PostPayload(**{**base.__dict__, **fields})
    channel = make(fake)
    assert any(message in p for p in channel.validate(bad)), channel.validate(bad)
    with pytest.raises(ChannelError) as err:
        channel.publish(bad)
    assert err.value.kind == "permanent" and not fake.requests


def test_authorize_url_is_signed_for_the_public_path(fake):
    url = make(fake).authorize_url("https://studio.example/cb")
    parts = urlsplit(url)
    q = dict(parse_qsl(parts.query))
    assert parts.path == "/api/v2/shop/auth_partner" and q["redirect"] == "https://studio.example/cb"
    base = f"2001887/api/v2/shop/auth_partner{q['timestamp']}".encode()
    assert q["sign"] == hmac.new(b"test-partner-key", base, hashlib.sha256).hexdigest()


def test_exchange_code_gets_the_first_token_pair(fake):
    tokens = make(fake).exchange_code("auth-code", 14701711)
    call = fake.calls("/api/v2/auth/token/get")[0]
    assert set(call.query) == {"partner_id", "timestamp", "sign"}
    assert call.json() == {"code": "auth-code", "shop_id": 14701711, "partner_id": 2001887}
    assert tokens["access_token"] in fake.access_tokens and tokens["expires_in"] == 14400
    with pytest.raises(ChannelError) as err:
        make(fake).exchange_code("stale-code", 14701711)
    assert err.value.kind == "permanent"
