"""``python -m studio orders parse --comments FILE [--keywords KEYWORDS.json] --json``.

The output shape is stable (other tools call it): ``{"orders": [{"user", "phone", "items":
{slug: qty}, "comments": [...]}], "questions": [...], "cancels": [...], "unmatched": [...]}``;
orders also carry ``status``, ``short`` (units asked for beyond the stock) and ``first_at``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from studio.cli import add_json, add_workspace, emit, open_workspace
from studio.errors import NotFound, Problem, StudioError, ValidationFailed


def register(sub) -> None:
    orders = sub.add_parser("orders", help="live comments → orders")
    osub = orders.add_subparsers(dest="action", required=True, parser_class=type(orders))
    p = osub.add_parser("parse", help="read a comments export (CSV, JSON or text) into orders")
    p.add_argument("--comments", type=Path, required=True,
                   help="CSV or JSON with time, user, comment; or .txt, one comment per line")
    p.add_argument("--keywords", type=Path,
                   help='JSON {"slug": ["keyword", ...]} (default: the workspace catalog)')
    p.add_argument("--stock", type=Path, help='JSON {"slug": units on sale} (default: no limit)')
    p.add_argument("--current", help="slug of the product on screen, for 'c2', '+1', 'chốt'")
    p.add_argument("--tz", default="Asia/Ho_Chi_Minh", help="zone of times written without one")
    add_workspace(p)
    add_json(p)
    p.set_defaults(func=cmd_parse)


def _read_json(path: Path, what: str) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise NotFound(f"no {what} file '{path}'; check the path") from exc
    except UnicodeDecodeError as exc:
        raise ValidationFailed([Problem(what, "live_not_utf8", {}, 1)]) from exc
    except json.JSONDecodeError as exc:
        raise ValidationFailed([Problem(what, "live_bad_json", {"error": exc.msg},
                                        exc.lineno)]) from exc


def _keywords(args: argparse.Namespace) -> dict:
    if args.keywords:
        if args.workspace:  # named but unused: still refuse one the user may not open
            with open_workspace(args):
                pass
        data = _read_json(args.keywords, "keywords")
        if not isinstance(data, dict):
            raise ValidationFailed([Problem("keywords", "live_keywords_empty")])
        return data
    from studio.live.service import catalog_keywords

    with open_workspace(args) as (session, ws):
        return catalog_keywords(session, ws)


def _stock(args: argparse.Namespace) -> dict:
    if not args.stock:
        return {}
    data = _read_json(args.stock, "stock")
    if not isinstance(data, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in data.values()):
        raise ValidationFailed([Problem("stock", "live_not_count", {"value": str(data)[:40]})])
    return data


def cmd_parse(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from studio.live.orders import Comment, aggregate
    from studio.live.parser import KeywordMap
    from studio.live.sources import decode_text, read_comments, read_pasted

    path: Path = args.comments
    if not path.is_file():
        raise NotFound(f"no comments file '{path}'; check the path")
    data = path.read_bytes()
    if path.suffix.lower() == ".txt":
        comments = read_pasted(decode_text(data), datetime.fromtimestamp(path.stat().st_mtime, UTC))
    else:
        comments = read_comments(data, path.name, args.tz)
    keywords = KeywordMap(_keywords(args))
    stock = _stock(args)
    unknown = sorted(set(stock) - set(keywords.slugs))
    if unknown:
        raise StudioError(f"stock lists {', '.join(unknown)} which the keyword map does not; "
                          "use the same slugs in both files")
    if args.current and args.current not in keywords.slugs:
        raise StudioError(f"--current '{args.current}' is not in the keyword map "
                          f"({', '.join(keywords.slugs)})")
    comments = [Comment(c.at, c.user, c.text, c.id, args.current) for c in comments]
    result = aggregate(comments, keywords, stock)
    out = result.as_dict()
    emit(args, out, lambda: _text(out))
    return 0


def _text(out: dict) -> str:
    from studio.live.parser import mask_phone

    lines = []
    for order in out["orders"]:
        items = ", ".join(f"{slug} × {qty}" for slug, qty in order["items"].items())
        short = ", ".join(f"{slug} × {qty}" for slug, qty in order["short"].items())
        lines.append(f"{order['user']:20} {mask_phone(order['phone']) or '-':11} {items}"
                     + (f"  (out of stock: {short})" if short else ""))
    lines.append(f"{len(out['orders'])} orders, {len(out['questions'])} questions, "
                 f"{len(out['cancels'])} cancels, {len(out['unmatched'])} unmatched")
    return "\n".join(lines)
