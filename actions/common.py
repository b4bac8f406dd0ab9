"""What every action needs: the reply language and a database session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from lotse import DEFAULT_LANGUAGE, LANGUAGES
from lotse.db import session_scope

__all__ = ["in_session", "message_metadata", "tracker_language"]


T = TypeVar("T")


async def in_session(work: Callable[[Session], T]) -> T:
    """An action's database work, run on the action server's own event-loop thread; commits on
    success.

    An action asks one to three short questions of the database (a place, the offers, the question
    log: 1-3 ms). Handed to a worker thread, each hand-over waited for the GIL in both directions,
    and under load an action call took 20-104 ms instead of 2 while Rasa, waiting for it, ran out
    of work (docs/decisions.md, "The action server's database work on its own thread"). A write
    that waits for SQLite's lock holds the loop, but a worker pool of six threads fills up just as
    fast at Lotse's rates."""
    with session_scope() as session:
        return work(session)


def tracker_language(tracker: Tracker) -> str:
    language = tracker.get_slot("language")
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def message_metadata(tracker: Tracker) -> dict[str, Any]:
    """Metadata the gateway attached to the latest user message (see bot/rasa_client.py)."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    return metadata if isinstance(metadata, dict) else {}
