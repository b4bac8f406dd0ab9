"""Deletion on request: Rasa understands "delete my data"; the gateway asks and erases."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from lotse.protocol import PRIVACY_KEY


class ActionOfferDeletion(Action):
    """Hands over to the gateway, which confirms and erases (tracker included) — the same path
    as the /delete command."""

    def name(self) -> str:
        return "action_offer_deletion"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(json_message={PRIVACY_KEY: "offer_deletion"})
        return []
