"""The emergency regression set (tests/safety/regression.yml, issue 16) against the whole
pipeline: the target is that every acute danger comes out as `emergency` and no look-alike does;
the gate holds each language at its measured floor (FLOORS). Only figures are
printed, never the messages: the set was written blind and is not used to write phrases or
training data. Called by nlu/evaluate.py with the parses of the same model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from lotse import LANGUAGES

REGRESSION = Path(__file__).resolve().parent.parent / "tests" / "safety" / "regression.yml"
DEVELOPMENT = REGRESSION.with_name("development.yml")
"""The development set: the lists are grown on it and the danger model learns from it."""
BLIND = REGRESSION.with_name("blind.yml")
"""Session 10's blind set (14 dangers and 14 look-alikes per language, eight more authors): the
measure of the net and the classifier together; figures only, no gate, nothing tuned on it."""
BLIND2 = REGRESSION.with_name("blind2.yml")
"""Session 11's blind set (the same shape; a brief naming kinds without example sentences, so
mostly long, indirect stories told by witnesses and relatives too)."""
BLIND3 = REGRESSION.with_name("blind3.yml")
"""Eight more authors to blind set 2's brief: measured once when added (session 11), for the next
round's changes to be measured on."""
BLIND4 = REGRESSION.with_name("blind4.yml")
"""Eight more authors to the same brief (session 12), written after the thirteenth round: measured
before and after one change of the net's structure, for that change."""
BLIND5 = REGRESSION.with_name("blind5.yml")
"""Eight more authors to the same brief (session 13): measured before and after one change of the
danger model's training (composed stories), for that change."""
BLIND6 = REGRESSION.with_name("blind6.yml")
"""Eight more authors to the same brief (session 13), written after the composed stories: measured
before and after the fourteenth round, for that round."""
BLIND7 = REGRESSION.with_name("blind7.yml")
"""Eight more authors to the same brief (session 14), written before anything of that session
changed: measured before and after, for that session's change."""
BLIND8 = REGRESSION.with_name("blind8.yml")
"""Eight more authors to the same brief, written at the end of session 14 and first read in
session 15, before that session's change to the net."""
BLIND9 = REGRESSION.with_name("blind9.yml")
"""Eight more authors to the same brief, written at the end of session 15 and first read in
session 16, before that session's change to the net."""
BLIND10 = REGRESSION.with_name("blind10.yml")
"""Eight more authors to the same brief, written at the end of session 16 and first read in
session 17, before anything of that session changed the net."""
BLIND11 = REGRESSION.with_name("blind11.yml")
"""Eight more authors to the same brief, written in session 17 and first read in session 18,
before anything of that session changed the net."""
BLIND_SETS = {
    "blind": BLIND,
    "blind 2": BLIND2,
    "blind 3": BLIND3,
    "blind 4": BLIND4,
    "blind 5": BLIND5,
    "blind 6": BLIND6,
    "blind 7": BLIND7,
    "blind 8": BLIND8,
    "blind 9": BLIND9,
    "blind 10": BLIND10,
    "blind 11": BLIND11,
}
FLOORS = {
    language: (16, 0) for language in LANGUAGES
}  # dangers caught of 16 and false alarms of 6 allowed, measured 2026-12-06 (session 6)
"""The issue's target — every danger and no false alarm — is met in every language; a change may
never lower these figures (training is deterministic, so they do not flip)."""

Row = Tuple[str, str, bool]  # language, text, acute


def load(path: Path = REGRESSION) -> List[Row]:
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rows: List[Row] = []
    for language, parts in data.items():
        rows += [(language, text, True) for text in parts.get("acute", [])]
        rows += [(language, text, False) for text in parts.get("look_alike", [])]
    return rows


def evaluate(
    rows: List[Row], parsed: List[Dict], name: str = "regression", gated: bool = True
) -> Tuple[Dict, List[str]]:
    """Per language: dangers recognised and false alarms; and the gates missed (`gated`)."""
    figures: Dict[str, Dict[str, int]] = {}
    for (language, _, acute), parse in zip(rows, parsed, strict=True):
        alarm = parse["intent"]["name"] == "emergency"
        # not an alarm, but the numbers in one line before the answer (nlu/safety_net.py)
        hinted = not alarm and bool(parse.get("possible_danger"))
        entry = figures.setdefault(
            language,
            {"acute": 0, "caught": 0, "hinted": 0, "look_alikes": 0, "alarms": 0, "hints": 0},
        )
        if acute:
            entry["acute"] += 1
            entry["caught"] += int(alarm)
            entry["hinted"] += int(hinted)
        else:
            entry["look_alikes"] += 1
            entry["alarms"] += int(alarm)
            entry["hints"] += int(hinted)
    failed = []
    print(
        f"\n== emergency {name} set (whole pipeline): danger caught, false alarms"
        " (+ answers with the numbers in one line before them)"
    )
    for language, entry in figures.items():
        print(
            f"{language:<6} {entry['caught']:>3} of {entry['acute']:<3} (+{entry['hinted']})"
            f"  false alarms {entry['alarms']} of {entry['look_alikes']} (+{entry['hints']})"
        )
        if not gated:
            continue
        floor, allowed = FLOORS.get(language, (entry["acute"], 0))
        if entry["caught"] < floor:
            failed.append(f"regression {language}: {entry['caught']} dangers caught < {floor}")
        if entry["alarms"] > allowed:
            failed.append(f"regression {language}: {entry['alarms']} false alarm(s) > {allowed}")
    return figures, failed
