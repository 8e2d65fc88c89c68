"""Tables of the writer: the generation log and drafts with versions.

Every generation (any engine, any caller) is logged by ``studio.writing.service``; a draft is
the editable text of one product, kind and channel, whose versions keep the texts per language
and the findings that were shown with them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from studio.db.base import NFCJSON, Base, NFCString, NFCText, Timestamps, UTCDateTime, utcnow

DRAFT_STATUSES = ("draft", "approved")


class Generation(Base):
    """One text written by an engine, with how it was made."""

    __tablename__ = "writing_generations"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"),
                                              index=True)
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL"), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20), default="")
    lang: Mapped[str] = mapped_column(String(8))
    engine: Mapped[str] = mapped_column(String(20))
    model: Mapped[str] = mapped_column(String(200), default="")
    prompt_name: Mapped[str] = mapped_column(String(80), default="")
    prompt_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    parameters: Mapped[dict] = mapped_column(NFCJSON, default=dict)
    output: Mapped[dict] = mapped_column(NFCJSON, default=dict)
    findings: Mapped[list] = mapped_column(NFCJSON, default=list)
    tokens_in: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tokens_out: Mapped[int | None] = mapped_column(Integer, nullable=True)
    latency_s: Mapped[float] = mapped_column(Float, default=0.0)
    notice: Mapped[str] = mapped_column(NFCText, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Draft(Base, Timestamps):
    """The editable text of one product for one kind (and channel)."""

    __tablename__ = "writing_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"),
                                              index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20), default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    title: Mapped[str] = mapped_column(NFCString(200), default="")

    versions: Mapped[list[DraftVersion]] = relationship(
        back_populates="draft", cascade="all, delete-orphan", order_by="DraftVersion.number")


class DraftVersion(Base):
    """One saved state of a draft: texts per language and the findings shown with them."""

    __tablename__ = "writing_draft_versions"
    __table_args__ = (UniqueConstraint("draft_id", "number",
                                       name="uq_writing_draft_versions_draft_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    draft_id: Mapped[int] = mapped_column(ForeignKey("writing_drafts.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    texts: Mapped[dict] = mapped_column(NFCJSON, default=dict)
    findings: Mapped[list] = mapped_column(NFCJSON, default=list)
    engine: Mapped[str] = mapped_column(String(20), default="")
    note: Mapped[str] = mapped_column(NFCText, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    draft: Mapped[Draft] = relationship(back_populates="versions")
