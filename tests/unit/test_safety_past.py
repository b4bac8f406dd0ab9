"""Violence that is over, figurative words, and western Latin messages: no alarm (issue 16).

Written here, not taken from a development or held-out set. Each look-alike has a danger twin
that must still be caught, so a look-alike that blanked too much would show at once.
"""

from __future__ import annotations

import pytest

from lotse.safety import find_phrase, load_phrases

PHRASES = load_phrases()

OVER = {  # told to find counselling or a lawyer, years after
    "de": "mein früherer partner hat mich vor drei jahren geschlagen, ich suche eine beratung",
    "en": "my ex hit me two years ago, now i need a counsellor",
    "fr": "il y a deux ans mon ex m'a frappée, je cherche une psychologue",
    "ru": "в прошлом году муж меня избил, хочу развестись, нужен юрист",
    "uk": "чоловік бив мене ще в україні, тепер шукаю психолога",
    "tr": "eski kocam beni döverdi, şimdi boşanmak için avukat arıyorum",
    "fa": "پارسال شوهر سابقم کتکم زد، الان دنبال مشاور هستم",
    "ar": "زوجي السابق كان يضربني، هلق بدي محامي للطلاق",
}
NOW = {  # the same violence now: still an emergency
    "de": "mein partner hat mich gerade geschlagen",
    "en": "my husband hit me just now",
    "fr": "mon mari m'a frappée ce soir",
    "ru": "муж меня избил только что",
    "uk": "чоловік мене побив зараз",
    "tr": "kocam beni dövdü az önce",
    "fa": "شوهرم همین الان کتکم زد",
    "ar": "جوزي ضربني هلق",
}


@pytest.mark.parametrize("lang", sorted(OVER))
def test_violence_that_is_over_raises_no_alarm(lang: str) -> None:
    assert find_phrase(OVER[lang], PHRASES) is None


@pytest.mark.parametrize("lang", sorted(NOW))
def test_the_same_violence_now_is_caught(lang: str) -> None:
    assert find_phrase(NOW[lang], PHRASES) is not None


@pytest.mark.parametrize(
    "text",
    [
        "bu şehirde yaşamak istemiyorum, başka şehre taşınabilir miyim",
        "بدي موت من الضحك ع هالفيديو",
        "این شهر داره منو میکشه، کار نیست",
        "کلاس آشپزی هست که کار با چاقو یاد بدن؟",
        "heute war die feuerwehr im heim, nur probealarm",
    ],
)
def test_figurative_and_everyday_words_raise_no_alarm(text: str) -> None:
    assert find_phrase(text, PHRASES) is None


def test_a_french_message_is_not_read_as_persian_or_arabic_letters() -> None:
    """ "chaque … Heim" once read as چاقو (a knife) and a threat at the Heim."""
    text = "chaque nuit du bruit dans ce Heim, je dors pas, une asso pour un logement ?"
    assert find_phrase(text, PHRASES) is None
    assert find_phrase("yak nafar ba chaqu dar Heim ast hamla mekona", PHRASES) is not None
