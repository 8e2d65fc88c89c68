"""A product's fact sheet: every fact a writer may use, and what is still missing.

``facts(product)`` is the single source the writer, translator, live desk and clips read; anything
not in it is not a fact.
"""

from __future__ import annotations

from datetime import date

from studio.catalog.schema import ALLERGENS, OCOP_GROUPS
from studio.db.models import Product

CERT_VALID_MONTHS = 36
# What a writer needs, in order of importance: (field, i18n key of the hint).
NEEDED = [
    ("name_en", "facts.missing.name_en"),
    ("ocop_stars", "facts.missing.ocop_stars"),
    ("origin", "facts.missing.origin"),
    ("ingredients", "facts.missing.ingredients"),
    ("process_steps", "facts.missing.process_steps"),
    ("price_vnd", "facts.missing.price_vnd"),
    ("net_quantity", "facts.missing.net_quantity"),
    ("shelf_life", "facts.missing.shelf_life"),
    ("storage", "facts.missing.storage"),
    ("usage", "facts.missing.usage"),
    ("traceability_url", "facts.missing.traceability_url"),
    ("story_maker", "facts.missing.story_maker"),
    ("story_process", "facts.missing.story_process"),
    ("story_place", "facts.missing.story_place"),
    ("story_community", "facts.missing.story_community"),
]
FOOD_GROUPS = ("food", "beverages", "herbal")


def facts(product: Product) -> dict:
    """The product's facts as plain data (what generation may state, nothing more)."""
    producer = product.producer
    return {
        "slug": product.slug,
        "names": {"vi": product.name_vi, "en": product.name_en, "fr": product.name_fr},
        "producer": {
            "name": producer.name, "kind": producer.kind, "commune": producer.commune,
            "district": producer.district, "province": producer.province,
            "brand_voice": producer.brand_voice,
        },
        "ocop": {
            "group": product.ocop_group, "group_label": OCOP_GROUPS[product.ocop_group],
            "stars": product.ocop_stars, "level": product.ocop_level,
            "cert_date": product.ocop_cert_date.isoformat() if product.ocop_cert_date else None,
        },
        "category": product.category, "origin": product.origin,
        "ingredients": product.ingredients, "process_steps": list(product.process_steps),
        "certifications": list(product.certifications),
        "allergens": list(product.allergens),
        "traceability": {"code": product.traceability_code, "url": product.traceability_url},
        "price_vnd": product.price_vnd, "unit": product.unit,
        "net_quantity": product.net_quantity, "shelf_life": product.shelf_life,
        "storage": product.storage, "usage": product.usage,
        "story": {"maker": product.story_maker, "process": product.story_process,
                  "place": product.story_place, "community": product.story_community},
        "aliases": list(product.aliases),
        "is_food": product.ocop_group in FOOD_GROUPS,
    }


def missing(product: Product) -> list[tuple[str, str]]:
    """(field, hint key) for each fact a writer would need and the sheet lacks."""
    out = [(name, key) for name, key in NEEDED if getattr(product, name) in (None, "", [])]
    if product.ocop_group in FOOD_GROUPS and not product.allergens:
        out.append(("allergens", "facts.missing.allergens"))
    if not product.photos:
        out.append(("photos", "facts.missing.photos"))
    return out


def cert_expiry(product: Product) -> date | None:
    """OCOP certificates last 36 months from their date."""
    issued = product.ocop_cert_date
    if issued is None:
        return None
    month = issued.month - 1 + CERT_VALID_MONTHS
    year, month = issued.year + month // 12, month % 12 + 1
    day = min(issued.day, 28)
    return date(year, month, day)


def allergen_labels(product: Product, lang: str) -> list[str]:
    return [ALLERGENS[code][lang if lang in ("vi", "en") else "en"] for code in product.allergens]


def completeness(product: Product) -> float:
    """Share of the needed facts present, 0..1."""
    total = len(NEEDED) + 1 + (1 if product.ocop_group in FOOD_GROUPS else 0)
    return round(1 - len(missing(product)) / total, 2)
