"""Facebook Page channel against the local Graph API fake."""

from __future__ import annotations

import httpx
import pytest

from studio.publish.channels.base import ChannelError, PostPayload
from studio.publish.channels.facebook import FacebookChannel
from tests.fakes.facebook import FacebookFake, graph_error
from tests.fakes.http import image_file, video_file

PAGE = "1755847768034402"


@pytest.fixture
def fake():
    with FacebookFake(page_id=PAGE) as f:
        yield f


def make(fake, *, timeout=5.0, **options):
    return FacebookChannel({"page_id": PAGE, **options}, {"access_token": "page-token"},
                           api_base=fake.base_url, http=httpx.Client(timeout=timeout))


def post(**kw):
    fields = {"post_id": 6, "target_id": 1, "lang": "vi",
              "text": "Mùa chè mới đã về! Đặt hàng qua tin nhắn.", "hashtags": ("ocop",),
              "link": "https://htxtra.vn", "idempotency_key": "p6t1", **kw}
    return PostPayload(**fields)


def test_feed_post_exact_request(fake):
    result = make(fake).publish(post())
    call = fake.calls(f"/v21.0/{PAGE}/feed", "POST")[0]
    assert call.form() == {"message": "Mùa chè mới đã về! Đặt hàng qua tin nhắn.\n\n#ocop",
                           "link": "https://htxtra.vn", "access_token": "page-token"}
    assert result.external_id in fake.posts and result.url.endswith(result.external_id)


def test_reel_start_rupload_finish_then_status(fake, tmp_path):
    clip = video_file(tmp_path, 250_000)
    channel = make(fake)
    result = channel.publish(post(media=(clip,)))
    start, finish = fake.calls("/video_reels", "POST")
    assert start.form() == {"upload_phase": "start", "access_token": "page-token"}
    upload = fake.calls("/video-upload/")[0]
    assert upload.header("authorization") == "OAuth page-token"
    assert upload.header("offset") == "0" and upload.header("file_size") == "250000"
    assert upload.body == clip.path.read_bytes()
    assert finish.form()["video_state"] == "PUBLISHED"
    assert finish.form()["video_id"] == result.external_id
    assert result.state == "processing" and result.url.endswith(f"/reel/{result.external_id}")
    assert channel.status(result.external_id).state == "processing"
    assert channel.status(result.external_id).state == "published"


def test_landscape_video_uses_chunked_upload_session(fake, tmp_path):
    clip = video_file(tmp_path, 250_000, width=1920, height=1080, duration_s=240)
    result = make(fake).publish(post(media=(clip,), title="Quy trình sao chè"))
    calls = fake.calls(f"/{PAGE}/videos", "POST")
    assert [fake.params(c)["upload_phase"] for c in calls] == [
        "start", "transfer", "transfer", "transfer", "finish"]
    assert [fake.params(c).get("start_offset") for c in calls[1:4]] == ["0", "100000", "200000"]
    assert fake.videos[result.external_id]["data"] == clip.path.read_bytes()
    assert fake.videos[result.external_id]["title"] == "Quy trình sao chè"


@pytest.mark.parametrize("error, kind", [
    (graph_error(190, "Session has expired", subcode=463), "auth"),
    (graph_error(4, "Application request limit reached", status=400), "retryable"),
    (graph_error(32, "Page request limit reached", status=400), "retryable"),
    (graph_error(613, "Calls within one hour exceeded", status=400), "retryable"),
    (graph_error(368, "The action attempted has been deemed abusive"), "permanent"),
    (graph_error(100, "Invalid parameter"), "permanent"),
    (graph_error(2, "Service temporarily unavailable", status=500, is_transient=True),
     "retryable"),
])
def test_graph_error_codes_map_to_kinds(fake, error, kind):
    fake.fail("/feed", {"status": error.status, "body": error.body,
                        "headers": {"Retry-After": "9"}})
    with pytest.raises(ChannelError) as err:
        make(fake).publish(post())
    assert err.value.kind == kind and not fake.posts
    assert err.value.platform_code.startswith(f"code {error.body['error']['code']}")


def test_expired_token_is_auth_and_refresh_is_not_offered(fake):
    fake.expire_token()
    channel = make(fake)
    with pytest.raises(ChannelError) as err:
        channel.publish(post())
    assert err.value.kind == "auth" and err.value.platform_code == "code 190/463"
    assert channel.refresh() is None


def test_timeout_then_lookup_finds_the_feed_post(fake):
    fake.fail("/feed", {"delay": 1.0})
    with pytest.raises(ChannelError) as err:
        make(fake, timeout=0.4).publish(post())
    assert err.value.kind == "unknown"
    found = make(fake).lookup(post())
    assert found is not None and found.external_id in fake.posts
    assert make(fake).lookup(post(text="Một bài khác")) is None


def test_duplicate_message_is_permanent(fake):
    make(fake).publish(post())
    with pytest.raises(ChannelError) as err:
        make(fake).publish(post())
    assert err.value.kind == "permanent" and "506" in err.value.platform_code


def test_server_error_is_retryable(fake):
    fake.fail("/feed", {"status": 500, "body": "<html>oops</html>"})
    with pytest.raises(ChannelError) as err:
        make(fake).publish(post())
    assert err.value.kind == "retryable"


@pytest.mark.parametrize("clip_kw, message", [
    ({"duration_s": 2.0}, "lasts 3–90 s"),
    ({"width": 1080, "height": 1350}, "is 9:16"),
    ({"width": 360, "height": 640}, "at least 540×960"),
])
def test_validate_rejects_bad_reels(fake, tmp_path, clip_kw, message):
    bad = post(media=(video_file(tmp_path, **clip_kw),), extra={"facebook_format": "reel"})
    channel = make(fake)
    assert any(message in p for p in channel.validate(bad)), channel.validate(bad)
    with pytest.raises(ChannelError):
        channel.publish(bad)
    assert not fake.requests


def test_validate_rejects_photo_and_video_together_too_long_text_and_empty_posts(fake,
                                                                                   tmp_path):
    channel = make(fake)
    both = post(media=(image_file(tmp_path), video_file(tmp_path)))
    assert any("photos or one video, not both" in p for p in channel.validate(both))
    assert channel.validate(post(media=(image_file(tmp_path),))) == []
    assert any("at most 63,206" in p for p in channel.validate(post(text="x" * 63_207)))
    assert any("needs text or a link" in p for p in channel.validate(post(text="", link="",
                                                                           hashtags=())))


def test_connect_exchanges_code_for_the_page_token(fake):
    channel = make(fake)
    url = channel.authorize_url("app1", "https://studio.example/cb", "st")
    assert url.startswith("https://www.facebook.com/v21.0/dialog/oauth?client_id=app1&")
    assert "pages_manage_posts" in url
    assert channel.exchange_code("app1", "appsecret", "https://studio.example/cb", "c0de") == {
        "access_token": "page-token"}
    with pytest.raises(ChannelError):
        channel.exchange_code("app1", "wrong", "https://studio.example/cb", "c0de")


def test_audit_attempts_never_hold_the_token(fake, tmp_path):
    attempts = []
    channel = FacebookChannel({"page_id": PAGE}, {"access_token": "page-token"},
                              api_base=fake.base_url, on_attempt=attempts.append)
    result = channel.publish(post(media=(video_file(tmp_path, 250_000),)))
    channel.status(result.external_id)
    assert [a.summary for a in attempts] == ["reel start", "reel upload", "reel finish",
                                             "video status"]
    assert all(a.outcome == "ok" and a.status == 200 for a in attempts)
    assert not any("page-token" in repr(a) for a in attempts)


def test_throttle_wait_comes_from_business_use_case_usage(fake):
    usage = ('{"1755847768034402": [{"type": "pages", "call_count": 100, "total_cputime": 40, '
             '"total_time": 35, "estimated_time_to_regain_access": 19}]}')
    error = graph_error(32, "Page request limit reached")
    fake.fail("/feed", {"status": 400, "body": error.body,
                        "headers": {"X-Business-Use-Case-Usage": usage}})
    with pytest.raises(ChannelError) as err:
        make(fake).publish(post())
    assert err.value.kind == "retryable" and err.value.retry_after == 19 * 60
