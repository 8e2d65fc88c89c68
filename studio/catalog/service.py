"""Catalog operations: workspaces, producers and products, always scoped to one workspace."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studio.catalog.schema import slugify, validate_producer, validate_product
from studio.db.models import Producer, Product, Workspace
from studio.errors import Conflict, NotFound, Problem, ValidationFailed
from studio.i18n import fold


# -- workspaces -------------------------------------------------------------------------------
def ensure_workspace(session: Session, slug: str, name: str | None = None) -> Workspace:
    """The workspace ``slug``, created when missing."""
    ws = session.scalar(select(Workspace).where(Workspace.slug == slug))
    if ws is None:
        ws = Workspace(slug=slug, name=name or slug, timezone="Asia/Ho_Chi_Minh", settings={})
        session.add(ws)
        session.flush()
    return ws


def list_workspaces(session: Session) -> list[Workspace]:
    return list(session.scalars(select(Workspace).order_by(Workspace.slug)))


def get_workspace(session: Session, slug: str | None) -> Workspace:
    """The workspace named ``slug``; with None, the only one (or an error listing the choices)."""
    if slug:
        ws = session.scalar(select(Workspace).where(Workspace.slug == slug))
        if ws is None:
            names = ", ".join(w.slug for w in list_workspaces(session)) or "none yet"
            raise NotFound(f"no workspace '{slug}' (existing: {names}); run "
                           "'python -m studio init' or pick one of those")
        return ws
    spaces = list_workspaces(session)
    if not spaces:
        raise NotFound("no workspace yet; run 'python -m studio init' or 'python -m studio demo'")
    if len(spaces) > 1:
        names = ", ".join(w.slug for w in spaces)
        raise NotFound(f"several workspaces ({names}); choose one with --workspace")
    return spaces[0]


# -- producers --------------------------------------------------------------------------------
def list_producers(session: Session, ws: Workspace) -> list[Producer]:
    stmt = select(Producer).where(Producer.workspace_id == ws.id).order_by(Producer.name)
    return list(session.scalars(stmt))


def get_producer(session: Session, ws: Workspace, name_or_id: str | int) -> Producer:
    stmt = select(Producer).where(Producer.workspace_id == ws.id)
    if isinstance(name_or_id, int):
        stmt = stmt.where(Producer.id == name_or_id)
    else:
        stmt = stmt.where(Producer.name == name_or_id)
    producer = session.scalar(stmt)
    if producer is None:
        raise NotFound(f"no producer '{name_or_id}' in workspace '{ws.slug}'; create it first",
                       key="error.no_producer", name=name_or_id)
    return producer


def save_producer(session: Session, ws: Workspace, raw: dict,
                  producer: Producer | None = None) -> Producer:
    """Create (``producer`` None) or update a producer from raw form values."""
    data = validate_producer(raw)
    clash = session.scalar(select(Producer).where(
        Producer.workspace_id == ws.id, Producer.name == data["name"]))
    if clash is not None and clash is not producer:
        raise ValidationFailed([Problem("name", "duplicate", {"value": data["name"]})])
    if producer is None:
        producer = Producer(workspace_id=ws.id, **data)
        session.add(producer)
    else:
        for key, value in data.items():
            setattr(producer, key, value)
    session.flush()
    return producer


def delete_producer(session: Session, ws: Workspace, producer_id: int) -> None:
    producer = get_producer(session, ws, producer_id)
    session.delete(producer)
    session.flush()


# -- products ---------------------------------------------------------------------------------
def _search_text(product: Product) -> str:
    parts = [product.slug, product.name_vi, product.name_en, product.name_fr, product.category,
             *product.aliases]
    return fold(" ".join(p for p in parts if p))


def list_products(session: Session, ws: Workspace, query: str = "",
                  producer_id: int | None = None) -> list[Product]:
    """Products of ``ws``; ``query`` matches names, slug and aliases without diacritics."""
    stmt = select(Product).where(Product.workspace_id == ws.id)
    if producer_id is not None:
        stmt = stmt.where(Product.producer_id == producer_id)
    for word in fold(query).split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Product.search_text.like(f"%{escaped}%", escape="\\"))
    return list(session.scalars(stmt.order_by(Product.slug)))


def count_products(session: Session, ws: Workspace) -> int:
    stmt = select(func.count()).select_from(Product).where(Product.workspace_id == ws.id)
    return session.scalar(stmt) or 0


def get_product(session: Session, ws: Workspace, slug: str) -> Product:
    product = session.scalar(select(Product).where(
        Product.workspace_id == ws.id, Product.slug == slug))
    if product is None:
        raise NotFound(f"no product '{slug}' in workspace '{ws.slug}'; "
                       "'python -m studio products list' shows the slugs",
                       key="error.no_product", slug=slug)
    return product


def apply_product(product: Product, data: dict) -> None:
    """Copy validated ``data`` onto ``product`` and refresh its search text."""
    for key, value in data.items():
        setattr(product, key, value)
    product.search_text = _search_text(product)


def save_product(session: Session, ws: Workspace, producer: Producer, raw: dict,
                 product: Product | None = None) -> Product:
    """Create (``product`` None) or update a product from raw values; checks slug uniqueness."""
    data = validate_product(raw)
    data.pop("producer", None)
    clash = session.scalar(select(Product).where(
        Product.workspace_id == ws.id, Product.slug == data["slug"]))
    if clash is not None and clash is not product:
        raise Conflict(f"slug '{data['slug']}' is already used by another product; choose "
                       "another slug", key="error.slug_taken", slug=data["slug"])
    if producer.workspace_id != ws.id:
        raise NotFound("that producer belongs to another workspace; pick one of this workspace's")
    if product is None:
        product = Product(workspace_id=ws.id, producer_id=producer.id)
        session.add(product)
    product.producer_id = producer.id
    apply_product(product, data)
    session.flush()
    return product


def delete_product(session: Session, ws: Workspace, slug: str) -> None:
    session.delete(get_product(session, ws, slug))
    session.flush()


def unique_slug(session: Session, ws: Workspace, name: str) -> str:
    """A slug for ``name`` that no product of ``ws`` uses yet."""
    base = slugify(name) or "product"
    slug, n = base, 2
    while session.scalar(select(Product.id).where(
            Product.workspace_id == ws.id, Product.slug == slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug
