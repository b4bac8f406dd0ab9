"""Rasa component: residence status and age stated in any message become entities
(`residence_status`, `age_group`), which fill their slots (domain/slots.yml), so the offer form
never asks what the person already said. The phrases and rules are in lotse/facts.py."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from lotse.facts import age_group, find_age, find_residence_status, load_status_phrases
from nlu.normalizer import ORIGINAL


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class PersonFactsExtractor(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "PersonFactsExtractor":
        return cls()

    def __init__(self) -> None:
        self.phrases = load_status_phrases()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(ORIGINAL) or message.get(TEXT) or ""
            found = []
            status = find_residence_status(text, self.phrases)
            if status:
                found.append(_entity("residence_status", status, len(text)))
            age = find_age(text)
            group = age_group(age) if age is not None else None
            if group:
                found.append(_entity("age_group", group, len(text)))
            if found:
                message.set(ENTITIES, [*(message.get(ENTITIES) or []), *found], add_to_output=True)
        return messages


def _entity(name: str, value: str, length: int) -> Dict[str, Any]:
    # the whole message is the span: the facts come from phrases, not one token
    return {
        "entity": name,
        "value": value,
        "start": 0,
        "end": length,
        "extractor": "PersonFactsExtractor",
    }
