"""The offline composer: deterministic, no network, phrase banks filled from the facts only."""

from __future__ import annotations

import time
from collections.abc import Callable

from studio.writing.caption import caption
from studio.writing.engines.base import Engine, Request, Written
from studio.writing.listing import compose_listing
from studio.writing.script import compose_script
from studio.writing.story import compose_story, finish


class OfflineEngine(Engine):
    name = "offline"

    def write(self, request: Request, on_token: Callable[[str], None] | None = None) -> Written:
        started = time.perf_counter()
        fields = compose(request)
        return Written(fields=fields, engine=self.name, model="phrase-bank",
                       prompt_name=f"phrases/{request.lang}", parameters=_params(request),
                       latency_s=round(time.perf_counter() - started, 4))


def compose(request: Request) -> dict:
    """The fields of ``request`` written by the phrase banks."""
    lang = request.lang
    if request.kind == "story":
        fields = compose_story(request.facts, lang)
    elif request.kind == "listing":
        fields = compose_listing(request.facts, lang, request.channel)
    elif request.kind == "script":
        fields = compose_script(list(request.products), lang, request.minutes)
    else:
        fields = caption(request.facts, lang, request.reasons, channel=request.channel,
                         check=False)
    return polish(fields, lang)


def polish(value, lang: str):
    """Language typography applied to every string of a result (nested lists and dicts)."""
    if isinstance(value, str):
        return finish(value, lang) if lang == "fr" else value
    if isinstance(value, list):
        return [polish(v, lang) for v in value]
    if isinstance(value, dict):
        return {k: polish(v, lang) for k, v in value.items()}
    return value


def _params(request: Request) -> dict:
    return {"channel": request.channel, "minutes": request.minutes if request.kind == "script"
            else None, "reasons": list(request.reasons)}
