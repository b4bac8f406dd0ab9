"""The `language` slot, set after every user message (Rasa's action_validate_slot_mappings)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from actions.common import message_metadata
from lotse.conversations import reply_language


class ValidateSlotMappings(ValidationAction):
    """Applies the reply-language rule of lotse.conversations to each message."""

    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        metadata = message_metadata(tracker)
        if not metadata:  # e.g. a message injected through the HTTP API: keep what we have
            return {}
        language = reply_language(
            metadata.get("chosen_language"), None, metadata.get("language_code")
        )
        if language == tracker.get_slot("language"):
            return {}
        return {"language": language}
