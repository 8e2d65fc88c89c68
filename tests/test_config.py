"""Settings: defaults, environment overrides, masking."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from studio.config import Settings, get_settings, mask_url


def test_defaults_are_offline(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL")
    s = get_settings()
    assert s.db_url.startswith("sqlite:///") and s.db_url.endswith("studio.db")
    assert not s.llm_configured and s.queue_url is None and s.default_lang == "vi"


def test_secrets_are_masked(monkeypatch):
    monkeypatch.setenv("STUDIO_LLM_API_KEY", "sk-verysecret42")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:hunter2@db/x")
    rows = {name: (value, source) for name, value, source in get_settings().effective()}
    assert rows["STUDIO_LLM_API_KEY"] == ("••••42", "env")
    assert "hunter2" not in rows["DATABASE_URL"][0] and rows["DATABASE_URL"][1] == "env"
    assert rows["STUDIO_QUEUE_URL"][1] == "default"
    assert "verysecret" not in repr(get_settings())


def test_bad_language_is_refused(monkeypatch):
    monkeypatch.setenv("STUDIO_LANG", "de")
    with pytest.raises(ValidationError, match="'vi' or 'en'"):
        Settings()


def test_mask_url():
    assert mask_url("postgresql://a:b@h:5432/d") == "postgresql://a:••••@h:5432/d"
    assert mask_url("sqlite:///x.db") == "sqlite:///x.db"


def test_translation_settings_are_listed_masked(monkeypatch):
    from studio.config import effective
    from studio.translate.engines.base import load_settings

    monkeypatch.setenv("STUDIO_DEEPL_API_KEY", "deepl-secret-99")
    rows = {name: (value, source) for name, value, source in effective(load_settings())}
    assert rows["STUDIO_DEEPL_API_KEY"] == ("••••99", "env")
    assert rows["STUDIO_TRANSLATE_ENGINE"] == ("offline", "default")
