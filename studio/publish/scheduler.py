"""Exactly-once publishing in batches: sweep, reserve, claim, publish, classify, record.

A target moves through these states (``post_targets`` columns in brackets):

1. **due**: ``scheduled``, ``due_at`` passed. :func:`sweep` stamps a page of them
   ``enqueued_at`` in one conditional UPDATE … RETURNING (a racing sweep skips rows another
   took) and hands them to the queue in batches of one channel account.
2. **reserved**: still ``scheduled``, [``claim_token`` = the batch's token, ``lease_until`` =
   now + :data:`RESERVE_S`]. :func:`publish_batch` reserves its ids in one conditional UPDATE
   (free rows only, so a duplicate task or a racing consumer reserves nothing). Nothing has been
   sent. If the consumer dies, the reservation simply runs out and the next sweep hands the
   target out again: nothing lost, no attempt counted, no lookup needed.
3. **claimed**: ``publishing`` [``claimed_at`` = when the request may start leaving, ``attempts``
   + 1, ``lease_until`` = now + :data:`LEASE_S`]. Right before sending each target the batch
   claims it alone: ``UPDATE … SET status='publishing' WHERE id=… AND status='scheduled' AND
   claim_token=<ours>``, checked by row count, so a target cancelled, rescheduled, removed or
   taken over since the reservation is not sent.
4. **recorded**: the outcomes of a batch (status, audit rows, post roll-up) are written in one
   transaction at the end of the batch, or every :data:`FLUSH_S` for slow channels; each
   UPDATE is conditional on the claim token. A consumer that dies between sending and recording
   leaves its targets ``publishing``: after the lease :func:`recover_stuck` treats them as
   unknown outcomes (the channel's lookup decides, else ``needs_attention``), never a blind retry.

Errors: retryable → back to scheduled with backoff 1, 5, 30 min (or Retry-After if longer), at
most 3 retries; auth → refresh the token once and retry; permanent → failed; unknown outcome →
the channel's lookup decides (found → published, not found → retry later), and without a
lookup the target goes to ``needs_attention`` for a person.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import (
    Connection,
    Engine,
    and_,
    bindparam,
    func,
    or_,
    select,
    text,
    update,
)
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
    ChannelError,
    MediaFile,
    PostPayload,
    PublishResult,
)
from studio.publish.media import public_media_url
from studio.publish.models import ChannelAccount, Post, PostTarget, PublishAudit
from studio.publish.outcomes import BACKOFF_S, Outcome, Sent, record, update_rollup

log = logging.getLogger(__name__)

LEASE_S = 600.0  # a consumer silent for this long while publishing is presumed dead
REQUEUE_S = 120.0  # an enqueued target not claimed after this long is enqueued again


def _reserve_s(default: float = 60.0) -> float:
    """A batch's hold on targets it has not sent yet: STUDIO_PUBLISH_RESERVE_S seconds (1 to
    REQUEUE_S; default 60). When a consumer dies, its unsent targets wait this long."""
    raw = os.environ.get("STUDIO_PUBLISH_RESERVE_S", "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 1.0 <= value < REQUEUE_S:
        log.warning("STUDIO_PUBLISH_RESERVE_S=%r is not a number of seconds from 1 to %d; "
                    "using %d (unset it or fix it)", raw, REQUEUE_S, default)
        return default
    return value


RESERVE_S = _reserve_s()
FLUSH_S = 0.5  # outcomes waiting longer than this are recorded before the next send
#: Targets per queue task by channel kind. Cheap local calls batch; a channel whose publish
#: takes seconds (uploads) gets one target per task so consumers publish them in parallel.
BATCH_SIZES = {"webhook": 25, "export": 10}

_T = PostTarget.__table__


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


# -- reserve and claim -------------------------------------------------------------------------


def _free(now) -> object:
    """A target nobody holds: scheduled, due, no live reservation."""
    return and_(_T.c.status == "scheduled", _T.c.due_at <= now,
                or_(_T.c.lease_until.is_(None), _T.c.lease_until < now))


def reserve(engine: Engine, target_ids: Iterable[int], now: datetime | None = None,
            reserve_s: float = RESERVE_S) -> tuple[str, list[int]]:
    """Reserve the free ones of ``target_ids`` for one batch: (token, reserved ids).

    One conditional UPDATE. The rows are locked in id order, so overlapping batches never
    deadlock, and a row a racing transaction holds is waited for and re-checked, not skipped
    (a skipped row would sit enqueued but unreserved until the sweep's requeue delay).
    """
    now, token = _now(now), uuid.uuid4().hex
    ids = sorted(set(target_ids))
    if not ids:
        return token, []
    pick = (select(_T.c.id).where(_T.c.id.in_(ids), _free(now)).order_by(_T.c.id)
            .with_for_update())
    with engine.begin() as conn:
        got = conn.scalars(update(_T).where(_T.c.id.in_(pick), _free(now)).values(
            claim_token=token, lease_until=now + timedelta(seconds=reserve_s), updated_at=now)
            .returning(_T.c.id)).all()
    return token, sorted(got)


_CLAIM = (update(_T).where(_T.c.id == bindparam("c_id"), _T.c.claim_token == bindparam("c_token"),
                           _T.c.status == "scheduled", _T.c.due_at <= bindparam("c_now"))
          .values(status="publishing", claimed_at=bindparam("c_now"),
                  lease_until=bindparam("c_lease"), attempts=_T.c.attempts + 1,
                  updated_at=bindparam("c_now"))
          .returning(_T.c.attempts))


def _claim_reserved(conn: Connection, target_id: int, token: str, now: datetime,
                    lease_s: float) -> int | None:
    """Claim one reserved target right before sending it: its attempt number, or None."""
    with conn.begin():
        return conn.execute(_CLAIM, {"c_id": target_id, "c_token": token, "c_now": now,
                                     "c_lease": now + timedelta(seconds=lease_s)}).scalar()


def claim(engine: Engine, target_id: int, now: datetime | None = None,
          lease_s: float = LEASE_S) -> str | None:
    """Reserve and claim one due target (as a consumer does before sending it): the claim
    token, or None when it is not due or another consumer holds it."""
    now = _now(now)
    token, got = reserve(engine, [target_id], now)
    if not got:
        return None
    with engine.connect() as conn:
        if _claim_reserved(conn, target_id, token, now, lease_s) is None:
            return None
    return token


def release(engine: Engine, target_ids: Iterable[int], token: str,
            now: datetime | None = None) -> None:
    """Hand reserved, unsent targets back: the next sweep enqueues them again at once."""
    ids = sorted(set(target_ids))
    if not ids:
        return
    with engine.begin() as conn:
        conn.execute(update(_T).where(_T.c.id.in_(ids), _T.c.claim_token == token,
                                      _T.c.status != "publishing")
                     .values(lease_until=None, enqueued_at=None, updated_at=_now(now)))


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


_SIBLINGS = (select(func.count()).select_from(_T.alias("sib"))
             .where(text("sib.post_id = post_targets.post_id")).scalar_subquery())
_LOAD = (PostTarget.id.label("target_id"), PostTarget.variant, PostTarget.idempotency_key,
         PostTarget.account_id, PostTarget.workspace_id, _SIBLINGS.label("siblings"),
         Post.id.label("post_id"), Post.texts, Post.lang, Post.title, Post.link,
         Post.first_comment, Post.hashtags, Post.media_asset_ids, ChannelAccount.kind,
         ChannelAccount.name, ChannelAccount.options, ChannelAccount.credentials_enc,
         ChannelAccount.updated_at, ChannelAccount.status, ChannelAccount.token_expires_at)


def _load(engine: Engine, target_ids: list[int]) -> dict[int, tuple]:
    """{target id: (payload, row)} of a batch in one query (plus one per post with media)."""
    loaded = {}
    with engine.connect() as conn:
        rows = conn.execute(select(*_LOAD).join(Post, Post.id == PostTarget.post_id)
                            .join(ChannelAccount, ChannelAccount.id == PostTarget.account_id)
                            .where(PostTarget.id.in_(target_ids))).all()
        for row in rows:
            loaded[row.target_id] = (_payload(
                conn, post_id=row.post_id, target_id=row.target_id, texts=row.texts,
                lang=row.lang, title=row.title, link=row.link, first_comment=row.first_comment,
                hashtags=row.hashtags, media_asset_ids=row.media_asset_ids, variant=row.variant,
                idempotency_key=row.idempotency_key), row)
    return loaded


# -- publish ---------------------------------------------------------------------------------


def publish_target(target_id: int, *, engine: Engine | None = None, now: datetime | None = None,
                   http=None, lease_s: float = LEASE_S) -> Outcome:
    """Claim, publish and record one target. Safe to call twice or from racing consumers."""
    return publish_batch([target_id], engine=engine, now=now, http=http, lease_s=lease_s)[0]


def publish_batch(target_ids: Iterable[int], *, engine: Engine | None = None,
                  now: datetime | None = None, http=None,
                  lease_s: float = LEASE_S) -> list[Outcome]:
    """Reserve, then claim, publish and record each target; one Outcome per distinct id.

    Safe to run twice on the same ids or from racing consumers: a target is sent only by the
    consumer whose claim UPDATE changed its row. Targets not reached within half the reservation
    (slow channel) are handed back for another consumer.
    """
    engine = engine or get_engine()
    http = http or shared_http()
    ids = sorted(set(target_ids))
    token, reserved = reserve(engine, ids, now)
    held = set(reserved)
    outcomes = [Outcome(i, "skipped", "not due or held by another consumer")
                for i in ids if i not in held]
    if not reserved:
        return outcomes
    started = flushed = time.monotonic()
    todo, pending, back, changed = list(reserved), [], [], set()
    try:
        batch = _load(engine, reserved)
        with engine.connect() as conn:
            # Always one target, then only while the reservation has half its time left.
            while todo and (len(todo) == len(reserved) or
                            time.monotonic() - started < RESERVE_S / 2):
                target_id = todo.pop(0)
                attempt_no = None
                if target_id in batch:  # else its post or account was deleted meanwhile
                    attempt_no = _claim_reserved(conn, target_id, token, _now(now), lease_s)
                if attempt_no is None:
                    back.append(target_id)
                    outcomes.append(Outcome(target_id, "skipped",
                                            "cancelled, rescheduled or removed since queued"))
                    continue
                payload, row = batch[target_id]
                sent = _attempt(engine, target_id, attempt_no, payload, row, http, now,
                                trust_row=row.account_id not in changed)
                if sent.account_changed:  # refreshed or refused: read it again next time
                    changed.add(row.account_id)
                pending.append(sent)
                if time.monotonic() - flushed >= FLUSH_S:
                    outcomes += record(engine, token, pending, _now(now))
                    pending, flushed = [], time.monotonic()
    finally:
        try:
            if pending:
                outcomes += record(engine, token, pending, _now(now))
        finally:
            # Not reached (slow channel, or the batch broke off): nothing of these was sent.
            release(engine, todo + back, token, now)
            outcomes += [Outcome(i, "released", "handed back unsent") for i in todo]
    return outcomes


def _attempt(engine, target_id, attempt_no, payload, row, http, now, trust_row=True) -> Sent:
    """Publish one claimed target, settling auth errors and unknown outcomes as far as can be
    done without a person. Never raises: every failure becomes the ChannelError recorded.

    ``row`` is the account as the batch loaded it; once a target of the batch refreshed or lost
    the account's token (``trust_row`` False) the account is read again.
    """
    sent = Sent(target_id, attempt_no, row, kind=row.kind)
    started = time.monotonic()
    account_id = row.account_id
    try:
        loaded = None
        if trust_row and tokens.is_fresh(row, _now(now)):
            loaded = _account_view(str(engine.url), account_id, row)
        else:
            sent.account_changed = True  # may refresh now: later targets read it again
            tokens.ensure_fresh(account_id, engine=engine, now=now)
        sent.result = _publish_once(engine, account_id, payload, sent.attempts, http, loaded)
    except ChannelError as exc:
        sent.error = exc
        if exc.kind == AUTH:
            sent.account_changed = True
            sent.result, sent.error = _after_auth_error(engine, account_id, payload,
                                                        sent.attempts, http, exc)
        elif exc.kind == UNKNOWN:
            sent.result, sent.error = _settle_unknown(engine, account_id, payload, http, exc)
    except StudioError as exc:  # configuration (e.g. undecryptable credentials): nothing sent
        sent.error = ChannelError(str(exc), PERMANENT)
    except Exception as exc:  # a bug after the claim: the request may have left
        log.warning("publishing target %s raised %r", target_id, exc)
        sent.error = ChannelError(f"internal error while publishing: {exc!r}", UNKNOWN)
    sent.duration_s = time.monotonic() - started
    return sent


_accounts: dict[tuple, tuple] = {}


def _account_view(url: str, account_id: int, account) -> tuple:
    """(kind, options, name, credentials) of an account, decrypted once per version of the row
    (it changes rarely: connect, token refresh) instead of once per post."""
    key = (url, account_id, account.updated_at)
    if key not in _accounts:
        if len(_accounts) > 512:  # old versions of rows are never asked for again
            _accounts.clear()
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


# -- sweep -----------------------------------------------------------------------------------


def _ws_of(session: Session, target_id: int) -> int:
    return session.scalar(select(PostTarget.workspace_id).where(PostTarget.id == target_id))


_refresh_sent: dict[int, datetime] = {}


def sweep(enqueue: Callable[[int], None] | None = None, *,
          enqueue_batch: Callable[[list[int]], None] | None = None,
          refresh: Callable[[int], None] | None = None, engine: Engine | None = None,
          now: datetime | None = None, limit: int = 5000, http=None) -> dict:
    """Enqueue due targets, recover stuck ones, hand expiring tokens to ``refresh``.

    With ``enqueue_batch`` the due targets go out as lists of one account's targets (up to
    :data:`BATCH_SIZES` of its kind); otherwise one id at a time to ``enqueue``.
    """
    engine = engine or get_engine()
    now = _now(now)
    recovered = recover_stuck(engine, now, http=http)
    stale = now - timedelta(seconds=REQUEUE_S)
    # Not enqueued yet, enqueued long ago (a lost task), or a reservation that ran out (its
    # consumer died): a live batch always claims or hands back what it reserved.
    due = and_(_free(now), or_(_T.c.enqueued_at.is_(None), _T.c.enqueued_at < stale,
                               _T.c.lease_until.is_not(None)))
    # One conditional UPDATE: re-checking ``due`` (and skipping rows a racing sweep has locked)
    # means each due target is handed out by one sweep only.
    page = (select(_T.c.id).where(due).order_by(_T.c.due_at).limit(limit)
            .with_for_update(skip_locked=True))
    with engine.begin() as conn:
        taken = []
        if _sweep_turn(conn):
            taken = conn.execute(update(_T).where(_T.c.id.in_(page), due)
                                 .values(enqueued_at=now, updated_at=now)
                                 .returning(_T.c.id, _T.c.account_id)).all()
    if enqueue_batch is not None:
        for batch in _batches(engine, taken):
            enqueue_batch(batch)
    elif enqueue is not None:
        for target_id in sorted(t.id for t in taken):
            enqueue(target_id)
    tokens_due = tokens.accounts_due(engine, now) if refresh is not None else []
    for account_id in tokens_due:
        # Sweeps run every second: hand a refresh out at most every 30 s per account.
        last = _refresh_sent.get(account_id)
        if last is None or (now - last).total_seconds() >= 30 or now < last:
            _refresh_sent[account_id] = now
            refresh(account_id)
    return {"enqueued": len(taken), "recovered": recovered, "tokens_due": len(tokens_due)}


def _sweep_turn(conn: Connection) -> bool:
    """One sweep at a time per schema on PostgreSQL (a transaction-scoped advisory lock; the
    others skip this round). Overlapping sweeps each scan the whole backlog, and rows one of
    them locks and then finds already taken stay locked until it commits, stalling the batches
    reserving them. SQLite serialises writers anyway."""
    if conn.dialect.name != "postgresql":
        return True
    return bool(conn.scalar(text("SELECT pg_try_advisory_xact_lock(hashtext("
                                 "'studio.sweep.' || current_schema()))")))


def _batches(engine: Engine, taken) -> list[list[int]]:
    """Due targets grouped by account, cut to the batch size of the account's channel kind."""
    by_account: dict[int, list[int]] = defaultdict(list)
    for target_id, account_id in taken:
        by_account[account_id].append(target_id)
    if not by_account:
        return []
    with engine.connect() as conn:
        kinds = dict(conn.execute(select(ChannelAccount.id, ChannelAccount.kind)
                                  .where(ChannelAccount.id.in_(list(by_account)))).all())
    out = []
    for account_id, ids in sorted(by_account.items()):
        size = BATCH_SIZES.get(kinds.get(account_id, ""), 1)
        ids.sort()
        out += [ids[i:i + size] for i in range(0, len(ids), size)]
    return out


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
