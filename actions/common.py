"""What every action needs: the reply language and a database session off the event loop."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from lotse import DEFAULT_LANGUAGE, LANGUAGES
from lotse.db import in_session

__all__ = ["in_session", "message_metadata", "tracker_language"]


def tracker_language(tracker: Tracker) -> str:
    language = tracker.get_slot("language")
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def message_metadata(tracker: Tracker) -> dict[str, Any]:
    """Metadata the gateway attached to the latest user message (see bot/rasa_client.py)."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    return metadata if isinstance(metadata, dict) else {}
