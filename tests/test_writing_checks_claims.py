"""Claims check: the measured floors on every labelled set, the window rules and the exceptions.

The floors are the figures measured when the sets were last scored; a rule change that loses a
sentence or flags a clean one fails here. Sets up to blind6 were used to shape the lexicons;
blind7 was scored blind (0.571 recall) and not tuned on, so its floor is that blind figure.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from studio.writing.checks import claims
from studio.writing.checks import claims_lexicon as lx
from studio.writing.checks.claims_eval import evaluate, load
from studio.writing.findings import blocking

DATA = Path(__file__).parent / "data"
# Recall floor per set (precision must be 1.00 everywhere: no clean sentence flagged).
RECALL_FLOOR = {
    "claims_labelled": 1.0,
    "claims_holdout": 1.0,
    "claims_blind": 1.0,
    "claims_blind2": 1.0,
    "claims_blind3": 1.0,
    "claims_blind4": 1.0,
    "claims_blind5": 0.97,
    "claims_blind6": 1.0,
    "claims_blind7": 0.57,
}


def test_every_claims_set_is_scored_here():
    on_disk = {p.stem for p in DATA.glob("claims_*.jsonl")}
    assert on_disk == set(RECALL_FLOOR), "add the new set to RECALL_FLOOR with its measured floor"


@pytest.mark.parametrize("name", sorted(RECALL_FLOOR))
def test_no_clean_sentence_is_flagged_and_recall_holds(name):
    scores, wrong = evaluate(load(DATA / f"{name}.jsonl"))
    false_pos = [r["text"] for r in wrong if r["flagged"]]
    assert false_pos == []
    assert scores["all"].recall >= RECALL_FLOOR[name], [r["text"] for r in wrong]


@pytest.mark.parametrize("name, forbidden, clean", [
    ("claims_blind4", 60, 60), ("claims_blind5", 30, 30), ("claims_blind6", 30, 30),
    ("claims_blind7", 30, 30)])
def test_new_sets_are_large_and_cover_three_languages(name, forbidden, clean):
    rows = load(DATA / f"{name}.jsonl")
    assert sum(r["label"] for r in rows) >= forbidden
    assert sum(1 - r["label"] for r in rows) >= clean
    for lang in claims.LANGS:
        mine = [r for r in rows if r["lang"] == lang]
        assert sum(r["label"] for r in mine) >= 8 and sum(1 - r["label"] for r in mine) >= 8


def rules(text: str, lang: str) -> set[str]:
    return {re.search(r"\((\w+\.\w+)\)$", f.message).group(1) for f in claims.check(text, lang)}


# -- the window ---------------------------------------------------------------------------------
@pytest.mark.parametrize("lang, text", [
    ("vi", "Trà chữa đau dạ dày."),
    ("vi", "Trà dứt điểm chứng đau dạ dày."),  # two syllables between verb and target
    ("en", "It lowers cholesterol."),
    ("en", "It heals the worst of stomach ulcers."),  # three words between
    ("fr", "Ce sirop vient à bout des bronchites."),  # disease by its medical stem
])
def test_verb_near_a_condition_is_a_disease_claim(lang, text):
    assert f"{lang}.cure" in rules(text, lang)


@pytest.mark.parametrize("lang, text", [
    ("en", "We fight every day for the families of our farmers with colds."),  # too far
    ("en", "Helps with everything, even the liver."),  # the comma closes the clause
    ("vi", "Chữa cháy kịp thời. Đau lòng vì mất mùa."),  # the full stop closes it
])
def test_window_stops_at_its_width_and_at_clause_punctuation(lang, text):
    assert not {f"{lang}.cure", f"{lang}.effect"} & rules(text, lang)


def test_effect_and_body_pair_in_either_order():
    assert "vi.effect" in rules("Uống mỗi sáng, dạ dày khỏe hẳn.", "vi")
    assert "en.effect" in rules("Helps the liver.", "en")


@pytest.mark.parametrize("lang, text", [
    ("vi", "Giảm giá 20% cho đơn từ 300k."),
    ("vi", "Hôm nay hạ giá còn 129k."),
    ("en", "Lower prices on all honey this week."),
    ("fr", "Prix réduit de 20 % ce week-end."),
    ("en", "Drop 2 kg of rice into boiling water."),  # an amount of goods, not of body weight
    ("fr", "La coopérative a perdu 3 kilos de miel."),
    ("fr", "Le bois est traité contre les termites."),  # "-ites" but no medical stem
])
def test_prices_goods_and_lookalikes_are_not_claims(lang, text):
    assert claims.check(text, lang) == []


def test_accent_free_vietnamese_uses_only_unambiguous_words():
    assert "vi.cure" in rules("tra nay chua dau bao tu dc lun a", "vi")
    # "gan" may be "gần" (near) and "mat" "mát"/"mặt" once the accents are gone.
    assert claims.check("giam gia cho khach o gan", "vi") == []
    assert claims.check("tra giup mat gan", "vi") == []
    # With its accents the same word is the liver.
    assert "vi.effect" in rules("Trà giúp mát gan.", "vi")


def test_fold_unsafe_words_are_in_the_lexicons():
    vi = {*lx.CURE["vi"], *lx.EFFECT["vi"], *lx.CONDITIONS["vi"], *lx.BODY["vi"]}
    assert vi >= lx._FOLD_UNSAFE, lx._FOLD_UNSAFE - vi


# -- the exceptions -----------------------------------------------------------------------------
@pytest.mark.parametrize("lang, text", [
    ("vi", "Thực phẩm này không phải là thuốc và không có tác dụng thay thế thuốc chữa bệnh."),
    ("en", "This product is not intended to diagnose, treat, cure or prevent any disease."),
    ("fr", "Ce produit n'est pas un médicament et ne remplace pas un traitement."),
    ("vi", "Nhà em không dám nói trà chữa được bệnh gì đâu."),
])
def test_disclaimers_and_denials_pass(lang, text):
    assert claims.check(text, lang) == []


@pytest.mark.parametrize("lang, text", [
    ("en", "This product is not intended to diagnose any disease, but it cures colds."),
    ("vi", "Thực phẩm này không phải là thuốc nhưng chữa được ung thư."),
    ("vi", "Uống 2 tuần là không còn ợ chua."),  # "no longer" announces a cure
    ("fr", "Je n'ai plus de migraines depuis que j'en bois."),
])
def test_a_contrast_or_no_longer_does_not_excuse_a_claim(lang, text):
    assert blocking(claims.check(text, lang))


@pytest.mark.parametrize("lang, text", [
    ("vi", "Người bị dị ứng phấn hoa cần thận trọng khi dùng mật ong."),
    ("vi", "Người tiểu đường nên hỏi ý kiến bác sĩ trước khi dùng."),
    ("en", "Contains honey; people with a pollen allergy should check with their doctor."),
    ("en", "Not suitable for people taking insulin."),
    ("fr", "Ne convient pas aux personnes diabétiques."),
])
def test_a_caution_naming_a_condition_passes(lang, text):
    assert claims.check(text, lang) == []


def test_a_caution_does_not_excuse_a_claim_verb():
    found = rules("Trà chữa ung thư, nên hỏi ý kiến bác sĩ trước khi dùng.", "vi")
    assert "vi.cure" in found


def test_population_needs_a_condition():
    assert "vi.population" in rules("Ai hay bị đau nửa đầu thì mua ngay.", "vi")
    assert claims.check("Mẹ em bị mê trà này từ hồi còn trẻ.", "vi") == []


@pytest.mark.parametrize("lang, text, rule", [
    ("en", "Bitter gourd tea: the natural alternative to insulin.", "en.drug"),
    ("fr", "Les infirmières le recommandent à leurs malades.", "fr.authority"),
    ("vi", "Sau 3 hộp trà, vòng bụng giảm 8cm.", "vi.weightpair"),
    ("en", "Feel your arteries thank you after every cup.", "en.thanks"),
    ("vi", "Thần dược cho người mất ngủ.", "vi.medicine"),
])
def test_structural_rules(lang, text, rule):
    assert rule in rules(text, lang)


def test_every_message_says_what_to_do():
    for text, lang in (("Trà chữa đau dạ dày.", "vi"), ("Slimming tea.", "en"),
                       ("Recommandé par les médecins.", "fr"), ("Boosts immunity.", "en")):
        for f in claims.check(text, lang):
            assert "remove" in f.message, f.message
    cure = claims.check("Trà chữa đau dạ dày.", "vi")[0]
    assert "not what it cures" in cure.message


def test_both_accent_placements_match_alike():
    assert claims.canon_tones("hòa khỏe thủy") == "hoà khoẻ thuỷ"
    assert len(claims.canon_tones("Hòa KHỎE")) == len("Hòa KHỎE")
    for new, old in (("Hỗ trợ tiêu hóa.", "Hỗ trợ tiêu hoá."),
                     ("Giúp điều hòa huyết áp.", "Giúp điều hoà huyết áp.")):
        assert rules(new, "vi") == rules(old, "vi") != set()
    found = claims.check("Dạ dày khỏe hẳn.", "vi")
    assert found and found[0].text == "Dạ dày khỏe hẳn"  # offsets and text of the input
