"""Rasa component: a spaCy Matcher over the catalogue's places and their spellings in other
scripts (data/catalogue/places.csv: Лёррах, لوراخ, Weil a. Rh.), adding `location` entities the
classifier missed, with the canonical place name as value.

Tokens are compared by their folded form (lotse.text.fold), and the last word of a long name may
carry a short inflection ending (в Леррахе). The place list is read when Rasa starts; the actions
resolve places against the database as well, so a newly added place works before the next start.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any, Dict, Iterable, List, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from lotse.text import fold

ENTITY = "location"
MIN_STEM = 6
MAX_ENDING = 2


def read_places(path: Path) -> Dict[str, List[str]]:
    """Canonical place → every name it is written as."""
    places: Dict[str, List[str]] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            place = (row.get("name") or row.get("place") or "").strip()
            if not place:
                continue
            names = [place, re.sub(r"\s*\(.*?\)", "", place)]
            names += [a for a in (row.get("aliases") or "").split("|") if a.strip()]
            places[place] = names
    return places


def token_pattern(name: str) -> List[Dict[str, Any]]:
    words = fold(name).split()
    pattern: List[Dict[str, Any]] = []
    for i, word in enumerate(words):
        if i:
            pattern.append({"IS_PUNCT": True, "OP": "?"})  # Grenzach-Wyhlen, Weil a. Rh.
        if i == len(words) - 1 and len(word) >= MIN_STEM:
            ending = f"\\w{{0,{MAX_ENDING}}}"
            pattern.append({"NORM": {"REGEX": f"^{re.escape(word)}{ending}$"}})
        else:
            pattern.append({"NORM": word})
    return pattern


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class PlaceGazetteer(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"places_file": "data/catalogue/places.csv"}

    def __init__(self, places: Dict[str, List[str]]) -> None:
        import spacy
        from spacy.matcher import Matcher

        self.nlp = spacy.blank("xx")
        self.matcher = Matcher(self.nlp.vocab)
        for place, names in places.items():
            patterns = [token_pattern(n) for n in set(names) if fold(n)]
            self.matcher.add(place, patterns)

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "PlaceGazetteer":
        path = Path(config.get("places_file") or "data/catalogue/places.csv")
        return cls(read_places(path) if path.exists() else {})

    def find(self, text: str) -> List[Tuple[int, int, str]]:
        """(start, end, place) character spans, longest first, without overlaps."""
        doc = self.nlp.make_doc(text)
        for token in doc:
            token.norm_ = fold(token.text) or token.text
        spans = []
        for match_id, start, end in self.matcher(doc):
            span = doc[start:end]
            spans.append((span.start_char, span.end_char, self.nlp.vocab.strings[match_id]))
        spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
        chosen: List[Tuple[int, int, str]] = []
        for span in spans:
            if all(span[1] <= c[0] or span[0] >= c[1] for c in chosen):
                chosen.append(span)
        return sorted(chosen)

    @staticmethod
    def _overlaps(span: Tuple[int, int, str], entities: Iterable[Dict[str, Any]]) -> bool:
        return any(
            span[0] < e["end"] and e["start"] < span[1]
            for e in entities
            if e.get("entity") == ENTITY
        )

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            entities = list(message.get(ENTITIES) or [])
            for span in self.find(message.get(TEXT) or ""):
                if self._overlaps(span, entities):
                    continue
                entities.append(
                    {
                        "entity": ENTITY,
                        "start": span[0],
                        "end": span[1],
                        "value": span[2],
                        "confidence_entity": 1.0,
                        "extractor": self.__class__.__name__,
                    }
                )
            message.set(ENTITIES, entities, add_to_output=True)
        return messages
