"""Morphological normal forms per language, from the libraries made for each language.

People write the same word in many inflections (Wohnungen, квартиру, квартирі, بالمدرسة,
çocuklarım), and the training data cannot hold them all. The intent model therefore also sees each
word's normal form: pymorphy3's dictionaries for Ukrainian and Russian, Tashaphyne's light stemmer
for Arabic (it strips و ب ل ف ال and the endings), simplemma for German, English, French, Turkish
and Persian. Works on the text as typed (before lotse.text.normalize drops diacritics, which the
dictionaries need), and folds each normal form afterwards so it matches the normalised text.
No Rasa import: the experiments in nlu/experiment.py use it directly.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Optional

from lotse.text import normalize

WORD = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_UKRAINIAN_LETTERS = re.compile(r"[іїєґІЇЄҐ]")
_PERSIAN_LETTERS = re.compile(r"[پچژگکی]")
_SIMPLEMMA = ("de", "en", "fr", "tr", "fa")


@lru_cache(maxsize=2)
def _morph(lang: str):  # type: ignore[no-untyped-def]
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=lang)


@lru_cache(maxsize=1)
def _arabic_stemmer():  # type: ignore[no-untyped-def]
    from tashaphyne.stemming import ArabicLightStemmer

    return ArabicLightStemmer()


@lru_cache(maxsize=200_000)
def _pymorphy(word: str, lang: str) -> str:
    return _morph(lang).parse(word)[0].normal_form


@lru_cache(maxsize=200_000)
def _arabic(word: str) -> str:
    return _arabic_stemmer().light_stem(word) or word


@lru_cache(maxsize=200_000)
def _simplemma(word: str, lang: str) -> str:
    import simplemma

    return simplemma.lemmatize(word, lang=lang)


def script_language(word: str, hint: Optional[str]) -> Optional[str]:
    """Which analyser a word goes to: the message's language where the script agrees, else the
    script's most likely language (a Latin word in an Arabic message is usually German)."""
    if _CYRILLIC.search(word):
        if hint in ("uk", "ru"):
            return hint
        return "uk" if _UKRAINIAN_LETTERS.search(word) else "ru"
    if _ARABIC_SCRIPT.search(word):
        if hint in ("ar", "fa"):
            return hint
        return "fa" if _PERSIAN_LETTERS.search(word) else "ar"
    if word.isdigit():
        return None
    return hint if hint in ("de", "en", "fr", "tr") else "de"


def _analyser(lang: Optional[str]) -> Optional[Callable[[str], str]]:
    if lang in ("uk", "ru"):
        return lambda w: _pymorphy(w.lower(), lang)
    if lang == "ar":
        return _arabic
    if lang in _SIMPLEMMA:
        return lambda w: _simplemma(w.lower(), lang)
    return None


def lemmas(text: str, language: Optional[str]) -> str:
    """The text's words as normal forms, normalised like the message text, space-separated."""
    out = []
    for word in WORD.findall(text):
        analyse = _analyser(script_language(word, language))
        out.append(normalize(analyse(word) if analyse else word))
    return " ".join(out)
