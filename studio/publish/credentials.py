"""Channel credentials encrypted at rest with Fernet.

The key comes from ``STUDIO_SECRET_KEY`` (a Fernet key, or any passphrase of 16+ characters,
stretched with SHA-256), else from ``<data_dir>/secret.key``, created once with mode 0600. Secrets
are never logged; :func:`mask` is what the UI shows.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import stat
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from studio.config import get_settings
from studio.errors import ConfigError

KEY_FILE = "secret.key"


def _fernet_key(raw: str) -> bytes:
    raw = raw.strip()
    try:
        if len(base64.urlsafe_b64decode(raw.encode())) == 32:
            return raw.encode()
    except (ValueError, TypeError):
        pass
    if len(raw) < 16:
        raise ConfigError("STUDIO_SECRET_KEY is too short: use a Fernet key or a passphrase of "
                          "at least 16 characters")
    return base64.urlsafe_b64encode(hashlib.sha256(raw.encode()).digest())


def key_path() -> Path:
    return get_settings().data_dir / KEY_FILE


def _key_from_file() -> bytes:
    path = key_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise ConfigError(f"{path} can be read by other users (mode {mode:o}); run "
                              f"'chmod 600 {path}'") from None
        return _fernet_key(path.read_text())
    with os.fdopen(fd, "w") as fh:
        fh.write(Fernet.generate_key().decode())
    return _fernet_key(path.read_text())


def _private(path: Path) -> bool:
    try:
        return not stat.S_IMODE(path.stat().st_mode) & 0o077
    except OSError:
        return False


_cache: dict[tuple, tuple[Fernet, Path | None]] = {}


def fernet() -> Fernet:
    """The Fernet of this studio (environment key first, then the key file)."""
    # Reading Settings costs milliseconds; publishing decrypts per post, so cache per
    # (secret, data dir) as the environment gives them (tests change both between runs).
    cache_key = (os.environ.get("STUDIO_SECRET_KEY"), os.environ.get("STUDIO_DATA_DIR"))
    found = _cache.get(cache_key)
    if found is not None and (found[1] is None or _private(found[1])):
        return found[0]
    secret = get_settings().secret_key
    if secret is not None and secret.get_secret_value():
        made, path = Fernet(_fernet_key(secret.get_secret_value())), None
    else:
        made, path = Fernet(_key_from_file()), key_path()
    _cache[cache_key] = (made, path)
    return made


def derived_key(purpose: str) -> bytes:
    """A 32-byte key for ``purpose`` (e.g. signing media URLs), derived from this studio's secret
    so it changes when the secret does, and never equal to the encryption key itself."""
    material = fernet()._signing_key + fernet()._encryption_key  # noqa: SLF001 (Fernet keeps them)
    return hmac.new(material, b"ocop-studio:" + purpose.encode(), hashlib.sha256).digest()


def encrypt(credentials: dict) -> str:
    """A Fernet token of ``credentials`` (empty dict → empty string)."""
    if not credentials:
        return ""
    return fernet().encrypt(json.dumps(credentials, sort_keys=True).encode()).decode()


def decrypt(token: str) -> dict:
    if not token:
        return {}
    try:
        return json.loads(fernet().decrypt(token.encode()))
    except InvalidToken:
        raise ConfigError("the stored channel credentials cannot be decrypted with this key: "
                          "restore the STUDIO_SECRET_KEY (or secret.key) they were saved with, "
                          "or connect the channel again") from None


def mask(value: object) -> str:
    """What the UI shows for a secret: bullets and the last two characters at most."""
    text = str(value or "")
    if not text:
        return ""
    return "••••" + (text[-2:] if len(text) >= 8 else "")


def masked(credentials: dict) -> dict:
    return {key: mask(value) for key, value in credentials.items()}
