"""Exactly-once publishing: sweep, claim, publish, classify, record.

- :func:`sweep` marks due targets as enqueued (one conditional UPDATE, so concurrent sweeps never
  hand out the same target twice) and hands their ids to the queue; it also recovers targets left
  in ``publishing`` by a crashed consumer (their lease ran out).
- :func:`publish_target` first *claims* the target: ``UPDATE ... SET status='publishing' WHERE
  status='scheduled'``, checked by row count. Only the consumer whose UPDATE changed the row
  publishes; a duplicate task or a racing consumer gets ``skipped``.
- Errors: retryable → back to scheduled with backoff 1, 5, 30 min (or Retry-After if longer), at
  most 3 retries; auth → refresh the token once and retry; permanent → failed; unknown outcome →
  the channel's lookup decides (found → published, not found → retry later), and without a
  lookup the target goes to ``needs_attention`` for a person: never a blind retry.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import Connection, Engine, and_, func, insert, or_, select, text, update
from sqlalchemy.orm import Session

from studio.config import get_settings
from studio.db.models import Asset
from studio.db.session import get_engine, session_scope
from studio.errors import StudioError
from studio.publish import credentials as creds
from studio.publish import tokens
from studio.publish.accounts import build_channel
from studio.publish.channels import channel_class
from studio.publish.channels.base import (
    AUTH,
    PERMANENT,
    RETRYABLE,
    UNKNOWN,
    Attempt,
    ChannelError,
    MediaFile,
    PostPayload,
    PublishResult,
)
from studio.publish.media import public_media_url
from studio.publish.models import ChannelAccount, Post, PostTarget, PublishAudit
from studio.publish.posts import rollup

log = logging.getLogger(__name__)

BACKOFF_S = (60, 300, 1800)
LEASE_S = 600.0  # a consumer silent for this long while publishing is presumed dead
REQUEUE_S = 120.0  # an enqueued target not claimed after this long is enqueued again


def _now(now: datetime | None = None) -> datetime:
    return now or datetime.now(UTC)


_http: dict[str, httpx.Client] = {}
_http_lock = threading.Lock()


def shared_http() -> httpx.Client:
    """One pooled HTTP client per process (building one costs ~50 ms of TLS setup)."""
    with _http_lock:
        if "client" not in _http:
            _http["client"] = httpx.Client(timeout=httpx.Timeout(30.0, connect=10.0),
                                           limits=httpx.Limits(max_connections=64))
        return _http["client"]


@dataclass
class Outcome:
    target_id: int
    result: str  # published, retry, failed, needs_attention, skipped
    detail: str = ""


# -- claim -----------------------------------------------------------------------------------


def claim(engine: Engine, target_id: int, now: datetime | None = None,
          lease_s: float = LEASE_S) -> str | None:
    """Claim a due target for publishing; the claim token, or None when another has it."""
    row = _claim(engine, target_id, _now(now), lease_s)
    return row["token"] if row else None


def _claim(engine: Engine, target_id: int, now: datetime, lease_s: float) -> dict | None:
    token = uuid.uuid4().hex
    siblings = (select(func.count()).select_from(PostTarget.__table__.alias("sib"))
                .where(text("sib.post_id = post_targets.post_id")).scalar_subquery())
    with engine.begin() as conn:
        row = conn.execute(
            update(PostTarget)
            .where(PostTarget.id == target_id, PostTarget.status == "scheduled",
                   PostTarget.due_at <= now)
            .values(status="publishing", claimed_at=now, claim_token=token,
                    lease_until=now + timedelta(seconds=lease_s),
                    attempts=PostTarget.attempts + 1, updated_at=now)
            .returning(PostTarget.workspace_id, PostTarget.post_id, PostTarget.attempts,
                       siblings.label("siblings"))).first()
    if row is None:
        return None
    return {"token": token, "workspace_id": row.workspace_id, "post_id": row.post_id,
            "attempts": row.attempts, "siblings": row.siblings}


# -- payload ---------------------------------------------------------------------------------


def build_payload(session: Session, target: PostTarget) -> PostPayload:
    post = target.post
    return _payload(session, post_id=post.id, target_id=target.id, texts=post.texts,
                    lang=post.lang, title=post.title, link=post.link,
                    first_comment=post.first_comment, hashtags=post.hashtags,
                    media_asset_ids=post.media_asset_ids, variant=target.variant,
                    idempotency_key=target.idempotency_key)


def _payload(db, *, post_id, target_id, texts, lang, title, link, first_comment, hashtags,
             media_asset_ids, variant, idempotency_key) -> PostPayload:
    variant = dict(variant or {})
    texts = {**texts, **variant.get("texts", {})}
    media = []
    if media_asset_ids:
        data_dir = get_settings().data_dir
        assets = {a.id: a for a in db.execute(
            select(Asset.id, Asset.path, Asset.mime, Asset.size, Asset.width, Asset.height,
                   Asset.duration_s, Asset.meta).where(Asset.id.in_(media_asset_ids))).all()}
        for asset_id in media_asset_ids:
            asset = assets.get(asset_id)
            if asset is not None:
                media.append(MediaFile(Path(data_dir) / asset.path, asset.mime, asset.size,
                                       asset.width, asset.height, asset.duration_s,
                                       public_media_url(asset.id, asset.path, asset.meta)))
    return PostPayload(post_id=post_id, target_id=target_id, lang=lang,
                       text=texts.get(lang, ""), title=variant.get("title", title),
                       link=link, first_comment=first_comment,
                       hashtags=tuple(hashtags or ()), media=tuple(media),
                       idempotency_key=idempotency_key, texts=texts,
                       extra=dict(variant.get("extra", {})))


_LOAD = (PostTarget.id.label("target_id"), PostTarget.variant, PostTarget.idempotency_key,
         PostTarget.account_id, Post.id.label("post_id"), Post.texts, Post.lang, Post.title,
         Post.link, Post.first_comment, Post.hashtags, Post.media_asset_ids, ChannelAccount.kind,
         ChannelAccount.name, ChannelAccount.options, ChannelAccount.credentials_enc,
         ChannelAccount.updated_at, ChannelAccount.status, ChannelAccount.token_expires_at)


def _load(engine: Engine, target_id: int):
    """(payload, account row) of a claimed target in one query (plus one for media)."""
    with engine.connect() as conn:
        row = conn.execute(select(*_LOAD).join(Post, Post.id == PostTarget.post_id)
                           .join(ChannelAccount, ChannelAccount.id == PostTarget.account_id)
                           .where(PostTarget.id == target_id)).one()
        payload = _payload(conn, post_id=row.post_id, target_id=row.target_id,
                           texts=row.texts, lang=row.lang, title=row.title, link=row.link,
                           first_comment=row.first_comment, hashtags=row.hashtags,
                           media_asset_ids=row.media_asset_ids, variant=row.variant,
                           idempotency_key=row.idempotency_key)
    return payload, row


# -- publish ---------------------------------------------------------------------------------


def publish_target(target_id: int, *, engine: Engine | None = None, now: datetime | None = None,
                   http=None, lease_s: float = LEASE_S) -> Outcome:
    """Claim, publish and record one target. Safe to call twice or from racing consumers."""
    engine = engine or get_engine()
    http = http or shared_http()
    claimed = _claim(engine, target_id, _now(now), lease_s)
    if claimed is None:
        return Outcome(target_id, "skipped", "not due or claimed by another consumer")
    attempts: list[Attempt] = []
    started = time.monotonic()
    result, error, payload, kind, account_id = None, None, None, "?", None
    try:
        payload, account = _load(engine, target_id)
        account_id, kind = account.account_id, account.kind
        fresh = tokens.is_fresh(account, _now(now))
        loaded = _account_view(str(engine.url), account_id, account)
        if not fresh:
            tokens.ensure_fresh(account_id, engine=engine, now=now)
            loaded = None
        result = _publish_once(engine, account_id, payload, attempts, http, loaded)
    except ChannelError as exc:
        error = exc
        if exc.kind == AUTH:
            result, error = _after_auth_error(engine, account_id, payload, attempts, http, exc)
        elif exc.kind == UNKNOWN:
            result, error = _settle_unknown(engine, account_id, payload, http, exc)
    except StudioError as exc:  # configuration (e.g. undecryptable credentials): nothing sent
        error = ChannelError(str(exc), PERMANENT)
    except Exception as exc:  # a bug after the claim: the request may have left
        log.warning("publishing target %s raised %r", target_id, exc)
        error = ChannelError(f"internal error while publishing: {exc!r}", UNKNOWN)
    return _finish(engine, target_id, claimed, kind, account_id, result, error, attempts,
                   time.monotonic() - started, _now(now))


_accounts: dict[tuple, tuple] = {}


def _account_view(url: str, account_id: int, account) -> tuple:
    """(kind, options, name, credentials) of an account, decrypted once per version of the row
    (it changes rarely: connect, token refresh) instead of once per post."""
    key = (url, account_id, account.updated_at)
    if key not in _accounts:
        _accounts[key] = (account.kind, dict(account.options or {}), account.name,
                          creds.decrypt(account.credentials_enc))
    return _accounts[key]


def _publish_once(engine, account_id, payload, attempts, http, loaded=None) -> PublishResult:
    if loaded is None:
        with session_scope(engine) as session:
            loaded = _account_view(str(engine.url), account_id,
                                   session.get(ChannelAccount, account_id))
    kind, options, name, secrets = loaded
    if kind == "export":
        options = {**options, "account": options.get("account", name)}
    channel = channel_class(kind)(options, secrets, http=http, on_attempt=attempts.append)
    problems = channel.validate(payload)
    if problems:
        raise ChannelError("; ".join(problems), PERMANENT)
    return channel.publish(payload)


def _after_auth_error(engine, account_id, payload, attempts, http, exc):
    """Refresh once and retry; a channel without refresh needs the person to reconnect."""
    try:
        refreshed = tokens.refresh_account(account_id, engine=engine, force=True)
    except ChannelError as refresh_error:
        return None, refresh_error
    if refreshed is None:  # another consumer is refreshing right now: try again shortly
        return None, ChannelError(f"{exc}; the token is being refreshed, will retry",
                                  RETRYABLE, status=exc.status)
    if not refreshed:
        tokens.mark_needs_reauth(engine, account_id, str(exc))
        return None, ChannelError(f"{exc}; reconnect the account on the channels page",
                                  PERMANENT, status=exc.status)
    try:
        return _publish_once(engine, account_id, payload, attempts, http), None
    except ChannelError as again:
        if again.kind == AUTH:
            tokens.mark_needs_reauth(engine, account_id, str(again))
            return None, ChannelError(f"{again}; reconnect the account", PERMANENT)
        return None, again


def _settle_unknown(engine, account_id, payload, http, exc):
    """Ask the platform whether the post exists before deciding anything."""
    found = lookup(engine, account_id, payload, http)
    if found is True:
        return None, exc
    if found is None:
        # Not there: nothing was published, so a later retry is safe.
        return None, ChannelError(f"{exc} (lookup: not published)", RETRYABLE,
                                  status=exc.status)
    return found, None


def lookup(engine, account_id, payload, http=None) -> PublishResult | None | bool:
    """The channel's answer: a result, None (not published), or True (cannot tell)."""
    with session_scope(engine) as session:
        channel = build_channel(session.get(ChannelAccount, account_id), http=http)
    try:
        return channel.lookup(payload)
    except ChannelError:
        return True


def _decide(error: ChannelError, attempt_no: int, now: datetime) -> tuple[str, datetime | None]:
    if error.kind == RETRYABLE and attempt_no <= len(BACKOFF_S):
        delay = max(BACKOFF_S[attempt_no - 1], error.retry_after or 0)
        return "scheduled", now + timedelta(seconds=delay)
    if error.kind == UNKNOWN:
        return "needs_attention", None
    return "failed", None


def _finish(engine, target_id, claimed, kind, account_id, result, error, attempts, duration,
            now) -> Outcome:
    attempt_no, post_id = claimed["attempts"], claimed["post_id"]
    values: dict = {"updated_at": now, "lease_until": None}
    if result is not None:
        values.update(status="published", external_id=result.external_id[:200],
                      url=result.url[:500], published_at=now, last_error="")
        outcome, detail = "published", result.external_id
    else:
        status, due = _decide(error, attempt_no, now)
        values.update(status=status, last_error=str(error)[:2000])
        if due is not None:
            values.update(due_at=due, enqueued_at=None)
        outcome = {"scheduled": "retry"}.get(status, status)
        detail = str(error)
    common = {"workspace_id": claimed["workspace_id"], "post_id": post_id,
              "target_id": target_id, "account_id": account_id, "channel": kind,
              "attempt": attempt_no, "at": now, "error": ""}
    rows = [{**common, "step": "http", "request_summary": f"{a.method} {a.url} {a.summary}"
             [:1000], "response_status": a.status, "duration_s": a.duration_s,
             "outcome": a.outcome} for a in attempts]
    rows.append({**common, "step": "publish", "request_summary": f"post {post_id} → {kind}",
                 "response_status": attempts[-1].status if attempts else None,
                 "duration_s": round(duration, 4), "outcome": outcome,
                 "error": "" if result is not None else detail[:2000]})
    # Core statements on one connection: one short transaction, no ORM unit-of-work cost.
    with engine.begin() as conn:
        changed = conn.execute(update(PostTarget).where(
            PostTarget.id == target_id, PostTarget.claim_token == claimed["token"])
            .values(**values))
        if changed.rowcount != 1:
            log.warning("target %s was taken over while publishing (lease ran out); "
                        "result %s kept in the audit log only", target_id, outcome)
        conn.execute(insert(PublishAudit), rows)
        if claimed["siblings"] == 1 and changed.rowcount == 1:
            conn.execute(update(Post).where(Post.id == post_id, Post.status.in_(ROLLED))
                         .values(status=rollup([values["status"]], "scheduled")))
        else:
            update_rollup(conn, post_id)
    return Outcome(target_id, outcome, detail)


ROLLED = ("scheduled", "publishing", "published", "failed", "needs_attention")


def _ws_of(session: Session, target_id: int) -> int:
    return session.scalar(select(PostTarget.workspace_id).where(PostTarget.id == target_id))


def update_rollup(session: Session | Connection, post_id: int) -> None:
    """Recompute a post's status from its targets (the post row is locked on PostgreSQL)."""
    current = session.scalar(select(Post.status).where(Post.id == post_id).with_for_update())
    statuses = list(session.scalars(select(PostTarget.status).where(
        PostTarget.post_id == post_id)))
    new = rollup(statuses, current)
    if new != current:
        session.execute(update(Post).where(Post.id == post_id).values(status=new))


# -- sweep -----------------------------------------------------------------------------------


_refresh_sent: dict[int, datetime] = {}


def sweep(enqueue: Callable[[int], None], *, refresh: Callable[[int], None] | None = None,
          engine: Engine | None = None, now: datetime | None = None, limit: int = 5000,
          http=None) -> dict:
    """Enqueue due targets, recover stuck ones, hand expiring tokens to ``refresh``."""
    engine = engine or get_engine()
    now = _now(now)
    recovered = recover_stuck(engine, now, http=http)
    stale = now - timedelta(seconds=REQUEUE_S)
    due = and_(PostTarget.status == "scheduled", PostTarget.due_at <= now,
               or_(PostTarget.enqueued_at.is_(None), PostTarget.enqueued_at < stale))
    with engine.begin() as conn:
        ids = list(conn.scalars(select(PostTarget.id).where(due)
                                .order_by(PostTarget.due_at).limit(limit)))
        if ids:
            # Re-checking ``due`` makes a racing sweep skip rows this one took.
            taken = conn.scalars(update(PostTarget).where(PostTarget.id.in_(ids), due)
                                 .values(enqueued_at=now).returning(PostTarget.id))
            ids = sorted(taken)
    for target_id in ids:
        enqueue(target_id)
    tokens_due = tokens.accounts_due(engine, now) if refresh is not None else []
    for account_id in tokens_due:
        # Sweeps run every second: hand a refresh out at most every 30 s per account.
        last = _refresh_sent.get(account_id)
        if last is None or (now - last).total_seconds() >= 30 or now < last:
            _refresh_sent[account_id] = now
            refresh(account_id)
    return {"enqueued": len(ids), "recovered": recovered, "tokens_due": len(tokens_due)}


def recover_stuck(engine: Engine, now: datetime | None = None, limit: int = 50,
                  http=None) -> int:
    """Targets whose consumer died mid-publish: settle them by lookup, else needs attention."""
    now = _now(now)
    with session_scope(engine) as session:
        stuck = session.execute(select(PostTarget.id, PostTarget.claim_token).where(
            PostTarget.status == "publishing", PostTarget.lease_until < now).limit(limit)).all()
    for target_id, token in stuck:
        with session_scope(engine) as session:
            changed = session.execute(update(PostTarget).where(
                PostTarget.id == target_id, PostTarget.claim_token == token,
                PostTarget.status == "publishing").values(
                status="needs_attention", lease_until=None, updated_at=now,
                last_error="the consumer stopped while publishing; checking the channel"))
            if changed.rowcount != 1:
                continue
            target = session.get(PostTarget, target_id)
            payload = build_payload(session, target)
            account_id, kind, attempts = target.account_id, target.account.kind, target.attempts
        found = lookup(engine, account_id, payload, http)
        _record_recovery(engine, target_id, payload, account_id, kind, found, now, attempts)
    return len(stuck)


def _record_recovery(engine, target_id, payload, account_id, kind, found, now,
                     attempts) -> None:
    if isinstance(found, PublishResult):
        values = {"status": "published", "external_id": found.external_id[:200],
                  "url": found.url[:500], "published_at": now, "last_error": ""}
        outcome = "published"
    elif found is None and attempts > len(BACKOFF_S):  # it keeps killing consumers: stop
        values = {"status": "failed", "last_error": f"the consumer stopped {attempts} times "
                  "while publishing this post; check its media and publish it again"}
        outcome = "failed"
    elif found is None:
        values = {"status": "scheduled", "due_at": now, "enqueued_at": None,
                  "last_error": "the consumer stopped before the channel got the post; retrying"}
        outcome = "retry"
    else:
        values = {"last_error": "the consumer stopped while publishing and this channel cannot "
                  "be asked; check it by hand, then mark it published or retry it"}
        outcome = "needs_attention"
    with session_scope(engine) as session:
        session.execute(update(PostTarget).where(
            PostTarget.id == target_id, PostTarget.status == "needs_attention").values(**values))
        session.add(PublishAudit(
            workspace_id=_ws_of(session, target_id), post_id=payload.post_id,
            target_id=target_id, account_id=account_id, channel=kind, step="recover", at=now,
            request_summary="lookup after a stopped consumer", outcome=outcome))
        update_rollup(session, payload.post_id)
