"""Searches that never await take turns per event-loop iteration, so a booking's steps run between them."""

from __future__ import annotations

import asyncio

import pytest

from roomiai.api.read_gate import TurnsPerIteration

pytestmark = pytest.mark.unit


async def completed_per_iteration(turns: TurnsPerIteration, searches: int, *, cancel: tuple[int, ...] = ()):
    """Starts the searches at once; how many got their turn in each later iteration, and in which order."""
    order: list[int] = []

    async def search(n: int) -> None:
        await turns.take()
        order.append(n)

    tasks = [asyncio.create_task(search(n)) for n in range(searches)]
    counts = []
    for i in range(3 * searches):
        await asyncio.sleep(0)  # one loop iteration
        if i == 1:
            for n in cancel:
                tasks[n].cancel()
        counts.append(len(order))
    await asyncio.gather(*tasks, return_exceptions=True)
    return [b - a for a, b in zip([0, *counts], counts, strict=False)], order


async def test_at_most_the_limit_per_iteration_first_come_first_served():
    per_iteration, order = await completed_per_iteration(TurnsPerIteration(3), 10)
    assert order == list(range(10))
    assert max(per_iteration) == 3 and sum(per_iteration) == 10


async def test_a_cancelled_search_gives_its_turn_up():
    per_iteration, order = await completed_per_iteration(TurnsPerIteration(2), 7, cancel=(4,))
    assert order == [0, 1, 2, 3, 5, 6]
    assert max(per_iteration) == 2


async def test_turns_are_not_held_past_the_iteration():
    turns = TurnsPerIteration(1)
    for _ in range(5):  # one search per iteration never waits
        await asyncio.wait_for(turns.take(), timeout=5)
        await asyncio.sleep(0)
