"""Data layer: migrations match the models, constraints hold, text is NFC, times are UTC."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

import studio.db.all_models  # noqa: F401
from studio.db.base import Base
from studio.db.models import Producer, Product, Workspace
from studio.db.session import is_migrated, make_engine, migrate, session_scope


def test_migrations_match_models(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_migrate_is_repeatable(engine):
    migrate(engine)  # second run is a no-op
    assert is_migrated(engine)


def test_fresh_sqlite_is_not_migrated(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    assert not is_migrated(engine)
    migrate(engine)
    assert is_migrated(engine)
    engine.dispose()


def _producer(session, ws, name="Hộ Bà Lan"):
    producer = Producer(workspace_id=ws.id, name=name, kind="household")
    session.add(producer)
    session.flush()
    return producer


def test_text_is_stored_nfc(session, ws):
    decomposed = unicodedata.normalize("NFD", "Trà xạ đen Ô Diên")
    assert decomposed != "Trà xạ đen Ô Diên"
    producer = _producer(session, ws, decomposed)
    product = Product(workspace_id=ws.id, producer_id=producer.id, slug="x", ocop_group="herbal",
                      name_vi=decomposed, aliases=[decomposed])
    session.add(product)
    session.flush()
    session.expire_all()
    raw = session.execute(text("SELECT name_vi, aliases FROM products")).one()
    assert raw[0] == "Trà xạ đen Ô Diên"
    assert "Trà xạ đen Ô Diên" in str(product.aliases[0])
    assert unicodedata.is_normalized("NFC", producer.name)


@pytest.mark.parametrize("field,value", [("ocop_stars", 6), ("ocop_stars", 0),
                                         ("price_vnd", -1)])
def test_database_rejects_impossible_values(session, ws, field, value):
    producer = _producer(session, ws)
    product = Product(workspace_id=ws.id, producer_id=producer.id, slug="bad",
                      ocop_group="food", name_vi="x", **{field: value})
    session.add(product)
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_slug_unique_per_workspace_only(session, ws):
    other = Workspace(slug="other", name="Other")
    session.add(other)
    session.flush()
    p1, p2 = _producer(session, ws), _producer(session, other)
    session.add(Product(workspace_id=ws.id, producer_id=p1.id, slug="same", ocop_group="food",
                        name_vi="a"))
    session.add(Product(workspace_id=other.id, producer_id=p2.id, slug="same",
                        ocop_group="food", name_vi="b"))
    session.flush()  # same slug in two workspaces is fine
    session.add(Product(workspace_id=ws.id, producer_id=p1.id, slug="same", ocop_group="food",
                        name_vi="c"))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_producer_kind_is_checked(session, ws):
    session.add(Producer(workspace_id=ws.id, name="x", kind="corporation"))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_deleting_workspace_cascades(engine):
    with session_scope(engine) as s:
        ws = Workspace(slug="gone", name="Gone")
        s.add(ws)
        s.flush()
        p = _producer(s, ws)
        s.add(Product(workspace_id=ws.id, producer_id=p.id, slug="a", ocop_group="food",
                      name_vi="a"))
    with session_scope(engine) as s:
        s.delete(s.scalar(select(Workspace).where(Workspace.slug == "gone")))
    with session_scope(engine) as s:
        assert s.scalar(select(Product).where(Product.slug == "a")) is None
        assert s.scalar(select(Producer)) is None


def test_datetimes_come_back_as_utc(session, ws):
    hanoi = timezone(timedelta(hours=7))
    ws.created_at = datetime(2026, 1, 1, 9, 0, tzinfo=hanoi)
    session.flush()
    session.expire_all()
    got = session.get(Workspace, ws.id).created_at
    assert got == datetime(2026, 1, 1, 2, 0, tzinfo=UTC)
    assert got.tzinfo is not None


def test_naive_datetime_is_refused(session, ws):
    ws.created_at = datetime(2026, 1, 1, 9, 0)
    with pytest.raises(Exception, match="naive datetime"):
        session.flush()
    session.rollback()
