"""After the live: orders and revenue per product, questions, and — when the recording was
transcribed — talk time per product and the minutes with the most orders.

The transcript is optional and taken through a plain interface: any sequence of
``(start_s, end_s, text)`` tuples, or objects with ``start``, ``end`` and ``text`` attributes
(``studio.video``'s TranscriptSegment fits). Times are seconds from the start of the recording,
which is assumed to begin at the live's ``started_at``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from studio.live.orders import LiveResult
from studio.live.parser import KeywordMap, tokenize

# A sentence that names no product still belongs to the last one named this recently.
CARRY_S = 90.0


@dataclass
class Summary:
    products: list[dict]  # slug, name, qty, orders, revenue_vnd
    questions: list[dict]
    order_minutes: list[dict]  # minute (from start), orders
    talk: list[dict] = field(default_factory=list)  # slug, seconds
    moments: list[dict] = field(default_factory=list)  # start_s, end_s, orders
    transcribed: bool = False

    @property
    def revenue_vnd(self) -> int:
        return sum(p["revenue_vnd"] for p in self.products)


def _segments(transcript: Sequence | None) -> list[tuple[float, float, str]]:
    out = []
    for seg in transcript or []:
        if isinstance(seg, tuple | list):
            start, end, text = seg[0], seg[1], seg[2]
        else:
            start, end, text = seg.start, seg.end, seg.text
        if end < start:
            raise ValueError(f"transcript segment ends before it starts ({start} > {end})")
        out.append((float(start), float(end), str(text)))
    return sorted(out)


def talk_time(segments: Sequence, keywords: KeywordMap) -> dict[str, float]:
    """Seconds of speech per product: segments naming it, plus unnamed ones soon after."""
    seconds: dict[str, float] = {}
    last: tuple[str, float] | None = None
    for start, end, text in _segments(segments):
        tokens = tokenize(text)
        named = []
        i = 0
        while i < len(tokens):
            hit = keywords.match_at(tokens, i)
            if hit:
                named.append(hit[1])
                i += hit[0]
            else:
                i += 1
        if named:
            share = (end - start) / len(set(named))
            for slug in set(named):
                seconds[slug] = seconds.get(slug, 0.0) + share
            last = (named[-1], end)
        elif last and start - last[1] <= CARRY_S:
            seconds[last[0]] = seconds.get(last[0], 0.0) + (end - start)
            last = (last[0], end)
    return seconds


def summarize(result: LiveResult, keywords: KeywordMap, prices: dict[str, int | None],
              names: dict[str, str] | None = None, started_at: datetime | None = None,
              transcript: Sequence | None = None, top: int = 5) -> Summary:
    """The after-live summary of an aggregation ``result``."""
    names = names or {}
    qty: Counter[str] = Counter()
    orders: Counter[str] = Counter()
    for order in result.orders:
        if order.status == "cancelled":
            continue
        for slug, n in order.items.items():
            qty[slug] += n
            orders[slug] += 1
    products = [{"slug": slug, "name": names.get(slug, slug), "qty": qty[slug],
                 "orders": orders[slug], "revenue_vnd": qty[slug] * (prices.get(slug) or 0)}
                for slug in keywords.slugs]
    order_times = [c.at for c, p in result.parsed if p.intent == "order" and p.items]
    start = started_at or (min(c.at for c, _p in result.parsed) if result.parsed else None)
    per_minute: Counter[int] = Counter()
    for at in order_times:
        per_minute[int((at - start).total_seconds() // 60)] += 1
    minutes = [{"minute": m, "orders": per_minute[m]} for m in sorted(per_minute)]
    summary = Summary(products, list(result.questions), minutes)
    segs = _segments(transcript)
    if segs:
        summary.transcribed = True
        talk = talk_time(segs, keywords)
        summary.talk = [{"slug": s, "name": names.get(s, s), "seconds": round(talk.get(s, 0.0), 1),
                         "qty": qty[s]} for s in keywords.slugs]
        busiest = sorted(minutes, key=lambda m: (-m["orders"], m["minute"]))[:top]
        summary.moments = sorted(
            ({"start_s": m["minute"] * 60.0, "end_s": m["minute"] * 60.0 + 60.0,
              "orders": m["orders"]} for m in busiest), key=lambda m: m["start_s"])
    return summary


def figures(summary: Summary, lang: str = "vi") -> dict:
    """Plotly figures: revenue per product, orders per minute, talk time against units sold."""
    import plotly.graph_objects as go

    from studio.i18n import t

    names = [p["name"] for p in summary.products]
    figs = {}
    rev = go.Figure(go.Bar(x=names, y=[p["revenue_vnd"] for p in summary.products],
                           text=[p["qty"] for p in summary.products]))
    rev.update_layout(title=t("live.chart.revenue", lang), yaxis_title="VND")
    figs["revenue"] = rev
    per_min = go.Figure(go.Bar(x=[m["minute"] for m in summary.order_minutes],
                               y=[m["orders"] for m in summary.order_minutes]))
    per_min.update_layout(title=t("live.chart.minutes", lang),
                          xaxis_title=t("live.chart.minute", lang))
    figs["minutes"] = per_min
    if summary.talk:
        talk = go.Figure()
        talk.add_bar(name=t("live.chart.talk_min", lang), x=[r["name"] for r in summary.talk],
                     y=[r["seconds"] / 60 for r in summary.talk])
        talk.add_bar(name=t("live.chart.units", lang), x=[r["name"] for r in summary.talk],
                     y=[r["qty"] for r in summary.talk])
        talk.update_layout(title=t("live.chart.talk", lang), barmode="group")
        figs["talk"] = talk
    return figs
