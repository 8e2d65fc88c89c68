"""Exercise checks that read other capabilities' data (the writer's drafts and scripts).

Kept apart so the writer's schema can change without touching the exercise list.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from studio.db.models import Workspace


def story_state(session: Session, ws: Workspace, since: datetime | None, writing):
    from studio.workshop.progress import StepState

    if writing is None:
        return StepState(False, "-")
    return StepState(False, "-")


def script_state(session: Session, ws: Workspace, since: datetime | None, writing):
    from studio.workshop.progress import StepState

    if writing is None:
        return StepState(False, "-")
    return StepState(False, "-")


def story_texts(session: Session, ws: Workspace, product) -> dict[str, str]:
    """The participant's story in Vietnamese and English for the handout.

    Until the writer's drafts are available, the fact sheet's own story notes are used.
    """
    notes = [product.story_place, product.story_maker, product.story_process,
             product.story_community]
    text = " ".join(n for n in notes if n)
    return {"vi": text} if text else {}
