"""Facts a person states about themself in passing: residence status and age.

"I'm from Ukraine, I have temporary protection, I'm looking for work in Mitte" already answers
the residence-status question, so Lotse must not ask it. Statuses are found by the phrases of
data/facts/residence_status.yml (eight languages, the words people really use: "§24", "Duldung",
"тимчасовий захист", "إقامة دائمة"); age only where the person says it of themself ("ich bin 17",
"мені 17 років", "17 yaşındayım", "j'ai 17 ans"), never a child's age or years in Germany.
Used by the NLU pipeline (nlu/facts_extractor.py), whose entities fill the slots; PyYAML is in
both environments.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import yaml

from lotse.text import contains_words, fold

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "facts" / "residence_status.yml"
MIN_STEM = 6
MAX_ENDING = 3

AGE_GROUPS: dict[str, tuple[int, int]] = {
    "under_18": (0, 17),
    "18_26": (18, 26),
    "27_plus": (27, 120),
}
"""The client's answer to "how old are you?" (buttons), as an age range."""

StatusPhrases = Sequence[tuple[tuple[str, ...], str]]


def _fold(text: str) -> str:
    return fold(text.replace("§", " paragraph "))


@lru_cache(maxsize=4)
def load_status_phrases(path: Path = DEFAULT_FILE) -> StatusPhrases:
    """(folded words, status) for every phrase, longest first (a longer phrase is surer)."""
    phrases = {
        (tuple(_fold(phrase).split()), status)
        for status, languages in yaml.safe_load(path.read_text(encoding="utf-8")).items()
        for items in languages.values()
        for phrase in items
    }
    return sorted((p for p in phrases if p[0]), key=lambda p: (-len(p[0]), p))


def find_residence_status(text: str, phrases: StatusPhrases | None = None) -> str | None:
    """The residence status the text names, or None (also when it names two different ones)."""
    words = _fold(text).split()
    found = {
        status
        for phrase, status in (phrases or load_status_phrases())
        if contains_words(words, phrase, MAX_ENDING, MIN_STEM)
    }
    return found.pop() if len(found) == 1 else None


# "I am N", before or after the number, per language (folded forms).
_AGE_BEFORE = (
    r"ich bin|bin|i am|i m|im|iam|age|alter|j ai|jai|мне|мени|мені|عمري|عمری|سنم|من|yasim|yasimda"
)
_AGE_AFTER = (
    r"jahre alt|jahre|years old|yrs old|years|yo|ans|лет|года|год|років|роки|рік|рокiв"
    r"|yasindayim|yasinda|yasim|سالمه|سالم|ساله هستم|سنه|سنوات|عاما|عام"
)
_AND = r"und|and|et|и|і|та|ve|و|va|also|aber|but|mais"
_AGE = re.compile(
    rf"(?:^|\s)(?:(?:{_AGE_BEFORE})\s+(?P<a>\d{{1,2}})(?:\s+(?:{_AGE_AFTER})|(?=\s*$|\s+(?:{_AND})\s))"
    rf"|(?P<b>\d{{1,2}})\s+(?:{_AGE_AFTER}))(?=\s|$)"
)
_NOT_MY_AGE = re.compile(
    r"(?:seit|since|for|depuis|уже|вже|с|з|منذ|از|mein|meine|my|mon|ma|мой|моя|мій|моя|сын|син|дочь|донька|"
    r"sohn|tochter|son|daughter|fils|fille|kind|child|ребенку|дитині|ابني|بنتي|پسرم|دخترم|oglum|kizim)\s+"
    r"(?:\S+\s+){0,2}$"
)


def find_age(text: str) -> int | None:
    """The person's own age, if the text says it ("ich bin 17", "мне 24 года"), else None."""
    folded = _fold(text)
    for match in _AGE.finditer(folded):
        age = int(match.group("a") or match.group("b"))
        before = folded[: match.start()]
        if match.group("b") and _NOT_MY_AGE.search(before + " "):
            continue  # "mein Sohn ist 5 Jahre", "seit 3 Jahren"
        if 10 <= age <= 99:
            return age
    return None


def age_group(age: int) -> str | None:
    return next((g for g, (low, high) in AGE_GROUPS.items() if low <= age <= high), None)
