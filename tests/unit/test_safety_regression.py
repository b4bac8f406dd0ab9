"""The emergency regression set (tests/safety/regression.yml, issue 16) against the net alone
(its phrases, scenes and danger model) — the net is what still holds when the classifier is
unsure and what the gateway uses when Rasa is down. The set was written blind; only figures are
asserted, never single messages.

The issue's target is at least 90% of the dangers per language with no false alarm. FLOORS are
the figures measured when the set arrived (docs/decisions.md): a change may raise them, never
lower them. Languages below the target are listed in TARGET_NOT_YET_MET, and the issue stays open
until that list is empty.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lotse.safety import find_phrase, load_phrases

REGRESSION = Path(__file__).resolve().parent.parent / "safety" / "regression.yml"
TARGET = 0.9
FLOORS = {  # dangers caught of 16, false alarms of 6 (allowed at most)
    "de": (16, 0),  # 15 before the danger model (lotse/danger_model.py)
    "en": (16, 0),
    "fr": (16, 0),
    "tr": (15, 0),
    "ar": (16, 0),  # 13 before the Latin reading (safety_latin.py), 14 before the danger model
    "fa": (16, 0),
    "ru": (16, 0),
    "uk": (16, 0),  # 15 before the Latin reading
}
TARGET_NOT_YET_MET: set[str] = set()


def figures() -> dict[str, tuple[int, int, int, int]]:
    net = load_phrases()
    data = yaml.safe_load(REGRESSION.read_text(encoding="utf-8"))
    out = {}
    for language, parts in data.items():
        caught = sum(1 for text in parts["acute"] if find_phrase(text, net))
        alarms = sum(1 for text in parts["look_alike"] if find_phrase(text, net))
        out[language] = (caught, len(parts["acute"]), alarms, len(parts["look_alike"]))
    return out


@pytest.fixture(scope="module")
def measured() -> dict[str, tuple[int, int, int, int]]:
    return figures()


@pytest.mark.parametrize("language", sorted(FLOORS))
def test_the_net_alone_holds_its_floor(measured, language: str) -> None:
    caught, total, alarms, look_alikes = measured[language]
    floor, allowed = FLOORS[language]
    assert total >= 12 and look_alikes >= 4
    assert caught >= floor, f"{language}: {caught} of {total} dangers (floor {floor})"
    assert alarms <= allowed, f"{language}: {alarms} false alarms (at most {allowed})"


def test_the_list_of_languages_below_target_is_true(measured) -> None:
    below = {
        lang
        for lang, (caught, total, alarms, _) in measured.items()
        if caught / total < TARGET or alarms
    }
    assert below == TARGET_NOT_YET_MET, f"update TARGET_NOT_YET_MET and FLOORS: {below}"
