"""Resolve a free-text place ("ich wohne in loerrach") to a municipality in the catalogue.

Matching works on folded keys (case, umlauts, accents and punctuation removed), so people can
type as they do on a phone. The candidates are read from the catalogue itself: a place added to
the database is understood at once, without retraining the NLU model.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from lotse.models import Offer

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_UMLAUT_DIGRAPHS = (("ae", "a"), ("oe", "o"), ("ue", "u"))


def fold(text: str) -> str:
    """A matching key: lower case, no accents, umlaut digraphs collapsed, single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("ß", "ss")
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    for digraph, letter in _UMLAUT_DIGRAPHS:
        text = text.replace(digraph, letter)
    return " ".join(_NON_WORD.sub(" ", text).split())


def _keys(name: str) -> set[str]:
    """Keys under which a catalogue name is found: the full name, and without a bracketed part."""
    keys = {fold(name)}
    bare = re.sub(r"\s*\(.*?\)", "", name).strip()
    if bare and bare != name:
        keys.add(fold(bare))
    return {k for k in keys if k}


def known_places(session: Session) -> list[str]:
    return list(session.scalars(select(Offer.municipality).distinct().order_by(Offer.municipality)))


def resolve_place(session: Session, text: str) -> list[str]:
    """Municipalities named in `text`, best first (longest match); empty if none is known."""
    haystack = f" {fold(text)} "
    if not haystack.strip():
        return []
    found: dict[str, int] = {}
    for place in known_places(session):
        for key in _keys(place):
            if f" {key} " in haystack:
                found[place] = max(found.get(place, 0), len(key))
    return sorted(found, key=lambda p: (-found[p], p))
