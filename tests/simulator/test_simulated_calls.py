"""A fixed sample of simulated calls (3 seeds × every kind) against Roomi's deterministic brain, graded on the end state.

Calls that fail today because of known dialogue defects are strict xfails with the grader's reasons: when a fix makes
one pass, the suite fails until its entry is removed from KNOWN_FAILURES. The full benchmark is bench/simulate_calls.py.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.simulator.goals import FIRST_DAY, KINDS, Goal, make_goal
from tests.simulator.grader import Verdict
from tests.simulator.hotel import sim_hotel
from tests.simulator.runner import run_calls

pytestmark = pytest.mark.simulator

SEEDS = (101, 102, 103)
# (kind, seed) → why the call fails today (the grader's first reasons, from a run on the brain as it is)
KNOWN_FAILURES: dict[tuple[str, int], str] = {
}


def sample() -> list[Goal]:
    return [make_goal(kind, seed=seed, index=0) for seed in SEEDS for kind in KINDS]


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory) -> dict[tuple[str, int], Verdict]:
    """Every call of the sample, one after another on one hotel (a module's worth of calls in a few seconds)."""
    folder = tmp_path_factory.mktemp("simulated-hotel")

    async def go() -> list[Verdict]:
        async with sim_hotel(today=FIRST_DAY, folder=folder) as hotel:
            return await run_calls(hotel, sample())

    return {(v.goal.kind, v.goal.seed): v for v in asyncio.run(go())}


def cases():
    for seed in SEEDS:
        for kind in KINDS:
            known = KNOWN_FAILURES.get((kind, seed))
            marks = [pytest.mark.xfail(strict=True, reason=known)] if known else []
            yield pytest.param(kind, seed, marks=marks, id=f"{kind}-{seed}")


@pytest.mark.parametrize(("kind", "seed"), list(cases()))
def test_the_simulated_caller_gets_what_they_called_for(verdicts, kind, seed):
    verdict = verdicts[(kind, seed)]
    transcript = "\n".join(f"caller: {line.caller}\nroomi:  {line.roomi}" for line in verdict.lines)
    assert verdict.passed, f"{'; '.join(verdict.reasons)}\n{transcript}"


def test_no_simulator_errors_in_the_sample(verdicts):
    """The simulator's own faults are never counted as Roomi's."""
    broken = {label: v.reasons for label, v in verdicts.items() if any(r.startswith("simulator error") for r in v.reasons)}
    assert not broken, json.dumps({f"{k}-{s}": r for (k, s), r in broken.items()}, indent=1)
