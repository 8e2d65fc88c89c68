"""Live desk tables: a live session, its products, comments, orders and questions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from studio.db.base import NFCJSON, Base, NFCString, NFCText, Timestamps, UTCDateTime, utcnow

ORDER_STATUSES = ("new", "confirmed", "cancelled", "shipped")


class LiveSession(Base, Timestamps):
    """One livestream: its products on sale, the script shown to the host, the comment source."""

    __tablename__ = "live_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(NFCString(200))
    script_text: Mapped[str] = mapped_column(NFCText, default="")
    fb_video_id: Mapped[str] = mapped_column(String(64), default="")
    # Graph polling resumes from here: {"since": unix seconds, "after": cursor}.
    fb_cursor: Mapped[dict] = mapped_column(NFCJSON, default=dict)
    current_slug: Mapped[str] = mapped_column(String(80), default="")
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    products: Mapped[list[LiveProduct]] = relationship(
        back_populates="live", cascade="all, delete-orphan", order_by="LiveProduct.id")
    comments: Mapped[list[LiveComment]] = relationship(
        back_populates="live", cascade="all, delete-orphan", order_by="LiveComment.at")
    orders: Mapped[list[LiveOrder]] = relationship(
        back_populates="live", cascade="all, delete-orphan", order_by="LiveOrder.id")
    questions: Mapped[list[LiveQuestion]] = relationship(
        back_populates="live", cascade="all, delete-orphan", order_by="LiveQuestion.at")


class LiveProduct(Base):
    """A catalog product on sale during one live: keywords, live price, stock limit."""

    __tablename__ = "live_products"
    __table_args__ = (
        UniqueConstraint("live_id", "slug", name="uq_live_products_live_slug"),
        CheckConstraint("price_vnd IS NULL OR price_vnd >= 0", name="price"),
        CheckConstraint("stock IS NULL OR stock >= 0", name="stock"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    live_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"))
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL"), nullable=True)
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(NFCString(200), default="")
    keywords: Mapped[list] = mapped_column(NFCJSON, default=list)
    price_vnd: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    stock: Mapped[int | None] = mapped_column(Integer, nullable=True)

    live: Mapped[LiveSession] = relationship(back_populates="products")


class LiveComment(Base):
    __tablename__ = "live_comments"
    __table_args__ = (
        UniqueConstraint("live_id", "external_id", name="uq_live_comments_live_external"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    live_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"))
    # The platform's comment id, or a hash of (time, user, text) for files and pasted text.
    external_id: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    user: Mapped[str] = mapped_column(NFCString(200))
    text: Mapped[str] = mapped_column(NFCText)
    source: Mapped[str] = mapped_column(String(20), default="file")
    current_slug: Mapped[str] = mapped_column(String(80), default="")
    intent: Mapped[str] = mapped_column(String(20), default="other")

    live: Mapped[LiveSession] = relationship(back_populates="comments")


class LiveOrder(Base, Timestamps):
    """One buyer's order in one live. The phone is stored in full and masked on screen."""

    __tablename__ = "live_orders"
    __table_args__ = (
        UniqueConstraint("live_id", "user", "seq", name="uq_live_orders_live_user_seq"),
        CheckConstraint("status IN ('new', 'confirmed', 'cancelled', 'shipped')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    live_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"))
    user: Mapped[str] = mapped_column(NFCString(200))
    seq: Mapped[int] = mapped_column(Integer, default=1)
    phone: Mapped[str] = mapped_column(String(20), default="")
    status: Mapped[str] = mapped_column(String(20), default="new")
    first_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    comments: Mapped[list] = mapped_column(NFCJSON, default=list)
    short: Mapped[dict] = mapped_column(NFCJSON, default=dict)  # slug → quantity out of stock
    note: Mapped[str] = mapped_column(NFCText, default="")

    live: Mapped[LiveSession] = relationship(back_populates="orders")
    items: Mapped[list[LiveOrderItem]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="LiveOrderItem.id")


class LiveOrderItem(Base):
    __tablename__ = "live_order_items"
    __table_args__ = (CheckConstraint("qty > 0", name="qty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(ForeignKey("live_orders.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    qty: Mapped[int] = mapped_column(Integer)
    unit_price_vnd: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    order: Mapped[LiveOrder] = relationship(back_populates="items")


class LiveQuestion(Base):
    __tablename__ = "live_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    live_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("live_comments.id", ondelete="CASCADE"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    user: Mapped[str] = mapped_column(NFCString(200))
    text: Mapped[str] = mapped_column(NFCText)
    products: Mapped[list] = mapped_column(NFCJSON, default=list)
    answered: Mapped[bool] = mapped_column(Boolean, default=False)

    live: Mapped[LiveSession] = relationship(back_populates="questions")
