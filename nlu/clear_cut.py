"""The messages the end-to-end tests type must be clear-cut for the trained model.

A test that depends on a borderline prediction flips when the model is retrained. Each message of
tests/nlu/e2e_messages.yml must get its intent with confidence ≥ 0.8 and a lead of ≥ 0.5 over the
second intent (an emergency may also come from the phrase net). A message under `possible_danger`
must get the line before its answer, not the alarm, with margins on both sides: no phrase, the
classifier's emergency confidence and the danger model's probability at least MIN_MARGIN below
their alarms, and at least one of them MIN_MARGIN above its hint — or, where a phrase matched
and the danger model doubts it, the model's probability at most half its doubt threshold.
Run by `make nlu-eval`.
Usage (in .venv-rasa): python nlu/clear_cut.py [--model PATH] [TEXT …]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lotse.safety import PhraseNet, load_phrases, model_input  # noqa: E402
from nlu.evaluate import parse_all  # noqa: E402
from nlu.safety_net import DOUBTED, POSSIBLE_DANGER, EmergencySafetyNet  # noqa: E402

MIN_CONFIDENCE = 0.8
MIN_LEAD = 0.5
MIN_MARGIN = 0.05


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "lotse.tar.gz")
    parser.add_argument("texts", nargs="*", help="only show how the model reads these")
    args = parser.parse_args(argv)
    if args.texts:
        results = asyncio.run(parse_all(args.model, args.texts))
        for text, result in zip(args.texts, results, strict=True):
            top = result["intent_ranking"][:3]
            print(f"{text!r}: {[(r['name'], round(r['confidence'], 2)) for r in top]}")
        return 0
    expected = yaml.safe_load((ROOT / "tests" / "nlu" / "e2e_messages.yml").read_text("utf-8"))
    rows = [(text, intent) for intent, texts in expected.items() for text in texts]
    parsed = asyncio.run(parse_all(args.model, [t for t, _ in rows]))
    unclear = []
    net = load_phrases()
    for (text, intent), result in zip(rows, parsed, strict=True):
        if intent == POSSIBLE_DANGER:
            unclear += unclear_hint(text, result, net)
            continue
        if result.get("safety_net") and intent == "emergency":
            continue
        ranking = sorted(
            (r for r in result.get("intent_ranking") or [] if r["name"] != "nlu_fallback"),
            key=lambda r: -r["confidence"],
        )
        top = ranking[0] if ranking else {"name": "", "confidence": 0.0}
        lead = top["confidence"] - (ranking[1]["confidence"] if len(ranking) > 1 else 0.0)
        if top["name"] != intent or top["confidence"] < MIN_CONFIDENCE or lead < MIN_LEAD:
            got = f"{top['name']} {top['confidence']:.2f} (lead {lead:.2f})"
            unclear.append(f"  {text!r}: {got}, expected {intent}")
    if unclear:
        print("end-to-end messages the model is not clear about:\n" + "\n".join(unclear))
        print("change the message in its test (and here), or the training data: FAILED")
        return 1
    print(
        f"all {len(rows)} end-to-end messages are clear-cut (≥ {MIN_CONFIDENCE}, lead ≥ {MIN_LEAD})"
    )
    return 0


def unclear_hint(text: str, result: dict, net: PhraseNet) -> list[str]:
    """Why `text` is not clearly a possible danger below the alarm (nlu/safety_net.py)."""
    levels = EmergencySafetyNet.get_default_config()
    emergency = next(
        (r["confidence"] for r in result.get("intent_ranking") or [] if r["name"] == "emergency"),
        0.0,
    )
    danger = net.model.probability(model_input(text, net)) if net.model else 0.0
    alarm = net.model.threshold if net.model else 1.0
    hint = (net.model.hint_threshold or 1.0) if net.model else 1.0
    doubt = (net.model.doubt_threshold or 0.0) if net.model else 0.0
    below_alarms = (
        result.get(POSSIBLE_DANGER)
        and not result.get("safety_net")
        and result["intent"]["name"] != "emergency"
        and emergency <= levels["min_confidence"] - MIN_MARGIN
    )
    if result.get(DOUBTED):  # a phrase matched, the danger model doubts it: far below the doubt
        clear = below_alarms and danger <= doubt / 2
    else:
        clear = (
            below_alarms
            and danger <= alarm - MIN_MARGIN
            and (emergency >= levels["hint_confidence"] + MIN_MARGIN or danger >= hint + MIN_MARGIN)
        )
    if clear:
        return []
    return [f"  {text!r}: emergency {emergency:.2f}, danger model {danger:.3f}, expected a hint"]


if __name__ == "__main__":
    sys.exit(main())
