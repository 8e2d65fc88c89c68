"""Shared helpers of the writer tests (not a test module)."""

from __future__ import annotations

import re

from studio.catalog.factsheet import facts
from studio.catalog.service import get_workspace, list_products
from studio.db.session import session_scope


def demo_sheets() -> dict[str, dict]:
    """Fact sheets of every demo product, by slug (needs the demo_engine fixture)."""
    with session_scope() as session:
        ws = get_workspace(session, "demo")
        return {p.slug: facts(p) for p in list_products(session, ws)}


def texts_of(value) -> list[str]:
    """Every string inside a nested result (dicts and lists)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in texts_of(v)]
    if isinstance(value, list):
        return [t for v in value for t in texts_of(v)]
    return []


_URL = re.compile(r"https?://\S+")


def digit_runs(text: str) -> set[str]:
    """Numbers in ``text`` outside URLs, thousands separators removed (120.000 → 120000)."""
    text = _URL.sub(" ", text)
    text = re.sub(r"(?<=\d)[.,\u202f\u00a0](?=\d{3}\b)", "", text)
    return set(re.findall(r"\d+", text))
