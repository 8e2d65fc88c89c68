"""``python -m studio write KIND --product SLUG --langs vi,en [--channel CH] [--engine ...]``.

Stable for other tools: ``--json`` prints ``{"kind", "product", "channel", "engine", "texts":
{"vi": {...}, ...}, "findings": [...], "notices": {...}, "engines": {...}}``; a script with
several products adds ``"products"``. Exit status 2 with one line on bad input.
"""

from __future__ import annotations

import argparse

from studio.cli import add_json, add_workspace, emit, open_workspace
from studio.writing.engines import KINDS


def register(sub) -> None:
    p = sub.add_parser("write", help="write a story, listing, live script or caption")
    p.add_argument("kind", choices=KINDS, help="what to write")
    p.add_argument("--product", action="append", required=True,
                   help="product slug (repeat, or separate with commas, for a live script)")
    p.add_argument("--langs", default="vi,en", help="languages, e.g. vi,en or vi,fr")
    p.add_argument("--channel", default=None,
                   help="listing channel (shopee, lazada, tiktokshop, facebook, instagram, "
                   "zalo, amazon, etsy, ...)")
    p.add_argument("--engine", default="offline", help="offline (default) or llm")
    p.add_argument("--minutes", type=int, default=30, help="live script length in minutes")
    p.add_argument("--reason", action="append", default=[],
                   help="caption: why the clip was chosen (price, story, demo, ...)")
    add_workspace(p)
    add_json(p)
    p.set_defaults(func=cmd_write)


def cmd_write(args: argparse.Namespace) -> int:
    from studio.writing.engines import get_engine
    from studio.writing.service import as_text, generate, parse_langs

    slugs = [s.strip() for item in args.product for s in item.split(",") if s.strip()]
    langs = parse_langs(args.langs)
    engine = get_engine(args.engine)
    with open_workspace(args) as (session, ws):
        result = generate(session, ws, slugs, args.kind, langs, channel=args.channel,
                          engine=engine, minutes=args.minutes, reasons=args.reason)
    data = result.to_dict()

    def human() -> str:
        out = []
        for lang, fields in result.texts.items():
            out.append(f"===== {lang} ({result.engines[lang]}) =====")
            if lang in result.notices:
                out.append(f"! {result.notices[lang]}")
            out.append(as_text(args.kind, fields).rstrip())
        for f in result.findings:
            out.append(f"{f['severity'].upper()} {f['lang']}/{f['field']} [{f['kind']}] "
                       f"{f['message']}")
        return "\n".join(out)

    emit(args, data, human)
    return 0
