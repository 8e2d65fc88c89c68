"""``python -m studio transcribe | highlights | clip | pipeline`` (stable: other tools call it)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from studio.cli import add_json, add_workspace, emit


def register(sub) -> None:
    p = sub.add_parser("transcribe", help="transcribe a recording (transcript.json/.srt/.vtt)")
    p.add_argument("video", type=Path)
    p.add_argument("--lang", default="vi", choices=["vi", "en"])
    p.add_argument("--model", help="faster-whisper model name or folder (default: bundled base)")
    p.add_argument("--hotwords", default="", help="words to prefer, e.g. product names")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    add_json(p)
    p.set_defaults(func=cmd_transcribe)

    p = sub.add_parser("highlights", help="suggest clips from a recording and its transcript")
    p.add_argument("video", type=Path)
    p.add_argument("--transcript", type=Path, help="transcript.json (default: transcribe now)")
    p.add_argument("--count", type=int, default=5)
    p.add_argument("--lang", default="vi", choices=["vi", "en"])
    p.add_argument("--comments", type=Path, help="comment/order times (CSV, TXT or JSON)")
    add_workspace(p)
    add_json(p)
    p.set_defaults(func=cmd_highlights)

    p = sub.add_parser("clip", help="render one clip of a recording")
    p.add_argument("video", type=Path)
    p.add_argument("--start", type=float, required=True)
    p.add_argument("--end", type=float, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--aspect", default="9:16", choices=["9:16", "1:1", "4:5", "16:9"])
    p.add_argument("--captions", default="src", choices=["none", "src", "bi"])
    p.add_argument("--style", default="boxed", choices=["clean", "boxed", "karaoke"])
    p.add_argument("--fit", default="crop", choices=["crop", "blur"])
    p.add_argument("--transcript", type=Path, help="transcript.json for the captions")
    p.add_argument("--lang", default="vi", choices=["vi", "en"])
    add_json(p)
    p.set_defaults(func=cmd_clip)

    p = sub.add_parser("pipeline", help="recording → transcript, highlights, clips, manifest")
    p.add_argument("video", type=Path)
    p.add_argument("--lang", default="vi", choices=["vi", "en"])
    p.add_argument("--count", type=int, default=5)
    p.add_argument("--model", help="faster-whisper model name or folder (default: bundled base)")
    p.add_argument("--comments", type=Path, help="comment/order times (CSV, TXT or JSON)")
    p.add_argument("--out", type=Path, required=True)
    add_workspace(p)
    add_json(p)
    p.set_defaults(func=cmd_pipeline)


def _progress(args):
    if getattr(args, "json", False):
        return None
    last = [-1]

    def show(fraction: float, message: str) -> None:
        pct = int(fraction * 100)
        if pct != last[0]:
            last[0] = pct
            print(f"\r{pct:3d}% {message:<30}", end="", file=sys.stderr, flush=True)
    return show


def _count(value: int) -> int:
    from studio.cli import UsageError

    if not 1 <= value <= 50:
        raise UsageError(f"--count must be between 1 and 50, not {value}")
    return value


def _catalog(args) -> tuple[list, dict]:
    """Products of the workspace when the studio database is set up; none otherwise."""
    from studio.db.session import get_engine, is_migrated

    if not is_migrated(get_engine()):
        return [], {}
    from studio.catalog.factsheet import facts
    from studio.catalog.service import list_workspaces
    from studio.cli import scoped_workspace
    from studio.db.models import Product
    from studio.db.session import session_scope
    from studio.video.highlights import ProductRef

    with session_scope() as session:
        if not list_workspaces(session):
            return [], {}
        ws = scoped_workspace(session, getattr(args, "workspace", None))
        rows = session.query(Product).filter(Product.workspace_id == ws.id).all()
        return [ProductRef.from_product(p) for p in rows], {p.id: facts(p) for p in rows}


def _segments(args) -> list[dict]:
    from studio.video.subtitles import load_json

    if args.transcript is not None:
        return load_json(args.transcript)
    from studio.video.model import load_model
    from studio.video.transcribe import TranscribeOptions, transcribe_file

    model = load_model(getattr(args, "model", None))
    return [s.to_dict() for s in transcribe_file(model, args.video,
                                                 TranscribeOptions(lang=args.lang),
                                                 on_progress=_progress(args))]


def cmd_transcribe(args: argparse.Namespace) -> int:
    from studio.video.model import load_model
    from studio.video.pipeline import transcribe_to_dir
    from studio.video.transcribe import TranscribeOptions

    opts = TranscribeOptions(lang=args.lang, hotwords=args.hotwords)
    model = load_model(args.model)
    segs = transcribe_to_dir(model, args.video, args.out, opts, _progress(args))
    report = {"segments": len(segs), "out": str(args.out),
              "files": ["transcript.json", "transcript.srt", "transcript.vtt"]}
    emit(args, report, lambda: f"\n{len(segs)} segments written to {args.out}")
    return 0


def cmd_highlights(args: argparse.Namespace) -> int:
    from studio.video.highlights import find_highlights
    from studio.video.pipeline import compute_signals
    from studio.video.probe import probe

    count = _count(args.count)
    info = probe(args.video)
    segs = _segments(args)
    products, _facts = _catalog(args)
    signals = compute_signals(args.video, info.duration, info.has_video, info.has_audio,
                              args.comments)
    picks = find_highlights(segs, info.duration, products, count, signals, args.lang)
    data = [p.to_dict() for p in picks]
    emit(args, data, lambda: "\n".join(
        f"{p.start:8.2f}–{p.end:8.2f}  {p.score:5.1f}  {'; '.join(p.reasons)}" for p in picks))
    return 0


def cmd_clip(args: argparse.Namespace) -> int:
    from studio.video.render import RenderOptions, render_clip

    segs = _segments(args) if args.captions != "none" else []
    opts = RenderOptions(aspect=args.aspect, captions=args.captions, style=args.style,
                         fit=args.fit)
    report = render_clip(args.video, args.out, args.start, args.end, segs, opts)
    report.pop("track", None)
    emit(args, report, lambda: f"clip written to {args.out}")
    return 0


def cmd_pipeline(args: argparse.Namespace) -> int:
    from studio.video.model import load_model
    from studio.video.pipeline import run_pipeline

    count = _count(args.count)
    products, facts = _catalog(args)
    model = load_model(args.model)
    manifest = run_pipeline(args.video, args.out, model=model, lang=args.lang, count=count,
                            products=products, facts=facts, comments=args.comments,
                            on_progress=_progress(args))
    emit(args, manifest, lambda: "\n" + json.dumps(
        [{k: c[k] for k in ("file", "start", "end", "score")} for c in manifest["clips"]],
        ensure_ascii=False))
    return 0
