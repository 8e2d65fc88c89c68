"""``python -m studio translate | glossary | translate-subs`` (stable: other tools call them)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studio.cli import add_json, add_workspace, emit, open_workspace
from studio.errors import NotFound, StudioError

ENGINE_HELP = "offline (default), google, mymemory, libre, deepl, microsoft or llm"


def _engine_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--engine", default=None, help=f"{ENGINE_HELP} (STUDIO_TRANSLATE_ENGINE)")
    p.add_argument("--libre-url", default=None, help="LibreTranslate server (STUDIO_LIBRE_URL)")


def register(sub) -> None:
    p = sub.add_parser("translate", help="translate a text (glossary and memory applied)")
    p.add_argument("--from", dest="source", default="vi", help="source language (default vi)")
    p.add_argument("--to", dest="target", required=True, help="target language, e.g. en")
    _engine_args(p)
    text = p.add_mutually_exclusive_group(required=True)
    text.add_argument("--text", help="the text to translate")
    text.add_argument("--file", type=Path, help="a UTF-8 text file to translate")
    add_workspace(p)
    add_json(p)
    p.set_defaults(func=cmd_translate)

    g = sub.add_parser("glossary", help="fixed translations (brands, places, OCOP terms)")
    gsub = g.add_subparsers(dest="action", required=True, parser_class=type(g))
    p = gsub.add_parser("add", help="add a term or change its translation")
    p.add_argument("--source", required=True)
    p.add_argument("--target", required=True)
    p.add_argument("--from", dest="source_lang", default="vi")
    p.add_argument("--to", dest="target_lang", default="en")
    p.add_argument("--note", default="")
    add_workspace(p)
    add_json(p)
    p.set_defaults(func=cmd_glossary_add)
    p = gsub.add_parser("list", help="list the glossary")
    p.add_argument("--from", dest="source_lang", default=None)
    p.add_argument("--to", dest="target_lang", default=None)
    add_workspace(p)
    add_json(p)
    p.set_defaults(func=cmd_glossary_list)
    p = gsub.add_parser("import", help="import a CSV: source,target[,source_lang,target_lang,"
                                       "note] (all rows or none)")
    p.add_argument("file", type=Path)
    p.add_argument("--from", dest="source_lang", default="vi")
    p.add_argument("--to", dest="target_lang", default="en")
    add_workspace(p)
    add_json(p)
    p.set_defaults(func=cmd_glossary_import)

    p = sub.add_parser("translate-subs", help="bilingual SRT, VTT and ASS from a transcript")
    p.add_argument("transcript", type=Path, help='transcript JSON {"segments": [...]}')
    p.add_argument("--to", dest="target", required=True)
    p.add_argument("--from", dest="source", default=None,
                   help="source language (default: the transcript's, else vi)")
    p.add_argument("--out", type=Path, required=True, help="folder for the subtitle files")
    _engine_args(p)
    add_workspace(p)
    add_json(p)
    p.set_defaults(func=cmd_translate_subs)


def _options(args: argparse.Namespace):
    from studio.translate.engines import EngineOptions
    from studio.translate.engines.base import load_settings

    settings = load_settings()
    engine = args.engine or settings.engine
    return engine, EngineOptions.from_settings(settings, libre_url=args.libre_url)


def _read_text(args: argparse.Namespace) -> str:
    if args.text is not None:
        return args.text
    path: Path = args.file
    if not path.is_file():
        raise NotFound(f"{path} does not exist; pass an existing UTF-8 text file to --file")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise StudioError(f"{path} is not UTF-8 text; save it as UTF-8 and try again") from None


def cmd_translate(args: argparse.Namespace) -> int:
    from studio.translate.service import translate_texts

    text = _read_text(args)
    engine, options = _options(args)
    with open_workspace(args) as (session, ws):
        result = translate_texts(session, ws, [text], args.source, args.target, engine, options)
    item = result.items[0]
    for line in result.warnings + item.problems():
        print(f"warning: {line}", file=sys.stderr)
    if item.untranslated and not args.json:
        print("warning: no translation in the memory or glossary; the text is unchanged "
              "(choose an engine with --engine)", file=sys.stderr)
    emit(args, {"engine": result.engine, "source": result.source, "target": result.target,
                "text": item.text, "glossary": [h.as_dict() for h in item.glossary],
                "untranslated": item.untranslated, "origin": item.origin,
                "numbers_ok": item.numbers_ok, "warnings": result.warnings + item.problems()},
         item.text)
    return 0


def cmd_glossary_add(args: argparse.Namespace) -> int:
    from studio.translate.glossary import add_term, entry_dict

    with open_workspace(args) as (session, ws):
        entry, created = add_term(session, ws, args.source, args.target, args.source_lang,
                                  args.target_lang, args.note)
        data = {**entry_dict(entry), "created": created}
    emit(args, data, f"{'added' if created else 'updated'}: {data['source']} → {data['target']} "
                     f"({data['from']}→{data['to']})")
    return 0


def cmd_glossary_list(args: argparse.Namespace) -> int:
    from studio.translate.glossary import entry_dict, list_terms

    with open_workspace(args) as (session, ws):
        rows = [entry_dict(e) for e in list_terms(session, ws, args.source_lang,
                                                   args.target_lang)]
    emit(args, rows, lambda: "\n".join(f"{r['from']}→{r['to']}  {r['source']} → {r['target']}"
                                       for r in rows) or "the glossary is empty")
    return 0


def cmd_glossary_import(args: argparse.Namespace) -> int:
    from studio.translate.glossary import import_csv

    if not args.file.is_file():
        raise NotFound(f"{args.file} does not exist; pass a CSV file with columns source,target")
    data = args.file.read_bytes()
    with open_workspace(args) as (session, ws):
        report = import_csv(session, ws, data, args.source_lang, args.target_lang)
    emit(args, report, f"{report['created']} added, {report['updated']} updated")
    return 0


def cmd_translate_subs(args: argparse.Namespace) -> int:
    from studio.translate.subtitles import load_transcript, translate_segments, write_subtitles

    transcript = load_transcript(args.transcript)
    engine, options = _options(args)
    with open_workspace(args) as (session, ws):
        cues, warnings = translate_segments(session, ws, transcript, args.target, args.source,
                                            engine, options)
    paths = write_subtitles(cues, args.out, args.transcript.stem, args.target)
    flagged = [{"segment": i, "problems": c.problems} for i, c in enumerate(cues, 1)
               if c.problems]
    for line in warnings:
        print(f"warning: {line}", file=sys.stderr)
    for row in flagged:
        print(f"warning: segment {row['segment']}: {'; '.join(row['problems'])}", file=sys.stderr)
    untranslated = sum(c.untranslated for c in cues)
    emit(args, {"segments": len(cues), "untranslated": untranslated, "flagged": flagged,
                "files": {k: str(v) for k, v in paths.items()}, "warnings": warnings},
         lambda: f"{len(cues)} segments ({untranslated} untranslated) → "
                 + ", ".join(str(p) for p in paths.values()))
    return 0
