"""A loopback stand-in for an OpenAI-compatible chat-completions server that replays recorded streaming responses.

It listens on 127.0.0.1 (a free port), so the real livekit OpenAI/Groq plugin and the real `openai` client do the HTTP,
the SSE parsing and the tool-call assembly. Each line of a recording (tests/agent/fixtures/llm/*.jsonl) is one
exchange: what the request's last message must be, and the `chat.completion.chunk` objects to stream back. A request
that does not match the next exchange is answered 400 and noted in `mismatches`; every request body is kept in
`requests` so tests can check the system prompt, the tools schema and that no card number was sent.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

FIXTURES = Path(__file__).parent / "fixtures" / "llm"


@dataclass
class Exchange:
    """One recorded chat-completions call: the request's last message (partly), and the streamed chunks."""

    note: str
    expect: dict[str, Any]
    chunks: list[dict[str, Any]]


def load_recording(name: str) -> list[Exchange]:
    """The exchanges of a recording in tests/agent/fixtures/llm, in order."""
    exchanges = []
    for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            exchanges.append(Exchange(data.get("note", ""), data["request"]["last_message"], data["response"]["chunks"]))
    return exchanges


def text_of(message: dict[str, Any]) -> str:
    """A chat message's text, whether its content is a string or a list of parts."""
    content = message.get("content")
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content or ""


def mismatch(expect: dict[str, Any], message: dict[str, Any]) -> str | None:
    """Why this last message is not the recorded one, or None when it is."""
    if message.get("role") != expect["role"]:
        return f"expected a {expect['role']} message last, got {message.get('role')}"
    if "tool_call_id" in expect and message.get("tool_call_id") != expect["tool_call_id"]:
        return f"expected the output of {expect['tool_call_id']}, got {message.get('tool_call_id')}"
    wanted = expect.get("content_contains")
    if wanted and wanted.lower() not in text_of(message).lower():
        return f"expected {wanted!r} in the last message, got {text_of(message)!r}"
    return None


@dataclass
class FakeOpenAI:
    """The server; use `async with FakeOpenAI(load_recording(...)) as server:` and point base_url at it."""

    exchanges: list[Exchange]
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    model_listings: int = 0
    port: int = 0

    def __post_init__(self) -> None:
        self._pending: deque[Exchange] = deque(self.exchanges)
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def unused(self) -> list[str]:
        """Notes of the recorded exchanges no request has reached yet."""
        return [exchange.note for exchange in self._pending]

    async def __aenter__(self) -> "FakeOpenAI":
        app = web.Application()
        app.router.add_get("/v1/models", self._models)
        app.router.add_post("/v1/chat/completions", self._chat)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _models(self, request: web.Request) -> web.Response:
        self.model_listings += 1
        return web.json_response({"object": "list", "data": [
            {"id": "llama-3.3-70b-versatile", "object": "model", "created": 1733447754, "owned_by": "Meta"},
        ]})

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        if not self._pending:
            return self._refuse("the recording has no more exchanges")
        expected = self._pending[0]
        messages = body.get("messages") or [{}]
        why = mismatch(expected.expect, messages[-1])
        if why is None and body.get("stream") is not True:
            why = "the request did not ask for a stream"
        if why:
            return self._refuse(f"{expected.note}: {why}")
        self._pending.popleft()
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
        await response.prepare(request)
        for chunk in expected.chunks:
            await response.write(f"data: {json.dumps(chunk)}\n\n".encode())
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response

    def _refuse(self, why: str) -> web.Response:
        self.mismatches.append(why)
        return web.json_response({"error": {"message": why, "type": "invalid_request_error", "code": None}},
                                 status=400)
