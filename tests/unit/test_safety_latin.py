"""Arabic, Persian, Russian and Ukrainian typed in Latin letters against the same phrase lists
(lotse/safety_latin.py, issue 16). The sentences were written for these tests, not copied from
the development set."""

from __future__ import annotations

from dataclasses import replace

import pytest

from lotse.safety import find_match, load_phrases
from lotse.safety_latin import (
    has_arabizi,
    latin_skeletons,
    latin_words,
    phrase_keys,
    skeleton_forms,
    skeleton_key,
    slavic_key,
)

PHRASES = load_phrases()


# --- the keys ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "typed"),
    [
        ("бьёт", ["b'yot", "bjot", "byot", "b'jot"]),  # ё, soft sign, iotation
        ("дихає", ["dykhaie", "dyhaje", "dihaye"]),  # х as kh/h/ch, є as ie/je/ye
        ("щас", ["shas", "schas", "shchas"]),  # щ and ш are one key
        ("жінка", ["zhinka", "zhynka"]),  # і, и and y are one vowel
        ("допоможіть", ["dopomozhit", "dopomozhіt", "dopomozhyt"]),
        ("сильно", ["syl'no", "silno", "sil'no"]),
        ("голова", ["golova", "holova"]),  # Russian г and Ukrainian г
        ("улице", ["ulice", "ulitse", "ulitze"]),  # ц as c/ts/tz
        ("дышает", ["dyshaet", "dishaet", "dyshayet"]),  # -ает, which fold makes -at in a message
        ("убивает", ["ubivaet", "ubivayet", "ubivajet"]),
    ],
)
def test_a_cyrillic_word_and_its_latin_spellings_have_one_key(
    script: str, typed: list[str]
) -> None:
    key = slavic_key(script)
    for word in typed:
        assert slavic_key(latin_words(word)[0]) == key, word


def test_slavic_keys_keep_what_tells_words_apart() -> None:
    assert slavic_key("мене") != slavic_key("мама")
    assert slavic_key("бил") != slavic_key("бал")  # vowels stay in Slavic keys
    assert slavic_key("убьет") != slavic_key("убежал")


@pytest.mark.parametrize(
    ("arabic", "typed"),
    [
        ("يضربني", "yedrebni"),
        ("سكينة", "sekkine"),  # taa marbuta and a doubled letter
        ("هلق", "hala2"),  # 2 as ق
        ("عم", "3am"),
        ("حريق", "7ari2"),
        ("خنقني", "5na2ni"),
        ("جوزي", "gozy"),  # Egyptian g for ج
        ("يقول", "ygool"),  # Gulf g for ق
        ("سكينة", "sichcheena"),  # Iraqi ch for ك
    ],
)
def test_arabizi_gives_the_skeleton_of_the_arabic_word(arabic: str, typed: str) -> None:
    assert skeleton_key(arabic, "ar") in latin_skeletons(typed)


@pytest.mark.parametrize(
    ("persian", "typed"),
    [("میخوام", "mikham"), ("خودمو", "khodamo"), ("بکشم", "bekosham"), ("قرص", "ghors")],
)
def test_finglish_gives_the_skeleton_of_the_persian_word(persian: str, typed: str) -> None:
    assert skeleton_key(persian, "fa") in latin_skeletons(typed)


def test_b_and_p_stay_apart() -> None:
    assert skeleton_key("بپرم", "fa") not in latin_skeletons("beram")


def test_an_article_typed_apart_is_read_with_its_word() -> None:
    forms = skeleton_forms(latin_words("el dam ma wagaf"))
    assert "ldm" in forms[0] and "dm" in forms[1]
    assert "blqtl" in skeleton_forms(latin_words("bil 2atl"))[0]


def test_only_latin_words_are_read() -> None:
    assert latin_words("мене б'є help جوزي 20") == ["", "", "help", "", ""]
    assert latin_words("dopomozhіt")[0]  # one stray Cyrillic і in a Latin word
    assert latin_words("shohar-em") == ["shoharem"]


def test_arabizi_is_letters_with_a_digit_among_them() -> None:
    assert has_arabizi(["ana", "3am"]) and has_arabizi(["hala2"])
    assert not has_arabizi(["b1", "u7", "12std", "20", "a2"])


# --- short keys never match alone --------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "language"),
    [
        (("ضرب",), "ar"),  # three consonants, one word
        (("он",), "ru"),
        (("инсульт",), "ru"),  # also "insult" in English and French
        (("من", "ما"), "ar"),  # two words of one consonant each
        (("helpme",), "de"),  # a language without a Latin reading
        (("jozi", "darabni"), "ar"),  # Arabizi in the list is matched as it is written
    ],
)
def test_too_short_phrases_are_not_read_in_latin_letters(
    phrase: tuple[str, ...], language: str
) -> None:
    assert phrase_keys(phrase, language) == []


def test_a_short_single_word_needs_an_arabizi_message() -> None:
    assert phrase_keys(("خنقني",), "ar") == []
    assert phrase_keys(("خنقني",), "ar", arabizi=True)
    assert find_match("y5an2ni", PHRASES) is not None
    assert find_match("ykhanqni", PHRASES) is None


# --- the net -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ru", "muzh b'yot menya, pomogite"),
        ("ru", "mama ne dyshit"),
        ("ru", "ya hochu umeret"),
        ("uk", "mama ne dykhaie, shcho robyty"),
        ("ru", "rebenok ne prosypaetsya"),  # -ается: "ae" is no German ä here (session 15)
        ("uk", "dytyna ne prokydaetsya"),
        ("uk", "ne khochu zhyty"),
        ("ar", "jozi 3am yedrebni"),
        ("ar", "ra7 yi2telni"),
        ("ar", "bintna bal3et 7boob"),
        ("fa", "mikham khodamo bekosham"),
    ],
)
def test_latin_typed_dangers_are_caught_by_their_language(language: str, text: str) -> None:
    match = find_match(text, PHRASES)
    assert match is not None and match.language == language, (text, match)


def test_the_phrase_named_is_the_listed_one() -> None:
    match = find_match("jozi 3am yedrebni", PHRASES)
    assert match is not None and all(not w.isascii() for w in match.phrase)


@pytest.mark.parametrize(
    "text",
    [
        "ne khochu zhyty v hurtozhytku, yak znaity kvartyru",  # a housing question
        "ne hochu zhit' v etom Heime",
        "ma 3ad bade 3ish bil Heim",
        "kif btla3 mn el heim w la2i sha2a",
        "he insulted me at school",
        "Wie bekomme ich einen Reiseausweis für Flüchtlinge?",
        "I was offered a position as a teaching assistant",
        "mein Mann bleibt heute bei mir",
        "yine hamileyim galiba ilk ne yapmam lazim",
        "bende ne biliyorsaniz hepsini silin",
        "oglum 17 yash, yazda chalishmah isteyir",
        "mon fils se fait insulter à l'école",
        "psikolog lazım galiba",
    ],
)
def test_ordinary_latin_messages_raise_no_alarm(text: str) -> None:
    assert find_match(text, PHRASES) is None, find_match(text, PHRASES)


def test_a_latin_look_alike_does_not_hide_a_danger_beside_it() -> None:
    match = find_match("ne khochu zhyty v hurtozhytku, cholovik b'ye mene", PHRASES)
    assert match is not None and match.language == "uk"


def test_cyrillic_and_arabic_words_do_not_join_a_latin_phrase() -> None:
    """The phrase reader's mechanics; the danger model (which reads these mixed messages as the
    dangers they are) is left out."""
    phrases_alone = replace(PHRASES, model=None)
    assert find_match("ne хочу zhyty", phrases_alone) is None
    assert find_match("jozi عم yedrebni", phrases_alone) is None
