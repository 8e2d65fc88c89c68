"""Engines behind deep-translator: Google (free endpoint), MyMemory, LibreTranslate, DeepL,
Microsoft.

deep-translator sends one request per text without a timeout, so every call here runs under a
deadline, is retried with backoff when the failure is transient, and any library exception
becomes an ``EngineError`` that names the engine and the fix. Texts go line by line so line
breaks survive engines that strip them; lines with no letters (prices, emoji) are not sent.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from typing import ClassVar
from urllib.parse import urlparse

from studio.errors import ConfigError, EngineError, StudioError
from studio.translate.detect import LANGUAGES
from studio.translate.engines.base import EngineUnavailable, Translator, register
from studio.translate.glossary import Term

_LETTER = re.compile(r"[^\W\d_]")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
OFFLINE_HINT = "or use --engine offline"


class _Deadline(Exception):
    pass


def with_deadline(fn: Callable[[], object], timeout_s: float) -> object:
    """``fn()`` in a worker thread; _Deadline when it takes longer than ``timeout_s``.

    The thread is left to finish on its own: a library call without a timeout cannot be
    interrupted, but the caller gets control back on time.
    """
    box: dict = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc

    worker = threading.Thread(target=run, daemon=True, name="translate-call")
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        raise _Deadline()
    if "error" in box:
        raise box["error"]
    return box.get("value")


def chunks(text: str, limit: int) -> list[str]:
    """``text`` cut at sentence ends into pieces of at most ``limit`` characters."""
    if len(text) <= limit:
        return [text]
    pieces, current = [], ""
    for sentence in _SENTENCE_END.split(text):
        while len(sentence) > limit:  # one endless sentence: cut at a space
            cut = sentence.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            pieces.append(sentence[:cut])
            sentence = sentence[cut:].lstrip()
        if current and len(current) + 1 + len(sentence) > limit:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        pieces.append(current)
    return pieces


def engine_code(code: str, languages: dict[str, str] | None, label: str) -> str:
    """The engine's own code for an ISO 639-1 ``code`` (mymemory: vi-VN, google: zh-CN)."""
    if languages is None:
        return code
    name = LANGUAGES.get(code, "")
    for key in (name.lower(), name):  # the library's own choice: english → en-GB on MyMemory
        if key in languages:
            return languages[key]
    values = set(languages.values())
    for candidate in (code, code.upper(), f"{code}-CN"):
        if candidate in values:
            return candidate
    regional = sorted(v for v in values if v.lower().startswith(code + "-"))
    if regional:
        return regional[0]
    raise EngineError(f"{label} has no language {code!r}; choose another engine "
                      f"(google, libre or llm) for this pair")


class WebTranslator(Translator):
    """Shared plumbing of the deep-translator engines."""

    max_chars: ClassVar[int] = 4500
    key_setting: ClassVar[str | None] = None
    languages: ClassVar[dict[str, str] | None] = None

    def where(self) -> str:
        raise NotImplementedError

    def _build(self, source: str, target: str):
        raise NotImplementedError

    def translate_batch(self, texts: Sequence[str], source: str, target: str,
                        glossary: Sequence[Term] = ()) -> list[str | None]:
        src = engine_code(source, self.languages, self.label)
        tgt = engine_code(target, self.languages, self.label)
        client = self._call(lambda: self._build(src, tgt))
        return [self._translate_text(client, text) for text in texts]

    def _translate_text(self, client, text: str) -> str:
        out = []
        for line in text.split("\n"):
            core = line.strip()
            if not _LETTER.search(core):
                out.append(line)
                continue
            lead = line[: len(line) - len(line.lstrip())]
            trail = line[len(line.rstrip()):]
            done = [self._checked(piece, self._call(lambda p=piece: client.translate(p)))
                    for piece in chunks(core, self.max_chars)]
            out.append(lead + " ".join(done) + trail)
        return "\n".join(out)

    def _checked(self, piece: str, answer: object) -> str:
        """The engine's answer for ``piece``; an empty answer is an error, never a blank."""
        text = str(answer or "").strip()
        if not text:
            raise EngineError(f"{self.label} returned an empty translation for "
                              f"{piece[:40]!r}; try again later or use another engine")
        return text

    def _call(self, fn: Callable[[], object]) -> object:
        """``fn`` under the deadline, retried with backoff while the failure is transient."""
        opts = self.options
        for attempt in range(opts.retries + 1):
            try:
                return self._mapped(fn)
            except EngineUnavailable:
                if attempt >= opts.retries:
                    raise
                opts.sleep(opts.backoff_s[min(attempt, len(opts.backoff_s) - 1)])
        raise AssertionError("unreachable")

    def _mapped(self, fn: Callable[[], object]) -> object:
        import requests
        from deep_translator import exceptions as dt

        label, where = self.label, self.where()
        try:
            return with_deadline(fn, self.options.timeout_s)
        except _Deadline:
            raise EngineError(f"{label} at {where} did not answer within "
                              f"{self.options.timeout_s:g} s; check the network, raise "
                              f"STUDIO_TRANSLATE_TIMEOUT, {OFFLINE_HINT}") from None
        except (requests.exceptions.RequestException, ConnectionError) as exc:
            raise EngineUnavailable(f"cannot reach {label} at {where} "
                                    f"({type(exc).__name__}); check the network and the "
                                    f"address, {OFFLINE_HINT}") from exc
        except dt.TooManyRequests as exc:
            raise EngineUnavailable(f"{label} is limiting requests (HTTP 429); wait a minute "
                                    f"and try again, {OFFLINE_HINT}") from exc
        except dt.RequestError as exc:
            raise EngineUnavailable(f"{label} failed the request (HTTP error); try again "
                                    f"later, {OFFLINE_HINT}") from exc
        except dt.ServerException as exc:
            raise self._server_error(str(exc)) from exc
        except dt.AuthorizationException as exc:
            raise EngineError(f"{label} at {where} refused the request (HTTP 403): the API "
                              f"key is missing or wrong; check {self.key_setting}") from exc
        except dt.ApiKeyException as exc:
            raise ConfigError(f"{label} needs an API key: set {self.key_setting}") from exc
        except (dt.LanguageNotSupportedException, dt.InvalidSourceOrTargetLanguage) as exc:
            raise EngineError(f"{label} does not support this language pair; choose another "
                              "engine") from exc
        except (dt.NotValidPayload, dt.NotValidLength) as exc:
            raise EngineError(f"{label} rejected the text ({exc.message}); shorten it") from exc
        except dt.TranslationNotFound as exc:
            raise EngineError(f"{label} returned no translation; try another engine") from exc
        except StudioError:
            raise
        except Exception as exc:  # a library bug or an unexpected answer: say which engine
            raise EngineError(f"{label} failed ({type(exc).__name__}: {exc}); "
                              f"{OFFLINE_HINT}") from exc

    def _server_error(self, code: str) -> EngineError:
        from deep_translator.exceptions import ServerException

        status = {v: k for k, v in ServerException.errors.items()}.get(code)
        if status in (429, 500, 503) or status is None:
            return EngineUnavailable(f"{self.label} at {self.where()} is unavailable "
                                     f"(HTTP {status or 'error'}); try again later, "
                                     f"{OFFLINE_HINT}")
        return EngineError(f"{self.label} at {self.where()} rejected the request (HTTP {status}, "
                           f"{code}): the language pair or the text may not be supported there")


@register
class GoogleTranslator(WebTranslator):
    name = "google"
    label = "Google Translate"
    max_chars = 4900

    @property
    def languages(self):  # type: ignore[override]
        from deep_translator.constants import GOOGLE_LANGUAGES_TO_CODES

        return GOOGLE_LANGUAGES_TO_CODES

    def where(self) -> str:
        from deep_translator.constants import BASE_URLS

        return BASE_URLS["GOOGLE_TRANSLATE"]

    def _build(self, source: str, target: str):
        from deep_translator import GoogleTranslator as Client

        return Client(source=source, target=target)


@register
class MyMemoryTranslator(WebTranslator):
    """MyMemory's free API. It answers some failures with HTTP 200 and the error as the
    "translation" (the daily quota warning): those are caught here, never passed on as text."""

    name = "mymemory"
    label = "MyMemory"
    # The API takes at most 500 bytes per query; a Vietnamese letter can take 3 bytes in UTF-8.
    max_chars = 160
    _ERRORS = ("MYMEMORY WARNING", "QUERY LENGTH LIMIT EXCEEDED", "INVALID LANGUAGE PAIR",
               "IS AN INVALID", "PLEASE SELECT TWO DISTINCT LANGUAGES")

    def _checked(self, piece: str, answer: object) -> str:
        text = super()._checked(piece, answer)
        upper = text.upper()
        if upper.startswith("MYMEMORY WARNING"):
            raise EngineError("MyMemory's free daily quota is used up; set STUDIO_MYMEMORY_EMAIL "
                              "for a larger quota, wait until tomorrow, or use another engine")
        if any(marker in upper for marker in self._ERRORS):
            raise EngineError(f"MyMemory refused the request ({text[:120]}); use another engine")
        return text

    @property
    def languages(self):  # type: ignore[override]
        from deep_translator.constants import MY_MEMORY_LANGUAGES_TO_CODES

        return MY_MEMORY_LANGUAGES_TO_CODES

    def where(self) -> str:
        from deep_translator.constants import BASE_URLS

        return BASE_URLS["MYMEMORY"]

    def _build(self, source: str, target: str):
        from deep_translator import MyMemoryTranslator as Client

        # With a contact email MyMemory raises the free daily quota tenfold.
        return Client(source=source, target=target, email=self.options.mymemory_email or None)


@register
class LibreTranslator(WebTranslator):
    """A LibreTranslate server: public, or self-hosted by a cooperative or a trainer."""

    name = "libre"
    label = "LibreTranslate"
    key_setting = "STUDIO_LIBRE_API_KEY"

    @property
    def languages(self):  # type: ignore[override]
        from deep_translator.constants import LIBRE_LANGUAGES_TO_CODES

        return LIBRE_LANGUAGES_TO_CODES

    def where(self) -> str:
        return self.url()

    def url(self) -> str:
        raw = (self.options.libre_url or "").strip()
        if not raw:
            raise ConfigError("LibreTranslate needs a server address: set STUDIO_LIBRE_URL or "
                              "pass --libre-url (e.g. http://127.0.0.1:5000)")
        parsed = urlparse(raw)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ConfigError(f"the LibreTranslate address {raw!r} is not an http(s) URL; "
                              "use e.g. http://127.0.0.1:5000")
        return raw.rstrip("/") + "/"

    def _build(self, source: str, target: str):
        from deep_translator import LibreTranslator as Client

        key = self.options.libre_api_key
        # deep-translator insists on a key at construction; a self-hosted server usually has
        # none, and an empty key is then simply not sent.
        client = Client(source=source, target=target, api_key=key or "none",
                        custom_url=self.url())
        if not key:
            client.api_key = ""
        return client


@register
class DeeplTranslator(WebTranslator):
    name = "deepl"
    label = "DeepL"
    key_setting = "STUDIO_DEEPL_API_KEY"

    @property
    def languages(self):  # type: ignore[override]
        from deep_translator.constants import DEEPL_LANGUAGE_TO_CODE

        return DEEPL_LANGUAGE_TO_CODE

    def where(self) -> str:
        free = (self.options.deepl_api_key or "").endswith(":fx")
        return "https://api-free.deepl.com/v2/" if free else "https://api.deepl.com/v2/"

    def _build(self, source: str, target: str):
        from deep_translator import DeeplTranslator as Client

        key = self.options.deepl_api_key
        if not key:
            raise ConfigError("DeepL needs an API key: set STUDIO_DEEPL_API_KEY")
        # DeepL free-plan keys end in ":fx" and live on a separate host.
        return Client(source=source, target=target, api_key=key, use_free_api=key.endswith(":fx"))


@register
class MicrosoftTranslator(WebTranslator):
    name = "microsoft"
    label = "Microsoft Translator"
    key_setting = "STUDIO_MICROSOFT_API_KEY"
    max_chars = 10000

    def where(self) -> str:
        return "https://api.cognitive.microsofttranslator.com"

    def _build(self, source: str, target: str):
        from deep_translator import MicrosoftTranslator as Client

        key = self.options.microsoft_api_key
        if not key:
            raise ConfigError("Microsoft Translator needs an API key: set "
                              "STUDIO_MICROSOFT_API_KEY (and STUDIO_MICROSOFT_REGION)")
        # The client asks the service for its languages when built: that needs the network too.
        return Client(source=source, target=target, api_key=key,
                      region=self.options.microsoft_region)
