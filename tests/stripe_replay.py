"""Replays recorded Stripe exchanges (tests/fixtures/stripe_recorded) and asserts what the adapter sent."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from urllib.parse import parse_qsl

import httpx

RECORDED = Path(__file__).parent / "fixtures" / "stripe_recorded"
SECRET_KEY = "sk_test_roomiai_recorded_fixtures"
ANY_UUID4 = "<uuid4>"
DEPOSIT_OF_A_BOOKING = "deposit:<booking id>"


class RecordedStripe:
    """An httpx transport that answers each request with the next recorded response, after checking the request."""

    def __init__(self, *names: str):
        self.exchanges: list[dict] = []
        for name in names:
            self.exchanges += json.loads((RECORDED / f"{name}.json").read_text())["exchanges"]
        self.sent: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self._answer)

    @property
    def finished(self) -> bool:
        return len(self.sent) == len(self.exchanges)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        assert len(self.sent) < len(self.exchanges), f"unexpected extra request {request.method} {request.url.path}"
        exchange = self.exchanges[len(self.sent)]
        self.sent.append(request)
        expected = exchange["request"]
        assert (request.method, request.url.host, request.url.path) == (expected["method"], "api.stripe.com", expected["path"])
        assert request.headers["Authorization"] == f"Bearer {SECRET_KEY}"
        assert request.headers["Stripe-Version"] == expected["stripe_version"]
        key = request.headers.get("Idempotency-Key")
        if expected.get("idempotency_key") == ANY_UUID4:
            assert key is not None and uuid.UUID(key).version == 4, key
        elif expected.get("idempotency_key") == DEPOSIT_OF_A_BOOKING:
            assert key is not None and re.fullmatch(r"deposit:[0-9a-f]{24}", key), key  # one key per booking attempt
        else:
            assert key == expected.get("idempotency_key")
        if request.method == "GET" or (request.method == "POST" and expected.get("form") == {}):
            assert not request.content  # a GET, or a POST without parameters (detach)
        else:
            assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
            sent_form = dict(parse_qsl(request.content.decode(), keep_blank_values=True))
            assert sent_form == expected["form"], sent_form
        if "network_error" in exchange:
            raise getattr(httpx, exchange["network_error"])("recorded network failure", request=request)
        response = exchange["response"]
        return httpx.Response(response["status"], content=json.dumps(response["body"]).encode(), headers=response["headers"])

