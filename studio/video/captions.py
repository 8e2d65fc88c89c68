"""A clip's post caption and hashtags, from the product's facts and the highlight's reasons.

With a catalog product (a full fact sheet from ``studio.catalog.factsheet.facts``) the writer's
``caption`` kind writes it, checked like every other text. Without one (the CLI on a bare video
file), a short caption is built here from what is known. Only facts are used.
"""

from __future__ import annotations

import re

from studio.i18n import fold

MAX_LEN = 300


def hashtag(text: str) -> str:
    """'Trà xạ đen Ô Diên' → '#TraXaDenODien' (platforms break tags on diacritics)."""
    words = re.findall(r"[A-Za-z0-9]+", fold(text))
    return "#" + "".join(w.capitalize() for w in words) if words else ""


def clip_caption(product: dict | None, reasons: list[str], lang: str = "vi") -> dict:
    """``{"caption", "hashtags"}`` for a clip.

    Args:
        product: ``studio.catalog.factsheet.facts(product)`` or a dict with ``name_vi``,
            ``name_en``, ``price_vnd``, ``origin`` (any may be missing).
        reasons: the highlight's reasons in words.
        lang: "vi" or "en".
    """
    if product and "names" in product:  # a full fact sheet: the writer writes the caption
        from studio.writing.caption import caption

        written = caption(product, lang, writer_reasons(reasons))
        return {"caption": written["caption"], "hashtags": written["hashtags"],
                "findings": written.get("findings", [])}
    product = flat_facts(product)
    name = (product.get("name_en") if lang == "en" else None) or product.get("name_vi") or ""
    parts: list[str] = []
    if name:
        parts.append(name)
    price = product.get("price_vnd")
    if isinstance(price, int | float) and price:
        amount = f"{int(price):,}".replace(",", ".")
        parts.append(f"giá {amount}đ" if lang == "vi" else f"{int(price):,}₫")
    offers = [r.split(": ", 1)[1] for r in reasons if r.startswith(("ưu đãi: ", "offer: "))]
    if offers:
        parts.append(offers[0])
    origin = product.get("origin") or ""
    if origin:
        parts.append(("từ " if lang == "vi" else "from ") + origin)
    line = " · ".join(parts) if parts else ("Clip livestream" if lang == "en" else
                                             "Trích đoạn livestream")
    cta = "Đặt hàng trong giỏ hàng!" if lang == "vi" else "Order from the cart!"
    tags = [t for t in (hashtag(name), "#OCOP", "#ocopvietnam" if lang == "en" else
                        "#DacSanVietNam", "#livestream") if t]
    caption = f"{line}. {cta}"
    if len(caption) > MAX_LEN:
        caption = caption[: MAX_LEN - 1].rstrip() + "…"
    return {"caption": caption, "hashtags": list(dict.fromkeys(tags))}


def writer_reasons(reasons: list[str]) -> list[str]:
    """The highlight's reasons in words → the writer's reason codes (best first)."""
    codes = []
    for reason in reasons:
        head = fold(reason)
        if head.startswith(("gia ", "price ", "uu dai", "offer", "keu goi", "call to action")):
            codes.append("price")
        elif head.startswith(("cau chuyen", "story")):
            codes.append("story")
    return list(dict.fromkeys(codes))


def flat_facts(product: dict | None) -> dict:
    """A fact sheet or a flat dict → {name_vi, name_en, price_vnd, origin}."""
    product = product or {}
    if "names" not in product:
        return product
    return {"name_vi": product["names"].get("vi") or "", "name_en": product["names"].get("en")
            or "", "price_vnd": product.get("price_vnd"), "origin": product.get("origin") or ""}
