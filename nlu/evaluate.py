"""Held-out NLU evaluation against the one trained model, on four sets:

- `holdout`: tests/nlu/holdout_<lang>.yml, written by the project with the first training data;
- `independent`: tests/nlu/independent/<lang>.yml, written by authors who never saw the training
  data or the first set (docs/nlu-data.md);
- `fresh`: tests/nlu/fresh/<lang>.yml, written later by further authors, and looked at only as
  whole-set figures: nothing was tuned on it, so it has no gates, and the README reports the
  lowest of the three;
- `new_intents`: tests/nlu/new_intents/<lang>.yml, ask_community and request_accompaniment (issue
  19) with look-alikes under six other intents, written by one more author who saw only the two
  intents' description; blind like `fresh` (figures only, no gate).

Per set: macro-F1 per language and intent, the most confused pairs, every acute danger missed,
every false alarm (look-alikes are the blocks marked `# look-alike`), "confidently wrong" and a
reliability diagram (nlu/calibration.py). Writes var/nlu-report.json and var/nlu-reliability.png.
Exits 1 when a gate is missed. Usage (in .venv-rasa): python nlu/evaluate.py [--model PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from nlu import safety_regression  # noqa: E402
from nlu.annotation import plain_text  # noqa: E402
from nlu.calibration import (  # noqa: E402
    Prediction,
    answer_thresholds,
    confidently_wrong,
    expected_calibration_error,
    prediction,
    print_diagram,
    save_diagram,
)

SETS = {
    "holdout": ("tests/nlu", "holdout_*.yml"),
    "independent": ("tests/nlu/independent", "*.yml"),
    "fresh": ("tests/nlu/fresh", "*.yml"),
    "new_intents": ("tests/nlu/new_intents", "*.yml"),
}
# (overall macro-F1, every language's macro-F1) each set must reach; issue 13's targets.
GATES = {"holdout": (0.97, 0.95), "independent": (0.95, 0.92)}
MAX_CONFIDENTLY_WRONG = 0.02


def read_set(path: Path, language: str) -> List[Tuple[str, str, str, bool]]:
    """(language, text, gold intent, look-alike) of one file; the block after a
    `# look-alike` comment holds look-alikes."""
    out = []
    intent, look_alike, pending_mark = None, False, False
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.lower().startswith("# look-alike"):
            pending_mark = True
        elif line.startswith("- intent:"):
            intent, look_alike, pending_mark = line.split(":", 1)[1].strip(), pending_mark, False
        elif line.startswith("- ") and intent and raw.startswith("    "):
            out.append((language, plain_text(line[2:]), intent, look_alike))
    return out


def load_sets() -> Dict[str, List[Tuple[str, str, str, bool]]]:
    sets = {}
    for name, (folder, pattern) in SETS.items():
        rows = []
        for path in sorted((ROOT / folder).glob(pattern)):
            rows += read_set(path, path.stem.removeprefix("holdout_"))
        if rows:
            sets[name] = rows
    return sets


async def parse_all(model: Path, texts: List[str]) -> List[Dict]:
    import logging
    import warnings

    from rasa.core.agent import Agent
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    warnings.filterwarnings("ignore")
    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def macro_f1(gold: List[str], pred: List[str]) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(gold, pred, labels=sorted(set(gold)), average="macro", zero_division=0))


def evaluate_set(name: str, rows, parsed, thresholds) -> Tuple[Dict, List[str], List[Prediction]]:
    """Figures of one set, and the gates it missed."""
    from sklearn.metrics import classification_report

    predictions = [prediction(g, p) for (_, _, g, _), p in zip(rows, parsed, strict=True)]
    answered = [p["intent"]["name"] for p in parsed]
    # What Lotse understood: where it asks back (nlu_fallback) its best guess, which leads the
    # topic buttons it offers; the F1 gates are on this, the share asked back is reported apart.
    final = [
        guess.name if name == "nlu_fallback" else name
        for name, guess in zip(answered, predictions, strict=True)
    ]
    failed: List[str] = []
    report: Dict[str, object] = {"languages": {}}
    print(f"\n== {name}: {len(rows)} messages")
    print(f"{'language':<10}{'examples':>9}{'macro-F1':>10}{'accuracy':>10}{'lang-id':>9}")
    gated = name in GATES  # the fresh set is measured, never a gate (nothing is tuned on it)
    overall_gate, language_gate = GATES.get(name, (0.0, 0.0))
    for lang in sorted({r[0] for r in rows}):
        idx = [k for k, r in enumerate(rows) if r[0] == lang]
        gold, pred = [rows[k][2] for k in idx], [final[k] for k in idx]
        f1 = macro_f1(gold, pred)
        accuracy = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(idx)
        lang_id = sum((parsed[k].get("language") or {}).get("code") == lang for k in idx) / len(idx)
        report["languages"][lang] = {
            "examples": len(idx),
            "macro_f1": round(f1, 4),
            "accuracy": round(accuracy, 4),
            "language_id": round(lang_id, 4),
        }  # type: ignore[index]
        print(f"{lang:<10}{len(idx):>9}{f1:>10.3f}{accuracy:>10.3f}{lang_id:>9.3f}")
        if f1 < language_gate:
            failed.append(f"{name} {lang}: macro-F1 {f1:.3f} < {language_gate}")
    gold_all = [r[2] for r in rows]
    overall = macro_f1(gold_all, final)
    print(f"{'all':<10}{len(rows):>9}{overall:>10.3f}")
    strict = macro_f1(gold_all, answered)
    print(f"macro-F1 counting every question asked back as wrong: {strict:.3f}")
    if overall < overall_gate:
        failed.append(f"{name}: macro-F1 {overall:.3f} < {overall_gate}")
    labels = sorted(set(gold_all))
    per_intent = classification_report(
        gold_all, final, labels=labels, output_dict=True, zero_division=0
    )
    print("per intent (F1): " + ", ".join(f"{i} {per_intent[i]['f1-score']:.2f}" for i in labels))
    confused = Counter((g, p) for g, p in zip(gold_all, final, strict=True) if g != p).most_common(
        6
    )
    print("most confused: " + ", ".join(f"{g}→{p} {n}" for (g, p), n in confused))

    # an acute danger is recognised when Lotse answers with the emergency numbers, or puts them
    # before its answer because it is unsure (nlu/safety_net.py: possible_danger)
    hinted = [bool(p.get("possible_danger")) for p in parsed]
    dangers = [
        (r, "emergency" if hint else p)
        for r, p, hint in zip(rows, answered, hinted, strict=True)
        if r[2] == "emergency"
    ]
    missed = [(r, p) for r, p in dangers if p != "emergency"]
    hints = sum(hint for r, hint in zip(rows, hinted, strict=True) if r[2] != "emergency")
    alarms = [
        (r, p)
        for r, p in zip(rows, answered, strict=True)
        if p == "emergency" and r[2] != "emergency"
    ]
    look_alikes = [r for r in rows if r[3]]
    print(f"acute danger recognised: {len(dangers) - len(missed)} of {len(dangers)}")
    # the fresh set stays blind: its figures are shown, never its messages
    for (lang, text, _, _), pred in missed if gated else []:
        print(f"  missed [{lang}] {text!r} → {pred}")
    print(
        f"false alarms: {len(alarms)}, {sum(r[3] for r, _ in alarms)} of them on the "
        f"{len(look_alikes)} look-alikes; "
        f"answers with the emergency numbers in one line before them: {hints}"
    )
    for (lang, text, gold, look_alike), _ in alarms if gated else []:
        print(f"  [{lang}] {text!r} (is {gold}{', a look-alike' if look_alike else ''})")
    if missed and gated:
        failed.append(f"{name}: {len(missed)} acute dangers missed")
    look_alike_alarms = [r for r, _ in alarms if r[3]]
    if look_alike_alarms and gated:
        failed.append(f"{name}: {len(look_alike_alarms)} false alarms on look-alikes")

    threshold, ambiguity = thresholds
    wrong_sure = confidently_wrong(predictions, threshold, ambiguity)
    asked = sum(1 for name in answered if name == "nlu_fallback")
    share = wrong_sure / len(rows)
    ece = expected_calibration_error(predictions)
    print(
        f"confidently wrong (≥ {threshold}, lead ≥ {ambiguity}): {wrong_sure} ({share:.1%}); "
        f"asked back instead of answering: {asked} ({asked / len(rows):.1%}); "
        f"expected calibration error {ece:.3f}"
    )
    print_diagram(predictions)
    if share > MAX_CONFIDENTLY_WRONG and gated:
        failed.append(f"{name}: confidently wrong {share:.1%} > {MAX_CONFIDENTLY_WRONG:.0%}")
    report.update(
        macro_f1=round(overall, 4),
        macro_f1_asked_back_wrong=round(strict, 4),
        per_intent={i: round(per_intent[i]["f1-score"], 4) for i in labels},
        confused=[[g, p, n] for (g, p), n in confused],
        emergencies=len(dangers),
        emergencies_missed=[r[1] for r, _ in missed] if gated else len(missed),
        false_alarms=[r[1] for r, _ in alarms] if gated else len(alarms),
        danger_hints_on_other_messages=hints,
        confidently_wrong=round(share, 4),
        asked_back=round(asked / len(rows), 4),
        expected_calibration_error=round(ece, 4),
    )
    return report, failed, predictions


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "lotse.tar.gz")
    parser.add_argument("--report", type=Path, default=ROOT / "var" / "nlu-report.json")
    parser.add_argument("--no-gates", action="store_true", help="report only (comparisons)")
    parser.add_argument(
        "--predictions", type=Path, help="write every prediction (determinism check)"
    )
    args = parser.parse_args(argv)

    sets = load_sets()
    if not sets:
        print("no held-out sets under tests/nlu/")
        return 1
    everything = [r for rows in sets.values() for r in rows]
    regression = safety_regression.load()
    blind = {name: safety_regression.load(p) for name, p in safety_regression.BLIND_SETS.items()}
    blind_rows = [r for rows in blind.values() for r in rows]
    texts = [r[1] for r in everything] + [r[1] for r in regression + blind_rows]
    parsed_all = asyncio.run(parse_all(args.model, texts))
    parsed = parsed_all[: len(everything)]
    parsed_regression = parsed_all[len(everything) : len(everything) + len(regression)]
    parsed_blind = parsed_all[len(everything) + len(regression) :]
    thresholds = answer_thresholds()
    report: Dict[str, object] = {"model": str(args.model), "answer_thresholds": thresholds}
    failed: List[str] = []
    diagrams = {}
    start = 0
    for name, rows in sets.items():
        part = parsed[start : start + len(rows)]
        start += len(rows)
        report[name], set_failed, diagrams[name] = evaluate_set(name, rows, part, thresholds)
        failed += set_failed
    if regression:
        report["safety_regression"], regression_failed = safety_regression.evaluate(
            regression, parsed_regression
        )
        failed += regression_failed
    start = 0
    for name, rows in blind.items():
        if rows:
            key = "safety_" + name.replace(" ", "")
            report[key], _ = safety_regression.evaluate(
                rows, parsed_blind[start : start + len(rows)], name, gated=False
            )
        start += len(rows)
    lower = min(report[n]["macro_f1"] for n in sets if n != "new_intents")  # type: ignore[index]
    print(f"\nmacro-F1, the lower of the sets: {lower:.3f}")
    report["macro_f1_lower"] = lower
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    save_diagram(diagrams, args.report.with_name("nlu-reliability.png"))
    if args.predictions:
        lines = [
            json.dumps(
                [r[1], p["intent"]["name"], round(p["intent"]["confidence"], 6)], ensure_ascii=False
            )
            for r, p in zip(everything, parsed, strict=True)
        ]
        args.predictions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if failed and not args.no_gates:
        print("\nFAILED: " + "; ".join(failed))
        return 1
    print(f"\nheld-out evaluation {'passed' if not failed else 'done'} (report: {args.report})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
