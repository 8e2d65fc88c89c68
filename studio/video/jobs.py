"""Long video steps on a livestream, run as plain functions with the job-queue interface.

Each step takes ``on_progress(fraction, message)`` and ``should_cancel()`` and records its
progress, status and heartbeat on the :class:`Livestream` row in short transactions, so a page
(or the CLI) can poll it and a crash leaves a resumable state. Until the job queue lands, the
page runs them in a background thread with :func:`start_thread`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, delete, select

from studio.assets import data_dir, write_blob_from_file
from studio.db.models import Asset
from studio.db.session import get_engine, session_scope
from studio.errors import NotFound, StudioError
from studio.video.models import Highlight, Livestream, TranscriptSegment
from studio.video.transcribe import Cancelled, TranscribeOptions, transcribe_chunks

log = logging.getLogger(__name__)
Progress = Callable[[float, str], None]
STALE_AFTER = timedelta(seconds=90)
_threads: dict[tuple[int, str], threading.Thread] = {}


def _now() -> datetime:
    return datetime.now(UTC)


def _get(session, livestream_id: int) -> Livestream:
    stream = session.get(Livestream, livestream_id)
    if stream is None:
        raise NotFound(f"livestream {livestream_id} does not exist; list them with the page",
                       key="video.error.no_livestream", id=livestream_id)
    return stream


def set_state(engine: Engine, livestream_id: int, **fields) -> None:
    with session_scope(engine) as session:
        stream = _get(session, livestream_id)
        for name, value in fields.items():
            setattr(stream, name, value)
        stream.heartbeat_at = _now()


def request_cancel(engine: Engine, livestream_id: int) -> None:
    set_state(engine, livestream_id, cancel_requested=True)


def is_stale(stream: Livestream) -> bool:
    """A step marked running whose worker stopped reporting (crash, restart)."""
    beat = stream.heartbeat_at
    return stream.status == "running" and (beat is None or _now() - beat > STALE_AFTER)


def _db_cancel(engine: Engine, livestream_id: int) -> Callable[[], bool]:
    def check() -> bool:
        with session_scope(engine) as session:
            return bool(_get(session, livestream_id).cancel_requested)
    return check


def source_path(session, stream: Livestream) -> Path:
    return data_dir() / session.get(Asset, stream.asset_id).path


def _run_step(engine: Engine, livestream_id: int, step: str, work, on_progress,
              should_cancel):
    """Mark the step running, run ``work(progress, cancel)``, record done/cancelled/failed."""
    # The page asks through the livestream row; a queue consumer also passes its job's flag.
    from_row = _db_cancel(engine, livestream_id)
    cancel = from_row if should_cancel is None else (lambda: from_row() or should_cancel())
    set_state(engine, livestream_id, step=step, status="running", message="",
              cancel_requested=False)

    def progress(fraction: float, message: str) -> None:
        set_state(engine, livestream_id, progress=round(float(fraction), 4), message=message)
        if on_progress is not None:
            on_progress(fraction, message)
    try:
        result = work(progress, cancel)
    except Cancelled as exc:
        set_state(engine, livestream_id, status="cancelled", message=str(exc))
        raise
    except StudioError as exc:
        set_state(engine, livestream_id, status="failed", message=str(exc))
        raise
    except Exception as exc:
        set_state(engine, livestream_id, status="failed",
                  message=f"unexpected error: {exc}; run the step again")
        raise
    set_state(engine, livestream_id, status="done", progress=1.0)
    return result


def transcribe_livestream(livestream_id: int, *, model=None, engine: Engine | None = None,
                          opts: TranscribeOptions | None = None,
                          on_progress: Progress | None = None,
                          should_cancel: Callable[[], bool] | None = None) -> int:
    """Transcribe (or resume transcribing) a livestream; returns the number of segments.

    Segments are committed one by one with the time reached, so after a crash or a cancel the
    next run starts from the end of the last saved segment.
    """
    engine = engine or get_engine()
    with session_scope(engine) as session:
        stream = _get(session, livestream_id)
        if not stream.has_audio:
            raise StudioError("this livestream has no sound track, so there is nothing to "
                              "transcribe; upload the recording with its audio",
                              key="video.error.no_audio")
        src, duration = source_path(session, stream), stream.duration_s
        start_at, ws_id = stream.transcribed_until, stream.workspace_id
        opts = opts or TranscribeOptions(lang=stream.lang)
        # Anything past the resume point belongs to an interrupted chunk: drop it.
        session.execute(delete(TranscriptSegment).where(
            TranscriptSegment.livestream_id == livestream_id,
            TranscriptSegment.end > start_at))
        next_idx = 1 + max((s.idx for s in stream.segments if s.end <= start_at), default=-1)
    if model is None:
        from studio.video.model import load_model

        model = load_model()

    def work(progress, cancel) -> int:
        idx = next_idx
        for seg, until in transcribe_chunks(model, src, duration, opts, start_at=start_at,
                                            on_progress=progress, should_cancel=cancel):
            with session_scope(engine) as session:
                if seg is not None:
                    session.add(TranscriptSegment(
                        workspace_id=ws_id, livestream_id=livestream_id, idx=idx,
                        start=seg.start, end=seg.end, text=seg.text, words=seg.words))
                    idx += 1
                stream = _get(session, livestream_id)
                stream.transcribed_until = until
                stream.heartbeat_at = _now()
        set_state(engine, livestream_id, transcript_done=True, transcribed_until=duration)
        return idx

    return _run_step(engine, livestream_id, "transcribe", work, on_progress, should_cancel)


def start_thread(livestream_id: int, step: str, fn: Callable, *args, **kwargs) -> bool:
    """Run ``fn(*args, **kwargs)`` in a daemon thread unless that step already runs there.

    Errors are recorded on the livestream by the step itself (and logged as warnings here).
    """
    key = (livestream_id, step)
    current = _threads.get(key)
    if current is not None and current.is_alive():
        return False

    def target() -> None:
        try:
            fn(*args, **kwargs)
        except StudioError as exc:
            log.warning("video %s for livestream %s stopped: %s", step, livestream_id, exc)

    thread = threading.Thread(target=target, name=f"video-{step}-{livestream_id}", daemon=True)
    _threads[key] = thread
    thread.start()
    return True


def segments_of(session, livestream_id: int) -> list[TranscriptSegment]:
    return list(session.scalars(select(TranscriptSegment).where(
        TranscriptSegment.livestream_id == livestream_id).order_by(TranscriptSegment.idx)))


def edit_segment(session, segment_id: int, text: str) -> TranscriptSegment:
    """Correct a segment's text (before cutting clips); word timings are kept."""
    seg = session.get(TranscriptSegment, segment_id)
    if seg is None:
        raise NotFound(f"transcript segment {segment_id} does not exist; reload the page")
    text = " ".join(text.split())
    if not text:
        raise StudioError("a segment cannot be empty; type the words that were said",
                          key="video.error.empty_segment")
    if text != seg.text:
        seg.text, seg.edited = text, True
        if [w["word"].strip() for w in seg.words] != text.split():
            seg.words = []  # the words changed: captions fall back to the segment's timing
    return seg


def store_clip(session, stream: Livestream, highlight: Highlight | None, file: Path,
               meta: dict, kind: str = "clip") -> Asset:
    """Store a rendered file as an Asset (``clip`` or ``thumbnail``) by content."""
    sha, rel, size = write_blob_from_file(file, file.suffix.lstrip(".") or "bin")
    asset = session.scalar(select(Asset).where(Asset.workspace_id == stream.workspace_id,
                                               Asset.sha256 == sha, Asset.kind == kind))
    if asset is None:
        mime = "video/mp4" if kind == "clip" else "image/jpeg"
        asset = Asset(workspace_id=stream.workspace_id, kind=kind, sha256=sha, size=size,
                      mime=mime, path=rel, width=meta.get("width"), height=meta.get("height"),
                      duration_s=meta.get("duration"),
                      product_id=highlight.product_id if highlight else None,
                      original_name=file.name, meta=meta)
        session.add(asset)
        session.flush()
    return asset


# -- queue or thread -------------------------------------------------------------------------
STEP_FUNCS = {"transcribe": "studio.video.jobs:transcribe_livestream",
              "highlights": "studio.video.pipeline:highlight_livestream",
              "render": "studio.video.pipeline:render_highlight_queued"}


def media_jobs_mode() -> str:
    """"queue" when a queue consumer runs beside the studio (``make run`` says so through
    STUDIO_MEDIA_JOBS), else "thread": the step runs in this process."""
    import os

    mode = os.environ.get("STUDIO_MEDIA_JOBS", "thread")
    if mode not in ("queue", "thread"):
        raise StudioError(f"STUDIO_MEDIA_JOBS must be queue or thread, not {mode!r}")
    return mode


def run_step(stream_id: int, step: str, *, workspace_id: int, engine: Engine | None = None,
             **params) -> bool:
    """Start a long step on the job queue (its consumer does the work) or in a thread.

    ``params`` are plain JSON values; the step reports progress on the livestream row either way.
    """
    if step not in STEP_FUNCS:
        raise ValueError(f"unknown step {step!r}")
    if media_jobs_mode() == "thread":
        from studio.publish.jobs import resolve

        return start_thread(stream_id, step, resolve(STEP_FUNCS[step]), **params,
                            engine=engine)
    from studio.publish.jobs import submit_job

    set_state(engine or get_engine(), stream_id, step=step, status="queued", progress=0.0,
              message="", cancel_requested=False)
    with session_scope(engine or get_engine()) as session:
        submit_job(session, STEP_FUNCS[step], kind=f"video.{step}", workspace_id=workspace_id,
                   **params)
    return True
