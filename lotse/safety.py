"""The emergency safety net: curated phrases per language (data/safety/emergency_<lang>.txt).

An acute-danger message must get the emergency numbers whatever the intent classifier says, so
the NLU pipeline (nlu/safety_net.py) overrides the intent when a phrase matches. Phrases match
whole words of the folded text (lotse.text.fold); a last word of six or more letters may carry up
to four more (inflections: öldürece → öldüreceğini). Standard library only (also runs in Rasa).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lotse.text import contains_words, fold

MIN_STEM = 6
MAX_ENDING = 4
DEFAULT_DIR = Path(__file__).resolve().parent.parent / "data" / "safety"

Phrase = tuple[str, ...]


def load_phrases(directory: Path = DEFAULT_DIR) -> list[Phrase]:
    phrases = set()
    for path in sorted(directory.glob("emergency_*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                words = tuple(fold(line).split())
                if words:
                    phrases.add(words)
    return sorted(phrases)


def find_phrase(text: str, phrases: Sequence[Phrase]) -> Phrase | None:
    """The first emergency phrase in `text`, or None."""
    words = fold(text).split()
    return next((p for p in phrases if contains_words(words, p, MAX_ENDING, MIN_STEM)), None)
