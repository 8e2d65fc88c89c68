"""Aggregation: repeats once, add-ons, cancels, stock first come first served."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from studio.live.orders import Comment, aggregate
from studio.live.parser import KeywordMap

KW = KeywordMap({"tra": ["A1", "trà xạ đen", "trà"], "cuc": ["A2", "hoa cúc", "cúc"],
                 "buoi": ["bưởi"]})
T0 = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)


def c(second: int, user: str, text: str, **kw) -> Comment:
    return Comment(T0 + timedelta(seconds=second), user, text, **kw)


def by_user(result) -> dict:
    return {(o.user, o.seq): o for o in result.orders}


def test_the_same_comment_repeated_is_counted_once():
    result = aggregate([c(0, "lan", "chốt 2 trà 0912345678"), c(5, "lan", "chốt 2 trà 0912345678"),
                        c(9, "lan", "Chốt 2 TRÀ 0912345678 ")], KW)
    assert result.repeats == 2
    assert result.totals() == {"tra": 2}
    # The same words from another buyer are another order.
    other = aggregate([c(0, "lan", "chốt 2 trà"), c(1, "hoa", "chốt 2 trà")], KW)
    assert other.totals() == {"tra": 4}


def test_a_comment_id_seen_twice_is_counted_once():
    result = aggregate([c(0, "lan", "chốt 1 trà", id="9_1"), c(0, "lan", "chốt 1 trà", id="9_1")],
                       KW)
    assert result.totals() == {"tra": 1}


def test_a_later_comment_adds_to_the_same_order_and_brings_the_phone():
    result = aggregate([c(0, "lan", "chốt 2 trà"), c(30, "lan", "lấy thêm 1 hộp cúc"),
                        c(40, "lan", "0912 345 678")], KW)
    (order,) = result.orders
    assert order.items == {"tra": 2, "cuc": 1}
    assert order.phone == "0912345678"
    assert order.comments == ["chốt 2 trà", "lấy thêm 1 hộp cúc", "0912 345 678"]


def test_a_phone_written_before_the_order_is_used():
    result = aggregate([c(0, "lan", "sđt 0987654321"), c(5, "lan", "A1 x2")], KW)
    assert result.orders[0].phone == "0987654321"


def test_partial_cancel_then_full_cancel():
    result = aggregate([c(0, "lan", "chốt 3 trà + 1 cúc"), c(10, "lan", "bỏ 1 hộp trà"),
                        c(20, "lan", "thôi không lấy cúc nữa")], KW)
    assert result.orders[0].items == {"tra": 2}
    assert result.orders[0].status == "new"
    result = aggregate([c(0, "lan", "chốt 3 trà"), c(10, "lan", "huỷ đơn nhé")], KW)
    assert result.orders[0].status == "cancelled"
    assert result.totals() == {}
    assert len(result.cancels) == 1


def test_ordering_again_after_a_cancel_opens_a_new_order():
    result = aggregate([c(0, "lan", "chốt 1 trà"), c(10, "lan", "huỷ đơn"),
                        c(20, "lan", "chốt 2 bưởi")], KW)
    orders = by_user(result)
    assert orders[("lan", 1)].status == "cancelled"
    assert orders[("lan", 2)].items == {"buoi": 2}


def test_stock_first_come_first_served_in_time_order():
    # Given out of time order on purpose: the earlier comment wins.
    comments = [c(20, "hoa", "chốt 3 trà"), c(10, "lan", "chốt 4 trà"), c(30, "minh", "chốt 1 trà")]
    result = aggregate(comments, KW, stock={"tra": 5})
    orders = by_user(result)
    assert orders[("lan", 1)].items == {"tra": 4}
    assert (orders[("hoa", 1)].items, orders[("hoa", 1)].short) == ({"tra": 1}, {"tra": 2})
    assert (orders[("minh", 1)].items, orders[("minh", 1)].short) == ({}, {"tra": 1})
    assert result.totals() == {"tra": 5}


def test_a_cancel_frees_stock_for_the_earliest_waiting_order():
    comments = [c(0, "lan", "chốt 2 trà"), c(1, "hoa", "chốt 2 trà"), c(2, "minh", "chốt 1 trà"),
                c(3, "lan", "huỷ đơn")]
    result = aggregate(comments, KW, stock={"tra": 2})
    orders = by_user(result)
    assert orders[("hoa", 1)].items == {"tra": 2} and not orders[("hoa", 1)].short
    assert orders[("minh", 1)].short == {"tra": 1}


def test_staff_cancel_releases_stock_to_waiting_orders():
    comments = [c(0, "lan", "chốt 2 trà"), c(1, "hoa", "chốt 1 trà")]
    result = aggregate(comments, KW, stock={"tra": 2}, closed={("lan", 1)})
    orders = by_user(result)
    assert orders[("lan", 1)].status == "cancelled"
    assert orders[("hoa", 1)].items == {"tra": 1}


def test_unlimited_products_are_not_capped():
    result = aggregate([c(0, "lan", "chốt 50 bưởi")], KW, stock={"tra": 1})
    assert result.totals() == {"buoi": 50}


def test_questions_cancels_and_unmatched_are_listed():
    result = aggregate([c(0, "an", "trà giá bao nhiêu?"), c(1, "bo", "chốt 2 cái khăn"),
                        c(2, "chi", "huỷ đơn"), c(3, "dung", "đẹp quá 😍")], KW)
    data = result.as_dict()
    assert [q["user"] for q in data["questions"]] == ["an"]
    assert data["questions"][0]["products"] == ["tra"]
    assert [u["user"] for u in data["unmatched"]] == ["bo"]
    assert [x["user"] for x in data["cancels"]] == ["chi"]
    assert data["orders"] == []


def test_a_cancel_that_orders_something_else_swaps_the_products():
    result = aggregate([c(0, "lan", "chốt 2 bưởi"),
                        c(9, "lan", "ko lấy bưởi nữa nhé shop, lấy 2 trà thôi")], KW)
    (order,) = result.orders
    assert order.items == {"tra": 2}
    assert order.status == "new"
    assert result.cancels[0]["items"] == {"buoi": 0}
