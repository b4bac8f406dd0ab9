"""The emergency safety net: curated phrases per language (data/safety/emergency_<lang>.txt).

An acute-danger message must get the emergency numbers whatever the intent classifier says, so
the NLU pipeline (nlu/safety_net.py) overrides the intent when a phrase matches, and the gateway
answers with the numbers itself when Rasa is down. Phrases match whole words of the message as
lotse.safety_words compares them (folded, apostrophes joined, Persian parts joined, endings and
Arabic prefixes by the rule of the phrase's language).

What is an emergency, in every language alike: danger to life or body now or just now — violence
(he hits me, he hit me, strangling, a weapon, a threat to kill), suicide and wanting to die, rape,
not breathing, unconscious, overdose or swallowed pills and poison, heart attack, stroke,
seizures, heavy bleeding, drowning, fire and smoke, a missing child or a child at a window.

What is not, in every language alike (data/safety/look_alike_<lang>.txt; the words of a
look-alike never count towards a danger, the rest of the message still does):
- not wanting to live *somewhere* (in this camp, im Heim, в общежитии, bu kampta, در کمپ) is a
  housing question; not wanting to live at all is an emergency;
- the asylum hearing, its letter, and violence or threats *in the home country* told for it;
- not wanting one's messages stored; a child with a cold, a cough or a fever;
- eviction and the landlord, the boss, the rent or German grammar that "will kill me", "dying to
  find a job"; an illness in the past ("after his stroke last year");
- violence that is over, told to find counselling or a lawyer: a time long past beside the verb
  ("vor zwei Jahren geschlagen", "в прошлом году избил", "كان يضربني" he used to hit me); the
  same verb with "now", "tonight" or a threat stays an emergency (tests/unit/test_safety_past.py).
An emergency answer instead of help with a flat is a failure too, so a look-alike is added in all
eight languages at once (tests/unit/test_safety_net.py holds the same sentences in each).

A scene (data/safety/scenes_<lang>.txt, lotse.safety_scenes) is a danger told as two or three
things close together that are harmless alone: a child and "nowhere", falling and not
answering, drinking and the liquid under the sink. Phrases are tried first, then scenes.
Standard library only (also runs in Rasa).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from lotse.danger_model import ALARM, HINT, DangerModel, read_model
from lotse.danger_model import DEFAULT_PATH as DEFAULT_MODEL
from lotse.safety_latin import (
    SLAVIC,
    has_arabizi,
    latin_words,
    phrase_keys,
    skeleton_forms,
    slavic_forms,
)
from lotse.safety_scenes import Scene, match_scenes, read_scenes
from lotse.safety_words import (
    DEFAULT_ENDINGS,
    ENDINGS,
    EXACT_MARK,
    GAP,
    STEM_MARK,
    Word,
    compile_word,
    match_at,
    message_forms,
    words_of,
)

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "data" / "safety"

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Pattern:
    """One listed phrase, compiled by the ending rule of its file's language."""

    phrase: Phrase
    language: str
    words: tuple[Word, ...]
    text: str = field(default="", compare=False)
    """The line as listed (the Latin reading keys it without the umlaut folding)."""


MODEL_MATCH = Pattern(("danger-model",), "", ())
"""What `find_match` returns when the danger model, not a phrase, raised the alarm."""

_STEM_SIGN, _EXACT_SIGN, _GAP_SIGN = "ᛝ", "ᛞ", "ᛟ"
"""Letters no message holds, standing in for `*`, `=` and `~` while the phrase is folded (fold
drops punctuation)."""


def phrase_words(text: str, umlauts: bool = True) -> list[str]:
    """The words of a listed phrase, compared as message words are; `stem*` and `~` kept."""
    signed = text.replace(STEM_MARK, _STEM_SIGN).replace(EXACT_MARK, _EXACT_SIGN)
    words = [
        GAP if w == _GAP_SIGN else w.replace(_STEM_SIGN, STEM_MARK).replace(_EXACT_SIGN, EXACT_MARK)
        for w in words_of(signed.replace(GAP, f" {_GAP_SIGN} "), umlauts)
    ]
    while words and words[0] == GAP:
        words.pop(0)
    while words and words[-1] == GAP:
        words.pop()
    return words


def compile_phrase(text: str, language: str) -> Pattern | None:
    """A listed phrase, compiled by its language's ending rule."""
    words = phrase_words(text)
    if not words:
        return None
    rule = ENDINGS.get(language, DEFAULT_ENDINGS)
    return Pattern(tuple(words), language, tuple(compile_word(w, rule) for w in words), text)


def _index(patterns: Iterable[Pattern]) -> dict[str, list[Pattern]]:
    """Patterns by the first two letters of their first word (one letter for one-letter words)."""
    index: dict[str, list[Pattern]] = defaultdict(list)
    for pattern in patterns:
        index[pattern.words[0].form[:2]].append(pattern)
    return dict(index)


Index = dict[str, list[Pattern]]


@dataclass(frozen=True)
class LatinIndex:
    """Patterns of ru/uk and ar/fa as Latin keys (lotse.safety_latin), each kept under its
    listed phrase so that the log names the rule. Skeletons twice: with the thresholds of any
    Latin message, and with the shorter ones of a message with an Arabizi word."""

    slavic: Index
    skeleton: Index
    arabizi: Index

    def for_message(self, arabizi: bool) -> tuple[Index, Index]:
        return self.slavic, self.arabizi if arabizi else self.skeleton


_LATIN_DIGRAPH = re.compile(r"[aou]e", re.IGNORECASE)
"""A Latin-typed ru/uk phrase word with one of these ("ubivaet") keeps it in the Latin reading."""


def _latin_index(patterns: Iterable[Pattern], scene_parts: bool = False) -> LatinIndex:
    slavic: list[Pattern] = []
    skeleton: list[Pattern] = []
    arabizi: list[Pattern] = []
    for pattern in patterns:
        phrase = pattern.phrase
        if pattern.language in SLAVIC and _LATIN_DIGRAPH.search(pattern.text):
            phrase = tuple(phrase_words(pattern.text, umlauts=False))  # as latin_words reads
        for relaxed, bucket in (
            (False, slavic if pattern.language in SLAVIC else skeleton),
            (True, arabizi),
        ):
            if relaxed and pattern.language in SLAVIC:
                continue
            for words in phrase_keys(phrase, pattern.language, scene_parts, relaxed):
                bucket.append(Pattern(pattern.phrase, pattern.language, words))
    return LatinIndex(_index(slavic), _index(skeleton), _index(arabizi))


@dataclass(frozen=True)
class PhraseNet:
    """Danger phrases, and look-alike phrases whose words can never count towards a danger."""

    dangers: tuple[Pattern, ...]
    look_alikes: tuple[Pattern, ...] = ()
    scenes: tuple[Scene, ...] = ()
    model: DangerModel | None = field(default=None, compare=False)
    """The danger model (lotse/danger_model.py): asked when no phrase and no scene matched."""
    _dangers: dict[str, list[Pattern]] = field(init=False, repr=False, compare=False)
    _look_alikes: dict[str, list[Pattern]] = field(init=False, repr=False, compare=False)
    _scene_parts: dict[str, list[Pattern]] = field(init=False, repr=False, compare=False)
    _scene_slots: dict[tuple[str, Phrase], list[tuple[int, int]]] = field(
        init=False, repr=False, compare=False
    )
    """Where each phrase of a scene stands: (scene number, part number), every place."""
    _latin_dangers: LatinIndex = field(init=False, repr=False, compare=False)
    _latin_look_alikes: LatinIndex = field(init=False, repr=False, compare=False)
    _latin_scene_parts: LatinIndex = field(init=False, repr=False, compare=False)
    """The same three as Latin keys (lotse.safety_latin)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "_dangers", _index(self.dangers))
        object.__setattr__(self, "_look_alikes", _index(self.look_alikes))
        slots: dict[tuple[str, Phrase], list[tuple[int, int]]] = defaultdict(list)
        parts: dict[tuple[str, Phrase], Pattern] = {}
        compiled: dict[tuple[str, str], Pattern | None] = {}  # scenes share half their parts
        for number, scene in enumerate(self.scenes):
            for part_number, part in enumerate(scene.parts):
                for text in part:
                    if (text, scene.language) not in compiled:
                        compiled[text, scene.language] = compile_phrase(text, scene.language)
                    pattern = compiled[text, scene.language]
                    if pattern is not None:
                        key = (scene.language, pattern.phrase)
                        slots[key].append((number, part_number))
                        parts[key] = pattern
        object.__setattr__(self, "_scene_slots", dict(slots))
        object.__setattr__(self, "_scene_parts", _index(parts.values()))
        object.__setattr__(self, "_latin_dangers", _latin_index(self.dangers))
        object.__setattr__(self, "_latin_look_alikes", _latin_index(self.look_alikes))
        object.__setattr__(
            self, "_latin_scene_parts", _latin_index(parts.values(), scene_parts=True)
        )


def read_phrases(path: Path, language: str) -> set[Pattern]:
    """The phrases of one list; `#` starts a comment line."""
    patterns = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            pattern = compile_phrase(line, language)
            if pattern:
                patterns.add(pattern)
    return patterns


def _language(path: Path) -> str:
    return path.stem.rsplit("_", 1)[-1]


def load_phrases(directory: Path = DEFAULT_DIR, model: Path | bool = True) -> PhraseNet:
    """The lists of `directory`, with a danger model: `True` means the trained one
    (models/danger-model.json) for the project's own lists and none for other lists (tests');
    `False` none; a path that model."""
    if model is True:
        model = DEFAULT_MODEL if directory.resolve() == DEFAULT_DIR else False
    dangers: set[Pattern] = set()
    for path in sorted(directory.glob("emergency_*.txt")):
        dangers |= read_phrases(path, _language(path))
    look_alikes: set[Pattern] = set()
    for path in sorted(directory.glob("look_alike_*.txt")):
        look_alikes |= read_phrases(path, _language(path))
    scenes: list[Scene] = []
    for path in sorted(directory.glob("scenes_*.txt")):
        scenes += read_scenes(path, _language(path))
    order = lambda p: (p.language, p.phrase)  # noqa: E731
    return PhraseNet(
        tuple(sorted(dangers, key=order)),
        tuple(sorted(look_alikes, key=order)),
        tuple(scenes),
        read_model(model) if isinstance(model, Path) else None,
    )


def _matches(
    index: dict[str, list[Pattern]], forms: list[tuple[str, ...]]
) -> Iterable[tuple[Pattern, int, int]]:
    """Every (pattern, start, end) of `index` in the message."""
    for start, readings in enumerate(forms):
        if not readings[0]:
            continue
        seen: set[str] = set()
        for reading in readings:
            for key in (reading[:2], reading[:1]):
                if key in seen:
                    continue
                seen.add(key)
                for pattern in index.get(key, ()):
                    end = match_at(pattern.words, forms, start)
                    if end is not None:
                        yield pattern, start, end


def _blank_look_alikes(words: list[str], net: PhraseNet) -> list[str]:
    """The words of every look-alike phrase ("live in this camp") blanked out, so "I don't want
    to live in this camp" no longer holds "don't want to live"; the rest of the message still
    counts ("… in this camp, my husband hits me")."""
    out = list(words)
    for _, start, end in _matches(net._look_alikes, message_forms(words)):
        out[start:end] = [""] * (end - start)
    return out


def _find_scene(
    readings: Iterable[tuple[Index, list[tuple[str, ...]]]], net: PhraseNet
) -> Pattern | None:
    """The first scene whose parts all occur close together, as a Pattern whose phrase is the
    rule ("@child + @gone") so that the log says which rule fired. `readings` pairs an index of
    scene parts with the message's forms it is matched against."""
    if not net.scenes:
        return None
    occurrences: dict[int, dict[int, list[tuple[int, int]]]] = defaultdict(dict)
    for index, forms in readings:
        for pattern, start, end in _matches(index, forms):
            for number, part in net._scene_slots[(pattern.language, pattern.phrase)]:
                occurrences[number].setdefault(part, []).append((start, end))
    scene = match_scenes(net.scenes, occurrences)
    return Pattern(tuple(scene.text.split()), scene.language, ()) if scene else None


class Reading(NamedTuple):
    match: Pattern | None
    """What `find_match` answers."""
    possible: bool
    """No match, but the danger model reads a possible danger (below its alarm: a hint)."""
    doubted: bool = False
    """A phrase or scene matched a long message that the danger model reads as almost surely
    ordinary (lotse/danger_model.py, `doubts`): the pipeline gives it the line, not the alarm."""


def read_message(text: str, net: PhraseNet, *, doubt: bool = False) -> Reading:
    """The first emergency phrase in `text` with its language, else the first scene, else
    MODEL_MATCH if the danger model raises the alarm; the model reads the message once for its
    alarm and its hint where nothing matched, and, if `doubt` is asked (the NLU pipeline does;
    the gateway and the lists' checks need not pay for it), for its doubt where something did."""
    words = _blank_look_alikes(words_of(text), net)
    forms = message_forms(words)
    phrase = next((pattern for pattern, _, _ in _matches(net._dangers, forms)), None)
    found = phrase or _find_scene([(net._scene_parts, forms)], net) or _find_latin(text, net)
    if net.model is None:
        return Reading(found, False)
    if found is not None:
        return Reading(found, False, doubt and net.model.doubts(model_text(words)))
    reading = net.model.reading(model_text(words))
    return Reading(MODEL_MATCH if reading == ALARM else None, reading == HINT)


def find_match(text: str, net: PhraseNet) -> Pattern | None:
    """The first emergency phrase in `text` with its language, else the first scene, else
    MODEL_MATCH if the danger model raises the alarm, or None."""
    return read_message(text, net).match


def model_text(words: list[str]) -> str:
    """What the danger model reads: the message's words with the look-alike phrases blanked."""
    return " ".join(w for w in words if w)


def model_input(text: str, net: PhraseNet) -> str:
    """`model_text` of a whole message (the model's training reads its examples this way)."""
    return model_text(_blank_look_alikes(words_of(text), net))


def _find_latin(text: str, net: PhraseNet) -> Pattern | None:
    """The first phrase, else scene, of ru/uk/ar/fa in the words of `text` typed in Latin
    letters (lotse.safety_latin), after the look-alikes of either reading are blanked."""
    words = latin_words(text)
    if not any(words):
        return None
    arabizi = has_arabizi(words)
    readers = (slavic_forms, skeleton_forms)
    for look_alikes, read in zip(net._latin_look_alikes.for_message(arabizi), readers, strict=True):
        for _, start, end in list(_matches(look_alikes, read(words))):
            words[start:end] = [""] * (end - start)
    dangers = net._latin_dangers.for_message(arabizi)
    readings = [(i, read(words)) for i, read in zip(dangers, readers, strict=True)]
    for index, forms in readings:
        phrase = next((pattern for pattern, _, _ in _matches(index, forms)), None)
        if phrase:
            return phrase
    parts = net._latin_scene_parts.for_message(arabizi)
    scenes = zip(parts, (forms for _, forms in readings), strict=True)
    return _find_scene(scenes, net)


def find_phrase(text: str, net: PhraseNet) -> Phrase | None:
    """The first emergency phrase in `text`, or None."""
    match = find_match(text, net)
    return match.phrase if match else None
