"""Channel accounts: connect (options + encrypted credentials), list, build the channel object."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from studio.db.models import Workspace
from studio.errors import ConfigError, Conflict, NotFound
from studio.publish import credentials as creds
from studio.publish.channels import channel_class, is_secret
from studio.publish.channels.base import Attempt, Channel
from studio.publish.models import ChannelAccount


def split_options(kind: str, raw: dict[str, str]) -> tuple[dict, dict]:
    """(options, credentials) of ``raw`` key=value pairs for a ``kind`` account."""
    cls = channel_class(kind)
    options, secrets = {}, {}
    for key, value in raw.items():
        if not key or not key.replace("_", "").isalnum():
            raise ConfigError(f"option name {key!r} is not valid: use letters, digits and _")
        (secrets if is_secret(cls, key) else options)[key] = value
    return options, secrets


def add_account(session: Session, ws: Workspace, kind: str, name: str,
                raw_options: dict[str, str] | None = None) -> ChannelAccount:
    """Connect a channel account; secrets are stored encrypted, nothing half-written on error."""
    name = name.strip()
    if not name:
        raise ConfigError("the account needs a name: pass --name (e.g. --name 'Facebook HTX')")
    raw = dict(raw_options or {})
    expires = _expiry(raw.pop("expires_at", ""), raw.pop("expires_in", ""))
    options, secrets = split_options(kind, raw)
    cls = channel_class(kind)
    if kind == "export":
        options.setdefault("account", name)
    problems = cls(options, secrets).validate_account()
    if problems:
        hint = ", ".join(problems)
        raise ConfigError(f"the {kind} account '{name}' is incomplete: {hint}; add them with "
                          "--option key=value")
    exists = session.scalar(select(ChannelAccount.id).where(
        ChannelAccount.workspace_id == ws.id, ChannelAccount.name == name))
    if exists:
        raise Conflict(f"a channel account named '{name}' already exists; choose another name")
    account = ChannelAccount(workspace_id=ws.id, kind=kind, name=name, options=options,
                             credentials_enc=creds.encrypt(secrets), status="active",
                             token_expires_at=expires)
    session.add(account)
    session.flush()
    from studio.publish.slots import ensure_default_slots

    ensure_default_slots(session, account)
    return account


def _expiry(at: str, seconds: str) -> datetime | None:
    """The access token's expiry from an ``expires_at`` (ISO-8601) or ``expires_in`` option."""
    if at:
        try:
            parsed = datetime.fromisoformat(at)
        except ValueError:
            raise ConfigError(f"expires_at {at!r} is not ISO-8601 (e.g. "
                              "2026-12-31T00:00:00+07:00)") from None
        if parsed.tzinfo is None:
            raise ConfigError("expires_at needs an offset, e.g. +07:00 or Z")
        return parsed.astimezone(UTC)
    if seconds:
        try:
            return datetime.now(UTC) + timedelta(seconds=int(seconds))
        except ValueError:
            raise ConfigError(f"expires_in {seconds!r} must be a number of seconds") from None
    return None


def list_accounts(session: Session, ws: Workspace) -> list[ChannelAccount]:
    return list(session.scalars(select(ChannelAccount).where(
        ChannelAccount.workspace_id == ws.id).order_by(ChannelAccount.name)))


def get_account(session: Session, ws: Workspace, name_or_id: str | int) -> ChannelAccount:
    query = select(ChannelAccount).where(ChannelAccount.workspace_id == ws.id)
    if isinstance(name_or_id, int) or str(name_or_id).isdigit():
        account = session.scalar(query.where(ChannelAccount.id == int(name_or_id)))
    else:
        account = session.scalar(query.where(ChannelAccount.name == str(name_or_id).strip()))
    if account is None:
        names = ", ".join(a.name for a in list_accounts(session, ws)) or "none yet"
        raise NotFound(f"no channel account '{name_or_id}' (accounts: {names}); add one with "
                       "'python -m studio channel add KIND --name NAME'")
    return account


def describe(account: ChannelAccount) -> dict:
    """A JSON-safe view of an account with masked credentials."""
    return {"id": account.id, "kind": account.kind, "name": account.name,
            "options": dict(account.options or {}), "status": account.status,
            "credentials": creds.masked(creds.decrypt(account.credentials_enc)),
            "token_expires_at": account.token_expires_at, "last_error": account.last_error}


def build_channel(account: ChannelAccount, *, http: httpx.Client | None = None,
                  on_attempt: Callable[[Attempt], None] | None = None) -> Channel:
    cls = channel_class(account.kind)
    options = dict(account.options or {})
    if account.kind == "export":
        options.setdefault("account", account.name)
    return cls(options, creds.decrypt(account.credentials_enc), http=http,
               on_attempt=on_attempt)
