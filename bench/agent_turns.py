"""Time per caller turn of Roomi with her deterministic brain, including the API calls her tools make.

    python bench/agent_turns.py                 # 20 runs of each script (booking, info, modify), 2 warm-up runs
    python bench/agent_turns.py --runs 50
    python bench/agent_turns.py --runs 5 --json /tmp/turns.json

Everything runs in one process as `roomi chat` runs it in embedded mode: the FastAPI app in process on a
migrated, seeded SQLite file (a temporary copy), the typed API client over httpx's ASGI transport, an
AgentSession with the Receptionist and its function tools, and the DeterministicLLM (intent classifier, entity
extractor, dialogue state machine). Each caller line goes through `TextCall.say`, exactly what `roomi chat`
does per line: the call log (transcript and intent) is written through the API, then `session.run`.

Per turn it reports (p50 / p95 / max, milliseconds):

- turn: the whole `TextCall.say`, what a caller waits for before the first word of the reply;
- brain: `DeterministicLLM.next_action` (NLU and dialogue decisions, for each LLM step of the turn);
- tools API: the HTTP calls the tools make (availability, bookings, lookup, ...), app and database included;
- call log: the call-log writes (`/v1/voice/...`: transcript lines and the intent, three POSTs a turn) and the
  intent/entity pass `TextCall` runs for the log (NLU a second time);
- framework: the rest (livekit AgentSession scheduling, the tool loop, tool code around the HTTP calls).

Results: a table on stdout and bench/results/agent_turns.json.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for extra in (str(ROOT / "src"), str(ROOT)):
    if extra not in sys.path:
        sys.path.insert(0, extra)

import httpx  # noqa: E402

from roomiai.agent.api_client import EMBEDDED_URL, RoomiApi  # noqa: E402
from roomiai.agent.runtime import deterministic_brain, start_call  # noqa: E402
from roomiai.api.app import create_app  # noqa: E402
from roomiai.bootstrap import build_container  # noqa: E402
from roomiai.clock import Clock  # noqa: E402
from roomiai.config import Settings  # noqa: E402
from roomiai.payments.local_vault import LocalVault  # noqa: E402
from roomiai.services.auth import access_token, wall_clock  # noqa: E402
from roomiai.demo.seed import seed_demo  # noqa: E402
from roomiai.store.database import Database  # noqa: E402
from roomiai.store.uow import UnitOfWork  # noqa: E402

TODAY = dt.date(2026, 1, 12)
HOTEL_TZ = "America/New_York"
RESULTS = Path(__file__).resolve().parent / "results"

# Scripted callers. {n} is the run number (a different guest and date each run); {cn} a booking made before the call.
SCRIPTS: dict[str, list[str]] = {
    "booking": [
        "Hi, I'd like to book a room from February {day} for three nights",
        "me and my wife",
        "the deluxe with a king bed please",
        "yes",
        "John Smith{n}",
        "five five five, one two three, four five six seven",
        "john dot smith at gmail dot com",
        "it's our anniversary",
        "yes, that's right",
        "no, that's all, thank you",
    ],
    "info": [
        "Do you have parking?",
        "what time is check-out?",
        "can I bring my dog?",
        "is there a gym?",
        "that's all, thanks",
    ],
    "modify": [
        "I want to move my booking to the {later}",
        "{cn}",
        "Hopper",
        "yes",
        "no thanks, bye",
    ],
}


@dataclass
class TurnTiming:
    script: str
    run: int
    turn: int
    said: str
    turn_ms: float
    brain_ms: float
    brain_steps: int
    tools_api_ms: float
    tools_api_calls: int
    call_log_ms: float
    call_log_api_ms: float
    call_log_nlu_ms: float
    framework_ms: float
    tools: list[str] = field(default_factory=list)


class Meter:
    """Time spent in the brain and in the API during one turn."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.brain = self.tools_api = self.call_log_api = self.call_log_nlu = 0.0
        self.brain_steps = self.tools_api_calls = 0

    def wrap_sync(self, fn: Callable[..., Any], slot: str) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                setattr(self, slot, getattr(self, slot) + time.perf_counter() - started)
                if slot == "brain":
                    self.brain_steps += 1
        return timed

    def wrap_api(self, api: RoomiApi) -> None:
        call = api._call

        async def timed(method: str, path: str, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await call(method, path, **kwargs)
            finally:
                took = time.perf_counter() - started
                if path.startswith("/v1/voice/"):
                    self.call_log_api += took
                else:
                    self.tools_api += took
                    self.tools_api_calls += 1

        api._call = timed  # type: ignore[method-assign]


async def seeded_database(path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{path}")
    await db.migrate()
    async with UnitOfWork(db, write=True) as uow:
        await seed_demo(uow, now=Clock(HOTEL_TZ, pinned_date=TODAY).now())
    await db.dispose()


async def book_before_the_call(http: httpx.AsyncClient, run: int) -> str:
    check_in = TODAY + dt.timedelta(days=20 + run % 40)
    body = {
        "check_in": check_in.isoformat(), "check_out": (check_in + dt.timedelta(days=2)).isoformat(),
        "room_type_id": "STD", "guests": {"adults": 2},
        "primary_guest": {"first_name": "Grace", "last_name": "Hopper", "email": f"grace{run}@example.com"},
    }
    response = await http.post("/v1/bookings", json=body)
    response.raise_for_status()
    return response.json()["booking"]["confirmation_number"]


def fill(line: str, run: int, cn: str | None, later: dt.date | None) -> str:
    day = 1 + run % 27
    ordinal = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd"}.get(day, "th")
    return line.format(n="" if run == 0 else f"-{chr(ord('a') + run % 26)}", day=f"{day}{ordinal}", cn=cn or "",
                       later=f"{later:%B} {later.day}th" if later else "")


async def one_call(api: RoomiApi, http: httpx.AsyncClient, meter: Meter, script: str, run: int) -> tuple[list[TurnTiming], dict]:
    cn = later = None
    if script == "modify":
        cn = await book_before_the_call(http, run)
        booked = (await http.get(f"/v1/bookings/{cn}")).json()
        later = dt.date.fromisoformat(booked["check_in_date"]) + dt.timedelta(days=7)
        if later.day in (1, 2, 3, 21, 22, 23, 31):
            later += dt.timedelta(days=1)

    def make_brain(api_: RoomiApi, state: Any, facts: dict) -> Any:
        brain = deterministic_brain(api_, state, facts)
        brain.next_action = meter.wrap_sync(brain.next_action, "brain")  # type: ignore[method-assign]
        return brain

    timings: list[TurnTiming] = []
    async with start_call(api, today=TODAY, make_brain=make_brain, caller_id="+15550001111") as call:
        call._classifier.classify = meter.wrap_sync(call._classifier.classify, "call_log_nlu")  # type: ignore[method-assign]
        call._extractor.extract = meter.wrap_sync(call._extractor.extract, "call_log_nlu")  # type: ignore[method-assign]
        for index, template in enumerate(SCRIPTS[script]):
            said = fill(template, run, cn, later)
            meter.reset()
            started = time.perf_counter()
            turn = await call.say(said)
            total = time.perf_counter() - started
            log = meter.call_log_api + meter.call_log_nlu
            framework = total - meter.brain - meter.tools_api - log
            timings.append(TurnTiming(
                script, run, index, said[:60], round(total * 1000, 3), round(meter.brain * 1000, 3), meter.brain_steps,
                round(meter.tools_api * 1000, 3), meter.tools_api_calls, round(log * 1000, 3),
                round(meter.call_log_api * 1000, 3), round(meter.call_log_nlu * 1000, 3), round(framework * 1000, 3),
                [t["name"] for t in turn.tools]))
            if call.over:
                break
        outcome = {"outcome": call.state.outcome, "booked": list(call.state.booked), "state": turn.state}
    return timings, outcome


EXPECTED_OUTCOME = {"booking": "booking_completed", "info": None, "modify": "booking_modified"}


async def bench(runs: int, warmup: int) -> dict[str, Any]:
    logging.getLogger("livekit").setLevel(logging.ERROR)
    logging.getLogger("livekit.agents").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="roomi-agent-bench-") as tmp:
        tmp_path = Path(tmp)
        template = tmp_path / "template.sqlite3"
        await seeded_database(template)
        shutil.copy(template, tmp_path / "roomiai.sqlite3")
        settings = Settings(data_dir=tmp_path, database_url=f"sqlite+aiosqlite:///{tmp_path / 'roomiai.sqlite3'}",
                            jwt_secret="bench-secret-0123456789abcdef0123456789", vault_key="", today=TODAY, _env_file=None)
        vault = LocalVault(tmp_path / "vault.sqlite3", key=b"0" * 43 + b"=")
        container = build_container(settings, clock=Clock(HOTEL_TZ, pinned_date=TODAY), gateway=vault)
        app = create_app(container)
        token = access_token(secret=container.secret, subject="bench", role="agent", minutes=120, now=wall_clock())
        meter = Meter()
        api = RoomiApi(EMBEDDED_URL, token, transport=httpx.ASGITransport(app=app))
        meter.wrap_api(api)
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=EMBEDDED_URL,
                                 headers={"Authorization": f"Bearer {token}"})
        turns: list[TurnTiming] = []
        problems: list[str] = []
        started = time.perf_counter()
        try:
            for run in range(warmup + runs):
                for script in SCRIPTS:
                    timings, outcome = await one_call(api, http, meter, script, run)
                    if outcome["outcome"] != EXPECTED_OUTCOME[script]:
                        problems.append(f"{script} run {run}: outcome {outcome['outcome']} (state {outcome['state']})")
                    if run >= warmup:
                        turns.extend(timings)
        finally:
            await http.aclose()
            await api.aclose()
            await container.db.dispose()
            vault.close()
        elapsed = time.perf_counter() - started
    return {"turns": turns, "problems": problems, "elapsed_s": elapsed}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(turns: list[TurnTiming]) -> dict[str, dict[str, float]]:
    out = {}
    for key in ("turn_ms", "brain_ms", "tools_api_ms", "call_log_ms", "call_log_api_ms", "call_log_nlu_ms", "framework_ms"):
        values = [getattr(t, key) for t in turns]
        out[key] = {"p50": round(pct(values, 0.5), 2), "p95": round(pct(values, 0.95), 2),
                    "max": round(max(values), 2), "mean": round(statistics.fmean(values), 2)}
    return out


def _cell(s: dict[str, dict[str, float]], key: str, with_max: bool = True) -> str:
    return f"{s[key]['p50']:.1f} / {s[key]['p95']:.1f}" + (f" / {s[key]['max']:.1f}" if with_max else "")


def table(result: dict[str, Any]) -> str:
    turns: list[TurnTiming] = result["turns"]
    groups: list[tuple[str, list[TurnTiming]]] = [("all turns", turns)]
    groups += [(f"{name} ({len(SCRIPTS[name])} lines)", [t for t in turns if t.script == name]) for name in SCRIPTS]
    groups += [("turns with a tool call", [t for t in turns if t.tools_api_calls]),
               ("turns without API calls", [t for t in turns if not t.tools_api_calls])]
    header = ("| turns | n | turn p50 / p95 / max ms | brain p50 / p95 / max | tools API p50 / p95 / max | "
              "call log: API writes p50 / p95 | call log: NLU p50 | framework p50 / p95 |")
    lines = [header, "|---|---|---|---|---|---|---|---|"]
    for name, group in groups:
        if not group:
            continue
        s = summary(group)
        lines.append(f"| {name} | {len(group)} | {_cell(s, 'turn_ms')} | {_cell(s, 'brain_ms')} | {_cell(s, 'tools_api_ms')} | "
                     f"{_cell(s, 'call_log_api_ms', False)} | {s['call_log_nlu_ms']['p50']:.1f} | "
                     f"{_cell(s, 'framework_ms', False)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="measured runs of each script (default 20)")
    parser.add_argument("--warmup", type=int, default=2, help="runs of each script before measuring (default 2)")
    parser.add_argument("--json", type=Path, default=RESULTS / "agent_turns.json", help="where to write the results")
    args = parser.parse_args(argv)

    result = asyncio.run(bench(args.runs, args.warmup))
    turns: list[TurnTiming] = result["turns"]
    print(f"Roomi, deterministic brain, embedded API on SQLite: {len(turns)} measured turns "
          f"({args.runs} runs x {len(SCRIPTS)} scripts after {args.warmup} warm-up runs) in {result['elapsed_s']:.1f} s")
    print(f"machine: {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.2f}")
    print()
    print(table(result))
    slow = sorted(turns, key=lambda t: t.turn_ms, reverse=True)[:5]
    print("\nslowest turns:")
    for t in slow:
        print(f"  {t.turn_ms:7.1f} ms  {t.script}#{t.run} turn {t.turn} {t.tools} brain {t.brain_ms:.1f} "
              f"api {t.tools_api_ms:.1f} ({t.tools_api_calls} calls) log {t.call_log_api_ms:.1f}  {t.said!r}")
    if result["problems"]:
        print("\nscripts that did not end as expected:")
        for problem in result["problems"][:10]:
            print("  " + problem)

    args.json.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "processor": platform.processor() or platform.machine(),
                    "python": platform.python_version(), "load_average": os.getloadavg()},
        "runs": args.runs, "warmup": args.warmup, "scripts": SCRIPTS,
        "summary": {"all": summary(turns), **{name: summary([t for t in turns if t.script == name]) for name in SCRIPTS}},
        "problems": result["problems"],
        "turns": [asdict(t) for t in turns],
    }
    args.json.write_text(json.dumps(payload, indent=1))
    print(f"\nwrote {args.json}")
    return 1 if result["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
