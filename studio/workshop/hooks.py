"""Exercise checks that read other capabilities' data (the writer's drafts, scripts, rehearsals).

Kept apart so the writer's schema can change without touching the exercise list.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from studio.db.models import Workspace

SCRIPT_MINUTES = 15
STORY_LANGS = ("vi", "en")


def _filled(value) -> bool:
    if isinstance(value, dict):
        return any(_filled(v) for v in value.values())
    if isinstance(value, list):
        return any(_filled(v) for v in value)
    return bool(str(value or "").strip())


def story_state(session: Session, ws: Workspace, since: datetime | None, writing):
    """Done: a saved story draft with Vietnamese and English texts and no blocking finding."""
    from studio.workshop.progress import StepState

    if writing is None:
        return StepState(False, "-")
    stmt = select(writing.Draft).where(writing.Draft.workspace_id == ws.id,
                                       writing.Draft.kind == "story")
    if since is not None:
        stmt = stmt.where(writing.Draft.updated_at >= since)
    best_open = None
    for draft in session.scalars(stmt):
        if not draft.versions:
            continue
        latest = draft.versions[-1]
        if not all(_filled(latest.texts.get(lang)) for lang in STORY_LANGS):
            continue
        errors = sum(1 for f in latest.findings if f.get("severity") == "error")
        if errors == 0:
            return StepState(True, "vi + en")
        best_open = errors if best_open is None else min(best_open, errors)
    if best_open is None:
        return StepState(False, "-")
    return StepState(False, f"{best_open} ⚠", open_findings=best_open)


def script_state(session: Session, ws: Workspace, since: datetime | None, writing):
    """Done: a script of at least 15 minutes was written, then rehearsed on the teleprompter."""
    from studio.workshop.progress import StepState
    from studio.writing.teleprompter import MIN_REHEARSAL_S, rehearsals

    if writing is None:
        return StepState(False, "-")
    stmt = select(writing.Generation).where(writing.Generation.workspace_id == ws.id,
                                            writing.Generation.kind == "script")
    if since is not None:
        stmt = stmt.where(writing.Generation.created_at >= since)
    longest = max((int((g.output or {}).get("minutes") or 0) for g in session.scalars(stmt)),
                  default=0)
    practised = max((r["seconds"] for r in rehearsals(ws, since)
                     if r["script_minutes"] >= SCRIPT_MINUTES), default=0)
    done = longest >= SCRIPT_MINUTES and practised >= MIN_REHEARSAL_S
    return StepState(done, f"{longest} min · {practised // 60} min")


def story_texts(session: Session, ws: Workspace, product) -> dict[str, str]:
    """The participant's story in Vietnamese and English for the handout.

    The latest saved story draft when there is one; otherwise the offline composer writes it
    from the fact sheet (so a handout always has both languages, grounded in the facts).
    """
    from studio.catalog.factsheet import facts
    from studio.writing.models import Draft

    draft = session.scalar(select(Draft).where(
        Draft.workspace_id == ws.id, Draft.product_id == product.id, Draft.kind == "story",
        Draft.channel == "").order_by(Draft.updated_at.desc()))
    if draft is not None and draft.versions:
        texts = draft.versions[-1].texts
        return {lang: _story(texts[lang]) for lang in STORY_LANGS if _filled(texts.get(lang))}
    from studio.writing.engines import get_engine
    from studio.writing.engines.base import Request

    engine = get_engine("offline")
    out = {}
    for lang in STORY_LANGS:
        written = engine.write(Request(kind="story", lang=lang, products=(facts(product),)))
        out[lang] = _story(written.fields)
    return out


def _story(fields: dict) -> str:
    """The long story alone when there is one (a handout has no room for both lengths)."""
    from studio.writing.service import as_text

    long = fields.get("long") if isinstance(fields, dict) else None
    return long.strip() if isinstance(long, str) and long.strip() else as_text("story", fields)
