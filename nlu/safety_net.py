"""Rasa component: a curated list of emergency phrases per language (data/safety/emergency_*.txt)
that makes an acute-danger message the `emergency` intent, whatever the classifier said.

Phrases match whole words of the folded text (lotse.text.fold); a phrase's last word of six or more
letters may carry up to four more (inflections: öldürece → öldüreceğini). Runs after the intent
classifiers and the FallbackClassifier, so low confidence cannot hide an emergency.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from lotse.text import fold

EMERGENCY = "emergency"
MIN_STEM = 6
MAX_ENDING = 4


def load_phrases(directory: Path) -> List[Tuple[str, ...]]:
    phrases = set()
    for path in sorted(directory.glob("emergency_*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                words = tuple(fold(line).split())
                if words:
                    phrases.add(words)
    return sorted(phrases)


def find_phrase(words: List[str], phrases: List[Tuple[str, ...]]) -> Optional[Tuple[str, ...]]:
    for phrase in phrases:
        n = len(phrase)
        for i in range(len(words) - n + 1):
            if tuple(words[i : i + n - 1]) != phrase[:-1]:
                continue
            last, word = phrase[-1], words[i + n - 1]
            if word == last or (
                len(last) >= MIN_STEM
                and word.startswith(last)
                and len(word) - len(last) <= MAX_ENDING
            ):
                return phrase
    return None


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class EmergencySafetyNet(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"phrases_dir": "data/safety"}

    def __init__(self, phrases: List[Tuple[str, ...]]) -> None:
        self.phrases = phrases

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "EmergencySafetyNet":
        directory = Path(config.get("phrases_dir") or "data/safety")
        return cls(load_phrases(directory))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            phrase = find_phrase(fold(message.get(TEXT) or "").split(), self.phrases)
            if phrase is None:
                continue
            intent = {"name": EMERGENCY, "confidence": 1.0}
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r["name"] != EMERGENCY]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
            message.set("safety_net", " ".join(phrase), add_to_output=True)
        return messages
