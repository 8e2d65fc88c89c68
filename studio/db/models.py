"""Foundation tables: workspaces, producers, products, assets.

Capabilities add their own tables in ``studio/<capability>/models.py`` on the same ``Base``, each
with its own Alembic revision; ``studio.db.all_models`` imports them all for migrations.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from studio.db.base import NFCJSON, Base, NFCString, NFCText, Timestamps, UTCDateTime, utcnow


class Workspace(Base, Timestamps):
    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(NFCString(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Ho_Chi_Minh")
    settings: Mapped[dict] = mapped_column(NFCJSON, default=dict)

    producers: Mapped[list[Producer]] = relationship(
        back_populates="workspace", cascade="all, delete-orphan"
    )


class Producer(Base, Timestamps):
    __tablename__ = "producers"
    __table_args__ = (
        UniqueConstraint("workspace_id", "name", name="uq_producers_workspace_name"),
        CheckConstraint("kind IN ('household', 'cooperative', 'enterprise')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(NFCString(200))
    kind: Mapped[str] = mapped_column(String(20), default="household")
    commune: Mapped[str] = mapped_column(NFCString(120), default="")
    district: Mapped[str] = mapped_column(NFCString(120), default="")
    province: Mapped[str] = mapped_column(NFCString(120), default="")
    contact: Mapped[str] = mapped_column(NFCString(300), default="")
    brand_voice: Mapped[str] = mapped_column(NFCText, default="")
    logo_asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("assets.id", ondelete="SET NULL", use_alter=True), nullable=True
    )

    workspace: Mapped[Workspace] = relationship(back_populates="producers")
    products: Mapped[list[Product]] = relationship(
        back_populates="producer", cascade="all, delete-orphan", order_by="Product.slug"
    )
    logo: Mapped[Asset | None] = relationship(foreign_keys=[logo_asset_id])


class Product(Base, Timestamps):
    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("workspace_id", "slug", name="uq_products_workspace_slug"),
        CheckConstraint("ocop_stars IS NULL OR (ocop_stars BETWEEN 1 AND 5)", name="stars"),
        CheckConstraint("price_vnd IS NULL OR price_vnd >= 0", name="price"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    name_vi: Mapped[str] = mapped_column(NFCString(200))
    name_en: Mapped[str] = mapped_column(NFCString(200), default="")
    name_fr: Mapped[str] = mapped_column(NFCString(200), default="")
    ocop_group: Mapped[str] = mapped_column(String(20))
    ocop_stars: Mapped[int | None] = mapped_column(Integer, nullable=True)
    ocop_cert_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    ocop_level: Mapped[str] = mapped_column(String(20), default="")
    category: Mapped[str] = mapped_column(NFCString(120), default="")
    origin: Mapped[str] = mapped_column(NFCString(300), default="")
    ingredients: Mapped[str] = mapped_column(NFCText, default="")
    process_steps: Mapped[list] = mapped_column(NFCJSON, default=list)
    certifications: Mapped[list] = mapped_column(NFCJSON, default=list)
    allergens: Mapped[list] = mapped_column(NFCJSON, default=list)
    traceability_code: Mapped[str] = mapped_column(NFCString(120), default="")
    traceability_url: Mapped[str] = mapped_column(String(500), default="")
    price_vnd: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    unit: Mapped[str] = mapped_column(NFCString(40), default="")
    net_quantity: Mapped[str] = mapped_column(NFCString(60), default="")
    shelf_life: Mapped[str] = mapped_column(NFCString(120), default="")
    storage: Mapped[str] = mapped_column(NFCText, default="")
    usage: Mapped[str] = mapped_column(NFCText, default="")
    story_maker: Mapped[str] = mapped_column(NFCText, default="")
    story_process: Mapped[str] = mapped_column(NFCText, default="")
    story_place: Mapped[str] = mapped_column(NFCText, default="")
    story_community: Mapped[str] = mapped_column(NFCText, default="")
    aliases: Mapped[list] = mapped_column(NFCJSON, default=list)
    # Diacritics-free, lower-case copy of names, slug and aliases for search (kept by the service).
    search_text: Mapped[str] = mapped_column(NFCText, default="")

    producer: Mapped[Producer] = relationship(back_populates="products")
    # One image can illustrate several products (a farm photo, a label): linked, not owned.
    photos: Mapped[list[Asset]] = relationship(
        secondary="product_photos", viewonly=True,
        order_by=lambda: [ProductPhoto.position, ProductPhoto.asset_id],
    )


class Asset(Base):
    """A stored file. The bytes live under ``<data_dir>/assets/<sha[:2]>/<sha>.<ext>``."""

    __tablename__ = "assets"
    __table_args__ = (
        UniqueConstraint("workspace_id", "sha256", "kind", name="uq_assets_ws_sha_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    # Unused since migration 0002 (photos are linked through product_photos). Kept because
    # SQLite cannot drop a column with a foreign key without rebuilding the table, and a rebuild
    # would fire the ON DELETE actions of every table that points at assets.
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL"), nullable=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # photo, logo, video, audio, clip, thumbnail...
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    mime: Mapped[str] = mapped_column(String(100))
    path: Mapped[str] = mapped_column(String(300))  # relative to the data dir
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    duration_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    original_name: Mapped[str] = mapped_column(NFCString(255), default="")
    meta: Mapped[dict] = mapped_column(NFCJSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProductPhoto(Base):
    """A photo shown on a product's fact sheet, in the order the producer chose."""

    __tablename__ = "product_photos"

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    asset_id: Mapped[int] = mapped_column(
        ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True, index=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
