"""Comment sources: export files, pasted text, and Facebook Graph polling against a local fake."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from studio.errors import ConfigError, EngineError, MediaError, NotFound, ValidationFailed
from studio.live import sources
from studio.live.sources import GraphComments, parse_time, read_comments, read_pasted
from tests.fakes.facebook_graph import FacebookGraphFake

T0 = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)


# -- files -------------------------------------------------------------------------------------
def test_csv_export_with_vietnamese_headers_and_local_times():
    data = ("Thời gian,Người dùng,Bình luận\n"
            "2026-11-23 20:00:05,Lan,chốt 2 trà 0912345678\n"
            "23/11/2026 20:01,Hoa,\"giá bao nhiêu, shop?\"\n").encode("utf-8-sig")
    comments = read_comments(data, "live.csv")
    assert [(c.user, c.text) for c in comments] == [
        ("Lan", "chốt 2 trà 0912345678"), ("Hoa", "giá bao nhiêu, shop?")]
    assert comments[0].at == datetime(2026, 11, 23, 13, 0, 5, tzinfo=UTC)  # UTC+7 read as local


def test_json_export_plain_and_graph_shapes():
    plain = json.dumps([{"time": "2026-11-23T13:00:00Z", "user": "Lan", "comment": "A1 x2"}])
    assert read_comments(plain.encode(), "c.json")[0].text == "A1 x2"
    graph = json.dumps({"data": [{"id": "1_2", "message": "c2",
                                  "created_time": "2026-11-23T13:00:00+0000",
                                  "from": {"id": "9", "name": "Hoa"}}]})
    (comment,) = read_comments(graph.encode(), "graph.json")
    assert (comment.user, comment.id, comment.at) == ("Hoa", "1_2", T0)


def test_pasted_text_with_and_without_names():
    comments = read_pasted("Lan: chốt 2 trà\n\nc2\n0912345678\n", start=T0)
    assert [(c.user, c.text) for c in comments] == [
        ("Lan", "chốt 2 trà"), ("#3", "c2"), ("#4", "0912345678")]
    assert comments[0].at < comments[1].at
    with pytest.raises(ValidationFailed, match="Nothing was pasted"):
        read_pasted("  \n ")


@pytest.mark.parametrize("data,name,needle", [
    (b"", "a.csv", "empty"),
    (b"time,user,comment\n", "a.csv", "no comments"),
    (b"when,who,what\n1,2,3\n", "a.csv", "needs time, user, comment"),
    ("time,user,comment\nhôm qua,Lan,chốt\n".encode(), "a.csv", "Cannot read the time"),
    (b"time,user,comment\n2026-11-23 20:00,Lan,\n", "a.csv", "comment is empty"),
    ("time,user,comment\n2026-11-23 20:00,Lan,cà phê\n".encode("latin-1", "replace")
     .replace(b"?", b"\xea"), "a.csv", "UTF-8"),
    (b"time,user,comment\n\x00\x01\x02", "a.csv", "not a CSV or JSON"),
    (b"[{\"time\": 1}", "a.json", "Invalid JSON"),
    (b"{\"rows\": 3}", "a.json", "must be a list"),
    (b"[{\"time\": \"2026-11-23T13:00:00Z\", \"user\": \"a\"}]", "a.json", "column is missing"),
])
def test_malformed_files_give_a_clear_error(data, name, needle):
    with pytest.raises(ValidationFailed) as err:
        read_comments(data, name)
    assert needle in str(err.value) or needle in " ".join(
        r["reason"] for r in err.value.table("en"))


def test_every_bad_row_is_reported_with_its_row_number():
    data = ("time,user,comment\n2026-11-23 20:00,Lan,ok\nxx,Hoa,chốt\n"
            "2026-11-23 20:02,Minh,\n").encode()
    with pytest.raises(ValidationFailed) as err:
        read_comments(data, "a.csv")
    assert [(p.row, p.field) for p in err.value.problems] == [(3, "time"), (4, "comment")]


def test_huge_file_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(sources, "MAX_BYTES", 1000)
    data = b"time,user,comment\n" + b"2026-11-23 20:00,Lan,chot 1 tra\n" * 100
    with pytest.raises(MediaError, match="split the export"):
        read_comments(data, "a.csv")


def test_time_forms():
    assert parse_time("1795438800") == datetime.fromtimestamp(1795438800, UTC)
    assert parse_time("2026-11-23T13:00:00+0000") == T0
    assert parse_time("2026-11-23 20:00", "Asia/Ho_Chi_Minh") == T0
    with pytest.raises(ValueError):
        parse_time("20h tối")


# -- Facebook Graph ----------------------------------------------------------------------------
@pytest.fixture
def fb():
    with FacebookGraphFake(token="PAGE") as fake:
        fake.add_video("111")
        yield fake


def _fill(fb, count: int, start: int = 0) -> None:
    for i in range(start, start + count):
        fb.add_comment("111", f"user{i}", f"chốt {i % 3 + 1} trà", T0 + timedelta(seconds=i))


def test_graph_polling_follows_pages_and_sends_what_graph_expects(fb):
    _fill(fb, 250)
    source = GraphComments("111", "PAGE", base_url=fb.base_url)
    comments, cursor = source.poll()
    assert [c.user for c in comments] == [f"user{i}" for i in range(250)]
    assert len(fb.requests) == 3  # pages of 100
    first = fb.requests[0]["query"]
    assert first["filter"] == "stream" and first["order"] == "chronological"
    assert first["live_filter"] == "no_filter" and first["access_token"] == "PAGE"
    assert "from{id,name}" in first["fields"]
    assert fb.requests[1]["query"]["after"] and cursor["after"]
    assert cursor["since"] == int((T0 + timedelta(seconds=249)).timestamp())


def test_graph_polling_resumes_from_the_cursor(fb):
    _fill(fb, 5)
    source = GraphComments("111", "PAGE", base_url=fb.base_url)
    first, cursor = source.poll()
    _fill(fb, 3, start=5)
    second, cursor2 = source.poll(cursor)
    assert [c.user for c in second] == ["user5", "user6", "user7"]
    assert fb.requests[-1]["query"]["after"] == cursor["after"]
    third, _ = source.poll(cursor2)
    assert third == []


def test_graph_polling_resumes_from_since_alone(fb):
    _fill(fb, 6)
    since = int((T0 + timedelta(seconds=4)).timestamp())
    comments, _ = GraphComments("111", "PAGE", base_url=fb.base_url).poll({"since": since})
    assert [c.user for c in comments] == ["user4", "user5"]
    assert fb.requests[-1]["query"]["since"] == str(since)


def test_bad_token_gives_a_clear_message(fb):
    with pytest.raises(ConfigError) as err:
        GraphComments("111", "WRONG", base_url=fb.base_url).poll()
    assert "code 190" in str(err.value) and "STUDIO_FB_PAGE_TOKEN" in str(err.value)


def test_rate_limit_backs_off_then_succeeds(fb):
    _fill(fb, 2)
    fb.rate_limit(4, 613)
    slept = []
    source = GraphComments("111", "PAGE", base_url=fb.base_url, sleep=slept.append,
                           backoff=(1.0, 2.0, 4.0))
    comments, _ = source.poll()
    assert len(comments) == 2
    assert slept == [1.0, 2.0]


def test_rate_limit_that_does_not_clear_stops_with_advice(fb):
    fb.rate_limit(17, 32, 4)
    source = GraphComments("111", "PAGE", base_url=fb.base_url, sleep=lambda s: None,
                           backoff=(1.0, 1.0))
    with pytest.raises(EngineError, match="wait a few minutes"):
        source.poll()


def test_unknown_video_and_bad_ids(fb):
    with pytest.raises(NotFound, match="check the id"):
        GraphComments("999", "PAGE", base_url=fb.base_url).poll()
    with pytest.raises(ConfigError, match="not a live video id"):
        GraphComments("facebook.com/x", "PAGE", base_url=fb.base_url)
    with pytest.raises(ConfigError, match="STUDIO_FB_PAGE_TOKEN"):
        GraphComments("111", "", base_url=fb.base_url)


def test_unreachable_graph_is_a_clear_error():
    with FacebookGraphFake() as fake:
        url = fake.base_url
    with pytest.raises(EngineError, match="cannot reach"):
        GraphComments("111", "PAGE", base_url=url, timeout=2).poll()


def test_the_fake_rejects_what_graph_rejects(fb):
    url = f"{fb.base_url}/111/comments"
    no_token = httpx.get(url).json()["error"]
    assert no_token["code"] == 104 and no_token["type"] == "OAuthException"
    assert no_token["fbtrace_id"]
    bad_filter = httpx.get(url, params={"access_token": "PAGE", "filter": "all"}).json()
    assert bad_filter["error"]["code"] == 100
    bad_field = httpx.get(url, params={"access_token": "PAGE", "fields": "id,mesage"}).json()
    assert "nonexisting field" in bad_field["error"]["message"]
    bad_cursor = httpx.get(url, params={"access_token": "PAGE", "after": "zzz"}).json()
    assert bad_cursor["error"]["code"] == 100


def test_a_stale_cursor_falls_back_to_since(fb):
    _fill(fb, 4)
    since = int((T0 + timedelta(seconds=2)).timestamp())
    source = GraphComments("111", "PAGE", base_url=fb.base_url)
    comments, cursor = source.poll({"after": "c3RhbGU", "since": since})
    assert [c.user for c in comments] == ["user2", "user3"]
    assert [("after" in r["query"], "since" in r["query"]) for r in fb.requests] == [
        (True, False), (False, True)]
    assert cursor["after"] != "c3RhbGU"
    with pytest.raises(NotFound):  # without a time to fall back on, the error stands
        source.poll({"after": "c3RhbGU"})
