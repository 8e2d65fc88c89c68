"""The engine contract: one abstract method, ``write``, and a registry by name."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field

from studio.errors import StudioError

KINDS = ("story", "listing", "script", "caption")
LANGS = ("vi", "en", "fr")


class WritingError(StudioError):
    """A writing request is not usable (unknown kind, language, channel or engine)."""


@dataclass(frozen=True)
class Request:
    """What to write: ``kind`` in ``lang`` from one or more fact sheets.

    ``products`` holds fact sheets (``studio.catalog.factsheet.facts``); only a script uses
    more than one. ``channel`` is required for a listing; ``minutes`` is the script's length.
    """

    kind: str
    lang: str
    products: tuple[dict, ...]
    channel: str | None = None
    minutes: int = 30
    reasons: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise WritingError(f"unknown kind {self.kind!r}; use one of {', '.join(KINDS)}")
        if self.lang not in LANGS:
            raise WritingError(f"unknown language {self.lang!r}; use one of {', '.join(LANGS)}")
        if not self.products:
            raise WritingError("no product given; pass a product slug")
        if self.kind == "listing" and not self.channel:
            from studio.writing.limits import CHANNELS

            raise WritingError(f"a listing needs a channel; pass one of {', '.join(CHANNELS)}")
        if self.channel is not None:
            from studio.writing.limits import get_limits

            get_limits(self.channel)  # NotFound naming the valid channels

    @property
    def facts(self) -> dict:
        return self.products[0]


@dataclass
class Written:
    """An engine's answer for one language: the text fields and how they were made."""

    fields: dict
    engine: str
    model: str = ""
    prompt_name: str = ""
    prompt_version: int | None = None
    parameters: dict = field(default_factory=dict)
    tokens_in: int | None = None
    tokens_out: int | None = None
    latency_s: float = 0.0
    notice: str = ""


class Engine(ABC):
    """A way of writing texts from facts. Subclasses implement :meth:`write` only."""

    name: str = ""

    @abstractmethod
    def write(self, request: Request, on_token: Callable[[str], None] | None = None) -> Written:
        """Write ``request``; ``on_token`` receives streamed text when the engine streams."""


_REGISTRY: dict[str, Callable[[], Engine]] = {}


def register(name: str, factory: Callable[[], Engine]) -> None:
    """Make an engine available by ``name`` (a class or any zero-argument factory)."""
    _REGISTRY[name] = factory


def engine_names() -> list[str]:
    return list(_REGISTRY)


def get_engine(name: str) -> Engine:
    """A new engine instance by name; WritingError lists the known names."""
    if name not in _REGISTRY:
        raise WritingError(f"unknown engine {name!r}; use one of {', '.join(_REGISTRY)}")
    return _REGISTRY[name]()
