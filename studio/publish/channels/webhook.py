"""Webhook: POST the post as JSON to a URL, signed with HMAC-SHA256 (for Zapier-like tools).

Headers: ``X-Studio-Timestamp`` (Unix seconds), ``X-Studio-Signature: sha256=<hex>`` where the
hex is HMAC-SHA256(secret, timestamp + "." + body), and ``Idempotency-Key`` (stable per target).
A receiver answers 2xx, optionally with ``{"id": ..., "url": ...}``. An optional ``status_url``
(``GET status_url?idempotency_key=K`` → 200 with the same JSON, or 404) lets the scheduler settle
an unknown outcome instead of asking a person.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import httpx

from studio.publish.channels.base import (
    PERMANENT,
    UNKNOWN,
    Channel,
    ChannelError,
    PostPayload,
    PublishResult,
)

SIGNATURE_HEADER = "X-Studio-Signature"
TIMESTAMP_HEADER = "X-Studio-Timestamp"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class WebhookChannel(Channel):
    kind = "webhook"
    required_options = ("url",)
    required_credentials = ("secret",)

    def _timeout(self) -> float:
        try:
            return float(self.options.get("timeout_s") or self.timeout_s)
        except ValueError:
            return self.timeout_s

    def validate_account(self) -> list[str]:
        problems = super().validate_account()
        try:
            if float(self.options.get("timeout_s") or self.timeout_s) <= 0:
                problems.append("timeout_s must be a positive number of seconds")
        except ValueError:
            problems.append("timeout_s must be a number of seconds, e.g. 30")
        for key in ("url", "status_url"):
            value = str(self.options.get(key) or "")
            if value and not value.startswith(("http://", "https://")):
                problems.append(f"{key} must start with http:// or https://")
        return problems

    def body(self, payload: PostPayload) -> bytes:
        data = {"event": "post.publish", "idempotency_key": payload.idempotency_key,
                "post_id": payload.post_id, "target_id": payload.target_id,
                "lang": payload.lang, "text": payload.text, "texts": payload.texts,
                "title": payload.title, "link": payload.link,
                "first_comment": payload.first_comment, "hashtags": list(payload.hashtags),
                "media": [{"name": m.path.name, "mime": m.mime, "size": m.size,
                           "url": m.public_url} for m in payload.media]}
        return json.dumps(data, ensure_ascii=False, sort_keys=True).encode()

    def publish(self, payload: PostPayload) -> PublishResult:
        problems = self.validate_account()
        if problems:
            raise ChannelError("webhook: " + "; ".join(problems), PERMANENT)
        body = self.body(payload)
        stamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", TIMESTAMP_HEADER: stamp,
                   SIGNATURE_HEADER: sign(self.credentials["secret"], stamp, body),
                   "Idempotency-Key": payload.idempotency_key}
        response = self.request("POST", self.options["url"], content=body, headers=headers,
                                timeout=self._timeout(),
                                summary=f"post {payload.post_id} ({len(body)} bytes)")
        return self._result(response, payload)

    def _result(self, response: httpx.Response, payload: PostPayload) -> PublishResult:
        try:
            data = response.json() if response.content else {}
        except ValueError:
            data = {}
        data = data if isinstance(data, dict) else {}
        return PublishResult(external_id=str(data.get("id") or payload.idempotency_key),
                             url=str(data.get("url") or ""), raw=data)

    def lookup(self, payload: PostPayload, external_id: str | None = None) -> PublishResult | None:
        status_url = self.options.get("status_url")
        if not status_url:
            return super().lookup(payload, external_id)
        try:
            response = self.http.get(status_url, timeout=self._timeout(),
                                     params={"idempotency_key": payload.idempotency_key})
        except httpx.TransportError as exc:
            raise ChannelError(f"webhook: status lookup failed ({exc.__class__.__name__})",
                               UNKNOWN) from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise ChannelError(f"webhook: status lookup answered HTTP {response.status_code}",
                               UNKNOWN, status=response.status_code)
        return self._result(response, payload)
