"""TikTok Shop channel against the local Partner API fake."""

from __future__ import annotations

import hashlib
import hmac
import time

import httpx
import pytest

from studio.publish.channels.base import ChannelError, PostPayload
from studio.publish.channels.tiktokshop import TikTokShopChannel, tts_sign
from tests.fakes.http import image_file
from tests.fakes.tiktokshop import TikTokShopFake

DESCRIPTION = ("Trà shan tuyết cổ thụ Hà Giang, sản phẩm OCOP 4 sao của hợp tác xã. Hộp 100 "
               "gam, pha với nước 90 độ, ủ 3 phút. Bảo quản nơi khô ráo, tránh ánh nắng. Không "
               "dùng cho trẻ dưới 3 tuổi. Hạn dùng 18 tháng kể từ ngày sản xuất.")


@pytest.fixture
def fake():
    with TikTokShopFake() as f:
        yield f


def make(fake, *, timeout=5.0, **creds):
    credentials = {"app_secret": "e59af819cc", "access_token": "tok-1",
                   "refresh_token": "ref-1", **creds}
    return TikTokShopChannel({"app_key": "68xu9ks5p4i8", "auth_base": fake.base_url,
                              "shop_cipher": "ROW_xkMbgAAAeVAQra0eZWebFQq5aIK"}, credentials,
                             api_base=fake.base_url, http=httpx.Client(timeout=timeout))


def payload(tmp_path, **extra):
    fields = {"category_id": 601226, "price": 150000, "stock": 20, "warehouse_id": "7068",
              "weight_kg": 0.2, **extra}
    return PostPayload(post_id=3, target_id=5, lang="vi",
                       title="Trà shan tuyết Hà Giang hộp 100g lá chè cổ thụ",
                       text=DESCRIPTION, media=(image_file(tmp_path),),
                       idempotency_key="post3-target5", extra=fields)


def test_sign_worked_example():
    # The partner guide's sample inputs; digest from
    # `printf %s 'e59af819cc/event/202309/webhooksapp_key...{body}e59af819cc' |
    #  openssl dgst -sha256 -hmac e59af819cc`.
    query = {"app_key": "68xu9ks5p4i8", "shop_cipher": "ROW_xkMbgAAAeVAQra0eZWebFQq5aIK",
             "timestamp": "1696909648", "access_token": "ignored", "sign": "ignored"}
    body = '{"address":"https://partner.tiktokshop.com","event_type":"PACKAGE_UPDATE"}'
    assert tts_sign("e59af819cc", "/event/202309/webhooks", query, body) == (
        "cd0d6268252f4ba293bf7ea4c0a2873bf9beec600d22530638564ab301435f7a")


def test_publish_uploads_images_then_creates_with_idempotency_key(fake, tmp_path):
    result = make(fake).publish(payload(tmp_path))
    upload, create = fake.calls("images/upload")[0], fake.calls("/products", "POST")[0]
    assert "shop_cipher" not in upload.query and upload.multipart()["use_case"][1] == b"MAIN_IMAGE"
    assert create.header("x-tts-access-token") == "tok-1"
    assert "access_token" not in create.query
    assert set(create.query) == {"app_key", "timestamp", "shop_cipher", "sign"}
    body = create.json()
    assert body["idempotency_key"] == "post3-target5" and body["save_mode"] == "LISTING"
    assert body["main_images"] == [{"uri": uri} for uri in fake.images]
    assert body["skus"][0]["price"] == {"amount": "150000", "currency": "VND"}
    assert body["skus"][0]["inventory"] == [{"warehouse_id": "7068", "quantity": 20}]
    assert body["package_weight"] == {"value": "0.2", "unit": "KILOGRAM"}
    assert result.external_id in fake.products and result.state == "processing"
    # the fake verified the body-including signature; prove it checks by tampering
    expected = hmac.new(b"e59af819cc", ("e59af819cc/product/202309/products" + "".join(
        k + create.query[k] for k in sorted(create.query) if k != "sign") + create.body.decode()
        + "e59af819cc").encode(), hashlib.sha256).hexdigest()
    assert create.query["sign"] == expected


def test_bad_secret_is_rejected(fake, tmp_path):
    with pytest.raises(ChannelError) as err:
        make(fake, app_secret="wrong").publish(payload(tmp_path))
    assert err.value.platform_code == "106001" and err.value.kind == "permanent"


def test_stale_timestamp_is_rejected(fake, tmp_path):
    channel = make(fake)
    channel.clock = lambda: time.time() - 900
    with pytest.raises(ChannelError) as err:
        channel.publish(payload(tmp_path))
    assert err.value.platform_code == "106003" and err.value.kind == "permanent"


def test_429_and_500_are_retryable(fake, tmp_path):
    fake.fail("/product/202309/products", {"status": 429, "headers": {"Retry-After": "3"},
                                           "body": {"code": 36009003, "message": "too many"}})
    fake.fail("/product/202309/products", {"status": 500, "body": "oops"})
    channel = make(fake)
    errors = []
    for _ in range(2):
        with pytest.raises(ChannelError) as err:
            channel.publish(payload(tmp_path))
        errors.append((err.value.kind, err.value.retry_after))
    assert errors == [("retryable", 3.0), ("retryable", None)] and not fake.products


def test_timeout_unknown_then_lookup_and_safe_resend(fake, tmp_path):
    fake.fail("/product/202309/products", {"delay": 1.5})
    with pytest.raises(ChannelError) as err:
        make(fake, timeout=0.5).publish(payload(tmp_path))
    assert err.value.kind == "unknown"
    found = make(fake).lookup(payload(tmp_path))
    assert found and found.external_id in fake.products
    assert make(fake).lookup(payload(tmp_path, sku="OTHER-SKU")) is None
    again = make(fake).publish(payload(tmp_path))  # same idempotency_key: same product
    assert again.external_id == found.external_id and len(fake.products) == 1


def test_expired_token_then_rotating_refresh(fake, tmp_path):
    fake.expire_token()
    channel = make(fake)
    with pytest.raises(ChannelError) as err:
        channel.publish(payload(tmp_path))
    assert err.value.kind == "auth" and err.value.platform_code == "105002"
    new = channel.refresh()
    assert new["refresh_token"] != "ref-1" and 7 * 86400 - 60 <= new["expires_in"] <= 7 * 86400
    assert channel.publish(payload(tmp_path)).external_id
    with pytest.raises(ChannelError) as err:
        make(fake).refresh()
    assert err.value.kind == "auth" and "reconnect" in str(err.value)


@pytest.mark.parametrize("change, message", [
    ({"title": "Trà ngon"}, "title must be 25–255"),
    ({"text": "Trà ngon lắm"}, "at least 30 words"),
    ({"media": ()}, "1–9 main images"),
    ({"idempotency_key": "k" * 129}, "1–128 characters"),
    ({"extra": {"price": "free"}}, "price must be a number"),
    ({"extra": {"warehouse_id": ""}}, "needs warehouse_id"),
    ({"extra": {"stock": "20 hộp"}}, "stock must be a whole number"),
])
def test_validate_rejects_what_tiktok_shop_rejects(fake, tmp_path, change, message):
    base = payload(tmp_path)
    fields = dict(change)
    if "extra" in fields:
        fields["extra"] = {**base.extra, **fields["extra"]}
    bad = PostPayload(**{**base.__dict__, **fields})
    channel = make(fake)
    assert any(message in p for p in channel.validate(bad)), channel.validate(bad)
    with pytest.raises(ChannelError):
        channel.publish(bad)
    assert not fake.requests


def test_exchange_code_and_authorize_url(fake):
    channel = make(fake)
    url = channel.authorize_url("svc-1", "st")
    assert url.endswith("/open/authorize?service_id=svc-1&state=st")
    tokens = channel.exchange_code("auth-code-1")
    call = fake.calls("/api/v2/token/get")[0]
    assert call.query["grant_type"] == "authorized_code"
    assert call.query["auth_code"] == "auth-code-1"
    assert tokens["access_token"] in fake.access_tokens
