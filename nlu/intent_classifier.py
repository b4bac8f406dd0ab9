"""Rasa component: Lotse's intent classifier (nlu/intent_model.py) inside the NLU pipeline.

Reads the normalised text and the morphological normal forms of the text as typed, in the
language nlu/language_id.py found, and sets `intent` and `intent_ranking` with calibrated
confidences. Training is deterministic: the same data gives the same model.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.intent_model import DEFAULTS, IntentModel
from nlu.language_id import KEY as LANGUAGE_KEY
from nlu.morphology import lemmas
from nlu.normalizer import ORIGINAL
from nlu.persisted import PickledModelComponent

log = logging.getLogger(__name__)
RANKING_LENGTH = 10


def model_inputs(message: Message) -> tuple[str, str]:
    text = message.get(TEXT) or ""
    language = (message.get(LANGUAGE_KEY) or {}).get("code")
    return text, lemmas(message.get(ORIGINAL) or text, language)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(PickledModelComponent):
    FILE = "intent_model.pkl"

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return dict(DEFAULTS)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        inputs = [model_inputs(m) for m in examples]
        model = IntentModel({k: self.config[k] for k in DEFAULTS})
        model.fit(
            [t for t, _ in inputs], [lem for _, lem in inputs], [m.get(INTENT) for m in examples]
        )
        return self.persist(model)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._model is None:
            return messages
        inputs = [model_inputs(m) for m in messages]
        rankings = self._model.predict([t for t, _ in inputs], [lem for _, lem in inputs])
        for message, ranking in zip(messages, rankings, strict=True):
            if not message.get(TEXT):
                continue
            top = [
                {"name": name, "confidence": round(p, 4)} for name, p in ranking[:RANKING_LENGTH]
            ]
            message.set(INTENT, top[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, top, add_to_output=True)
        return messages
