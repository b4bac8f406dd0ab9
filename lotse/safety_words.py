"""How the emergency net compares words: one key for phrases and messages, endings per language.

`lotse.text.fold` already makes é/e, ö/o, ي/ی, ة/ه, أ/ا and ZWNJ alike. The net needs three more
steps that the other users of `fold` (place names, catalogue slugs, topic keywords, the trained
model's features) must not get, so they live here:

- an apostrophe inside a word joins it (m'a → ma, don't → dont, j'ai → jai), because people type
  "ma frappée" and "m'a frappée" alike, while fold would split "m'a" into "m a";
- the lone hamza ء and alef wasla ٱ go (اغماء = اغما), as people type them or not;
- Persian parts typed apart are joined: می / نمی before a verb (می خوام = می‌خوام = میخوام) and
  ها / های / ام / اش after a word (قرص ها = قرص‌ها, بچه ام = بچه‌ام).

Endings (`ENDINGS`) are a rule per language, because one rule for all either misses Turkish and
Ukrainian or raises alarms in German: every phrase word of `min_stem` letters or more may carry
up to `max_ending` more letters in a message (Turkish öldür → öldüreceğim, Russian избил →
избила). A word written with a trailing `*` in a list is a stem that takes an ending whatever its
length (`döv*` → dövdü, dövüyor), and one with a trailing `=` takes none (`пожар=`, not
пожарный). `~` stands for up to three words of any kind between two parts
of a phrase ("hat mich ~ geschlagen"). In Arabic, a message word also matches without its clitic
prefixes و ف ب ل ك س and the article ال (والانتحار, بالسكين → انتحار, سكين).
Standard library only (runs in the gateway and in Rasa).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from lotse.text import fold

STEM_MARK = "*"
EXACT_MARK = "="
GAP = "~"
MAX_GAP = 3
STEM_ENDING = 8
"""Letters a `*` stem may carry (Turkish öldür* → öldürecekmişim is 8 after the stem)."""

_APOSTROPHE_IN_WORD = re.compile(r"(?<=\w)['’`ʼ‘´](?=\w)")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF]")
_PERSIAN_PREFIXES = frozenset({"می", "نمی"})
_PERSIAN_SUFFIXES = frozenset({"ها", "های", "هایش", "هام", "هاش", "هامو", "هاشو", "هارو"})
_PERSIAN_AFTER_H = frozenset({"ام", "اش", "ات", "ای", "ایم", "اید", "اند"})
"""Endings Persian writes apart after a silent h (بچه ام, خسته ام); joined only after ه.
(هایم is left out of the plural endings: it is also how people write Heim.)"""


_CONTRACTED = {
    "t": {"don", "can", "isn", "won", "didn", "doesn", "aren", "wasn", "couldn", "wouldn", "ain"},
    "m": {"i"},
    "s": {"it", "he", "she", "that", "there", "what", "who", "someone", "somebody", "here"},
    "re": {"you", "we", "they"},
    "ll": {"i", "you", "he", "she", "it", "we", "they"},
    "ve": {"i", "you", "we", "they"},
    "d": {"i", "you", "he", "she", "we", "they"},
}
_ELIDED = frozenset({"c", "d", "j", "l", "m", "n", "s", "t", "qu", "quelqu", "jusqu", "lorsqu"})
_VOWEL_START = re.compile(r"[aeiouyh]")


def _join_apostrophes_typed_as_spaces(words: list[str]) -> list[str]:
    """ "don t" → "dont", "i m" → "im" (English), then "m a" → "ma", "j ai" → "jai", "l eau" →
    "leau" (French): people drop the apostrophe or type a space for it."""
    out: list[str] = []
    for word in words:
        if out and out[-1] in _CONTRACTED.get(word, ()):
            out[-1] += word
        else:
            out.append(word)
    joined: list[str] = []
    for word in out:
        if joined and joined[-1] in _ELIDED and _VOWEL_START.match(word):
            joined[-1] += word
        else:
            joined.append(word)
    return joined


def words_of(text: str, umlauts: bool = True) -> list[str]:
    """The words of a message or a phrase as the net compares them (`umlauts`: as `fold`)."""
    key = fold(_APOSTROPHE_IN_WORD.sub("", text), umlauts).replace("ء", "").replace("ٱ", "ا")
    out: list[str] = []
    join_next = False
    for word in _join_apostrophes_typed_as_spaces(key.split()):
        if join_next and out:
            out[-1] += word
            join_next = False
        elif out and (
            word in _PERSIAN_SUFFIXES or (word in _PERSIAN_AFTER_H and out[-1].endswith("ه"))
        ):
            out[-1] += word
        else:
            out.append(word)
            join_next = word in _PERSIAN_PREFIXES
    return out


@dataclass(frozen=True)
class Endings:
    """How the words of one language's phrases may be inflected in a message."""

    min_stem: int
    max_ending: int
    drop_final: str = ""
    """Letters a word of more than `min_stem` letters may lose before its ending (Russian
    вбити → вбит-ь; Ukrainian past tense побив → поби-ла)."""
    soften: bool = False
    """Turkish: a final k, p, t may turn into ğ, b, d before an ending (çocuk → çocuğu)."""
    clitics: bool = False
    """Arabic: message words also match without their clitic prefixes and article."""


_SLAVIC_VOWELS = "аеєиіїоуыэюяьй"
ENDINGS: dict[str, Endings] = {
    "de": Endings(min_stem=5, max_ending=3),
    "en": Endings(min_stem=5, max_ending=3),
    "fr": Endings(min_stem=5, max_ending=3),
    "tr": Endings(min_stem=4, max_ending=8, soften=True),
    "ru": Endings(min_stem=4, max_ending=3, drop_final=_SLAVIC_VOWELS),
    "uk": Endings(min_stem=4, max_ending=3, drop_final=_SLAVIC_VOWELS + "в"),
    "ar": Endings(min_stem=4, max_ending=2, clitics=True),
    "fa": Endings(min_stem=4, max_ending=2),
}
DEFAULT_ENDINGS = Endings(min_stem=6, max_ending=4)
_SOFT = {"k": "g", "p": "b", "t": "d"}  # ç/c are one letter after fold


@dataclass(frozen=True)
class Word:
    """One word of a phrase: the exact form, and the stems it may also carry an ending on."""

    form: str
    stems: tuple[str, ...] = ()
    max_ending: int = 0
    clitics: bool = False

    def fits(self, forms: tuple[str, ...]) -> bool:
        plain = getattr(forms, "plain", 1)
        for candidate in forms if self.clitics else forms[:plain]:
            if candidate == self.form:
                return True
            for stem in self.stems:
                extra = len(candidate) - len(stem)
                if 0 < extra <= self.max_ending and candidate.startswith(stem):
                    return True
        return False


GAP_WORD = Word(GAP)


@cache  # the lists and scenes repeat their words thousands of times; Word is immutable
def compile_word(word: str, rule: Endings) -> Word:
    """A phrase word with the stems its language's rule allows."""
    if word == GAP:
        return GAP_WORD
    if word.endswith(EXACT_MARK) and word.rstrip(EXACT_MARK):
        return Word(word.rstrip(EXACT_MARK), (), 0, rule.clitics)
    if word.endswith(STEM_MARK) and word.rstrip(STEM_MARK):
        stem = word.rstrip(STEM_MARK)
        endings = [stem] + (
            [stem[:-1] + _SOFT[stem[-1]]] if rule.soften and stem[-1] in _SOFT else []
        )
        return Word(stem, tuple(endings), STEM_ENDING, rule.clitics)
    stems: list[str] = []
    if len(word) >= rule.min_stem:
        stems.append(word)
        if rule.soften and word[-1] in _SOFT:
            stems.append(word[:-1] + _SOFT[word[-1]])
        if rule.drop_final and word[-1] in rule.drop_final and len(word) > rule.min_stem:
            stems.append(word[:-1])
    return Word(word, tuple(stems), rule.max_ending if stems else 0, rule.clitics)


_CONJUNCTIONS = ("و", "ف")
_PREPOSITIONS = ("ب", "ل", "ک", "س")  # ك is folded to ک
MIN_BARE = 3
"""Letters an Arabic word must keep when its prefixes are taken off."""
MIN_AFTER_AND = 2
"""Letters it must keep when only و or ف is taken off: وما, ولا are "and not" (وما عم يتنفس)."""


def _bare(word: str) -> list[str]:
    """An Arabic message word without its clitic prefixes, every way they can be read:
    والانتحار → الانتحار, انتحار; بالسكين → السكين, سكين; للانتحار → انتحار; وما → ما."""
    out: list[str] = []

    def add(rest: str, minimum: int = MIN_BARE) -> None:
        if len(rest) >= minimum and rest not in out and rest != word:
            out.append(rest)

    firsts = [word] + [word[1:] for c in _CONJUNCTIONS if word.startswith(c)]
    for first in firsts:
        add(first, MIN_AFTER_AND)
        seconds = [first] + [first[1:] for p in _PREPOSITIONS if first.startswith(p)]
        for second in seconds:
            add(second)
            if second.startswith("ال"):
                add(second[2:])
            if first.startswith("لل"):  # ل + ال: the alef is not written
                add(first[2:])
    return out


_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")
"""A letter typed three times or more, as a frightened person stretches a cry (hilfeeee)."""


class Readings(tuple[str, ...]):
    """The readings of one message word; the first `plain` are whole words (as typed, stretched
    letters taken back), the rest Arabic readings without prefixes, which only clitic-aware
    phrase words may use."""

    plain: int

    def __new__(cls, plain: Sequence[str], bare: Sequence[str] = ()) -> Readings:
        readings = super().__new__(cls, (*plain, *bare))
        readings.plain = len(plain)
        return readings


def _readings(word: str) -> Readings:
    """A message word as typed, with its stretched letters taken back to one and to two (hilfeee →
    hilfe, allles → alles), and for Arabic-script words each of these without prefixes."""
    plain = [word]
    if _STRETCHED.search(word):
        plain += [
            f for f in (_STRETCHED.sub(r"\1", word), _STRETCHED.sub(r"\1\1", word)) if f != word
        ]
    bare: list[str] = []
    if _ARABIC_SCRIPT.search(word):
        for form in plain:
            bare += [b for b in _bare(form) if b not in plain and b not in bare]
    return Readings(plain, bare)


def message_forms(words: list[str]) -> list[tuple[str, ...]]:
    """Each message word with its readings (`_readings`); blanked words stay ("",)."""
    return [_readings(w) if w else (w,) for w in words]


def match_at(pattern: tuple[Word, ...], forms: list[tuple[str, ...]], start: int) -> int | None:
    """The end (exclusive) of `pattern` matched from word `start`, or None."""
    if not pattern:
        return start
    head, rest = pattern[0], pattern[1:]
    if head is GAP_WORD:
        for skip in range(MAX_GAP + 1):
            if start + skip > len(forms):
                break
            end = match_at(rest, forms, start + skip)
            if end is not None:
                return end
        return None
    if start < len(forms) and forms[start][0] and head.fits(forms[start]):
        return match_at(rest, forms, start + 1)
    return None
