"""Arabic, Persian, Russian and Ukrainian typed in Latin letters, read against the same lists.

A phone without a keyboard for one's script gives "pomogite muzh b'yot menya", "jozi 3am
yedrebni", "mikham khodamo bekosham". Writing every phrase of data/safety/ a second time in
every way people transliterate is impossible, so each phrase word is turned into a loose Latin
*key*, and the Latin words of a message are turned into the same key:

- Russian and Ukrainian (`slavic_key`): Cyrillic is transliterated letter by letter, then the
  Latin spelling is folded, on phrase words and message words alike: ш/щ sh sch shch → S, ж zh →
  Z, х kh h x and г g h → h, ч ц ch ts c → C, и ы і ї y i → i, the iotation of я ю є ё (ya ia ja
  yu iu ye ie yo) → a u e e, soft signs and apostrophes dropped, doubled letters as one.
- Arabic and Persian (`skeleton_key`, `latin_skeletons`): a consonant skeleton, because the
  script writes no short vowels. Alef, و and ی go (they are vowels as often as w/y), so does a
  final ه (taa marbuta, a silent h); ب and پ stay apart. Every other letter is a class that its
  Arabizi digit and Latin spellings also give: 2 hamza or ق, 3 ع, 5 kh خ, 6 ط, 7 ح, 8 غ/ق, 9 ق/ص;
  g is ج, ق or غ/گ; ch is چ, ش or ك. A Latin letter that can be several classes gives several
  keys; an article typed apart (el dam, bil 2atl) is read with its word.

Only words written in Latin letters are read this way (a stray Cyrillic letter inside a Latin
word is transliterated); Cyrillic and Arabic-script words and bare numbers take no part. A phrase
takes part only when its key is long enough (`Thresholds`: the whole phrase, its longest word,
a phrase of one word, a part of a scene), and then only as a whole phrase, so the one- and
two-consonant keys that German, English, French or Turkish words also have never raise an alarm
alone. A message with an Arabizi word (3am, hala2) is Arabic for sure, so shorter skeletons count
there (`ARABIZI_THRESHOLDS`). Endings follow the rule of each key kind (`LATIN_ENDINGS`).
Standard library only (gateway and Rasa).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import product

from lotse.safety_words import (
    EXACT_MARK,
    GAP,
    STEM_MARK,
    Endings,
    Readings,
    Word,
    compile_word,
    words_of,
)
from lotse.text import fold

SLAVIC = frozenset({"ru", "uk"})
SKELETAL = frozenset({"ar", "fa"})
LATIN_LANGUAGES = SLAVIC | SKELETAL

_CYRILLIC_TO_LATIN = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ye",
        "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "yi", "й": "y", "к": "k", "л": "l",
        "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
        "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y",
        "ь": "", "э": "e", "ю": "yu", "я": "ya", "ё": "yo",
    }
)  # fmt: skip
_SLAVIC_DIGRAPHS = (
    ("shch", "S"), ("sch", "S"), ("shh", "S"), ("sh", "S"), ("zh", "Z"), ("kh", "h"),
    ("ch", "C"), ("ts", "C"), ("tz", "C"), ("c", "C"), ("x", "h"), ("g", "h"), ("w", "v"),
    ("q", "k"),
)  # fmt: skip
_IOTA = "yji"
_SLAVIC_VOWELS = "aeou"
_DOUBLED = re.compile(r"(.)\1+")


def cyrillic_to_latin(word: str) -> str:
    """One Latin spelling of a Cyrillic word (Ukrainian г as h; Russian г folds to the same key)."""
    return word.translate(_CYRILLIC_TO_LATIN)


@lru_cache(maxsize=1 << 16)  # every list word at load, and message words: bounded
def slavic_key(word: str) -> str:
    """The loose key of a Russian or Ukrainian word, Cyrillic or typed in Latin letters:
    бьёт, b'yot, bjot → bet; дихає, dykhaie, dyhaje → dihae."""
    s = re.sub(r"[^a-z]", "", cyrillic_to_latin(word.lower()))
    for spelling, key in _SLAVIC_DIGRAPHS:
        s = s.replace(spelling, key)
    out: list[str] = []
    i = 0
    while i < len(s):
        c = s[i]
        if c in _IOTA and i + 1 < len(s) and s[i + 1] in _SLAVIC_VOWELS:
            out.append("e" if s[i + 1] == "o" else s[i + 1])  # yo/jo/io is ё, folded to е
            i += 2
            continue
        out.append("i" if c in _IOTA else c)
        i += 1
    return _DOUBLED.sub(r"\1", "".join(out))


_ARABIC_CLASSES = {
    "ب": "b", "پ": "p", "ت": "t", "ط": "t", "ث": "t", "ج": "j", "چ": "c", "ح": "H",
    "خ": "x", "د": "d", "ذ": "z", "ر": "r", "ز": "z", "ژ": "z", "س": "s", "ش": "S",
    "ص": "s", "ض": "d", "ظ": "z", "ع": "3", "غ": "g", "ف": "f", "ق": "q", "ک": "k",
    "گ": "g", "ل": "l", "م": "m", "ن": "n", "ه": "h",
}  # fmt: skip
_PERSIAN_CLASSES = {"ث": "s", "ض": "z", "ق": "g", "ع": ""}
"""Persian says ث as s, ض as z, ق like غ, and Finglish leaves ع out."""

_LATIN_CLASSES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sh", ("S",)), ("ch", ("c", "S", "k")), ("kh", ("x",)), ("gh", ("g",)), ("th", ("t",)),
    ("dh", ("z",)), ("ck", ("k",)), ("ph", ("f",)),
    ("b", ("b",)), ("p", ("p",)), ("t", ("t",)), ("6", ("t",)), ("j", ("j",)),
    ("g", ("j", "q", "g")), ("7", ("H",)), ("h", ("h", "H")), ("5", ("x",)), ("x", ("x", "ks")),
    ("d", ("d",)), ("r", ("r",)), ("z", ("z",)), ("s", ("s",)), ("3", ("3",)),
    ("9", ("q", "s")), ("8", ("g", "q")), ("f", ("f",)), ("q", ("q", "g")), ("k", ("k",)),
    ("c", ("k",)), ("l", ("l",)), ("m", ("m",)), ("n", ("n",)), ("2", ("", "q")),
)  # fmt: skip
"""Latin spellings and Arabizi digits, longest first, with every class each can stand for.
Vowels, w, v and y give nothing (the skeleton drops alef, و and ی)."""
_MAX_SKELETONS = 16


@cache  # pure, and called for every word of every list at load
def skeleton_key(word: str, language: str) -> str:
    """The consonant skeleton of an Arabic or Persian word: يضربني → drbn, سكينة → skn."""
    classes = _ARABIC_CLASSES | (_PERSIAN_CLASSES if language == "fa" else {})
    word = fold(word)
    letters = word[:-1] if word.endswith("ه") else word
    return _DOUBLED.sub(r"\1", "".join(classes.get(c, "") for c in letters))


def latin_skeletons(word: str) -> tuple[str, ...]:
    """Every skeleton a Latin or Arabizi word can stand for, the likeliest first: yedrebni →
    drbn; hala2 → hl, hlq; sichcheena → skn, sSn, scn. A final h may be a silent ه, so it may go."""
    s = re.sub(r"[^a-z0-9]", "", word.lower())
    choices: list[tuple[str, ...]] = []
    i = 0
    while i < len(s):
        for spelling, classes in _LATIN_CLASSES:
            if s.startswith(spelling, i):
                last = i + len(spelling) == len(s)
                choices.append(("", *classes) if last and spelling == "h" else classes)
                i += len(spelling)
                break
        else:
            i += 1  # a vowel, w, v or y
    keys: list[str] = []
    for combination in product(*choices):
        key = _DOUBLED.sub(r"\1", "".join(combination))
        if key not in keys:
            keys.append(key)
        if len(keys) >= _MAX_SKELETONS:
            break
    return tuple(keys) or ("",)


_ARTICLE_TYPED_ON = re.compile(r"^(?:w[ae]?|u)?[bfkl3]?[aei]l(?=[a-z0-9]{3})")
"""The article typed onto a word, maybe after a conjunction and a preposition: eldam, ilbab,
bel-beit, fel, 3al, wel, lel."""
_PREFIX_CLASSES = frozenset("bfkls")
"""ب ف ك ل س and Darija's present ka-, as one class before the word (kaydrebni → drbn)."""
MIN_AFTER_PREFIX = 4


def _skeleton_bare(word: str, keys: Iterable[str]) -> list[str]:
    """The skeletons of a Latin word without an article typed onto it (eldam → dm), or
    without one prefix class when four classes stay (kaydrebni → drbn)."""
    out: list[str] = []
    match = _ARTICLE_TYPED_ON.match(word)
    if match:
        out += [k for k in latin_skeletons(word[match.end() :]) if len(k) >= 2]
    out += [k[1:] for k in keys if k[:1] in _PREFIX_CLASSES and len(k) > MIN_AFTER_PREFIX]
    return list(dict.fromkeys(out))


LATIN_ENDINGS: dict[str, Endings] = {
    "ru": Endings(min_stem=4, max_ending=3, drop_final="aeiou"),
    "uk": Endings(min_stem=4, max_ending=3, drop_final="aeiouv"),
    "ar": Endings(min_stem=4, max_ending=1, clitics=True),
    "fa": Endings(min_stem=4, max_ending=1),
}
"""Endings on keys: a Slavic key may lose a final vowel (and Ukrainian past-tense v) and take up
to three letters; a skeleton of four consonants or more may take one (ضربني after ضرب); a
word ending in taa marbuta may also end in t (علبة حبوب, 3elbet 7boob)."""


@dataclass(frozen=True)
class Thresholds:
    """How long a phrase's key must be to be read in Latin letters."""

    phrase: int
    """Letters of the whole key, at least."""
    longest: int
    """Letters of its longest word's key, at least."""
    single: int
    """Letters of the key of a phrase of one word (инсульт is also a French insult)."""
    scene_part: int
    """Letters of the key of a part of a scene, which never raises an alarm alone (муж, but
    not он: English has "on")."""


SLAVIC_THRESHOLDS = Thresholds(phrase=6, longest=4, single=7, scene_part=3)
SKELETON_THRESHOLDS = Thresholds(phrase=4, longest=3, single=5, scene_part=4)
ARABIZI_THRESHOLDS = Thresholds(phrase=4, longest=3, single=4, scene_part=3)
"""For a message with an Arabizi word (3am, 7ari2, hala2): no German, English, French or
Turkish message has one, so shorter skeletons may be read there."""

_ARABIZI_WORD = re.compile(r"^(?!.*\d\d)(?=(?:.*[a-z]){2})[a-z0-9]*[235679][a-z0-9]*$")
"""Letters with an Arabizi digit among them, never two digits in a row (3am, sa3douni, hala2;
not b1, u7, 12std)."""


def has_arabizi(words: Iterable[str]) -> bool:
    return any(_ARABIZI_WORD.match(w) for w in words)


def thresholds(language: str, arabizi: bool = False) -> Thresholds:
    if language in SLAVIC:
        return SLAVIC_THRESHOLDS
    return ARABIZI_THRESHOLDS if arabizi else SKELETON_THRESHOLDS


_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LATIN = re.compile(r"[a-z]")


def phrase_keys(
    words: Iterable[str], language: str, scene_part: bool = False, arabizi: bool = False
) -> list[tuple[Word, ...]]:
    """The key words of one listed phrase (`stem*`, `word=` and `~` kept), one tuple per way
    of reading it (taa marbuta as h or t); none when the phrase is too short to be read in Latin
    letters (`thresholds`) or its language has none. Arabic and Persian phrases already written
    in Latin letters are matched as they are."""
    if language not in LATIN_LANGUAGES:
        return []
    rule = LATIN_ENDINGS[language]
    limits = thresholds(language, arabizi)
    variants: list[list[str]] = []
    keys: list[str] = []
    for word in words:
        if word == GAP:
            variants.append([GAP])
            continue
        mark = word[-1] if word[-1] in (STEM_MARK, EXACT_MARK) and len(word) > 1 else ""
        bare = word[: -len(mark)] if mark else word
        if language in SLAVIC:
            key = slavic_key(bare)
        elif _LATIN.search(bare):
            return []
        else:
            key = skeleton_key(bare, language)
        if not key:
            return []
        keys.append(key)
        tied = [key, key + "t"] if language == "ar" and bare.endswith("ه") else [key]
        variants.append([k + mark for k in tied])
    total, longest = sum(map(len, keys)), max(map(len, keys), default=0)
    if scene_part:
        if total < limits.scene_part:
            return []
    elif (
        (len(keys) == 1 and total < limits.single)
        or total < limits.phrase
        or longest < limits.longest
    ):
        return []
    return [tuple(compile_word(w, rule) for w in choice) for choice in product(*variants)]


def _is_latin(word: str) -> bool:
    """A word typed in Latin letters: a Latin letter, no Arabic letter, more Latin letters than
    Cyrillic ones (dopomozhіt with a Cyrillic і is Latin; a number is not)."""
    if _ARABIC_SCRIPT.search(word):
        return False
    latin = len(_LATIN.findall(word))
    return latin > 0 and latin > len(_CYRILLIC.findall(word))


_HYPHEN_IN_LATIN_WORD = re.compile(r"(?<=[A-Za-z])-(?=[A-Za-z])")
_ARTICLES = frozenset(
    {"el", "il", "al", "l", "bil", "bel", "bl", "fil", "fel", "fl", "3al", "3l", "lal", "lel",
     "lil", "wel", "wil", "wl"}
)  # fmt: skip
"""Arabizi articles typed apart, alone or after a preposition (el dam, bil 2atl)."""


def latin_words(text: str) -> list[str]:
    """The message's words, those not typed in Latin letters blanked ("") so that no phrase
    spans them; hyphens inside Latin words joined (shohar-em, bud-iaku). Umlaut digraphs stay:
    in translit, "dyshaet" is дышает (-ает), not a German ä."""
    words = words_of(_HYPHEN_IN_LATIN_WORD.sub("", text), umlauts=False)
    return [w if _is_latin(w) else "" for w in words]


def _readings(keys: Iterable[str], bare: Iterable[str] = ()) -> Readings:
    plain = tuple(dict.fromkeys(keys))
    extra = tuple(k for k in dict.fromkeys(bare) if k not in plain)
    return Readings(plain, extra)


def slavic_forms(words: list[str]) -> list[tuple[str, ...]]:
    """Each Latin word's Slavic key; blank words stay ("",)."""
    return [_readings([slavic_key(w)]) if w and slavic_key(w) else ("",) for w in words]


def _skeleton_readings(word: str) -> tuple[str, ...]:
    keys = [k for k in latin_skeletons(word) if k]
    return _readings(keys, _skeleton_bare(word, keys)) if keys else ("",)


def skeleton_forms(words: list[str]) -> list[tuple[str, ...]]:
    """Each Latin word's skeletons, and those without an article or prefix typed onto it. An
    article typed apart (el dam, bil 2atl) is read with the word after it, in both places, so
    that a phrase may end on the article (حبوب النوم: 7boob el nom) or go on from the noun
    (الدم ما وقف: el dam ma wagaf)."""
    forms = [_skeleton_readings(w) if w else ("",) for w in words]
    for i, word in enumerate(words[:-1]):
        if word in _ARTICLES and words[i + 1] and words[i + 1] not in _ARTICLES:
            forms[i] = forms[i + 1] = _skeleton_readings(word + words[i + 1])
    return forms
