"""The normaliser and the emergency safety net (lotse/text.py, lotse/safety.py)."""

from __future__ import annotations

import pytest

from lotse import LANGUAGES
from lotse.safety import find_phrase, load_phrases
from lotse.text import fold, normalize, normalize_with_offsets, remap_span
from nlu.annotation import read_examples
from tests.conftest import project_root

PHRASES = load_phrases()


def training_examples(lang: str) -> dict[str, list[str]]:
    """Every example of data/nlu/<lang>/, by intent (an intent may have several blocks)."""
    examples: dict[str, list[str]] = {}
    for path in sorted((project_root() / "data" / "nlu" / lang).glob("*.yml")):
        for text, intent in read_examples(path):
            examples.setdefault(intent, []).append(text)
    return examples


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ich suche eine Wohnung in Lörrach", "ich suche eine wohnung in lorrach"),
        ("مـــرحبا أنا بدي شقة", "مرحبا انا بدی شقه"),  # tatweel, hamza, yeh, taa marbuta
        ("می‌خواهم كورس", "میخواهم کورس"),  # ZWNJ, Arabic kaf
        ("м'ясо мʼясо м’ясо мясо", "мясо мясо мясо мясо"),
        ("İş arıyorum", "is ariyorum"),
        ("ﻻ ١٢٣ ۴۵۶", "لا 123 456"),  # presentation forms, Arabic-Indic and Persian digits
        ("a\u202eb\u2068c\u2069", "abc"),  # bidi overrides and isolates
        ("x\x07y", "x y"),  # control characters never glue words together
        ("Дiд вiддав усе, Jobcenter", "дід віддав усе, jobcenter"),  # a Latin i in Cyrillic words
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_a_latin_i_typed_on_a_russian_layout_reads_as_ukrainian() -> None:
    """No і on a Russian layout: many Ukrainians type the Latin i, and the lists are Cyrillic."""
    cyrillic = find_phrase("я хочу покінчити з собою", PHRASES)
    assert cyrillic is not None
    assert find_phrase("я хочу покiнчити з собою", PHRASES) == cyrillic


def test_offsets_follow_the_text() -> None:
    text = "أنا في لوراخ"
    normalized, origin = normalize_with_offsets(text)
    start, end = remap_span(origin, 7, 12)
    assert normalized[start:end] == "لوراخ"


def test_fold_treats_umlaut_spellings_alike() -> None:
    assert fold("Lörrach") == fold("Loerrach") == fold("LORRACH")


def test_every_language_has_a_safety_list() -> None:
    for lang in LANGUAGES:
        assert (project_root() / "data" / "safety" / f"emergency_{lang}.txt").exists(), lang


@pytest.mark.parametrize(
    "text",
    [
        "mein mann schlägt mich",
        "my husband is beating me right now",
        "زوجي يضربني",
        "чоловік мене бʼє",
        "он хочет меня убить",
        "kocam beni öldüreceğini söyledi",
        "mon mari me frappe",
    ],
)
def test_the_safety_net_catches_acute_danger(text: str) -> None:
    assert find_phrase(text, PHRASES), text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_safety_net_raises_no_false_alarm_on_training_data(lang: str) -> None:
    """A false alarm shows emergency numbers instead of an answer: no phrase may occur in any
    non-emergency training example."""
    for intent, examples in training_examples(lang).items():
        if intent == "emergency":
            continue
        alarms = [(e, find_phrase(e, PHRASES)) for e in examples if find_phrase(e, PHRASES)]
        assert not alarms, f"{lang}/{intent}: {alarms[:3]}"


@pytest.mark.parametrize(
    "text",
    [
        "Ich möchte eine Ausbildung bei der Feuerwehr",
        "I need a doctor for my back pain",
        "Termin beim Arzt wegen Schmerzen",
        "the rent is killing me",
    ],
)
def test_ordinary_questions_are_not_emergencies(text: str) -> None:
    assert find_phrase(text, PHRASES) is None
