"""Property tests: random long facts never give an over-limit listing on any channel."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.writing import Request, get_engine
from studio.writing.caption import caption
from studio.writing.fit import truncate, truncate_bytes
from studio.writing.limits import CHANNELS, check_limits

# Text with Vietnamese, emoji, promotion words, '#', '<', URLs and very long runs.
ALPHABET = st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậ AZ#<>%😀★-–,.;:!?/"
                                "0123456789\n"))
WORDS = st.sampled_from(["sale", "Flash Sale", "freeship", "giảm giá", "50%", "best seller",
                         "eco-friendly", "https://x.example.vn", "www.shop.vn", "#tag", "OCOP",
                         "Trà", "xạ đen", "🍵", "<b>", "voucher", "guaranteed"])
TEXT = st.lists(st.one_of(st.text(ALPHABET, max_size=400), WORDS), max_size=60).map(" ".join)
LISTS = st.lists(TEXT, max_size=12)


@st.composite
def fact_sheets(draw) -> dict:
    return {
        "slug": "random",
        "names": {"vi": draw(TEXT), "en": draw(TEXT), "fr": draw(TEXT)},
        "producer": {"name": draw(TEXT), "kind": draw(st.sampled_from(
            ["household", "cooperative", "enterprise"])), "commune": draw(TEXT),
            "district": draw(TEXT), "province": draw(TEXT), "brand_voice": draw(TEXT)},
        "ocop": {"group": "food", "group_label": {}, "stars": draw(st.none() | st.integers(1, 5)),
                 "level": draw(st.sampled_from(["", "district", "province", "national"])),
                 "cert_date": None},
        "category": draw(TEXT), "origin": draw(TEXT), "ingredients": draw(TEXT),
        "process_steps": draw(LISTS), "certifications": draw(LISTS), "allergens": [],
        "traceability": {"code": draw(TEXT), "url": draw(TEXT)},
        "price_vnd": draw(st.none() | st.integers(0, 10**12)), "unit": draw(TEXT),
        "net_quantity": draw(TEXT), "shelf_life": draw(TEXT), "storage": draw(TEXT),
        "usage": draw(TEXT),
        "story": {k: draw(TEXT) for k in ("maker", "process", "place", "community")},
        "aliases": draw(LISTS), "is_food": True,
    }


OVER = ("_max", "_count", "forbidden", "max_bytes")


def over_limit(findings):
    return [f for f in findings if f.severity == "error"
            and f.rule.split(" ")[0].rsplit(".", 1)[-1].endswith(OVER)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheet=fact_sheets(), lang=st.sampled_from(["vi", "en", "fr"]))
def test_random_facts_never_give_an_over_limit_listing(sheet, lang):
    engine = get_engine("offline")
    for channel in CHANNELS:
        fields = engine.write(Request("listing", lang, (sheet,), channel)).fields
        checked = {k: v for k, v in fields.items() if k != "body"}
        bad = over_limit(check_limits(checked, channel))
        assert not bad, (channel, [(f.rule, f.message) for f in bad])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheet=fact_sheets(), channel=st.sampled_from(["instagram", "tiktok", "facebook"]))
def test_random_facts_never_give_an_over_limit_caption(sheet, channel):
    out = caption(sheet, "vi", reasons=["price"], channel=channel, check=False)
    assert not over_limit(check_limits({"caption": out["caption"],
                                        "hashtags": out["hashtags"]}, channel))
    assert len(out["caption"]) <= 300


@given(text=st.text(max_size=600), limit=st.integers(0, 300))
def test_truncate_never_exceeds(text, limit):
    out = truncate(text, limit)
    assert len(out) <= limit
    if len(text.strip()) <= limit:
        assert out == text.strip()


@given(text=st.text(max_size=600), limit=st.integers(0, 300))
def test_truncate_bytes_never_exceeds(text, limit):
    assert len(truncate_bytes(text, limit).encode("utf-8")) <= limit
