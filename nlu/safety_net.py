"""Rasa component: the emergency safety net (lotse/safety.py) inside the NLU pipeline.

Runs after the intent classifiers and the FallbackClassifier, so neither a wrong intent nor low
confidence can hide an acute danger: a matching phrase makes the intent `emergency`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from lotse.safety import Phrase, find_phrase, load_phrases

EMERGENCY = "emergency"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EmergencySafetyNet(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"phrases_dir": "data/safety"}

    def __init__(self, phrases: List[Phrase]) -> None:
        self.phrases = phrases

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "EmergencySafetyNet":
        directory = Path(config.get("phrases_dir") or "data/safety")
        return cls(load_phrases(directory))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            phrase = find_phrase(message.get(TEXT) or "", self.phrases)
            if phrase is None:
                continue
            intent = {"name": EMERGENCY, "confidence": 1.0}
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r["name"] != EMERGENCY]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
            message.set("safety_net", " ".join(phrase), add_to_output=True)
        return messages
