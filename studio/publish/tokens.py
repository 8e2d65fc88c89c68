"""Access-token refresh, ahead of expiry, safe with single-use rotating refresh tokens.

- One refresher at a time per account: a lease taken with a conditional UPDATE, so two consumers
  never spend the same single-use refresh token.
- The new access token and the rotated refresh token are one encrypted blob written by one
  UPDATE in one transaction: never one without the other.
- A field the platform returns empty never overwrites the stored value.
- A transient refresh error (429, 5xx, connection) keeps the tokens and the account active; only
  an auth/permanent answer marks the account ``needs_reauth``.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, or_, select, update

from studio.db.session import get_engine, session_scope
from studio.publish import credentials as creds
from studio.publish.accounts import build_channel
from studio.publish.channels.base import AUTH, PERMANENT, RETRYABLE, ChannelError
from studio.publish.models import ChannelAccount

MARGIN_S = 600  # refresh when the access token has less than this left
SWEEP_MARGIN_S = 1800  # the sweep refreshes tokens expiring within this
LEASE_S = 60
WAIT_S = 15.0


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _expiry(new: dict, now: datetime) -> datetime | None:
    if new.get("expires_in"):
        return now + timedelta(seconds=float(new["expires_in"]))
    value = new.get("expires_at")
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str) and value:
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def merge(stored: dict, new: dict) -> dict:
    """``stored`` updated by the non-empty values of ``new`` (expiry fields left out)."""
    merged = dict(stored)
    for key, value in new.items():
        if key in ("expires_in", "expires_at"):
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue  # never overwrite a token with an empty value
        merged[key] = value
    return merged


def _take_lease(engine: Engine, account_id: int, now: datetime) -> bool:
    with engine.begin() as conn:
        result = conn.execute(update(ChannelAccount).where(
            ChannelAccount.id == account_id,
            or_(ChannelAccount.refresh_lease_until.is_(None),
                ChannelAccount.refresh_lease_until < now)).values(
            refresh_lease_until=now + timedelta(seconds=LEASE_S)))
        return result.rowcount == 1


def _release(engine: Engine, account_id: int, **values) -> None:
    with engine.begin() as conn:
        conn.execute(update(ChannelAccount).where(ChannelAccount.id == account_id)
                     .values(refresh_lease_until=None, **values))


def mark_needs_reauth(engine: Engine, account_id: int, reason: str) -> None:
    _release(engine, account_id, status="needs_reauth", last_error=reason[:2000])


def refresh_account(account_id: int, *, engine: Engine | None = None, force: bool = False,
                    now: datetime | None = None) -> bool | None:
    """Refresh one account's token. True: refreshed; False: the channel cannot refresh;
    None: another consumer is refreshing it right now. Raises ChannelError on failure."""
    engine = engine or get_engine()
    now = _now(now)
    if not _take_lease(engine, account_id, now):
        return None
    try:
        with session_scope(engine) as session:
            account = session.get(ChannelAccount, account_id)
            expires = account.token_expires_at
            if not force and expires and expires - now > timedelta(seconds=MARGIN_S):
                _release(engine, account_id)
                return True
            stored = creds.decrypt(account.credentials_enc)
            channel = build_channel(account)
        new = channel.refresh()
    except ChannelError as exc:
        if exc.kind in (AUTH, PERMANENT):
            mark_needs_reauth(engine, account_id, f"token refresh refused: {exc}")
            raise ChannelError(f"{exc}; reconnect the account on the channels page", PERMANENT,
                               status=exc.status) from exc
        # Keep the tokens and back off a minute before the sweep tries again.
        with engine.begin() as conn:
            conn.execute(update(ChannelAccount).where(ChannelAccount.id == account_id).values(
                refresh_lease_until=now + timedelta(seconds=LEASE_S),
                last_error=f"token refresh failed for now: {exc}"[:2000]))
        raise ChannelError(f"token refresh failed for now ({exc}); will retry", RETRYABLE,
                           status=exc.status, retry_after=exc.retry_after) from exc
    except BaseException:
        _release(engine, account_id)
        raise
    if not new:
        _release(engine, account_id)
        return False
    merged = merge(stored, new)
    with engine.begin() as conn:  # access + rotated refresh token: one UPDATE, one transaction
        conn.execute(update(ChannelAccount).where(ChannelAccount.id == account_id).values(
            credentials_enc=creds.encrypt(merged), token_expires_at=_expiry(new, now),
            refresh_lease_until=None, status="active", last_error="", updated_at=now))
    return True


def is_fresh(account: ChannelAccount, now: datetime) -> bool:
    """True when publishing can go ahead without a refresh."""
    expires = account.token_expires_at
    return account.status != "needs_reauth" and (
        expires is None or expires - now > timedelta(seconds=MARGIN_S))


def ensure_fresh(account_id: int, *, engine: Engine | None = None,
                 now: datetime | None = None) -> None:
    """Refresh before publishing when the token expires soon; wait for a running refresh."""
    engine = engine or get_engine()
    now = _now(now)
    deadline = time.monotonic() + WAIT_S
    while True:
        with session_scope(engine) as session:
            account = session.get(ChannelAccount, account_id)
            expires, status = account.token_expires_at, account.status
        if status == "needs_reauth":
            raise ChannelError("the account must be reconnected (its token was refused); "
                               "reconnect it on the channels page", PERMANENT)
        if expires is None or expires - now > timedelta(seconds=MARGIN_S):
            return
        if refresh_account(account_id, engine=engine, now=now) is not None:
            return
        if time.monotonic() > deadline:
            raise ChannelError("another consumer is still refreshing the token; will retry",
                               RETRYABLE)
        time.sleep(0.2)


def accounts_due(engine: Engine, now: datetime | None = None) -> list[int]:
    """Active accounts whose token expires within the sweep margin."""
    now = _now(now)
    with session_scope(engine) as session:
        return list(session.scalars(select(ChannelAccount.id).where(
            ChannelAccount.status == "active", ChannelAccount.token_expires_at.is_not(None),
            ChannelAccount.token_expires_at < now + timedelta(seconds=SWEEP_MARGIN_S),
            or_(ChannelAccount.refresh_lease_until.is_(None),
                ChannelAccount.refresh_lease_until < now))))
