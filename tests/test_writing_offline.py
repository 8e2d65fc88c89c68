"""The offline composer end to end: every kind and language on the demo products."""

from __future__ import annotations

import copy
import json

import pytest

from studio.writing import Request, caption, get_engine, is_health_protection_food
from studio.writing.findings import blocking
from studio.writing.limits import CHANNELS, check_limits
from studio.writing.listing import CHANNEL_FIELDS
from studio.writing.script import HOOK_MAX_S, script_text
from tests.writing_helpers import demo_sheets, digit_runs, texts_of

LANGS = ("vi", "en", "fr")
KINDS = ("story", "listing", "script", "caption")


@pytest.fixture
def sheets(demo_engine):
    return demo_sheets()


def write(kind, lang, sheets_, channel=None, minutes=20):
    products = tuple(sheets_) if isinstance(sheets_, list) else (sheets_,)
    return get_engine("offline").write(Request(kind, lang, products, channel, minutes)).fields


def fact_digits(sheet) -> set[str]:
    return digit_runs(json.dumps(sheet, ensure_ascii=False)) | {str(sheet["price_vnd"] or "")}


@pytest.mark.parametrize("lang", LANGS)
def test_every_kind_and_language_uses_only_fact_numbers(sheets, lang):
    for sheet in sheets.values():
        for kind in KINDS:
            fields = write(kind, lang, sheet, channel="shopee" if kind == "listing" else None)
            text = " ".join(texts_of({k: v for k, v in fields.items() if k != "notes"}))
            assert text.strip(), (kind, lang)
            assert "{" not in text and "None" not in text, (kind, lang, text)
            invented = digit_runs(text) - fact_digits(sheet)
            assert not invented, (kind, lang, sheet["slug"], invented)


@pytest.mark.parametrize("lang", LANGS)
def test_story_states_the_facts(sheets, lang):
    sheet = sheets["tra-xa-den"]
    story = write("story", lang, sheet)
    name = sheet["names"][lang] or sheet["names"]["vi"]
    for text in (story["long"], story["short"]):
        assert name.replace("'", "’") in text.replace("'", "’")
        assert sheet["producer"]["name"] in text
    assert "HACCP" in story["long"] and "4" in story["long"]
    long_words, short_words = len(story["long"].split()), len(story["short"].split())
    assert 90 <= long_words <= 320, long_words
    assert 25 <= short_words <= 80, short_words
    assert short_words < long_words


def test_vietnamese_story_has_every_beat(sheets):
    sheet = sheets["tra-xa-den"]
    long = write("story", "vi", sheet)["long"]
    for fact in (sheet["story"]["place"], sheet["story"]["maker"], sheet["story"]["process"],
                 sheet["story"]["community"], sheet["traceability"]["url"], "120.000 đ"):
        assert fact.rstrip(".") in long, fact
    assert long.index(sheet["story"]["maker"][:20]) < long.index("120.000 đ")


def test_missing_facts_drop_sentences_instead_of_inventing(sheets):
    sheet = copy.deepcopy(sheets["tra-xa-den"])
    sheet["price_vnd"] = None
    sheet["story"]["maker"] = ""
    sheet["certifications"] = []
    sheet["ocop"]["stars"] = None
    for lang in LANGS:
        long = write("story", lang, sheet)["long"]
        assert "HACCP" not in long and "120" not in long
        assert "Chị Mai" not in long
        assert not any(x in long for x in ("4 sao", "4-star", "4 étoiles"))  # no rating


@pytest.mark.parametrize("lang", LANGS)
def test_listing_fits_every_channel(sheets, lang):
    for sheet in sheets.values():
        for channel in CHANNELS:
            fields = write("listing", lang, sheet, channel=channel)
            assert set(fields) == set(CHANNEL_FIELDS[channel])
            checked = {k: v for k, v in fields.items() if k != "body"}
            errors = [f for f in check_limits(checked, channel) if f.severity == "error"
                      and not f.rule.split(" ")[0].endswith(("_min", "_min_words"))]
            assert not errors, (channel, lang, sheet["slug"], errors)


def test_channel_specific_shapes(sheets):
    sheet = sheets["tra-xa-den"]
    amazon = write("listing", "en", sheet, channel="amazon")
    assert 1 <= len(amazon["bullets"]) <= 5 and all(len(b) <= 250 for b in amazon["bullets"])
    assert "★" not in amazon["title"]
    etsy = write("listing", "en", sheet, channel="etsy")
    assert 5 <= len(etsy["tags"]) <= 13 and all(len(t) <= 20 for t in etsy["tags"])
    insta = write("listing", "vi", sheet, channel="instagram")
    assert len(insta["hashtags"]) <= 5 and insta["caption"].count("#") <= 5
    assert insta["caption"].endswith(" ".join(insta["hashtags"]))
    zalo = write("listing", "vi", sheet, channel="zalo")
    assert len(zalo["title"]) <= 150 and len(zalo["description"]) <= 300
    assert not zalo["description"].endswith(":")
    tts = write("listing", "vi", sheet, channel="tiktokshop")
    assert sheet["producer"]["name"] not in tts["title"]  # no seller names in TikTok Shop titles
    assert len(tts["description"].split()) >= 30


@pytest.mark.parametrize("lang", LANGS)
def test_script_segments_cues_and_disclosure(sheets, lang):
    products = [sheets["tra-xa-den"], sheets["tra-hoa-cuc"]]
    script = write("script", lang, products, minutes=20)
    keys = [s["key"] for s in script["segments"]]
    assert keys == ["hook", "story", "demo", "offer", "story", "demo", "offer", "qa", "buying",
                    "closing"]
    assert script["segments"][0]["start_s"] == 0
    assert script["segments"][0]["duration_s"] <= HOOK_MAX_S
    assert sum(s["duration_s"] for s in script["segments"]) == 20 * 60
    for a, b in zip(script["segments"], script["segments"][1:], strict=False):
        assert b["start_s"] == a["start_s"] + a["duration_s"]
    lines = [line for s in script["segments"] for line in s["lines"]]
    for cue in ("[SHOW]", "[PIN COMMENT]", "[FLASH SALE]"):
        assert any(line.startswith(cue) for line in lines), cue
    hook = " ".join(script["segments"][0]["lines"])
    assert {"vi": "quảng cáo", "en": "Advertising", "fr": "Publicité"}[lang] in hook
    assert script["notes"] and len(script["title"]) <= 32
    price = {"vi": "120.000 đ", "en": "120,000 VND", "fr": "120\u202f000 VND"}[lang]
    answers = [q["a"] for q in script["questions"]]
    assert any(price in a for a in answers)
    assert "[" in script_text(script) and "00:00" in script_text(script)


def test_health_protection_food_gets_the_decree_15_sentence(sheets):
    sheet = copy.deepcopy(sheets["tra-xa-den"])
    warning = "Thực phẩm này không phải là thuốc và không có tác dụng thay thế thuốc chữa bệnh"
    for lang in LANGS:
        plain = " ".join(texts_of(write("script", lang, sheet, minutes=10)["segments"]))
        assert warning not in plain
    sheet["category"] = "Thực phẩm bảo vệ sức khỏe"
    assert is_health_protection_food(sheet)
    for lang in LANGS:
        script = write("script", lang, sheet, minutes=10)
        offer = next(s for s in script["segments"] if s["key"] == "offer")
        assert any(warning in line for line in offer["lines"]), lang
    other = copy.deepcopy(sheets["tra-hoa-cuc"])
    other["certifications"] = ["Giấy xác nhận công bố TPBVSK"]
    assert is_health_protection_food(other)
    assert not is_health_protection_food(sheets["hop-go-cham-khac"])


@pytest.mark.slow  # loads the spelling dictionaries
def test_caption_reasons_and_limits(sheets):
    sheet = sheets["tra-xa-den"]
    priced = caption(sheet, "vi", reasons=["price"])
    assert priced["caption"].startswith("Trà xạ đen Ô Diên: 120.000 đ")
    assert 1 <= len(priced["hashtags"]) <= 5 and "#OCOP" in priced["hashtags"]
    plain = caption(sheet, "en", reasons=["unknown-reason"])
    assert plain["caption"].startswith("O Dien xa den herbal tea from")
    insta = caption(sheet, "fr", reasons=["trust"], channel="instagram")
    assert len(insta["caption"]) <= 300 and insta["caption"].count("#") <= 5
    assert isinstance(insta["findings"], list)
    assert not [f for f in insta["findings"] if f["severity"] == "error"], insta["findings"]
    bad = caption(dict(sheet, names={"vi": "Trà chữa khỏi ung thư", "en": "", "fr": ""}), "vi")
    assert any(f["kind"] == "claim" and f["severity"] == "error" for f in bad["findings"])
    with pytest.raises(ValueError, match="unknown language"):
        caption(sheet, "de")


def test_french_typography(sheets):
    story = write("story", "fr", sheets["tra-xa-den"])
    assert "d’Ô Diên" in story["long"]
    assert "de Ô" not in story["long"]


def test_composer_is_deterministic(sheets):
    sheet = sheets["buoi-dien-chuc-son"]
    for kind in KINDS:
        a = write(kind, "vi", sheet, channel="etsy" if kind == "listing" else None)
        b = write(kind, "vi", sheet, channel="etsy" if kind == "listing" else None)
        assert a == b


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_offline_output_passes_grounding_and_claims_checks(sheets, lang):
    from studio.writing.service import check_texts

    for sheet in sheets.values():
        for kind in KINDS:
            channel = "shopee" if kind == "listing" else None
            fields = write(kind, lang, sheet, channel=channel)
            found = [f for _, f in check_texts(kind, fields, lang, (sheet,), channel)
                     if f.kind in ("grounding", "claim", "limit", "unicode")]
            assert not blocking(found), (kind, lang, sheet["slug"],
                                         [(f.kind, f.text, f.message) for f in found])


# -- the long story: about 250 words from facts only -------------------------------------------
FULL_STORY_PRODUCTS = ("tra-xa-den", "rau-cai-ngot-vietgap", "hop-go-cham-khac")


def words(text: str) -> int:
    """Words in ``text``: tokens holding a letter or digit (a lone « » : ; is not a word)."""
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def required_only(sheet: dict) -> dict:
    """``sheet`` cut down to what a product must have: Vietnamese name, OCOP group, producer."""
    return {
        "slug": sheet["slug"], "names": {"vi": sheet["names"]["vi"], "en": "", "fr": ""},
        "producer": {"name": sheet["producer"]["name"], "kind": None, "commune": None,
                     "district": None, "province": None, "brand_voice": None},
        "ocop": {"group": sheet["ocop"]["group"], "group_label": sheet["ocop"]["group_label"],
                 "stars": None, "level": None, "cert_date": None},
        "category": None, "origin": None, "ingredients": None, "process_steps": [],
        "certifications": [], "allergens": [], "traceability": {"code": None, "url": None},
        "price_vnd": None, "unit": None, "net_quantity": None, "shelf_life": None,
        "storage": None, "usage": None,
        "story": {"maker": None, "process": None, "place": None, "community": None},
        "aliases": [], "is_food": sheet["is_food"],
    }


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", FULL_STORY_PRODUCTS)
def test_long_story_is_about_250_words_of_facts(sheets, slug, lang):
    from studio.writing.checks import run_checks

    sheet = sheets[slug]
    long = write("story", lang, sheet)["long"]
    assert 200 <= words(long) <= 300, (slug, lang, words(long), long)
    invented = digit_runs(long) - fact_digits(sheet)
    assert not invented, (slug, lang, invented)
    errors = [(f.kind, f.text, f.message) for f in run_checks(long, lang, facts=sheet)
              if f.severity == "error"]
    assert not errors, (slug, lang, errors)


@pytest.mark.parametrize("lang", LANGS)
def test_long_story_tells_each_step_and_what_the_rating_means(sheets, lang):
    sheet = sheets["rau-cai-ngot-vietgap"]
    long = write("story", lang, sheet)["long"]
    for step in sheet["process_steps"]:
        told = step[:1].lower() + step[1:] if lang == "vi" else step
        assert f"{told}." in long, (lang, step)  # each step is a sentence of its own
    level = {"vi": "cấp huyện", "en": "district level", "fr": "niveau district"}[lang]
    assert level in long and "2023" in long
    assert "VietGAP" in long.split(sheet["certifications"][-1], 1)[1]  # explained after listing
    assert sheet["traceability"]["code"] in long


def test_story_sentences_drop_with_their_facts(sheets):
    sheet = copy.deepcopy(sheets["tra-xa-den"])
    sheet["certifications"] = []
    sheet["traceability"]["code"] = ""
    sheet["ocop"]["cert_date"] = "15/06/2023"  # not an ISO date: the year is not guessed
    sheet["process_steps"] = ["Hái lá xạ đen buổi sáng"]  # one step: no "first … finally"
    for lang in LANGS:
        long = write("story", lang, sheet)["long"]
        assert "HACCP" not in long and "DEMO-MDQ-XD-01" not in long, lang
        assert "2023" not in long, lang
        assert not any(w in long for w in ("Cuối cùng", "Finally", "Enfin")), lang
        assert {"vi": "cấp tỉnh", "en": "provincial level", "fr": "niveau provincial"}[lang] in long


@pytest.mark.parametrize("lang", LANGS)
def test_story_of_a_product_with_only_required_fields(sheets, lang):
    sheet = required_only(sheets["hop-go-cham-khac"])
    story = write("story", lang, sheet)
    for text in (story["long"], story["short"]):
        assert text.strip(), lang
        assert sheet["producer"]["name"] in text
        for bad in ("{", "}", "None", "“”", "« »", ": .", " .", "..", ". .", ":\n", "()"):
            assert bad not in text, (lang, bad, text)
        sentences = [s for s in text.replace("\n", " ").split(". ") if s]
        assert all(len(s.split()) >= 2 for s in sentences), (lang, sentences)
        assert not digit_runs(text), (lang, text)  # no fact with a number, so no number
    assert words(story["long"]) < 120, story["long"]  # fewer facts, shorter story
