"""The emergency net against its development set (tests/safety/development.yml, issue 16).

The phrase lists were improved with these messages, so the figures here say nothing about
messages nobody has seen (that is tests/safety/regression.yml's job); they keep what was learnt
from the set from being lost by a later change. KNOWN lists, per language, what the net alone
still misses or wrongly raises (the fourth set's messages typed in Latin letters are read by
lotse/safety_latin.py against the same lists): each needs the trained classifier, or a phrase
that would raise false alarms elsewhere (a bare "help me" is also how people start asking for a
flat).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lotse.safety import PhraseNet, find_phrase, load_phrases

SET = Path(__file__).resolve().parent.parent / "safety" / "development.yml"
KNOWN = {  # (dangers missed, false alarms) allowed per language
    "de": (0, 0),
    "en": (1, 1),  # a bare "help me please"; "gonna kill myself lol" about a test (kept an alarm
    # for the net on purpose: docs/decisions.md; the danger model's doubt gives it the line)
    "fr": (0, 0),
    "tr": (0, 0),
    "ar": (1, 0),  # "الصغير والكلور" (no verb: bleach alone is a cleaning question)
    "fa": (1, 0),  # a bare "کمک"
    "ru": (1, 0),  # a bare "помогите"
    "uk": (0, 0),
}


@pytest.fixture(scope="module")
def data() -> dict[str, dict[str, list[str]]]:
    loaded: dict[str, dict[str, list[str]]] = yaml.safe_load(SET.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def net() -> PhraseNet:
    return load_phrases()  # about 2 s with the danger model: once for the eight languages


@pytest.mark.parametrize("language", sorted(KNOWN))
def test_the_net_keeps_what_its_development_set_taught(data, net: PhraseNet, language: str) -> None:
    parts = data[language]
    missed = sum(1 for text in parts["acute"] if not find_phrase(text, net))
    alarms = sum(1 for text in parts["look_alike"] if find_phrase(text, net))
    allowed_missed, allowed_alarms = KNOWN[language]
    assert missed <= allowed_missed and alarms <= allowed_alarms, (
        f"{language}: {missed} dangers missed, {alarms} false alarms (allowed {KNOWN[language]})"
    )
