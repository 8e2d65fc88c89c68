"""Zalo OA article channel against the local Zalo fake."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from studio.publish.channels.base import ChannelError, PostPayload
from studio.publish.channels.zalo import ZaloChannel, pkce_challenge
from tests.fakes.http import image_file
from tests.fakes.zalo import ZaloFake

COVER = "https://media.htxtra.vn/cover.jpg"


@pytest.fixture
def fake():
    with ZaloFake() as f:
        yield f


def make(fake, *, timeout=5.0, **creds):
    credentials = {"access_token": "oa-tok-1", "refresh_token": "oa-ref-1", "app_id": "4301",
                   "secret_key": "sk", **creds}
    return ZaloChannel({"author": "HTX Chè Hà Giang", "oauth_base": fake.base_url},
                       credentials, api_base=fake.base_url, http=httpx.Client(timeout=timeout))


def article(tmp_path, **kw):
    fields = {"post_id": 8, "target_id": 6, "lang": "vi", "title": "Mùa chè shan tuyết 2026",
              "text": "Chè được hái tay trên núi cao.\n\nĐặt hàng qua OA.",
              "link": "https://htxtra.vn", "idempotency_key": "p8t6",
              "media": (image_file(tmp_path, public_url=COVER),), **kw}
    return PostPayload(**fields)


def test_rfc7636_pkce_example():
    # RFC 7636 appendix B: verifier → challenge.
    assert pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == (
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")


def test_create_then_verify_with_exact_requests(fake, tmp_path):
    result = make(fake).publish(article(tmp_path))
    create = fake.calls("/v2.0/article/create")[0]
    assert create.header("access_token") == "oa-tok-1"
    assert create.json() == {
        "type": "normal", "title": "Mùa chè shan tuyết 2026", "author": "HTX Chè Hà Giang",
        "cover": {"cover_type": "photo", "photo_url": COVER, "status": "show"},
        "description": "Chè được hái tay trên núi cao.",
        "body": [{"type": "text", "content": "Chè được hái tay trên núi cao."},
                 {"type": "text", "content": "Đặt hàng qua OA."},
                 {"type": "text", "content": "https://htxtra.vn"}],
        "status": "show", "comment": "show"}
    verify = fake.calls("/v2.0/article/verify")[0].json()
    assert verify == {"token": next(iter(fake.pending))}
    assert result.external_id in fake.articles and result.state == "published"


def test_envelope_errors_map_to_kinds(fake, tmp_path):
    fake.fail("/article/create", {"status": 200, "body": {"error": -32,
                                                          "message": "exceed rate limit"}},
              {"status": 500, "body": "oops"},
              {"status": 200, "body": {"error": -201, "message": "Parameter is invalid"}})
    kinds = []
    for _ in range(3):
        with pytest.raises(ChannelError) as err:
            make(fake).publish(article(tmp_path))
        kinds.append(err.value.kind)
    assert kinds == ["retryable", "retryable", "permanent"] and not fake.articles


def test_verify_timeout_returns_processing_then_status_gets_the_id(fake, tmp_path):
    fake.fail("/article/verify", {"delay": 1.0})
    first = make(fake, timeout=0.4).publish(article(tmp_path))
    assert first.state == "processing" and first.external_id.startswith("token:")
    done = make(fake).status(first.external_id)
    assert done.state == "published" and done.external_id in fake.articles


def test_create_timeout_is_unknown_then_lookup_by_title(fake, tmp_path):
    fake.fail("/article/create", {"delay": 1.0})
    with pytest.raises(ChannelError) as err:
        make(fake, timeout=0.4).publish(article(tmp_path))
    assert err.value.kind == "unknown"
    found = make(fake).lookup(article(tmp_path))
    assert found and found.external_id in fake.articles
    assert make(fake).lookup(article(tmp_path, title="Bài khác")) is None
    with pytest.raises(ChannelError) as err:  # a blind retry would be refused as a duplicate
        make(fake).publish(article(tmp_path))
    assert err.value.kind == "permanent" and len(fake.articles) == 1


def test_expired_token_then_rotating_refresh(fake, tmp_path):
    fake.expire_token()
    channel = make(fake)
    with pytest.raises(ChannelError) as err:
        channel.publish(article(tmp_path))
    assert err.value.kind == "auth" and err.value.platform_code == "-216"
    new = channel.refresh()
    call = fake.calls("/v4/oa/access_token")[0]
    assert call.header("secret_key") == "sk"
    assert call.form() == {"app_id": "4301", "grant_type": "refresh_token",
                           "refresh_token": "oa-ref-1"}
    assert new["refresh_token"] != "oa-ref-1" and new["expires_in"] == 90000
    assert channel.publish(article(tmp_path)).external_id
    with pytest.raises(ChannelError) as err:
        make(fake).refresh()  # oa-ref-1 was spent
    assert err.value.kind == "auth" and "-14014" in str(err.value)


@pytest.mark.parametrize("change, message", [
    ({"title": "t" * 151}, "title is 151 characters"),
    ({"title": ""}, "needs a title"),
    ({"extra": {"author": "a" * 51}}, "author is 51 characters"),
    ({"extra": {"description": "d" * 301}}, "description is 301 characters"),
    ({"media": ()}, "cover photo at a public https URL"),
    ({"text": ""}, "needs body text"),
])
def test_validate_rejects_what_zalo_rejects(fake, tmp_path, change, message):
    bad = article(tmp_path, **change)
    channel = make(fake)
    assert any(message in p for p in channel.validate(bad)), channel.validate(bad)
    with pytest.raises(ChannelError):
        channel.publish(bad)
    assert not fake.requests


def test_big_cover_is_rejected(fake, tmp_path):
    big = image_file(tmp_path, size=1_200_000, public_url=COVER)
    assert any("at most 1 MB" in p for p in make(fake).validate(article(tmp_path,
                                                                        media=(big,))))


def test_pkce_connect_flow(fake):
    channel = make(fake)
    verifier = "v" * 43
    q = dict(parse_qsl(urlsplit(channel.authorize_url("https://studio.example/cb", verifier,
                                                      "st")).query))
    assert q == {"app_id": "4301", "redirect_uri": "https://studio.example/cb",
                 "code_challenge": pkce_challenge(verifier), "state": "st"}
    tokens = channel.exchange_code("auth-code", verifier)
    assert fake.calls("/v4/oa/access_token")[0].form()["code_verifier"] == verifier
    assert tokens["access_token"] in fake.access_tokens
