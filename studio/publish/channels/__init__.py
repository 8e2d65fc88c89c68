"""Channel registry: one class per kind, found by name.

Each kind lives in ``studio/publish/channels/<kind>.py``; a module that has not landed yet makes
:func:`channel_class` raise a ConfigError that says so, the other kinds keep working.
"""

from __future__ import annotations

import importlib

from studio.errors import ConfigError
from studio.publish.channels.base import Channel

KINDS = ("export", "webhook", "facebook", "instagram", "tiktok", "youtube", "zalo", "shopee",
         "lazada", "tiktokshop")
#: Option names that are secrets whatever the channel (kept encrypted, never shown).
_SECRET_WORDS = ("token", "secret", "password", "passphrase")


def channel_class(kind: str) -> type[Channel]:
    """The Channel subclass for ``kind`` (export, webhook, facebook, ...)."""
    if kind not in KINDS:
        raise ConfigError(f"unknown channel kind {kind!r}; use one of: {', '.join(KINDS)}")
    try:
        module = importlib.import_module(f"studio.publish.channels.{kind}")
    except ModuleNotFoundError as exc:
        if exc.name != f"studio.publish.channels.{kind}":
            raise
        raise ConfigError(f"the {kind} channel is not available in this version; use export "
                          "or webhook") from None
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, Channel) and value.kind == kind:
            return value
    raise ConfigError(f"studio.publish.channels.{kind} defines no channel of kind {kind!r}")


def available_kinds() -> list[str]:
    """Kinds whose module is present."""
    found = []
    for kind in KINDS:
        try:
            channel_class(kind)
        except ConfigError:
            continue
        found.append(kind)
    return found


def is_secret(cls: type[Channel], key: str) -> bool:
    """True when option ``key`` of a ``cls`` account must be stored encrypted: the channel's
    credential fields, and any name with a secret word in it except addresses (``token_url``)."""
    if key in cls.required_credentials or key in cls.credential_fields:
        return True
    return not key.lower().endswith("_url") and any(w in key.lower() for w in _SECRET_WORDS)
