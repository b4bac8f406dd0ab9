"""Quick comparisons of intent-model settings without a Rasa training run.

Trains nlu/intent_model.py on data/nlu and scores it on both held-out sets, per language: the
figures behind the choices in docs/decisions.md. Usage (in .venv-rasa, from the project root):
    python -m nlu.experiment [--C 20] [--char-max 5] [--no-lemmas]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Dict, List, Tuple

from lotse.text import normalize
from nlu.annotation import read_examples
from nlu.intent_model import DEFAULTS, IntentModel
from nlu.morphology import lemmas

ROOT = Path(__file__).resolve().parent.parent


def language_of(path: Path) -> str:
    stem = path.stem.removeprefix("holdout_")
    return stem if len(stem) == 2 else path.parent.name


def load_dir(paths: List[Path]) -> List[Tuple[str, str, str]]:
    return [(language_of(p), t, i) for p in paths for t, i in read_examples(p)]


def score(model: IntentModel, rows: List[Tuple[str, str, str]]) -> Dict[str, float]:
    from sklearn.metrics import f1_score

    preds = model.predict([normalize(t) for _, t, _ in rows], [lemmas(t, lg) for lg, t, _ in rows])
    out: Dict[str, float] = {}
    for lang in [*sorted({lg for lg, _, _ in rows}), "all"]:
        idx = [k for k, (lg, _, _) in enumerate(rows) if lang in ("all", lg)]
        gold = [rows[k][2] for k in idx]
        pred = [preds[k][0][0] for k in idx]
        out[lang] = f1_score(gold, pred, labels=sorted(set(gold)), average="macro", zero_division=0)
    wrong_sure = sum(
        1 for (_, _, g), p in zip(rows, preds, strict=True) if p[0][0] != g and p[0][1] >= 0.6
    )
    out["wrong≥0.6"] = wrong_sure / len(rows)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--C", type=float, default=DEFAULTS["C"])
    parser.add_argument("--char-max", type=int, default=DEFAULTS["char_max"])
    parser.add_argument("--word-max", type=int, default=DEFAULTS["word_max"])
    parser.add_argument(
        "--no-lemmas", action="store_true", help="word n-grams of the surface forms"
    )
    parser.add_argument("--folds", type=int, default=0, help="≥2: fit the temperature too")
    args = parser.parse_args()
    train = load_dir(sorted((ROOT / "data" / "nlu").rglob("*.yml")))
    config = dict(
        DEFAULTS, C=args.C, char_max=args.char_max, word_max=args.word_max, folds=args.folds
    )
    started = time.perf_counter()

    def lem(t: str, lg: str) -> str:
        return normalize(t) if args.no_lemmas else lemmas(t, lg)

    model = IntentModel(config).fit(
        [normalize(t) for _, t, _ in train],
        [lem(t, lg) for lg, t, _ in train],
        [i for *_, i in train],
    )
    seconds = time.perf_counter() - started
    print(f"{len(train)} examples, trained in {seconds:.1f} s, T={model.temperature:.2f}")
    sets = {
        "holdout": sorted((ROOT / "tests" / "nlu").glob("holdout_*.yml")),
        "independent": sorted((ROOT / "tests" / "nlu" / "independent").glob("*.yml")),
    }
    for name, paths in sets.items():
        if paths:
            figures = score(model, load_dir(paths))
            print(name, " ".join(f"{k} {v:.3f}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
