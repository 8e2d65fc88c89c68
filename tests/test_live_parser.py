"""The comment parser: phones, quantities, shorthands, intents, and the labelled set's scores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.errors import ValidationFailed
from studio.live.parser import (
    KeywordMap,
    mask_phone,
    normalize_phone,
    parse_comment,
    redact_phones,
)

DATA = Path(__file__).parent / "data"
KEYWORDS = KeywordMap(json.loads((DATA / "live_keywords.json").read_text(encoding="utf-8")))


@pytest.mark.parametrize("raw", [
    "0912345678", "0912 345 678", "0912.345.678", "0912-345-678", "09 1234 5678",
    "+84 912 345 678", "+84912345678", "84912345678", "+84 0912345678",
])
def test_valid_mobile_forms_normalise(raw):
    assert normalize_phone(raw) == "0912345678"


@pytest.mark.parametrize("raw", [
    "0333444555", "0522333444", "0708123456", "0868123456", "0987654321",
])
def test_every_mobile_prefix_is_accepted(raw):
    assert normalize_phone(raw) == raw


@pytest.mark.parametrize("raw", [
    "02438261234",   # Hà Nội landline
    "0243826123",    # landline prefix, 10 digits
    "091234567",     # 9 digits
    "09123456789",   # 11 digits
    "0123456789",    # old 01x prefix
    "1912345678",    # no leading 0
    "+85 912 345 678",  # not Vietnam
    "09123a5678", "", "0612345678",
])
def test_invalid_numbers_are_rejected(raw):
    assert normalize_phone(raw) is None


def test_phone_mask_hides_the_middle():
    assert mask_phone("0912345678") == "0912***678"
    assert mask_phone(None) == ""


def test_landline_in_a_comment_is_not_taken_for_a_phone_or_a_quantity():
    parsed = parse_comment("chốt 2 bưởi 024 3826 1234", KEYWORDS)
    assert parsed.phone is None
    assert parsed.items == {"buoi-dien": 2}
    assert parsed.rejected_phones == ["024 3826 1234"]


def test_quantity_next_to_a_phone_stays_a_quantity():
    parsed = parse_comment("A2x2 0977 888 999", KEYWORDS)
    assert parsed.items == {"tra-hoa-cuc": 2}
    assert parsed.phone == "0977888999"
    # The code's digit is not swallowed into the phone's run of digits.
    parsed = parse_comment("chốt 3 A1 0355 111 222", KEYWORDS)
    assert (parsed.items, parsed.phone) == ({"tra-xa-den": 3}, "0355111222")
    assert parse_comment("A1 0912345678", KEYWORDS).items == {"tra-xa-den": 1}


@pytest.mark.parametrize("text,qty", [
    ("chốt một hộp trà", 1), ("chot mot hop tra", 1), ("chốt hai hộp trà", 2),
    ("chốt ba hộp trà", 3), ("chốt bốn hộp trà", 4), ("chốt tư hộp trà", 4),
    ("chốt năm hộp trà", 5), ("chốt lăm hộp trà", 5), ("chốt sáu hộp trà", 6),
    ("chốt bảy hộp trà", 7), ("chốt tám hộp trà", 8), ("chốt chín hộp trà", 9),
    ("chốt mười hộp trà", 10), ("chốt mười lăm hộp trà", 15), ("chốt hai mươi hộp trà", 20),
    ("chốt hai mươi lăm hộp trà", 25), ("chốt hai mươi mốt hộp trà", 21),
    ("chốt mười một hộp trà", 11), ("chốt 1 chục hộp trà", 10), ("chốt hai chục hộp trà", 20),
    ("chốt 12 hộp trà", 12), ("chốt trà 3 hộp", 3), ("A1 x4", 4), ("3A1", 3),
])
def test_quantities_in_digits_and_words(text, qty):
    assert parse_comment(text, KEYWORDS).items == {"tra-xa-den": qty}


def test_price_is_not_a_quantity():
    assert parse_comment("lấy 1 trà 120k", KEYWORDS).items == {"tra-xa-den": 1}
    assert parse_comment("trà 120k hả shop", KEYWORDS).intent == "question"


def test_several_items_and_longest_keyword_wins():
    parsed = parse_comment("2 hộp trà + 1 hộp cúc", KEYWORDS)
    assert parsed.intent == "order"
    assert parsed.items == {"tra-xa-den": 2, "tra-hoa-cuc": 1}
    assert parse_comment("chốt 3 trà hoa cúc", KEYWORDS).items == {"tra-hoa-cuc": 3}


def test_shorthands_use_the_product_on_screen():
    assert parse_comment("c2", KEYWORDS, current="buoi-dien").items == {"buoi-dien": 2}
    assert parse_comment("+3", KEYWORDS, current="buoi-dien").items == {"buoi-dien": 3}
    assert parse_comment("chốt", KEYWORDS, current="buoi-dien").items == {"buoi-dien": 1}
    # Without a product on screen a bare "c2" is an order nobody can fill.
    bare = parse_comment("c2", KEYWORDS)
    assert bare.intent == "order" and bare.items == {}


def test_a_product_code_beats_the_c2_shorthand():
    keywords = KeywordMap({"khay-tra": ["C2"], "tra": ["trà"]})
    assert parse_comment("c2", keywords, current="tra").items == {"khay-tra": 1}


def test_codes_do_not_match_inside_words():
    keywords = KeywordMap({"x": ["a1"]})
    assert parse_comment("la1 nhé", keywords).items == {}


def test_emoji_and_teen_code_without_diacritics():
    parsed = parse_comment("cko mk 2 hop tra nha 😍😍 0912345678", KEYWORDS)
    assert (parsed.intent, parsed.items, parsed.phone) == ("order", {"tra-xa-den": 2},
                                                           "0912345678")
    assert parse_comment("😍😍", KEYWORDS).intent == "other"


def test_cancel_forms():
    assert parse_comment("huỷ đơn nhé", KEYWORDS).intent == "cancel"
    assert parse_comment("k lấy nữa", KEYWORDS).intent == "cancel"
    part = parse_comment("bỏ 1 hộp trà", KEYWORDS)
    assert (part.intent, part.items) == ("cancel", {"tra-xa-den": 1})
    whole = parse_comment("thôi không lấy bưởi nữa", KEYWORDS)
    assert (whole.intent, whole.items) == ("cancel", {"buoi-dien": 0})
    assert parse_comment("bỏ giỏ 2 hộp trà", KEYWORDS).intent == "order"


def test_keyword_given_to_two_products_is_rejected_with_the_word():
    with pytest.raises(ValidationFailed) as err:
        KeywordMap({"a": ["trà"], "b": ["Tra"]})
    assert "trà" in str(err.value) or "Tra" in str(err.value)
    assert "one product" in str(err.value)


@pytest.mark.parametrize("bad", [{}, {"a": "trà"}, {"a": [1, 2]}, []])
def test_malformed_keyword_maps_are_rejected(bad):
    with pytest.raises(ValidationFailed) as err:
        KeywordMap(bad)
    assert "fix it" in str(err.value)


# -- the labelled sets -------------------------------------------------------------------------
def _score(name: str) -> dict:
    rows = [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()]
    tp = fp = fn = itp = ifp = ifn = phones = intents = 0
    for row in rows:
        parsed = parse_comment(row["text"], KEYWORDS, row.get("current"))
        is_order, gold_order = parsed.intent == "order", row["intent"] == "order"
        tp += is_order and gold_order
        fp += is_order and not gold_order
        fn += gold_order and not is_order
        gold, got = set(row["items"].items()), set(parsed.items.items())
        itp, ifp, ifn = itp + len(gold & got), ifp + len(got - gold), ifn + len(gold - got)
        phones += parsed.phone == row["phone"]
        intents += parsed.intent == row["intent"]
    scores = {"n": len(rows), "order_precision": tp / (tp + fp), "order_recall": tp / (tp + fn),
              "item_precision": itp / (itp + ifp), "item_recall": itp / (itp + ifn),
              "intent_accuracy": intents / len(rows), "phone_accuracy": phones / len(rows)}
    print(f"\n{name}: " + ", ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                                     for k, v in scores.items()))
    return scores


def test_labelled_set_precision_and_recall():
    scores = _score("live_comments_labelled.jsonl")
    assert scores["n"] >= 60
    assert scores["order_precision"] >= 0.95 and scores["order_recall"] >= 0.95
    assert scores["item_precision"] >= 0.95 and scores["item_recall"] >= 0.95
    assert scores["intent_accuracy"] >= 0.95 and scores["phone_accuracy"] >= 0.98


def test_held_out_set_precision_and_recall():
    # Written after the parser; its first score (order recall 0.93, items P/R 0.89/0.89) led to
    # two general fixes (a bare code is an order; a cancel may also order). Lower floors: a
    # self-correction ("2 hộp, à không 3 hộp") still keeps the first number.
    scores = _score("live_comments_heldout.jsonl")
    assert scores["order_precision"] >= 0.9 and scores["order_recall"] >= 0.9
    assert scores["item_precision"] >= 0.85 and scores["item_recall"] >= 0.85


def test_redact_masks_every_phone_form_in_a_comment():
    assert redact_phones("chốt 2 trà 0912 345 678 nhé") == "chốt 2 trà 0912***678 nhé"
    assert redact_phones("A2x2 +84 977 888 999") == "A2x2 0977***999"
    assert redact_phones("chốt 2 bưởi 024 3826 1234") == "chốt 2 bưởi 024 3826 1234"


@pytest.mark.parametrize("text,current,items", [
    ("trà, cúc mỗi loại 2 hộp", None, {"tra-xa-den": 2, "tra-hoa-cuc": 2}),
    ("sđt0912345678 chốt 2 trà", None, {"tra-xa-den": 2}),
    ("2hộp trà", None, {"tra-xa-den": 2}),
    ("chốt 2", "buoi-dien", {"buoi-dien": 2}),
    ("chốt hai nhé", "buoi-dien", {"buoi-dien": 2}),
    ("A1A2", None, {"tra-xa-den": 1, "tra-hoa-cuc": 1}),
])
def test_more_order_forms(text, current, items):
    parsed = parse_comment(text, KEYWORDS, current)
    assert (parsed.intent, parsed.items) == ("order", items)
