"""Per-workspace glossary: fixed translations every engine must respect.

Brand names, place names and OCOP terms ("hợp tác xã" → "cooperative"). After any engine, the
output is checked term by term: a term kept is ``ok``; one the engine left untranslated (as is,
or with its accents stripped) is replaced and marked ``fixed``; anything else is ``flagged`` so a
person looks at it. CSV import is all-or-nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from studio.db.models import Workspace
from studio.errors import MediaError, NotFound, Problem, ValidationFailed
from studio.i18n import fold, nfc
from studio.translate.detect import LANGUAGES
from studio.translate.models import GlossaryEntry

MAX_TERM = 200
MAX_NOTE = 300
MAX_CSV_BYTES = 2 * 1024 * 1024
MAX_CSV_ROWS = 5000
CSV_COLUMNS = ("source", "target", "source_lang", "target_lang", "note")

#: Suggestions offered on an empty glossary (the user adds the ones that fit).
SEED_SUGGESTIONS: tuple[tuple[str, str, str, str, str], ...] = (
    ("hợp tác xã", "cooperative", "vi", "en", "OCOP term"),
    ("xạ đen", "xa den (Celastrus hindsii)", "vi", "en", "herb: keep the Vietnamese name"),
    ("OCOP", "OCOP", "vi", "en", "programme name, never translated"),
    ("sản phẩm OCOP", "OCOP product", "vi", "en", "OCOP term"),
    ("chè Shan tuyết", "Shan Tuyet tea", "vi", "en", "speciality name"),
    ("nước mắm", "nuoc mam (fish sauce)", "vi", "en", "keep the Vietnamese name"),
)


@dataclass(frozen=True)
class Term:
    source: str
    target: str
    source_lang: str = "vi"
    target_lang: str = "en"


@dataclass(frozen=True)
class GlossaryHit:
    """A glossary term found in a source text and what became of it in the translation."""

    source: str
    target: str
    status: str  # ok | fixed | flagged | suggested (text left untranslated)

    def as_dict(self) -> dict:
        return asdict(self)


# -- storage ----------------------------------------------------------------------------------
def _validate(source: str, target: str, source_lang: str, target_lang: str, note: str,
              row: int | None = None) -> list[Problem]:
    problems = []
    for field, value in (("source", source), ("target", target)):
        if not value.strip():
            problems.append(Problem(field, "required", {}, row))
        elif len(value) > MAX_TERM:
            problems.append(Problem(field, "too_long", {"max": MAX_TERM}, row))
    if len(note) > MAX_NOTE:
        problems.append(Problem("note", "too_long", {"max": MAX_NOTE}, row))
    for field, code in (("source_lang", source_lang), ("target_lang", target_lang)):
        if code not in LANGUAGES:
            problems.append(Problem(field, "lang_unknown",
                                    {"value": code, "known": ", ".join(LANGUAGES)}, row))
    if not problems and source_lang == target_lang:
        problems.append(Problem("target_lang", "same_lang", {"value": target_lang}, row))
    return problems


def _find(session: Session, ws: Workspace, source: str, source_lang: str,
          target_lang: str) -> GlossaryEntry | None:
    return session.scalar(select(GlossaryEntry).where(
        GlossaryEntry.workspace_id == ws.id, GlossaryEntry.source_lang == source_lang,
        GlossaryEntry.target_lang == target_lang, GlossaryEntry.source == nfc(source)))


def add_term(session: Session, ws: Workspace, source: str, target: str, source_lang: str = "vi",
             target_lang: str = "en", note: str = "") -> tuple[GlossaryEntry, bool]:
    """Add a term, or change the target of an existing one. Returns (entry, created)."""
    source, target, note = nfc(source.strip()), nfc(target.strip()), note.strip()
    source_lang, target_lang = source_lang.strip().lower(), target_lang.strip().lower()
    problems = _validate(source, target, source_lang, target_lang, note)
    if problems:
        raise ValidationFailed(problems)
    entry = _find(session, ws, source, source_lang, target_lang)
    created = entry is None
    if entry is None:
        entry = GlossaryEntry(workspace_id=ws.id, source=source, source_lang=source_lang,
                              target_lang=target_lang)
        session.add(entry)
    entry.target, entry.note = target, note
    session.flush()
    return entry, created


def list_terms(session: Session, ws: Workspace, source_lang: str | None = None,
               target_lang: str | None = None) -> list[GlossaryEntry]:
    query = select(GlossaryEntry).where(GlossaryEntry.workspace_id == ws.id)
    if source_lang:
        query = query.where(GlossaryEntry.source_lang == source_lang)
    if target_lang:
        query = query.where(GlossaryEntry.target_lang == target_lang)
    return list(session.scalars(query.order_by(GlossaryEntry.source_lang,
                                               GlossaryEntry.target_lang, GlossaryEntry.source)))


def terms_for(session: Session, ws: Workspace, source_lang: str, target_lang: str) -> list[Term]:
    return [Term(e.source, e.target, e.source_lang, e.target_lang)
            for e in list_terms(session, ws, source_lang, target_lang)]


def delete_term(session: Session, ws: Workspace, entry_id: int) -> None:
    entry = session.get(GlossaryEntry, entry_id)
    if entry is None or entry.workspace_id != ws.id:
        raise NotFound(f"glossary entry {entry_id} does not exist in this workspace; "
                       "list them with 'python -m studio glossary list'")
    session.delete(entry)
    session.flush()


def entry_dict(entry: GlossaryEntry) -> dict:
    return {"id": entry.id, "source": entry.source, "target": entry.target,
            "from": entry.source_lang, "to": entry.target_lang, "note": entry.note}


# -- CSV import -------------------------------------------------------------------------------
def parse_csv(data: bytes, source_lang: str = "vi", target_lang: str = "en") -> list[dict]:
    """Rows of a glossary CSV (columns source,target[,source_lang,target_lang,note]), every row
    checked; any problem rejects the whole file."""
    if not data or not data.strip():
        raise ValidationFailed([Problem("-", "glossary_csv_empty", {}, 1)])
    if len(data) > MAX_CSV_BYTES:
        raise MediaError(f"the file is over {MAX_CSV_BYTES // 1024 // 1024} MB: split it")
    if b"\x00" in data:
        raise ValidationFailed([Problem("-", "binary_file", {}, 1)])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed([Problem("-", "glossary_csv_encoding", {}, 1)]) from None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    problems = [Problem(h or "-", "unknown_column", {}, 1) for h in header if h not in CSV_COLUMNS]
    problems += [Problem(c, "missing_column", {}, 1) for c in ("source", "target")
                 if c not in header]
    if len(set(header)) != len(header):
        problems.append(Problem("-", "duplicate_column", {}, 1))
    if problems:
        raise ValidationFailed(problems)
    rows, seen = [], {}
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            problems.append(Problem("-", "extra_cells", {}, number))
            continue
        raw = dict(zip(header, [c.strip() for c in cells], strict=False))
        row = {"source": nfc(raw.get("source", "")), "target": nfc(raw.get("target", "")),
               "source_lang": (raw.get("source_lang") or source_lang).lower(),
               "target_lang": (raw.get("target_lang") or target_lang).lower(),
               "note": raw.get("note", ""), "row": number}
        problems += _validate(row["source"], row["target"], row["source_lang"],
                              row["target_lang"], row["note"], number)
        key = (row["source"].casefold(), row["source_lang"], row["target_lang"])
        if key in seen:
            problems.append(Problem("source", "glossary_duplicate",
                                    {"value": row["source"], "other": seen[key]}, number))
        seen.setdefault(key, number)
        rows.append(row)
        if len(rows) > MAX_CSV_ROWS:
            problems.append(Problem("-", "too_many_rows", {"max": MAX_CSV_ROWS}, number))
            break
    if not rows and not problems:
        problems.append(Problem("-", "glossary_csv_empty", {}, 2))
    if problems:
        raise ValidationFailed(problems)
    return rows


def import_csv(session: Session, ws: Workspace, data: bytes, source_lang: str = "vi",
               target_lang: str = "en") -> dict:
    """Import a glossary CSV: every row is checked before anything is written."""
    rows = parse_csv(data, source_lang, target_lang)
    created = updated = 0
    for row in rows:
        _, is_new = add_term(session, ws, row["source"], row["target"], row["source_lang"],
                             row["target_lang"], row["note"])
        created, updated = created + is_new, updated + (not is_new)
    return {"created": created, "updated": updated, "rows": len(rows)}


# -- enforcement ------------------------------------------------------------------------------
def _pattern(term: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + re.escape(term) + r"(?!\w)", re.IGNORECASE)


def hits_in(text: str, terms: Sequence[Term]) -> list[Term]:
    """The terms whose source occurs in ``text`` (longest first, overlaps dropped)."""
    text = nfc(text)
    found, taken = [], []
    for term in sorted(terms, key=lambda t: len(t.source), reverse=True):
        for match in _pattern(nfc(term.source)).finditer(text):
            span = range(match.start(), match.end())
            if not any(set(span) & set(other) for other in taken):
                taken.append(span)
                found.append(term)
                break
    return found


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """fold(text) and, per folded character, the index of the original character."""
    out, where = [], []
    for i, char in enumerate(text):
        for piece in fold(char):
            out.append(piece)
            where.append(i)
    return "".join(out), where


def _replace_folded(text: str, term_source: str, target: str) -> str | None:
    folded, where = _folded_with_map(text)
    match = _pattern(fold(term_source)).search(folded)
    if not match:
        return None
    start, end = where[match.start()], where[match.end() - 1] + 1
    return text[:start] + target + text[end:]


def enforce(source_text: str, translated: str, terms: Sequence[Term]) -> tuple[str, list]:
    """Check ``translated`` against the glossary; returns (text, [GlossaryHit])."""
    text, hits = nfc(translated), []
    for term in hits_in(source_text, terms):
        target = nfc(term.target)
        if _pattern(target).search(text):
            hits.append(GlossaryHit(term.source, term.target, "ok"))
            continue
        fixed = _replace_folded(text, term.source, target)
        if fixed is not None:
            text = fixed
            hits.append(GlossaryHit(term.source, term.target, "fixed"))
        else:
            hits.append(GlossaryHit(term.source, term.target, "flagged"))
    return text, hits
