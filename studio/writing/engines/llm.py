"""The LLM engine: prompt files + any OpenAI-compatible endpoint, JSON answers validated.

The fact sheet goes to the model as quoted data inside a delimited block (JSON, with the block
markers neutralised), so text inside a fact cannot close the block or pose as an instruction.
Whatever the model answers is parsed, checked against the prompt's schema, and pushed through the
same fitting as the offline composer (listing limits, script timing, mandatory disclosure and
warning lines), so the answer can never change the output's structure. On any engine failure
(timeout, HTTP error, broken JSON, wrong schema, no LLM configured) the offline composer writes
the text instead and the result carries a visible notice.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from studio.errors import ConfigError, EngineError
from studio.writing.caption import CAPTION_MAX, HASHTAGS
from studio.writing.engines.base import Engine, Request, Written
from studio.writing.engines.offline import OfflineEngine, compose, polish
from studio.writing.fit import hashtag, join_within, limit_words, squash, truncate, unique
from studio.writing.limits import get_limits
from studio.writing.listing import fit_listing
from studio.writing.prompts import Prompt, PromptError, get_prompt
from studio.writing.story import MAX_LONG_WORDS, MAX_SHORT_WORDS

LANG_NAMES = {"vi": "Vietnamese (tiếng Việt)", "en": "English", "fr": "French (français)"}
MAX_LINE = 400
MAX_LINES = 12
MAX_QUESTIONS = 12
FALLBACK_NOTICE = "LLM unavailable ({reason}); the offline composer wrote this text instead."


class LLMEngine(Engine):
    name = "llm"

    def __init__(self, client=None, prompt_versions: dict[str, int] | None = None,
                 temperature: float = 0.4) -> None:
        self._client = client
        self.prompt_versions = prompt_versions or {}
        self.temperature = temperature

    @property
    def client(self):
        if self._client is None:
            from studio.llm import LLMClient

            self._client = LLMClient.from_settings()
        return self._client

    def write(self, request: Request, on_token: Callable[[str], None] | None = None) -> Written:
        prompt = get_prompt(request.kind, self.prompt_versions.get(request.kind))
        try:
            return self._write(request, prompt, on_token)
        except (EngineError, ConfigError) as exc:
            written = OfflineEngine().write(request)
            written.notice = FALLBACK_NOTICE.format(reason=str(exc))
            written.prompt_name, written.prompt_version = prompt.name, prompt.version
            return written

    def _write(self, request: Request, prompt: Prompt, on_token) -> Written:
        from studio.llm import parse_json_object

        messages = prompt.render(variables(request, prompt))
        params = {"temperature": self.temperature, "json_mode": True,
                  "channel": request.channel, "minutes": request.minutes
                  if request.kind == "script" else None}
        result = self.client.chat(messages, temperature=self.temperature, json_mode=True,
                                  on_token=on_token)
        try:
            data = prompt.validate_output(parse_json_object(result.text))
        except PromptError as exc:
            raise EngineError(str(exc)) from exc
        fields = polish(normalise(request, data), request.lang)
        return Written(fields=fields, engine=self.name, model=result.model,
                       prompt_name=prompt.name, prompt_version=prompt.version,
                       parameters={**params, "attempts": result.attempts,
                                   "finish_reason": result.finish_reason},
                       tokens_in=result.tokens_in, tokens_out=result.tokens_out,
                       latency_s=result.latency_s)


def facts_block(products: tuple[dict, ...]) -> str:
    """The fact sheets as JSON data; block markers inside values are neutralised."""
    text = json.dumps(list(products) if len(products) > 1 else products[0],
                      ensure_ascii=False, indent=1, default=str)
    return text.replace("<<<", "‹‹‹").replace(">>>", "›››")


def variables(request: Request, prompt: Prompt) -> dict:
    from studio.writing.script import plan

    values = {"lang_name": LANG_NAMES[request.lang], "facts": facts_block(request.products),
              "voice": squash((request.facts.get("producer") or {}).get("brand_voice") or "-")
              .replace("<<<", "‹‹‹").replace(">>>", "›››"),
              "channel": request.channel or "-", "reasons": ", ".join(request.reasons) or "-"}
    if request.kind == "listing":
        lim = get_limits(request.channel)
        values["limits"] = ", ".join(f"{k}={v}" for k, v in lim.__dict__.items()
                                     if isinstance(v, int) and v is not None)
    if request.kind == "script":
        values["segments"] = ", ".join(
            k + (f" (product {i + 1})" if i >= 0 else "")
            for k, i, _ in plan(len(request.products), request.minutes))
    return {k: v for k, v in values.items() if k in prompt.variables}


def normalise(request: Request, data: dict) -> dict:
    """The model's answer in the offline composer's structure, inside every limit."""
    if request.kind == "story":
        return {"long": limit_words(squash_paragraphs(data.get("long", "")), MAX_LONG_WORDS),
                "short": limit_words(squash(data.get("short", "")), MAX_SHORT_WORDS)}
    if request.kind == "listing":
        return fit_listing(data, request.channel)
    if request.kind == "caption":
        return _caption(request, data)
    return _script(request, data)


def squash_paragraphs(text: str) -> str:
    return "\n\n".join(squash(p) for p in str(text).split("\n\n") if p.strip())


def _caption(request: Request, data: dict) -> dict:
    limit, max_tags = CAPTION_MAX, HASHTAGS
    if request.channel:
        lim = get_limits(request.channel)
        limit = min(limit, lim.caption_max or limit)
        max_tags = min(max_tags, lim.hashtags_max or max_tags)
    tags = unique([t for t in (hashtag(x) for x in data.get("hashtags") or [])
                   if 1 < len(t) <= 40])[:max_tags]
    tail = " ".join(tags)
    text = join_within([squash(str(data["caption"]).replace("#", ""))],
                       max(0, limit - len(tail) - 1))
    return {"caption": (text + (" " + tail if tail else "")).strip(), "hashtags": tags}


def _script(request: Request, data: dict) -> dict:
    """Offline timing and legal lines, with the model's spoken lines per segment."""
    base = compose(request)
    answers = [s for s in data.get("segments", []) if isinstance(s.get("lines"), list)]
    for seg in base["segments"]:
        match = next((a for a in answers if a.get("key") == seg["key"]), None)
        if match is None:
            continue
        answers.remove(match)
        spoken = [truncate(squash(str(x)), MAX_LINE) for x in match["lines"][:MAX_LINES]
                  if isinstance(x, str) and squash(x) and not x.strip().startswith("[")]
        required = [line for line in seg["lines"] if _required(line, request.lang)]
        seg["lines"] = spoken + [r for r in required if r not in spoken]
    questions = [{"q": truncate(squash(q["q"]), MAX_LINE), "a": truncate(squash(q["a"]), MAX_LINE)}
                 for q in data.get("questions") or []
                 if isinstance(q.get("q"), str) and isinstance(q.get("a"), str)]
    if questions:
        base["questions"] = questions[:MAX_QUESTIONS]
    return base


def _required(line: str, lang: str) -> bool:
    """Cue lines, the advertising disclosure and the health-food warning always stay."""
    from studio.writing.phrases import bank

    b = bank(lang)["script"]
    return (line.startswith("[") or line == b["health_warning"]
            or line.startswith(b["hook"][3].split("{")[0]))
