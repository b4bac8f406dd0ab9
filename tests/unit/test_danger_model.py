"""The danger model of the emergency net (lotse/danger_model.py): the pure-Python scorer computes
what scikit-learn computed when `make train` wrote the model, and the net asks it only when no
phrase and no scene matched. No test here depends on a borderline prediction: the wiring is
tested with a hand-made model, the trained one only for agreement with scikit-learn."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from lotse.danger_model import DEFAULT_PATH, DangerModel, char_wb_ngrams, read_model, word_ngrams
from lotse.safety import MODEL_MATCH, find_match, find_phrase, load_phrases, read_message

NET = load_phrases()


def test_character_ngrams_are_scikit_learns_char_wb() -> None:
    assert char_wb_ngrams("ab", 2, 3) == [" a", "ab", "b ", " ab", "ab "]
    # a word shorter than n is counted once, and longer n are not tried
    assert char_wb_ngrams("a", 2, 5) == [" a", "a ", " a "]


def test_word_ngrams_are_scikit_learns_word_analyzer() -> None:
    assert word_ngrams("er hat mich x geschlagen", 1, 2) == [
        "er", "hat", "mich", "geschlagen", "er hat", "hat mich", "mich geschlagen",
    ]  # fmt: skip


@pytest.mark.skipif(not DEFAULT_PATH.exists(), reason="make train writes the danger model")
def test_the_scorer_agrees_with_scikit_learn() -> None:
    model = read_model()
    checks = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))["checks"]
    assert model is not None and len(checks) >= 20
    assert any(p >= 0.5 for _, p in checks) and any(p < 0.5 for _, p in checks)
    for text, expected in checks:
        assert model.probability(text) == pytest.approx(expected, abs=1e-5), text


def hand_made(threshold: float = 0.5) -> DangerModel:
    """Alarm on the word "zzdanger" (weight 10 against an intercept of -5), nothing else."""
    return DangerModel(
        low=2, high=2, intercept=-5.0, threshold=threshold, features={"w:zzdanger": (1.0, 10.0)},
        word_range=(1, 1),
    )  # fmt: skip


def test_the_net_asks_the_model_when_no_phrase_matched() -> None:
    net = replace(NET, model=hand_made())
    assert find_match("bitte zzdanger jetzt", net) is MODEL_MATCH
    assert find_phrase("bitte zzdanger jetzt", net) == ("danger-model",)
    assert find_match("bitte eine wohnung", net) is None


def test_a_phrase_is_named_before_the_model() -> None:
    net = replace(NET, model=hand_made())
    match = find_match("zzdanger mein mann schlägt mich", net)
    assert match is not None and match is not MODEL_MATCH


def test_the_model_reads_the_message_with_look_alikes_blanked() -> None:
    """ "im heim leben" is a look-alike phrase: its words never reach the model."""
    model = DangerModel(
        low=2, high=2, intercept=-5.0, threshold=0.5, features={"w:heim": (1.0, 10.0)},
        word_range=(1, 1),
    )  # fmt: skip
    net = replace(NET, model=model)
    assert find_match("ich will nicht mehr im heim leben", net) is None


def test_one_or_two_words_are_left_to_the_phrases() -> None:
    net = replace(NET, model=hand_made())
    assert find_match("zzdanger", net) is None
    assert find_match("bitte zzdanger", net) is None


def test_below_its_threshold_the_model_stays_quiet() -> None:
    net = replace(NET, model=hand_made(threshold=0.999999))
    assert find_match("bitte zzdanger jetzt", net) is None


def test_without_a_trained_model_the_phrases_still_hold(tmp_path: Path, caplog) -> None:
    net = load_phrases(model=tmp_path / "missing.json")
    assert net.model is None
    assert "phrases alone" in caplog.text
    assert find_phrase("mein mann schlägt mich", net)


def test_other_lists_get_no_model_by_default(tmp_path: Path) -> None:
    (tmp_path / "emergency_de.txt").write_text("hilfe feuer\n", encoding="utf-8")
    assert load_phrases(tmp_path).model is None


def test_a_model_of_another_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"format": 99}), encoding="utf-8")
    with pytest.raises(ValueError, match="format 99"):
        read_model(path)


def test_between_hint_and_alarm_the_model_marks_a_possible_danger() -> None:
    """The hint threshold just below the message's probability, the alarm above it: Lotse
    answers and puts the numbers before the answer (nlu/safety_net.py), it raises no alarm."""
    model = hand_made(threshold=0.999999)
    probability = model.probability("bitte zzdanger jetzt")
    hinting = replace(model, hint_threshold=probability - 0.01)
    net = replace(NET, model=hinting)
    assert find_match("bitte zzdanger jetzt", net) is None  # no alarm
    assert read_message("bitte zzdanger jetzt", net).possible
    assert not read_message("bitte eine wohnung", net).possible
    assert not read_message("zzdanger jetzt", net).possible  # two words: the phrases' alone


def test_without_a_hint_threshold_the_model_marks_nothing() -> None:
    net = replace(NET, model=hand_made(threshold=0.999999))
    assert not read_message("bitte zzdanger jetzt", net).possible


def test_the_hint_threshold_is_read_from_the_file(tmp_path: Path) -> None:
    data = {
        "format": 1, "ngram_range": [2, 2], "intercept": -5.0, "threshold": 0.97,
        "features": {"w:zzdanger": [1.0, 10.0]}, "word_range": [1, 1],
    }  # fmt: skip
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    older = read_model(path)
    assert older is not None and older.hint_threshold is None
    path.write_text(json.dumps({**data, "hint_threshold": 0.7}), encoding="utf-8")
    newer = read_model(path)
    assert newer is not None and newer.hint_threshold == 0.7


LONG_CALM = "mein mann schlägt mich beim schach jeden abend und ich suche einen deutschkurs"


def test_a_phrase_in_a_long_message_the_model_reads_as_ordinary_is_doubted() -> None:
    """The phrase still matches (the gateway alone, with Rasa down, still gives the alarm); the
    pipeline reads `doubted` and gives the line instead (nlu/safety_net.py)."""
    net = replace(NET, model=replace(hand_made(), doubt_threshold=0.02))
    reading = read_message(LONG_CALM, net, doubt=True)
    assert reading.match is not None and reading.doubted
    assert find_phrase(LONG_CALM, net)
    assert not read_message(LONG_CALM, net).doubted  # only read where asked (the pipeline)


def test_a_short_message_or_a_likely_danger_is_not_doubted() -> None:
    net = replace(NET, model=replace(hand_made(), doubt_threshold=0.02))
    assert not read_message("mein mann schlägt mich", net, doubt=True).doubted  # under 8 words
    assert not read_message(LONG_CALM + " zzdanger", net, doubt=True).doubted  # a danger read
    older = replace(NET, model=hand_made())  # a file without a doubt threshold
    assert not read_message(LONG_CALM, older, doubt=True).doubted


def test_the_doubt_threshold_is_read_from_the_file(tmp_path: Path) -> None:
    data = {
        "format": 1, "ngram_range": [2, 2], "intercept": -5.0, "threshold": 0.97,
        "features": {"w:zzdanger": [1.0, 10.0]}, "word_range": [1, 1],
        "doubt_threshold": 0.02, "doubt_min_words": 9,
    }  # fmt: skip
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    model = read_model(path)
    assert model is not None and (model.doubt_threshold, model.doubt_min_words) == (0.02, 9)
