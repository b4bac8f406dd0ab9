"""`rasa data validate`, strict: every warning fails, except "utterance not used in any story or
rule" for responses that custom actions send (the validator cannot see inside actions/). Then
what only training would warn of: one entity text given two different values in different files
(Rasa's EntitySynonymMapper overwrites one with the other).

Usage (from the project root, in .venv-rasa): python nlu/validate.py
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNUSED = re.compile(r"The utterance '(utter_\w+)' is not used in any story or rule")
NOT_IN_NLU = re.compile(
    r"The intent '(\w+)' is listed in the domain file, but is not found in the NLU"
)
BUTTON_ONLY_INTENTS = {"correct_topic"}
"""Intents only a button sends (its payload), never typed: they need no training examples."""


def responses_used_by_actions() -> set:
    """Responses named in action code, and the questions forms ask (utter_ask_<slot>)."""
    used = set()
    for path in (ROOT / "actions").glob("*.py"):
        used.update(re.findall(r"\"(utter_\w+)\"", path.read_text(encoding="utf-8")))
    import yaml

    slots = yaml.safe_load((ROOT / "domain" / "slots.yml").read_text(encoding="utf-8"))
    for form in (slots.get("forms") or {}).values():
        used.update(f"utter_ask_{slot}" for slot in form.get("required_slots") or [])
    return used


def conflicting_synonyms() -> list:
    """(text, value, other value) where the same entity text (lower-cased, as Rasa's
    EntitySynonymMapper keys it) is mapped to two values across data/nlu."""
    from rasa.shared.nlu.training_data.loading import load_data

    synonyms: dict = {}
    conflicts = []
    for path in sorted((ROOT / "data" / "nlu").glob("*/*.yml")):
        for example in load_data(str(path)).entity_examples:
            for entity in example.get("entities", []):
                text = example.get("text")[entity["start"] : entity["end"]]
                value = str(entity.get("value"))
                if text == value:
                    continue
                known = synonyms.setdefault(text.lower(), value)
                if known != value:
                    conflicts.append((text, known, value))
    return conflicts


def main() -> int:
    rasa = Path(sys.executable).parent / "rasa"
    cmd = [
        str(rasa),
        "data",
        "validate",
        "--domain",
        "domain",
        "--data",
        "data/nlu",
        "data/dialogue",
        "--config",
        "config.yml",
    ]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    output = proc.stdout + proc.stderr
    allowed = responses_used_by_actions()
    problems = []
    for line in output.splitlines():
        if "UserWarning" not in line and "ERROR" not in line:
            continue
        match = UNUSED.search(line)
        if match and match.group(1) in allowed:
            continue
        match = NOT_IN_NLU.search(line)
        if match and match.group(1) in BUTTON_ONLY_INTENTS:
            continue
        problems.append(line.strip())
    if proc.returncode != 0 or problems:
        print(output if proc.returncode != 0 else "\n".join(problems))
        print("rasa data validate: FAILED")
        return 1
    conflicts = conflicting_synonyms()
    for text, known, value in conflicts:
        print(f"synonym conflict: {text!r} is {known!r} in one file and {value!r} in another")
    if conflicts:
        print("rasa data validate: FAILED")
        return 1
    print(f"rasa data validate: OK ({len(allowed)} responses sent from actions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
