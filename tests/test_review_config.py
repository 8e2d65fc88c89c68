"""Review of the settings page's masking: no password of any service URL, in any form."""

from __future__ import annotations

import pytest

from studio.config import get_settings, mask_url


@pytest.mark.parametrize("name,url,secret", [
    ("STUDIO_QUEUE_URL", "redis://:s3cretpw@127.0.0.1:6379/0", "s3cretpw"),
    ("STUDIO_QUEUE_URL", "redis://studio:s3cretpw@127.0.0.1:6379/0", "s3cretpw"),
    ("STUDIO_LLM_BASE_URL", "http://user:s3cretpw@192.168.1.5:8000/v1", "s3cretpw"),
    ("DATABASE_URL", "postgresql://db.example/studio?user=studio&password=s3cretpw", "s3cretpw"),
])
def test_no_url_shows_its_password(monkeypatch, name, url, secret):
    monkeypatch.setenv(name, url)
    rows = {n: value for n, value, _ in get_settings().effective()}
    assert secret not in rows[name]
    assert "••••" in rows[name]


def test_mask_url_keeps_what_helps_and_hides_the_password():
    assert mask_url("postgresql://h/d?sslmode=require&password=pw1234") == \
        "postgresql://h/d?sslmode=require&password=••••"
    assert mask_url("redis://:pw1234@h:6379/0") == "redis://:••••@h:6379/0"
    assert mask_url("http://127.0.0.1:8000/v1") == "http://127.0.0.1:8000/v1"


def test_an_llm_error_does_not_show_the_url_password():
    from studio.errors import EngineError
    from studio.llm import LLMClient

    client = LLMClient("http://studio:s3cretpw@127.0.0.1:9/v1", None, "m", timeout_s=5,
                       max_retries=0)
    with pytest.raises(EngineError) as err:
        client.chat([{"role": "user", "content": "xin chào"}])
    assert "s3cretpw" not in str(err.value) and "127.0.0.1:9" in str(err.value)
