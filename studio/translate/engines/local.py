"""Engines that never leave the machine: ``offline`` (memory + glossary) and the in-memory twin."""

from __future__ import annotations

import re
from collections.abc import Sequence

from studio.i18n import nfc
from studio.translate.engines.base import Translator, register
from studio.translate.glossary import Term


@register
class OfflineTranslator(Translator):
    """Approved translations and glossary terms only; anything else stays untranslated.

    The default with no network: it never invents a translation, so nothing fails silently.
    """

    name = "offline"
    label = "Offline (memory + glossary)"
    needs_network = False
    cacheable = False

    def translate_batch(self, texts: Sequence[str], source: str, target: str,
                        glossary: Sequence[Term] = ()) -> list[str | None]:
        memory = self.options.memory
        terms = {nfc(t.source).casefold(): t.target for t in glossary}
        out: list[str | None] = []
        for text in texts:
            key = nfc(text).strip().casefold()
            if key in terms:  # the whole text is a glossary term
                out.append(terms[key])
                self.notes[text] = "glossary"
                continue
            match = memory.exact(text) if memory is not None else None
            match = match or (memory.fuzzy(text) if memory is not None else None)
            if match is None:
                out.append(None)
                continue
            out.append(match.target)
            self.notes[text] = "memory" if match.score >= 100 else f"fuzzy {match.score:g}"
        return out


@register
class InMemoryTranslator(Translator):
    """The test twin: a phrasebook (``options.twin_table``) applied longest phrase first.

    Unknown words are left as they are, like a real engine meeting a rare term. ``calls`` counts
    batches so tests can prove when the engine was (not) asked.
    """

    name = "inmemory"
    label = "In-memory twin (tests)"
    needs_network = False

    def __init__(self, options=None) -> None:
        super().__init__(options)
        self.calls: list[list[str]] = []

    def translate_batch(self, texts: Sequence[str], source: str, target: str,
                        glossary: Sequence[Term] = ()) -> list[str | None]:
        self.calls.append(list(texts))
        table = sorted(self.options.twin_table.items(), key=lambda kv: len(kv[0]), reverse=True)
        out = []
        for text in texts:
            result = nfc(text)
            for phrase, translation in table:
                result = re.sub(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", translation, result,
                                flags=re.IGNORECASE)
            out.append(result)
        return out
