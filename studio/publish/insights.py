"""Read published posts' numbers back from the platforms (insights endpoints) into PostMetric.

For every Facebook Page, Instagram, YouTube and TikTok account of a workspace that has published
targets, the account's channel reads its posts' metrics (``fetch_metrics``, see
:mod:`studio.publish.channels.metrics`) with the stored credentials, refreshed first when they
expire soon, exactly as publishing does. Results go into the table the CSV import fills, keyed by
(workspace, channel, external id): a second fetch updates the row and stamps ``imported_at`` with
the time of the fetch, it never adds one; a metric a platform does not report (clicks on
YouTube) keeps the value a CSV gave it.

Each account is reported on its own, so one account's problem never stops the others:

- ``ok`` / ``partial`` (some posts carry a note, e.g. insights not granted, or a later batch
  failed after earlier ones were saved);
- ``permission``: the token lacks a read permission, in words with the fix;
- ``rate_limited``: the platform asked us to wait longer than ``max_wait_s`` (shorter waits are
  slept through, at most twice per batch);
- ``failed``: auth refused after a refresh (the account is marked for reconnection), or another
  error; ``skipped``: nothing published yet.

Deleted posts are listed under ``gone``; their stored numbers stay as they were.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from studio.db.session import get_engine, session_scope
from studio.errors import NotFound, StudioError
from studio.publish import tokens
from studio.publish.accounts import build_channel
from studio.publish.channels.base import AUTH, RETRYABLE, UNKNOWN, Channel, ChannelError
from studio.publish.channels.metrics import METRIC_NAMES, MissingPermission, PostStats
from studio.publish.models import ChannelAccount, Post, PostMetric, PostTarget

log = logging.getLogger(__name__)
KINDS = ("facebook", "instagram", "youtube", "tiktok")
BACKOFF_S = (5.0, 30.0)  # waits when a rate limit gives no Retry-After
MAX_WAIT_S = 60.0
JOB_FUNC = "studio.publish.insights:fetch_job"


@dataclass
class AccountReport:
    account: str
    account_id: int
    kind: str
    status: str = "ok"  # ok, partial, permission, rate_limited, failed, skipped
    posts: int = 0
    fetched: int = 0
    created: int = 0
    updated: int = 0
    gone: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str = ""
    retry_after_s: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class _Target:
    target_id: int
    metric_id: str
    title: str
    published_at: datetime | None


def _accounts(engine: Engine, workspace_id: int, account: str | int | None
              ) -> list[ChannelAccount]:
    with session_scope(engine) as session:
        query = select(ChannelAccount).where(ChannelAccount.workspace_id == workspace_id,
                                             ChannelAccount.kind.in_(KINDS))
        if account is not None:
            key = str(account).strip()
            query = query.where(ChannelAccount.id == int(key) if key.isdigit()
                                else ChannelAccount.name == key)
        found = list(session.scalars(query.order_by(ChannelAccount.name)))
        session.expunge_all()
    if account is not None and not found:
        raise NotFound(f"no Facebook, Instagram, YouTube or TikTok account '{account}' in this "
                       "workspace; see 'python -m studio channel list'")
    return found


def _targets(engine: Engine, account: ChannelAccount, channel: Channel) -> list[_Target]:
    with session_scope(engine) as session:
        rows = session.execute(select(PostTarget.id, PostTarget.external_id, PostTarget.url,
                                      PostTarget.published_at, Post.title, Post.texts, Post.lang)
                               .join(Post, Post.id == PostTarget.post_id)
                               .where(PostTarget.account_id == account.id,
                                      PostTarget.status == "published",
                                      PostTarget.external_id != "")
                               .order_by(PostTarget.id)).all()
    found = []
    for tid, external_id, url, published_at, title, texts, lang in rows:
        metric_id = channel.metrics_id(external_id, url or "")
        if metric_id:
            text = (texts or {}).get(lang) or next(iter((texts or {}).values()), "")
            found.append(_Target(tid, metric_id, title or text.split("\n", 1)[0][:120],
                                 published_at))
    return found


def fetch_account(account: ChannelAccount, *, engine: Engine, workspace_id: int, http=None,
                  sleep: Callable[[float], None] = time.sleep, max_wait_s: float = MAX_WAIT_S,
                  now: datetime | None = None) -> AccountReport:
    """Fetch and store one account's metrics; never raises a platform error."""
    report = AccountReport(account.name, account.id, account.kind)
    now = now or datetime.now(UTC)
    try:
        if account.status == "needs_reauth":
            raise ChannelError("the account must be reconnected (its token was refused); "
                               "reconnect it on the channels page", AUTH)
        if not tokens.is_fresh(account, now):
            tokens.ensure_fresh(account.id, engine=engine, now=now)
        channel = _channel(engine, account.id, http)
        targets = _targets(engine, account, channel)
    except ChannelError as exc:
        return _failed(report, exc)
    except StudioError as exc:  # e.g. credentials that cannot be decrypted
        report.status, report.error = "failed", str(exc)
        return report
    report.posts = len(targets)
    if not targets:
        report.status = "skipped"
        report.notes.append("no published posts with a platform id yet")
        return report
    stats, error = _read(engine, account.id, channel, [t.metric_id for t in targets], http,
                         sleep, max_wait_s)
    _store(engine, workspace_id, account.kind, targets, stats, report, now)
    if error is not None:
        _failed(report, error)
        if report.fetched and report.status == "failed":
            report.status = "partial"
    elif report.notes or report.gone:
        report.status = "partial"
    return report


def _channel(engine: Engine, account_id: int, http) -> Channel:
    with session_scope(engine) as session:
        channel = build_channel(session.get(ChannelAccount, account_id), http=http)
    if not hasattr(channel, "fetch_metrics"):
        raise ChannelError(f"the {channel.kind} channel cannot read metrics", "permanent")
    return channel


def _read(engine, account_id, channel, ids, http, sleep, max_wait_s
          ) -> tuple[dict[str, PostStats], ChannelError | None]:
    """Every id's stats, batch by batch; on an account-level error the batches read so far
    and the error. An auth error refreshes the token once, as publishing does."""
    found: dict[str, PostStats] = {}
    size = max(1, int(getattr(channel, "metrics_batch", 1)))
    refreshed = False
    batches = [ids[i:i + size] for i in range(0, len(ids), size)]
    for batch in batches:
        waits = 0
        while True:
            try:
                found.update(channel.fetch_metrics(batch))
                break
            except ChannelError as exc:
                if exc.kind == AUTH and not refreshed and not isinstance(exc, MissingPermission):
                    refreshed = True
                    problem = _refresh(engine, account_id, exc)
                    if problem is not None:
                        return found, problem
                    channel = _channel(engine, account_id, http)
                    continue
                if exc.kind in (RETRYABLE, UNKNOWN) and waits < len(BACKOFF_S):
                    wait = exc.retry_after if exc.retry_after is not None else BACKOFF_S[waits]
                    if wait <= max_wait_s:
                        waits += 1
                        log.info("%s: rate limited, waiting %.0f s", channel.kind, wait)
                        sleep(wait)
                        continue
                return found, exc
    return found, None


def _refresh(engine, account_id: int, exc: ChannelError) -> ChannelError | None:
    try:
        refreshed = tokens.refresh_account(account_id, engine=engine, force=True)
    except ChannelError as refresh_error:
        return refresh_error
    if refreshed is None:
        return ChannelError(f"{exc}; the token is being refreshed right now, fetch again in a "
                            "minute", RETRYABLE, retry_after=60)
    if not refreshed:  # the platform cannot refresh this token: only reconnecting helps
        tokens.mark_needs_reauth(engine, account_id, str(exc))
        return ChannelError(f"{exc}; reconnect the account on the channels page", AUTH)
    return None


def _failed(report: AccountReport, exc: ChannelError) -> AccountReport:
    if isinstance(exc, MissingPermission):
        report.status, report.error = "permission", exc.hint
    elif exc.kind in (RETRYABLE, UNKNOWN):
        report.status, report.retry_after_s = "rate_limited", exc.retry_after
        wait = f" after {exc.retry_after:.0f} s" if exc.retry_after else " later"
        report.error = f"{exc}; the platform asked to wait: fetch again{wait}"
    else:
        report.status, report.error = "failed", str(exc)
    return report


def _store(engine, workspace_id: int, kind: str, targets: list[_Target],
           stats: dict[str, PostStats], report: AccountReport, now: datetime) -> None:
    """Upsert the fetched rows in one transaction (redone once if a concurrent fetch inserted
    the same post first)."""
    for attempt in (1, 2):
        try:
            _upsert(engine, workspace_id, kind, targets, stats, report, now)
            return
        except IntegrityError:
            if attempt == 2:
                raise
            report.created = report.updated = report.fetched = 0
            report.gone, report.notes = [], []


def _upsert(engine, workspace_id, kind, targets, stats, report, now) -> None:
    by_id = {t.metric_id: t for t in targets}
    with session_scope(engine) as session:
        existing = {m.external_id: m for m in session.scalars(select(PostMetric).where(
            PostMetric.workspace_id == workspace_id, PostMetric.channel == kind,
            PostMetric.external_id.in_(list(stats))))}
        for metric_id, row in stats.items():
            if row.note and row.note not in report.notes and not row.gone:
                report.notes.append(row.note)
            if row.gone:
                report.gone.append(metric_id)
                continue
            target = by_id.get(metric_id)
            metric = existing.get(metric_id)
            if metric is None:
                metric = PostMetric(workspace_id=workspace_id, channel=kind,
                                    external_id=metric_id, **dict.fromkeys(METRIC_NAMES, 0))
                session.add(metric)
                report.created += 1
            else:
                report.updated += 1
            metric.target_id = target.target_id if target else metric.target_id
            metric.title = (row.title or (target.title if target else "") or metric.title
                            or "")[:300]
            metric.posted_at = (row.posted_at or (target.published_at if target else None)
                                or metric.posted_at or now)
            for name, value in row.counts.items():
                if name in METRIC_NAMES:
                    setattr(metric, name, int(value))
            metric.imported_at = now
            report.fetched += 1


def fetch_metrics(workspace_id: int, *, account: str | int | None = None,
                  engine: Engine | None = None, http=None,
                  sleep: Callable[[float], None] = time.sleep, max_wait_s: float = MAX_WAIT_S,
                  on_account: Callable[[int, int, AccountReport], None] | None = None,
                  should_stop: Callable[[], bool] | None = None) -> list[AccountReport]:
    """Fetch the metrics of every insights-capable account (or ``account``) of a workspace.

    Returns one :class:`AccountReport` per account; raises only NotFound for an unknown
    ``account``.
    """
    engine = engine or get_engine()
    accounts = _accounts(engine, workspace_id, account)
    reports = []
    for index, acc in enumerate(accounts):
        if should_stop is not None and should_stop():
            break
        report = fetch_account(acc, engine=engine, workspace_id=workspace_id, http=http,
                               sleep=sleep, max_wait_s=max_wait_s)
        reports.append(report)
        if on_account is not None:
            on_account(index + 1, len(accounts), report)
    return reports


def fetch_job(workspace: int, account: str | None = None, *, on_progress=None,
              should_cancel=None) -> dict:
    """Queue entry point (see :func:`enqueue`): progress per account, cancel between accounts."""
    def progress(done: int, total: int, report: AccountReport) -> None:
        if on_progress is not None:
            on_progress(done / total, f"{report.account}: {report.status}")

    reports = fetch_metrics(workspace, account=account, on_account=progress,
                            should_stop=should_cancel)
    return {"accounts": [r.as_dict() for r in reports]}


def enqueue(session, workspace_id: int, account: str | None = None, *, run: bool = True):
    """Record a metrics fetch job (and put it on the queue unless ``run`` is False); the Job
    row shows the progress and, when done, the per-account reports."""
    from studio.publish.jobs import submit_job

    return submit_job(session, JOB_FUNC, kind="metrics_fetch", workspace_id=workspace_id,
                      enqueue=run, workspace=workspace_id, account=account)


def summary_line(report: AccountReport) -> str:
    """One line per account for the CLI."""
    text = (f"{report.account} ({report.kind}): {report.status}, {report.fetched}/"
            f"{report.posts} post(s) ({report.created} new, {report.updated} updated)")
    if report.gone:
        text += f"; gone: {', '.join(report.gone)}"
    if report.error:
        text += f"; {report.error}"
    for note in report.notes:
        text += f"; note: {note}"
    return text
