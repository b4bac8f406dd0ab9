"""The emergency safety net: curated phrases per language (data/safety/emergency_<lang>.txt).

An acute-danger message must get the emergency numbers whatever the intent classifier says, so
the NLU pipeline (nlu/safety_net.py) overrides the intent when a phrase matches. Phrases match
whole words of the folded text (lotse.text.fold); a last word of six or more letters may carry up
to four more (inflections: öldürece → öldüreceğini). Words of a look-alike phrase
(data/safety/look_alike_<lang>.txt: "live in this camp") never count towards a danger.
Standard library only (also runs in Rasa).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lotse.text import contains_words, fold

MIN_STEM = 6
MAX_ENDING = 4
DEFAULT_DIR = Path(__file__).resolve().parent.parent / "data" / "safety"

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class PhraseNet:
    """Danger phrases, and look-alike phrases whose words can never count towards a danger."""

    dangers: tuple[Phrase, ...]
    look_alikes: tuple[Phrase, ...] = ()


def _read(path: Path) -> set[Phrase]:
    phrases = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            words = tuple(fold(line).split())
            if words:
                phrases.add(words)
    return phrases


def load_phrases(directory: Path = DEFAULT_DIR) -> PhraseNet:
    dangers: set[Phrase] = set()
    for path in sorted(directory.glob("emergency_*.txt")):
        dangers |= _read(path)
    look_alikes: set[Phrase] = set()
    for path in sorted(directory.glob("look_alike_*.txt")):
        look_alikes |= _read(path)
    return PhraseNet(tuple(sorted(dangers)), tuple(sorted(look_alikes)))


def _blank_look_alikes(words: list[str], look_alikes: Sequence[Phrase]) -> list[str]:
    """The words of every look-alike phrase ("live in this camp") blanked out, so "I don't want
    to live in this camp" no longer holds "don't want to live"; the rest of the message still
    counts ("… in this camp, my husband hits me")."""
    out = list(words)
    for phrase in look_alikes:
        n = len(phrase)
        for i in range(len(words) - n + 1):
            if contains_words(words[i : i + n], phrase, MAX_ENDING, MIN_STEM):
                out[i : i + n] = [""] * n
    return out


def find_phrase(text: str, net: PhraseNet) -> Phrase | None:
    """The first emergency phrase in `text`, or None."""
    words = _blank_look_alikes(fold(text).split(), net.look_alikes)
    return next((p for p in net.dangers if contains_words(words, p, MAX_ENDING, MIN_STEM)), None)
