"""Shared fixtures.

- Every test gets its own data dir (STUDIO_DATA_DIR) and an empty SQLite DATABASE_URL.
- ``engine`` / ``session`` / ``ws`` run a test on SQLite *and* PostgreSQL (TEST_DATABASE_URL);
  PostgreSQL is skipped with a reason when absent, and a skip is a failure in CI (CI=true).
- Any log record at ERROR fails the test (mark ``allow_error_log`` where an error is the point).
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from studio.db.session import dispose_engines, get_engine, make_engine, migrate, session_scope

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def require(condition: bool, reason: str) -> None:
    """Skip when ``condition`` is false; in CI a missing prerequisite is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must have this: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _studio_env(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("STUDIO_DATA_DIR", str(data))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{data / 'studio.db'}")
    for name in ("STUDIO_LLM_BASE_URL", "STUDIO_LLM_API_KEY", "STUDIO_QUEUE_URL",
                 "STUDIO_ASR_MODEL", "STUDIO_LANG", "STUDIO_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    yield data
    dispose_engines()
    from studio.accounts.auth import _decoys

    _decoys._seen.clear()  # unknown-username lock-outs are process memory: none leak between tests


@pytest.fixture(autouse=True)
def _fail_on_error_logs(caplog, request):
    caplog.set_level(logging.WARNING)
    yield
    if request.node.get_closest_marker("allow_error_log"):
        return
    errors = [r for when in ("setup", "call") for r in caplog.get_records(when)
              if r.levelno >= logging.ERROR]
    if errors:
        lines = "; ".join(f"{r.name}: {r.getMessage()}" for r in errors[:5])
        pytest.fail(f"ERROR logged during the test: {lines}")


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "studio.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def _pg_schema():
    """One migrated schema for this test run (parallel runs never share tables)."""
    if not PG_URL:
        return None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    base = make_engine(PG_URL)
    try:
        with base.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # server down or wrong URL
        base.dispose()
        return f"error: {exc}"
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    try:
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        yield url
    finally:
        dispose_engines()
        with base.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        base.dispose()


def _truncate_all(engine) -> None:
    from studio.db.base import Base

    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, monkeypatch, _studio_env, _sqlite_template):
    """A migrated database: SQLite, then PostgreSQL. DATABASE_URL points at it too."""
    if request.param == "sqlite":
        path = _studio_env / "studio.db"
        shutil.copy(_sqlite_template, path)
        url = f"sqlite:///{path}"
    else:
        require(bool(PG_URL), "PostgreSQL tests need TEST_DATABASE_URL "
                "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
        url = request.getfixturevalue("_pg_schema")
        require(url is not None and not url.startswith("error:"),
                f"PostgreSQL at TEST_DATABASE_URL is not reachable ({url})")
        _truncate_all(get_engine(url))
    monkeypatch.setenv("DATABASE_URL", url)
    return get_engine(url)


@pytest.fixture
def sqlite_engine(_studio_env, _sqlite_template):
    """A migrated SQLite database, for tests whose subject is not the database."""
    path = _studio_env / "studio.db"
    shutil.copy(_sqlite_template, path)
    return get_engine(f"sqlite:///{path}")


@pytest.fixture
def session(engine):
    with session_scope(engine) as s:
        yield s


@pytest.fixture
def ws(session):
    from studio.catalog.service import ensure_workspace

    return ensure_workspace(session, "test", "Test workspace")


@pytest.fixture
def demo_engine(sqlite_engine):
    """SQLite with the demo catalog loaded (workspace 'demo')."""
    from studio.demo import load_demo

    load_demo()
    return sqlite_engine


@pytest.fixture
def feed_server(engine):
    """The calendar / media feed server on a free loopback port, serving ``engine``; its port."""
    import threading

    from studio.publish.ics_server import make_server

    srv = make_server("127.0.0.1", 0)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    yield srv.server_address[1]
    srv.shutdown()
    srv.server_close()
    thread.join(5)
