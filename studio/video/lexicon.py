"""Selling words in Vietnamese and English, matched on folded text (no diacritics, lower case).

Each term is ``(pattern, label_vi, label_en)``; the label is what a highlight's reasons show.
Whisper often writes Vietnamese without some diacritics, and folding makes "giảm giá",
"giam gia" and "GIẢM GIÁ" the same.
"""

from __future__ import annotations

import re

Term = tuple[re.Pattern, str, str]


def _terms(rows: list[tuple[str, str, str]]) -> list[Term]:
    return [(re.compile(rf"\b(?:{pat})\b"), vi, en) for pat, vi, en in rows]


OFFER = _terms([
    (r"giam gia|giam \d+|giam (?:con|chi con)", "giảm giá", "discount"),
    (r"khuyen mai|uu dai|sale|flash sale|voucher|ma giam|coupon", "khuyến mãi", "promotion"),
    (r"free ?ship|mien phi (?:van chuyen|giao hang|ship)|free shipping", "freeship",
     "free shipping"),
    (r"qua tang|tang kem|tang them|mua \w+ tang \w+", "quà tặng", "free gift"),
    (r"combo|bundle", "combo", "bundle"),
    (r"gia(?! (?:dinh|dung|tri|vi|truyen|han|toc|canh))|price|\d+ ?k|"
     r"(?:\w+ )?(?:nghin|ngan|nhin|trieu) dong|dong mot|vnd",
     "giá", "price"),
    (r"phan tram|percent|\d+ ?%|off|discount", "phần trăm giảm", "percent off"),
])
CTA = _terms([
    (r"chot don|chot|dat hang|dat ngay|mua ngay|len don", "chốt đơn", "order now"),
    (r"order now|buy now|add to cart|order", "chốt đơn", "order now"),
    (r"chi con|con (?:\w+ ){0,3}suat|so luong co han|only (?:\w+ ){0,3}left|limited|"
     r"het hang|last chance", "số lượng có hạn", "limited stock"),
    (r"nhanh tay|hom nay thoi|hurry|today only", "nhanh tay", "hurry"),
    (r"inbox|nhan tin|binh luan|comment|gio hang|bam (?:vao|link|gio)|link", "bình luận / giỏ hàng",
     "comment / cart"),
])
STORY = _terms([
    (r"ngay xua|ngay truoc|years ago|back then", "ngày xưa", "back then"),
    (r"(?:ba|ong|me|bo|cha) (?:toi|minh|em)|gia dinh|grandmother|grandfather|family",
     "gia đình", "family"),
    (r"lang|ba con|village|nguoi dan", "làng", "village"),
    (r"truyen thong|thu cong|tu tay|handmade|tradition", "truyền thống", "tradition"),
    (r"cau chuyen|story|tren nui|farm|vuon", "câu chuyện", "story"),
])

#: Phrases also matched fuzzily (Whisper misspells them: "mến phí vàn chuyên", "phần chăm").
FUZZY = {
    "giảm giá": ("giam gia",), "freeship": ("mien phi van chuyen", "mien phi giao hang"),
    "khuyến mãi": ("khuyen mai",), "phần trăm giảm": ("phan tram",),
    "giá": ("nghin dong", "tram nghin"), "chốt đơn": ("chot don", "dat hang", "mua ngay"),
    "số lượng có hạn": ("chi con", "so luong co han"), "nhanh tay": ("nhanh tay",),
}
FUZZY_MIN = 85

_DIGITS = {"khong": 0, "mot": 1, "mots": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5,
           "lam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9}


def find_terms(folded: str, terms: list[Term]) -> list[str]:
    """Labels (Vietnamese) of the terms found in ``folded`` text, each once, in term order."""
    from rapidfuzz import fuzz

    found = []
    for pattern, label, _en in terms:
        if label in found:
            continue
        if pattern.search(folded) or any(
                len(folded) >= len(p) and fuzz.partial_ratio(p, folded) >= FUZZY_MIN
                for p in FUZZY.get(label, ())):
            found.append(label)
    return found


def _english(label: str) -> str:
    for table in (OFFER, CTA, STORY):
        for _pat, vi, en in table:
            if vi == label:
                return en
    return label


def spoken_price(text: str) -> int | None:
    """A price said in ``text`` in đồng: "120.000đ", "120k", "một trăm hai mươi nghìn"."""
    from studio.i18n import fold

    folded = fold(text)
    match = re.search(r"(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(k|nghin|ngan|trieu|tr|d|dong|vnd)\b",
                      folded)
    if match:
        value = int(re.sub(r"[.,]", "", match.group(1)))
        unit = match.group(2)
        if unit in ("k", "nghin", "ngan") and value < 10_000:
            value *= 1000
        elif unit in ("trieu", "tr") and value < 10_000:
            value *= 1_000_000
        return value if value >= 1000 else None
    return _words_price(re.findall(r"[a-z]+", folded))


def _words_price(tokens: list[str]) -> int | None:
    total = group = cur = 0
    seen = False
    for token in tokens:
        if token in _DIGITS:
            cur, seen = _DIGITS[token], True
        elif token in ("muoi", "chuc") and seen:
            group += (cur or 1) * 10
            cur = 0
        elif token == "tram" and seen:
            group += cur * 100
            cur = 0
        elif token in ("nghin", "ngan", "trieu") and seen:
            total += (group + cur) * (1000 if token != "trieu" else 1_000_000)
            if total >= 1000:
                return total
            group = cur = 0
        elif token not in ("linh", "le"):
            total = group = cur = 0
            seen = False
    return None


def money(value: int, lang: str) -> str:
    return f"{value:,}".replace(",", ".") + "đ" if lang == "vi" else f"{value:,}₫"


def reason_texts(sents: list, lang: str = "vi") -> list[str]:
    """Human reasons for a window: price, product, offers, calls to action, story, density."""
    reasons: list[str] = []
    prices = [s.price for s in sents if s.price]
    if prices:
        reasons.append(("giá " if lang == "vi" else "price ") + money(prices[0], lang))
    named = next((s.product for s in sents if s.mentioned), None)
    if named is not None:
        reasons.append(("sản phẩm: " if lang == "vi" else "product: ") + named.name)
    for head_vi, head_en, attr in (("ưu đãi", "offer", "offers"), ("kêu gọi", "call to action",
                                   "ctas"), ("câu chuyện", "story", "stories")):
        labels: list[str] = []
        for sent in sents:
            for label in getattr(sent, attr):
                if label not in labels and not (label == "giá" and prices):
                    labels.append(label)
        if labels:
            shown = labels if lang == "vi" else [_english(x) for x in labels]
            reasons.append(f"{head_vi if lang == 'vi' else head_en}: {', '.join(shown)}")
    return reasons
