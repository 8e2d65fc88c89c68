"""What a valid producer and product are: vocabularies and field-by-field validation.

Validation returns every problem at once (as i18n codes), so a form or an import can show them all.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from urllib.parse import urlparse

from studio.errors import Problem, ValidationFailed
from studio.i18n import fold, nfc

# The six official OCOP groups (Decision 148/QĐ-TTg, 2023).
OCOP_GROUPS: dict[str, dict[str, str]] = {
    "food": {"vi": "Thực phẩm", "en": "Food"},
    "beverages": {"vi": "Đồ uống", "en": "Beverages"},
    "herbal": {"vi": "Thảo dược", "en": "Herbal products"},
    "handicraft": {"vi": "Thủ công mỹ nghệ, trang trí", "en": "Handicraft and decoration"},
    "textiles": {"vi": "Vải và may mặc", "en": "Textiles and garments"},
    "tourism": {"vi": "Dịch vụ du lịch nông thôn", "en": "Rural tourism services"},
}
# Certificates are issued by the district (3★), the province (4★) or the nation (5★).
OCOP_LEVELS = {"district": 3, "province": 4, "national": 5}
PRODUCER_KINDS = ("household", "cooperative", "enterprise")
# The 14 allergens of EU Reg. 1169/2011 Annex II.
ALLERGENS: dict[str, dict[str, str]] = {
    "gluten": {"vi": "Ngũ cốc chứa gluten", "en": "Cereals containing gluten"},
    "crustaceans": {"vi": "Giáp xác", "en": "Crustaceans"},
    "eggs": {"vi": "Trứng", "en": "Eggs"},
    "fish": {"vi": "Cá", "en": "Fish"},
    "peanuts": {"vi": "Đậu phộng (lạc)", "en": "Peanuts"},
    "soybeans": {"vi": "Đậu nành", "en": "Soybeans"},
    "milk": {"vi": "Sữa", "en": "Milk"},
    "nuts": {"vi": "Các loại hạt", "en": "Nuts"},
    "celery": {"vi": "Cần tây", "en": "Celery"},
    "mustard": {"vi": "Mù tạt", "en": "Mustard"},
    "sesame": {"vi": "Vừng (mè)", "en": "Sesame"},
    "sulphites": {"vi": "Sulphit > 10 mg/kg", "en": "Sulphites > 10 mg/kg"},
    "lupin": {"vi": "Đậu lupin", "en": "Lupin"},
    "molluscs": {"vi": "Động vật thân mềm", "en": "Molluscs"},
}
KNOWN_CERTIFICATIONS = ("VietGAP", "GlobalGAP", "Organic", "HACCP", "ISO 22000", "eGAP")
MAX_TEXT = 5000
# Fields stored in a shorter column than MAX_TEXT (studio/db/models.py): the same limit here, so a
# long value is a clear problem on every database instead of a PostgreSQL driver error.
MAX_LEN = {"name_vi": 200, "name_en": 200, "name_fr": 200, "category": 120, "origin": 300,
           "traceability_code": 120, "traceability_url": 500, "unit": 40, "net_quantity": 60,
           "shelf_life": 120,
           # producers
           "name": 200, "commune": 120, "district": 120, "province": 120, "contact": 300}
MAX_LIST_ITEMS = 40
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PRICE_RE = re.compile(r"^\d{1,3}(?:[.,\s]\d{3})+$|^\d+$")
MAX_PRICE = 10**12

PRODUCT_TEXT_FIELDS = (
    "name_en", "name_fr", "category", "origin", "ingredients", "traceability_code", "unit",
    "net_quantity", "shelf_life", "storage", "usage", "story_maker", "story_process",
    "story_place", "story_community",
)
PRODUCT_LIST_FIELDS = ("process_steps", "certifications", "allergens", "aliases")
PRODUCT_FIELDS = (
    "slug", "name_vi", "ocop_group", "ocop_stars", "ocop_cert_date", "ocop_level", "price_vnd",
    "traceability_url", *PRODUCT_TEXT_FIELDS, *PRODUCT_LIST_FIELDS,
)
PRODUCER_FIELDS = (
    "name", "kind", "commune", "district", "province", "contact", "brand_voice",
)


def slugify(text: str) -> str:
    """'Trà xạ đen Ô Diên' → 'tra-xa-den-o-dien'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:80].rstrip("-")


def _clean_text(value: object) -> str:
    if value is None:
        return ""
    text = nfc(str(value)).strip()
    # Control characters (other than newlines and tabs) never belong in a fact sheet.
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc")


def split_list(value: object) -> list[str]:
    """A list field from a form or a CSV cell: a list, or text separated by ';' or new lines."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else re.split(r"[;\n]", str(value))
    return [_clean_text(i) for i in items if _clean_text(i)]


def _match_vocab(value: str, vocab: dict[str, dict[str, str]]) -> str | None:
    """Accept a code or any language's label, ignoring case and diacritics."""
    key = fold(value).strip()
    for code, labels in vocab.items():
        if key == code or key in {fold(label) for label in labels.values()}:
            return code
    return None


def parse_price(value: object, problems: list[Problem], row: int | None) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        problems.append(Problem("price_vnd", "price_not_number", {"value": value}, row))
        return None
    if isinstance(value, int | float):
        if value < 0:
            problems.append(Problem("price_vnd", "price_negative", {"value": value}, row))
            return None
        if float(value) != int(value):
            problems.append(Problem("price_vnd", "price_decimals", {"value": value}, row))
            return None
        number = int(value)
    else:
        text = str(value).strip().removesuffix("đ").removesuffix("VND").strip()
        if text.startswith("-"):
            problems.append(Problem("price_vnd", "price_negative", {"value": value}, row))
            return None
        if not PRICE_RE.match(text):
            problems.append(Problem("price_vnd", "price_not_number", {"value": value}, row))
            return None
        number = int(re.sub(r"[.,\s]", "", text))
    if number > MAX_PRICE:
        problems.append(Problem("price_vnd", "price_too_high", {"value": value}, row))
        return None
    return number


def parse_stars(value: object, problems: list[Problem], row: int | None) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        number = -1.0
    if number != int(number) or not 1 <= number <= 5:
        problems.append(Problem("ocop_stars", "stars_range", {"value": value}, row))
        return None
    return int(number)


def parse_date(value: object, problems: list[Problem], row: int | None) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        parsed = value.date()
    elif isinstance(value, date):
        parsed = value
    else:
        parsed = None
        for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
            try:
                parsed = datetime.strptime(str(value).strip(), fmt).date()
                break
            except ValueError:
                continue
        if parsed is None:
            problems.append(Problem("ocop_cert_date", "date_format", {"value": value}, row))
            return None
    if parsed > date.today():
        problems.append(Problem("ocop_cert_date", "date_future", {"value": parsed}, row))
        return None
    if parsed.year < 2018:  # the OCOP programme started in 2018
        problems.append(Problem("ocop_cert_date", "date_before_ocop", {"value": parsed}, row))
        return None
    return parsed


def _check_url(url: str, problems: list[Problem], row: int | None) -> str:
    if not url:
        return ""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or " " in url:
        problems.append(Problem("traceability_url", "url_invalid", {"value": url}, row))
    return url


def validate_product(raw: dict, row: int | None = None) -> dict:
    """Clean and check one product's fields; raise ValidationFailed listing every problem.

    ``raw`` may hold strings (a form, a CSV row) or typed values (the API). Unknown keys are
    rejected so a typo in a column name is never silently dropped.
    """
    problems: list[Problem] = []
    unknown = sorted(set(raw) - set(PRODUCT_FIELDS) - {"producer"})
    problems += [Problem(k, "unknown_field", {}, row) for k in unknown]
    clean: dict = {}
    name_vi = _clean_text(raw.get("name_vi"))
    if not name_vi:
        problems.append(Problem("name_vi", "required", {}, row))
    elif len(name_vi) > MAX_LEN["name_vi"]:
        problems.append(Problem("name_vi", "too_long", {"max": MAX_LEN["name_vi"]}, row))
    clean["name_vi"] = name_vi
    slug = _clean_text(raw.get("slug")) or slugify(name_vi)
    if not SLUG_RE.match(slug) or len(slug) > 80:
        problems.append(Problem("slug", "slug_format", {"value": slug}, row))
    clean["slug"] = slug
    group_raw = _clean_text(raw.get("ocop_group"))
    group = _match_vocab(group_raw, OCOP_GROUPS) if group_raw else None
    if not group_raw:
        problems.append(Problem("ocop_group", "required", {}, row))
    elif group is None:
        problems.append(Problem("ocop_group", "group_unknown", {"value": group_raw,
                                "allowed": ", ".join(OCOP_GROUPS)}, row))
    clean["ocop_group"] = group
    clean["ocop_stars"] = parse_stars(raw.get("ocop_stars"), problems, row)
    clean["ocop_cert_date"] = parse_date(raw.get("ocop_cert_date"), problems, row)
    level = fold(_clean_text(raw.get("ocop_level")))
    if level and level not in OCOP_LEVELS:
        problems.append(Problem("ocop_level", "level_unknown", {"value": level,
                                "allowed": ", ".join(OCOP_LEVELS)}, row))
    clean["ocop_level"] = level if level in OCOP_LEVELS else ""
    clean["price_vnd"] = parse_price(raw.get("price_vnd"), problems, row)
    clean["traceability_url"] = _check_url(_clean_text(raw.get("traceability_url")), problems, row)
    if len(clean["traceability_url"]) > MAX_LEN["traceability_url"]:
        problems.append(Problem("traceability_url", "too_long",
                                {"max": MAX_LEN["traceability_url"]}, row))
    for name in PRODUCT_TEXT_FIELDS:
        text = _clean_text(raw.get(name))
        limit = MAX_LEN.get(name, MAX_TEXT)
        if len(text) > limit:
            problems.append(Problem(name, "too_long", {"max": limit}, row))
        clean[name] = text
    for name in PRODUCT_LIST_FIELDS:
        items = split_list(raw.get(name))
        if len(items) > MAX_LIST_ITEMS:
            problems.append(Problem(name, "too_many", {"max": MAX_LIST_ITEMS}, row))
        clean[name] = items
    clean["allergens"] = _check_allergens(clean["allergens"], problems, row)
    if problems:
        raise ValidationFailed(problems)
    return clean


def _check_allergens(items: list[str], problems: list[Problem], row: int | None) -> list[str]:
    codes = []
    for item in items:
        code = _match_vocab(item, ALLERGENS)
        if code is None:
            problems.append(Problem("allergens", "allergen_unknown", {"value": item}, row))
        elif code not in codes:
            codes.append(code)
    return codes


def validate_producer(raw: dict) -> dict:
    """Clean and check a producer's fields; raise ValidationFailed listing every problem."""
    problems: list[Problem] = []
    unknown = sorted(set(raw) - set(PRODUCER_FIELDS))
    problems += [Problem(k, "unknown_field") for k in unknown]
    clean = {name: _clean_text(raw.get(name)) for name in PRODUCER_FIELDS}
    if not clean["name"]:
        problems.append(Problem("name", "required"))
    clean["kind"] = clean["kind"] or "household"
    if clean["kind"] not in PRODUCER_KINDS:
        problems.append(Problem("kind", "kind_unknown", {"value": clean["kind"],
                                "allowed": ", ".join(PRODUCER_KINDS)}))
    for name, text in clean.items():
        limit = MAX_LEN.get(name, MAX_TEXT)
        if len(text) > limit:
            problems.append(Problem(name, "too_long", {"max": limit}))
    if problems:
        raise ValidationFailed(problems)
    return clean
