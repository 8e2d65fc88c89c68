"""Disease and unauthorised health claims in vi, en and fr marketing copy.

A claim is found by structure rather than by set phrases (lexicons in ``claims_lexicon``, rules in
``claims_rules``):

- **window rules**: a claim verb ("chữa", "ổn định", "đẩy lùi", "cure", "lower", "guérir",
  "réduire"...) with a disease or symptom ("đau bao tử", "erectile dysfunction", "AVC") at most a
  few words after it in the same clause; an effect verb ("giúp", "boosts", "renforce") with a body
  part or function ("gan", "brain", "défenses"), in either order.
- **standalone terms**: words that are a claim on their own: absolutes ("thần dược", "miracle",
  "100% khỏi"), disease names, "anti-cancer" style prefixes, risk reduction, "no more pills".
- **set rules** for detox, immunity, blood values, sleep, ageing, weight (and its amount),
  doctor or patient endorsement, fear, and mood (a warning only).

Categories: ``disease`` (prevents, treats or cures a disease, or presented as a medicine: EU Reg.
1169/2011 Art. 7(3)-(4); Vietnam Circular 08/2013/TT-BYT, Advertising Law), ``health`` (EU Reg.
1924/2006 Art. 10, Reg. 432/2012; Decree 15/2018 Art. 27), ``weight`` (Art. 12(b)),
``endorsement`` (Art. 12(c); Decree 15/2018 Art. 27), ``fear`` (Art. 12(a)), ``wellbeing``
(warning: a mild psychological claim, Art. 13(1)(b)).

Exceptions keep honest text clean. A hit is dropped when a negation stands shortly before it in
the same clause ("không có tác dụng thay thế thuốc chữa bệnh"; "không còn", "no more", "ne ...
plus" announce a cure and are not negations), when it lies inside a legal disclaimer ("not
intended to diagnose, treat, cure or prevent any disease"), or, for a disease or doctor merely
named, when its sentence is a caution ("phụ nữ mang thai nên hỏi ý kiến bác sĩ", "people with a
pollen allergy should check with their doctor"). Vietnamese written without diacritics is
matched on accent-folded text, but only with lexicon words that stay unambiguous once folded
("dau bao tu" yes; "gan", which may be "gần", no).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from studio.writing.checks import claims_lexicon as lx
from studio.writing.checks import claims_rules
from studio.writing.checks._text import fold_same_length
from studio.writing.findings import Finding

LANGS = ("vi", "en", "fr")

REGULATIONS = {
    "disease": "EU Reg. 1169/2011 Art. 7(3)-(4); Vietnam Circular 08/2013/TT-BYT and Advertising "
               "Law (amended by Law 75/2025/QH15): a food may not claim to prevent, treat or cure "
               "a disease or be presented as a medicine",
    "health": "EU Reg. 1924/2006 Art. 10 (only health claims authorised in Reg. 432/2012); "
              "Vietnam Decree 15/2018 Art. 27 (claims must match the registered declaration)",
    "weight": "EU Reg. 1924/2006 Art. 10 and Art. 12(b) (no rate or amount of weight loss); "
              "Vietnam Decree 15/2018 Art. 27",
    "endorsement": "EU Reg. 1924/2006 Art. 12(c) (no endorsement by doctors or health "
                   "professionals); Vietnam Decree 15/2018 Art. 27 (no doctors or patient "
                   "testimonials)",
    "fear": "EU Reg. 1924/2006 Art. 12(a): no claim that health suffers without the food",
    "wellbeing": "EU Reg. 1924/2006 Art. 13(1)(b): a psychological-function claim needs an "
                 "authorised wording; describe the moment, not an effect",
}

MESSAGES = {
    "disease": "claims the food prevents, treats or cures a disease (or presents it as medicine)"
               ": remove the claim; say what the product is, not what it cures",
    "health": "unauthorised health claim: remove the claim; say what the product is, not what it "
              "does to the body",
    "weight": "weight-loss claim: remove it; no promise or amount of weight loss",
    "endorsement": "doctor or patient endorsement: remove it; let the maker tell how it is made",
    "fear": "suggests health suffers without the food: remove it; say what the product is",
    "wellbeing": "effect on mood or stress (borderline health claim): describe the moment, "
                 "not an effect",
}

SUGGESTIONS = {
    "vi": "Bỏ công dụng sức khỏe; hãy tả hương vị, nguồn gốc và cách làm{example}.",
    "en": "Remove the health effect; describe taste, origin and how it is made{example}.",
    "fr": "Retirez l'effet santé ; décrivez le goût, l'origine et la fabrication{example}.",
}
WELLBEING_SUGGESTIONS = {
    "vi": "Tả khoảnh khắc thay vì tác dụng, ví dụ: \"một tách trà cho buổi chiều thư thả\".",
    "en": "Describe the moment, not an effect, e.g. \"a cup for a slow afternoon\".",
    "fr": "Décrivez le moment plutôt qu'un effet, par ex. « une tasse pour un après-midi calme ».",
}
ENDORSEMENT_SUGGESTIONS = {
    "vi": "Bỏ lời bác sĩ/bệnh nhân; hãy để người làm ra sản phẩm kể về quy trình{example}.",
    "en": "Drop the doctor or patient; let the maker tell how it is made{example}.",
    "fr": "Retirez le médecin ou le patient ; laissez le producteur raconter la fabrication"
          "{example}.",
}


@dataclass(frozen=True)
class Rule:
    """One compiled rule.

    ``folded`` is the same rule for accent-free text (Vietnamese that lost its diacritics), or
    None; ``cautionable`` rules only name a disease or a doctor, so a caution sentence ("ask your
    doctor") drops them, while a claim verb is never excused.
    """

    id: str
    lang: str
    category: str
    pattern: re.Pattern
    severity: str = "error"
    negatable: bool = True
    folded: re.Pattern | None = None
    cautionable: bool = False


_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook, dot below


def _old_style(pair: str) -> str:
    """"òa" -> "oà": the tone mark moved from the first vowel to the second."""
    first, second = (unicodedata.normalize("NFD", c) for c in pair)
    return unicodedata.normalize("NFC", first[:-1]) + unicodedata.normalize("NFC",
                                                                             second + first[-1])


# Vietnamese writes "hòa"/"hoà", "khỏe"/"khoẻ", "thủy"/"thuỷ": both placements are mapped to
# one (mark on the second vowel) before matching, so one lexicon entry covers both.
_TONE_PAIRS = {
    f"{first}{second}": _old_style(f"{first}{second}")
    for base, seconds in (("o", "ae"), ("O", "AEae"), ("u", "y"), ("U", "Yy"))
    for first in (unicodedata.normalize("NFC", base + t) for t in _TONES)
    for second in seconds
}
_TONE_PAIR = re.compile("|".join(_TONE_PAIRS))


def canon_tones(text: str) -> str:
    """``text`` with the tone of "oa", "oe", "uy" on the second vowel; same length."""
    return _TONE_PAIR.sub(lambda m: _TONE_PAIRS[m.group()], text)


def _rule(spec: lx.Spec) -> Rule:
    folded = re.compile(spec.folded, re.I) if spec.folded else None
    return Rule(spec.id, spec.lang, spec.category, re.compile(canon_tones(spec.pattern), re.I),
                spec.severity, spec.negatable, folded, spec.cautionable)


RULES: tuple[Rule, ...] = tuple(_rule(s) for s in claims_rules.specs())
_BY_LANG = {lang: tuple(r for r in RULES if r.lang == lang) for lang in LANGS}
_NEGATION = {lang: re.compile(canon_tones(p), re.I) for lang, p in lx.NEGATION.items()}
_DISCLAIMER = {lang: re.compile(canon_tones(p), re.I) for lang, p in lx.DISCLAIMER.items()}
_CAUTION = {lang: re.compile(canon_tones(p), re.I) for lang, p in lx.CAUTION.items()}
# A negation's scope ends at a clause end or a contrast: "not a medicine, but it cures colds".
_CLAUSE_END = re.compile(r"[.;!?\n]|\b(?:but|however|yet|nhưng|tuy nhiên|mais|cependant)\b",
                         re.I)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
# Words before the match that a negation may stand in; Vietnamese counts syllables.
_NEGATION_WINDOW = {"vi": 12, "en": 8, "fr": 8}


def _negated(text: str, start: int, lang: str) -> bool:
    clause_start = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    words = text[clause_start:start].split()[-_NEGATION_WINDOW[lang]:]
    return bool(_NEGATION[lang].search(" ".join(words)))


def _sentences(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _SENTENCE.finditer(text)]


def _excused(text: str, lang: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Spans of legal disclaimers, and of sentences that are cautions."""
    folded = fold_same_length(text)
    disclaimers = [m.span() for m in _DISCLAIMER[lang].finditer(text)]
    cautions = [(s, e) for s, e in _sentences(text)
                if _CAUTION[lang].search(text, s, e) or _CAUTION[lang].search(folded, s, e)]
    return disclaimers, cautions


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _spans(rule: Rule, text: str, folded: str) -> set[tuple[int, int]]:
    spans = {m.span() for m in rule.pattern.finditer(text)}
    if rule.folded is not None:
        # Only where the text itself is accent-free there: a text that lost its diacritics.
        spans |= {m.span() for m in rule.folded.finditer(folded)
                  if text[m.start():m.end()].lower() == m.group()}
    return spans


def _example(lang: str, facts: dict | None) -> str:
    """A concrete hint from the fact sheet, so the rewrite has something true to say."""
    if not facts:
        return ""
    origin = (facts.get("origin") or "").strip()
    steps = [s for s in facts.get("process_steps") or [] if s]
    if lang == "vi" and (origin or steps):
        bits = [f"làm ở {origin}" if origin else "", steps[0].lower() if steps else ""]
        return ", ví dụ: \"" + ", ".join(b for b in bits if b) + "\""
    if origin:
        return f", e.g. \"made in {origin}\"" if lang == "en" else f", par ex. « fait à {origin} »"
    return ""


def _suggestion(category: str, lang: str, facts: dict | None) -> str:
    if category == "wellbeing":
        return WELLBEING_SUGGESTIONS[lang]
    table = ENDORSEMENT_SUGGESTIONS if category == "endorsement" else SUGGESTIONS
    return table[lang].format(example=_example(lang, facts))


def check(text: str, lang: str, facts: dict | None = None) -> list[Finding]:
    """Claims in ``text`` (NFC); one finding per claim, overlapping matches merged.

    Args:
        text: the text to check, already NFC.
        lang: "vi", "en" or "fr".
        facts: the product's fact sheet, used only to make the rewrite suggestion concrete.
    """
    if lang not in LANGS:
        raise ValueError(f"claims: unsupported language {lang!r}; use one of {LANGS}")
    original, text = text, canon_tones(text)  # same length: offsets hold for both
    folded = fold_same_length(text)
    disclaimers, cautions = _excused(text, lang)
    hits: list[tuple[int, int, Rule]] = []
    for rule in _BY_LANG[lang]:
        for start, end in _spans(rule, text, folded):
            if rule.negatable and _negated(text, start, lang):
                continue
            if _inside(start, end, disclaimers):
                continue
            if rule.cautionable and _inside(start, end, cautions):
                continue
            hits.append((start, end, rule))
    return _merge(original, lang, facts, hits)


def _merge(text: str, lang: str, facts: dict | None,
           hits: list[tuple[int, int, Rule]]) -> list[Finding]:
    """Keep one finding per overlapping group: the error before the warning, then the longest."""
    rank = {"error": 0, "warning": 1}
    hits.sort(key=lambda h: (h[0], rank[h[2].severity], -(h[1] - h[0])))
    out: list[Finding] = []
    last_end = -1
    for start, end, rule in hits:
        if start < last_end and out:
            prev = out[-1]
            if rank[rule.severity] >= rank[prev.severity]:
                continue
        out.append(Finding("claim", rule.severity, start, end, text[start:end],
                           REGULATIONS[rule.category],
                           f"{MESSAGES[rule.category]} ({rule.id})",
                           _suggestion(rule.category, lang, facts)))
        last_end = max(last_end, end)
    return out
