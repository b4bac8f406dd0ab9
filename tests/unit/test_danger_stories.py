"""The stories the danger model also learns from (nlu/danger_stories.py): made of the given
messages only, each danger told inside an ordinary message of its language, and as many ordinary
stories again three times over, so that a long message is not a danger because it is long."""

from __future__ import annotations

from nlu.danger_stories import STORIES_OF_OTHERS, Example, composed_stories

ROWS = [
    Example("er schlägt mich gerade", True, "de"),
    Example("ich suche eine wohnung in mitte", False, "de"),
    Example("wo gibt es einen deutschkurs", False, "de"),
    Example("ok", False, "de"),
    Example("das jobcenter bringt mich um", False, "de", look_alike=True),
    Example("he is hitting me now", True, "en"),
    Example("where can i find a doctor", False, "en"),
]
ORDINARY = {row.text for row in ROWS if not row.danger and not row.look_alike}


def test_each_danger_is_told_inside_an_ordinary_message_of_its_language() -> None:
    texts, labels = composed_stories(ROWS, seed=0)
    dangers = [text for text, label in zip(texts, labels, strict=True) if label]
    assert len(dangers) == 2
    for text, danger in zip(
        dangers, ["er schlägt mich gerade", "he is hitting me now"], strict=True
    ):
        filler = text.replace(danger, "").strip()
        assert danger in text and filler in ORDINARY
    assert "ich suche" in dangers[0] or "wo gibt" in dangers[0]
    assert "doctor" in dangers[1]


def test_ordinary_stories_outnumber_the_dangers_and_hold_every_look_alike() -> None:
    texts, labels = composed_stories(ROWS, seed=0)
    assert labels.count(0) == int(labels.count(1) * STORIES_OF_OTHERS)
    ordinary = [text for text, label in zip(texts, labels, strict=True) if not label]
    assert any("das jobcenter bringt mich um" in text for text in ordinary)


def test_a_message_of_one_or_two_words_is_never_a_filler() -> None:
    rows = [Example("he has a knife", True, "en"), Example("ok thanks", False, "en")]
    assert composed_stories(rows, seed=0) == ([], [])


def test_the_same_seed_gives_the_same_stories() -> None:
    assert composed_stories(ROWS, seed=3) == composed_stories(ROWS, seed=3)


def test_a_language_without_ordinary_messages_gets_no_stories() -> None:
    texts, labels = composed_stories([Example("aidez-moi il a un couteau", True, "fr")], seed=0)
    assert texts == [] and labels == []
