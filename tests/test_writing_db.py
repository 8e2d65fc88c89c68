"""Generation log, drafts with versions, history: on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from studio.catalog.service import save_producer, save_product
from studio.errors import StudioError
from studio.writing import approve, generate, history, save_draft
from studio.writing.models import Draft, Generation
from studio.writing.service import apply_fix, as_text, bulk_listings, listings_csv


@pytest.fixture
def product(session, ws):
    producer = save_producer(session, ws, {"name": "HTX Thử", "kind": "cooperative",
                                           "commune": "Ô Diên", "district": "Đan Phượng",
                                           "province": "Hà Nội"})
    return save_product(session, ws, producer, {
        "slug": "mat-ong", "name_vi": "Mật ong hoa nhãn", "name_en": "Longan honey",
        "ocop_group": "food", "ocop_stars": 3, "price_vnd": "150000", "unit": "chai",
        "net_quantity": "500 ml", "certifications": "VietGAP",
        "story_maker": "Các hộ nuôi ong trong xã.", "allergens": ""})


def test_every_generation_is_logged_with_all_fields(session, ws, product):
    result = generate(session, ws, "mat-ong", "listing", "vi,fr", channel="etsy")
    rows = {r.lang: r for r in history(session, ws, product)}
    assert set(rows) == {"vi", "fr"}
    for lang, row in rows.items():
        assert row.id == result.generation_ids[lang]
        assert (row.workspace_id, row.product_id, row.kind, row.channel) == (
            ws.id, product.id, "listing", "etsy")
        assert (row.engine, row.model, row.prompt_name) == ("offline", "phrase-bank",
                                                            f"phrases/{lang}")
        assert row.output == result.texts[lang] and set(row.output) == {"title", "description",
                                                                         "tags"}
        assert row.parameters["channel"] == "etsy"
        assert row.parameters["products"] == ["mat-ong"]
        assert row.latency_s >= 0 and row.created_at.tzinfo is not None
        assert row.findings == [{k: v for k, v in f.items() if k not in ("lang", "field")}
                                for f in result.findings if f["lang"] == lang]
    assert "500 ml" in result.texts["vi"]["title"]
    assert "Quantité nette : 500 ml." in result.texts["fr"]["description"]


def test_drafts_keep_versions_and_block_approval_on_errors(session, ws, product):
    result = generate(session, ws, "mat-ong", "story", "vi")
    v1 = save_draft(session, ws, product, "story", None, result.texts, result.findings,
                    engine="offline")
    edited = {"vi": dict(result.texts["vi"], short="Mật ong hoa nhãn chữa khỏi tiểu đường.")}
    bad = [{"kind": "claim", "severity": "error", "start": 0, "end": 5, "text": "x",
            "rule": "r", "message": "m", "suggestion": ""}]
    v2 = save_draft(session, ws, product, "story", None, edited, bad, note="edit")
    draft = session.get(Draft, v1.draft_id)
    assert [v.number for v in draft.versions] == [1, 2] and v2.draft_id == v1.draft_id
    assert draft.versions[0].texts == result.texts
    with pytest.raises(StudioError, match="blocking findings"):
        approve(session, draft)
    assert draft.status == "draft"
    save_draft(session, ws, product, "story", None, result.texts, [])
    assert approve(session, draft).status == "approved"
    other = save_draft(session, ws, product, "listing", "shopee", {}, [])
    assert other.draft_id != v1.draft_id


def test_generations_follow_product_deletion(session, ws, product):
    generate(session, ws, "mat-ong", "caption", "en")
    session.delete(product)
    session.flush()
    session.expire_all()
    rows = session.query(Generation).all()
    assert len(rows) == 1 and rows[0].product_id is None


def test_remove_span():
    from studio.writing.service import remove_span

    text = "Trà thơm, chữa khỏi tiểu đường. Giá tốt."
    finding = {"start": 10, "end": 30, "text": "chữa khỏi tiểu đường"}
    assert remove_span(text, finding) == "Trà thơm. Giá tốt."
    assert remove_span("Trà chữa bệnh và thơm.", {"start": 4, "end": 13, "text": "chữa bệnh"}
                       ) == "Trà và thơm."
    with pytest.raises(StudioError, match="changed since it was checked"):
        remove_span("Trà thơm.", finding)


def test_apply_fix():
    text = "Trà giúp thải độc cơ thể."
    finding = {"kind": "claim", "start": 9, "end": 17, "text": "thải độc",
               "suggestion": "thư giãn"}
    assert apply_fix(text, finding) == "Trà giúp thư giãn cơ thể."
    assert apply_fix("x" * 10, {"kind": "limit", "start": 5, "end": 10, "text": "xxxxx",
                                "suggestion": "xxxxx"}) == "xxxxx"
    with pytest.raises(StudioError, match="no automatic fix"):
        apply_fix(text, dict(finding, suggestion=""))
    with pytest.raises(StudioError, match="changed since it was checked"):
        apply_fix("Other text entirely", finding)


def test_bulk_listings_and_csv(session, ws, product):
    from studio.catalog.factsheet import facts

    seen = []
    rows = bulk_listings([facts(product)], ["shopee", "amazon"], ["vi", "en"],
                         on_progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (4, 4) and len(rows) == 4
    text = listings_csv(rows)
    assert text.splitlines()[0].startswith("product,channel,lang,title")
    assert text.count("mat-ong") >= 4
    md = as_text("listing", rows[0]["fields"], markdown=True)
    assert md.startswith("## title")


def test_bulk_for_a_producer_logs_every_text_and_refuses_bad_input(session, ws, product):
    from studio.writing.service import producer_listings

    rows = producer_listings(session, ws, product.producer_id, ["zalo"], ["vi", "en"])
    assert [(r["product"], r["lang"]) for r in rows] == [("mat-ong", "vi"), ("mat-ong", "en")]
    assert len(history(session, ws, product)) == 2
    with pytest.raises(StudioError, match="choose at least one channel"):
        producer_listings(session, ws, product.producer_id, [], ["vi"])
    with pytest.raises(StudioError, match="unknown language 'xx'"):
        producer_listings(session, ws, product.producer_id, ["zalo"], ["xx"])
    empty = save_producer(session, ws, {"name": "Chưa có sản phẩm"})
    with pytest.raises(StudioError, match="has no products yet"):
        producer_listings(session, ws, empty.id, ["zalo"], ["vi"])
    assert len(history(session, ws, product)) == 2


def test_bad_workspace_accent_style_is_refused_before_logging(session, ws, product):
    ws.settings = {"writing": {"accent_style": "zigzag", "glossary": ["MatOng"]}}
    session.flush()
    with pytest.raises(StudioError, match="unknown accent style 'zigzag'"):
        generate(session, ws, "mat-ong", "story", "vi")
    assert history(session, ws, product) == []
