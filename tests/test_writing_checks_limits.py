"""Channel limits: the data file, get_limits, check_limits, and property tests (hypothesis)."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.errors import ConfigError, NotFound
from studio.writing import limits
from studio.writing.limits import CHANNELS, FIELDS, check_limits, get_limits

ISSUE_CHANNELS = ["shopee", "lazada", "tiktokshop", "facebook", "instagram", "zalo", "amazon",
                  "etsy", "tiktok", "youtube"]


def test_every_channel_of_the_issue_is_there_with_sources():
    assert sorted(CHANNELS) == sorted(ISSUE_CHANNELS)
    for channel in CHANNELS:
        lim = get_limits(channel)
        assert lim.sources and all(s.source for s in lim.sources), channel


def test_values_from_the_issue():
    ig = get_limits("instagram")
    assert (ig.caption_max, ig.hashtags_max) == (2200, 5)
    zalo = get_limits("zalo")
    assert (zalo.title_max, zalo.description_max, zalo.author_max) == (150, 300, 50)
    amazon = get_limits("amazon")
    assert (amazon.title_max, amazon.bullets_count) == (200, 5)
    etsy = get_limits("etsy")
    assert (etsy.title_max, etsy.tags_count, etsy.tag_max) == (140, 13, 20)
    assert get_limits("tiktok").caption_max == 2200
    assert (get_limits("shopee").title_min, get_limits("shopee").title_max) == (10, 120)


def test_uncertain_limits_say_so():
    notes = " ".join(s.note for s in get_limits("lazada").sources)
    assert "UNCERTAIN" in notes and "stricter" in notes


def test_limits_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        get_limits("etsy").title_max = 999


def test_unknown_channel_names_the_valid_ones():
    with pytest.raises(NotFound, match="unknown channel 'ebay'; use one of shopee"):
        get_limits("ebay")


def test_unknown_or_bad_field():
    with pytest.raises(NotFound, match="unknown listing field"):
        check_limits({"subtitle": "x"}, "etsy")
    with pytest.raises(NotFound, match="must be text"):
        check_limits({"title": ["a", "b"]}, "etsy")
    with pytest.raises(NotFound, match="or a list of texts"):
        check_limits({"tags": [1, 2]}, "etsy")


def test_over_limit_title_is_an_error_with_a_fitting_suggestion():
    title = "Trà xạ đen Ô Diên sấy lạnh " * 8
    found = check_limits({"title": title}, "etsy")
    assert len(found) == 1
    f = found[0]
    assert (f.kind, f.severity, f.start, f.end) == ("limit", "error", 140, len(title))
    assert f.text == title[140:] and f.message.startswith("title:")
    assert 0 < len(f.suggestion) <= 140 and title.startswith(f.suggestion)
    assert "etsy.title_max" in f.rule and "Etsy" in f.rule


def test_inside_limits_gives_nothing():
    fields = {"title": "Trà xạ đen Ô Diên, hộp 20 túi lọc", "tags": ["tra xa den", "herbal tea"]}
    assert check_limits(fields, "etsy") == []


def test_too_short_for_shopee_and_tiktokshop_words():
    assert check_limits({"title": "Trà"}, "shopee")[0].message.startswith("title: has 3")
    found = check_limits({"description": "Trà xạ đen ngon."}, "tiktokshop")
    assert any("30" in f.message and "words" in f.message for f in found)


def test_bullets_as_list_and_as_text():
    bullets = ["Hái tay", "Sấy lạnh", "Đóng túi lọc", "HACCP", "OCOP 4 sao", "Thêm một dòng"]
    found = check_limits({"bullets": bullets}, "amazon")
    assert [f.rule.split(" ")[0] for f in found] == ["amazon.bullets_count"]
    text = "\n".join(f"- {b}" for b in bullets[:4]) + "\n- " + "x" * 300 + "\n- extra"
    found = check_limits({"bullets": text}, "amazon")
    long = next(f for f in found if "bullet_max" in f.rule)
    assert text[long.start:long.end] == long.text == "x" * 50
    count = next(f for f in found if "bullets_count" in f.rule)
    assert text[count.start:count.end] == "extra"


def test_etsy_tags_count_and_length():
    tags = [f"tag{i}" for i in range(14)] + ["a very long tag name over twenty"]
    found = check_limits({"tags": tags}, "etsy")
    rules = sorted(f.rule.split(" ")[0] for f in found)
    assert rules == ["etsy.tag_max", "etsy.tags_count"]


def test_instagram_hashtags_counted_in_caption_and_list():
    caption = "Trà ngon #traxaden #ocop #hanoi"
    found = check_limits({"caption": caption, "hashtags": ["#a", "#b", "#c"]}, "instagram")
    assert [f.rule.split(" ")[0] for f in found] == ["instagram.hashtags_max"]
    assert "6 hashtags" in found[0].message
    only_caption = "x " + " ".join(f"#t{i}" for i in range(7))
    f = check_limits({"caption": only_caption}, "instagram")[0]
    assert only_caption[f.start:f.end] == "#t5 #t6"


def test_instagram_preview_is_info_only():
    found = check_limits({"caption": "x" * 300}, "instagram")
    assert [(f.severity, f.start) for f in found] == [("info", 125)]


def test_amazon_forbidden_content_and_advised_title():
    found = check_limits({"title": "Best seller herbal tea 🍵 " + "x" * 70,
                          "bullets": ["Eco-friendly pouch", "Money-back guarantee"]}, "amazon")
    texts = sorted(f.text for f in found if "forbidden" in f.rule)
    assert texts == ["Best seller", "Eco-friendly", "Money-back", "guarantee", "🍵"]
    assert any(f.severity == "warning" and "title_advised" in f.rule for f in found)


def test_tiktokshop_title_rejects_promotions_and_urls():
    found = check_limits({"title": "Trà xạ đen giảm giá 50% https://x.vn hộp 20 túi"},
                         "tiktokshop")
    assert {f.text for f in found} == {"giảm giá", "50%", "https://"}


def test_youtube_description_is_counted_in_bytes():
    text = "ệ" * 2000  # 2,000 characters, 6,000 bytes
    f = check_limits({"description": text}, "youtube")[0]
    assert "6000 bytes" in f.message and len(f.suggestion.encode()) <= 5000
    assert check_limits({"title": "a <b>"}, "youtube")[0].text == "<"


def test_a_broken_data_file_fails_loudly(tmp_path, monkeypatch):
    bad = tmp_path / "limits.json"
    bad.write_text(json.dumps({"etsy": {"label": "Etsy", "title_maxx": 1, "sources": [
        {"field": "title", "value": "1", "source": "x"}]}}), encoding="utf-8")
    monkeypatch.setattr(limits, "DATA_FILE", bad)
    limits._load.cache_clear()
    try:
        with pytest.raises(ConfigError, match="unknown keys"):
            limits.get_limits("etsy")
        bad.write_text(json.dumps({"etsy": {"label": "Etsy", "sources": []}}), encoding="utf-8")
        limits._load.cache_clear()
        with pytest.raises(ConfigError, match="cites no source"):
            limits.get_limits("etsy")
    finally:
        monkeypatch.undo()
        limits._load.cache_clear()
    assert limits.get_limits("etsy").title_max == 140


# -- properties --------------------------------------------------------------------------------
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=3000)
LIMIT_KEYS = {"title": "title_max", "description": "description_max", "caption": "caption_max",
              "author": "author_max"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(channel=st.sampled_from(ISSUE_CHANNELS),
       fields=st.dictionaries(st.sampled_from(list(LIMIT_KEYS)), TEXT, min_size=1))
def test_property_every_over_limit_field_is_flagged(channel, fields):
    lim = get_limits(channel)
    found = check_limits(fields, channel)
    for f in found:
        field = f.message.split(":")[0]
        assert field in FIELDS
        if field in fields and f.kind == "limit" and not f.rule.startswith(
                f"{channel}.hashtags"):
            assert fields[field][f.start:f.end] == f.text
    for field, value in fields.items():
        maximum = getattr(lim, LIMIT_KEYS[field])
        flagged = [f for f in found if f.rule.startswith(f"{channel}.{LIMIT_KEYS[field]}")]
        if maximum is not None and len(value) > maximum:
            assert len(flagged) == 1 and flagged[0].severity == "error"
            assert len(flagged[0].suggestion) <= maximum
        else:
            assert flagged == []


@settings(max_examples=100, deadline=None)
@given(tags=st.lists(st.text(max_size=40), max_size=30),
       bullets=st.lists(st.text(max_size=400), max_size=9))
def test_property_list_fields_never_crash_and_respect_counts(tags, bullets):
    found = check_limits({"tags": tags, "bullets": bullets}, "etsy")
    long_tags = [t for t in tags if len(t.strip()) > 20]
    assert len([f for f in found if "tag_max" in f.rule]) == len(long_tags)
    assert any("tags_count" in f.rule for f in found) == (len(tags) > 13)
    amazon = check_limits({"bullets": bullets}, "amazon")
    assert len([f for f in amazon if "bullet_max" in f.rule]) == sum(len(b) > 250
                                                                     for b in bullets)
