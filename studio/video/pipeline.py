"""The whole path from a recording to clips: transcript → highlights → clips → manifest.

Two front ends share the same steps: :func:`run_pipeline` works on files (the CLI), the
``*_livestream`` / :func:`render_highlight` functions work on stored livestreams (the page and,
later, the job queue). All take ``on_progress(fraction, message)`` and ``should_cancel()``.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from sqlalchemy import delete, select

from studio.db.models import Asset, Product
from studio.db.session import get_engine, session_scope
from studio.errors import MediaError, NotFound
from studio.video.captions import clip_caption, flat_facts
from studio.video.highlights import ProductRef, Signals, find_highlights, suggest_highlights
from studio.video.jobs import _get, _run_step, segments_of, source_path, store_clip
from studio.video.lexicon import money
from studio.video.models import Highlight
from studio.video.probe import probe
from studio.video.render import RenderOptions, render_clip
from studio.video.signals import load_comment_times, loudness_profile, scene_changes
from studio.video.subtitles import export
from studio.video.thumbnail import make_thumbnail
from studio.video.transcribe import TranscribeOptions, transcribe_chunks

Progress = Callable[[float, str], None]


def _noop(_f: float, _m: str) -> None:
    return None


def catalog_refs(session, workspace_id: int) -> list[ProductRef]:
    rows = session.scalars(select(Product).where(Product.workspace_id == workspace_id))
    return [ProductRef.from_product(p) for p in rows]


def compute_signals(path: Path, duration: float, has_video: bool, has_audio: bool,
                    comments: Path | None = None) -> Signals:
    """Loudness per second, scene cuts and (optionally) comment times for highlight scoring."""
    loud = loudness_profile(path, duration) if has_audio else None
    scenes = tuple(scene_changes(path)) if has_video else ()
    times = tuple(load_comment_times(comments)) if comments is not None else ()
    return Signals(loud, scenes, times)


def _facts(product_id: int | None, session) -> dict | None:
    if product_id is None:
        return None
    from studio.catalog.factsheet import facts

    product = session.get(Product, product_id)
    return facts(product) if product is not None else None


# --- stored livestreams (page, job queue) -------------------------------------------------

def highlight_livestream(livestream_id: int, count: int = 5, comments: Path | None = None, *,
                         engine=None, on_progress: Progress | None = None,
                         should_cancel: Callable[[], bool] | None = None) -> list[int]:
    """Replace a livestream's suggested (not yet rendered) highlights; returns their ids."""
    engine = engine or get_engine()
    comments = Path(comments) if comments else None  # a queued job passes a string
    with session_scope(engine) as session:
        stream = _get(session, livestream_id)
        segs = [{"start": s.start, "end": s.end, "text": s.text, "words": s.words}
                for s in segments_of(session, livestream_id)]
        if not segs:
            raise MediaError("this livestream has no transcript yet; transcribe it first",
                             key="video.error.no_transcript")
        src, duration = source_path(session, stream), stream.duration_s
        refs, lang, ws_id = catalog_refs(session, stream.workspace_id), stream.lang, \
            stream.workspace_id
        has_video = bool(stream.probe.get("has_video", True))

    def work(progress, cancel) -> list[int]:
        progress(0.1, "signals")
        signals = compute_signals(src, duration, has_video, True, comments)
        progress(0.7, "scoring")
        found = suggest_highlights(segs, duration, refs, count, signals, lang)
        picks = found.picks
        with session_scope(engine) as session:
            session.execute(delete(Highlight).where(Highlight.livestream_id == livestream_id,
                                                    Highlight.clip_asset_id.is_(None)))
            _get(session, livestream_id).highlight_notice = (
                {"status": found.ranking, "notice": found.notice}
                if found.ranking in ("fallback", "skipped") else None)
            rows = [Highlight(workspace_id=ws_id, livestream_id=livestream_id,
                              product_id=p.product.id if p.product else None, start=p.start,
                              end=p.end, score=p.score, reasons=p.reasons, text=p.text)
                    for p in picks]
            session.add_all(rows)
            session.flush()
            return [r.id for r in rows]

    return _run_step(engine, livestream_id, "highlights", work, on_progress, should_cancel)


def render_highlight(highlight_id: int, opts: RenderOptions | None = None, *, engine=None,
                     on_progress: Progress | None = None,
                     should_cancel: Callable[[], bool] | None = None) -> int:
    """Render a highlight to a clip Asset (with thumbnail, caption, hashtags); returns its id."""
    engine = engine or get_engine()
    with session_scope(engine) as session:
        hl = session.get(Highlight, highlight_id)
        if hl is None:
            raise NotFound(f"highlight {highlight_id} does not exist; find highlights again",
                           key="video.error.no_highlight", id=highlight_id)
        stream = _get(session, hl.livestream_id)
        src, ls_id = source_path(session, stream), stream.id
        segs = [{"start": s.start, "end": s.end, "text": s.text, "words": s.words}
                for s in segments_of(session, ls_id)]
        facts = _facts(hl.product_id, session)
        start, end, reasons, src_asset = hl.start, hl.end, list(hl.reasons), stream.asset_id
        lang = stream.lang
        opts = opts or _brand_options(facts, lang)
        if opts.captions == "bi" and opts.translations is None and segs:
            opts = replace(opts, translations=_translations(session, stream.workspace_id, segs,
                                                            lang))

    def work(progress, cancel) -> int:
        with tempfile.TemporaryDirectory(prefix="render-") as tmp:
            clip = Path(tmp) / f"clip-{highlight_id}.mp4"
            info = render_clip(src, clip, start, end, segs, opts, should_cancel=cancel)
            progress(0.85, "thumbnail")
            title = flat_facts(facts).get("name_vi") or (reasons[0] if reasons else "")
            thumb = make_thumbnail(clip, Path(tmp) / f"thumb-{highlight_id}.jpg", title)
            text = clip_caption(facts, reasons, lang)
            with session_scope(engine) as session:
                stream = _get(session, ls_id)
                hl = session.get(Highlight, highlight_id)
                thumb_asset = store_clip(session, stream, hl, Path(thumb["file"]),
                                         {"width": thumb["width"], "height": thumb["height"]},
                                         kind="thumbnail")
                meta = {"source_asset_id": src_asset, "livestream_id": ls_id,
                        "highlight_id": highlight_id, "start": start, "end": end,
                        "aspect": opts.aspect, "captions": opts.captions, "reasons": reasons,
                        "thumbnail_asset_id": thumb_asset.id, **text,
                        "width": info["width"], "height": info["height"],
                        "duration": info["duration"]}
                asset = store_clip(session, stream, hl, clip, meta)
                hl.clip_asset_id = asset.id
                return asset.id

    return _run_step(engine, ls_id, "render", work, on_progress, should_cancel)


JSON_OPTIONS = ("aspect", "fit", "captions", "style", "product", "price", "preset", "crf")


def options_json(opts: RenderOptions) -> dict:
    """The plain-value part of render options (what the page sets), for a queued job."""
    return {name: getattr(opts, name) for name in JSON_OPTIONS}


def render_highlight_queued(highlight_id: int, opts: dict | None = None, *, engine=None,
                            on_progress: Progress | None = None,
                            should_cancel: Callable[[], bool] | None = None) -> int:
    """``render_highlight`` for the job queue: the options arrive as plain JSON values."""
    options = RenderOptions(**opts) if opts else None
    return render_highlight(highlight_id, options, engine=engine, on_progress=on_progress,
                            should_cancel=should_cancel)


def _translations(session, workspace_id: int, segs: list[dict], lang: str) -> tuple[str, ...]:
    """The second caption line of each segment, from the translation engine in the settings
    (offline by default: memory and glossary only, so an unknown line stays empty rather than
    repeating the source)."""
    from studio.db.models import Workspace
    from studio.translate.engines.base import load_settings
    from studio.translate.subtitles import translate_segments, translation_lines

    ws = session.get(Workspace, workspace_id)
    target = "en" if lang == "vi" else "vi"
    cues, _ = translate_segments(session, ws, {"segments": segs, "language": lang}, target,
                                 source=lang, engine=load_settings().engine)
    return tuple(translation_lines(cues))


def _brand_options(facts: dict | None, lang: str, **kw) -> RenderOptions:
    facts = flat_facts(facts)
    price = facts.get("price_vnd")
    return RenderOptions(product=facts.get("name_vi") or "",
                         price=money(int(price), lang) if price else "", **kw)


def clips_of(session, livestream_id: int) -> list[Asset]:
    ids = session.scalars(select(Highlight.clip_asset_id).where(
        Highlight.livestream_id == livestream_id, Highlight.clip_asset_id.is_not(None)))
    return [session.get(Asset, i) for i in ids]


# --- files (CLI) ---------------------------------------------------------------------------

def transcribe_to_dir(model, video: Path, out_dir: Path, opts: TranscribeOptions,
                      on_progress: Progress | None = None,
                      should_cancel: Callable[[], bool] | None = None) -> list[dict]:
    """Transcribe to ``out_dir`` (transcript.json/.srt/.vtt), resuming from a partial run.

    Segments are appended to ``transcript.partial.jsonl`` as they come; the last line records
    the time reached, so an interrupted run continues there.
    """
    from studio.video.ingest import check_media

    info = check_media(video, need_audio=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    partial = out_dir / "transcript.partial.jsonl"
    segs, start_at = _read_partial(partial)
    with open(partial, "a", encoding="utf-8") as fh:
        for seg, until in transcribe_chunks(model, video, info.duration, opts, start_at=start_at,
                                            on_progress=on_progress,
                                            should_cancel=should_cancel):
            if seg is not None:
                segs.append(seg.to_dict())
                fh.write(json.dumps({"segment": seg.to_dict()}, ensure_ascii=False) + "\n")
            fh.write(json.dumps({"until": until}) + "\n")
            fh.flush()
    (out_dir / "transcript.json").write_text(
        export(segs, "json", lang=opts.lang, duration=info.duration, source=video.name),
        encoding="utf-8")
    (out_dir / "transcript.srt").write_text(export(segs, "srt"), encoding="utf-8")
    (out_dir / "transcript.vtt").write_text(export(segs, "vtt"), encoding="utf-8")
    partial.unlink()
    return segs


def _read_partial(partial: Path) -> tuple[list[dict], float]:
    segs: list[dict] = []
    until = 0.0
    if not partial.exists():
        return segs, until
    for line in partial.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            break  # a line cut by the crash: everything before it is good
        if "segment" in row:
            segs.append(row["segment"])
        until = float(row.get("until", until))
    segs = [s for s in segs if s["end"] <= until + 1e-6]
    return segs, until


def run_pipeline(video: Path, out_dir: Path, *, model, lang: str = "vi", count: int = 5,
                 products: list[ProductRef] | None = None, facts: dict[int, dict] | None = None,
                 comments: Path | None = None, opts: RenderOptions | None = None,
                 on_progress: Progress | None = None,
                 should_cancel: Callable[[], bool] | None = None) -> dict:
    """All steps on a file; writes clips, thumbnails and ``manifest.json`` into ``out_dir``."""
    progress = on_progress or _noop
    video, out_dir = Path(video), Path(out_dir)
    info = probe(video)
    segs = transcribe_to_dir(model, video, out_dir, TranscribeOptions(lang=lang),
                             lambda f, m: progress(0.6 * f, f"transcribe {m}"), should_cancel)
    progress(0.6, "highlights")
    signals = compute_signals(video, info.duration, info.has_video, info.has_audio, comments)
    picks = find_highlights(segs, info.duration, products or [], count, signals, lang)
    progress(0.62, "render")
    clips = []
    for n, pick in enumerate(picks, 1):
        fact = (facts or {}).get(pick.product.id) if pick.product and pick.product.id else None
        if fact is None and pick.product is not None:
            fact = {"name_vi": pick.product.name, "price_vnd": pick.product.price_vnd}
        clip_opts = opts or _brand_options(fact, lang)
        name = f"clip-{n:02d}.mp4"
        render_clip(video, out_dir / name, pick.start, pick.end, segs, clip_opts, info,
                    should_cancel)
        thumb = make_thumbnail(out_dir / name, out_dir / f"clip-{n:02d}.jpg",
                               flat_facts(fact).get("name_vi") or "")
        text = clip_caption(fact, pick.reasons, lang)
        clips.append({"file": name, "start": pick.start, "end": pick.end, "score": pick.score,
                      "reasons": pick.reasons,
                      "product": pick.product.name if pick.product else None,
                      "caption": text["caption"], "hashtags": text["hashtags"],
                      "thumbnail": Path(thumb["file"]).name})
        progress(0.6 + 0.4 * n / len(picks), f"clip {n}/{len(picks)}")
    manifest = {"source": video.name, "duration": info.duration, "lang": lang, "clips": clips}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2),
                                           encoding="utf-8")
    return manifest
