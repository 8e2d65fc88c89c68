"""Engines, sessions and migrations.

SQLite (the default) is shared by Streamlit, the queue consumer and the CLI: WAL mode, a busy
timeout and foreign keys are switched on for every connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from threading import Lock

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from studio.config import get_settings
from studio.errors import ConfigError

MIGRATIONS = Path(__file__).parent / "migrations"
_engines: dict[str, Engine] = {}
_lock = Lock()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=15000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(url: str, **kwargs) -> Engine:
    """A new engine for ``url`` (SQLite gets its pragmas; the file's folder is created)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 15}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    try:
        return create_engine(url, pool_pre_ping=True, **kwargs)
    except Exception as exc:  # bad URL syntax or missing driver
        raise ConfigError(f"DATABASE_URL is not usable ({exc}); check its spelling") from exc


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for ``url`` (default: the settings' database)."""
    url = url or get_settings().db_url
    with _lock:
        if url not in _engines:
            _engines[url] = make_engine(url)
        return _engines[url]


def dispose_engines() -> None:
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any exception."""
    factory = sessionmaker(bind=engine or get_engine(), expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    url = engine.url.render_as_string(hide_password=False)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # ConfigParser interpolation
    return cfg


def migrate(engine: Engine | None = None, target: str = "heads") -> None:
    """Apply every Alembic revision (each capability's branch) up to ``target``."""
    from alembic import command

    engine = engine or get_engine()
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)


def is_migrated(engine: Engine | None = None) -> bool:
    """True when the foundation tables exist (the studio has been initialised)."""
    engine = engine or get_engine()
    return inspect(engine).has_table("workspaces")
