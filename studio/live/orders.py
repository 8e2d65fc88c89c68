"""Turn a stream of comments into orders: repeats once, add-ons and cancels, stock first come first
served. Pure functions over plain dataclasses, so the CLI works without a database and the desk
rebuilds its orders from the stored comments whenever new ones arrive.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from studio.i18n import fold
from studio.live.parser import KeywordMap, ParsedComment, parse_comment


@dataclass(frozen=True)
class Comment:
    """One comment as a source gives it (time is timezone-aware)."""

    at: datetime
    user: str
    text: str
    id: str = ""
    current: str | None = None  # product on screen when it was written


@dataclass
class OrderDraft:
    user: str
    seq: int
    first_at: datetime
    phone: str | None = None
    items: dict[str, int] = field(default_factory=dict)
    short: dict[str, int] = field(default_factory=dict)  # asked for but out of stock
    comments: list[str] = field(default_factory=list)
    status: str = "new"

    def as_dict(self) -> dict:
        return {"user": self.user, "phone": self.phone, "items": dict(self.items),
                "comments": list(self.comments), "status": self.status,
                "short": dict(self.short), "first_at": self.first_at.isoformat()}


@dataclass
class LiveResult:
    orders: list[OrderDraft] = field(default_factory=list)
    questions: list[dict] = field(default_factory=list)
    cancels: list[dict] = field(default_factory=list)
    unmatched: list[dict] = field(default_factory=list)
    parsed: list[tuple[Comment, ParsedComment]] = field(default_factory=list)
    repeats: int = 0

    def as_dict(self) -> dict:
        """The stable CLI shape: orders, questions, cancels, unmatched."""
        return {"orders": [o.as_dict() for o in self.orders if o.items or o.short],
                "questions": self.questions, "cancels": self.cancels,
                "unmatched": self.unmatched}

    def totals(self) -> dict[str, int]:
        """Quantity per product over orders that are not cancelled."""
        out: dict[str, int] = {}
        for order in self.orders:
            if order.status != "cancelled":
                for slug, qty in order.items.items():
                    out[slug] = out.get(slug, 0) + qty
        return out


def _repeat_key(comment: Comment) -> tuple[str, str]:
    return comment.user, re.sub(r"\s+", " ", fold(comment.text)).strip()


class _Book:
    """Orders per user with a stock ledger (first come, first served)."""

    def __init__(self, stock: dict[str, int | None]) -> None:
        self.left = {slug: qty for slug, qty in stock.items() if qty is not None}
        self.orders: list[OrderDraft] = []
        self.active: dict[str, OrderDraft] = {}
        self.phones: dict[str, str] = {}

    def order_for(self, user: str, at: datetime) -> OrderDraft:
        order = self.active.get(user)
        if order is None:
            seq = 1 + sum(1 for o in self.orders if o.user == user)
            order = OrderDraft(user, seq, at, phone=self.phones.get(user))
            self.orders.append(order)
            self.active[user] = order
        return order

    def add(self, order: OrderDraft, slug: str, qty: int) -> None:
        granted = qty if slug not in self.left else min(qty, self.left[slug])
        if slug in self.left:
            self.left[slug] -= granted
        if granted:
            order.items[slug] = order.items.get(slug, 0) + granted
        if qty - granted:
            order.short[slug] = order.short.get(slug, 0) + qty - granted

    def remove(self, order: OrderDraft, slug: str, qty: int) -> None:
        """Take ``qty`` (0 = all) of ``slug`` off ``order``: unfilled first, then filled."""
        want = qty or (order.items.get(slug, 0) + order.short.get(slug, 0))
        from_short = min(want, order.short.get(slug, 0))
        self._dec(order.short, slug, from_short)
        from_items = min(want - from_short, order.items.get(slug, 0))
        self._dec(order.items, slug, from_items)
        self.release(slug, from_items)

    def cancel(self, order: OrderDraft) -> None:
        for slug in list(order.items):
            self.remove(order, slug, 0)
        order.short.clear()
        order.status = "cancelled"
        self.active.pop(order.user, None)

    def release(self, slug: str, qty: int) -> None:
        """Freed stock goes to the earliest order still waiting for that product."""
        if slug not in self.left or not qty:
            return
        self.left[slug] += qty
        for waiting in self.orders:
            if not self.left[slug]:
                break
            need = waiting.short.get(slug, 0)
            if need and waiting.status != "cancelled":
                got = min(need, self.left[slug])
                self.left[slug] -= got
                self._dec(waiting.short, slug, got)
                waiting.items[slug] = waiting.items.get(slug, 0) + got

    @staticmethod
    def _dec(bag: dict[str, int], slug: str, qty: int) -> None:
        if not qty:
            return
        bag[slug] -= qty
        if bag[slug] <= 0:
            del bag[slug]


def aggregate(comments: Iterable[Comment], keywords: KeywordMap | None,
              stock: dict[str, int | None] | None = None,
              parse: Callable[..., ParsedComment] = parse_comment,
              closed: set[tuple[str, int]] | frozenset = frozenset()) -> LiveResult:
    """Orders, questions, cancels and unmatched order comments, in time order.

    Args:
        comments: comments in any order; they are sorted by time (ties keep their order).
        keywords: the live's keyword map.
        stock: slug → units on sale (None or absent: unlimited).
        parse: the comment reader (the parser by default).
        closed: (user, seq) of orders staff cancelled by hand; their stock goes back to the
            orders still waiting, first come first served.
    """
    ordered = sorted(enumerate(comments), key=lambda pair: (pair[1].at, pair[0]))
    book = _Book(stock or {})
    result = LiveResult()
    seen: set = set()
    for _index, comment in ordered:
        key = _repeat_key(comment)
        if key in seen or (comment.id and ("id", comment.id) in seen):
            result.repeats += 1
            continue
        seen.add(key)
        if comment.id:
            seen.add(("id", comment.id))
        parsed = parse(comment.text, keywords, comment.current)
        result.parsed.append((comment, parsed))
        _apply(book, result, comment, parsed)
    for order in book.orders:
        if (order.user, order.seq) in closed and order.status != "cancelled":
            book.cancel(order)
    result.orders = book.orders
    return result


def _apply(book: _Book, result: LiveResult, comment: Comment, parsed: ParsedComment) -> None:
    row = {"user": comment.user, "text": parsed.text, "at": comment.at.isoformat()}
    if parsed.phone:
        book.phones[comment.user] = parsed.phone
        if comment.user in book.active:
            book.active[comment.user].phone = parsed.phone
            if parsed.intent == "other":
                book.active[comment.user].comments.append(parsed.text)
    if parsed.intent == "order":
        if not parsed.items:
            result.unmatched.append(row)
            return
        order = book.order_for(comment.user, comment.at)
        order.comments.append(parsed.text)
        for slug, qty in parsed.items.items():
            book.add(order, slug, qty)
    elif parsed.intent == "cancel":
        result.cancels.append({**row, "items": dict(parsed.items)})
        order = book.active.get(comment.user)
        if order is not None:
            order.comments.append(parsed.text)
            for slug, qty in parsed.items.items():
                book.remove(order, slug, qty)
            emptied = not order.items and not order.short and not parsed.also_order
            if not parsed.items or emptied:
                book.cancel(order)
        if parsed.also_order:  # "không lấy bưởi nữa, lấy 2 trà"
            order = book.order_for(comment.user, comment.at)
            if parsed.text not in order.comments:
                order.comments.append(parsed.text)
            for slug, qty in parsed.also_order.items():
                book.add(order, slug, qty)
    elif parsed.intent == "question":
        result.questions.append({**row, "products": list(parsed.products)})
