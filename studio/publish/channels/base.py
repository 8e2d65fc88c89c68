"""The channel interface: one class per platform, one required method (``publish``).

A channel gets a :class:`PostPayload` (one variant of a post for one channel account) and either
returns a :class:`PublishResult` or raises :class:`ChannelError` whose ``kind`` tells the scheduler
what to do:

- ``retryable``: nothing was published (429 with Retry-After, 5xx, connection refused before the
  request was sent); retry with backoff.
- ``auth``: the token is expired or revoked; refresh (when the channel can) then retry once.
- ``permanent``: the platform rejected the request (bad body, duplicate, policy); fail with reason.
- ``unknown``: the request left but no answer came (timeout, crash); never retried blindly: the
  scheduler calls :meth:`Channel.lookup` first where the platform offers one.

All HTTP goes through :meth:`Channel.request`, which classifies transport errors and status codes
and reports every attempt to ``on_attempt`` for the audit log. ``api_base`` (an account option or
constructor argument) points a channel at a local fake in tests.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import httpx

from studio.errors import EngineError
from studio.publish.channels.rules import option_problems

RETRYABLE, AUTH, PERMANENT, UNKNOWN = "retryable", "auth", "permanent", "unknown"
#: How to give a file a public https URL (said wherever a platform pulls media by URL).
PUBLIC_URL_HOW = ("set STUDIO_PUBLIC_URL to the https address where this studio's feed server "
                  "is reachable (see docs/publish.md), or host the file and set its public URL")


@dataclass(frozen=True)
class MediaFile:
    path: Path
    mime: str
    size: int
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    #: A public HTTPS URL of the same file, for platforms that pull media (Instagram, TikTok).
    public_url: str = ""


@dataclass(frozen=True)
class PostPayload:
    """One post variant for one channel account."""

    post_id: int
    target_id: int
    lang: str
    text: str
    title: str = ""
    link: str = ""
    first_comment: str = ""
    hashtags: tuple[str, ...] = ()
    media: tuple[MediaFile, ...] = ()
    #: Stable for a target across retries: lets a platform (or our lookup) deduplicate.
    idempotency_key: str = ""
    #: Every language's text, for channels that post several (export folder).
    texts: dict[str, str] = field(default_factory=dict)
    #: Channel-specific fields (privacy level, category id, price, stock, SKU...).
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PublishResult:
    external_id: str
    url: str = ""
    #: "published", or "processing" when the platform finishes asynchronously.
    state: str = "published"
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Attempt:
    """One HTTP exchange, for the audit log (never holds tokens or secrets)."""

    channel: str
    method: str
    url: str
    status: int | None
    duration_s: float
    outcome: str  # "ok" or an error kind
    summary: str = ""


class ChannelError(EngineError):
    """A platform call failed; ``kind`` is one of retryable, auth, permanent, unknown."""

    def __init__(self, message: str, kind: str, *, status: int | None = None,
                 retry_after: float | None = None, platform_code: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.retry_after = retry_after
        self.platform_code = platform_code


class Channel(ABC):
    """Base class of every channel. Subclasses set ``kind`` and implement ``publish``."""

    kind: ClassVar[str] = ""
    #: Account options a connection needs (page_id, shop_id, ...), checked by ``validate_account``.
    required_options: ClassVar[tuple[str, ...]] = ()
    #: Credential fields a connection needs (access_token, app_secret, ...).
    required_credentials: ClassVar[tuple[str, ...]] = ()
    #: Other fields the channel reads from its credentials (stored encrypted even when the name
    #: does not look secret, e.g. an OAuth client_id used with the client secret).
    credential_fields: ClassVar[tuple[str, ...]] = ()
    #: Rules for optional account options (see ``rules.option_problems``), checked at connect.
    option_rules: ClassVar[dict] = {}
    default_api_base: ClassVar[str] = ""
    #: Where OAuth token calls go when the platform has a separate host (option ``auth_base``).
    default_auth_base: ClassVar[str] = ""
    timeout_s: ClassVar[float] = 30.0

    def __init__(self, options: dict | None = None, credentials: dict | None = None, *,
                 http: httpx.Client | None = None, api_base: str | None = None,
                 on_attempt: Callable[[Attempt], None] | None = None) -> None:
        self.options = dict(options or {})
        self.credentials = dict(credentials or {})
        self.api_base = (api_base or self.options.get("api_base") or self.default_api_base)
        self.api_base = self.api_base.rstrip("/")
        self.auth_base = str(self.options.get("auth_base") or self.default_auth_base).rstrip("/")
        #: Time source for request signatures (tests set it to replay the docs' examples).
        self.clock = time.time
        self.http = http or httpx.Client(timeout=self.timeout_s)
        self.on_attempt = on_attempt or (lambda attempt: None)

    # -- to implement -----------------------------------------------------------------------
    @abstractmethod
    def publish(self, payload: PostPayload) -> PublishResult:
        """Publish ``payload``; raise ChannelError on failure."""

    # -- optional ---------------------------------------------------------------------------
    def validate(self, payload: PostPayload) -> list[str]:
        """Problems that make ``payload`` unpublishable here (too long, wrong media...)."""
        return []

    def lookup(self, payload: PostPayload, external_id: str | None = None) -> PublishResult | None:
        """After an unknown outcome: the published post if the platform has it, else None.

        Raise ChannelError(kind=unknown) when the platform offers no way to tell.
        """
        raise ChannelError(f"{self.kind} offers no lookup: check the channel by hand", UNKNOWN)

    def status(self, external_id: str) -> PublishResult:
        """Poll an asynchronous publish (``state`` "processing" → "published")."""
        return PublishResult(external_id=external_id)

    def refresh(self) -> dict | None:
        """New credentials (access token, maybe a rotated refresh token), or None if unsupported."""
        return None

    def validate_account(self) -> list[str]:
        missing = [k for k in self.required_options if not self.options.get(k)]
        missing += [k for k in self.required_credentials if not self.credentials.get(k)]
        return [f"missing {k}" for k in missing] + option_problems(self.options, self.option_rules)

    # -- HTTP with classification -----------------------------------------------------------
    def check_response(self, response: httpx.Response) -> ChannelError | None:
        """A platform error carried in the body (envelope codes, even under HTTP 200), or None
        to classify by HTTP status alone. Channels override this to read their error format."""
        return None

    def request(self, method: str, url: str, *, summary: str = "", accept: tuple[int, ...] = (),
                **kwargs) -> httpx.Response:
        """Send one request; return the 2xx response or raise a classified ChannelError.

        ``accept`` lists extra statuses that are answers, not errors (YouTube's 308).
        """
        if url.startswith("/"):
            url = self.api_base + url
        started = time.monotonic()
        status = None
        try:
            response = self.http.request(method, url, **kwargs)
            status = response.status_code
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            self._report(method, url, None, started, RETRYABLE, summary)
            raise ChannelError(f"{self.kind}: could not connect ({exc.__class__.__name__}); "
                               "will retry", RETRYABLE) from exc
        except httpx.TransportError as exc:  # the request may have reached the platform
            self._report(method, url, None, started, UNKNOWN, summary)
            raise ChannelError(f"{self.kind}: no answer after sending ({exc.__class__.__name__})"
                               "; check the channel before retrying", UNKNOWN) from exc
        error = self.check_response(response)
        if error is not None:
            self._report(method, url, status, started, error.kind, summary)
            raise error
        kind = None if status in accept else classify_status(status)
        self._report(method, url, status, started, kind or "ok", summary)
        if kind is None:
            return response
        raise ChannelError(f"{self.kind}: HTTP {status}: {_snippet(response)}", kind,
                           status=status, retry_after=retry_after(response))

    def _report(self, method, url, status, started, outcome, summary) -> None:
        self.on_attempt(Attempt(self.kind, method, url.split("?", 1)[0], status,
                                round(time.monotonic() - started, 4), outcome, summary))


def classify_status(status: int) -> str | None:
    """None for success; otherwise the error kind an HTTP status means."""
    if 200 <= status < 300:
        return None
    if status == 429 or status >= 500:
        return RETRYABLE
    if status in (401, 403):
        return AUTH
    return PERMANENT


def json_body(response: httpx.Response) -> dict | None:
    """The response's JSON object, or None when the body is not a JSON object (HTML error page,
    empty body): shop platforms put their error codes in such an envelope."""
    try:
        data = response.json()
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _snippet(response: httpx.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    return text[:300]
