"""Train the danger model of the emergency net (lotse/danger_model.py) and write it as JSON.

Dangers: every `emergency` example of data/nlu/ and every acute message of the net's development
set (tests/safety/development.yml); others: every other example and every development look-alike
and everyday request. Beside them, composed stories (nlu/danger_stories.py): an ordinary message of
the same language put before or after a danger is a danger, before or after a look-alike or another
ordinary message is not. Deterministic (liblinear and the stories' seeded shuffle on sorted
files). The file also
holds scikit-learn's own probabilities for a few messages, so a unit test can check that the pure
Python scorer computes the same. Usage (in .venv-rasa): python -m nlu.danger_model [--out PATH]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import List, Sequence, Tuple

import numpy
import yaml
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from lotse.danger_model import DEFAULT_PATH, DOUBT_MIN_WORDS, FORMAT, WORD_PREFIX
from lotse.safety import DEFAULT_DIR, load_phrases, model_input
from nlu.annotation import read_examples
from nlu.danger_stories import Example, composed_stories
from nlu.experiment import ROOT
from nlu.safety_regression import DEVELOPMENT

NGRAM_RANGE = (2, 5)
WORD_RANGE = (1, 2)
C = 16.0
"""Session 12, in the same cross-validation: C = 1 / 4 / 16 / 32 / 64 left 396 / 613 / 803 / 765 /
723 dangers above the highest-scoring other message, and at 0.7 caught 1,784 / 1,915 / 1,969 /
1,985 / 1,996 dangers with 64 / 61 / 59 / 64 / 65 others; 16 is best at the alarm and as good as
any at the hint (4 since session 8)."""
THRESHOLD = 0.99
"""The lowest of the thresholds tried at which, in 5-fold cross-validation on the training data
below, no other message raised the alarm, and the unit tests' look-alikes stay quiet ("das baby
hat aus der flasche getrunken" reached 0.93). Session 8: 0.95 (`--cv`: 0 of 14,147 there, 8 at
0.9). Session 9, with the tenth development round's look-alikes among the others: at 0.95 one of
14,530 (a girl mocked for her hijab who no longer wants to go to school, 0.956), at 0.96 none, so
0.96. Session 10, with the eleventh round among the training data and a look-alike for that
girl's words ("ما عادش تحب تمشي تقرا", she no longer likes going to school), and without the
development messages that repeated blind ones (`nlu.overlap`): none of 14,658 at 0.95 in
cross-validation, but a unit test's look-alike ("малыш выпил молоко из бутылочки и срыгнул")
reached 0.951, so 0.96 (486 of 1,957 dangers out of fold; docs/decisions.md). Session 12, with
the thirteenth round and a training round of ordinary messages (personas_6) among the data: at
0.96 one of 16,482 others ("3tini khrin hadu ma 3jbonich", give me others, I don't like these;
0.964), at 0.97 none (509 of 2,354 dangers out of fold). With C = 16 (above) the highest other
scored 0.9796 (the same message): 0.98 would have left 0.0004 of margin, so 0.985. Then the
examples' annotations `[word]{"entity": ...}` were found read as text (nlu/annotation.py); with
them stripped, an Arabizi "I can't stay in the heim any more" scored 0.986, so 0.99 (518 of 2,354
dangers out of fold, none of 16,480 others); the hint below takes the rest. Session 13, with the
composed stories (below), tried first with two per danger: the highest other scored 0.988, but a
unit test's look-alike, "das baby hat aus der flasche getrunken und spuckt ein bisschen", 0.9945
in the trained model (0.965 before; its family, a child who drank something, is a danger's) — it
would have needed 0.996 (659 dangers out of fold). With one story per danger and three of others:
highest other 0.988, highest unit-test look-alike 0.980, so 0.99 again, with 806 of 2,354 dangers
out of fold (518 without stories) and none of 16,480 others. Then, with the fourteenth round and
the training round personas_7 among the data: two others at 0.99 (highest 0.992, a nephew "sleeping
at the station for two days" — a housing question; and a Darija question about a school place),
the highest unit-test look-alike 0.990, so 0.993 (804 of 2,593 dangers out of fold, none of
18,141 others). Session 14, with the fifteenth round: one other at 0.993 (a nosebleed that has
stopped), so 0.994 (884 of 2,833 dangers out of fold, none of 18,332 others). Session 15, with the
sixteenth round: none of 18,519 others at 0.99 (the highest 0.986, six young men in one room of a
Heim), so back to 0.99 (1,281 of 3,073 dangers out of fold; at 0.994, 1,024). Session 16, with the
seventeenth round: one other out of fold at 0.997, an Arabic nosebleed that has stopped ("blood
came from her nose a little, now it stopped, is that normal?"), and none above. Clearing it would
take 0.998 and halve what the model alarms on (620 of 3,313 dangers out of fold instead of 1,460
at 0.99), so 0.99 stays, the rule broken once and written down: a stopped nosebleed worded like
that one may still raise the alarm through this model (its answer carries "Not what I meant"),
and every other of the 18,711 others scored 0.989 or less (docs/decisions.md)."""
HINT_THRESHOLD = 0.75
"""From here to THRESHOLD the model marks a possible danger: Lotse answers as usual and puts the
emergency numbers in one line before the answer. Session 12 (same 5-fold cross-validation, without
the blind sets): 0.7, where 1,974 of 2,354 dangers and 71 of 16,480 others scored. Session 13, with
the composed stories, where the others cost about the same: 0.75, 1,966 dangers and 77 others
(at 0.7, 2,018 and 102; at 0.8, 1,904 and 59); with the fourteenth round and personas_7, 2,171 of
2,593 dangers and 82 of 18,141 others; session 14, 2,413 of 2,833 and 81 of 18,332; session 15,
2,664 of 3,073 and 78 of 18,519."""
DOUBT_THRESHOLD = 0.03
"""Below DOUBT_THRESHOLD, a message of DOUBT_MIN_WORDS words or more that a phrase matched gets
the line, not the alarm (nlu/safety_net.py). Session 14: every false alarm on blind sets 2 to 6
came from a phrase, none from this model or the classifier; out of fold (`--cv`, with the
fifteenth round), no danger of eight words or more scored below 0.02 (0 of 2,311; at 0.05, 2),
while 1,167 of the 2,491 development look-alikes of that length did — the phrases were taught
not to fire on those, but the next look-alike is like them. Every danger below 0.02 was a short
message (1 to 6 words), which the length keeps an alarm. Session 15, with the sixteenth round:
none below 0.05 either (0 of 2,551; 10 below 0.1), while 1,762 of 2,677 long look-alikes were
(1,255 below 0.02), so the highest floor tried with no danger under it, 0.05. Session 16, with the
seventeenth round: three dangers of 8 or 9 words below 0.05 (at 0.01 none, 955 of 2,862 long
look-alikes); from 10 words on (lotse/danger_model.DOUBT_MIN_WORDS), none below 0.03 and 1,455 of
2,685 look-alikes, one danger below 0.05 — so 10 words and 0.03, the pair with no danger under it
that doubts the most look-alikes of those `--cv` reports."""
CHECKS = 24
TRIED = (0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99, 0.993, 0.994, 0.995, 0.997)
"""The thresholds `--cv` reports."""
DOUBT_TRIED = (0.01, 0.02, 0.03, 0.05, 0.1)
DOUBT_WORDS_TRIED = (8, 10, 12)
"""The doubt's floors and message lengths `--cv` reports."""


def examples() -> List[Example]:
    """Every training message of the model, in a fixed order."""
    raw: List[Tuple[str, bool, str, bool]] = []
    for path in sorted((ROOT / "data" / "nlu").glob("*/*.yml")):
        for text, intent in read_examples(path):
            raw.append((text, intent == "emergency", path.parent.name, False))
    development = yaml.safe_load(DEVELOPMENT.read_text("utf-8"))
    for language in sorted(development):
        for text in development[language].get("acute") or []:
            raw.append((text, True, language, False))
        for text in development[language].get("look_alike") or []:
            raw.append((text, False, language, True))
    net = load_phrases(DEFAULT_DIR, model=False)  # its look-alike lists, for the blanking
    return [Example(model_input(t, net), danger, lang, look) for t, danger, lang, look in raw]


def tfidf(analyzer: str, ngram_range: Tuple[int, int]) -> TfidfVectorizer:
    """The TF-IDF that lotse/danger_model.py reproduces: sublinear tf, L2 norm, seen twice."""
    return TfidfVectorizer(
        analyzer=analyzer, ngram_range=ngram_range, sublinear_tf=True, min_df=2, dtype=numpy.float64
    )


def vectorizers(words: bool) -> List[Tuple[str, TfidfVectorizer]]:
    """Character n-grams inside words, and word n-grams (prefixed in the file) if `words`."""
    out = [("", tfidf("char_wb", NGRAM_RANGE))]
    if words:
        out.append((WORD_PREFIX, tfidf("word", WORD_RANGE)))
    return out


def fit(rows: Sequence[Example], words: bool, seed: int = 0):
    """The model of `rows` and the stories composed of them."""
    stories, story_labels = composed_stories(rows, seed)
    inputs = [row.text for row in rows] + stories
    labels = [int(row.danger) for row in rows] + story_labels
    parts = vectorizers(words)
    matrix = hstack([v.fit_transform(inputs) for _, v in parts]).tocsr()
    model = LogisticRegression(
        C=C, class_weight="balanced", max_iter=2000, solver="liblinear", random_state=0
    )
    model.fit(matrix, labels)
    return parts, model


def probabilities(parts, model, inputs: List[str]):
    return model.predict_proba(hstack([v.transform(inputs) for _, v in parts]).tocsr())[:, 1]


def cross_validate(words: bool) -> None:
    """5-fold figures on the training data: what a threshold costs and catches (the phrase net,
    which learnt from the same data, is not consulted)."""
    rows = examples()
    inputs, labels = [row.text for row in rows], [int(row.danger) for row in rows]
    scores = [0.0] * len(inputs)
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    for fold, (train_rows, test_rows) in enumerate(folds.split(inputs, labels)):
        parts, model = fit([rows[i] for i in train_rows], words, seed=fold)
        for i, p in zip(
            test_rows, probabilities(parts, model, [inputs[i] for i in test_rows]), strict=True
        ):
            scores[i] = float(p)
    dangers = sum(labels)
    for threshold in TRIED:
        caught = sum(1 for s, y in zip(scores, labels, strict=True) if y and s >= threshold)
        alarms = sum(1 for s, y in zip(scores, labels, strict=True) if not y and s >= threshold)
        print(
            f"threshold {threshold}: dangers {caught}/{dangers}, "
            f"alarms {alarms}/{len(labels) - dangers}"
        )
    for min_words in DOUBT_WORDS_TRIED:
        long = [
            (score, label, row.look_alike)
            for score, label, row in zip(scores, labels, rows, strict=True)
            if len(row.text.split()) >= min_words
        ]
        long_dangers = sum(label for _, label, _ in long)
        long_looks = sum(1 for _, _, look in long if look)
        for floor in DOUBT_TRIED:
            doubted = [(label, look) for score, label, look in long if score < floor]
            print(
                f"doubted below {floor} ({min_words}+ words): "
                f"dangers {sum(label for label, _ in doubted)}/{long_dangers}, "
                f"look-alikes {sum(1 for _, look in doubted if look)}/{long_looks}"
            )
    # the others that alarm at 0.9 or above, highest first: what the threshold has to clear
    raised = sorted(
        ((s, t) for s, y, t in zip(scores, labels, inputs, strict=True) if not y and s >= 0.9),
        reverse=True,
    )
    for score, text in raised[:10]:
        print(f"  {score:.3f} {text[:100]}")


def train(out: Path, words: bool = True, threshold: float = THRESHOLD) -> None:
    rows = examples()
    inputs, labels = [row.text for row in rows], [int(row.danger) for row in rows]
    parts, model = fit(rows, words)
    weights = model.coef_[0]
    features = {}
    offset = 0
    for prefix, vectorizer in parts:
        idfs = vectorizer.idf_  # a property that sums the whole matrix on each call
        for gram, i in sorted(vectorizer.vocabulary_.items()):
            idf, weight = idfs[i], weights[offset + i]
            features[prefix + gram] = [round(float(idf), 9), round(float(weight), 9)]
        offset += len(vectorizer.vocabulary_)
    dangers = [t for t, label in zip(inputs, labels, strict=True) if label]
    others = [t for t, label in zip(inputs, labels, strict=True) if not label]
    half = CHECKS // 2
    sample = dangers[:: max(1, len(dangers) // half)][:half]
    sample += others[:: max(1, len(others) // half)][:half]
    checks = probabilities(parts, model, sample)
    data = {
        "format": FORMAT,
        "ngram_range": list(NGRAM_RANGE),
        "intercept": round(float(model.intercept_[0]), 9),
        "word_range": list(WORD_RANGE) if words else None,
        "threshold": threshold,
        "hint_threshold": HINT_THRESHOLD,
        "doubt_threshold": DOUBT_THRESHOLD,
        "doubt_min_words": DOUBT_MIN_WORDS,
        "trained_on": {"dangers": sum(labels), "others": len(labels) - sum(labels)},
        "checks": [[t, round(float(p), 6)] for t, p in zip(sample, checks, strict=True)],
        "features": features,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(
        f"danger model: {sum(labels)} dangers, {len(labels) - sum(labels)} others, "
        f"{len(features)} n-grams -> {out}"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--no-words", action="store_true")
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--cv", action="store_true", help="cross-validate instead of training")
    args = parser.parse_args(argv)
    if args.cv:
        cross_validate(not args.no_words)
    else:
        train(args.out, not args.no_words, args.threshold)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
