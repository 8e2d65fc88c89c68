"""Selling-aware highlights: product segments, then scored 15–60 s windows on sentence bounds.

1. Sentences come from the transcript (split inside a segment at . ? ! using word timings).
2. Each sentence is matched to catalog products by name and alias, diacritics-insensitively and
   fuzzily (Whisper writes "tra xa đen" or "trà sạ đen"); the product talked about carries forward
   until another one is named.
3. Candidate windows start and end on sentence boundaries (then on word timings with a little
   padding, so spoken prices are not clipped) and last 15–60 s. Signals: offer/price and
   call-to-action words (vi + en), story words, product mention, speech density, loudness, scene
   cuts, comment times. Each highlight keeps its reasons in words.
4. The best windows are taken greedily without overlap; when that leaves fewer than asked and the
   stream is long enough, an exact dynamic programme picks the best set of that size. Results are
   in timeline order.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import asdict, dataclass, field

import numpy as np
from rapidfuzz import fuzz

from studio.i18n import fold
from studio.video.lexicon import CTA, OFFER, STORY, find_terms, spoken_price

MIN_LEN, MAX_LEN, DEFAULT_COUNT = 15.0, 60.0, 5
PAD_BEFORE, PAD_AFTER = 0.25, 0.45
MATCH_THRESHOLD = 84


@dataclass(frozen=True)
class ProductRef:
    """What highlights need to know of a catalog product."""

    id: int | None
    name: str
    aliases: tuple[str, ...] = ()
    price_vnd: int | None = None
    slug: str = ""

    @classmethod
    def from_product(cls, product) -> ProductRef:
        return cls(product.id, product.name_vi, tuple(
            [product.name_en, *(product.aliases or [])]), product.price_vnd, product.slug)


@dataclass
class Sentence:
    start: float
    end: float
    text: str
    product: ProductRef | None = None
    mentioned: bool = False
    offers: list[str] = field(default_factory=list)
    ctas: list[str] = field(default_factory=list)
    stories: list[str] = field(default_factory=list)
    price: int | None = None


@dataclass
class HighlightPick:
    """A suggested clip: range, score (0–100), reasons in words, product talked about."""

    start: float
    end: float
    score: float
    reasons: list[str]
    product: ProductRef | None
    text: str

    def to_dict(self) -> dict:
        data = asdict(self)
        data["product"] = self.product.name if self.product else None
        data["product_id"] = self.product.id if self.product else None
        return data


@dataclass(frozen=True)
class Signals:
    """Optional media signals (see :mod:`studio.video.signals`)."""

    loudness: np.ndarray | None = None
    scenes: tuple[float, ...] = ()
    comments: tuple[float, ...] = ()


def _get(seg, name, default=None):
    return seg.get(name, default) if isinstance(seg, dict) else getattr(seg, name, default)


def sentences(segments, fine: bool = False) -> list[Sentence]:
    """Split transcript segments into sentences, using word timings where there are any.

    ``fine`` also splits at commas and pauses of 0.35 s or more (more places to cut, used when
    whole sentences leave too few non-overlapping windows).
    """
    out: list[Sentence] = []
    for seg in segments:
        text = (_get(seg, "text") or "").strip()
        words = _get(seg, "words") or []
        if not text:
            continue
        if not words:
            out.append(Sentence(float(_get(seg, "start")), float(_get(seg, "end")), text))
            continue
        current: list[dict] = []
        ends = r"[.?!…,;]\s*$" if fine else r"[.?!…]\s*$"
        for k, word in enumerate(words):
            current.append(word)
            pause = (k + 1 < len(words) and fine
                     and float(words[k + 1]["start"]) - float(word["end"]) >= 0.35)
            if re.search(ends, word["word"]) or pause:
                out.append(_from_words(current))
                current = []
        if current:
            out.append(_from_words(current))
    return out


def _from_words(words: list[dict]) -> Sentence:
    return Sentence(float(words[0]["start"]), float(words[-1]["end"]),
                    "".join(w["word"] for w in words).strip())


def _keys(product: ProductRef) -> list[str]:
    keys = []
    for name in (product.name, *product.aliases):
        key = " ".join(re.sub(r"[^\w\s]", " ", fold(name or "")).split())
        # Very short aliases ("tra", "A1") would match half the transcript.
        if len(key) >= 5 and key not in keys:
            keys.append(key)
    return keys


def match_product(text: str, products: list[ProductRef]) -> tuple[ProductRef | None, float]:
    """The product a sentence names (diacritics-insensitive fuzzy match) and the match score."""
    folded = " ".join(re.sub(r"[^\w\s]", " ", fold(text)).split())
    best, best_score = None, 0.0
    for product in products:
        for key in _keys(product):
            score = fuzz.partial_ratio(key, folded) if len(folded) >= len(key) else 0.0
            # A longer matching key is stronger evidence than a short one at the same ratio.
            score += min(len(key), 20) / 10
            if score > best_score:
                best, best_score = product, score
    if best_score - 2.0 < MATCH_THRESHOLD:
        return None, best_score
    return best, best_score


def tag(sents: list[Sentence], products: list[ProductRef]) -> list[Sentence]:
    """Fill in product (carried forward), offer, call-to-action, story words and spoken price."""
    current = None
    for sent in sents:
        product, _ = match_product(sent.text, products)
        if product is not None:
            current, sent.mentioned = product, True
        sent.product = current
        folded = fold(sent.text)
        sent.offers = find_terms(folded, OFFER)
        sent.ctas = find_terms(folded, CTA)
        sent.stories = find_terms(folded, STORY)
        sent.price = spoken_price(sent.text)
    return sents


def product_segments(sents: list[Sentence]) -> list[tuple[ProductRef | None, float, float]]:
    """Consecutive runs of sentences about the same product: (product, start, end)."""
    runs: list[tuple[ProductRef | None, float, float]] = []
    for sent in sents:
        if runs and runs[-1][0] == sent.product:
            runs[-1] = (runs[-1][0], runs[-1][1], sent.end)
        else:
            runs.append((sent.product, sent.start, sent.end))
    return runs


def _sentence_value(sent: Sentence) -> float:
    return (2.5 * min(len(sent.offers), 2) + (1.5 if sent.price else 0.0)
            + 2.0 * min(len(sent.ctas), 2) + 0.8 * min(len(sent.stories), 2)
            + (1.2 if sent.mentioned else 0.0))


def _window_score(sents: list[Sentence], i: int, j: int, start: float, end: float,
                  signals: Signals, loud_ref: float) -> float:
    length = end - start
    content = sum(_sentence_value(s) for s in sents[i:j + 1])
    speech = sum(s.end - s.start for s in sents[i:j + 1])
    density = min(1.0, speech / length)
    # Selling content per 30 s: a tight clip beats the same offers padded with filler.
    score = content / (length / 30.0) + 2.0 * density
    if signals.loudness is not None and len(signals.loudness):
        seg = signals.loudness[int(start): max(int(start) + 1, int(end))]
        if len(seg):
            score += float(np.clip((np.mean(seg) - loud_ref) / 6.0, -1.0, 1.0))
    if signals.scenes:
        k = bisect.bisect_left(signals.scenes, start - 1.0)
        if k < len(signals.scenes) and signals.scenes[k] <= start + 1.0:
            score += 0.5  # the clip opens on a cut
    if signals.comments:
        n = bisect.bisect_right(signals.comments, end) - bisect.bisect_left(signals.comments, start)
        score += min(3.0, n / max(1.0, length / 10))
    if length < 20 or length > 45:
        score -= 0.3  # prefer 20–45 s: long enough to sell, short enough to be watched
    return score


def _reasons(sents: list[Sentence], lang: str) -> list[str]:
    from studio.video.lexicon import reason_texts

    return reason_texts(sents, lang)


def candidates(sents: list[Sentence], duration: float, signals: Signals,
               min_len: float = MIN_LEN, max_len: float = MAX_LEN) -> list[tuple]:
    """All windows (score, start, end, i, j) on sentence bounds lasting min_len..max_len."""
    loud_ref = float(np.median(signals.loudness)) if signals.loudness is not None and len(
        signals.loudness) else 0.0
    out = []
    for i, first in enumerate(sents):
        lo = max(0.0, first.start - PAD_BEFORE)
        if i > 0:
            lo = max(lo, (sents[i - 1].end + first.start) / 2)
        for j in range(i, len(sents)):
            hi = min(duration, sents[j].end + PAD_AFTER)
            if j + 1 < len(sents):
                hi = min(hi, (sents[j].end + sents[j + 1].start) / 2)
            length = hi - lo
            if length > max_len:
                break
            if length >= min_len:
                out.append((_window_score(sents, i, j, lo, hi, signals, loud_ref), lo, hi, i, j))
    return out


def _greedy(cands: list[tuple], count: int) -> list[tuple]:
    chosen: list[tuple] = []
    for cand in sorted(cands, key=lambda c: (-c[0], c[1])):
        if all(cand[2] <= c[1] or cand[1] >= c[2] for c in chosen):
            chosen.append(cand)
            if len(chosen) == count:
                break
    return chosen


def _best_k(cands: list[tuple], count: int) -> list[tuple]:
    """Exactly ``count`` non-overlapping windows of greatest total score (weighted intervals)."""
    cands = sorted(cands, key=lambda c: c[2])
    ends = [c[2] for c in cands]
    n, neg = len(cands), float("-inf")
    best = [[0.0] * (n + 1)] + [[neg] * (n + 1) for _ in range(count)]
    for k in range(1, count + 1):
        for x in range(1, n + 1):
            cand = cands[x - 1]
            prev = bisect.bisect_right(ends, cand[1])
            take = best[k - 1][prev] + cand[0] if best[k - 1][prev] > neg else neg
            best[k][x] = max(best[k][x - 1], take)
    if best[count][n] == neg:
        return []
    picked, k, x = [], count, n
    while k > 0 and x > 0:
        if best[k][x] == best[k][x - 1]:
            x -= 1
            continue
        cand = cands[x - 1]
        picked.append(cand)
        x, k = bisect.bisect_right(ends, cand[1]), k - 1
    return picked


def _choose(sents: list[Sentence], duration: float, signals: Signals,
            count: int) -> tuple[list[Sentence], list[tuple], list[tuple]]:
    cands = candidates(sents, duration, signals)
    if not cands and sents:
        # Under 15 s of speech in all: offer the whole talk as one clip.
        cands = [(1.0, max(0.0, sents[0].start - PAD_BEFORE),
                  min(duration, sents[-1].end + PAD_AFTER), 0, len(sents) - 1)]
    chosen = _greedy(cands, count)
    for k in range(count, len(chosen), -1):
        exact = _best_k(cands, k)
        if exact:
            return sents, exact, cands
    return sents, chosen, cands


@dataclass
class Suggestions:
    """Highlights and how the LLM second pass went (``rerank.Ranked.status`` and notice)."""

    picks: list[HighlightPick]
    ranking: str = "off"
    notice: str | None = None


def find_highlights(segments, duration: float, products: list[ProductRef] | None = None,
                    count: int = DEFAULT_COUNT, signals: Signals | None = None,
                    lang: str = "vi", llm=None) -> list[HighlightPick]:
    """Up to ``count`` highlights (exactly ``count`` when the stream allows), timeline order.

    Args:
        segments: transcript segments (dicts or objects with start, end, text, words).
        duration: length of the media in seconds.
        products: the catalog, for product segments and mentions.
        signals: optional loudness, scene cuts and comment times.
        lang: language of the reasons ("vi" or "en").
        llm: second pass by an LLM (:mod:`studio.video.rerank`): None asks the configured LLM
            if there is one, False never asks, or pass an ``LLMClient``.
    """
    return suggest_highlights(segments, duration, products, count, signals, lang, llm).picks


def suggest_highlights(segments, duration: float, products: list[ProductRef] | None = None,
                       count: int = DEFAULT_COUNT, signals: Signals | None = None,
                       lang: str = "vi", llm=None) -> Suggestions:
    """:func:`find_highlights` with the outcome of the LLM pass, for callers that show it."""
    if count < 1:
        raise ValueError("count must be at least 1")
    signals = signals or Signals()
    sents, chosen, cands = _choose(tag(sentences(segments), products or []), duration, signals,
                                   count)
    if len(chosen) < count:
        fine = tag(sentences(segments, fine=True), products or [])
        fine_sents, fine_chosen, fine_cands = _choose(fine, duration, signals, count)
        if len(fine_chosen) > len(chosen):
            sents, chosen, cands = fine_sents, fine_chosen, fine_cands
    top = max((c[0] for c in chosen), default=1.0) or 1.0
    llm_reasons: dict = {}
    ranking, notice = "off", None
    if llm is not False:
        from studio.video.rerank import rerank

        ranked = rerank(sents, cands, chosen, count, lang, llm)
        chosen, llm_reasons = ranked.chosen, ranked.reasons
        ranking, notice = ranked.status, ranked.notice
    picks = []
    for score, start, end, i, j in sorted(chosen, key=lambda c: c[1]):
        part = sents[i:j + 1]
        product = next((s.product for s in part if s.mentioned), part[0].product)
        reasons = _reasons(part, lang)
        if llm_reasons.get((start, end)):
            reasons.append(f"LLM: {llm_reasons[(start, end)]}")
        picks.append(HighlightPick(round(start, 2), round(end, 2),
                                   round(max(0.0, 100 * score / top), 1), reasons, product,
                                   " ".join(s.text for s in part)))
    return Suggestions(picks, ranking, notice)
