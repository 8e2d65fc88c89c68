"""TikTok Content Posting channel against the local fake."""

from __future__ import annotations

import httpx
import pytest

from studio.publish.channels.base import ChannelError, PostPayload
from studio.publish.channels.tiktok import MB, TikTokChannel, chunk_ranges, plan_chunks
from tests.fakes.http import video_file
from tests.fakes.tiktok import TikTokFake

SMALL = {"min_chunk_size": 64 * 1024, "max_chunk_size": 128 * 1024, "chunk_size": 100_000,
         "poll_interval_s": 0}


@pytest.fixture
def fake():
    with TikTokFake(min_chunk=64 * 1024, max_chunk=128 * 1024) as f:
        yield f


def make(fake, *, timeout=5.0, options=None, **creds):
    credentials = {"access_token": "act-1", "refresh_token": "rft-1", "client_key": "ck",
                   "client_secret": "cs", **creds}
    return TikTokChannel({**SMALL, **(options or {})}, credentials, api_base=fake.base_url,
                         http=httpx.Client(timeout=timeout))


def payload(tmp_path, size=350_000, **kw):
    fields = {"post_id": 4, "target_id": 2, "lang": "vi", "text": "Thu hoạch chè shan tuyết",
              "hashtags": ("ocop", "#hagiang"), "media": (video_file(tmp_path, size),),
              "idempotency_key": "p4t2", **kw}
    return PostPayload(**fields)


@pytest.mark.parametrize("size, chunk, expected", [
    (3 * MB, 10 * MB, (3 * MB, 1)),                 # under 5 MB: whole
    (50 * MB, 10 * MB, (10 * MB, 5)),
    (57 * MB, 10 * MB, (10 * MB, 5)),               # floor: the last chunk takes 17 MB
    (100 * MB, 2 * MB, (5 * MB, 20)),               # raised to the 5 MB minimum
    (300 * MB, 100 * MB, (64 * MB, 4)),             # capped at 64 MB; last 108 MB ≤ 128 MB
])
def test_plan_chunks_follows_the_media_transfer_rules(size, chunk, expected):
    assert plan_chunks(size, chunk) == expected
    c, n = plan_chunks(size, chunk)
    ranges = chunk_ranges(size, c, n)
    assert ranges[0][0] == 0 and ranges[-1][1] == size - 1 and len(ranges) == n
    assert ranges[-1][1] - ranges[-1][0] + 1 <= 128 * MB


def test_publish_direct_post_with_exact_requests(fake, tmp_path):
    p = payload(tmp_path)
    result = make(fake).publish(p)
    init = fake.calls("/video/init/")[0].json()
    assert init["post_info"] == {"title": "Thu hoạch chè shan tuyết #ocop #hagiang",
                                 "privacy_level": "SELF_ONLY", "disable_comment": False,
                                 "disable_duet": True, "disable_stitch": True}
    assert init["source_info"] == {"source": "FILE_UPLOAD", "video_size": 350_000,
                                   "chunk_size": 100_000, "total_chunk_count": 3}
    puts = fake.calls("/upload/", "PUT")
    assert [r.header("content-range") for r in puts] == [
        "bytes 0-99999/350000", "bytes 100000-199999/350000", "bytes 200000-349999/350000"]
    upload = next(iter(fake.uploads.values()))
    assert bytes(upload["data"]) == p.media[0].path.read_bytes()
    assert result.state == "published" and result.url.endswith("/video/7300000000000000001")
    assert fake.calls("/status/fetch/")  # polled through PROCESSING_UPLOAD


def test_small_video_goes_whole(fake, tmp_path):
    make(fake).publish(payload(tmp_path, size=50_000))
    assert [r.header("content-range") for r in fake.calls("/upload/", "PUT")] == [
        "bytes 0-49999/50000"]


def test_public_privacy_refused_for_unaudited_app(fake, tmp_path):
    with pytest.raises(ChannelError) as err:
        make(fake, options={"privacy_level": "PUBLIC_TO_EVERYONE"}).publish(payload(tmp_path))
    assert err.value.kind == "permanent"
    assert err.value.platform_code == "unaudited_client_can_only_post_to_private_accounts"
    fake.privacy_options = ["SELF_ONLY"]
    with pytest.raises(ChannelError) as err:
        make(fake, options={"privacy_level": "FOLLOWER_OF_CREATOR"}).publish(payload(tmp_path))
    assert "not allowed for this creator" in str(err.value) and not fake.uploads
    with pytest.raises(ChannelError) as err:
        make(fake, options={"privacy_level": "FRIENDS"}).publish(payload(tmp_path))
    assert "option privacy_level must be one of" in str(err.value)


def test_rate_limit_429_and_500_are_retryable(fake, tmp_path):
    fake.fail("/video/init/", {"status": 429, "headers": {"Retry-After": "60"}, "body": {
        "error": {"code": "rate_limit_exceeded", "message": "slow", "log_id": "x"}}})
    fake.fail("/video/init/", {"status": 500, "body": {"error": {"code": "internal_error",
                                                                 "message": "", "log_id": "y"}}})
    channel = make(fake)
    for retry in (60.0, None):
        with pytest.raises(ChannelError) as err:
            channel.publish(payload(tmp_path))
        assert err.value.kind == "retryable" and err.value.retry_after == retry
    assert not fake.uploads


def test_fake_rejects_out_of_order_chunks(fake, tmp_path):
    channel = make(fake)
    p = payload(tmp_path)
    channel.publish(p)
    upload_url = f"{fake.base_url}/upload/?upload_id=" + next(iter(fake.uploads))
    with pytest.raises(ChannelError) as err:  # a chunk after the upload finished
        channel.request("PUT", upload_url, content=b"x" * 10,
                        headers={"Content-Type": "video/mp4", "Content-Range": "bytes 0-9/350000"})
    assert err.value.status == 416 and err.value.kind == "permanent"


def test_status_poll_timeout_returns_processing_then_status_settles(fake, tmp_path):
    fake.fail("/status/fetch/", {"delay": 1.0}, {"delay": 1.0})
    channel = make(fake, timeout=0.4, options={"max_polls": 2})
    result = channel.publish(payload(tmp_path))
    assert result.state == "processing" and result.external_id in fake.uploads
    settled = make(fake).lookup(payload(tmp_path), result.external_id)
    assert settled.state == "published" and settled.url.endswith("7300000000000000001")


def test_timeout_during_upload_is_unknown_and_untraceable_without_publish_id(fake, tmp_path):
    fake.fail("/upload/", {"delay": 1.0})
    with pytest.raises(ChannelError) as err:
        make(fake, timeout=0.4).publish(payload(tmp_path))
    assert err.value.kind == "unknown"
    with pytest.raises(ChannelError) as err:
        make(fake).lookup(payload(tmp_path))
    assert err.value.kind == "unknown" and "publish_id" in str(err.value)


def test_failed_publish_is_permanent(fake, tmp_path):
    fake.fail_reason = "duration_check_failed"
    with pytest.raises(ChannelError) as err:
        make(fake).publish(payload(tmp_path))
    assert err.value.kind == "permanent" and err.value.platform_code == "duration_check_failed"


def test_expired_token_then_rotating_refresh(fake, tmp_path):
    fake.expire_token()
    channel = make(fake)
    with pytest.raises(ChannelError) as err:
        channel.publish(payload(tmp_path))
    assert err.value.kind == "auth" and err.value.platform_code == "access_token_invalid"
    new = channel.refresh()
    sent = fake.calls("/v2/oauth/token/")[0].form()
    assert sent == {"client_key": "ck", "client_secret": "cs", "grant_type": "refresh_token",
                    "refresh_token": "rft-1"}
    assert new["refresh_token"] != "rft-1" and new["expires_in"] == 86400
    assert channel.publish(payload(tmp_path)).state == "published"
    with pytest.raises(ChannelError) as err:
        make(fake).refresh()
    assert err.value.kind == "auth" and "invalid_grant" in str(err.value)


@pytest.mark.parametrize("change, message", [
    ({"media": ()}, "exactly one video"),
    ({"text": "x" * 2201}, "at most 2200"),
    ({"duration_s": 2.0}, "at least 3 seconds"),
])
def test_validate_rejects_what_tiktok_rejects(fake, tmp_path, change, message):
    fields = dict(change)
    if "duration_s" in fields:
        fields = {"media": (video_file(tmp_path, duration_s=fields["duration_s"]),)}
    bad = payload(tmp_path, **fields)
    channel = make(fake)
    assert any(message in p for p in channel.validate(bad)), channel.validate(bad)
    with pytest.raises(ChannelError):
        channel.publish(bad)
    assert not fake.requests


def test_creator_duration_limit_and_bad_chunk_option(fake, tmp_path):
    with pytest.raises(ChannelError) as err:
        make(fake).publish(payload(tmp_path, media=(video_file(tmp_path, duration_s=900),)))
    assert "up to 600 s" in str(err.value) and not fake.calls("/video/init/")
    problems = make(fake, options={"chunk_size": "ten"}).validate_account()
    assert any("chunk_size must be a whole number" in p for p in problems)


def test_authorize_url_and_code_exchange(fake):
    channel = make(fake)
    url = channel.authorize_url("https://studio.example/cb", "st1")
    assert url.startswith("https://www.tiktok.com/v2/auth/authorize/?client_key=ck&")
    assert "response_type=code" in url and "video.publish" in url
    tokens = channel.exchange_code("code-1", "https://studio.example/cb")
    assert tokens["access_token"] in fake.access_tokens


def test_seventh_init_in_a_minute_hits_the_platform_limit(fake, tmp_path):
    channel = make(fake)
    for _ in range(6):
        channel.publish(payload(tmp_path, size=50_000))
    with pytest.raises(ChannelError) as err:
        channel.publish(payload(tmp_path, size=50_000))
    assert err.value.kind == "retryable" and err.value.platform_code == "rate_limit_exceeded"
    assert len(fake.uploads) == 6
