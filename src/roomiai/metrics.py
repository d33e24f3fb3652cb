"""The Prometheus meters: HTTP latency per route template, bookings, inventory conflicts, calls and voice turns.

Labels hold only bounded values (route templates, outcomes, provider kinds): never a raw path, a name or a number
a caller gave. With several `roomi serve` workers the values live in PROMETHEUS_MULTIPROC_DIR (set by `roomi serve`),
and whichever worker answers /metrics reports all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from prometheus_client import Counter, Histogram

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
TURN_BUCKETS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0)
PROVIDER_KINDS = ("stt", "tts", "llm")

HTTP_LATENCY = Histogram(
    "roomiai_http_request_duration_seconds",
    "HTTP request latency by route template, method and status class",
    ["method", "route", "status"],
    buckets=LATENCY_BUCKETS,
)
BOOKINGS = Counter(
    "roomiai_bookings_total",
    "Booking requests by outcome: created, refused (the caller can fix it: 4xx) or failed (5xx)",
    ["outcome"],
)
INVENTORY_CONFLICTS = Counter(
    "roomiai_inventory_conflicts_total",
    "Bookings and changes refused because the rooms were no longer free",
)
CALLS = Counter("roomiai_calls_total", "Calls ended, by outcome", ["outcome"])
TURN_LATENCY = Histogram(
    "roomiai_voice_turn_latency_seconds",
    "Voice turns: end of the caller's speech to Roomi's first audio",
    buckets=TURN_BUCKETS,
)
PROVIDER_ERRORS = Counter("roomiai_provider_errors_total", "Speech and language provider errors", ["kind"])
PROVIDER_FALLBACKS = Counter(
    "roomiai_provider_fallbacks_total",
    "A provider marked unavailable, so its fallback took over",
    ["kind"],
)
CALL_OUTCOMES = (
    "booking_completed",
    "booking_failed",
    "inquiry_only",
    "transferred",
    "abandoned",
    "booking_modified",
    "booking_cancelled",
    "service_request",
)  # the API's call outcomes (api/schemas/voice.py)


def booking_answered(status: int) -> None:
    """Counts one answer to a booking request by its status code."""
    BOOKINGS.labels("created" if status < 300 else "refused" if status < 500 else "failed").inc()


def call_ended(outcome: str, turn_timings: list[dict] | None) -> None:
    """Counts a call by outcome and observes each turn's end of speech → first audio (from the call log's timings)."""
    CALLS.labels(outcome if outcome in CALL_OUTCOMES else "other").inc()
    for turn in turn_timings or []:
        millis = turn.get("end_of_speech_to_first_audio_ms") if isinstance(turn, dict) else None
        if isinstance(millis, (int, float)) and millis >= 0:
            TURN_LATENCY.observe(millis / 1000)


def provider_error(kind: str) -> None:
    PROVIDER_ERRORS.labels(kind if kind in PROVIDER_KINDS else "other").inc()


def provider_fallback(kind: str) -> None:
    PROVIDER_FALLBACKS.labels(kind if kind in PROVIDER_KINDS else "other").inc()


def fallback_counter(kind: str) -> Callable[[Any], None]:
    """A listener for a FallbackAdapter's `<kind>_availability_changed` event: counts each provider marked unavailable."""

    def count(event: Any) -> None:
        if not event.available:
            provider_fallback(kind)

    return count
