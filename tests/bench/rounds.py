"""Comparisons that a machine whose load changes during the bench cannot tilt: both sides measured
in short alternating windows, the ratio taken per round from windows next to each other, and the
median of the rounds reported (issue 15; docs/decisions.md, "a bench on a shared machine").

A load spike (another engineer's tests on the same two cores) used to fall on one side of a
comparison only: raw Rasa's 40 s, then end to end's 40 s; the old gateway's CPU per turn, then
today's a minute later. Now it falls on one round, and the median of five rounds leaves it out.
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

Turn = Callable[[str], Awaitable[float]]

THROUGHPUT_ROUNDS = 9
"""Session 9: 9 rounds instead of 5. With Rasa on a core of its own the two sides' rates differ by
less than the scatter between windows (single rounds 0.81-1.02 in three runs of 5 rounds), so the
median needs more rounds to say which is faster; the cost is 2.5 minutes."""
WINDOW_S = 8.0
"""Seconds each side runs per round and user count (9 rounds x 2 user counts x 2 sides x 8 s)."""
WARM_UP_S = 1.0
"""Seconds of each window before turns count: all users start at once, so the first turns
finish together; the window's last turns drain after it and are not counted either."""
SATURATION_USERS = (16, 48)
"""Closed-loop users for throughput; each side's peak counts. With 16 users an end-to-end run
leaves a quarter of the CPU idle (the users wait on the gateway's round trips), while raw Rasa
is a little faster with 16 than with 48 concurrent conversations."""


async def closed_loop(
    turn: Turn,
    texts: Sequence[str],
    users: int,
    seconds: float = WINDOW_S,
    warm_up: float = WARM_UP_S,
) -> dict[str, Any]:
    """Saturation: each user sends its next message when the answer has arrived; the rate is
    the turns finished inside the window after the warm-up, per second."""
    finished: list[float] = []
    begin = time.monotonic() + warm_up
    end = begin + seconds

    async def user_loop(k: int) -> None:
        for i in itertools.count(k):
            if time.monotonic() >= end:
                return
            await turn(texts[i % len(texts)])
            finished.append(time.monotonic())

    await asyncio.gather(*(user_loop(k) for k in range(users)))
    done = sum(1 for t in finished if begin <= t < end)
    return {"turns_per_s": round(done / seconds, 1), "turns": done, "users": users}


def side_order(round_number: int, sides: Sequence[str]) -> list[str]:
    """Which side goes first alternates from round to round."""
    return list(sides) if round_number % 2 == 0 else list(reversed(sides))


async def throughput_rounds(
    sides: dict[str, Turn],
    texts: Sequence[str],
    rounds: int = THROUGHPUT_ROUNDS,
    users: Sequence[int] = SATURATION_USERS,
    seconds: float = WINDOW_S,
    warm_up: float = WARM_UP_S,
) -> dict[str, Any]:
    """Turns per second at saturation of two sides (the first is the reference: raw Rasa),
    interleaved. Per round and user count both sides run back to back; a round's figure per side
    is its peak over the user counts, its ratio second / first. Reported: the medians of the
    rounds' ratios and of each side's peaks, and every round."""
    first, second = sides
    per_round: list[dict[str, Any]] = []
    for number in range(rounds):
        windows: dict[str, dict[int, dict[str, Any]]] = {side: {} for side in sides}
        for count in users:
            for side in side_order(number, list(sides)):
                windows[side][count] = await closed_loop(
                    sides[side], texts, count, seconds, warm_up
                )
        peaks = {
            side: max(by_users.values(), key=lambda w: w["turns_per_s"])
            for side, by_users in windows.items()
        }
        per_round.append(
            {
                "first": side_order(number, list(sides))[0],
                "peaks": peaks,
                "ratio": ratio(peaks[second]["turns_per_s"], peaks[first]["turns_per_s"]),
                "ratio_by_users": {
                    count: ratio(
                        windows[second][count]["turns_per_s"], windows[first][count]["turns_per_s"]
                    )
                    for count in users
                },
                "windows": windows,
            }
        )
    return summarise_throughput(per_round, list(sides))


def summarise_throughput(per_round: list[dict[str, Any]], sides: list[str]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for side in sides:
        peaks = [r["peaks"][side] for r in per_round]
        summary[side] = {
            "turns_per_s": round(statistics.median(p["turns_per_s"] for p in peaks), 1),
            "users": Counter(p["users"] for p in peaks).most_common(1)[0][0],
            "rounds": [p["turns_per_s"] for p in peaks],
        }
    ratios = [r["ratio"] for r in per_round]
    summary["ratio"] = round(statistics.median(ratios), 2)
    summary["ratios"] = ratios
    summary["rounds"] = per_round
    summary["method"] = (
        f"{len(per_round)} rounds, sides alternating first; per round each side's peak over "
        f"{sorted({c for r in per_round for c in r['windows'][sides[0]]})} users in windows of "
        f"{WINDOW_S:g} s after {WARM_UP_S:g} s warm-up; medians"
    )
    return summary


def ratio(numerator: float, denominator: float) -> float:
    return round(numerator / max(0.1, denominator), 2)


async def cpu_rounds(
    sides: dict[str, Callable[[], Awaitable[dict[str, Any]]]], rounds: int
) -> dict[str, dict[str, Any]]:
    """CPU per turn of two versions measured in turns: old, new, new, old, old, new … (the order
    alternating per round); per side and process the median of its rounds, and every round."""
    measured: dict[str, list[dict[str, Any]]] = {side: [] for side in sides}
    for number in range(rounds):
        for side in side_order(number, list(sides)):
            measured[side].append(await sides[side]())
    return {side: median_figures(results) for side, results in measured.items()}


def median_figures(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The per-process medians of several `cpu_per_turn` results, the rounds kept beside them."""
    keys = [k for k in results[0] if k.endswith("_ms")]
    summary: dict[str, Any] = {k: round(statistics.median(r[k] for r in results), 2) for k in keys}
    summary["turns"] = sum(r["turns"] for r in results)
    summary["users"] = results[0]["users"]
    summary["rounds"] = results
    return summary


def gateway_ratios(new: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """The gateway's CPU per turn now / before, per round (round n of each side measured next
    to each other) and their median."""
    per_round = [
        round(n["gateway_ms"] / o["gateway_ms"], 2)
        for n, o in zip(new["rounds"], old["rounds"], strict=True)
        if o.get("gateway_ms")
    ]
    return {"ratio": round(statistics.median(per_round), 2), "ratios": per_round}
