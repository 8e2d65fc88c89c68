"""The ``llm`` engine: the writer's OpenAI-compatible client with a prompt file.

The prompt (prompts/translate/translate.toml) keeps numbers, formatting and line breaks, is
told the glossary, and receives the texts as a JSON array between markers (data, not
instructions). The answer must be a JSON object with exactly one translation per text.
"""

from __future__ import annotations

import json
import string
import tomllib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from studio.errors import ConfigError, EngineError
from studio.translate.detect import LANGUAGES
from studio.translate.engines.base import Translator, register
from studio.translate.glossary import Term, hits_in

PROMPT_FILE = Path(__file__).resolve().parents[3] / "prompts" / "translate" / "translate.toml"
BATCH = 20


@lru_cache(maxsize=4)
def load_prompt(path: Path = PROMPT_FILE) -> dict:
    """The prompt file, validated: both templates use exactly the declared variables."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read the translation prompt {path}: {exc}; restore it from "
                          "the repository") from exc
    declared = set(data.get("variables", []))
    for part in ("system", "user"):
        if not isinstance(data.get(part), str):
            raise ConfigError(f"the translation prompt {path} has no '{part}' text")
        used = {name for _, name, _, _ in string.Formatter().parse(data[part]) if name}
        unknown = used - declared
        if unknown:
            raise ConfigError(f"the translation prompt {path} uses undeclared variable(s) "
                              f"{sorted(unknown)}; declare them in 'variables'")
    missing = declared - {name for part in ("system", "user")
                          for _, name, _, _ in string.Formatter().parse(data[part]) if name}
    if missing:
        raise ConfigError(f"the translation prompt {path} never uses {sorted(missing)}")
    return data


def build_messages(texts: Sequence[str], source: str, target: str,
                   glossary: Sequence[Term]) -> list[dict]:
    prompt = load_prompt()
    relevant = [t for t in glossary if any(hits_in(text, [t]) for text in texts)]
    lines = "\n".join(f"- {t.source} => {t.target}" for t in relevant) or "(none)"
    values = {"source_name": LANGUAGES.get(source, source), "source": source,
              "target_name": LANGUAGES.get(target, target), "target": target,
              "glossary": lines, "count": len(texts),
              # A text that contains the end marker must not close the data block early.
              "items": json.dumps(list(texts), ensure_ascii=False, indent=1)
              .replace("ITEMS>>>", "ITEMS\\u003e>>")}
    return [{"role": "system", "content": prompt["system"].format(**values)},
            {"role": "user", "content": prompt["user"].format(**values)}]


@register
class LLMTranslator(Translator):
    name = "llm"
    label = "LLM (OpenAI-compatible)"

    def _client(self):
        if self.options.llm_client is None:
            from studio.llm import LLMClient

            self.options.llm_client = LLMClient.from_settings()
        return self.options.llm_client

    def cache_id(self) -> str:
        return f"llm:{getattr(self._client(), 'model', '')}"

    def translate_batch(self, texts: Sequence[str], source: str, target: str,
                        glossary: Sequence[Term] = ()) -> list[str | None]:
        out: list[str | None] = []
        for start in range(0, len(texts), BATCH):
            out.extend(self._one_call(list(texts[start:start + BATCH]), source, target, glossary))
        return out

    def _one_call(self, texts: list[str], source: str, target: str,
                  glossary: Sequence[Term]) -> list[str]:
        from studio.llm import parse_json_object

        result = self._client().chat(build_messages(texts, source, target, glossary),
                                     temperature=0.1, json_mode=True)
        answer = parse_json_object(result.text).get("translations")
        if not isinstance(answer, list) or not all(isinstance(a, str) for a in answer):
            raise EngineError("the LLM answer has no 'translations' list of strings; try again "
                              "or use another engine")
        if len(answer) != len(texts):
            raise EngineError(f"the LLM returned {len(answer)} translations for {len(texts)} "
                              "texts; try again or use another engine")
        return answer
