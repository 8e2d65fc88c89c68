"""Lazada channel against the local Lazada gateway fake."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from studio.publish.channels.base import ChannelError, PostPayload
from studio.publish.channels.lazada import LazadaChannel, lazada_sign
from tests.fakes.http import image_file
from tests.fakes.lazada import LazadaFake


@pytest.fixture
def fake():
    with LazadaFake() as f:
        yield f


def make(fake, *, timeout=5.0, **creds):
    credentials = {"app_secret": "helloworld", "access_token": "tok-1", "refresh_token": "ref-1",
                   **creds}
    return LazadaChannel({"app_key": "123456", "auth_base": fake.base_url + "/rest"},
                         credentials, api_base=fake.base_url + "/rest",
                         http=httpx.Client(timeout=timeout))


def payload(tmp_path, **extra):
    fields = {"category_id": 10002019, "price": 89000, "stock": 12, "weight_kg": 0.3,
              "dimension_cm": (15, 10, 5), **extra}
    img = image_file(tmp_path, public_url="https://cdn.example.vn/tra.jpg")
    return PostPayload(post_id=2, target_id=9, lang="vi", title="Mật ong bạc hà Đồng Văn 500ml",
                       text="Mật ong bạc hà <nguyên chất> & OCOP 4 sao.", media=(img,),
                       idempotency_key="post2-target9", extra=fields)


def test_sign_reproduces_the_docs_example():
    params = {"app_key": "123456", "access_token": "test", "timestamp": "1517820392000",
              "sign_method": "sha256", "order_id": "1234"}
    assert lazada_sign("helloworld", "/order/get", params) == (
        "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A")
    assert lazada_sign("helloworld", "/order/get", {**params, "sign": "X"}) == (
        "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A")


def test_publish_migrates_image_then_creates_product(fake, tmp_path):
    result = make(fake).publish(payload(tmp_path))
    migrate, create = fake.calls("/image/migrate")[0], fake.calls("/product/create")[0]
    assert set(migrate.query) == {"app_key", "sign_method", "timestamp", "access_token", "sign"}
    assert migrate.query["sign"].isupper() and len(migrate.query["timestamp"]) == 13
    product = ET.fromstring(create.form()["payload"]).find("Product")
    assert product.findtext("Attributes/name") == "Mật ong bạc hà Đồng Văn 500ml"
    assert product.findtext("Attributes/description") == (
        "Mật ong bạc hà <nguyên chất> & OCOP 4 sao.")
    assert product.findtext("Skus/Sku/SellerSku") == "post2-target9"
    assert product.findtext("Skus/Sku/price") == "89000"
    assert [i.text for i in product.findall("Images/Image")] == fake.images
    assert result.state == "processing" and result.external_id == str(next(iter(fake.products)))


def test_qc_status_moves_to_published(fake, tmp_path):
    channel = make(fake)
    result = channel.publish(payload(tmp_path))
    assert channel.status(result.external_id).state == "processing"
    fake.qc["post2-target9"] = "approved"
    assert channel.status(result.external_id).state == "published"
    fake.qc["post2-target9"] = "rejected"
    with pytest.raises(ChannelError) as err:
        channel.status(result.external_id)
    assert err.value.kind == "permanent"


def test_bad_secret_gets_incomplete_signature(fake, tmp_path):
    with pytest.raises(ChannelError) as err:
        make(fake, app_secret="wrong").publish(payload(tmp_path))
    assert err.value.platform_code == "IncompleteSignature" and err.value.kind == "permanent"


def test_throttle_and_server_errors_are_retryable(fake, tmp_path):
    fake.fail("/product/create", {"status": 200, "body": {"code": "E901", "type": "ISP",
                                                         "message": "throttled",
                                                         "request_id": "x"}})
    fake.fail("/product/create", {"status": 502, "body": "bad gateway"})
    channel = make(fake)
    for _ in range(2):
        with pytest.raises(ChannelError) as err:
            channel.publish(payload(tmp_path))
        assert err.value.kind == "retryable"
    assert not fake.products


def test_timeout_unknown_then_lookup_and_duplicate_sku(fake, tmp_path):
    fake.fail("/product/create", {"delay": 1.5})
    with pytest.raises(ChannelError) as err:
        make(fake, timeout=0.5).publish(payload(tmp_path))
    assert err.value.kind == "unknown"
    found = make(fake).lookup(payload(tmp_path))
    assert found and found.external_id == str(next(iter(fake.products)))
    assert make(fake).lookup(payload(tmp_path, sku="OTHER-SKU")) is None
    again = make(fake).publish(payload(tmp_path))  # 4105 duplicate SellerSku → same product
    assert again.external_id == found.external_id and len(fake.products) == 1


def test_expired_token_then_rotating_refresh(fake, tmp_path):
    fake.expire_token()
    channel = make(fake)
    with pytest.raises(ChannelError) as err:
        channel.publish(payload(tmp_path))
    assert err.value.kind == "auth"
    new = channel.refresh()
    assert new["refresh_token"] != "ref-1" and new["expires_in"] == 604800
    assert channel.publish(payload(tmp_path)).external_id
    with pytest.raises(ChannelError) as err:
        make(fake).refresh()  # the spent refresh token
    assert err.value.kind == "auth" and "reconnect" in str(err.value)


@pytest.mark.parametrize("change, message", [
    ({"title": ""}, "needs a product name"),
    ({"title": "x" * 256}, "at most 255"),
    ({"media": ()}, "1–8 product images"),
    ({"public_url": ""}, "public https URL"),
    ({"extra": {"price": -5}}, "valid price"),
    ({"extra": {"category_id": None}}, "valid category_id"),
    ({"extra": {"category_id": "1.5"}}, "valid category_id"),
    ({"extra": {"stock": "many"}}, "valid stock"),
])
def test_validate_rejects_what_lazada_rejects(fake, tmp_path, change, message):
    base = payload(tmp_path)
    fields = dict(change)
    if "extra" in fields:
        fields["extra"] = {**base.extra, **fields["extra"]}
    if "public_url" in fields:
        fields = {"media": (image_file(tmp_path, public_url=fields["public_url"]),)}
    bad = PostPayload(**{**base.__dict__, **fields})
    channel = make(fake)
    assert any(message in p for p in channel.validate(bad)), channel.validate(bad)
    with pytest.raises(ChannelError):
        channel.publish(bad)
    assert not fake.requests


def test_authorize_url():
    channel = LazadaChannel({"app_key": "123456"}, {"app_secret": "s", "access_token": "t"})
    parts = urlsplit(channel.authorize_url("https://studio.example/cb", "st"))
    assert parts.netloc == "auth.lazada.com" and parts.path == "/oauth/authorize"
    assert dict(parse_qsl(parts.query)) == {"response_type": "code", "force_auth": "true",
                                            "redirect_uri": "https://studio.example/cb",
                                            "client_id": "123456", "state": "st"}


def test_exchange_code_is_signed_without_access_token(fake):
    tokens = make(fake).exchange_code("auth-code")
    call = fake.calls("/auth/token/create")[0]
    assert "access_token" not in call.query and call.form() == {"code": "auth-code"}
    assert tokens == {"access_token": "tok-new", "expires_in": 604800,
                      "refresh_token": "ref-new"}
    with pytest.raises(ChannelError) as err:
        make(fake).exchange_code("bad")
    assert err.value.kind == "permanent" and err.value.platform_code == "InvalidCode"
