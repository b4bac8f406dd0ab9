"""Resolve a free-text place ("ich wohne in loerrach", "в Леррахе") to a catalogue municipality.

Matching works on folded keys (lotse.text.fold: case, diacritics, keyboard variants, punctuation),
over the catalogue's municipality names and their aliases in other scripts. The last word of a
name may carry a short inflection ending (Леррах-е, Берліні), as Ukrainian and Russian require.
Candidates are read from the database, so a place added there is understood at once, without
retraining the NLU model.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from lotse.models import Offer, PlaceAlias
from lotse.text import contains_words, fold

MAX_ENDING = 2  # letters an inflected last word may add (Леррах → Леррахе, Берлін → Берліні)
MIN_STEM = 6  # ... and only to words at least this long (never "Mitte" → "Mitten")


def _keys(name: str) -> set[str]:
    """Keys under which a name is found: as written, and without a bracketed part."""
    keys = {fold(name)}
    bare = re.sub(r"\s*\(.*?\)", "", name).strip()
    if bare and bare != name:
        keys.add(fold(bare))
    return {k for k in keys if k}


def known_places(session: Session) -> list[str]:
    return list(session.scalars(select(Offer.municipality).distinct().order_by(Offer.municipality)))


def place_names(session: Session) -> dict[str, set[str]]:
    """Every catalogue municipality with the names it is known by."""
    names: dict[str, set[str]] = {place: {place} for place in known_places(session)}
    for alias in session.scalars(select(PlaceAlias)):
        if alias.place in names:
            names[alias.place].add(alias.alias)
    return names


def resolve_place(session: Session, text: str) -> list[str]:
    """Municipalities named in `text`, best first (longest match); empty if none is known."""
    words = fold(text).split()
    if not words:
        return []
    found: dict[str, int] = {}
    for place, names in place_names(session).items():
        for name in names:
            for key in _keys(name):
                if contains_words(words, tuple(key.split()), MAX_ENDING, MIN_STEM):
                    found[place] = max(found.get(place, 0), len(key))
    return sorted(found, key=lambda p: (-found[p], p))
