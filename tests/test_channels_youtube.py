"""YouTube Shorts channel against the local Data API fake (resumable upload)."""

from __future__ import annotations

import httpx
import pytest

from studio.publish.channels.base import ChannelError, PostPayload
from studio.publish.channels.youtube import KIB256, YouTubeChannel
from tests.fakes.http import video_file
from tests.fakes.youtube import YouTubeFake

SIZE = 3 * KIB256 + 12_345  # three full 256 KiB chunks and a short last one


@pytest.fixture
def fake():
    with YouTubeFake() as f:
        yield f


def make(fake, *, timeout=5.0, options=None, **creds):
    credentials = {"access_token": "ya29.a", "refresh_token": "1//r", "client_id": "cid",
                   "client_secret": "csec", **creds}
    return YouTubeChannel({"chunk_size": KIB256, "token_url": fake.base_url + "/token",
                           **(options or {})}, credentials, api_base=fake.base_url,
                          http=httpx.Client(timeout=timeout))


def payload(tmp_path, **kw):
    fields = {"post_id": 5, "target_id": 3, "lang": "vi", "title": "Sao chè shan tuyết bằng tay",
              "text": "Nghệ nhân sao chè trên chảo gang.", "hashtags": ("ocop",),
              "media": (video_file(tmp_path, SIZE),), "idempotency_key": "p5t3", **kw}
    return PostPayload(**fields)


def test_resumable_upload_with_exact_requests(fake, tmp_path):
    p = payload(tmp_path)
    result = make(fake).publish(p)
    start = fake.calls("/upload/youtube/v3/videos", "POST")[0]
    assert start.query == {"uploadType": "resumable", "part": "snippet,status"}
    assert start.header("x-upload-content-length") == str(SIZE)
    assert start.header("x-upload-content-type") == "video/mp4"
    assert start.json() == {"snippet": {"title": "Sao chè shan tuyết bằng tay #Shorts",
                                        "description": "Nghệ nhân sao chè trên chảo gang."
                                                       "\n\n#ocop",
                                        "tags": ["ocop"], "categoryId": "22"},
                            "status": {"privacyStatus": "private",
                                       "selfDeclaredMadeForKids": False}}
    ranges = [r.header("content-range") for r in fake.calls("/upload/session", "PUT")]
    assert ranges == [f"bytes 0-{KIB256 - 1}/{SIZE}", f"bytes {KIB256}-{2 * KIB256 - 1}/{SIZE}",
                      f"bytes {2 * KIB256}-{3 * KIB256 - 1}/{SIZE}",
                      f"bytes {3 * KIB256}-{SIZE - 1}/{SIZE}"]
    video = fake.videos[result.external_id]
    assert video["data"] == p.media[0].path.read_bytes()
    assert result.url == f"https://www.youtube.com/shorts/{result.external_id}"
    assert result.state == "processing"  # uploadStatus "uploaded" until YouTube processes it


def test_resume_after_broken_transfer_probes_and_continues(fake, tmp_path):
    fake.fail("/upload/session", {}, {"drop": 0.6})  # 2nd chunk: connection dies mid-way
    channel = make(fake, options={"chunk_size": 2 * KIB256})
    p = payload(tmp_path)
    result = channel.publish(p)
    puts = fake.calls("/upload/session", "PUT")
    ranges = [r.header("content-range") for r in puts]
    assert ranges[0] == f"bytes 0-{2 * KIB256 - 1}/{SIZE}"
    assert ranges[1] == f"bytes {2 * KIB256}-{SIZE - 1}/{SIZE}"  # dropped
    assert ranges[2] == f"bytes */{SIZE}" and puts[2].body == b""  # the probe
    assert ranges[3] == f"bytes {2 * KIB256}-{SIZE - 1}/{SIZE}"  # resumed where the server was
    assert fake.videos[result.external_id]["data"] == p.media[0].path.read_bytes()


def test_expired_session_restarts_the_upload(fake, tmp_path):
    channel = make(fake)
    orig = channel.send_from
    calls = []

    def expire_then_send(session, video, offset):
        calls.append(session)
        if len(calls) == 1:
            fake.expire_sessions()
        return orig(session, video, offset)

    channel.send_from = expire_then_send
    result = channel.publish(payload(tmp_path))
    assert len(fake.calls("/upload/youtube/v3/videos", "POST")) == 2
    assert len(calls) == 2 and calls[0] != calls[1]
    assert result.external_id in fake.videos


def test_quota_and_server_errors_are_retryable_and_auth_is_auth(fake, tmp_path):
    fake.fail("/upload/youtube/v3/videos", {"status": 403, "body": {"error": {
        "code": 403, "message": "quota", "errors": [{"domain": "youtube.quota",
                                                     "reason": "quotaExceeded"}]}}},
              {"status": 503, "headers": {"Retry-After": "30"}, "body": "unavailable"})
    channel = make(fake)
    kinds = []
    for _ in range(2):
        with pytest.raises(ChannelError) as err:
            channel.publish(payload(tmp_path))
        kinds.append((err.value.kind, err.value.retry_after))
    assert kinds == [("retryable", None), ("retryable", 30.0)] and not fake.videos


def test_public_upload_refused_for_unverified_project(fake, tmp_path):
    with pytest.raises(ChannelError) as err:
        make(fake, options={"privacy_status": "public"}).publish(payload(tmp_path))
    assert err.value.kind == "permanent" and err.value.platform_code == "forbiddenPrivacySetting"


def test_timeout_on_last_chunk_is_resumed_not_duplicated(fake, tmp_path):
    fake.fail("/upload/session", {}, {}, {}, {"delay": 1.0})
    result = make(fake, timeout=0.4).publish(payload(tmp_path))
    assert len(fake.videos) == 1 and result.external_id in fake.videos
    assert fake.calls("/upload/session", "PUT")[-1].header("content-range") == f"bytes */{SIZE}"


def test_unknown_outcome_lookup_finds_the_video_by_title(fake, tmp_path):
    make(fake).publish(payload(tmp_path))
    found = make(fake).lookup(payload(tmp_path))
    assert found is not None and found.external_id in fake.videos
    assert make(fake).lookup(payload(tmp_path, title="Một video khác")) is None
    fake.videos[found.external_id]["uploadStatus"] = "processed"
    assert make(fake).status(found.external_id).state == "published"
    fake.videos[found.external_id]["uploadStatus"] = "rejected"
    with pytest.raises(ChannelError) as err:
        make(fake).status(found.external_id)
    assert err.value.kind == "permanent"


def test_expired_token_then_refresh_keeps_the_refresh_token(fake, tmp_path):
    fake.expire_token()
    channel = make(fake)
    with pytest.raises(ChannelError) as err:
        channel.publish(payload(tmp_path))
    assert err.value.kind == "auth"
    new = channel.refresh()
    assert "refresh_token" not in new and channel.credentials["refresh_token"] == "1//r"
    assert channel.publish(payload(tmp_path)).external_id
    with pytest.raises(ChannelError) as err:
        make(fake, refresh_token="1//revoked").refresh()
    assert err.value.kind == "auth" and "invalid_grant" in str(err.value)


@pytest.mark.parametrize("change, message", [
    ({"title": "x" * 101}, "at most 100"),
    ({"title": "Giá <rẻ>"}, "refuses < and >"),
    ({"media": ()}, "exactly one video"),
    ({"extra": {"privacy_status": "friends"}}, "privacy_status must be"),
])
def test_validate_rejects_what_youtube_rejects(fake, tmp_path, change, message):
    bad = payload(tmp_path, **change)
    channel = make(fake)
    assert any(message in p for p in channel.validate(bad)), channel.validate(bad)
    with pytest.raises(ChannelError):
        channel.publish(bad)
    assert not fake.requests


def test_chunk_size_must_be_a_256_kib_multiple(fake, tmp_path):
    channel = make(fake, options={"chunk_size": 300_000})
    assert any("multiple of 262144" in p for p in channel.validate_account())
    with pytest.raises(ChannelError):
        channel.publish(payload(tmp_path))
    assert not fake.requests


def test_landscape_long_video_gets_no_shorts_tag(fake, tmp_path):
    wide = video_file(tmp_path, SIZE, width=1920, height=1080, duration_s=600)
    assert make(fake).title(payload(tmp_path, media=(wide,))) == "Sao chè shan tuyết bằng tay"


def test_authorize_url_and_code_exchange(fake):
    channel = make(fake)
    url = channel.authorize_url("https://studio.example/cb", "st")
    assert url.startswith("https://accounts.google.com/o/oauth2/v2/auth?client_id=cid&")
    assert "access_type=offline" in url and "youtube.upload" in url
    tokens = channel.exchange_code("4/code", "https://studio.example/cb")
    assert tokens["refresh_token"].startswith("1//") and tokens["access_token"]
