"""Rasa component: the emergency safety net (lotse/safety.py) inside the NLU pipeline.

Runs after the intent classifiers and the FallbackClassifier, so neither a wrong intent nor low
confidence can hide an acute danger: a matching phrase makes the intent `emergency`, and so does
an emergency probability of `min_confidence` or more from the classifier even where another
intent scored higher or the FallbackClassifier would ask back. Below that, from
`hint_confidence`, the message keeps its intent and is marked `possible_danger`: Lotse answers
the question and puts the emergency numbers in one line before it (actions/slots.py), so an
unsure reading neither hides a danger nor replaces help with a flat by an alarm. Both levels
were chosen on the first held-out set (docs/decisions.md). The danger model marks a possible
danger the same way from its own hint threshold (lotse/danger_model.py; session 12: on blind set
4 it put the numbers before the answer for 7 more of 112 dangers, and for no more look-alike).
A phrase that matches a long message the danger model reads as almost surely ordinary gives the
line too, not the alarm (session 14: every false alarm on blind sets 2 to 6 came from a phrase;
docs/decisions.md), unless the classifier itself reads an emergency.
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

from lotse.safety import PhraseNet, load_phrases, read_message

EMERGENCY = "emergency"
POSSIBLE_DANGER = "possible_danger"
DOUBTED = "safety_net_doubted"
"""The phrase that matched a message the danger model doubted (for the evaluator and the log)."""


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EmergencySafetyNet(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"phrases_dir": "data/safety", "min_confidence": 0.6, "hint_confidence": 0.1}

    def __init__(
        self, phrases: PhraseNet, min_confidence: float = 0.6, hint_confidence: float = 0.1
    ) -> None:
        self.phrases = phrases
        self.min_confidence = min_confidence
        self.hint_confidence = hint_confidence

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "EmergencySafetyNet":
        directory = Path(config.get("phrases_dir") or "data/safety")
        defaults = cls.get_default_config()
        return cls(
            load_phrases(directory),
            float(config.get("min_confidence", defaults["min_confidence"])),
            float(config.get("hint_confidence", defaults["hint_confidence"])),
        )

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            ranking = message.get(INTENT_RANKING_KEY) or []
            match, possible, doubted = read_message(
                message.get(TEXT) or "", self.phrases, doubt=True
            )
            phrase = match.phrase if match else None
            classified = next((r for r in ranking if r["name"] == EMERGENCY), None)
            probability = classified["confidence"] if classified else 0.0
            if phrase is not None and doubted and probability < self.min_confidence:
                # a phrase in a long message the danger model reads as ordinary: the line
                message.set(POSSIBLE_DANGER, True, add_to_output=True)
                message.set(DOUBTED, " ".join(phrase), add_to_output=True)
                continue
            if phrase is None and probability < self.min_confidence:
                if probability >= self.hint_confidence or possible:
                    message.set(POSSIBLE_DANGER, True, add_to_output=True)
                continue
            confidence = 1.0 if phrase else classified["confidence"]  # type: ignore[index]
            intent = {"name": EMERGENCY, "confidence": confidence}
            others = [r for r in ranking if r["name"] != EMERGENCY]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent, *others], add_to_output=True)
            if phrase:
                message.set("safety_net", " ".join(phrase), add_to_output=True)
        return messages
