"""Translation memory: approved translations, reused exactly or as close (fuzzy) matches.

A fuzzy match is only offered when the two sources carry the same numbers: "hộp 500 g" must
never reuse the translation of "hộp 250 g".
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from studio.db.models import Workspace
from studio.errors import NotFound, Problem, ValidationFailed
from studio.i18n import nfc
from studio.translate.detect import check_pair
from studio.translate.models import MemoryEntry

FUZZY_CUTOFF = 90.0
MAX_TEXT = 20_000
_NUMBER = re.compile(r"\d(?:[\d.,\s]*\d)?")


def numbers(text: str) -> list[str]:
    """The numbers of ``text`` as digit strings, separators dropped ("120.000" → "120000")."""
    return sorted(re.sub(r"\D", "", m.group(0)) for m in _NUMBER.finditer(text))


def source_hash(text: str) -> str:
    return hashlib.sha256(nfc(text).strip().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Match:
    source: str
    target: str
    score: float  # 100 for an exact match


class MemoryIndex:
    """The approved translations of one language pair, loaded once for a batch."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._exact = {source_hash(s): (s, t) for s, t in pairs}
        self._sources = [s for s, _ in pairs]
        self._targets = [t for _, t in pairs]

    @classmethod
    def load(cls, session: Session, ws: Workspace, source_lang: str,
             target_lang: str) -> MemoryIndex:
        rows = session.execute(select(MemoryEntry.source, MemoryEntry.target).where(
            MemoryEntry.workspace_id == ws.id, MemoryEntry.source_lang == source_lang,
            MemoryEntry.target_lang == target_lang)).all()
        return cls([(r.source, r.target) for r in rows])

    def __len__(self) -> int:
        return len(self._sources)

    def exact(self, text: str) -> Match | None:
        found = self._exact.get(source_hash(text))
        return Match(found[0], found[1], 100.0) if found else None

    def fuzzy(self, text: str, cutoff: float = FUZZY_CUTOFF) -> Match | None:
        """The closest approved source scoring at least ``cutoff`` with the same numbers."""
        from rapidfuzz import fuzz, process, utils

        if not self._sources:
            return None
        wanted = numbers(text)
        for source, score, i in process.extract(text, self._sources, scorer=fuzz.ratio,
                                                processor=utils.default_process,
                                                score_cutoff=cutoff, limit=5):
            if numbers(source) == wanted:
                return Match(source, self._targets[i], round(score, 1))
        return None


def approve(session: Session, ws: Workspace, source: str, target: str, source_lang: str,
            target_lang: str, engine: str = "") -> MemoryEntry:
    """Store an approved translation (replacing an earlier one for the same source)."""
    source_lang, target_lang = check_pair(source_lang, target_lang)
    source, target = nfc(source).strip(), nfc(target).strip()
    problems = [Problem(f, "required", {}) for f, v in (("source", source), ("target", target))
                if not v]
    problems += [Problem(f, "too_long", {"max": MAX_TEXT})
                 for f, v in (("source", source), ("target", target)) if len(v) > MAX_TEXT]
    if problems:
        raise ValidationFailed(problems)
    key = source_hash(source)
    entry = session.scalar(select(MemoryEntry).where(
        MemoryEntry.workspace_id == ws.id, MemoryEntry.source_lang == source_lang,
        MemoryEntry.target_lang == target_lang, MemoryEntry.source_hash == key))
    if entry is None:
        entry = MemoryEntry(workspace_id=ws.id, source_lang=source_lang, target_lang=target_lang,
                            source_hash=key, source=source, uses=0)
        session.add(entry)
    entry.target, entry.engine = target, engine[:40]
    session.flush()
    return entry


def count_use(session: Session, ws: Workspace, source: str, source_lang: str,
              target_lang: str) -> None:
    entry = session.scalar(select(MemoryEntry).where(
        MemoryEntry.workspace_id == ws.id, MemoryEntry.source_lang == source_lang,
        MemoryEntry.target_lang == target_lang, MemoryEntry.source_hash == source_hash(source)))
    if entry is not None:
        entry.uses = (entry.uses or 0) + 1


def list_memory(session: Session, ws: Workspace, query: str = "",
                limit: int = 500) -> list[MemoryEntry]:
    stmt = select(MemoryEntry).where(MemoryEntry.workspace_id == ws.id)
    if query:
        like = f"%{nfc(query)}%"
        stmt = stmt.where(MemoryEntry.source.ilike(like) | MemoryEntry.target.ilike(like))
    return list(session.scalars(stmt.order_by(MemoryEntry.updated_at.desc()).limit(limit)))


def delete_memory(session: Session, ws: Workspace, entry_id: int) -> None:
    entry = session.get(MemoryEntry, entry_id)
    if entry is None or entry.workspace_id != ws.id:
        raise NotFound(f"memory entry {entry_id} does not exist in this workspace")
    session.delete(entry)
    session.flush()
