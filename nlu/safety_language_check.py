"""What a list editor of one language sees (docs/briefs/emergency-lists.md). Usage:
    PYTHONPATH=. .venv-rasa/bin/python -m nlu.safety_language_check LANG [DANGERS LOOK_ALIKES]

Prints, for the lists alone (phrases, look-alike phrases, scenes; no statistical model):
 1. the latest development round (the last DANGERS dangers and LOOK_ALIKES look-alikes of LANG in
    tests/safety/development.yml, 20 and 20 unless given): every danger missed and every
    look-alike alarm, with the text;
 2. the whole development set of LANG: the same, for all rounds;
 3. the training data data/nlu/LANG: non-emergency examples that raise an alarm (with text) and
    emergency examples missed (with text);
 4. the project's held-out sets of LANG: COUNTS ONLY (alarms on non-emergency, emergency missed).
    You may not see these messages; a count that rises means a phrase is too broad.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from lotse.safety import find_phrase, load_phrases
from nlu.evaluate import read_set
from nlu.safety_regression import DEVELOPMENT

lang = sys.argv[1]
latest_dangers, latest_looks = (int(n) for n in sys.argv[2:4]) if len(sys.argv) > 3 else (20, 20)
net = load_phrases(model=False)
dev = yaml.safe_load(DEVELOPMENT.read_text("utf-8"))[lang]


def report(title, dangers, looks):
    missed = [t for t in dangers if not find_phrase(t, net)]
    alarms = [(t, find_phrase(t, net)) for t in looks]
    alarms = [(t, m) for t, m in alarms if m]
    print(
        f"== {title}: dangers caught {len(dangers) - len(missed)}/{len(dangers)}, "
        f"look-alike alarms {len(alarms)}/{len(looks)}"
    )
    for t in missed:
        print("  MISSED:", t)
    for t, m in alarms:
        print(f"  ALARM [{getattr(m, 'text', m)}]:", t)


report(
    f"latest round (the last {latest_dangers} dangers, {latest_looks} look-alikes)",
    dev["acute"][-latest_dangers:],
    dev["look_alike"][-latest_looks:],
)
report("whole development set", dev["acute"], dev["look_alike"])


def tally(paths: list[Path], show: bool) -> tuple[int, int, int]:
    """(alarms on non-emergency, emergency missed, emergency examples) of the sets at `paths`;
    the texts printed only if `show`."""
    alarms = missed = dangers = 0
    for p in paths:
        for _, text, gold, _ in read_set(p, lang):
            m = find_phrase(text, net)
            if gold == "emergency":
                dangers += 1
                missed += not m
                if show and not m:
                    print("  EMERGENCY MISSED:", text)
            elif m:
                alarms += 1
                if show:
                    print(f"  ALARM [{getattr(m, 'text', m)}] on {gold}:", text)
    return alarms, missed, dangers


print("== training data data/nlu/" + lang)
alarms, missed, dangers = tally(sorted(Path("data/nlu").glob(f"{lang}/*.yml")), show=True)
print(f"  alarms on non-emergency {alarms}; emergency missed {missed}/{dangers}")

held = (
    sorted(Path("tests/nlu").glob(f"holdout_{lang}.yml"))
    + sorted(Path("tests/nlu/independent").glob(f"{lang}.yml"))
    + sorted(Path("tests/nlu/fresh").glob(f"{lang}.yml"))
)
alarms, missed, dangers = tally(held, show=False)
print(
    f"== held-out sets ({len(held)} files), counts only: alarms on non-emergency {alarms}; "
    f"emergency missed {missed}/{dangers}"
)
