"""Text normalisation shared by the NLU pipeline (nlu/), place matching and the safety net.

People type the same word many ways: with or without diacritics (é/e, ö/o, ş/s), Arabic or
Persian keyboard letters (ي/ی, ك/ک, ة/ه, أ/ا), tatweel, zero-width non-joiners, Ukrainian
apostrophes in four shapes or none, Arabic-Indic digits. `normalize` maps all of them to one
form, keeps the relation to the original positions (`normalize_with_offsets`) so entity
annotations can follow, and never merges or splits whitespace-separated words.
Standard library only: it also runs in .venv-rasa.
"""

from __future__ import annotations

import re
import unicodedata

# Letter variants → one form (Persian letters as the common form for ي/ى/ك).
_LETTERS = str.maketrans(
    {
        "ي": "ی",  # Arabic yeh
        "ى": "ی",  # alef maksura
        "ك": "ک",  # Arabic kaf
        "ة": "ه",  # taa marbuta
        "ۀ": "ه",  # heh with yeh above (Persian ezafe)
        "ı": "i",  # Turkish dotless i
        "ß": "ss",
        "ё": "е",
        "Ё": "е",
    }
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_DROP = {
    "\u0640",  # tatweel
    "\u200b",
    "\u200c",
    "\u200d",
    "\ufeff",  # zero-width space, ZWNJ, ZWJ, BOM
    "\u200e",
    "\u200f",
    "\u061c",  # directional marks
    *(chr(c) for c in range(0x202A, 0x202F)),  # embeddings and overrides
    *(chr(c) for c in range(0x2066, 0x206A)),  # isolates
}
_APOSTROPHES = set("'’`ʼ‘")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_HOMOGLYPHS = str.maketrans("aceiopxyk", "асеіорхук")
"""Latin letters that look like Cyrillic ones (after casefolding): on a Russian layout there is
no і, so Ukrainians type a Latin i (дiд, синi); some phones mix in a Latin a, o or e as well."""
_LATIN_HOMOGLYPH = re.compile("[aceiopxyk]")
_OTHER_LATIN = re.compile("[b-df-hjlmnq-wz]")
_WORD = re.compile(r"\w+")


def _char(c: str) -> str:
    """One character normalised (cached: a message or list holds few distinct characters, and
    the Unicode normalisation of each is what loading the emergency lists spent its time on)."""
    out = _CHAR_CACHE.get(c)
    if out is None:
        out = _normalise_char(c)
        if len(_CHAR_CACHE) < _CHAR_CACHE_SIZE:  # messages may bring any of Unicode's letters
            _CHAR_CACHE[c] = out
    return out


_CHAR_CACHE: dict[str, str] = {}
_CHAR_CACHE_SIZE = 8192


def _normalise_char(c: str) -> str:
    if c in _DROP:
        return ""
    if unicodedata.category(c) == "Cc" and c not in "\t\n\r":
        return " "  # control characters become a space (never glue two words together)
    out = unicodedata.normalize("NFKC", c)
    out = "".join(ch for ch in unicodedata.normalize("NFD", out) if not unicodedata.combining(ch))
    return out.translate(_LETTERS).translate(_DIGITS).casefold()


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the index it came from."""
    out: list[str] = []
    origin: list[int] = []
    for i, c in enumerate(text):
        if (
            c in _APOSTROPHES
            and 0 < i < len(text) - 1
            and _CYRILLIC.match(text[i - 1])
            and _CYRILLIC.match(text[i + 1])
        ):
            continue  # м'ясо, мʼясо, м’ясо and мясо are one word
        for ch in _char(c):
            out.append(ch)
            origin.append(i)
    return _cyrillic_words("".join(out)), origin


def normalize(text: str) -> str:
    if _APOSTROPHES.isdisjoint(text):  # the common case, without the offsets' bookkeeping
        return _cyrillic_words("".join(map(_char, text)))
    return normalize_with_offsets(text)[0]


def _cyrillic_words(text: str) -> str:
    """A word of Cyrillic letters with Latin look-alikes typed in it, in Cyrillic only ("дiд" is
    "дід"). Letter for letter, so the offsets stay valid. A word with no Cyrillic letter, or with a
    Latin letter that has no Cyrillic twin ("dopomozhіt" with a Cyrillic і), is left as it is:
    Latin-typed Russian and Ukrainian is read by lotse/safety_latin.py."""
    if not _CYRILLIC.search(text) or not _LATIN_HOMOGLYPH.search(text):
        return text
    return _WORD.sub(_cyrillic_word, text)


def _cyrillic_word(match: re.Match[str]) -> str:
    word = match.group()
    if _CYRILLIC.search(word) and _LATIN_HOMOGLYPH.search(word) and not _OTHER_LATIN.search(word):
        return word.translate(_HOMOGLYPHS)
    return word


def remap_span(origin: list[int], start: int, end: int) -> tuple[int, int]:
    """Map an [start, end) span of the original text onto the normalised text."""
    new_start = next((j for j, i in enumerate(origin) if i >= start), len(origin))
    new_end = new_start
    for j in range(new_start, len(origin)):
        if origin[j] < end:
            new_end = j + 1
        else:
            break
    return new_start, new_end


def contains_words(
    words: list[str], sequence: tuple[str, ...], max_ending: int, min_stem: int = 6
) -> bool:
    """Whether `sequence` occurs in `words` as whole words; its last word, if at least `min_stem`
    letters long, may carry up to `max_ending` more (inflections: Леррах → Леррахе)."""
    n = len(sequence)
    for i in range(len(words) - n + 1):
        if tuple(words[i : i + n - 1]) != sequence[:-1]:
            continue
        last, word = sequence[-1], words[i + n - 1]
        if word == last or (
            len(last) >= min_stem and word.startswith(last) and len(word) - len(last) <= max_ending
        ):
            return True
    return False


_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_UMLAUT_DIGRAPHS = (("ae", "a"), ("oe", "o"), ("ue", "u"))


def fold(text: str, umlauts: bool = True) -> str:
    """A matching key: normalised, umlaut digraphs collapsed (Loerrach = Lörrach) unless `umlauts`
    is False, punctuation removed, single spaces."""
    key = normalize(text)
    for digraph, letter in _UMLAUT_DIGRAPHS if umlauts else ():
        key = key.replace(digraph, letter)
    return " ".join(_NON_WORD.sub(" ", key).split())


RTL_LANGUAGES = frozenset({"ar", "fa"})
FSI, PDI = "\u2068", "\u2069"  # first-strong isolate, pop directional isolate


def isolate(value: str, language: str) -> str:
    """Wrap a value inserted into a right-to-left reply in a directional isolate, so a Latin name,
    a phone number or an opening time keeps its own order inside Arabic or Persian text."""
    if language in RTL_LANGUAGES and value:
        return f"{FSI}{value}{PDI}"
    return value


TELEGRAM_TEXT_LIMIT = 4096


def split_text(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Split at line breaks so that each part fits into one Telegram message."""
    parts: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        if len(current) + len(line) > limit:
            parts.append(current)
            current = ""
        current += line
    if current or not parts:
        parts.append(current)
    return [p.rstrip("\n") or p for p in parts]
