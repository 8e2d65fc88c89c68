"""Catalog: validation rules, producers and products, search, fact sheet."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import pytest

from studio.catalog.factsheet import cert_expiry, completeness, facts, missing
from studio.catalog.schema import slugify, validate_producer, validate_product
from studio.catalog.service import (
    delete_product,
    ensure_workspace,
    get_product,
    get_workspace,
    list_products,
    save_producer,
    save_product,
    unique_slug,
)
from studio.errors import Conflict, NotFound, ValidationFailed

GOOD = {"name_vi": "Trà xạ đen", "ocop_group": "herbal", "ocop_stars": "4",
        "price_vnd": "120.000", "allergens": "sesame; Sữa", "process_steps": "Hái; Sấy\nĐóng gói"}


def codes(exc: ValidationFailed) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in exc.problems}


def test_valid_product_is_cleaned():
    clean = validate_product(GOOD)
    assert clean["slug"] == "tra-xa-den"
    assert clean["ocop_stars"] == 4 and clean["price_vnd"] == 120000
    assert clean["allergens"] == ["sesame", "milk"]
    assert clean["process_steps"] == ["Hái", "Sấy", "Đóng gói"]


@pytest.mark.parametrize("field,value,code", [
    ("ocop_stars", "6", "stars_range"),
    ("ocop_stars", "0", "stars_range"),
    ("ocop_stars", "3.5", "stars_range"),
    ("ocop_stars", "bốn", "stars_range"),
    ("price_vnd", "-5000", "price_negative"),
    ("price_vnd", -1, "price_negative"),
    ("price_vnd", "12,5", "price_not_number"),
    ("price_vnd", 12.5, "price_decimals"),
    ("price_vnd", "abc", "price_not_number"),
    ("price_vnd", str(10**13), "price_too_high"),
    ("ocop_group", "spaceships", "group_unknown"),
    ("ocop_group", "", "required"),
    ("name_vi", "   ", "required"),
    ("slug", "Trà Xạ Đen!", "slug_format"),
    ("ocop_cert_date", "31/02/2024", "date_format"),
    ("ocop_cert_date", (date.today() + timedelta(days=3)).isoformat(), "date_future"),
    ("ocop_cert_date", "2010-01-01", "date_before_ocop"),
    ("ocop_level", "galactic", "level_unknown"),
    ("traceability_url", "javascript:alert(1)", "url_invalid"),
    ("traceability_url", "ftp://x.vn/a", "url_invalid"),
    ("allergens", "gluten; unicorn", "allergen_unknown"),
    ("origin", "x" * 5001, "too_long"),
    ("colour", "red", "unknown_field"),
])
def test_impossible_values_are_rejected(field, value, code):
    with pytest.raises(ValidationFailed) as info:
        validate_product({**GOOD, field: value})
    assert (field, code) in codes(info.value)


def test_every_problem_is_reported_at_once():
    with pytest.raises(ValidationFailed) as info:
        validate_product({"name_vi": "", "ocop_group": "x", "ocop_stars": "9", "price_vnd": "-1"})
    assert {c for _, c in codes(info.value)} >= {"required", "group_unknown", "stars_range",
                                                  "price_negative"}


def test_group_accepts_vietnamese_label_without_diacritics():
    assert validate_product({**GOOD, "ocop_group": "thao duoc"})["ocop_group"] == "herbal"
    assert validate_product({**GOOD, "ocop_group": "Đồ uống"})["ocop_group"] == "beverages"


def test_problem_messages_are_translated():
    with pytest.raises(ValidationFailed) as info:
        validate_product({**GOOD, "ocop_stars": "6"})
    problem = info.value.problems[0]
    assert "1 đến 5" in problem.message("vi")
    assert "1 to 5" in problem.message("en")
    assert "1 to 5" in str(info.value)


def test_control_characters_are_stripped_and_text_nfc():
    clean = validate_product({**GOOD, "origin": unicodedata.normalize("NFD", "Ô Diên\x00\x07")})
    assert clean["origin"] == "Ô Diên"


def test_slugify():
    assert slugify("Trà xạ đen Ô Diên") == "tra-xa-den-o-dien"
    assert slugify("  ĐẶC SẢN  ") == "dac-san"


def test_producer_validation():
    assert validate_producer({"name": "HTX A", "kind": "cooperative"})["kind"] == "cooperative"
    with pytest.raises(ValidationFailed) as info:
        validate_producer({"name": "", "kind": "corporation"})
    assert codes(info.value) == {("name", "required"), ("kind", "kind_unknown")}


def test_product_crud_and_search(session, ws):
    producer = save_producer(session, ws, {"name": "MD Queens", "kind": "enterprise"})
    product = save_product(session, ws, producer, {**GOOD, "aliases": "A1; trà"})
    assert get_product(session, ws, "tra-xa-den").id == product.id
    assert [p.slug for p in list_products(session, ws, "XA DEN")] == ["tra-xa-den"]
    assert [p.slug for p in list_products(session, ws, "trà a1")] == ["tra-xa-den"]
    assert list_products(session, ws, "cà phê") == []
    assert list_products(session, ws, "100%") == []  # LIKE wildcards are escaped
    save_product(session, ws, producer, {**GOOD, "price_vnd": "99000"}, product)
    assert get_product(session, ws, "tra-xa-den").price_vnd == 99000
    with pytest.raises(Conflict, match="already used"):
        save_product(session, ws, producer, GOOD)
    assert unique_slug(session, ws, "Trà xạ đen") == "tra-xa-den-2"
    delete_product(session, ws, "tra-xa-den")
    with pytest.raises(NotFound, match="products list"):
        get_product(session, ws, "tra-xa-den")


def test_other_workspace_is_invisible(session, ws):
    other = ensure_workspace(session, "other")
    producer = save_producer(session, other, {"name": "Other"})
    save_product(session, other, producer, GOOD)
    assert list_products(session, ws) == []
    with pytest.raises(NotFound):
        get_product(session, ws, "tra-xa-den")


def test_duplicate_producer_name(session, ws):
    save_producer(session, ws, {"name": "HTX A"})
    with pytest.raises(ValidationFailed) as info:
        save_producer(session, ws, {"name": "HTX A"})
    assert codes(info.value) == {("name", "duplicate")}


def test_get_workspace_choices(session):
    with pytest.raises(NotFound, match="studio init"):
        get_workspace(session, None)
    ensure_workspace(session, "a")
    assert get_workspace(session, None).slug == "a"
    ensure_workspace(session, "b")
    with pytest.raises(NotFound, match="--workspace"):
        get_workspace(session, None)
    with pytest.raises(NotFound, match="existing: a, b"):
        get_workspace(session, "zzz")


def test_fact_sheet_and_missing(session, ws):
    producer = save_producer(session, ws, {"name": "Bà Lan", "province": "Hà Nội"})
    product = save_product(session, ws, producer, {**GOOD, "ocop_cert_date": "2023-06-15"})
    sheet = facts(product)
    assert sheet["names"]["vi"] == "Trà xạ đen" and sheet["price_vnd"] == 120000
    assert sheet["producer"]["province"] == "Hà Nội" and sheet["is_food"] is True
    gaps = {name for name, _ in missing(product)}
    assert {"origin", "photos", "story_maker", "traceability_url"} <= gaps
    assert "allergens" not in gaps  # sesame and milk are declared
    assert 0 < completeness(product) < 1
    assert cert_expiry(product) == date(2026, 6, 15)


def test_demo_is_idempotent(sqlite_engine):
    from studio.db.session import session_scope
    from studio.demo import load_demo

    first = load_demo()
    second = load_demo()
    assert first["products"] == second["products"] == 6 and second["created"] == 0
    assert first["producers"] == 3
    with session_scope(sqlite_engine) as s:
        ws = get_workspace(s, "demo")
        tea = get_product(s, ws, "tra-xa-den")
        assert tea.ocop_stars == 4 and tea.photos and tea.producer.name == "MD Queens"
        veg = get_product(s, ws, "rau-cai-ngot-vietgap")
        assert {"VietGAP", "GlobalGAP"} <= set(veg.certifications)
        assert all(p.traceability_url for p in list_products(s, ws))
