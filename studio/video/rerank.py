"""Second pass over the highlight shortlist: an LLM ranks it when one is configured.

The shortlist is the best ``3 × count`` non-overlapping windows by score (at most 30), numbered
in timeline order so the number says nothing about the score. Their transcript texts go to the
model as a JSON list inside a delimited block (``prompts/video/rank_highlights.v1.toml``), with
every angle-bracket look-alike in the data replaced, so a sentence spoken on the stream can
neither close the block nor pose as an instruction. The answer ``{"ranking": [{"id", "reason"}]}``
is checked (whole-number ids, no duplicates; ids outside the shortlist are ignored, but at least
one must be inside), then the picks follow the model's order, filled from the score order, never
overlapping, in timeline order. Any failure keeps the score-only picks and logs a WARNING notice;
``Ranked.status`` says what happened ("llm", "off", "fallback", "skipped") so the page can show it.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from studio.config import get_settings
from studio.errors import ConfigError, EngineError
from studio.video.lexicon import reason_texts
from studio.writing.prompts import Prompt, PromptError, load

PROMPT_PATH = (Path(__file__).resolve().parents[2] / "prompts" / "video"
               / "rank_highlights.v1.toml")
SHORTLIST_FACTOR, MAX_SHORTLIST = 3, 30
MAX_TEXT, MAX_REASON = 1200, 160
LANG_NAMES = {"vi": "Vietnamese (tiếng Việt)", "en": "English"}
NOTICE = "LLM ranking skipped ({reason}); the highlights are the score-only picks."
FALLBACK = "LLM ranking failed ({reason}); the highlights are the score-only picks."
STATUSES = ("llm", "off", "fallback", "skipped")
# Anything that could read as a block marker: ASCII, guillemets, full-width and math brackets.
_OPENERS = re.compile(r"[<‹«＜〈《⟨❮]")
_CLOSERS = re.compile(r"[>›»＞〉》⟩❯]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

log = logging.getLogger(__name__)


@dataclass
class Ranked:
    """The windows to keep, the model's reason per window (by start, end), and any notice.

    ``status``: "llm" (the model ranked), "off" (no LLM configured or asked for), "fallback"
    (the model was asked and failed) or "skipped" (an LLM was wanted but not asked); the last
    two carry a ``notice`` in words.
    """

    chosen: list[tuple]
    reasons: dict[tuple[float, float], str] = field(default_factory=dict)
    notice: str | None = None
    status: str = "off"


def load_prompt() -> Prompt:
    """The ranking prompt, validated like the writer's prompt files."""
    return load(PROMPT_PATH)


def resolve_client(llm):
    """The client to ask, or None for the score-only result.

    ``llm`` is None (ask the configured LLM, if any), False (never ask), True (ask the
    configured LLM; ConfigError when there is none) or an object with ``chat`` (an LLMClient).
    """
    if llm is False:
        return None
    if llm is None or llm is True:
        if llm is None and not get_settings().llm_configured:
            return None
        from studio.llm import LLMClient

        return LLMClient.from_settings()
    if callable(getattr(llm, "chat", None)):
        return llm
    raise ValueError(f"llm must be None, True, False or an LLMClient, not {type(llm).__name__}; "
                     "pass llm=False for score-only highlights")


def neutralise(text: str) -> str:
    """Text with every angle-bracket look-alike turned into a parenthesis."""
    return _CLOSERS.sub(")", _OPENERS.sub("(", text))


def candidates_block(sents, shortlist: list[tuple], lang: str) -> str:
    """The shortlist as numbered JSON data (ids from 1, timeline order), markers neutralised."""
    items = []
    for n, (_, start, end, i, j) in enumerate(shortlist, 1):
        part = sents[i:j + 1]
        text = " ".join(" ".join(s.text.split()) for s in part)
        if len(text) > MAX_TEXT:
            text = text[:MAX_TEXT - 1].rstrip() + "…"
        items.append({"id": n, "start": round(start, 1), "end": round(end, 1),
                      "seconds": round(end - start), "signals": reason_texts(part, lang),
                      "text": text})
    return neutralise(json.dumps(items, ensure_ascii=False, indent=1))


def parse_ranking(text: str, prompt: Prompt, size: int) -> list[tuple[int, str]]:
    """(index into the shortlist, reason) in the model's order; EngineError if unusable."""
    from studio.llm import parse_json_object

    try:
        data = prompt.validate_output(parse_json_object(text))
    except PromptError as exc:
        raise EngineError(str(exc)) from exc
    seen: set[int] = set()
    order: list[tuple[int, str]] = []
    for entry in data["ranking"]:
        ident, reason = entry.get("id"), entry.get("reason", "")
        if not isinstance(ident, int) or isinstance(ident, bool):
            raise EngineError(f"the LLM's ranking has an id that is not a whole number "
                              f"({ident!r}); try again or leave the LLM out")
        if not isinstance(reason, str):
            raise EngineError(f"the LLM's reason for id {ident} is not text; try again")
        if ident in seen:
            raise EngineError(f"the LLM ranked id {ident} twice; try again")
        seen.add(ident)
        if 1 <= ident <= size:  # ids the shortlist does not have are ignored
            order.append((ident - 1, _clean_reason(reason)))
    if not order:
        raise EngineError(f"the LLM's ranking names none of the {size} shortlisted windows; "
                          "try again or leave the LLM out")
    return order


def _clean_reason(reason: str) -> str:
    reason = " ".join(_CONTROL.sub(" ", reason).split())
    return reason if len(reason) <= MAX_REASON else reason[:MAX_REASON - 1].rstrip() + "…"


def _pick(shortlist: list[tuple], order: list[tuple[int, str]], count: int) -> list[tuple]:
    by_score = sorted(range(len(shortlist)), key=lambda k: (-shortlist[k][0], shortlist[k][1]))
    taken: list[tuple] = []
    for k in [k for k, _ in order] + by_score:
        cand = shortlist[k]
        if cand in taken or any(cand[1] < c[2] and c[1] < cand[2] for c in taken):
            continue
        taken.append(cand)
        if len(taken) == count:
            break
    return sorted(taken, key=lambda c: c[1])


def rerank(sents, cands: list[tuple], chosen: list[tuple], count: int, lang: str = "vi",
           llm=None) -> Ranked:
    """The LLM's choice among the shortlist, or ``chosen`` (score-only) with a notice.

    Args:
        sents: the tagged sentences the candidate windows index into.
        cands: every candidate window (score, start, end, i, j).
        chosen: the score-only picks, kept whenever the LLM cannot help.
        count: how many highlights to return.
        lang: language of the reasons.
        llm: see :func:`resolve_client`.
    """
    from studio.video.highlights import _greedy

    try:
        client = resolve_client(llm)
    except ConfigError as exc:
        return _fallback(chosen, exc, "skipped")
    if client is None:
        return Ranked(chosen)
    shortlist = sorted(_greedy(cands, min(SHORTLIST_FACTOR * count, MAX_SHORTLIST)),
                       key=lambda c: c[1])
    if len(shortlist) <= count:  # nothing to choose between: not worth a request
        reason = f"only {len(shortlist)} windows for {count} highlights, nothing to choose"
        return Ranked(chosen, notice=NOTICE.format(reason=reason), status="skipped")
    prompt = load_prompt()
    messages = prompt.render({"lang_name": LANG_NAMES.get(lang, LANG_NAMES["en"]),
                              "count": count, "total": len(shortlist),
                              "candidates": candidates_block(sents, shortlist, lang)})
    try:
        result = client.chat(messages, temperature=0.0, json_mode=True)
        order = parse_ranking(result.text, prompt, len(shortlist))
    except EngineError as exc:  # LLMTimeout is an EngineError too
        return _fallback(chosen, exc, "fallback")
    picks = _pick(shortlist, order, count)
    reasons = {(shortlist[k][1], shortlist[k][2]): r for k, r in order if r}
    return Ranked(picks, {key: r for key, r in reasons.items()
                          if any((c[1], c[2]) == key for c in picks)}, status="llm")


def _fallback(chosen: list[tuple], exc: Exception, status: str) -> Ranked:
    notice = (FALLBACK if status == "fallback" else NOTICE).format(reason=str(exc))
    log.warning(notice)
    return Ranked(chosen, notice=notice, status=status)
