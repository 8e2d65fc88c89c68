"""``python -m studio check --text-file F --lang vi|en|fr [--product SLUG] [--channel CH]
[--field FIELD] [--workspace WS] [--json]``: run every check on one text file.

Prints ``{"findings": [{kind, severity, start, end, text, rule, message, suggestion}]}`` with
--json. Exits 0 when the checks ran (findings or not) and 2 on bad input, with one line saying
how to fix it. Without --product and --workspace no database is needed (grounding is skipped:
there are no facts to ground against).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from studio.cli import add_json, add_workspace, emit, open_workspace
from studio.errors import ConfigError, NotFound

LANGS = ("vi", "en", "fr")
MAX_BYTES = 2_000_000  # a listing or script, not a book


def register(sub) -> None:
    p = sub.add_parser("check", help="check one text: claims, grounding, spelling, unicode, "
                       "channel limits, prompt injection")
    p.add_argument("--text-file", required=True, type=Path, help="UTF-8 text file to check")
    p.add_argument("--lang", required=True, help="language of the text: vi, en or fr")
    p.add_argument("--product", help="product slug: grounding checks the text against its facts")
    p.add_argument("--channel", help="channel whose limits apply (see --field)")
    p.add_argument("--field", help="listing field the text is (title, description, bullets, "
                   "hashtags, tags, caption, author, or body for none); default: caption for "
                   "caption channels, else description")
    add_workspace(p)
    add_json(p)
    p.set_defaults(func=cmd_check)


def read_text(path: Path) -> str:
    """The file's text; NotFound / ConfigError with the fix when it is missing or not UTF-8."""
    if not path.is_file():
        raise NotFound(f"text file '{path}' not found; pass an existing file with --text-file")
    if path.stat().st_size > MAX_BYTES:
        raise ConfigError(f"'{path}' is larger than {MAX_BYTES // 1_000_000} MB; check one "
                          "listing or script at a time")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"'{path}' is not UTF-8 text (byte {exc.start}); save it as UTF-8 "
                          "and try again") from exc
    return text.removeprefix("\ufeff")


def default_field(channel: str) -> str:
    from studio.writing.limits import get_limits

    lim = get_limits(channel)
    has_listing = any(v is not None for v in (lim.title_max, lim.description_max,
                                              lim.description_max_bytes))
    return "description" if has_listing or lim.caption_max is None else "caption"


def _context(args: argparse.Namespace) -> tuple[dict | None, tuple[str, ...], str | None]:
    """(facts, glossary, accent style) from the database when --product or --workspace is set."""
    if not (args.product or args.workspace):
        return None, (), None
    from studio.catalog.factsheet import facts
    from studio.catalog.service import get_product

    with open_workspace(args) as (session, ws):
        conf = (ws.settings or {}).get("writing", {}) if isinstance(ws.settings, dict) else {}
        sheet = facts(get_product(session, ws, args.product)) if args.product else None
        return sheet, tuple(conf.get("glossary") or ()), conf.get("accent_style")


def cmd_check(args: argparse.Namespace) -> int:
    from studio.writing.checks import run_checks
    from studio.writing.limits import FIELDS, get_limits

    if args.lang not in LANGS:
        raise ConfigError(f"unknown language '{args.lang}'; use --lang vi, en or fr")
    if args.channel:
        get_limits(args.channel)  # NotFound names the valid channels
    if args.field and args.field not in (*FIELDS, "body"):
        raise ConfigError(f"unknown field '{args.field}'; use --field {', '.join(FIELDS)} "
                          "(or body: no limit check)")
    text = read_text(args.text_file)
    field = args.field or (default_field(args.channel) if args.channel else "body")
    sheet, glossary, accent = _context(args)
    findings = run_checks(text, args.lang, facts=sheet, channel=args.channel, field=field,
                          glossary=glossary, accent_style=accent)
    rows = [f.to_dict() for f in findings]
    emit(args, {"findings": rows}, lambda: "\n".join(
        f"{f.severity:7} {f.kind:9} {f.start}-{f.end} {f.text[:40]!r}: {f.message}"
        + (f" -> {f.suggestion[:60]}" if f.suggestion else "") for f in findings)
        or "no findings")
    return 0
