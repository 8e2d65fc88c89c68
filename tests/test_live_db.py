"""Live sessions in the database (SQLite and PostgreSQL): ingest, orders, statuses, export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from studio.catalog.service import save_producer, save_product
from studio.errors import NotFound, ValidationFailed
from studio.live import service
from studio.live.models import LiveComment, LiveOrder, LiveSession
from studio.live.orders import Comment
from studio.live.sources import read_comments
from tests.fakes.facebook_graph import FacebookGraphFake

T0 = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)


@pytest.fixture
def live(session, ws):
    producer = save_producer(session, ws, {"name": "HTX Ô Diên", "kind": "cooperative"})
    for slug, name, price, aliases in [("tra-xa-den", "Trà xạ đen", "120000", "A1; trà"),
                                       ("tra-hoa-cuc", "Trà hoa cúc", "95000", "A2; cúc")]:
        save_product(session, ws, producer, {"slug": slug, "name_vi": name, "price_vnd": price,
                                             "ocop_group": "beverages", "aliases": aliases})
    return service.create_live(session, ws, "Live tối thứ Bảy", [
        {"slug": "tra-xa-den", "stock": 3}, {"slug": "tra-hoa-cuc", "price_vnd": 90000}],
        script_text="Chào cả nhà")


def at(s: int) -> datetime:
    return T0 + timedelta(seconds=s)


def test_round_trip_orders_questions_and_masked_rows(session, live):
    added = service.ingest(session, live, [
        Comment(at(0), "Lan", "chốt 2 trà 0912345678"),
        Comment(at(1), "Lan", "chốt 2 trà 0912345678"),
        Comment(at(2), "Hoa", "A1 x2 + 1 cúc"),
        Comment(at(3), "Minh", "trà pha thế nào?"),
    ])
    assert added == 4
    session.expire_all()
    stored = session.get(LiveSession, live.id)
    rows = {r["user"]: r for r in service.order_rows(stored)}
    assert rows["Lan"]["phone"] == "0912***678"
    assert rows["Lan"]["items"] == "tra-xa-den × 2"
    assert rows["Hoa"]["items"] == "tra-xa-den × 1, tra-hoa-cuc × 1"
    assert rows["Hoa"]["waiting"] == "tra-xa-den × 1"
    assert rows["Hoa"]["total_vnd"] == 120000 + 90000
    assert [q.user for q in stored.questions] == ["Minh"]
    assert {c.intent for c in stored.comments} == {"order", "repeat", "question"}
    totals = {t["slug"]: t for t in service.totals(stored)}
    assert totals["tra-xa-den"]["qty"] == 3 and totals["tra-xa-den"]["waiting"] == 1
    assert stored.started_at == at(0)


def test_ingesting_the_same_comments_twice_adds_nothing(session, live):
    comments = [Comment(at(0), "Lan", "chốt 1 trà")]
    assert service.ingest(session, live, comments) == 1
    assert service.ingest(session, live, comments) == 0
    count = session.scalar(select(func.count()).select_from(LiveComment))
    assert count == 1


def test_status_changes_survive_new_comments_and_cancel_frees_stock(session, live):
    service.ingest(session, live, [Comment(at(0), "Lan", "chốt 3 trà"),
                                   Comment(at(1), "Hoa", "chốt 1 trà")])
    lan = next(o for o in live.orders if o.user == "Lan")
    hoa = next(o for o in live.orders if o.user == "Hoa")
    assert hoa.short == {"tra-xa-den": 1}
    service.set_status(session, live, hoa.id, "confirmed")
    service.ingest(session, live, [Comment(at(5), "Minh", "chốt 1 cúc")])
    assert hoa.status == "confirmed"
    service.set_status(session, live, lan.id, "cancelled")
    assert [(i.slug, i.qty) for i in hoa.items] == [("tra-xa-den", 1)] and hoa.short == {}
    with pytest.raises(ValidationFailed, match="Unknown status"):
        service.set_status(session, live, hoa.id, "lost")
    with pytest.raises(NotFound):
        service.set_status(session, live, 99999, "shipped")


def test_questions_keep_their_answered_flag(session, live):
    service.ingest(session, live, [Comment(at(0), "An", "còn hàng không shop")])
    service.answer_question(session, live, live.questions[0].id)
    service.ingest(session, live, [Comment(at(1), "Bo", "ship mấy ngày?")])
    assert [(q.user, q.answered) for q in live.questions] == [("An", True), ("Bo", False)]


def test_export_csv_for_shipping_has_full_phones(session, live):
    service.ingest(session, live, [Comment(at(0), "Lan", "chốt 2 trà 0912 345 678"),
                                   Comment(at(1), "=cmd", "chốt 1 cúc"),
                                   Comment(at(2), "Hoa", "chốt 1 cúc"),
                                   Comment(at(3), "Hoa", "huỷ đơn")])
    rows = list(csv.DictReader(io.StringIO(service.export_csv(live).decode("utf-8-sig"))))
    assert [(r["user"], r["phone"], r["product"], r["qty"]) for r in rows] == [
        ("Lan", "0912345678", "tra-xa-den", "2"), ("'=cmd", "", "tra-hoa-cuc", "1")]
    assert rows[0]["line_total_vnd"] == "240000"


def test_malformed_file_stores_nothing(session, live):
    data = "time,user,comment\n2026-11-23 20:00,Lan,chốt 1 trà\nsai giờ,Hoa,chốt\n".encode()
    with pytest.raises(ValidationFailed):
        service.ingest(session, live, read_comments(data, "bad.csv"))
    assert session.scalar(select(func.count()).select_from(LiveComment)) == 0
    assert session.scalar(select(func.count()).select_from(LiveOrder)) == 0


def test_create_live_rejects_bad_input_and_unknown_products(session, ws, live):
    with pytest.raises(ValidationFailed):
        service.create_live(session, ws, "", [])
    with pytest.raises(ValidationFailed, match="whole number"):
        service.create_live(session, ws, "x", [{"slug": "tra-xa-den", "stock": -1}])
    with pytest.raises(NotFound):
        service.create_live(session, ws, "x", [{"slug": "khong-co"}])
    with pytest.raises(ValidationFailed, match="one product"):
        service.create_live(session, ws, "x", [{"slug": "tra-xa-den", "keywords": ["trà"]},
                                               {"slug": "tra-hoa-cuc", "keywords": ["Trà"]}])


def test_poll_facebook_stores_comments_and_the_cursor(session, live):
    with FacebookGraphFake(token="PAGE") as fb:
        fb.add_video("555")
        fb.add_comment("555", "Lan", "chốt 2 trà", at(0))
        live.fb_video_id = "555"
        service.set_current(session, live, "tra-hoa-cuc")
        assert service.poll_facebook(session, live, "PAGE", base_url=fb.base_url) == 1
        fb.add_comment("555", "Hoa", "c2", at(10))
        assert service.poll_facebook(session, live, "PAGE", base_url=fb.base_url) == 1
        assert fb.requests[-1]["query"]["after"] == live.fb_cursor["after"] or \
            len(fb.requests) == 2
    items = {o.user: {i.slug: i.qty for i in o.items} for o in live.orders}
    assert items == {"Lan": {"tra-xa-den": 2}, "Hoa": {"tra-hoa-cuc": 2}}
    assert live.fb_cursor["since"] == int(at(10).timestamp())


def test_summary_with_a_transcript(session, live):
    service.ingest(session, live, [Comment(at(5), "Lan", "chốt 2 trà"),
                                   Comment(at(70), "Hoa", "chốt 1 cúc"),
                                   Comment(at(75), "Minh", "chốt 1 cúc"),
                                   Comment(at(80), "An", "cúc giá bao nhiêu?")])
    plain = service.live_summary(live)
    assert not plain.transcribed and plain.talk == []
    transcript = [(0.0, 20.0, "Đây là trà xạ đen Ô Diên"), (20.0, 50.0, "hãm năm phút là uống"),
                  (60.0, 90.0, "còn đây là trà hoa cúc"), (300.0, 310.0, "cảm ơn cả nhà")]
    summary = service.live_summary(live, transcript)
    talk = {r["slug"]: r["seconds"] for r in summary.talk}
    assert talk == {"tra-xa-den": 50.0, "tra-hoa-cuc": 30.0}
    # Minutes count from the live's start (its first comment here); moments in timeline order.
    assert [(m["start_s"], m["orders"]) for m in summary.moments] == [(0.0, 1), (60.0, 2)]
    revenue = {p["slug"]: p["revenue_vnd"] for p in summary.products}
    assert revenue == {"tra-xa-den": 240000, "tra-hoa-cuc": 180000}
    assert len(summary.questions) == 1
    from studio.live.summary import figures

    figs = figures(summary, "en")
    assert set(figs) == {"revenue", "minutes", "talk"}
    assert list(figs["revenue"].data[0].y) == [240000, 180000]


def test_catalog_keywords_leave_out_words_two_products_share(session, ws, live):
    from studio.catalog.service import get_product
    from studio.live.parser import KeywordMap

    get_product(session, ws, "tra-hoa-cuc").aliases = ["A2", "trà", "cúc"]
    session.flush()
    words = service.catalog_keywords(session, ws)
    assert "trà" not in words["tra-xa-den"] and "trà" not in words["tra-hoa-cuc"]
    assert "A1" in words["tra-xa-den"] and "Trà xạ đen" in words["tra-xa-den"]
    KeywordMap(words)  # usable as is
