"""Held-out NLU evaluation against the one trained model (no cross-validation: that multiplies
training time by the number of folds and is run on demand only).

Reads tests/nlu/holdout_<lang>.yml, parses every example with the model in models/, and prints
macro-F1 per language and per intent, the most confused pairs and emergency recall. Writes
var/nlu-report.json. Exits 1 when a language's macro-F1 or the emergency recall falls below the
thresholds. Usage (in .venv-rasa): python nlu/evaluate.py [--min-f1 0.85] [--min-emergency 0.95]
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
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def load_examples(path: Path) -> List[Tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


async def predict(model: Path, texts: List[str]) -> List[Dict]:
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


def main(argv=None) -> int:
    from sklearn.metrics import classification_report, f1_score

    parser = argparse.ArgumentParser()
    parser.add_argument("--min-f1", type=float, default=0.85)
    parser.add_argument("--min-emergency", type=float, default=0.95)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "lotse.tar.gz")
    parser.add_argument("--show-language-errors", action="store_true")
    parser.add_argument("--report", type=Path, default=ROOT / "var" / "nlu-report.json")
    args = parser.parse_args(argv)

    files = sorted((ROOT / "tests" / "nlu").glob("holdout_*.yml"))
    if not files:
        print("no tests/nlu/holdout_<lang>.yml files")
        return 1
    per_lang: Dict[str, List[Tuple[str, str]]] = {
        f.stem.removeprefix("holdout_"): load_examples(f) for f in files
    }
    everything = [(lang, text, gold) for lang, ex in per_lang.items() for text, gold in ex]
    parsed = asyncio.run(predict(args.model, [t for _, t, _ in everything]))
    predicted = [p["intent"]["name"] for p in parsed]

    report: Dict[str, object] = {"languages": {}, "thresholds": vars(args) | {"model": None}}
    failed = []
    print(
        f"{'language':<10}{'examples':>9}{'macro-F1':>10}{'accuracy':>10}"
        f"{'lang-id':>9}{'reply≥3w':>10}"
    )
    for lang in per_lang:
        rows = [(g, p) for (lg, _, g), p in zip(everything, predicted, strict=True) if lg == lang]
        detections = [
            p.get("language") or {}
            for (lg, _, _), p in zip(everything, parsed, strict=True)
            if lg == lang
        ]
        lang_id = sum(d.get("code") == lang for d in detections) / len(detections)
        long = [d for d in detections if d.get("words", 0) >= 3]
        # reply language of a message on its own: its language if reliably detected, else German
        reply = sum((d.get("code") if d.get("reliable") else "de") == lang for d in long)
        reply_rate = reply / max(1, len(long))
        gold, pred = [g for g, _ in rows], [p for _, p in rows]
        macro = f1_score(gold, pred, labels=sorted(set(gold)), average="macro", zero_division=0)
        accuracy = sum(g == p for g, p in rows) / len(rows)
        report["languages"][lang] = {
            "examples": len(rows),
            "macro_f1": round(macro, 4),
            "accuracy": round(accuracy, 4),
            "language_id": round(lang_id, 4),
            "reply_language_3_words": round(reply_rate, 4),
            "messages_3_words": len(long),
        }
        print(
            f"{lang:<10}{len(rows):>9}{macro:>10.3f}{accuracy:>10.3f}{lang_id:>9.3f}"
            f"{reply_rate:>10.3f}"
        )
        if macro < args.min_f1:
            failed.append(f"{lang}: macro-F1 {macro:.3f} < {args.min_f1}")

    gold_all = [g for _, _, g in everything]
    labels = sorted(set(gold_all))
    overall = f1_score(gold_all, predicted, labels=labels, average="macro", zero_division=0)
    per_intent = classification_report(
        gold_all, predicted, labels=labels, output_dict=True, zero_division=0
    )
    long_all = [
        (lg, p.get("language") or {})
        for (lg, _, _), p in zip(everything, parsed, strict=True)
        if (p.get("language") or {}).get("words", 0) >= 3
    ]
    reply_all = sum(
        (d.get("code") if d.get("reliable") else "de") == lg for lg, d in long_all
    ) / max(1, len(long_all))
    lang_id_all = sum(
        (p.get("language") or {}).get("code") == lg
        for (lg, _, _), p in zip(everything, parsed, strict=True)
    ) / len(everything)
    print(
        f"{'all':<10}{len(everything):>9}{overall:>10.3f}{'':>10}{lang_id_all:>9.3f}"
        f"{reply_all:>10.3f}"
    )
    if args.show_language_errors:
        for (lg, text, _), p in zip(everything, parsed, strict=True):
            d = p.get("language") or {}
            if d.get("words", 0) >= 3 and not (d.get("reliable") and d.get("code") == lg):
                print(
                    f"  [{lg}] → {d.get('code')} {d.get('confidence')} "
                    f"{'reliable' if d.get('reliable') else 'unreliable'}: {text!r}"
                )
    report.update(language_id=round(lang_id_all, 4), reply_language_3_words=round(reply_all, 4))
    print("\nper intent (F1):")
    for intent in labels:
        print(f"  {intent:<22}{per_intent[intent]['f1-score']:.3f}")
    confused = Counter(
        (g, p) for g, p in zip(gold_all, predicted, strict=True) if g != p
    ).most_common(8)
    print("\nmost confused (gold → predicted):")
    for (g, p), n in confused:
        print(f"  {n:>3}  {g} → {p}")
    emergencies = [(g, p) for g, p in zip(gold_all, predicted, strict=True) if g == "emergency"]
    false_alarms = [
        (lg, t, g)
        for (lg, t, g), p in zip(everything, predicted, strict=True)
        if p == "emergency" and g != "emergency"
    ]
    recall = sum(p == "emergency" for _, p in emergencies) / max(1, len(emergencies))
    print(f"\nemergency recall: {recall:.3f} ({len(emergencies)} messages)")
    if recall < args.min_emergency:
        failed.append(f"emergency recall {recall:.3f} < {args.min_emergency}")
    misses = [
        (lg, t, p)
        for (lg, t, g), p in zip(everything, predicted, strict=True)
        if g == "emergency" and p != "emergency"
    ]
    for lang, text, pred in misses:
        print(f"  missed [{lang}] {text!r} → {pred}")
    print(f"false alarms (predicted emergency): {len(false_alarms)}")
    for lang, text, gold in false_alarms:
        print(f"  [{lang}] {text!r} (is {gold})")

    report.update(
        macro_f1=round(overall, 4),
        emergency_recall=round(recall, 4),
        per_intent={i: round(per_intent[i]["f1-score"], 4) for i in labels},
        confused=[[g, p, n] for (g, p), n in confused],
    )
    out = args.report
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    if failed:
        print("\nFAILED: " + "; ".join(failed))
        return 1
    print(f"\nheld-out evaluation passed (report: {out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
