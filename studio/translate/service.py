"""Translate texts for a workspace: memory first, then the cache, then the engine; every
result checked against the glossary, its numbers and its line breaks.

An engine error raises (``EngineError`` with the fix) before anything is stored: the source
text is never replaced by an error, and nothing is half-written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from studio.db.models import Workspace
from studio.errors import EngineError, Problem, ValidationFailed
from studio.i18n import nfc
from studio.translate.detect import check_pair, source_warning
from studio.translate.engines import EngineOptions, Translator, get_translator
from studio.translate.glossary import GlossaryHit, enforce, hits_in, terms_for
from studio.translate.memory import MAX_TEXT, MemoryIndex, count_use, numbers
from studio.translate.models import TranslationCache

BATCH = 20


@dataclass
class Translation:
    """One text's translation and everything a person should check about it."""

    source_text: str
    text: str
    untranslated: bool = False
    origin: str = "engine"  # engine | cache | memory | fuzzy | glossary | none
    glossary: list[GlossaryHit] = field(default_factory=list)
    numbers_ok: bool = True
    lines_ok: bool = True

    def problems(self) -> list[str]:
        out = [f"glossary term {h.source!r} should be {h.target!r}" for h in self.glossary
               if h.status == "flagged"]
        if not self.numbers_ok:
            out.append("numbers differ from the source: check prices and quantities")
        if not self.lines_ok:
            out.append("line breaks differ from the source")
        return out

    def as_dict(self) -> dict:
        data = asdict(self)
        data["glossary"] = [h.as_dict() for h in self.glossary]
        return data


@dataclass
class BatchResult:
    engine: str
    source: str
    target: str
    items: list[Translation]
    warnings: list[str] = field(default_factory=list)
    engine_calls: int = 0


def cache_key(engine_id: str, source: str, target: str, text: str) -> str:
    raw = "\x1f".join((engine_id, source, target, nfc(text)))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _check_texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
        raise ValidationFailed([Problem("text", "required", {})],
                               "texts must be a list of strings")
    if not any(t.strip() for t in texts):
        raise ValidationFailed([Problem("text", "required", {})],
                               "there is no text to translate: pass --text or a non-empty --file")
    too_long = [i for i, t in enumerate(texts) if len(t) > MAX_TEXT]
    if too_long:
        raise ValidationFailed([Problem("text", "too_long", {"max": MAX_TEXT}, i + 1)
                                for i in too_long])
    return [nfc(t) for t in texts]


def _check(item: Translation) -> Translation:
    if not item.untranslated:
        item.numbers_ok = numbers(item.source_text) == numbers(item.text)
        item.lines_ok = item.source_text.count("\n") == item.text.count("\n")
    return item


def translate_texts(session: Session, ws: Workspace, texts: Sequence[str], source: str,
                    target: str, engine: str | Translator = "offline",
                    options: EngineOptions | None = None,
                    on_progress: Callable[[int, int], None] | None = None) -> BatchResult:
    """Translate ``texts`` from ``source`` to ``target`` (same count and order)."""
    source, target = check_pair(source, target)
    texts = _check_texts(texts)
    terms = terms_for(session, ws, source, target)
    memory = MemoryIndex.load(session, ws, source, target)
    if isinstance(engine, Translator):
        translator = engine
    else:
        options = replace(options or EngineOptions.from_settings(), memory=memory)
        translator = get_translator(engine, options)
    result = BatchResult(translator.name, source, target, [None] * len(texts))  # type: ignore[list-item]
    warning = source_warning("\n".join(texts)[:1000], source)
    if warning:
        result.warnings.append(warning)
    pending = _from_memory_or_cache(session, ws, translator, texts, source, target, memory,
                                    terms, result)
    unique = list(dict.fromkeys(texts[i] for i in pending))  # a repeated line is sent once
    fresh: dict[str, str] = {}
    for start in range(0, len(unique), BATCH):
        chunk = unique[start:start + BATCH]
        raw = translator.translate_batch(chunk, source, target, terms)
        result.engine_calls += 1
        if len(raw) != len(chunk):
            raise EngineError(f"{translator.label} returned {len(raw)} translations for "
                              f"{len(chunk)} texts; try again or use another engine")
        done = {text: _finish(translator, text, out, terms)
                for text, out in zip(chunk, raw, strict=True)}
        fresh.update({text: out for text, out in zip(chunk, raw, strict=True) if out is not None})
        for i in pending:
            if texts[i] in done:
                result.items[i] = replace(done[texts[i]])
        if on_progress:
            on_progress(min(start + BATCH, len(unique)), len(unique))
    if translator.cacheable and fresh:
        _store(session, ws, translator, source, target, fresh)
    session.flush()
    return result


def _cached(session, ws, translator, texts, source, target) -> dict[str, str]:
    """{text: cached engine output} for the texts in the cache (one query per 500 texts)."""
    keys = {cache_key(translator.cache_id(), source, target, t): t for t in set(texts)}
    found: dict[str, str] = {}
    key_list = list(keys)
    for start in range(0, len(key_list), 500):
        rows = session.execute(select(TranslationCache.key, TranslationCache.text).where(
            TranslationCache.workspace_id == ws.id,
            TranslationCache.key.in_(key_list[start:start + 500])))
        found.update({keys[row.key]: row.text for row in rows})
    return found


def _store(session, ws, translator, source, target, fresh: dict[str, str]) -> None:
    engine_id = translator.cache_id()
    already = _cached(session, ws, translator, list(fresh), source, target)
    session.add_all(TranslationCache(workspace_id=ws.id, key=cache_key(engine_id, source, target,
                                                                        text),
                                     engine=engine_id[:80], source_lang=source,
                                     target_lang=target, source=text, text=out)
                    for text, out in fresh.items() if text not in already)


def _from_memory_or_cache(session, ws, translator, texts, source, target, memory, terms,
                          result) -> list[int]:
    cached = {}
    if translator.cacheable:
        cached = _cached(session, ws, translator, [t for t in texts if t.strip()], source,
                         target)
    pending = []
    for i, text in enumerate(texts):
        if not text.strip():
            result.items[i] = Translation(text, text, origin="none")
            continue
        match = memory.exact(text)
        if match is not None:
            count_use(session, ws, text, source, target)
            fixed, hits = enforce(text, match.target, terms)
            result.items[i] = _check(Translation(text, fixed, origin="memory", glossary=hits))
        elif text in cached:
            fixed, hits = enforce(text, cached[text], terms)
            result.items[i] = _check(Translation(text, fixed, origin="cache", glossary=hits))
        else:
            pending.append(i)
    return pending


def _finish(translator, text, out, terms) -> Translation:
    if out is None:  # the engine has no translation: keep the source, say so
        hits = [GlossaryHit(t.source, t.target, "suggested") for t in hits_in(text, terms)]
        return Translation(text, text, untranslated=True, origin="none", glossary=hits)
    note = translator.notes.get(text, "")
    origin = note.split(" ")[0] if note else "engine"
    fixed, hits = enforce(text, out, terms)
    return _check(Translation(text, fixed, origin=origin, glossary=hits))
