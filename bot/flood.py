"""Per-conversation flood limit: a person sending many messages in a few seconds gets one kind
"slow down" and, when the burst is over, an answer to their last message. Other people's
messages are never delayed by it."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum


class Verdict(Enum):
    ALLOW = "allow"
    WARN = "warn"  # the first message over the limit: say "slow down", answer later
    HOLD = "hold"  # further messages over the limit: keep only the latest


@dataclass
class _Window:
    times: deque[float] = field(default_factory=deque)
    held: str | None = None
    warned: bool = False


class FloodLimit:
    def __init__(
        self,
        max_messages: int = 8,
        per_seconds: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        max_conversations: int = 50_000,
    ):
        self.max_messages = max_messages
        self.per_seconds = per_seconds
        self.clock = clock
        self.max_conversations = max_conversations
        self._windows: dict[str, _Window] = {}

    def check(self, conversation_id: str, text: str | None) -> Verdict:
        """Count one update of this person. `text`: a message to answer once a burst is over
        (None for buttons, commands, locations: they count, but nothing is held back)."""
        now = self.clock()
        window = self._windows.get(conversation_id)
        if window is None:
            if len(self._windows) >= self.max_conversations:
                self._forget_idle(now)
            window = self._windows[conversation_id] = _Window()
        while window.times and now - window.times[0] > self.per_seconds:
            window.times.popleft()
        window.times.append(now)
        if len(window.times) <= self.max_messages and (text is None or not window.held):
            window.warned = False
            return Verdict.ALLOW
        if text is not None:
            window.held = text
        if window.warned:
            return Verdict.HOLD
        window.warned = True
        return Verdict.WARN

    def release(self, conversation_id: str) -> str | None:
        """The message held back during a burst (to be answered now), or None."""
        window = self._windows.get(conversation_id)
        if window is None or window.held is None:
            return None
        held, window.held = window.held, None
        window.times.clear()
        window.warned = False
        return held

    def _forget_idle(self, now: float) -> None:
        idle = [
            c
            for c, w in self._windows.items()
            if not w.held and (not w.times or now - w.times[-1] > self.per_seconds)
        ]
        for conversation_id in idle:
            del self._windows[conversation_id]
