"""Rasa component: normalise the message text before tokenising (see lotse/text.py for what).

Runs on training data too, moving entity annotations with the text, so training and inference see
the same forms. The original text stays available as `text_original` in the parse result.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from lotse.text import normalize_with_offsets, remap_span

ORIGINAL = "text_original"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class TextNormalizer(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TextNormalizer":
        return cls()

    @staticmethod
    def normalize_message(message: Message) -> None:
        text = message.get(TEXT)
        if not text:
            return
        normalized, origin = normalize_with_offsets(text)
        if normalized == text:
            return
        # the original is kept, in training too: the intent model's dictionaries need the
        # letters as typed (nlu/morphology.py)
        message.set(ORIGINAL, text, add_to_output=True)
        message.set(TEXT, normalized)
        entities: Optional[List[Dict[str, Any]]] = message.get(ENTITIES)
        for entity in entities or []:
            old_start, old_end = entity["start"], entity["end"]
            start, end = remap_span(origin, old_start, old_end)
            entity["start"], entity["end"] = start, end
            if entity.get("value") == text[old_start:old_end]:
                entity["value"] = normalized[start:end]

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self.normalize_message(message)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self.normalize_message(message)
        return messages
