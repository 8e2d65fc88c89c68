"""Tables of the video capability: livestreams, their transcript segments and highlights.

A rendered clip is a foundation ``Asset`` with ``kind="clip"`` and
``meta={"source_asset_id", "livestream_id", "highlight_id", "start", "end", "aspect", ...}``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from studio.db.base import NFCJSON, Base, NFCString, NFCText, Timestamps, UTCDateTime

STATUSES = ("new", "running", "done", "failed", "cancelled")


class Livestream(Base, Timestamps):
    """A recorded livestream (the source video Asset) and the state of its long jobs."""

    __tablename__ = "livestreams"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"),
                                              index=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(NFCString(200), default="")
    lang: Mapped[str] = mapped_column(String(8), default="vi")
    duration_s: Mapped[float] = mapped_column(Float, default=0.0)
    has_audio: Mapped[bool] = mapped_column(default=True)
    probe: Mapped[dict] = mapped_column(NFCJSON, default=dict)
    # The step a worker is running (transcribe, highlights, render) and where it is.
    step: Mapped[str] = mapped_column(String(20), default="")
    status: Mapped[str] = mapped_column(String(20), default="new")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(NFCText, default="")
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    # Seconds of audio whose transcript is saved: a resumed run starts here.
    transcribed_until: Mapped[float] = mapped_column(Float, default=0.0)
    transcript_done: Mapped[bool] = mapped_column(default=False)
    model: Mapped[str] = mapped_column(String(300), default="")
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # How the last highlight search's LLM pass went when it did not rank ({"status": "fallback"
    # or "skipped", "notice": words}); None when it ranked or no LLM is configured.
    highlight_notice: Mapped[dict | None] = mapped_column(NFCJSON, nullable=True)

    segments: Mapped[list[TranscriptSegment]] = relationship(
        back_populates="livestream", cascade="all, delete-orphan",
        order_by="TranscriptSegment.idx")
    highlights: Mapped[list[Highlight]] = relationship(
        back_populates="livestream", cascade="all, delete-orphan", order_by="Highlight.start")


class TranscriptSegment(Base):
    """One transcribed sentence with its word timings (editable text)."""

    __tablename__ = "transcript_segments"
    __table_args__ = (
        UniqueConstraint("livestream_id", "idx", name="uq_transcript_segments_ls_idx"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    livestream_id: Mapped[int] = mapped_column(ForeignKey("livestreams.id", ondelete="CASCADE"))
    idx: Mapped[int] = mapped_column(Integer)
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(NFCText)
    words: Mapped[list] = mapped_column(NFCJSON, default=list)
    edited: Mapped[bool] = mapped_column(default=False)

    livestream: Mapped[Livestream] = relationship(back_populates="segments")


class Highlight(Base, Timestamps):
    """A suggested clip range with its score and reasons in words."""

    __tablename__ = "highlights"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    livestream_id: Mapped[int] = mapped_column(ForeignKey("livestreams.id", ondelete="CASCADE"))
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL"), nullable=True)
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    reasons: Mapped[list] = mapped_column(NFCJSON, default=list)
    text: Mapped[str] = mapped_column(NFCText, default="")
    clip_asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("assets.id", ondelete="SET NULL"), nullable=True)

    livestream: Mapped[Livestream] = relationship(back_populates="highlights")
