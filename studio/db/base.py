"""Declarative base, shared column types and mixins."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, MetaData, String, Text, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _nfc(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    return value


class NFCString(TypeDecorator):
    """VARCHAR that stores NFC-normalised text, whatever the caller passed."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return _nfc(value)


class NFCText(TypeDecorator):
    """TEXT that stores NFC-normalised text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return _nfc(value)


class NFCJSON(TypeDecorator):
    """JSON whose strings (in lists and dicts too) are stored NFC-normalised."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return _nfc(value)


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetime stored as UTC; SQLite's naive values come back as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware datetime (UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
