"""Account options of the eight platform channels: a bad value gives a message that says how to
fix it, and publish refuses before sending anything."""

from __future__ import annotations

import pytest

from studio.publish.channels import channel_class
from studio.publish.channels.base import ChannelError, PostPayload

GOOD = {
    "facebook": ({"page_id": "123"}, {"access_token": "t"}),
    "instagram": ({"ig_user_id": "178"}, {"access_token": "t"}),
    "tiktok": ({}, {"access_token": "t"}),
    "youtube": ({}, {"access_token": "t"}),
    "zalo": ({}, {"access_token": "t"}),
    "shopee": ({"partner_id": "2001887", "shop_id": "14701711"},
               {"partner_key": "k", "access_token": "t"}),
    "lazada": ({"app_key": "123456"}, {"app_secret": "s", "access_token": "t"}),
    "tiktokshop": ({"app_key": "ak", "shop_cipher": "c"}, {"app_secret": "s",
                                                           "access_token": "t"}),
}

BAD = [
    ("facebook", "page_id", "my page"), ("facebook", "video_format", "story"),
    ("instagram", "max_polls", "many"), ("instagram", "poll_interval_s", "-1"),
    ("tiktok", "privacy_level", "PUBLIC"), ("tiktok", "chunk_size", "ten"),
    ("youtube", "privacy_status", "friends"), ("youtube", "chunk_size", "300000"),
    ("youtube", "token_url", "oauth2.googleapis.com/token"),
    ("zalo", "oauth_base", "ftp://x"), ("shopee", "shop_id", "shop-1"),
    ("lazada", "api_base", "api.lazada.vn"), ("tiktokshop", "auth_base", "localhost"),
    ("facebook", "api_base", "graph.facebook.com"),
]


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_good_options_pass_and_missing_credentials_are_named(kind):
    options, credentials = GOOD[kind]
    cls = channel_class(kind)
    assert cls(options, credentials).validate_account() == []
    missing = cls(options, {}).validate_account()
    assert missing and all(p.startswith("missing ") for p in missing)


@pytest.mark.parametrize("kind, name, value", BAD)
def test_bad_option_value_is_explained_and_blocks_publish(kind, name, value, tmp_path):
    options, credentials = GOOD[kind]
    channel = channel_class(kind)({**options, name: value}, credentials,
                                  api_base="http://127.0.0.1:9")
    problems = channel.validate_account()
    assert any(name in p and repr(value) in p for p in problems), problems
    payload = PostPayload(post_id=1, target_id=1, lang="vi", text="x", idempotency_key="k")
    with pytest.raises(ChannelError) as err:
        channel.publish(payload)  # port 9 would refuse: proves nothing was sent
    assert err.value.kind == "permanent" and name in str(err.value)


def test_connect_files_each_field_where_the_channel_reads_it(session, ws):
    """OAuth client ids go with the secrets; addresses stay options even with "token" in them."""
    from studio.publish import credentials
    from studio.publish.accounts import add_account

    yt = add_account(session, ws, "youtube", "Kênh", {
        "access_token": "ya29.a", "refresh_token": "1//r", "client_id": "cid",
        "client_secret": "csec", "token_url": "https://oauth2.example/token"})
    tt = add_account(session, ws, "tiktok", "Shop", {
        "access_token": "act", "refresh_token": "rft", "client_key": "ck", "client_secret": "cs"})
    assert yt.options == {"token_url": "https://oauth2.example/token"}
    assert set(credentials.decrypt(yt.credentials_enc)) == {
        "access_token", "refresh_token", "client_id", "client_secret"}
    assert tt.options == {}
    assert set(credentials.decrypt(tt.credentials_enc)) == {
        "access_token", "refresh_token", "client_key", "client_secret"}
