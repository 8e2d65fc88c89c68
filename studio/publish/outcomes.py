"""Recording what publishing did: target statuses, audit rows and post roll-ups.

:func:`record` writes the outcomes of a batch's claimed targets in one transaction. Each target's
UPDATE is conditional on the batch's claim token and ``status='publishing'``, so an outcome
arriving after the lease ran out and another consumer took the target over changes nothing but
the audit log. Rows are updated in id order and posts in id order, so two batches recording at
once never deadlock.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from studio.publish.channels.base import RETRYABLE, UNKNOWN, Attempt, ChannelError, PublishResult
from studio.publish.models import Post, PostTarget, PublishAudit
from studio.publish.posts import rollup

log = logging.getLogger(__name__)

BACKOFF_S = (60, 300, 1800)
ROLLED = ("scheduled", "publishing", "published", "failed", "needs_attention")
_T = PostTarget.__table__
_AUDIT = PublishAudit.__table__


@dataclass
class Outcome:
    target_id: int
    result: str  # published, retry, failed, needs_attention, skipped, released
    detail: str = ""


@dataclass
class Sent:
    """One claimed target's attempt, waiting to be recorded."""

    target_id: int
    attempt_no: int
    row: object
    result: PublishResult | None = None
    error: ChannelError | None = None
    attempts: list[Attempt] = field(default_factory=list)
    duration_s: float = 0.0
    kind: str = "?"
    #: The account's token was refreshed or refused on the way: re-read it for the next target.
    account_changed: bool = False


def _decide(error: ChannelError, attempt_no: int, now: datetime) -> tuple[str, datetime | None]:
    if error.kind == RETRYABLE and attempt_no <= len(BACKOFF_S):
        delay = max(BACKOFF_S[attempt_no - 1], error.retry_after or 0)
        return "scheduled", now + timedelta(seconds=delay)
    if error.kind == UNKNOWN:
        return "needs_attention", None
    return "failed", None


def _mine(*conditions):
    return update(_T).where(_T.c.id == bindparam("r_id"), _T.c.claim_token == bindparam("r_token"),
                            _T.c.status == "publishing", *conditions)


# One prepared statement per kind of ending: compiled once, executed per target.
_DONE = _mine().values(status="published", external_id=bindparam("r_ext"), url=bindparam("r_url"),
                       published_at=bindparam("r_now"), last_error="", lease_until=None,
                       updated_at=bindparam("r_now"))
_AGAIN = _mine().values(status="scheduled", due_at=bindparam("r_due"), enqueued_at=None,
                        last_error=bindparam("r_error"), lease_until=None,
                        updated_at=bindparam("r_now"))
_STOP = _mine().values(status=bindparam("r_status"), last_error=bindparam("r_error"),
                       lease_until=None, updated_at=bindparam("r_now"))


def _ending(sent: Sent, now: datetime) -> tuple[object, dict, str, str, str]:
    """(statement, parameters, target status, outcome, detail) of one attempt."""
    if sent.result is not None:
        return (_DONE, {"r_ext": sent.result.external_id[:200], "r_url": sent.result.url[:500]},
                "published", "published", sent.result.external_id)
    status, due = _decide(sent.error, sent.attempt_no, now)
    detail = str(sent.error)
    if due is not None:
        return _AGAIN, {"r_due": due, "r_error": detail[:2000]}, status, "retry", detail
    return (_STOP, {"r_status": status, "r_error": detail[:2000]}, status, status, detail)


def _audit_rows(sent: Sent, outcome: str, detail: str, now: datetime) -> list[dict]:
    row = sent.row
    common = {"workspace_id": row.workspace_id, "post_id": row.post_id,
              "target_id": sent.target_id, "account_id": row.account_id, "channel": sent.kind,
              "attempt": sent.attempt_no, "at": now, "error": ""}
    rows = [{**common, "step": "http", "request_summary": f"{a.method} {a.url} {a.summary}"
             [:1000], "response_status": a.status, "duration_s": a.duration_s,
             "outcome": a.outcome} for a in sent.attempts]
    rows.append({**common, "step": "publish",
                 "request_summary": f"post {row.post_id} → {sent.kind}",
                 "response_status": sent.attempts[-1].status if sent.attempts else None,
                 "duration_s": round(sent.duration_s, 4), "outcome": outcome,
                 "error": "" if sent.result is not None else detail[:2000]})
    return rows


def record(engine: Engine, token: str, batch: list[Sent], now: datetime) -> list[Outcome]:
    """Statuses, audit rows and post roll-ups of claimed targets: one transaction."""
    outcomes, audit = [], []
    single: dict[str, list[int]] = defaultdict(list)
    recount: set[int] = set()
    with engine.begin() as conn:
        for sent in sorted(batch, key=lambda s: s.target_id):  # one lock order for all
            statement, params, status, outcome, detail = _ending(sent, now)
            changed = conn.execute(statement, {**params, "r_id": sent.target_id,
                                               "r_token": token, "r_now": now}).rowcount
            if changed != 1:
                log.warning("target %s was taken over (its lease ran out) or deleted while "
                            "publishing; result %s kept in the audit log only", sent.target_id,
                            outcome)
            if changed == 1 and sent.row.siblings == 1:
                single[rollup([status], "scheduled")].append(sent.row.post_id)
            else:
                recount.add(sent.row.post_id)
            audit += _audit_rows(sent, outcome, detail, now)
            outcomes.append(Outcome(sent.target_id, outcome, detail))
        conn.execute(insert(_AUDIT), audit)
        for status, post_ids in sorted(single.items()):
            conn.execute(update(Post).where(Post.id.in_(post_ids), Post.status.in_(ROLLED))
                         .values(status=status))
        for post_id in sorted(recount):
            update_rollup(conn, post_id)
    return outcomes


def update_rollup(session: Session | Connection, post_id: int) -> None:
    """Recompute a post's status from its targets (the post row is locked on PostgreSQL)."""
    current = session.scalar(select(Post.status).where(Post.id == post_id).with_for_update())
    statuses = list(session.scalars(select(PostTarget.status).where(
        PostTarget.post_id == post_id)))
    new = rollup(statuses, current)
    if new != current:
        session.execute(update(Post).where(Post.id == post_id).values(status=new))
