from __future__ import annotations

from bot.flood import FloodLimit, Verdict


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_warned_once_and_its_last_message_kept() -> None:
    clock = Clock()
    limit = FloodLimit(max_messages=3, per_seconds=10, clock=clock)
    verdicts = [limit.check("a", f"m{i}") for i in range(6)]
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.WARN, Verdict.HOLD, Verdict.HOLD]
    assert limit.check("b", "other person") is Verdict.ALLOW  # nobody else is slowed down
    assert limit.release("a") == "m5"
    assert limit.release("a") is None
    assert limit.check("a", "calm again") is Verdict.ALLOW


def test_messages_spread_over_time_are_never_limited() -> None:
    clock = Clock()
    limit = FloodLimit(max_messages=3, per_seconds=10, clock=clock)
    for i in range(20):
        clock.now = i * 4.0
        assert limit.check("a", "hello") is Verdict.ALLOW


def test_idle_conversations_are_forgotten_when_the_table_is_full() -> None:
    clock = Clock()
    limit = FloodLimit(max_messages=3, per_seconds=10, clock=clock, max_conversations=2)
    limit.check("a", "x")
    limit.check("b", "y")
    clock.now = 100
    limit.check("c", "z")
    assert set(limit._windows) == {"c"}


def test_buttons_and_commands_count_but_hold_nothing_back() -> None:
    """Updates without a text to answer later (issue 14, item 12) share the person's window."""
    clock = Clock()
    limit = FloodLimit(max_messages=3, per_seconds=10, clock=clock)
    assert limit.check("a", "a question") is Verdict.ALLOW
    verdicts = [limit.check("a", None) for _ in range(4)]
    assert verdicts == [Verdict.ALLOW, Verdict.ALLOW, Verdict.WARN, Verdict.HOLD]
    assert limit.release("a") is None  # no text was held back for a button
    clock.now = 11
    assert limit.check("a", None) is Verdict.ALLOW
