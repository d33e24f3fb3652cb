"""Simulated callers against Roomi: N generated calls over every kind, pass rates per kind, failures as JSONL.

    .venv/bin/python bench/simulate_calls.py --calls 2000 --seed 1 --workers 2
    .venv/bin/python bench/simulate_calls.py --calls 100 --kind cancel,change_dates --seed 7
    .venv/bin/python bench/simulate_calls.py --calls 200 --brain llm      # needs ROOMIAI_LLM_* (see README)

Each worker process runs its share of the calls one after another on its own fresh SQLite hotel (tests/simulator/).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import concurrent.futures
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from roomiai.agent.runtime import CallSetupError, brain_for  # noqa: E402
from roomiai.config import Settings  # noqa: E402
from tests.simulator.goals import FIRST_DAY, KINDS, goals_for  # noqa: E402
from tests.simulator.hotel import sim_hotel  # noqa: E402
from tests.simulator.runner import run_calls  # noqa: E402


def reason_key(reason: str) -> str:
    """A failure reason without its particulars, to count alike failures together."""
    reason = reason.split(": ", 1)[0] if reason.startswith(("misunderstood", "card digits", "question not")) else reason
    reason = re.sub(r"\(given at turn \d+\) at turn \d+", "", reason)
    reason = re.sub(r"ROOMI-\d{8}-\d+", "<booking>", reason)
    return re.sub(r"\d{4}-\d\d-\d\d|\d+", "N", reason).strip()


def worker(share: list[tuple[str, int]], seed: int, brain: str) -> list[dict]:
    """Run one worker's goals on its own hotel; returns the verdicts as records."""
    from tests.simulator.goals import make_goal

    make_brain = brain_for(brain, Settings())
    goals = [make_goal(kind, seed=seed, index=index) for kind, index in share]

    async def go() -> list[dict]:
        async with sim_hotel(today=FIRST_DAY) as hotel:
            verdicts = await run_calls(hotel, goals, make_brain=make_brain)
        return [v.record() for v in verdicts]

    return asyncio.run(go())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=2000, help="how many calls, spread evenly over the kinds (default 2000)")
    parser.add_argument("--seed", type=int, default=1, help="the same seed makes the same callers (default 1)")
    parser.add_argument("--kind", default="", help=f"comma-separated kinds (default all): {', '.join(KINDS)}")
    parser.add_argument("--workers", type=int, default=1, help="processes, each with its own hotel (default 1)")
    parser.add_argument("--brain", choices=("deterministic", "llm"), default="deterministic")
    parser.add_argument("--failures", type=Path, default=ROOT / "var" / "simulator" / "failures.jsonl",
                        help="where failed calls are written, one JSON object a line")
    parser.add_argument("--examples", type=int, default=1, help="transcripts printed per top failure reason")
    args = parser.parse_args(argv)
    kinds = tuple(k.strip() for k in args.kind.split(",") if k.strip()) or KINDS
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        parser.error(f"unknown kind {', '.join(unknown)}; choose from {', '.join(KINDS)}")
    if args.calls < 1 or args.workers < 1:
        parser.error("--calls and --workers must be at least 1")
    try:
        brain_for(args.brain, Settings())
    except CallSetupError as exc:
        print(f"simulate_calls: {exc}", file=sys.stderr)
        return 2

    goals = goals_for(calls=args.calls, seed=args.seed, kinds=kinds)
    shares = [[(g.kind, g.index) for g in goals[w::args.workers]] for w in range(args.workers)]
    started = time.perf_counter()
    records: list[dict] = []
    if args.workers == 1:
        records = worker(shares[0], args.seed, args.brain)
    else:
        with concurrent.futures.ProcessPoolExecutor(args.workers) as pool:
            for done in pool.map(worker, shares, [args.seed] * args.workers, [args.brain] * args.workers):
                records += done
    elapsed = time.perf_counter() - started
    report(records, kinds, elapsed=elapsed, failures=args.failures, examples=args.examples, brain=args.brain, seed=args.seed)
    return 0


def report(records: list[dict], kinds: tuple[str, ...], *, elapsed: float, failures: Path, examples: int, brain: str,
           seed: int) -> None:
    by_kind: dict[str, list[dict]] = collections.defaultdict(list)
    for record in records:
        by_kind[record["kind"]].append(record)
    print(f"{len(records)} calls, brain {brain}, seed {seed}, {elapsed:.0f} s ({elapsed / max(1, len(records)) * 1000:.0f} ms a call)")
    print(f"{'kind':22} {'calls':>6} {'passed':>7} {'rate':>7}  top failure reasons")
    for kind in kinds:
        rows = by_kind.get(kind, [])
        if not rows:
            continue
        passed = sum(r["passed"] for r in rows)
        reasons = collections.Counter(x for r in rows if not r["passed"] for x in {reason_key(y) for y in r["reasons"]})
        top = "; ".join(f"{why} ({n})" for why, n in reasons.most_common(3))
        print(f"{kind:22} {len(rows):6d} {passed:7d} {passed / len(rows):7.1%}  {top}")
    total = sum(r["passed"] for r in records)
    print(f"{'all':22} {len(records):6d} {total:7d} {total / max(1, len(records)):7.1%}")
    failed = [r for r in records if not r["passed"]]
    failures.parent.mkdir(parents=True, exist_ok=True)
    failures.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in failed), encoding="utf-8")
    print(f"{len(failed)} failed calls written to {failures}")
    reasons = collections.Counter(x for r in failed for x in {reason_key(y) for y in r["reasons"]})
    for why, n in reasons.most_common(8):
        print(f"\n== {why} ({n} calls)")
        for record in [r for r in failed if any(reason_key(x) == why for x in r["reasons"])][:examples]:
            print(f"   {record['label']} ({record['today']}): {'; '.join(record['reasons'])[:300]}")
            for line in record["transcript"]:
                print(f"   caller: {line['caller']}\n   roomi:  {line['roomi']}  [{line['state']}]")


if __name__ == "__main__":
    raise SystemExit(main())
