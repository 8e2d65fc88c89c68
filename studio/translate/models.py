"""Tables of the translate capability: glossary, translation memory, engine cache.

Every row belongs to a workspace. Text columns are NFC so "xạ đen" has one spelling when matched.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from studio.db.base import Base, NFCString, NFCText, Timestamps, UTCDateTime, utcnow


class GlossaryEntry(Base, Timestamps):
    """A fixed translation: a brand, place name or OCOP term that every engine must respect."""

    __tablename__ = "glossary_entries"
    __table_args__ = (
        UniqueConstraint("workspace_id", "source_lang", "target_lang", "source",
                         name="uq_glossary_entries_ws_pair_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"),
                                              index=True)
    source_lang: Mapped[str] = mapped_column(String(8))
    target_lang: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(NFCString(200))
    target: Mapped[str] = mapped_column(NFCString(200))
    note: Mapped[str] = mapped_column(NFCString(300), default="")


class MemoryEntry(Base, Timestamps):
    """An approved translation, reused exactly or as a fuzzy match."""

    __tablename__ = "translation_memory"
    __table_args__ = (
        UniqueConstraint("workspace_id", "source_lang", "target_lang", "source_hash",
                         name="uq_translation_memory_ws_pair_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"),
                                              index=True)
    source_lang: Mapped[str] = mapped_column(String(8))
    target_lang: Mapped[str] = mapped_column(String(8))
    # sha256 of the NFC source: texts can be long, a unique index on them is not portable.
    source_hash: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(NFCText)
    target: Mapped[str] = mapped_column(NFCText)
    engine: Mapped[str] = mapped_column(String(40), default="")
    uses: Mapped[int] = mapped_column(Integer, default=0)


class TranslationCache(Base):
    """Raw engine output keyed by engine + languages + text, so a repeat costs no request."""

    __tablename__ = "translation_cache"
    __table_args__ = (UniqueConstraint("workspace_id", "key", name="uq_translation_cache_ws_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"),
                                              index=True)
    key: Mapped[str] = mapped_column(String(64))
    engine: Mapped[str] = mapped_column(String(80))
    source_lang: Mapped[str] = mapped_column(String(8))
    target_lang: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(NFCText)
    text: Mapped[str] = mapped_column(NFCText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
