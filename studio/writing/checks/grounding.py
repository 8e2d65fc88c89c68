"""Grounding: every price, quantity, star rating, number, certification, award and place a text
states must be in the product's fact sheet (``studio.catalog.factsheet.facts``).

Vietnamese number formats are normalised (120.000đ, 120k, 120 nghìn, 1,2 triệu, 300 000 VND);
places are matched without accents or spaces ("Đà Lạt" = "Da Lat" = "Dalat") against every
place-ish fact: origin, the producer's commune, district and province, and the story notes.

Severity: a wrong price, star rating, quantity, certification, award or place is an error (it
would mislead a buyer); an unknown plain number, year or percentage is a warning (an offer or a
step count may be legitimate but should be checked).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from studio.writing.checks._text import fold_same_length
from studio.writing.checks.places import ALWAYS_OK, AREAS, PROVINCES
from studio.writing.findings import Finding

RULE = ("fact sheet grounding: state only what the product's papers show (Advertising Law as "
        "amended by Law 75/2025/QH15, Art. 15a; EU Reg. 1169/2011 Art. 7(1): information must "
        "not mislead)")

_NUM = r"\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+(?![.,]?\d)|\d+(?:[.,]\d+)?"
_CURRENCY = r"(?:đồng|đ|vnđ|vnd|₫|dong)"
_THOUSAND = r"(?:k|nghìn|ngàn|ng)"
_MILLION = r"(?:triệu|tr|million|millions)"
_PRICE = re.compile(
    rf"(?<![\w.,-])(?:(?P<cur1>{_CURRENCY})\s?)?(?P<n>{_NUM})\s?"
    rf"(?:(?P<mil>{_MILLION})(?:\s(?P<rest>\d{{1,3}}))?\s?(?:{_CURRENCY})?|(?P<k>{_THOUSAND})"
    rf"\s?(?:{_CURRENCY})?|(?P<cur2>{_CURRENCY}))(?!\w)", re.I)
_QTY = re.compile(rf"(?<![\w.,-])(?P<n>{_NUM})\s?(?P<u>kg|kí|ký|kilos?|g|gr|gam|gram|grams|"
                  rf"grammes?|mg|ml|l|lít|litres?|liters?|cl)(?!\w)", re.I)
_STARS = re.compile(r"(?<![\w.,-])(?P<n>[1-5])\s?(?:-\s?)?(?:sao|stars?|étoiles?|★)(?!\w)|"
                    r"(?P<glyphs>★{1,5})(?!★)", re.I)
_PERCENT = re.compile(rf"(?<![\w.,-])(?P<n>{_NUM})\s?%")
_NUMBER = re.compile(rf"(?<![\w.,/#-])(?P<n>{_NUM})(?![\w/%-])")
_URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+", re.I)
# Phone numbers and clock times are contact or schedule details, not product claims.
_SKIP = re.compile(r"(?<!\d)(?:\+84 ?|0)\d{2,3}[ .]?\d{3}[ .]?\d{3,4}(?!\d)|"
                   r"(?<!\d)\d{1,2}[:h]\d{2}(?!\d)")
_UNIT_SCALE = {"kg": ("g", 1000), "kí": ("g", 1000), "ký": ("g", 1000), "kilo": ("g", 1000),
               "kilos": ("g", 1000), "g": ("g", 1), "gr": ("g", 1), "gam": ("g", 1),
               "gram": ("g", 1), "grams": ("g", 1), "gramme": ("g", 1), "grammes": ("g", 1),
               "mg": ("g", 0.001), "ml": ("ml", 1), "l": ("ml", 1000), "lít": ("ml", 1000),
               "litre": ("ml", 1000), "litres": ("ml", 1000), "liter": ("ml", 1000),
               "liters": ("ml", 1000), "cl": ("ml", 10)}

# Certification groups: any spelling in a group is the same certificate.
CERTIFICATIONS = (
    ("vietgap", ("VietGAP", "Viet GAP")),
    ("globalgap", ("GlobalGAP", "GLOBALG.A.P.", "Global GAP")),
    ("organic", ("hữu cơ", "organic", "biologique", "bio", "USDA Organic", "EU Organic")),
    ("haccp", ("HACCP",)),
    ("iso", (r"ISO\s?\d{3,5}(?::\d{4})?",)),
    ("fssc", (r"FSSC\s?22000",)),
    ("halal", ("Halal",)),
    ("kosher", ("Kosher",)),
    ("fairtrade", ("Fairtrade", "Fair Trade", "commerce équitable")),
    ("rainforest", ("Rainforest Alliance",)),
    ("brc", ("BRCGS", "BRC")),
    ("gmp", ("GMP",)),
)
AWARDS = re.compile(
    r"huy chương (?:vàng|bạc|đồng)|giải (?:nhất|nhì|ba|vàng|thưởng)|"
    r"thương hiệu quốc gia|hàng việt nam chất lượng cao|top \d+|"
    r"(?:gold|silver|bronze) medal|award[- ]winning|\bawards?\b|\bwinner\b|"
    r"médaille d['’](?:or|argent)|médaille de bronze|\bprimée?s?\b|\blauréat\w*|"
    r"\bprix\b(?! de)|vietnam value", re.I)


@dataclass
class FactIndex:
    """What the fact sheet says, in forms easy to compare against."""

    price: int | None
    stars: int | None
    numbers: set[float] = field(default_factory=set)
    quantities: set[tuple[str, float]] = field(default_factory=set)
    blob: str = ""  # every fact text, accent-folded, lower-case
    places: str = ""  # place-ish facts, folded, spaces removed
    certs: set[str] = field(default_factory=set)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield str(value)


def parse_number(raw: str) -> float:
    """'120.000' -> 120000, '1,2' -> 1.2, '300 000' -> 300000, '1,200' -> 1200."""
    raw = raw.replace("\u00a0", " ").replace("\u202f", " ")
    if re.fullmatch(r"\d{1,3}(?:[., ]\d{3})+", raw):
        return float(re.sub(r"[., ]", "", raw))
    return float(raw.replace(",", "."))


def _price_value(m: re.Match) -> float:
    n = parse_number(m.group("n"))
    if m.group("mil"):
        return n * 1_000_000 + (int(m.group("rest")) * 1000 if m.group("rest") else 0)
    if m.group("k"):
        return n * 1000
    return n


def index_facts(facts: dict) -> FactIndex:
    texts = list(_strings({k: v for k, v in facts.items() if k != "traceability"}))
    ocop = facts.get("ocop") or {}
    idx = FactIndex(price=facts.get("price_vnd"), stars=ocop.get("stars"))
    for text in texts:
        clean = _URL.sub(" ", text)
        for m in _NUMBER.finditer(clean):
            idx.numbers.add(parse_number(m.group("n")))
        for m in re.finditer(r"\d+", clean):  # parts of codes and dates count too
            idx.numbers.add(float(m.group()))
        quantities = [(m, parse_number(m.group("n"))) for m in _QTY.finditer(clean)]
        for m, value in quantities:
            unit, scale = _UNIT_SCALE[m.group("u").lower()]
            idx.quantities.add((unit, round(value * scale, 3)))
        # "20 túi lọc × 3 g" also states 60 g in total
        for m in re.finditer(rf"(?P<a>\d+)\s*[^\d×x*]{{0,20}}?[×x*]\s*(?P<b>{_NUM})\s?"
                             rf"(?P<u>g|gr|gam|ml|kg|l)\b", clean, re.I):
            unit, scale = _UNIT_SCALE[m.group("u").lower()]
            idx.quantities.add((unit, round(int(m.group("a")) * parse_number(m.group("b"))
                                            * scale, 3)))
    if idx.price is not None:
        idx.numbers.add(float(idx.price))
    if idx.stars is not None:
        idx.numbers.add(float(idx.stars))
    idx.blob = fold_same_length(" \n ".join(texts))
    producer = facts.get("producer") or {}
    place_texts = [facts.get("origin") or "", producer.get("commune") or "",
                   producer.get("district") or "", producer.get("province") or "",
                   *_strings(facts.get("story") or {}), *_strings(facts.get("names") or {}),
                   facts.get("ingredients") or "", *_strings(facts.get("aliases") or [])]
    idx.places = _squash(" ".join(place_texts))
    cert_text = fold_same_length(" ".join(_strings(facts.get("certifications") or [])))
    idx.certs = {key for key, spellings in CERTIFICATIONS
                 if any(_cert_regex(s).search(cert_text) or _cert_regex(s).search(idx.blob)
                        for s in spellings)}
    return idx


def _squash(text: str) -> str:
    return re.sub(r"[\s\-–.,']+", "", fold_same_length(text))


def _cert_regex(spelling: str) -> re.Pattern:
    body = spelling if "\\" in spelling else re.escape(fold_same_length(spelling))
    return re.compile(rf"(?<!\w){body}(?!\w)", re.I)


class _Collector:
    def __init__(self, text: str) -> None:
        self.text = text
        self.taken: list[tuple[int, int]] = [m.span() for p in (_URL, _SKIP)
                                             for m in p.finditer(text)]
        self.found: list[Finding] = []

    def free(self, start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in self.taken)

    def take(self, start: int, end: int) -> None:
        self.taken.append((start, end))

    def flag(self, start: int, end: int, severity: str, message: str,
             suggestion: str = "") -> None:
        self.take(start, end)
        self.found.append(Finding("grounding", severity, start, end, self.text[start:end], RULE,
                                  message, suggestion))


def _fmt_price(value: int) -> str:
    return f"{value:,}".replace(",", ".") + "đ"


def _check_stars(c: _Collector, idx: FactIndex) -> None:
    for m in _STARS.finditer(c.text):
        n = len(m.group("glyphs")) if m.group("glyphs") else int(m.group("n"))
        c.take(*m.span())
        if idx.stars is None:
            c.flag(*m.span(), "error", f"states a {n}-star rating; the fact sheet has no OCOP "
                   "rating", "remove the rating or add it to the fact sheet")
        elif n != idx.stars:
            c.flag(*m.span(), "error", f"states {n} stars; the fact sheet says OCOP "
                   f"{idx.stars} stars", m.group().replace(str(n), str(idx.stars), 1)
                   if m.group("n") else "★" * idx.stars)


def _check_prices(c: _Collector, idx: FactIndex) -> None:
    for m in _PRICE.finditer(c.text):
        if not c.free(*m.span()):
            continue
        value = _price_value(m)
        c.take(*m.span())
        if idx.price is not None and round(value) == idx.price:
            continue
        if value in idx.numbers:  # a threshold or amount that the facts do state
            continue
        where = (f"the fact sheet price is {_fmt_price(idx.price)}" if idx.price is not None
                 else "the fact sheet has no price")
        c.flag(*m.span(), "error", f"states a price of {_fmt_price(round(value))}; {where}",
               _fmt_price(idx.price) if idx.price is not None else "")


def _check_quantities(c: _Collector, idx: FactIndex) -> None:
    for m in _QTY.finditer(c.text):
        if not c.free(*m.span()):
            continue
        unit, scale = _UNIT_SCALE[m.group("u").lower()]
        value = round(parse_number(m.group("n")) * scale, 3)
        c.take(*m.span())
        if (unit, value) not in idx.quantities:
            known = sorted(f"{v:g} {u}" for u, v in idx.quantities if u == unit)
            c.flag(*m.span(), "error", f"states {m.group()}; the fact sheet gives "
                   + (", ".join(known) if known else f"no quantity in {unit}"))


def _check_numbers(c: _Collector, idx: FactIndex) -> None:
    for m in _PERCENT.finditer(c.text):
        if c.free(*m.span()) and parse_number(m.group("n")) not in idx.numbers:
            c.flag(*m.span(), "warning", f"states {m.group()}, which is not in the fact sheet")
        c.take(*m.span())
    for m in _NUMBER.finditer(c.text):
        if not c.free(*m.span()):
            continue
        value = parse_number(m.group("n"))
        if value in idx.numbers:
            continue
        kind = "year" if re.fullmatch(r"(?:19|20)\d\d", m.group("n")) else "number"
        c.flag(*m.span(), "warning", f"states the {kind} {m.group()}, which is not in the fact "
               "sheet; check it or add it to the facts")


def _check_certs(c: _Collector, idx: FactIndex) -> None:
    folded = fold_same_length(c.text)
    for key, spellings in CERTIFICATIONS:
        for spelling in spellings:
            for m in _cert_regex(spelling).finditer(folded):
                if not c.free(*m.span()):
                    continue
                if c.text[m.end():m.end() + 1] == "-":
                    continue  # "bio-sourcing", "ISO-like": a prefix, not the label
                if key in idx.certs:
                    c.take(*m.span())
                    continue
                c.flag(*m.span(), "error", f"names the certification "
                       f"'{c.text[m.start():m.end()]}', which the fact sheet does not list",
                       "remove it, or add the certificate to the fact sheet")


def _check_awards(c: _Collector, idx: FactIndex) -> None:
    for m in AWARDS.finditer(c.text):
        if not c.free(*m.span()):
            continue
        if fold_same_length(m.group()) in idx.blob:
            c.take(*m.span())
            continue
        c.flag(*m.span(), "error", f"mentions an award ('{m.group()}') that the fact sheet does "
               "not record", "remove it, or add the award to the story notes")


_PLACE_NAMES = sorted({*PROVINCES, *AREAS}, key=len, reverse=True)


@lru_cache(maxsize=1)
def _place_pattern() -> re.Pattern:
    """One pattern over folded text for every place, longest first; spaces, dashes optional."""
    names = []
    for name in _PLACE_NAMES:
        parts = [re.escape(ch) for ch in _squash(name)]
        names.append(r"[\s\-–.']*".join(parts))
    return re.compile(r"(?<!\w)(?:" + "|".join(names) + r")(?!\w)")


def _capitalised(span: str) -> bool:
    words = re.findall(r"[^\W\d_]+", span)
    lowercase_ok = {"bằng", "bang", "sông", "song"}  # "Đồng bằng sông Cửu Long"
    return bool(words) and all(w[0].isupper() or w.lower() in lowercase_ok for w in words)


def _check_places(c: _Collector, idx: FactIndex) -> None:
    folded = fold_same_length(c.text)
    ok = {_squash(p) for p in ALWAYS_OK}
    for m in _place_pattern().finditer(folded):
        if not c.free(*m.span()) or not _capitalised(c.text[m.start():m.end()]):
            continue  # places are proper nouns: "a golden hue" is not Huế, "Sơn là" not Sơn La
        c.take(*m.span())
        squashed = _squash(m.group())
        if squashed in ok or squashed in idx.places:
            continue
        c.flag(*m.span(), "error", f"names the place '{c.text[m.start():m.end()]}', which "
               "is not the product's origin or the producer's address",
               "use the origin from the fact sheet, or add this place to the story notes")


def check(text: str, lang: str, facts: dict | None) -> list[Finding]:
    """Grounding findings for ``text`` (NFC) against ``facts``; none when there are no facts."""
    if not facts:
        return []
    idx = index_facts(facts)
    c = _Collector(text)
    _check_certs(c, idx)
    _check_awards(c, idx)
    _check_places(c, idx)
    _check_stars(c, idx)
    _check_prices(c, idx)
    _check_quantities(c, idx)
    _check_numbers(c, idx)
    return sorted(c.found, key=lambda f: f.start)
