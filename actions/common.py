"""What every action needs: the reply language and a database session off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from lotse import DEFAULT_LANGUAGE, LANGUAGES
from lotse.db import session_scope

T = TypeVar("T")


def tracker_language(tracker: Tracker) -> str:
    language = tracker.get_slot("language")
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def message_metadata(tracker: Tracker) -> dict[str, Any]:
    """Metadata the gateway attached to the latest user message (see bot/rasa_client.py)."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    return metadata if isinstance(metadata, dict) else {}


async def in_session(work: Callable[[Session], T]) -> T:
    """Run blocking database work in a worker thread so the action server keeps serving."""

    def run() -> T:
        with session_scope() as session:
            return work(session)

    return await asyncio.to_thread(run)
