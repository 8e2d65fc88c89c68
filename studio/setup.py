"""First start: migrate the database, create the data dir, load the demo on a new database."""

from __future__ import annotations

from studio.config import get_settings, mask_url
from studio.db.session import get_engine, is_migrated, migrate


def init_studio(with_demo: bool = False) -> dict:
    """Apply migrations; with ``with_demo``, load the demo catalog if the database was new."""
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = get_engine(settings.db_url)
    was_new = not is_migrated(engine)
    migrate(engine)
    loaded = False
    if with_demo and was_new:
        from studio.demo import load_demo

        load_demo()
        loaded = True
    from studio.accounts.auth import ensure_admin
    from studio.db.session import session_scope

    given = settings.admin_password.get_secret_value() if settings.admin_password else None
    with session_scope(engine) as session:
        generated = ensure_admin(session, given)
    return {"database": mask_url(settings.db_url), "data_dir": str(settings.data_dir),
            "new": was_new, "demo_loaded": loaded, "admin_password": generated}
