"""Does a confidence mean what it says? Reliability figures for nlu/evaluate.py.

"Confidently wrong": a wrong intent with a confidence at or above the level where Lotse answers
without asking (FallbackClassifier's threshold in config.yml) and a lead over the second intent
of at least its ambiguity threshold — the person gets an answer to a question they did not ask.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
BINS = 10


@dataclass(frozen=True)
class Prediction:
    gold: str
    name: str
    confidence: float
    margin: float  # lead over the second intent

    @property
    def right(self) -> bool:
        return self.gold == self.name


def answer_thresholds(config: Path = ROOT / "config.yml") -> Tuple[float, float]:
    """(threshold, ambiguity_threshold) of the FallbackClassifier in the pipeline."""
    pipeline = (yaml.safe_load(config.read_text(encoding="utf-8")) or {}).get("pipeline") or []
    for component in pipeline:
        if component.get("name") == "FallbackClassifier":
            return float(component.get("threshold", 0.3)), float(
                component.get("ambiguity_threshold", 0.1)
            )
    return 0.0, 0.0


def prediction(gold: str, parsed: Dict) -> Prediction:
    """The classifier's own answer (before the fallback and the safety net replaced it)."""
    ranking = sorted(
        (r for r in parsed.get("intent_ranking") or [] if r["name"] != "nlu_fallback"),
        key=lambda r: -r["confidence"],
    )
    if not ranking:
        return Prediction(gold, "", 0.0, 0.0)
    second = ranking[1]["confidence"] if len(ranking) > 1 else 0.0
    return Prediction(
        gold, ranking[0]["name"], ranking[0]["confidence"], ranking[0]["confidence"] - second
    )


def confidently_wrong(predictions: Sequence[Prediction], threshold: float, ambiguity: float) -> int:
    return sum(
        1
        for p in predictions
        if not p.right and p.confidence >= threshold and p.margin >= ambiguity
    )


def reliability(predictions: Sequence[Prediction]) -> List[Dict[str, float]]:
    """Per confidence bin: messages, mean confidence, share right."""
    rows = []
    for b in range(BINS):
        low, high = b / BINS, (b + 1) / BINS
        inside = [
            p
            for p in predictions
            if low <= p.confidence < high or (b == BINS - 1 and p.confidence >= 1.0)
        ]
        if inside:
            rows.append(
                {
                    "bin": f"{low:.1f}–{high:.1f}",
                    "messages": len(inside),
                    "confidence": sum(p.confidence for p in inside) / len(inside),
                    "accuracy": sum(p.right for p in inside) / len(inside),
                }
            )
    return rows


def expected_calibration_error(predictions: Sequence[Prediction]) -> float:
    total = len(predictions) or 1
    return sum(
        r["messages"] / total * abs(r["accuracy"] - r["confidence"])
        for r in reliability(predictions)
    )


def print_diagram(predictions: Sequence[Prediction], width: int = 40) -> None:
    """The reliability diagram as text: per bin, accuracy (#) against mean confidence (|)."""
    head = f"  {'confidence':<11}{'messages':>9}{'mean':>7}{'right':>7}"
    print(f"{head}  accuracy (#) vs confidence (|)")
    for r in reliability(predictions):
        bar = ["#" if i < round(r["accuracy"] * width) else " " for i in range(width)]
        mark = min(width - 1, round(r["confidence"] * width))
        bar[mark] = "|"
        figures = f"{r['messages']:>9}{r['confidence']:>7.2f}{r['accuracy']:>7.2f}"
        print(f"  {r['bin']:<11}{figures}  {''.join(bar)}")


def save_diagram(sets: Dict[str, Sequence[Prediction]], path: Path) -> None:
    """The same diagram as a PNG (matplotlib ships with Rasa)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], "k--", linewidth=1, label="perfectly calibrated")
    for name, predictions in sets.items():
        rows = reliability(predictions)
        ax.plot([r["confidence"] for r in rows], [r["accuracy"] for r in rows], "o-", label=name)
    ax.set_xlabel("confidence")
    ax.set_ylabel("share right")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left")
    ax.set_title("Lotse intent model: reliability")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
