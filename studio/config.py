"""Settings: one data root, everything overridable by environment variables.

Defaults are embedded and offline (SQLite in the data dir, the bundled Whisper model, the offline
composer, a SQLite job queue); setting a variable grows a part into a real service.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _env(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class Settings(BaseSettings):
    """Effective configuration. Read fresh with :func:`get_settings` (cheap, no global state)."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    data_dir: Path = Field(Path("media"), validation_alias=_env("STUDIO_DATA_DIR"))
    database_url: str | None = Field(None, validation_alias=_env("DATABASE_URL"))
    default_lang: str = Field("vi", validation_alias=_env("STUDIO_LANG"))
    host: str = Field("127.0.0.1", validation_alias=_env("STUDIO_HOST"))
    port: int = Field(8501, validation_alias=_env("STUDIO_PORT"))
    max_upload_mb: int = Field(20, validation_alias=_env("STUDIO_MAX_IMAGE_MB"))
    # Writer / translation: any OpenAI-compatible Chat Completions endpoint.
    llm_base_url: str | None = Field(None, validation_alias=_env("STUDIO_LLM_BASE_URL"))
    llm_api_key: SecretStr | None = Field(None, validation_alias=_env("STUDIO_LLM_API_KEY"))
    llm_model: str = Field("gpt-4o-mini", validation_alias=_env("STUDIO_LLM_MODEL"))
    llm_timeout_s: float = Field(60.0, validation_alias=_env("STUDIO_LLM_TIMEOUT"))
    # Transcription: empty means the bundled Whisper base model.
    asr_model: str | None = Field(None, validation_alias=_env("STUDIO_ASR_MODEL"))
    asr_threads: int = Field(2, validation_alias=_env("STUDIO_ASR_THREADS"))
    # Job queue: empty means SqliteHuey in the data dir; redis://... switches to RedisHuey.
    queue_url: str | None = Field(None, validation_alias=_env("STUDIO_QUEUE_URL"))
    secret_key: SecretStr | None = Field(None, validation_alias=_env("STUDIO_SECRET_KEY"))
    admin_password: SecretStr | None = Field(None, validation_alias=_env("STUDIO_ADMIN_PASSWORD"))
    # Accounts: "auto" = one-click single-user mode only while served on this machine alone.
    single_user: str = Field("auto", validation_alias=_env("STUDIO_SINGLE_USER"))
    # The CLI acts as this user (and sees only their workspaces) when set.
    cli_user: str | None = Field(None, validation_alias=_env("STUDIO_USER"))
    # Base URL printed on workshop join sheets (default: this machine's LAN address).
    public_url: str | None = Field(None, validation_alias=_env("STUDIO_PUBLIC_URL"))

    @field_validator("default_lang")
    @classmethod
    def _known_lang(cls, value: str) -> str:
        if value not in ("vi", "en"):
            raise ValueError("STUDIO_LANG must be 'vi' or 'en'")
        return value

    @field_validator("single_user")
    @classmethod
    def _known_mode(cls, value: str) -> str:
        if value not in ("auto", "on", "off"):
            raise ValueError("STUDIO_SINGLE_USER must be auto, on or off")
        return value

    @property
    def single_user_active(self) -> bool:
        """One-click entry without a password: never while the studio is open to the network."""
        local = self.host in ("127.0.0.1", "localhost", "::1")
        return local and self.single_user in ("auto", "on")

    @property
    def db_url(self) -> str:
        """DATABASE_URL, or SQLite in the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'studio.db').resolve()}"

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url or self.llm_api_key)

    def effective(self) -> list[tuple[str, str, str]]:
        """(variable, value, source) rows for the Settings page, secrets masked."""
        rows = effective(self)
        return [(name, mask_url(self.db_url), source) if name == "DATABASE_URL"
                else (name, value, source) for name, value, source in rows]


def effective(settings: BaseSettings) -> list[tuple[str, str, str]]:
    """(variable, value, source) of any settings object; SecretStr values masked."""
    rows = []
    for name, info in type(settings).model_fields.items():
        alias = info.validation_alias.choices[0] if info.validation_alias else name
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            secret = value.get_secret_value()
            shown = "••••" + secret[-2:] if secret else ""
        else:
            shown = "" if value is None else str(value)
            if "://" in shown:  # a queue, LLM or engine URL may carry a password too
                shown = mask_url(shown)
        source = "env" if name in settings.model_fields_set else "default"
        rows.append((alias, shown, source))
    return rows


def mask_url(url: str) -> str:
    """Hide a password inside a URL (postgresql://u:secret@h/db → postgresql://u:••••@h/db),
    also one given as a query parameter (?password=secret)."""
    if "://" not in url:
        return url
    url = re.sub(r"(?i)([?&](?:password|passwd|pwd)=)[^&#]*", "\\1••••", url)
    if "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    if ":" in creds:
        creds = creds.split(":", 1)[0] + ":••••"
    return f"{scheme}://{creds}@{host}"


def get_settings() -> Settings:
    """Read the settings from the environment now (tests change it between calls)."""
    return Settings()
