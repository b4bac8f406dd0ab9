"""nlu/annotation.py: every reader of the training examples' text strips both annotation forms."""

from __future__ import annotations

from nlu.annotation import plain_text


def test_both_annotation_forms_become_the_words_typed() -> None:
    assert plain_text("wohnung in [Neukölln](location) bitte") == "wohnung in Neukölln bitte"
    glued = 'بدي بيت [بنويكولن]{"entity": "location", "value": "نويكولن"} بسرعة'
    assert plain_text(glued) == "بدي بيت بنويكولن بسرعة"
    assert plain_text('[a](x) und [b]{"entity": "x"}') == "a und b"


def test_text_without_annotations_is_left_alone() -> None:
    assert plain_text("brackets [like this] stay") == "brackets [like this] stay"
