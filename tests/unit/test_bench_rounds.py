"""How `make bench` compares two sides on a shared machine (tests/bench/rounds.py, issue 15):
alternating order, ratios from windows next to each other, medians over rounds. Fake turns that
finish at once; nothing here depends on how fast the machine is."""

from __future__ import annotations

import pytest

from tests.bench.rounds import (
    closed_loop,
    cpu_rounds,
    gateway_ratios,
    median_figures,
    side_order,
    summarise_throughput,
    throughput_rounds,
)


def test_the_side_that_goes_first_alternates() -> None:
    assert [side_order(n, ["raw", "e2e"])[0] for n in range(4)] == ["raw", "e2e", "raw", "e2e"]


def window(rate: float, users: int) -> dict:
    return {"turns_per_s": rate, "turns": int(rate * 8), "users": users}


def test_a_spike_in_one_round_does_not_move_the_ratio() -> None:
    """Round 2's end-to-end windows were hit by another engineer's tests: its ratio is an
    outlier, and the median of five rounds ignores it (the old single pair would report it)."""
    rounds = []
    for number, (raw, e2e) in enumerate([(30, 29), (31, 30), (30, 18), (29, 28), (30, 29.5)]):
        windows = {
            "raw_rasa": {16: window(raw, 16), 48: window(raw - 2, 48)},
            "end_to_end": {16: window(e2e - 1, 16), 48: window(e2e, 48)},
        }
        peaks = {"raw_rasa": windows["raw_rasa"][16], "end_to_end": windows["end_to_end"][48]}
        rounds.append(
            {
                "first": side_order(number, ["raw_rasa", "end_to_end"])[0],
                "peaks": peaks,
                "ratio": round(e2e / raw, 2),
                "windows": windows,
            }
        )
    summary = summarise_throughput(rounds, ["raw_rasa", "end_to_end"])
    assert summary["ratios"] == [0.97, 0.97, 0.6, 0.97, 0.98]
    assert summary["ratio"] == 0.97
    assert summary["raw_rasa"] == {"turns_per_s": 30, "users": 16, "rounds": [30, 31, 30, 29, 30]}
    assert summary["end_to_end"]["turns_per_s"] == 29 and summary["end_to_end"]["users"] == 48
    assert len(summary["rounds"]) == 5  # every round kept in the JSON


async def test_rounds_alternate_and_every_window_is_measured() -> None:
    calls: list[str] = []

    def side(name: str):  # type: ignore[no-untyped-def]
        async def turn(text: str) -> float:
            calls.append(name)
            return 0.0

        return turn

    summary = await throughput_rounds(
        {"raw_rasa": side("raw"), "end_to_end": side("e2e")},
        ["a", "b"],
        rounds=2,
        users=(1, 2),
        seconds=0.02,
        warm_up=0.0,
    )
    assert [r["first"] for r in summary["rounds"]] == ["raw_rasa", "end_to_end"]
    assert all(set(r["windows"]["raw_rasa"]) == {1, 2} for r in summary["rounds"])
    assert {"raw", "e2e"} == set(calls)
    assert len(summary["ratios"]) == 2


async def test_a_failing_turn_is_not_counted_as_throughput() -> None:
    async def broken(text: str) -> float:
        raise TimeoutError("no answer")

    with pytest.raises(TimeoutError):
        await closed_loop(broken, ["a"], users=2, seconds=0.01, warm_up=0.0)


async def test_cpu_rounds_alternate_and_report_medians() -> None:
    order: list[str] = []
    figures = {"before": iter([12.0, 15.0, 9.5]), "now": iter([5.0, 5.4, 5.2])}

    def side(name: str):  # type: ignore[no-untyped-def]
        async def measure() -> dict:
            order.append(name)
            gateway = next(figures[name])
            return {"gateway_ms": gateway, "actions_ms": 8.0, "turns": 400, "users": 16}

        return measure

    cpu = await cpu_rounds({"before": side("before"), "now": side("now")}, rounds=3)
    assert order == ["before", "now", "now", "before", "before", "now"]
    assert cpu["before"]["gateway_ms"] == 12.0 and cpu["now"]["gateway_ms"] == 5.2
    assert cpu["now"]["turns"] == 1200 and len(cpu["now"]["rounds"]) == 3
    assert gateway_ratios(cpu["now"], cpu["before"]) == {
        "ratio": 0.42,
        "ratios": [0.42, 0.36, 0.55],
    }


def test_median_figures_of_one_round_are_that_round() -> None:
    one = {"gateway_ms": 5.0, "rasa_ms": 25.0, "turns": 400, "users": 16}
    assert median_figures([one]) == {**one, "rounds": [one]}
