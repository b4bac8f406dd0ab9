"""A linear danger model beside the phrase lists: character n-grams, scored in pure Python.

The phrase lists generalise by the families written into them; on messages nobody on the team
had seen they still missed about one danger in ten (docs/decisions.md, "a danger model beside the
lists"). This model is trained by `nlu/danger_model.py` (scikit-learn, in `make train`) on every
danger and every other message of the training data and the emergency net's development set, and
written to `models/danger-model.json`. Here it is only read and scored — the same arithmetic as
scikit-learn's TfidfVectorizer(analyzer="char_wb", sublinear_tf=True) and LogisticRegression — so
the gateway needs no scikit-learn and the net still holds when Rasa is down.

It raises an alarm only at a probability the development data showed to be rare on ordinary
messages (the file's threshold); below it, the phrases alone decide. Between the file's
`hint_threshold` and the alarm it marks the message a *possible* danger: Lotse answers as usual
and puts the emergency numbers in one line before the answer (nlu/safety_net.py). Below the
file's `doubt_threshold`, a long message is *doubted* even where a phrase matched: the pipeline
gives it the line instead of the alarm (the gateway, answering alone when Rasa is down, does not).
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "models" / "danger-model.json"
FORMAT = 1
ALARM = "alarm"
HINT = "hint"
MIN_WORDS = 3
"""Shorter messages are left to the phrases ("hilfe!", "الحقوني" are listed): with one or two
words a bag of n-grams is sure of too little — "er hat" alone scored 0.96."""


def char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    """scikit-learn's "char_wb" analyzer: n-grams inside each word padded with one space."""
    grams: list[str] = []
    for word in text.split():
        padded = f" {word} "
        length = len(padded)
        for n in range(low, high + 1):
            offset = 0
            grams.append(padded[offset : offset + n])
            while offset + n < length:
                offset += 1
                grams.append(padded[offset : offset + n])
            if offset == 0:  # a word shorter than n counts once
                break
    return grams


_WORD = re.compile(r"(?u)\b\w\w+\b")
WORD_PREFIX = "w:"
"""Word n-grams are stored with this prefix beside the character n-grams."""


def word_ngrams(text: str, low: int, high: int) -> list[str]:
    """scikit-learn's "word" analyzer with its default token pattern."""
    tokens = _WORD.findall(text)
    return [
        " ".join(tokens[i : i + n])
        for n in range(low, high + 1)
        for i in range(len(tokens) - n + 1)
    ]


def _block(grams: list[str], features: dict[str, tuple[float, float]], prefix: str) -> float:
    """One TF-IDF block (sublinear tf, L2-normalised) dotted with its weights."""
    values = []
    for gram, count in Counter(grams).items():
        known = features.get(prefix + gram)
        if known is not None:
            values.append(((1.0 + math.log(count)) * known[0], known[1]))
    norm = math.sqrt(sum(v * v for v, _ in values))
    return sum(v * w for v, w in values) / norm if norm else 0.0


DOUBT_MIN_WORDS = 10
"""Words a message needs before the danger model may doubt a phrase in it (shorter messages are
too little for the model to outweigh a listed phrase). 8 until session 16; with the seventeenth
round, out of fold (`nlu.danger_model --cv`), three dangers of 8 or 9 words scored below 0.05
("des gens du Heim me menacent de mort", 0.015) and none of 10 words or more below 0.03
(nlu/danger_model.DOUBT_THRESHOLD)."""


@dataclass(frozen=True)
class DangerModel:
    low: int
    high: int
    intercept: float
    threshold: float
    features: dict[str, tuple[float, float]]
    """n-gram -> (idf, weight); word n-grams prefixed with WORD_PREFIX."""
    word_range: tuple[int, int] | None = None
    """Word n-grams as a second block, if the model was trained with them."""
    hint_threshold: float | None = None
    """From here up to `threshold`, a possible danger (None: no hints, as in older files)."""
    doubt_threshold: float | None = None
    """Below this, a message of `doubt_min_words` or more that a phrase matched is doubted: read
    as a possible danger, not an alarm, by the NLU pipeline (None: never, as in older files)."""
    doubt_min_words: int = DOUBT_MIN_WORDS

    def probability(self, text: str) -> float:
        """For a message as the net hands it over (`lotse.safety.model_text`: its words already
        folded, look-alike phrases blanked) — the very string the training read. Folding it
        again is not the identity ("queer" loses its "ue"), so only scikit-learn's own
        lowercasing is repeated here."""
        key = text.lower()
        score = self.intercept + _block(char_wb_ngrams(key, self.low, self.high), self.features, "")
        if self.word_range is not None:
            grams = word_ngrams(key, *self.word_range)
            score += _block(grams, self.features, WORD_PREFIX)
        return 1.0 / (1.0 + math.exp(-score))

    def doubts(self, text: str) -> bool:
        """A long message the model reads as almost surely ordinary, whatever phrase matched."""
        if self.doubt_threshold is None or len(text.split()) < self.doubt_min_words:
            return False
        return self.probability(text) < self.doubt_threshold

    def reading(self, text: str) -> str | None:
        """ALARM, HINT (a possible danger, below the alarm) or None, from one probability."""
        if len(text.split()) < MIN_WORDS:
            return None
        probability = self.probability(text)
        if probability >= self.threshold:
            return ALARM
        if self.hint_threshold is not None and probability >= self.hint_threshold:
            return HINT
        return None


def read_model(path: Path = DEFAULT_PATH) -> DangerModel | None:
    """The trained model, or None (with a warning) when `make train` has not written it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        log.warning("no danger model at %s: the emergency net runs on its phrases alone", path)
        return None
    if data.get("format") != FORMAT:
        raise ValueError(f"{path}: danger model format {data.get('format')}, expected {FORMAT}")
    return DangerModel(
        low=int(data["ngram_range"][0]),
        high=int(data["ngram_range"][1]),
        intercept=float(data["intercept"]),
        threshold=float(data["threshold"]),
        hint_threshold=float(data["hint_threshold"]) if data.get("hint_threshold") else None,
        doubt_threshold=float(data["doubt_threshold"]) if data.get("doubt_threshold") else None,
        doubt_min_words=int(data.get("doubt_min_words") or DOUBT_MIN_WORDS),
        features={g: (float(i), float(w)) for g, (i, w) in data["features"].items()},
        word_range=(int(data["word_range"][0]), int(data["word_range"][1]))
        if data.get("word_range")
        else None,
    )
