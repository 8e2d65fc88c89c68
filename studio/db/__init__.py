"""Data layer: SQLAlchemy 2 models, sessions and Alembic migrations."""

from studio.db.base import Base
from studio.db.models import Asset, Producer, Product, Workspace
from studio.db.session import get_engine, migrate, session_scope

__all__ = ["Asset", "Base", "Producer", "Product", "Workspace", "get_engine", "migrate",
           "session_scope"]
