"""No training example may be a near-duplicate of a held-out one: otherwise the held-out figures
measure memory, not understanding.

Compares every example of data/nlu/ with every message of tests/nlu/ (the held-out sets) by the
cosine of their character 3-gram TF-IDF vectors on the folded text (lotse.text.fold: case,
diacritics, keyboard variants and punctuation do not count). Pairs at or above the threshold are
listed and fail the check; one-, two- and three-word messages ("ok", "danke", "in Lörrach") are
exempt, since every set needs them and they cannot be written differently. The emergency net's
blind sets (tests/safety/regression.yml, blind*.yml) are held out the same way from
everything the danger model learns from: data/nlu/ and tests/safety/development.yml (session 10
found 42 regression messages repeated in the development set). Run by `make validate`.
Usage (in .venv-rasa): python -m nlu.overlap [--threshold 0.8]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Tuple

from lotse.text import fold
from nlu import safety_regression
from nlu.annotation import read_examples
from nlu.experiment import ROOT

THRESHOLD = 0.8
MIN_WORDS = 4


def examples(paths: List[Path]) -> List[Tuple[Path, str]]:
    return [(p, t) for p in paths for t, _ in read_examples(p) if len(t.split()) >= MIN_WORDS]


SAFETY_HELD_OUT = (safety_regression.REGRESSION, *safety_regression.BLIND_SETS.values())
BLIND_FILES = tuple(path.name for path in safety_regression.BLIND_SETS.values())


def safety_messages(path: Path) -> List[Tuple[Path, str]]:
    """The dangers and look-alikes of a tests/safety/ file, as `examples` gives training data."""
    return [
        (path, text)
        for _, text, _ in safety_regression.load(path)
        if len(text.split()) >= MIN_WORDS
    ]


def near_duplicates(threshold: float) -> List[Tuple[float, str, str, str]]:
    """(cosine, held-out file, held-out message, training example) of every pair at or above
    `threshold`: training data against tests/nlu/, and everything the danger model learns from
    against the emergency net's blind sets."""
    nlu_training = examples(sorted((ROOT / "data" / "nlu").rglob("*.yml")))
    nlu_held = examples(sorted((ROOT / "tests" / "nlu").rglob("*.yml")))
    safety_training = nlu_training + safety_messages(safety_regression.DEVELOPMENT)
    safety_held = [m for path in SAFETY_HELD_OUT for m in safety_messages(path)]
    return sorted(
        _pairs(nlu_training, nlu_held, threshold) + _pairs(safety_training, safety_held, threshold),
        reverse=True,
    )


def _pairs(
    train: List[Tuple[Path, str]], held: List[Tuple[Path, str]], threshold: float
) -> List[Tuple[float, str, str, str]]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3), preprocessor=fold)
    vectorizer.fit([t for _, t in train + held])
    similarity = (
        vectorizer.transform([t for _, t in held]) @ vectorizer.transform([t for _, t in train]).T
    )
    similarity = similarity.tocoo()
    found = []
    for i, j, value in zip(similarity.row, similarity.col, similarity.data, strict=True):
        if value >= threshold:
            where = held[i][0].relative_to(ROOT).as_posix()
            found.append((float(value), where, held[i][1], train[j][1]))
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    args = parser.parse_args(argv)
    found = near_duplicates(args.threshold)
    for value, where, held, train in found:
        # blind sets are never shown
        if "/fresh/" in where or where.endswith(BLIND_FILES):
            held = "(a message of a blind set)"
        print(f"{value:.2f} {where}: {held!r}\n     training: {train!r}")
    if found:
        print(f"near-duplicates of held-out messages in the training data: {len(found)}: FAILED")
        return 1
    print(f"no training example is a near-duplicate of a held-out one (cosine < {args.threshold})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
