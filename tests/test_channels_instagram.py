"""Instagram Reels channel against the local Instagram Graph API fake."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

from studio.publish.channels.base import ChannelError, PostPayload
from studio.publish.channels.instagram import InstagramChannel
from tests.fakes.http import image_file, video_file
from tests.fakes.instagram import InstagramFake

USER = "17841400008460056"
URL = "https://media.htxtra.vn/clips/che.mp4"


@pytest.fixture
def fake():
    with InstagramFake(ig_user_id=USER) as f:
        yield f


def make(fake, *, timeout=5.0, **options):
    return InstagramChannel({"ig_user_id": USER, "poll_interval_s": 0, **options},
                            {"access_token": "ig-token"}, api_base=fake.base_url,
                            http=httpx.Client(timeout=timeout))


def reel(tmp_path, **kw):
    fields = {"post_id": 7, "target_id": 4, "lang": "vi", "text": "Hái chè lúc bình minh",
              "hashtags": ("ocop", "hagiang"), "idempotency_key": "p7t4",
              "media": (video_file(tmp_path, public_url=URL),), **kw}
    return PostPayload(**fields)


def test_container_poll_publish_with_exact_requests(fake, tmp_path):
    result = make(fake).publish(reel(tmp_path))
    create = fake.calls(f"/{USER}/media", "POST")[0].form()
    assert create == {"media_type": "REELS", "video_url": URL,
                      "caption": "Hái chè lúc bình minh\n\n#ocop #hagiang",
                      "share_to_feed": "true", "access_token": "ig-token"}
    polls = fake.calls("/v21.0/" + next(iter(fake.containers)), "GET")
    assert [p.query["fields"] for p in polls] == ["status_code,status"] * 2
    publish = fake.calls("/media_publish")[0].form()
    assert publish["creation_id"] == next(iter(fake.containers))
    assert result.external_id in fake.media and result.url.startswith("https://www.instagram")
    assert fake.calls("/content_publishing_limit")[0].query["fields"] == "quota_usage,config"


def test_not_ready_9007_is_retried_until_finished(fake, tmp_path):
    fake.fail("/media_publish", {"status": 400, "body": {"error": {
        "message": "Media ID is not available", "type": "OAuthException", "code": 9007,
        "error_subcode": 2207027, "fbtrace_id": "x"}}})
    result = make(fake).publish(reel(tmp_path))
    assert len(fake.calls("/media_publish")) == 2 and result.external_id in fake.media


def test_slow_container_returns_processing_and_status_finishes_it(fake, tmp_path):
    fake.processing_polls = 3
    channel = make(fake, max_polls=2)
    first = channel.publish(reel(tmp_path))
    assert first.state == "processing" and first.external_id.startswith("container:")
    assert not fake.media
    assert channel.status(first.external_id).state == "processing"  # 3rd poll: still going
    done = channel.status(first.external_id)
    assert done.state == "published" and done.external_id in fake.media
    assert len(fake.containers) == 1  # never a second container


@pytest.mark.parametrize("state", ["ERROR", "EXPIRED"])
def test_error_or_expired_container_is_permanent(fake, tmp_path, state):
    fake.container_state = state
    with pytest.raises(ChannelError) as err:
        make(fake).publish(reel(tmp_path))
    assert err.value.kind == "permanent" and err.value.platform_code == state


def test_quota_used_up_is_retryable_without_creating(fake, tmp_path):
    fake.quota_usage = 50
    with pytest.raises(ChannelError) as err:
        make(fake).publish(reel(tmp_path))
    assert err.value.kind == "retryable" and err.value.retry_after == 3600
    assert not fake.containers


def test_rate_limit_server_error_and_expired_token(fake, tmp_path):
    fake.fail(f"/{USER}/media", {"status": 400, "body": {"error": {
        "message": "Application request limit reached", "code": 4, "type": "OAuthException",
        "fbtrace_id": "y"}}}, {"status": 500, "body": "x"})
    for _ in range(2):
        with pytest.raises(ChannelError) as err:
            make(fake).publish(reel(tmp_path))
        assert err.value.kind == "retryable"
    fake.expire_token()
    with pytest.raises(ChannelError) as err:
        make(fake).publish(reel(tmp_path))
    assert err.value.kind == "auth"


def test_timeout_on_publish_then_lookup_by_caption(fake, tmp_path):
    fake.fail("/media_publish", {"delay": 1.0})
    with pytest.raises(ChannelError) as err:
        make(fake, timeout=0.4).publish(reel(tmp_path))
    assert err.value.kind == "unknown"
    found = make(fake).lookup(reel(tmp_path))
    assert found is not None and found.external_id in fake.media
    assert make(fake).lookup(reel(tmp_path, text="khác")) is None


@pytest.mark.parametrize("change, message", [
    ({"public_url": ""}, "public https URL"),
    ({"public_url": "http://192.168.1.5/che.mp4"}, "public https URL"),
    ({"hashtags": ("a", "b", "c", "d", "e", "f")}, "at most 5 hashtags"),
    ({"text": "x" * 2201}, "at most 2200"),
    ({"photo": True}, "JPEG photos only"),
    ({"duration_s": 1.0}, "lasts 3 s–15 min"),
])
def test_validate_rejects_what_instagram_rejects(fake, tmp_path, change, message):
    change = dict(change)
    if "public_url" in change:
        change = {"media": (video_file(tmp_path, public_url=change["public_url"]),)}
    elif "photo" in change:
        change = {"media": (replace(image_file(tmp_path, public_url=URL), mime="image/png"),)}
    elif "duration_s" in change:
        change = {"media": (video_file(tmp_path, duration_s=1.0, public_url=URL),)}
    bad = reel(tmp_path, **change)
    channel = make(fake)
    assert any(message in p for p in channel.validate(bad)), channel.validate(bad)
    with pytest.raises(ChannelError):
        channel.publish(bad)
    assert not fake.requests


def test_status_after_a_lost_publish_answer_never_publishes_twice(fake, tmp_path):
    fake.processing_polls = 5
    channel = make(fake, max_polls=1)
    first = channel.publish(reel(tmp_path))
    assert first.state == "processing"
    fake.processing_polls = 0
    fake.fail("/media_publish", {"delay": 1.0})
    with pytest.raises(ChannelError) as err:
        make(fake, timeout=0.4).status(first.external_id)
    assert err.value.kind == "unknown" and len(fake.media) == 1  # it went through
    again = make(fake).status(first.external_id)
    assert again.state == "published" and len(fake.calls("/media_publish")) == 1
