"""Live sessions in the database: set up, take comments in, keep orders in step, export.

Orders are rebuilt from the stored comments each time new comments arrive (the aggregation is
cheap and deterministic), while the statuses staff set by hand (confirmed, shipped, cancelled) are
kept across rebuilds.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from studio.catalog.service import get_product, list_products
from studio.db.models import Workspace
from studio.errors import NotFound, Problem, ValidationFailed
from studio.i18n import fold, nfc
from studio.live.models import (
    ORDER_STATUSES,
    LiveComment,
    LiveOrder,
    LiveOrderItem,
    LiveProduct,
    LiveQuestion,
    LiveSession,
)
from studio.live.orders import Comment, LiveResult, aggregate
from studio.live.parser import KeywordMap, mask_phone
from studio.live.sources import GraphComments, comment_key


def catalog_keywords(session: Session, ws: Workspace) -> dict[str, list[str]]:
    """slug → [slug, Vietnamese name, aliases...] for every product of ``ws``.

    A word two products share (an alias "trà" on two teas) is left out for both: it cannot
    tell them apart, and the other keywords still can.
    """
    out = {}
    for product in list_products(session, ws):
        words = [product.slug, product.name_vi, *product.aliases]
        out[product.slug] = list(dict.fromkeys(w for w in words if w and w.strip()))
    owners: dict[str, set[str]] = {}
    for slug, words in out.items():
        for word in words:
            owners.setdefault(" ".join(fold(word).split()), set()).add(slug)
    shared = {key for key, slugs in owners.items() if len(slugs) > 1}
    out = {slug: [w for w in words if " ".join(fold(w).split()) not in shared] or [slug]
           for slug, words in out.items()}
    if not out:
        raise NotFound(f"workspace '{ws.slug}' has no products to sell; add products first or "
                       "pass --keywords KEYWORDS.json")
    return out


def spec_rows(rows: Iterable[dict]) -> list[dict]:
    """The desk's product table (keywords "a; b", price and stock as typed) as ``create_live``
    rows; ValidationFailed, row by row, for a price or stock that is not a whole number."""
    out, problems = [], []
    for n, row in enumerate(rows, start=1):
        spec = {"slug": row["slug"], "keywords": [w.strip() for w in str(
            row.get("keywords") or "").split(";") if w.strip()]}
        for key in ("price_vnd", "stock"):
            value = row.get(key)
            text = "" if value is None else str(value).strip()
            if isinstance(value, float) and value == value and value.is_integer():
                text = str(int(value))  # the table may hand numbers back as floats
            elif key == "price_vnd":
                text = text.replace(".", "").replace(",", "").replace(" ", "")  # 120.000
            if text in ("", "nan", "None"):
                spec[key] = None
            elif text.isascii() and text.isdigit():
                spec[key] = int(text)
            else:
                spec[key] = None
                problems.append(Problem(key, "live_not_count", {"value": str(value)[:40]}, n))
        out.append(spec)
    if problems:
        raise ValidationFailed(problems)
    return out


def create_live(session: Session, ws: Workspace, title: str, products: Iterable[dict],
                script_text: str = "") -> LiveSession:
    """A live selling ``products``: dicts with slug and optional keywords, price_vnd, stock."""
    title = nfc(title or "").strip()
    problems = []
    if not title:
        problems.append(Problem("title", "required"))
    elif len(title) > 200:  # live_sessions.title
        problems.append(Problem("title", "too_long", {"max": 200}))
    rows = list(products)
    if not rows:
        problems.append(Problem("products", "live_no_products"))
    for n, row in enumerate(rows, start=1):
        for key in ("price_vnd", "stock"):
            value = row.get(key)
            if value is not None and (not isinstance(value, int) or value < 0):
                problems.append(Problem(key, "live_not_count", {"value": value}, n))
    if problems:
        raise ValidationFailed(problems)
    live = LiveSession(workspace_id=ws.id, title=title, script_text=nfc(script_text or ""),
                       fb_cursor={})
    for row in rows:
        product = get_product(session, ws, row["slug"])
        words = row.get("keywords") or [product.slug, product.name_vi, *product.aliases]
        live.products.append(LiveProduct(
            workspace_id=ws.id, product_id=product.id, slug=product.slug, name=product.name_vi,
            keywords=list(dict.fromkeys(words)),
            price_vnd=row.get("price_vnd", product.price_vnd), stock=row.get("stock")))
    keyword_map(live)  # reject a keyword given to two products before saving
    session.add(live)
    session.flush()
    return live


def get_live(session: Session, ws: Workspace, live_id: int) -> LiveSession:
    live = session.get(LiveSession, live_id)
    if live is None or live.workspace_id != ws.id:
        raise NotFound(f"no live session {live_id} in workspace '{ws.slug}'; create one on the "
                       "Live desk page")
    return live


def list_lives(session: Session, ws: Workspace) -> list[LiveSession]:
    stmt = select(LiveSession).where(LiveSession.workspace_id == ws.id)
    return list(session.scalars(stmt.order_by(LiveSession.id.desc())))


def keyword_map(live: LiveSession) -> KeywordMap:
    return KeywordMap({p.slug: list(p.keywords) for p in live.products})


def ingest(session: Session, live: LiveSession, comments: Iterable[Comment],
           source: str = "file") -> int:
    """Store comments not seen before, then rebuild orders and questions; how many were new."""
    known = set(session.scalars(select(LiveComment.external_id)
                                .where(LiveComment.live_id == live.id)))
    added = 0
    for comment in comments:
        key = comment_key(comment)
        if key in known:
            continue
        known.add(key)
        live.comments.append(LiveComment(
            workspace_id=live.workspace_id, external_id=key, at=comment.at,
            user=comment.user[:200], text=comment.text, source=source,
            current_slug=comment.current or live.current_slug or ""))
        added += 1
    if live.started_at is None and live.comments:
        live.started_at = min(c.at for c in live.comments)
    session.flush()
    rebuild(session, live)
    return added


def result_for(live: LiveSession) -> LiveResult:
    """The aggregation of every stored comment of ``live``."""
    comments = [Comment(c.at, c.user, c.text, c.external_id, c.current_slug or None)
                for c in live.comments]
    closed = {(o.user, o.seq) for o in live.orders if o.status == "cancelled"}
    stock = {p.slug: p.stock for p in live.products}
    return aggregate(comments, keyword_map(live), stock, closed=closed)


def rebuild(session: Session, live: LiveSession) -> LiveResult:
    """Bring orders and questions in step with the stored comments."""
    result = result_for(live)
    prices = {p.slug: p.price_vnd for p in live.products}
    by_key = {(o.user, o.seq): o for o in live.orders}
    for draft in result.orders:
        order = by_key.pop((draft.user, draft.seq), None)
        if order is None:
            order = LiveOrder(workspace_id=live.workspace_id, user=draft.user, seq=draft.seq)
            live.orders.append(order)
        order.phone = draft.phone or ""
        order.first_at = draft.first_at
        order.comments = list(draft.comments)
        order.short = dict(draft.short)
        if draft.status == "cancelled" and order.status != "shipped":
            order.status = "cancelled"
        order.items = [LiveOrderItem(workspace_id=live.workspace_id, slug=slug, qty=qty,
                                     unit_price_vnd=prices.get(slug))
                       for slug, qty in draft.items.items()]
    for stale in by_key.values():
        if stale.status == "new":
            live.orders.remove(stale)
    by_text = {(c.user, c.text, c.at): c for c in live.comments}
    answered = {q.comment_id for q in live.questions if q.answered}
    intents = {(c.user, p.text, c.at): p.intent for c, p in result.parsed}
    for stored in live.comments:
        stored.intent = intents.get((stored.user, stored.text, stored.at), "repeat")
    live.questions.clear()
    session.flush()
    for q in result.questions:
        at = datetime.fromisoformat(q["at"])
        source = by_text.get((q["user"], q["text"], at))
        live.questions.append(LiveQuestion(
            workspace_id=live.workspace_id, comment_id=source.id if source else None, at=at,
            user=q["user"], text=q["text"], products=q["products"],
            answered=bool(source and source.id in answered)))
    session.flush()
    return result


def set_status(session: Session, live: LiveSession, order_id: int, status: str) -> LiveOrder:
    """Move an order to ``status``; cancelling frees its stock for the orders still waiting."""
    if status not in ORDER_STATUSES:
        raise ValidationFailed([Problem("status", "live_bad_status",
                                        {"value": status, "allowed": ", ".join(ORDER_STATUSES)})])
    order = next((o for o in live.orders if o.id == order_id), None)
    if order is None:
        raise NotFound(f"no order {order_id} in live {live.id}; reload the desk")
    order.status = status
    session.flush()
    rebuild(session, live)
    return order


def poll_facebook(session: Session, live: LiveSession, token: str,
                  base_url: str | None = None, **kwargs) -> int:
    """Fetch new comments of the live's Facebook video and store them; how many were new."""
    if not live.fb_video_id:
        raise ValidationFailed([Problem("fb_video_id", "required")])
    source = GraphComments(live.fb_video_id, token, base_url=base_url, **kwargs)
    comments, cursor = source.poll(live.fb_cursor or {})
    current = live.current_slug or None
    added = ingest(session, live, [Comment(c.at, c.user, c.text, c.id, current)
                                   for c in comments], source="facebook")
    live.fb_cursor = cursor
    session.flush()
    return added


def totals(live: LiveSession) -> list[dict]:
    """Per product: units ordered (not cancelled), waiting (out of stock), stock, revenue."""
    rows = []
    for product in live.products:
        qty = sum(i.qty for o in live.orders if o.status != "cancelled"
                  for i in o.items if i.slug == product.slug)
        waiting = sum(o.short.get(product.slug, 0) for o in live.orders
                      if o.status != "cancelled")
        rows.append({"slug": product.slug, "name": product.name, "qty": qty, "waiting": waiting,
                     "stock": product.stock, "price_vnd": product.price_vnd,
                     "revenue_vnd": qty * (product.price_vnd or 0)})
    return rows


def order_rows(live: LiveSession, masked: bool = True) -> list[dict]:
    """One row per order for the desk (phone masked) or for shipping (``masked=False``)."""
    rows = []
    for order in live.orders:
        total = sum(i.qty * (i.unit_price_vnd or 0) for i in order.items)
        rows.append({"id": order.id, "user": order.user,
                     "phone": mask_phone(order.phone) if masked else order.phone,
                     "items": ", ".join(f"{i.slug} × {i.qty}" for i in order.items),
                     "waiting": ", ".join(f"{s} × {q}" for s, q in order.short.items()),
                     "total_vnd": total, "status": order.status,
                     "first_at": order.first_at.astimezone(UTC).isoformat(timespec="seconds")})
    return rows


def export_csv(live: LiveSession, statuses: tuple[str, ...] = ("new", "confirmed")) -> bytes:
    """Orders for shipping as CSV UTF-8 (with BOM, so Excel reads Vietnamese), full phones."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["order_id", "user", "phone", "status", "product", "qty", "unit_price_vnd",
                     "line_total_vnd", "comments"])
    for order in live.orders:
        if order.status not in statuses:
            continue
        for item in order.items:
            price = item.unit_price_vnd or 0
            writer.writerow([order.id, _cell(order.user), order.phone, order.status, item.slug,
                             item.qty, price, price * item.qty,
                             _cell(" | ".join(order.comments))])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _cell(text: str) -> str:
    # A comment starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def set_current(session: Session, live: LiveSession, slug: str) -> None:
    """The product on screen now: "c2", "+1" and a bare "chốt" go to it."""
    if slug and slug not in {p.slug for p in live.products}:
        raise NotFound(f"'{slug}' is not on sale in this live; add it to the live first")
    live.current_slug = slug or ""
    session.flush()


def set_script(session: Session, live: LiveSession, text: str) -> None:
    live.script_text = nfc(text or "")
    session.flush()


def answer_question(session: Session, live: LiveSession, question_id: int,
                    answered: bool = True) -> None:
    question = next((q for q in live.questions if q.id == question_id), None)
    if question is None:
        raise NotFound(f"no question {question_id} in live {live.id}; reload the desk")
    question.answered = answered
    session.flush()


def end_live(session: Session, live: LiveSession) -> None:
    live.ended_at = datetime.now(UTC)
    session.flush()


def live_summary(live: LiveSession, transcript=None):
    """The after-live :class:`~studio.live.summary.Summary` (transcript optional)."""
    from studio.live.summary import summarize

    return summarize(result_for(live), keyword_map(live),
                     {p.slug: p.price_vnd for p in live.products},
                     {p.slug: p.name for p in live.products}, live.started_at, transcript)
