"""The shared OpenAI-compatible client against the local wire-format fake."""

from __future__ import annotations

import pytest

from studio.errors import ConfigError, EngineError
from studio.llm import LLMClient, LLMTimeout, parse_json_object
from tests.fakes.openai_server import OpenAIFake

MSGS = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "say hi"}]


@pytest.fixture
def fake():
    with OpenAIFake(api_key="k", responder=lambda body: "xin chào " + body["model"]) as server:
        yield server


def client(fake, **kw) -> LLMClient:
    sleeps = kw.pop("sleeps", [])
    return LLMClient(fake.base_url, "k", "m1", timeout_s=kw.pop("timeout", 5),
                     sleep=sleeps.append, **kw)


def test_plain_completion(fake):
    result = client(fake).chat(MSGS)
    assert result.text == "xin chào m1"
    assert result.tokens_in == 4 and result.tokens_out == 3
    assert fake.requests[0]["messages"] == MSGS


def test_streaming_yields_tokens_in_order(fake):
    tokens: list[str] = []
    result = client(fake).chat(MSGS, on_token=tokens.append)
    assert "".join(tokens) == result.text == "xin chào m1"
    assert len(tokens) > 1
    assert result.tokens_out == 3  # usage arrives in the final chunk


def test_429_then_success_honours_retry_after(fake):
    sleeps: list[float] = []
    fake.script({"status": 429, "retry_after": 2}, {"status": 503})
    result = client(fake, sleeps=sleeps).chat(MSGS)
    assert result.text == "xin chào m1" and result.attempts == 3
    assert sleeps == [2.0, 4.0]


def test_gives_up_after_retries(fake):
    fake.script(*[{"status": 500}] * 5)
    with pytest.raises(EngineError, match="HTTP 500"):
        client(fake, max_retries=2).chat(MSGS)
    assert len(fake.requests) == 3


def test_timeout_is_not_retried(fake):
    fake.script({"delay": 1.5})
    with pytest.raises(LLMTimeout, match="STUDIO_LLM_TIMEOUT"):
        client(fake, timeout=0.5).chat(MSGS)
    assert len(fake.requests) == 1


def test_bad_key_gives_clear_error(fake):
    bad = LLMClient(fake.base_url, "wrong", "m1", sleep=lambda s: None)
    with pytest.raises(EngineError, match="STUDIO_LLM_API_KEY"):
        bad.chat(MSGS)


def test_unreachable_server():
    dead = LLMClient("http://127.0.0.1:9/v1", "k", "m1", timeout_s=2, sleep=lambda s: None)
    with pytest.raises(EngineError, match="STUDIO_LLM_BASE_URL"):
        dead.chat(MSGS)


def test_fake_rejects_what_the_api_rejects(fake):
    with pytest.raises(EngineError, match="HTTP 400"):
        client(fake).chat([{"role": "wizard", "content": "x"}])


def test_not_configured():
    with pytest.raises(ConfigError, match="STUDIO_LLM_BASE_URL"):
        LLMClient(None, None, "m")


def test_parse_json_object():
    assert parse_json_object('```json\n{"a": 1}\n```') == {"a": 1}
    assert parse_json_object('Here: {"a": [1, 2]} done') == {"a": [1, 2]}
    with pytest.raises(EngineError, match="did not return JSON"):
        parse_json_object("no json at all")
    with pytest.raises(EngineError, match="not an object"):
        parse_json_object("[1, 2]")
