"""A local server speaking the OpenAI Chat Completions wire format, for tests.

It checks requests as strictly as the real API does for what the studio sends (bearer key, model,
messages with known roles and string content, response_format type), answers in the documented
shapes (``chat.completion`` objects; ``chat.completion.chunk`` server-sent events ending with
``data: [DONE]``; error objects ``{"error": {"message", "type", "param", "code"}}``), and plays
scripted failures: HTTP 429 with Retry-After, 5xx, and a slow answer (client timeout).

Use::

    with OpenAIFake(api_key="k") as fake:
        fake.script({"status": 429, "retry_after": 0}, {"content": "hello"})
        client = LLMClient(fake.base_url, "k", "test-model")
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

from tests.fakes.server import LocalServer

ROLES = {"system", "user", "assistant", "tool", "developer"}


class OpenAIFake(LocalServer):
    def __init__(self, api_key: str | None = "test-key",
                 responder: Callable[[dict], str] | None = None) -> None:
        self.api_key = api_key
        self.responder = responder or (lambda body: "OK")
        self.requests: list[dict] = []
        self._script: deque[dict] = deque()
        self._serve(self._handler())

    @property
    def base_url(self) -> str:
        return self.origin + "/v1"

    def script(self, *steps: dict) -> None:
        """Queue behaviours for the next requests: {"status", "retry_after"}, {"delay"},
        {"content"}; when the queue is empty the responder answers."""
        self._script.extend(steps)

    # -- request handling --------------------------------------------------------------------
    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                if self.path.rstrip("/") == "/v1/models":
                    self._json(200, {"object": "list", "data": [
                        {"id": "test-model", "object": "model", "owned_by": "fake"}]})
                else:
                    self._error(404, "Not found", "invalid_request_error", None, None)

            def do_POST(self) -> None:
                if self.path.rstrip("/") != "/v1/chat/completions":
                    return self._error(404, f"Invalid URL (POST {self.path})",
                                       "invalid_request_error", None, None)
                if fake.api_key and self.headers.get("Authorization") != f"Bearer {fake.api_key}":
                    return self._error(401, "Incorrect API key provided.",
                                       "invalid_request_error", None, "invalid_api_key")
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"null")
                except json.JSONDecodeError:
                    return self._error(400, "We could not parse the JSON body of your request.",
                                       "invalid_request_error", None, None)
                problem = validate(body)
                if problem:
                    return self._error(400, problem[1], "invalid_request_error", problem[0], None)
                fake.requests.append(body)
                step = fake._script.popleft() if fake._script else {}
                if step.get("delay"):
                    time.sleep(step["delay"])
                if step.get("status"):
                    headers = {}
                    if step.get("retry_after") is not None:
                        headers["Retry-After"] = str(step["retry_after"])
                    kind = "rate_limit_error" if step["status"] == 429 else "server_error"
                    return self._error(step["status"], step.get("message", "scripted failure"),
                                       kind, None, None, headers)
                content = step.get("content")
                if content is None:
                    content = fake.responder(body)
                if body.get("stream"):
                    return self._stream(body, content)
                self._json(200, completion(body, content))

            def _stream(self, body: dict, content: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                created = int(time.time())
                pieces = [content[i:i + 7] for i in range(0, len(content), 7)] or [""]
                first = True
                for piece in pieces:
                    delta = {"content": piece}
                    if first:
                        delta["role"] = "assistant"
                        first = False
                    self._event({"id": "chatcmpl-fake", "object": "chat.completion.chunk",
                                 "created": created, "model": body["model"],
                                 "choices": [{"index": 0, "delta": delta,
                                              "finish_reason": None}]})
                self._event({"id": "chatcmpl-fake", "object": "chat.completion.chunk",
                             "created": created, "model": body["model"],
                             "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
                if (body.get("stream_options") or {}).get("include_usage"):
                    self._event({"id": "chatcmpl-fake", "object": "chat.completion.chunk",
                                 "created": created, "model": body["model"], "choices": [],
                                 "usage": usage(body, content)})
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

            def _event(self, obj: dict) -> None:
                self.wfile.write(b"data: " + json.dumps(obj).encode() + b"\n\n")
                self.wfile.flush()

            def _json(self, status: int, obj: dict, headers: dict | None = None) -> None:
                data = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def _error(self, status, message, kind, param, code, headers=None) -> None:
                self._json(status, {"error": {"message": message, "type": kind, "param": param,
                                              "code": code}}, headers)

        return Handler


def validate(body) -> tuple[str | None, str] | None:
    """(param, message) for a request the real API would reject with 400, else None."""
    if not isinstance(body, dict):
        return None, "The request body must be a JSON object."
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "model", "you must provide a model parameter"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "messages", "'messages' must be a non-empty array"
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ROLES:
            return f"messages[{i}].role", f"Invalid value for 'messages[{i}].role'."
        if not isinstance(message.get("content"), str):
            return f"messages[{i}].content", f"Invalid type for 'messages[{i}].content'."
    fmt = body.get("response_format")
    if fmt is not None and (not isinstance(fmt, dict) or fmt.get("type") not in
                            ("text", "json_object", "json_schema")):
        return "response_format", "Invalid value for 'response_format.type'."
    if "temperature" in body and not (0 <= float(body["temperature"]) <= 2):
        return "temperature", "temperature must be between 0 and 2"
    if "stream_options" in body and not body.get("stream"):
        return "stream_options", "stream_options is only allowed when stream is true"
    return None


def usage(body: dict, content: str) -> dict:
    prompt = sum(len(m["content"].split()) for m in body["messages"])
    completion_tokens = len(content.split())
    return {"prompt_tokens": prompt, "completion_tokens": completion_tokens,
            "total_tokens": prompt + completion_tokens}


def completion(body: dict, content: str) -> dict:
    return {"id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()),
            "model": body["model"],
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": "stop", "logprobs": None}],
            "usage": usage(body, content)}
